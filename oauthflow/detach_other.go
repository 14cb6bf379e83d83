//go:build !unix

package oauthflow

import "os/exec"

func detach(*exec.Cmd) {}
