//go:build !unix

package privfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openAppend, where modes and owners are not Unix ones (Windows): links,
// directories and devices are refused; the file's ACLs are neither checked
// nor changed.
func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%w (check that the directory exists, or give another path)", err)
		}
		info, lerr := os.Lstat(path)
		if lerr != nil {
			return nil, fmt.Errorf("%w (give another path)", lerr)
		}
		if !info.Mode().IsRegular() {
			return nil, refuseNotRegular(path, info.Mode())
		}
		if f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err != nil {
			return nil, fmt.Errorf("%w (check that it is writable, or give another path)", err)
		}
	}
	// A device name (NUL, CON) opens even with O_EXCL: judge what opened.
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, refuseNotRegular(path, info.Mode())
	}
	return f, nil
}
