package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"hootwire/internal/setup"
)

// names lists the files in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Name())
	}
	sort.Strings(out)
	return out
}

// plant writes a file holding a token in dir, last modified age ago.
func plant(t *testing.T, dir, name string, age time.Duration) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(`{"id":"x","token":"token-value"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	when := time.Now().Add(-age)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStaleTempFilesAreRemovedByOpen: a run killed in the middle of a
// save leaves its temporary file, token and all; the next Open removes
// it, and only the store's own.
func TestStaleTempFilesAreRemovedByOpen(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sessions := st.sessions()
	for name, age := range map[string]time.Duration{
		".tmp-dead1-123456": 0,               // a killed run's, however fresh: no one holds dead1
		".tmp-dead1-99":     time.Hour,       // another of the same
		".tmp-dead2-7":      0,               // another setup's
		".tmp-31337":        2 * time.Minute, // an older hootwire's, unnamed, and old
		".tmp-31338":        0,               // unnamed and fresh: may be being written right now
		".tmp-notes.txt":    time.Hour,       // not the store's pattern
		".tmp-a.b-1":        time.Hour,       // nor this (no session id has a dot)
		".tmp-dead3-":       time.Hour,       // nor this (no random part)
		".tmp-dead4-12x":    time.Hour,       // nor this
		"mine.tmp-1":        time.Hour,       // nor this
	} {
		plant(t, sessions, name, age)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	want := []string{".tmp-31338", ".tmp-a.b-1", ".tmp-dead3-", ".tmp-dead4-12x", ".tmp-notes.txt", "mine.tmp-1"}
	if got := names(t, sessions); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Open, sessions holds\n  %v\nwant\n  %v", got, want)
	}
}

// TestALiveRunsTempFileIsKept: a run that holds its setup may be writing
// its temporary file at this very moment; Open must not remove it under
// it. Once the run has let go, the file is stale and goes.
func TestALiveRunsTempFileIsKept(t *testing.T) {
	dir := t.TempDir()
	live, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Claim("busy"); err != nil {
		t.Fatal(err)
	}
	tmp := plant(t, live.sessions(), ".tmp-busy-42", time.Hour)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("Open removed the temporary file of a setup a live run holds: %v", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file should be gone once no run holds its setup: %v", err)
	}
	if got := names(t, live.sessions()); len(got) != 0 {
		t.Errorf("the clean-up should leave nothing behind, not even a lock file: %v", got)
	}
}

// TestAFailedSaveLeavesNoTempFile fails a save at its last step, once the
// temporary file is written whole, and when the rename itself fails: no
// temporary file is left, and it was private while it existed.
func TestAFailedSaveLeavesNoTempFile(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seen string
	beforeRename = func(tmp string) error {
		seen = tmp
		info, err := os.Stat(tmp)
		if err != nil {
			return err
		}
		if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
			t.Errorf("the temporary file has mode %v, want 0600", info.Mode().Perm())
		}
		if !strings.HasPrefix(filepath.Base(tmp), ".tmp-abc123-") {
			t.Errorf("the temporary file %s should carry its session's id", tmp)
		}
		return errors.New("injected failure")
	}
	t.Cleanup(func() { beforeRename = nil })
	if err := st.Save(session("abc123", setup.StageCreated, time.Now())); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("the save should have failed: %v", err)
	}
	if seen == "" {
		t.Fatal("the hook did not run")
	}
	beforeRename = nil

	// The session's name is taken by a directory: the rename fails.
	if err := os.MkdirAll(filepath.Join(st.Path("def456"), "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(session("def456", setup.StageCreated, time.Now())); err == nil {
		t.Fatal("a save over a directory should fail")
	}
	for _, name := range names(t, st.sessions()) {
		if strings.HasPrefix(name, tempPrefix) {
			t.Errorf("a failed save left %s behind", name)
		}
	}
	if _, err := os.Stat(st.Path("abc123")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed save must not leave a session file: %v", err)
	}
}
