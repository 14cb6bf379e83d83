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

go build -o "$work/hootwire" .
tmux -S "$sock" -f /dev/null new-session -d -x 100 -y 30 \
  -e "HOOTWIRE_CONFIG_DIR=$work/config" -e TERM=xterm-256color \
  "$work/hootwire --sandbox --no-browser; sleep 600"

# wait_for TEXT: poll the screen until it shows TEXT (30 s at most).
wait_for() {
  for _ in $(seq 600); do
    tmux -S "$sock" capture-pane -p | grep -qF -- "$1" && return 0
    sleep 0.05
  done
  echo "make-pictures: the screen never showed: $1" >&2
  tmux -S "$sock" capture-pane -p >&2
  exit 1
}
keys() { tmux -S "$sock" send-keys "$@"; }
# freeze keeps a background colour past ESC[49m (default background), so
# the capture spells it as a full reset; every styled run sets its own again.
shot() { tmux -S "$sock" capture-pane -e -p | sed 's/\x1b\[49m/\x1b[0m/g' > "$work/$1.ansi"; }

wait_for "Step 1 of 8";            shot 01-target;    keys Enter
wait_for "Step 2 of 8";            shot 02-account;   keys Enter Enter
wait_for "Step 3 of 8";            shot 03-app;       keys Enter Enter Enter
wait_for "Step 4 of 8";            shot 04-instance;  keys Enter Enter Enter
wait_for "Hootsuite will send";    shot 05-authorize; keys a
wait_for "Step 6 of 8";            shot 06-create;    keys Enter
wait_for "Created.";               shot 06-created;   keys Enter
wait_for "Step 7 of 8";            shot 07-register;  keys c
wait_for "Copied the webhook URL"; keys Enter
wait_for "Done: the instance";     shot 08-finish;    keys Enter

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
