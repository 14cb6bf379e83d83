//go:build linux

package oauthflow

import (
	"context"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// connected opens a TCP connection to a listener on addr, from a socket
// made by dial, and returns the two ends' addresses as the server sees
// them.
func connected(t *testing.T, addr string, dial func(addr string) (net.Conn, error)) (local, remote string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := dial(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.LocalAddr().String(), s.RemoteAddr().String()
}

func dial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }

func TestFetchedBySelf(t *testing.T) {
	local, remote := connected(t, "127.0.0.1:0", dial)
	if !fetchedBySelf(local, remote) {
		t.Fatalf("a connection this process made (%s to %s) was not taken for this user's", remote, local)
	}
	for _, bad := range [][2]string{{"", ""}, {local, "nonsense"}, {"127.0.0.1", remote}, {local, "[::1]:1"}, {local, "127.0.0.1:1"}} {
		if fetchedBySelf(bad[0], bad[1]) {
			t.Errorf("fetchedBySelf(%q, %q) = true", bad[0], bad[1])
		}
	}
	if !hasIPv6Loopback() {
		t.Log("no IPv6 loopback here: only tcp4 was checked")
		return
	}
	local6, remote6 := connected(t, "[::1]:0", dial)
	if !fetchedBySelf(local6, remote6) {
		t.Errorf("a connection over %s was not taken for this user's", local6)
	}
}

// TestAnotherUsersFetchDoesNotVouch makes the client's socket as another
// user (root changes its thread's file-system user id, which the kernel
// gives a new socket) and checks it is not taken for this user's.
func TestAnotherUsersFetchDoesNotVouch(t *testing.T) {
	if syscall.Getuid() != 0 {
		t.Skip("making a socket as another user needs root")
	}
	const nobody = 65533 // not the overflow id, which never vouches anyway
	local, remote := connected(t, "127.0.0.1:0", func(addr string) (net.Conn, error) {
		type result struct {
			c   net.Conn
			err error
		}
		got := make(chan result, 1)
		go func() {
			// The thread is never unlocked: it ends with the goroutine, and
			// its changed user id with it.
			runtime.LockOSThread()
			if _, _, errno := syscall.RawSyscall(syscall.SYS_SETFSUID, nobody, 0, 0); errno != 0 {
				got <- result{nil, errno}
				return
			}
			var d net.Dialer
			c, err := d.DialContext(context.Background(), "tcp4", addr)
			got <- result{c, err}
		}()
		r := <-got
		return r.c, r.err
	})
	if fetchedBySelf(local, remote) {
		t.Fatal("another user's connection vouched for itself")
	}

	// Through the Launcher: the first fetch from another user's socket
	// leaves the watch on.
	l := launch(t, LaunchOptions{Watch: time.Hour})
	conn := make(chan net.Conn, 1)
	go func() {
		runtime.LockOSThread()
		syscall.RawSyscall(syscall.SYS_SETFSUID, nobody, 0, 0)
		c, err := net.Dial("tcp4", l.Addr().String())
		if err != nil {
			conn <- nil
			return
		}
		conn <- c
	}()
	c := <-conn
	if c == nil {
		t.Fatal("could not connect as another user")
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET " + l.URL()[len("http://"+l.Addr().String()):] + " HTTP/1.1\r\nHost: " + l.Addr().String() + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	<-l.Used()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := l.Settle(ctx); err != context.DeadlineExceeded {
		t.Errorf("Settle = %v after another user's fetch; want it still watching", err)
	}
}

// TestAFetchByThisUserSettlesAtOnce: the real check, end to end.
func TestAFetchByThisUserSettlesAtOnce(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{Watch: time.Hour, useGrace: 10 * time.Millisecond})
	mustFetch(t, "GET", l.URL(), "")
	began := time.Now()
	if err := settle(t, l); err != nil || time.Since(began) > 5*time.Second {
		t.Fatalf("Settle = %v after %v; want nil at once", err, time.Since(began))
	}
	stopped(t, l)
}
