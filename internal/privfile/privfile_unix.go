//go:build unix

package privfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err == nil {
		return f, nil // new, so ours and 0600 (or less, by the umask)
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w (check that the directory exists and is yours, or give another path)", err)
	}
	// It exists: judge it by its name first, so that a device or a pipe is
	// not even opened; then open it without following a link (O_NOFOLLOW),
	// without waiting for a pipe's reader (O_NONBLOCK), without making a
	// terminal hootwire's (O_NOCTTY), and judge what opened, which must be
	// the file judged by its name.
	named, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("%w (give another path)", err)
	}
	if err := judge(path, named); err != nil {
		return nil, err
	}
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("%w (check that it is yours and writable, or give another path)", err)
	}
	opened, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("check %s: %w (give another path)", path, err)
	case !os.SameFile(named, opened):
		err = refuse("%s was replaced while hootwire opened it; give another path, or try again", path)
	default:
		err = judge(path, opened)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// judge refuses anything but a regular file of the user's that group and
// others cannot read or write.
func judge(path string, info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		return refuseNotRegular(path, info.Mode())
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return refuse("%s belongs to another user (uid %d; you are uid %d); hootwire writes only to files of your own: give another path", path, st.Uid, os.Geteuid())
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return refuse("%s can be read or written by group or others (mode %04o); hootwire does not change the mode of a file it did not make: run chmod 600 %s, or give another path", path, perm, path)
	}
	return nil
}
