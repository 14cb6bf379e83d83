#!/usr/bin/env bash
# Regenerates the README's pictures: drives `hootwire --sandbox` in tmux,
# captures the key screens with their colours, renders each with freeze and
# joins them into docs/walkthrough.gif. Needs tmux; run from anywhere:
#   bash docs/make-pictures.sh
# QUICK=1 stops after the captures (CI uses it so the script cannot rot).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
# The socket in $work: kill-server leaves the file behind, and $work goes.
sock="$work/tmux"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# The wizard listens for the grant code on the callback URL's port, and
# stops with an error when another program holds it (a wizard someone is
# running, a test, another run of this script). The pictures show the
# default port, 4668, when it is free, and another free port when it is
# not; quick runs, whose captures nobody looks at, always take another
# port, so that two of them at once do not both choose 4668.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || (exec 3<>"/dev/tcp/::1/$1") 2>/dev/null; }
port=4668
if [ "${QUICK:-}" = 1 ]; then port=$((20000 + RANDOM % 12000)); fi
while in_use "$port"; do port=$((20000 + RANDOM % 12000)); done

go build -o "$work/hootwire" .
tmux -S "$sock" -f /dev/null new-session -d -x 100 -y 30 \
  -e "HOOTWIRE_CONFIG_DIR=$work/config" -e TERM=xterm-256color \
  -e "HOOTSUITE_CALLBACK_URL=http://localhost:$port/callback" \
  "$work/hootwire --sandbox --no-browser; echo 'make-pictures: exit status' \$?; sleep 600"

# screen: the pane as text. The spinner's glyph (| / - \ at the start of
# the status line) is spelt *, and the countdown beside it as m:ss: they
# move every 100 ms and every second, while the screen is otherwise still.
screen() {
  tmux -S "$sock" capture-pane -p |
    sed -e 's/^\( *\)[|/\\-] /\1* /' -e 's/([0-9]*:[0-9][0-9] left)/(m:ss left)/'
}
# wait_for TEXT...: wait until the screen shows every TEXT and stays still:
# two captures 100 ms apart are the same. The first redraw that shows a
# text may be followed by more (a check that finishes, a field that fills
# in), and a key sent before them can be lost or land on the wrong screen,
# more so on a busy machine. 60 s at most; at once if the wizard shows an
# error, as no key of this script answers one.
wait_for() {
  local deadline=$((SECONDS + 60)) prev="" cur t ok
  while [ "$SECONDS" -lt "$deadline" ]; do
    cur=$(screen)
    if [[ $cur == *"│ Error: "* ]]; then
      printf 'make-pictures: the wizard stopped with an error, waiting for:' >&2
      printf ' "%s"' "$@" >&2
      printf '\n%s\n' "$cur" >&2
      exit 1
    fi
    ok=1
    for t in "$@"; do
      [[ $cur == *"$t"* ]] || { ok=0; break; }
    done
    if [ "$ok" = 1 ] && [ "$cur" = "$prev" ]; then return 0; fi
    [ "$ok" = 1 ] && prev=$cur || prev=""
    sleep 0.1
  done
  printf 'make-pictures: the screen never showed, and held still with:' >&2
  printf ' "%s"' "$@" >&2
  printf '\nIt shows:\n' >&2
  tmux -S "$sock" capture-pane -p >&2
  exit 1
}
keys() { tmux -S "$sock" send-keys "$@"; }
# freeze keeps a background colour past ESC[49m (default background), so
# the capture spells it as a full reset; every styled run sets its own again.
shot() { tmux -S "$sock" capture-pane -e -p | sed 's/\x1b\[49m/\x1b[0m/g' > "$work/$1.ansi"; }

# Nine keys take the sandbox setup from start to end, c copies the webhook
# URL for the picture of step 7, and p and m have the sandbox's Hootsuite
# send a ping and a message event for the picture of step 8.
wait_for "Step 1 of 8" "› Built-in sandbox"
shot 01-target; keys Enter
wait_for "Step 2 of 8" "enter check the secrets"
shot 02-account; keys Enter
wait_for "Step 3 of 8" "Account checked"
shot 03-app; keys Enter
wait_for "Step 4 of 8" "Where events go"
shot 04-instance; keys Enter
wait_for "Step 5 of 8" "Authorization URL" "Hootsuite will send the browser back to" \
  "Waiting for Hootsuite to send the grant code to http://localhost:$port/callback"
shot 05-authorize; keys a
wait_for "Step 6 of 8" "The request hootwire will send" "enter create the instance"
shot 06-create; keys Enter
wait_for "Step 6 of 8" "Created instance 427236."
shot 06-created; keys Enter
wait_for "Step 7 of 8" "Webhook URL" "enter registered"
keys c
wait_for "Step 7 of 8" "Copied the webhook URL to the clipboard."
shot 07-register; keys Enter
wait_for "Step 8 of 8" "Waiting for the first event at" "p ping"
keys p
wait_for "Step 8 of 8" "Done: an event arrived (valid signature)" "signature valid"
keys m
wait_for "Step 8 of 8" "UPDATED messages"
shot 08-finish; keys Enter
wait_for "hootwire: setup done." "make-pictures: exit status 0"

frames=("$work"/*.ansi)
echo "make-pictures: captured ${#frames[@]} screens"
if [ "${QUICK:-}" = 1 ]; then
  exit 0
fi

mkdir -p docs/screens
for f in "${frames[@]}"; do
  name=$(basename "$f" .ansi)
  go run github.com/charmbracelet/freeze@v0.2.2 --language ansi --window --padding 20 \
    --font.size 14 --output "docs/screens/$name.png" "$f" >/dev/null
done
go run ./docs/gif -shrink -o docs/walkthrough.gif docs/screens/*.png
echo "make-pictures: wrote docs/screens/*.png and docs/walkthrough.gif"
