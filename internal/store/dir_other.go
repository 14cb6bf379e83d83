//go:build !unix

package store

import (
	"fmt"
	"os"
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
