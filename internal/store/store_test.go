package store

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hootwire/internal/setup"
)

func session(id string, stage setup.Stage, updated time.Time) setup.Session {
	s := setup.Session{ID: id, BaseURL: "http://127.0.0.1:1/elements/api-v2", Element: "hootsuite", Name: "n", Stage: stage, Started: updated, Updated: updated}
	if stage >= setup.StageCreated {
		s.InstanceID, s.Token = 427236, "token-value"
	}
	return s
}

func TestSaveAndList(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []setup.Session{session("aaa", setup.StagePatched, old), session("bbb", setup.StageCreated, old.Add(time.Hour)), session("ccc", setup.StageNew, old.Add(2*time.Hour))} {
		if err := st.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	// Saving again replaces, never duplicates.
	again := session("bbb", setup.StageRegistered, old.Add(3*time.Hour))
	if err := st.Save(again); err != nil {
		t.Fatal(err)
	}
	entries, aside, err := st.List()
	if err != nil || len(aside) != 0 {
		t.Fatal(err, aside)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Session.ID)
	}
	if strings.Join(ids, ",") != "bbb,ccc,aaa" {
		t.Errorf("listed %v, want newest first", ids)
	}
	u, ok := Unfinished(entries, "http://127.0.0.1:1/elements/api-v2")
	if !ok || u.Session.ID != "bbb" || u.Session.Stage != setup.StageRegistered {
		t.Errorf("unfinished = %+v, %v", u, ok)
	}
	if _, ok := Unfinished(entries, "https://other/elements/api-v2"); ok {
		t.Error("a session of another base URL is not resumable here")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(st.Dir(), "sessions", ".tmp-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestUnreadableFileIsSetAsideNotLost(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(session("good", setup.StageCreated, time.Now())); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(st.Dir(), "sessions", "broken.json")
	if err := os.WriteFile(bad, []byte(`{"id":"broken","base_u`), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, aside, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Session.ID != "good" {
		t.Errorf("entries = %+v", entries)
	}
	if len(aside) != 1 || aside[0].From != bad || !strings.Contains(aside[0].String(), "could not be read") {
		t.Fatalf("set aside = %+v", aside)
	}
	data, err := os.ReadFile(aside[0].To)
	if err != nil || string(data) != `{"id":"broken","base_u` {
		t.Errorf("the unreadable file's content must be kept as it was: %q, %v", data, err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Error("the unreadable file should have moved")
	}
}

func TestInvalidIDIsRefused(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(session("../escape", setup.StageNew, time.Now())); err == nil {
		t.Error("an id with a path in it must be refused")
	}
}

// TestKillDuringWriteLeavesAWholeFile kills a process that saves the same
// session over and over, then checks the file is one whole session.
// TestSaveReplacesTheFileWhole: every save writes a new file and renames it
// over the old one, never writing into the old one, so a reader or a crash
// sees the old session or the new one, not a mix (the kill test below shows
// the same under a real SIGKILL, when it lands mid-write).
func TestSaveReplacesTheFileWhole(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var before os.FileInfo
	for i, stage := range []setup.Stage{setup.StageCreated, setup.StageRegistered, setup.StagePatched} {
		if err := st.Save(session("abc123", stage, time.Now())); err != nil {
			t.Fatal(err)
		}
		after, err := os.Stat(st.Path("abc123"))
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && os.SameFile(before, after) {
			t.Fatalf("save %d wrote into the existing file instead of replacing it", i+1)
		}
		before = after
	}
}

func TestKillDuringWriteLeavesAWholeFile(t *testing.T) {
	dir := t.TempDir()
	for round := 0; round < 5; round++ {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "HOOTWIRE_STORE_WRITER="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the writer has saved a few times, then kill it mid-stream.
		buf := make([]byte, 64)
		seen := 0
		for seen < 3 {
			n, err := stdout.Read(buf)
			if err != nil {
				t.Fatalf("writer stopped: %v", err)
			}
			seen += strings.Count(string(buf[:n]), "\n")
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		data, err := os.ReadFile(filepath.Join(dir, "sessions", "writer.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s setup.Session
		if err := json.Unmarshal(data, &s); err != nil || s.ID != "writer" || len(s.Name) != 4096 {
			t.Fatalf("round %d: file is not one whole session after a kill: %v (%d bytes)", round, err, len(data))
		}
	}
}

// TestMain turns the test binary into the writer that
// TestKillDuringWriteLeavesAWholeFile kills, or into the run holding a
// setup that TestAnotherProcessHoldsTheSetup runs into, when asked to.
func TestMain(m *testing.M) {
	if dir := os.Getenv("HOOTWIRE_STORE_WRITER"); dir != "" {
		os.Exit(writeForever(dir))
	}
	if dir := os.Getenv("HOOTWIRE_STORE_HOLDER"); dir != "" {
		os.Exit(hold(dir, os.Getenv("HOOTWIRE_STORE_HOLD_ID")))
	}
	os.Exit(m.Run())
}

func writeForever(dir string) int {
	st, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s := session("writer", setup.StageCreated, time.Now())
	s.Name = strings.Repeat("x", 4096) // big enough that a write is not one syscall's worth of luck
	for i := 0; ; i++ {
		s.Updated = time.Now()
		if err := st.Save(s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(i)
	}
}
