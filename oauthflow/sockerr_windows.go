//go:build windows

package oauthflow

import (
	"errors"
	"syscall"
)

// Winsock's error numbers: syscall.EADDRINUSE and EACCES are other values
// on Windows and never match what net.Listen returns.
const (
	wsaEACCES     syscall.Errno = 10013 // also a port in an excluded range (Hyper-V, WSL)
	wsaEADDRINUSE syscall.Errno = 10048
)

func isAddrInUse(err error) bool { return errors.Is(err, wsaEADDRINUSE) }

func isAccessDenied(err error) bool { return errors.Is(err, wsaEACCES) }
