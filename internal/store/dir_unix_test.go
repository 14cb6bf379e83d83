//go:build unix

package store

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hootwire/internal/setup"
)

// mkdir makes dir with exactly mode perm, whatever the umask.
func mkdir(t *testing.T, dir string, perm os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
	return dir
}

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func ownerOf(t *testing.T, path string) uint32 {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Sys().(*syscall.Stat_t).Uid
}

// refused checks that err refuses path, saying why (want) and what to do.
func refused(t *testing.T, err error, path, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Open should refuse %s (%s)", path, want)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, want) || !strings.Contains(msg, "--config-dir") {
		t.Errorf("the message should name %s, say %q and what to do:\n%s", path, want, msg)
	}
}

// TestPermissions: what hootwire makes is private; a directory given that
// is not hootwire's own (a home directory, say) keeps its mode.
func TestPermissions(t *testing.T) {
	dir := mkdir(t, filepath.Join(t.TempDir(), "cfg"), 0o755)
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Save(session("abc123", setup.StageCreated, time.Now())); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o755, st.sessions(): 0o700, st.Path("abc123"): 0o600, st.lockPath("abc123"): 0o600} {
		if got := modeOf(t, path); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}
}

func TestANewConfigDirIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "cfg")
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Dir(dir), dir, filepath.Join(dir, "sessions")} {
		if got := modeOf(t, path); got != 0o700 {
			t.Errorf("%s, made by hootwire, has mode %v, want 0700", path, got)
		}
	}
}

// TestHootwiresOwnConfigDirIsTightened: the README says the directory is
// 0700; one named hootwire that existed already, 0755 or even group
// writable, is made so.
func TestHootwiresOwnConfigDirIsTightened(t *testing.T) {
	for _, perm := range []os.FileMode{0o755, 0o775, 0o777} {
		dir := mkdir(t, filepath.Join(t.TempDir(), "hootwire"), perm)
		if _, err := Open(dir); err != nil {
			t.Fatalf("mode %v: %v", perm, err)
		}
		if got := modeOf(t, dir); got != 0o700 {
			t.Errorf("hootwire's own directory, found %v, is now %v, want 0700", perm, got)
		}
	}
}

func TestALooseSessionsDirIsTightened(t *testing.T) {
	dir := t.TempDir()
	sessions := mkdir(t, filepath.Join(dir, "sessions"), 0o755)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if got := modeOf(t, sessions); got != 0o700 {
		t.Errorf("sessions is %v, want 0700", got)
	}
}

// TestAWritableSessionsDirIsRefused: a sessions directory others can write
// in may hold a saved setup of theirs: it is refused, not quietly
// tightened, and nothing in it is resumed.
func TestAWritableSessionsDirIsRefused(t *testing.T) {
	for _, perm := range []os.FileMode{0o777, 0o770, 0o702} {
		dir := t.TempDir()
		sessions := mkdir(t, filepath.Join(dir, "sessions"), perm)
		_, err := Open(dir)
		refused(t, err, sessions, "written by group or others")
		if got := modeOf(t, sessions); got != perm {
			t.Errorf("sessions was changed to %v", got)
		}
	}
}

