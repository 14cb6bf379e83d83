// Package sandboxtest gives tests a running sandbox and a free loopback
// callback URL, as net/http/httptest gives them a server: started on a
// free port and closed when the test ends.
package sandboxtest

import (
	"context"
	"fmt"
	"net"
	"testing"

	"hootwire/sandbox"
)

// Start runs a sandbox on a free loopback port until the test ends.
func Start(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := sandbox.Start(ctx, "", opts)
	if err != nil {
		t.Fatalf("start the sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close the sandbox: %v", err)
		}
	})
	return srv
}

// CallbackURL is an OAuth callback URL on a loopback port that was free a
// moment ago, for a listener the test will start.
func CallbackURL(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("http://localhost:%d/callback", FreePort(t))
}

// FreePort is a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
