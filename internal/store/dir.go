package store

import (
	"fmt"
	"io/fs"
	"os"

	"hootwire/internal/privfile"
)

// dirRole says which of the store's directories a check is about, for its
// messages.
type dirRole int

const (
	configDir dirRole = iota
	sessionsDir
)

func (r dirRole) String() string {
	if r == sessionsDir {
		return "the sessions directory"
	}
	return "the config directory"
}

// fix says what to do about a directory that is refused.
func (r dirRole) fix(path string) string {
	if r == sessionsDir {
		return fmt.Sprintf("move %s out of the way (hootwire then makes its own), or choose another config directory with --config-dir or %s", path, EnvDir)
	}
	return fmt.Sprintf("choose another with --config-dir or %s", EnvDir)
}

// refuseKind is the error for a path that is not a plain directory, or nil
// when it is one.
func refuseKind(path string, role dirRole, info fs.FileInfo) error {
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		to, err := os.Readlink(path)
		if err != nil {
			to = "somewhere"
		}
		return fmt.Errorf("%s %s is a symbolic link (to %s); hootwire keeps the instance token only in a real directory and writes through no link: give the directory itself, or %s", role, path, to, role.fix(path))
	case info.Mode()&fs.ModeIrregular != 0:
		return fmt.Errorf("%s %s is a link or mount point of a kind hootwire does not follow (a junction, say): give the directory itself, or %s", role, path, role.fix(path))
	case !info.IsDir():
		return fmt.Errorf("%s %s is %s, not a directory: %s", role, path, privfile.Kind(info.Mode()), role.fix(path))
	}
	return nil
}
