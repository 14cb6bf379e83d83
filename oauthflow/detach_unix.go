//go:build unix

package oauthflow

import (
	"os/exec"
	"syscall"
	"time"
)

// stopGrace is how long a browser stopped with SIGTERM has to exit before
// it is killed.
const stopGrace = 2 * time.Second

// detach runs the command in a session of its own: it has no controlling
// terminal, so it cannot open /dev/tty and draw into the screen, and the
// terminal's ctrl+c reaches hootwire alone. When the command's context
// ends, the whole process group gets SIGTERM (a browser is several
// processes), and the command itself SIGKILL if it lingers.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = func() error {
		// In a new session the process leads its own group: -pid is the
		// group. The process is not reaped yet, so the id is still its.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	cmd.WaitDelay = stopGrace
}
