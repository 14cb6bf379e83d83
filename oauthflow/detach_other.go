//go:build !unix

package oauthflow

import "os/exec"

// detach: with its standard streams on the null device, a command has no
// way to the console here; when its context ends, os/exec kills it.
func detach(*exec.Cmd) {}
