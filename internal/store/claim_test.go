package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"hootwire/internal/setup"
)

// heldBy checks that err is a HeldError for id, held by pid, that it says
// what to do and that it ends the run with the usage status.
func heldBy(t *testing.T, err error, id string, pid int) {
	t.Helper()
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("want a HeldError, got %v", err)
	}
	if held.ID != id {
		t.Errorf("held.ID = %q, want %q", held.ID, id)
	}
	if runtime.GOOS != "windows" { // Windows locks the bytes the pid is in
		if held.PID != pid {
			t.Errorf("held.PID = %d, want %d", held.PID, pid)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("another hootwire (pid %d)", pid)) {
			t.Errorf("the message should name the pid %d: %v", pid, err)
		}
	}
	if !strings.Contains(err.Error(), "wait for it to end, or stop it") {
		t.Errorf("the message should say what to do: %v", err)
	}
	if !errors.Is(err, setup.ErrBadInput) || setup.ExitStatus(context.Background(), err) != setup.ExitUsage {
		t.Errorf("a held setup should end the run with exit status %d: %v", setup.ExitUsage, err)
	}
}

// TestTwoStoresCannotDriveOneSetup: the defect was two runs resuming the
// same saved setup at once, each creating an instance. Two Stores on one
// directory stand for the two runs (a lock is per open file, not per
// process); the second can neither claim nor save the setup the first
// drives, until the first closes.
func TestTwoStoresCannotDriveOneSetup(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()

	s := session("abc123", setup.StageCreated, time.Now())
	if err := first.Save(s); err != nil { // a new setup: Save claims it
		t.Fatal(err)
	}
	heldBy(t, second.Claim("abc123"), "abc123", os.Getpid())
	s.Name = "changed by the second run"
	err = second.Save(s)
	heldBy(t, err, "abc123", os.Getpid())
	if got, _ := readSession(first.Path("abc123")); got.Name != "n" {
		t.Errorf("a save refused as held must write nothing; the file now says %q", got.Name)
	}

	// Reading needs no claim: the held setup is listed, its lock is not.
	entries, aside, err := second.List()
	if err != nil || len(aside) != 0 || len(entries) != 1 || entries[0].Session.ID != "abc123" {
		t.Fatalf("List while another run holds a setup: %+v %+v %v", entries, aside, err)
	}

	// Claiming again what one holds is nothing; another id is free.
	if err := first.Claim("abc123"); err != nil {
		t.Errorf("claiming a setup this Store holds: %v", err)
	}
	if err := second.Claim("other"); err != nil {
		t.Errorf("another setup is free: %v", err)
	}

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(first.lockPath("abc123")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close should remove the lock file: %v", err)
	}
	if err := second.Save(s); err != nil {
		t.Fatalf("once the first run closed, the second may drive the setup: %v", err)
	}
	// A Save after Close claims again.
	heldBy(t, first.Save(s), "abc123", os.Getpid())
}

func TestClaimRefusesIDsThatAreNotNames(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range []string{"", "../x", `a\b`, "a.b", "c:d", "a\nb"} {
		if err := st.Claim(id); err == nil || errors.As(err, new(*HeldError)) {
			t.Errorf("Claim(%q) = %v, want an invalid id", id, err)
		}
	}
	if files, _ := os.ReadDir(st.sessions()); len(files) != 0 {
		t.Errorf("refused ids must create nothing: %v", files)
	}
}

// TestAnotherProcessHoldsTheSetup does the same across processes: a child
// (this test binary, see TestMain) saves a setup and holds it until its
// standard input closes, or until it is killed.
func TestAnotherProcessHoldsTheSetup(t *testing.T) {
	for _, how := range []string{"ends", "is killed"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			child, stdin := startHolder(t, dir, "held1")
			st, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			heldBy(t, st.Claim("held1"), "held1", child.Process.Pid)

			// The child is "writing" held1 right now: its temporary file
			// is its own, and a new Open must leave it alone.
			live := filepath.Join(st.sessions(), ".tmp-held1-4242")
			if err := os.WriteFile(live, []byte(`{"token":"token-value"}`), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(live); err != nil {
				t.Fatalf("Open removed the temporary file of a setup a live run holds: %v", err)
			}
			entries, aside, err := st.List()
			if err != nil || len(aside) != 0 || len(entries) != 1 || entries[0].Session.ID != "held1" {
				t.Fatalf("List while another process holds a setup: %+v %+v %v", entries, aside, err)
			}

			if how == "ends" {
				stdin.Close()
			} else {
				child.Process.Kill()
			}
			child.Wait()

			// The kernel released the lock, however the child ended.
			if _, err := Open(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(live); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the temporary file of a run that ended should be gone: %v", err)
			}
			if err := st.Claim("held1"); err != nil {
				t.Fatalf("the setup is free once its run %s: %v", how, err)
			}
			if runtime.GOOS != "windows" {
				if pid := readPID(st.lockPath("held1")); pid != os.Getpid() {
					t.Errorf("the lock file says pid %d, want this process's %d", pid, os.Getpid())
				}
			}
		})
	}
}

// startHolder starts a child that saves the session id in dir, holds it,
// and says so; it ends when stdin is closed.
func startHolder(t *testing.T, dir, id string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HOOTWIRE_STORE_HOLDER="+dir, "HOOTWIRE_STORE_HOLD_ID="+id)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held "+strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("the holder did not say it holds %s: %q, %v", id, line, err)
	}
	return cmd, stdin
}

// hold is the child of startHolder.
func hold(dir, id string) int {
	st, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := st.Save(session(id, setup.StageCreated, time.Now())); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("held %d\n", os.Getpid())
	io.Copy(io.Discard, os.Stdin)
	if err := st.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestALockOnARemovedFileIsNotTaken plays the race that removing lock
// files opens: a run opens the lock file, the holder removes it and lets
// go, the run's lock then succeeds on the removed file, and a third run
// creates and locks a new file at the path. Two runs would hold "the"
// lock; the run whose file was removed must notice, and meet the third.
func TestALockOnARemovedFileIsNotTaken(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot remove an open file, so this race cannot happen there")
	}
	dir := t.TempDir()
	late, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	third, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	afterLock = func(path string) {
		afterLock = nil
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		if err := third.Claim("race1"); err != nil {
			t.Errorf("the third run should get the new lock file: %v", err)
		}
	}
	t.Cleanup(func() { afterLock = nil })
	heldBy(t, late.Claim("race1"), "race1", os.Getpid())
}
