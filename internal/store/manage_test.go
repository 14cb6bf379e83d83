package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"hootwire/internal/setup"
)

// openStore is a store in a fresh directory, closed when the test ends.
func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// saveAll saves a created session for each id.
func saveAll(t *testing.T, st *Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := st.Save(session(id, setup.StageCreated, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
}

// badInput checks that err ends a run with the usage status and says want.
func badInput(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error saying %q, got none", want)
	}
	if !errors.Is(err, setup.ErrBadInput) || setup.ExitStatus(context.Background(), err) != setup.ExitUsage {
		t.Errorf("should end the run with exit status %d: %v", setup.ExitUsage, err)
	}
	if err.Error() != want {
		t.Errorf("the message is\n  %s\nwant\n  %s", err, want)
	}
}

func TestRemoveForgetsTheSetupAndItsLock(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	saveAll(t, st, "a1b2c3d4e5f6", "0123456789ab") // Save claims each: this Store drives both
	// A killed run's half-written save holds the token as well.
	leftover := filepath.Join(st.sessions(), ".tmp-a1b2c3d4e5f6-4242")
	if err := os.WriteFile(leftover, []byte(`{"token":"token-value"}`), 0o600); err != nil {
		t.Fatal(err)
	}

	if err := st.Remove("a1b2c3d4e5f6"); err != nil {
		t.Fatal(err)
	}
	// (Windows cannot remove an open lock file: it stays there, harmless.)
	if got := names(t, st.sessions()); runtime.GOOS != "windows" && strings.Join(got, " ") != "0123456789ab.json 0123456789ab.lock" {
		t.Errorf("after the removal the sessions directory holds %v: the removed setup's file, lock and leftover must be gone, the other setup's kept", got)
	}
	entries, _, err := st.List()
	if err != nil || len(entries) != 1 || entries[0].Session.ID != "0123456789ab" {
		t.Errorf("List after the removal: %+v, %v", entries, err)
	}
	// The removed setup is released: another run may use the id at once.
	other := openStore(t, dir)
	if err := other.Claim("a1b2c3d4e5f6"); err != nil {
		t.Errorf("a removed setup should be free for another run: %v", err)
	}

	badInput(t, st.Remove("a1b2c3d4e5f6"), "no saved setup a1b2c3d4e5f6 (hootwire sessions lists them)")
}

// TestRemoveASetupNoRunHolds: the usual case, a setup whose run ended;
// the lock Remove takes for the removal goes with it.
func TestRemoveASetupNoRunHolds(t *testing.T) {
	dir := t.TempDir()
	writer := openStore(t, dir)
	saveAll(t, writer, "feedc0ffee00")
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, dir)
	if err := st.Remove("feedc0ffee00"); err != nil {
		t.Fatal(err)
	}
	if got := names(t, st.sessions()); runtime.GOOS != "windows" && len(got) != 0 {
		t.Errorf("after the removal the sessions directory holds %v", got)
	}
}

// TestRemoveRefusesASetupAnotherRunDrives: removing the file of a setup a
// run is resuming would lose the token it is about to save again; the
// removal is refused, names the run, and removes nothing.
func TestRemoveRefusesASetupAnotherRunDrives(t *testing.T) {
	dir := t.TempDir()
	driver := openStore(t, dir)
	saveAll(t, driver, "abc123abc123")
	st := openStore(t, dir)

	err := st.Remove("abc123abc123")
	heldBy(t, err, "abc123abc123", os.Getpid())
	if !strings.HasPrefix(err.Error(), "remove the saved setup: ") {
		t.Errorf("the message should say what was refused: %v", err)
	}
	if _, err := os.Stat(st.Path("abc123abc123")); err != nil {
		t.Errorf("a refused removal must leave the file: %v", err)
	}
	if err := driver.Save(session("abc123abc123", setup.StageRegistered, time.Now())); err != nil {
		t.Errorf("the driving run keeps its claim: %v", err)
	}

	// Once the driver ends, the removal goes through.
	if err := driver.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove("abc123abc123"); err != nil {
		t.Fatal(err)
	}
	if got := names(t, st.sessions()); runtime.GOOS != "windows" && len(got) != 0 {
		t.Errorf("after the removal the sessions directory holds %v", got)
	}
}

// TestRemoveNamesTheProcessThatHoldsTheSetup: the run in the way is
// another process, whose pid the message gives.
func TestRemoveNamesTheProcessThatHoldsTheSetup(t *testing.T) {
	dir := t.TempDir()
	child, _ := startHolder(t, dir, "held12held12")
	st := openStore(t, dir)
	heldBy(t, st.Remove("held12held12"), "held12held12", child.Process.Pid)
	if _, err := os.Stat(st.Path("held12held12")); err != nil {
		t.Errorf("a refused removal must leave the file: %v", err)
	}
}

func TestRemoveRefusesIDsThatAreNotNames(t *testing.T) {
	st := openStore(t, t.TempDir())
	saveAll(t, st, "keep")
	for _, id := range []string{"", "../keep", "sessions/keep", "a.b", "a\nb"} {
		err := st.Remove(id)
		if err == nil || !errors.Is(err, setup.ErrBadInput) {
			t.Errorf("Remove(%q) = %v, want bad input", id, err)
		}
	}
	if _, err := os.Stat(st.Path("keep")); err != nil {
		t.Errorf("a refused id must remove nothing: %v", err)
	}
}

