package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// step is one line fed to the watcher, what it must conclude and ask for,
// and (when sends is set) a request the test sends after it.
type step struct {
	line  string
	want  outcome
	ask   request
	sends request
}

// unreaped is n status answers of a closed pane that tmux has not reaped.
func unreaped(n int) []step {
	var steps []step
	for range n {
		steps = append(steps, step{line: "%begin 1 2 1"}, step{line: "1::"}, step{line: "%end 1 2 1", sends: requestStatus})
	}
	return steps
}

// TestWatcher feeds control-mode streams and checks when the watcher looks
// at the screen, when it says the frame is there, and when it gives up.
func TestWatcher(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		wantErr string // in the error of a failure or an exit
	}{
		{
			name: "output, then a capture that shows the marker",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1"}, // the respawn
				{line: "%output %0 \\033[?1049h", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 2 1"}, {line: "Step 1 of 8: Target"}, {line: "%end 1 2 1", want: outcomeFound},
			},
		},
		{
			name: "output during a capture asks for one more capture, not two",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1"},
				{line: "%output %0 x", ask: requestCapture, sends: requestCapture},
				{line: "%output %0 y"},
				{line: "%output %0 z"},
				{line: "%begin 1 2 1"}, {line: "x"}, {line: "%end 1 2 1", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 3 1"}, {line: "x y Step 1 of 8"}, {line: "%end 1 3 1", want: outcomeFound},
			},
		},
		{
			name: "a screen without the marker and no output since waits",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1"},
				{line: "%output %0 loading", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 2 1"}, {line: "loading"}, {line: "%end 1 2 1"},
				{line: "%window-renamed @0 hootwire"},
			},
		},
		{
			name: "a live pane waits; a dead one gets one last look, then the exit is reported",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1", sends: requestStatus},
				{line: "%begin 1 2 1"}, {line: "0::"}, {line: "%end 1 2 1", sends: requestStatus},
				// Closed but not yet reaped: no status yet, so no conclusion.
				{line: "%begin 1 3 1"}, {line: "1::"}, {line: "%end 1 3 1", sends: requestStatus},
				{line: "%begin 1 4 1"}, {line: "1:3:"}, {line: "%end 1 4 1", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 5 1"}, {line: "boom"}, {line: "Pane is dead (status 3)"}, {line: "%end 1 5 1", want: outcomeExited},
			},
			wantErr: "exited with status 3",
		},
		{
			name: "a pane closed without a status, check after check, is reported as ended",
			steps: append(append([]step{{line: "%begin 1 1 1"}, {line: "%end 1 1 1", sends: requestStatus}},
				unreaped(unreapedChecks-1)...),
				step{line: "%begin 1 3 1"}, step{line: "1::"}, step{line: "%end 1 3 1", ask: requestCapture, sends: requestCapture},
				step{line: "%begin 1 4 1"}, step{line: "boom"}, step{line: "%end 1 4 1", want: outcomeExited},
			),
			wantErr: "ended",
		},
		{
			name: "a command killed by a signal is reported with the signal",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1", sends: requestStatus},
				{line: "%begin 1 2 1"}, {line: "1::9"}, {line: "%end 1 2 1", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 3 1"}, {line: "%end 1 3 1", want: outcomeExited},
			},
			wantErr: "killed by signal 9",
		},
		{
			name: "a marker drawn just before the command exits still counts",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1", sends: requestStatus},
				{line: "%output %0 Step 1 of 8", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 2 1"}, {line: "1:0:"}, {line: "%end 1 2 1"},
				{line: "%begin 1 3 1"}, {line: "Step 1 of 8"}, {line: "Pane is dead (status 0)"}, {line: "%end 1 3 1", want: outcomeFound},
			},
		},
		{
			name: "answers are matched to requests in order: a status between captures is not a screen",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1", sends: requestStatus},
				{line: "%output %0 Step 1 of 8", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 2 1"}, {line: "0::"}, {line: "%end 1 2 1"},
				{line: "%begin 1 3 1"}, {line: "Step 1 of 8"}, {line: "%end 1 3 1", want: outcomeFound},
			},
		},
		{
			name: "a screen line that starts like %end does not end the block",
			steps: []step{
				{line: "%begin 1 1 1"}, {line: "%end 1 1 1"},
				{line: "%output %0 x", ask: requestCapture, sends: requestCapture},
				{line: "%begin 1 2 1"}, {line: "%end 9 9 9"}, {line: "Step 1 of 8"}, {line: "%end 1 2 1", want: outcomeFound},
			},
		},
		{
			name:    "tmux refusing the respawn is a failure",
			steps:   []step{{line: "%begin 1 1 1"}, {line: "unknown command: respawn"}, {line: "%error 1 1 1", want: outcomeFailed}},
			wantErr: "unknown command: respawn",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatcher("Step 1 of 8")
			w.sent(requestRespawn)
			for i, s := range tt.steps {
				got, ask := w.feed(s.line)
				if got != s.want || ask != s.ask {
					t.Fatalf("line %d %q: outcome %d and request %d, want %d and %d", i, s.line, got, ask, s.want, s.ask)
				}
				if s.sends != requestNone {
					w.sent(s.sends)
				}
			}
			if tt.wantErr != "" && (w.err == nil || !strings.Contains(w.err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want one saying %q", w.err, tt.wantErr)
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
	if err := run(context.Background(), cfg, &out); err != nil {
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
	err := run(context.Background(), cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "something else") {
		t.Fatalf("a missing marker: got %v, want an error showing the last screen", err)
	}

	// A command that shows the marker and exits at once is measured. (On a
	// busy machine tmux often reaps such a command before reading what it
	// wrote, and drops that; several runs give the race several chances.)
	cfg = config{runs: 5, marker: "shown then gone", width: 100, height: 30, timeout: time.Minute,
		commands: []string{"echo shown then gone"}}
	if err := run(context.Background(), cfg, &out); err != nil {
		t.Fatalf("a command that exits right after its text: %v", err)
	}

	// A command that exits is reported as such (a time-out would say
	// "gave up waiting"), with its screen.
	cfg = config{runs: 1, marker: "never shown", width: 100, height: 30, timeout: time.Minute,
		commands: []string{"echo boom; sleep 0.3; exit 3"}}
	err = run(context.Background(), cfg, &out)
	// (tmux does not always give a status on a busy machine; the watcher
	// tests check that a given one is reported.)
	ended := func(err error, how string) bool {
		return err != nil && (strings.Contains(err.Error(), how) || strings.Contains(err.Error(), "tmux gave no exit status"))
	}
	if !ended(err, "exited with status 3") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("an exiting command: got %v, want its end and its screen", err)
	}
	cfg.commands = []string{"echo going; sleep 0.3; kill -9 $$"}
	if err := run(context.Background(), cfg, &out); !ended(err, "killed by signal 9") {
		t.Fatalf("a killed command: got %v, want its end", err)
	}
	// The shell forks a last command that is killed, and exits 137: the
	// pane still reports the signal.
	cfg.commands = []string{`echo going; sleep 0.3; sh -c "kill -9 \$\$"`}
	if err := run(context.Background(), cfg, &out); !ended(err, "killed by signal 9") {
		t.Fatalf("a command whose last process is killed: got %v, want its end", err)
	}
}
