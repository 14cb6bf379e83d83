//go:build unix

package oauthflow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// script writes an executable shell script into dir.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// realOpener runs real commands from BROWSER; the system's opener must not
// be reached.
func realOpener(t *testing.T, browser string, grace time.Duration) Opener {
	return Opener{
		Getenv: func(k string) string {
			if k == "BROWSER" {
				return browser
			}
			return ""
		},
		IsWSL:  func() bool { return false },
		System: func(string) error { t.Error("the system's opener was reached"); return errors.New("not here") },
		Grace:  grace,
	}
}

// eventually polls cond until it holds, failing the test after a generous
// bound so a broken opener cannot hang it.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never happened: %s", what)
}

func TestOpenerRunsTheBROWSERCommands(t *testing.T) {
	noLeaks(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	broken := script(t, dir, "broken.sh", "echo broken >&2\nexit 3\n")
	good := script(t, dir, "browser.sh", "echo noise\necho noise >&2\nprintf '%s' \"$2\" > "+out+"\n")
	// The first does not exist, the second fails, the third works, the
	// fourth must not run.
	never := filepath.Join(dir, "never")
	browser := strings.Join([]string{filepath.Join(dir, "missing"), broken, good + " --url %s", script(t, dir, "fourth.sh", "touch "+never+"\n")}, string(os.PathListSeparator))
	// A grace period longer than the scripts take: their exit status decides.
	if err := realOpener(t, browser, 30*time.Second).Open(context.Background(), testURL); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != testURL {
		t.Errorf("the browser command got %q (%v), want the URL", got, err)
	}
	if _, err := os.Stat(never); err == nil {
		t.Error("a command after the one that worked was run")
	}

	// When every command fails, the error says so, command by command.
	err = realOpener(t, broken+":"+filepath.Join(dir, "missing"), 30*time.Second).Open(context.Background(), testURL)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Open = %v", err)
	}
}

// TestOpenerLeavesABrowserRunningUntilTheContextEnds: a browser that stays
// open counts as opened once the grace period passes; when the context
// ends, it is stopped, with the processes it started.
func TestOpenerLeavesABrowserRunningUntilTheContextEnds(t *testing.T) {
	noLeaks(t)
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	browser := script(t, dir, "stays-open.sh", "sleep 600 &\necho \"$$ $!\" > "+pids+".tmp\nmv "+pids+".tmp "+pids+"\nwait\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := realOpener(t, browser, 20*time.Millisecond).Open(ctx, testURL); err != nil {
		t.Fatalf("Open = %v; a browser still running counts as opened", err)
	}
	var running []int
	eventually(t, "the browser wrote its process ids", func() bool {
		b, err := os.ReadFile(pids)
		if err != nil {
			return false
		}
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			running = append(running, pid)
		}
		return true
	})
	for _, pid := range running {
		if !alive(pid) {
			t.Fatalf("process %d ended before the context did", pid)
		}
	}
	cancel()
	for _, pid := range running {
		eventually(t, "process "+strconv.Itoa(pid)+" stopped", func() bool { return !alive(pid) })
	}
}

// alive reports whether a process runs; a zombie (exited, not yet reaped
// by whoever inherited it) does not.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc here: kill(0) is all there is
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(after, "Z")
}