// TestSessionFilesNotTheUsersAreNotResumed: a session file another user
// put in the directory, or one others can write, is set aside, not read.
func TestSessionFilesNotTheUsersAreNotResumed(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := session("aaaaaaaaaaaa", setup.StageCreated, time.Now())
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(st.Path(s.ID), 0o666); err != nil {
		t.Fatal(err)
	}
	entries, aside, err := st.List()
	if err != nil || len(entries) != 0 || len(aside) != 1 || !strings.Contains(aside[0].String(), "group or others can write it") {
		t.Fatalf("a file others can write: entries %v, aside %v, %v", entries, aside, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("another user's file: needs root to make one")
	}
	s2 := session("bbbbbbbbbbbb", setup.StageCreated, time.Now())
	if err := st.Save(s2); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(st.Path(s2.ID), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	entries, aside, _ = st.List()
	if len(entries) != 0 || len(aside) != 1 || !strings.Contains(aside[0].String(), "another user") {
		t.Errorf("another user's file: entries %v, aside %v", entries, aside)
	}
}

// TestAGroupWritableConfigDirIsRefused: a directory that is not hootwire's
// own keeps its mode; when others can write in it (and so replace
// sessions), it is refused rather than changed.
func TestAGroupWritableConfigDirIsRefused(t *testing.T) {
	for _, perm := range []os.FileMode{0o775, 0o757, 0o777} {
		dir := mkdir(t, filepath.Join(t.TempDir(), "cfg"), perm)
		_, err := Open(dir)
		refused(t, err, dir, "written by group or others")
		if !strings.Contains(err.Error(), "chmod go-w "+dir) {
			t.Errorf("the message should say how to fix it: %v", err)
		}
		if got := modeOf(t, dir); got != perm {
			t.Errorf("a refused directory must keep its mode: %v, was %v", got, perm)
		}
		if _, err := os.Lstat(filepath.Join(dir, "sessions")); !os.IsNotExist(err) {
			t.Errorf("nothing may be made in a refused directory: %v", err)
		}
	}
}

// TestASymlinkedSessionsDirIsRefused: sessions as a link to a directory
// elsewhere is refused, and nothing of the link's target changes: not its
// mode, not its contents.
func TestASymlinkedSessionsDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	target := mkdir(t, filepath.Join(t.TempDir(), "elsewhere"), 0o755)
	if err := os.WriteFile(filepath.Join(target, "theirs"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(target, ".tmp-abc-1")
	if err := os.WriteFile(stale, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	sessions := filepath.Join(dir, "sessions")
	if err := os.Symlink(target, sessions); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	refused(t, err, sessions, "is a symbolic link (to "+target+")")
	if got := modeOf(t, target); got != 0o755 {
		t.Errorf("the link's target was changed to %v", got)
	}
	if got := names(t, target); strings.Join(got, " ") != ".tmp-abc-1 theirs" {
		t.Errorf("something was written or removed through the link: %v", got)
	}
}

func TestASymlinkedConfigDirIsRefused(t *testing.T) {
	target := mkdir(t, filepath.Join(t.TempDir(), "hootwire"), 0o755)
	link := filepath.Join(t.TempDir(), "hootwire")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := Open(link)
	refused(t, err, link, "is a symbolic link (to "+target+")")
	if got := modeOf(t, target); got != 0o755 {
		t.Errorf("the link's target was changed to %v", got)
	}
	if got := names(t, target); len(got) != 0 {
		t.Errorf("something was made through the link: %v", got)
	}
}

func TestASessionsFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	sessions := filepath.Join(dir, "sessions")
	if err := os.WriteFile(sessions, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	refused(t, err, sessions, "not a directory")
	if got := modeOf(t, sessions); got != 0o644 {
		t.Errorf("the file was changed to %v", got)
	}
}

// TestAnotherUsersDirIsRefused: a directory owned by someone else is never
// used nor changed, even one named hootwire. Only root can give a
// directory away, so this runs as root.
func TestAnotherUsersDirIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a directory to another user (os.Chown) needs root; run the tests as root to cover this")
	}
	const nobody = 65534
	t.Run("sessions", func(t *testing.T) {
		dir := t.TempDir()
		sessions := mkdir(t, filepath.Join(dir, "sessions"), 0o755)
		if err := os.Chown(sessions, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir)
		refused(t, err, sessions, "belongs to another user (uid 65534")
		if got := modeOf(t, sessions); got != 0o755 || ownerOf(t, sessions) != nobody {
			t.Errorf("another user's directory was changed: mode %v, owner %d", got, ownerOf(t, sessions))
		}
		if got := names(t, sessions); len(got) != 0 {
			t.Errorf("something was written in another user's directory: %v", got)
		}
	})
	t.Run("config", func(t *testing.T) {
		dir := mkdir(t, filepath.Join(t.TempDir(), "hootwire"), 0o755)
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir)
		refused(t, err, dir, "belongs to another user (uid 65534")
		if got := modeOf(t, dir); got != 0o755 || ownerOf(t, dir) != nobody {
			t.Errorf("another user's directory was changed: mode %v, owner %d", got, ownerOf(t, dir))
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("something was made in another user's directory: %v", got)
		}
	})
}
