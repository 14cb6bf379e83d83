//go:build unix

package oauthflow

import (
	"os/exec"
	"syscall"
)

// detach puts the browser in its own process group, so the terminal's
// ctrl+c goes to hootwire alone.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