func TestShortID(t *testing.T) {
	for id, want := range map[string]string{"a1b2c3d4e5f6": "a1b2c3", "abc": "abc", "abcdef": "abcdef", "": ""} {
		if got := ShortID(id); got != want {
			t.Errorf("ShortID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestDisplayIDsTellSetupsApart(t *testing.T) {
	entries := func(ids ...string) []Entry {
		var out []Entry
		for _, id := range ids {
			out = append(out, Entry{Session: session(id, setup.StageCreated, time.Now())})
		}
		return out
	}
	got := DisplayIDs(entries("ab12f0000001", "ab12f0990002", "ab12c3000003", "ffffff000004", "short"))
	want := map[string]string{
		"ab12f0000001": "ab12f00", // shares 6 characters with the next: one more tells them apart
		"ab12f0990002": "ab12f09",
		"ab12c3000003": "ab12c3",
		"ffffff000004": "ffffff",
		"short":        "short",
	}
	if len(got) != len(want) {
		t.Errorf("DisplayIDs = %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("DisplayIDs[%s] = %q, want %q", id, got[id], w)
		}
	}
	if got := DisplayIDs(entries("a1b2c3d4e5f6")); got["a1b2c3d4e5f6"] != "a1b2c3" {
		t.Errorf("a lone setup shows its short id: %v", got)
	}
}

func TestFindResolvesAnIDOrAPrefix(t *testing.T) {
	st := openStore(t, t.TempDir())
	saveAll(t, st, "ab12f0000001", "ab12c3000002", "ab99f0000003", "ffffff000004")

	for ref, want := range map[string]string{
		"ab12f0000001": "ab12f0000001", // the full id
		"ab12f0":       "ab12f0000001", // the short id sessions shows
		"ab12c":        "ab12c3000002",
		"ab99":         "ab99f0000003", // 4 characters are enough when they are unique
		"FFFFFF":       "ffffff000004", // ids are hex: case does not matter
	} {
		en, err := st.Find(ref)
		if err != nil {
			t.Errorf("Find(%q): %v", ref, err)
			continue
		}
		if en.Session.ID != want || en.Path != st.Path(want) || en.Session.Token != "token-value" {
			t.Errorf("Find(%q) = %+v, want the saved setup %s", ref, en, want)
		}
	}

	badInput(t, func() error { _, err := st.Find("ab12"); return err }(),
		`"ab12" matches 2 saved setups: ab12c3, ab12f0; give more of the id`)
	badInput(t, func() error { _, err := st.Find("cafe"); return err }(),
		`no saved setup "cafe" (hootwire sessions lists them)`)
	badInput(t, func() error { _, err := st.Find("ab"); return err }(),
		`no saved setup "ab" (give at least 4 characters of its id; hootwire sessions lists them)`)
	badInput(t, func() error { _, err := st.Find(""); return err }(),
		`no saved setup "" (give at least 4 characters of its id; hootwire sessions lists them)`)
	// What was typed is quoted: it may hold anything.
	badInput(t, func() error { _, err := st.Find("ab12\x1b[2J"); return err }(),
		`no saved setup "ab12\x1b[2J" (hootwire sessions lists them)`)
}

// TestFindListsMatchesTheWaySessionsShowsThem: setups that share their
// first 6 characters are listed with as many as tell them apart.
func TestFindListsMatchesTheWaySessionsShowsThem(t *testing.T) {
	st := openStore(t, t.TempDir())
	saveAll(t, st, "ab12f0000001", "ab12f0990002")
	badInput(t, func() error { _, err := st.Find("ab12f0"); return err }(),
		`"ab12f0" matches 2 saved setups: ab12f00, ab12f09; give more of the id`)
	if en, err := st.Find("ab12f09"); err != nil || en.Session.ID != "ab12f0990002" {
		t.Errorf("the longer display id resolves: %+v, %v", en, err)
	}
}

// TestFindChangesNothing: unlike List, a lookup moves no unreadable file
// aside; one it needs says it cannot be read.
func TestFindChangesNothing(t *testing.T) {
	st := openStore(t, t.TempDir())
	saveAll(t, st, "a1b2c3d4e5f6")
	broken := filepath.Join(st.sessions(), "0badf11e0000.json")
	if err := os.WriteFile(broken, []byte(`{"id":"0badf1`), 0o600); err != nil {
		t.Fatal(err)
	}
	if en, err := st.Find("a1b2"); err != nil || en.Session.ID != "a1b2c3d4e5f6" {
		t.Errorf("Find beside an unreadable file: %+v, %v", en, err)
	}
	_, err := st.Find("0bad")
	if err == nil || !strings.Contains(err.Error(), "read the saved setup 0badf11e0000") {
		t.Errorf("an unreadable match should say so: %v", err)
	}
	if _, err := os.Stat(broken); err != nil {
		t.Errorf("Find must leave the unreadable file where it is: %v", err)
	}
}
