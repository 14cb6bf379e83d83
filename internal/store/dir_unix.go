//go:build unix

package store

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"hootwire/internal/privfile"
)

// noFollow makes an open fail on a symbolic link.
const noFollow = syscall.O_NOFOLLOW

// checkDir refuses path unless it is a real directory owned by the user;
// then, when it is hootwire's own, makes it 0700, and otherwise refuses it
// when group or others may write in it. The decision is taken on a
// descriptor opened without following a link, and a mode is changed
// through it, so what is checked is what is changed.
func checkDir(path string, role dirRole, own bool) error {
	info, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("check %s %s: %w", role, path, err)
	}
	if err := refuseKind(path, role, info); err != nil {
		return err
	}
	// O_NONBLOCK: should path be swapped for a named pipe since the lstat,
	// the open fails or returns rather than waiting for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open %s %s to check it: %w (%s)", role, path, err, role.fix(path))
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return fmt.Errorf("check %s %s: %w", role, path, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s %s changed while it was checked, and is now %s: %s", role, path, privfile.Kind(info.Mode()), role.fix(path))
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s %s belongs to another user (uid %d; you are uid %d); hootwire keeps the instance token only in directories of your own, and changes nothing it does not own: %s", role, path, st.Uid, os.Geteuid(), role.fix(path))
	}
	perm := info.Mode().Perm()
	switch {
	case perm&0o022 != 0 && role == sessionsDir:
		// Others could have put a session file of theirs in it, to be
		// resumed as the user's: tightening now would hide that.
		return fmt.Errorf("%s %s can be written by group or others (mode %04o), so someone else could have put a saved setup of theirs in it, and hootwire will not resume from it: look at its files, remove any that are not yours, then run chmod 700 %s; or %s", role, path, perm, path, role.fix(path))
	case own && perm != 0o700:
		if err := f.Chmod(0o700); err != nil {
			return fmt.Errorf("make %s %s private (mode 0700): %w (run chmod 700 %s)", role, path, err, path)
		}
	case !own && perm&0o022 != 0:
		return fmt.Errorf("%s %s can be written by group or others (mode %04o), so they could put something of theirs in place of its sessions directory; hootwire does not change the mode of a directory it did not make: run chmod go-w %s, or %s", role, path, perm, path, role.fix(path))
	}
	return nil
}

// readOwnFile reads a session file only if it is a regular file of the
// user's that nobody else can write: a file another user put there (or made
// writable) could name an instance of theirs, or one of the user's to
// patch, and must not be resumed.
func readOwnFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("it is %s, not a regular file", privfile.Kind(info.Mode()))
	case ok && int(st.Uid) != os.Geteuid():
		return nil, fmt.Errorf("it belongs to another user (uid %d)", st.Uid)
	case info.Mode().Perm()&0o022 != 0:
		return nil, fmt.Errorf("group or others can write it (mode %04o)", info.Mode().Perm())
	}
	return io.ReadAll(io.LimitReader(f, 1<<20))
}
