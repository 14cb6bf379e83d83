package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestWatcher feeds control-mode streams and checks when the watcher looks
// at the screen and when it says the frame is there.
func TestWatcher(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []action // one per line
	}{
		{
			name: "output, then a capture that shows the marker",
			lines: []string{
				"%begin 1 1 1", "%end 1 1 1", // the respawn
				"%output %0 \\033[?1049h",
				"%begin 1 2 1", "Step 1 of 8: Target", "%end 1 2 1",
			},
			want: []action{actionNone, actionNone, actionCapture, actionNone, actionNone, actionFound},
		},
		{
			name: "output during a capture asks for one more capture, not two",
			lines: []string{
				"%begin 1 1 1", "%end 1 1 1",
				"%output %0 x",
				"%output %0 y",
				"%output %0 z",
				"%begin 1 2 1", "x", "%end 1 2 1",
				"%begin 1 3 1", "x y Step 1 of 8", "%end 1 3 1",
			},
			want: []action{actionNone, actionNone, actionCapture, actionNone, actionNone,
				actionNone, actionNone, actionCapture,
				actionNone, actionNone, actionFound},
		},
		{
			name: "a screen without the marker and no output since waits",
			lines: []string{
				"%begin 1 1 1", "%end 1 1 1",
				"%output %0 loading",
				"%begin 1 2 1", "loading", "%end 1 2 1",
				"%window-renamed @0 hootwire",
			},
			want: []action{actionNone, actionNone, actionCapture, actionNone, actionNone, actionNone, actionNone},
		},
		{
			name:  "tmux refusing the respawn is a failure",
			lines: []string{"%begin 1 1 1", "unknown command: respawn", "%error 1 1 1"},
			want:  []action{actionNone, actionNone, actionFailed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatcher("Step 1 of 8")
			for i, line := range tt.lines {
				if got := w.feed(line); got != tt.want[i] {
					t.Fatalf("line %d %q: action %d, want %d", i, line, got, tt.want[i])
				}
			}
		})
	}
}

// TestMeasureInTmux measures a command that shows the marker after a pause
// it chooses, and a command that never shows it: the first must take at
// least its pause, the second must fail with its last screen.
func TestMeasureInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (bash .ci/run installs it)")
	}
	var out strings.Builder
	cfg := config{runs: 2, marker: "ready now", width: 100, height: 30, timeout: 5 * time.Second,
		env: []string{"WORD=now"}, commands: []string{"sleep 0.2; echo ready $WORD; sleep 60"}}
	if err := run(cfg, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(out.String())
	if len(lines) != 2 {
		t.Fatalf("want 2 runs, got %q", out.String())
	}
	for _, l := range lines {
		if d, err := time.ParseDuration(l + "ms"); err != nil || d < 200*time.Millisecond {
			t.Errorf("measured %q ms for a command that waits 200 ms first", l)
		}
	}

	cfg = config{runs: 1, marker: "never shown", width: 100, height: 30, timeout: time.Second,
		commands: []string{"echo something else; sleep 60"}}
	err := run(cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "something else") {
		t.Fatalf("a missing marker: got %v, want an error showing the last screen", err)
	}
}
