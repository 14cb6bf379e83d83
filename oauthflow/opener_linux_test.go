package oauthflow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenerDetachesFromTheTerminal: a browser command gets the null
// device for stdin, stdout and stderr, and a session of its own, so it
// can neither write into the screen nor open /dev/tty.
func TestOpenerDetachesFromTheTerminal(t *testing.T) {
	noLeaks(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "seen")
	browser := script(t, dir, "inspect.sh", `stat=$(cat /proc/$$/stat)
stat=${stat##*) }
set -- $stat
fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)
printf '%s %s\n%s\n' "$$" "$4" "$fds" > `+out+".tmp\nmv "+out+".tmp "+out+"\n")
	if err := realOpener(t, browser, 30*time.Second).Open(context.Background(), testURL); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 {
		t.Fatalf("the script saw:\n%s", b)
	}
	if pid, sid, _ := strings.Cut(lines[0], " "); pid != sid {
		t.Errorf("the command runs in session %s, not one of its own (pid %s)", sid, pid)
	}
	for i, fd := range lines[1:] {
		if fd != os.DevNull {
			t.Errorf("fd %d of the command is %s, want %s", i, fd, os.DevNull)
		}
	}
}
