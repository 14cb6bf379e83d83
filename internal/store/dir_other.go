//go:build !unix

package store

import (
	"fmt"
	"os"

	"hootwire/internal/privfile"
)

// noFollow: no such open flag here; links are refused by checkDir instead.
const noFollow = 0

// checkDir refuses path unless it is a directory and not a link. Owners and
// modes are not Unix ones here (Windows uses ACLs): hootwire neither checks
// nor changes them, and relies on the ACLs of the user's profile
// directory, under which the default config directory lies.
func checkDir(path string, role dirRole, _ bool) error {
	info, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("check %s %s: %w", role, path, err)
	}
	return refuseKind(path, role, info)
}

// readOwnFile reads a session file that is not a link; owners and modes
// are not checked here (see checkDir).
func readOwnFile(path string) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a regular file", privfile.Kind(info.Mode()))
	}
	return os.ReadFile(path)
}
