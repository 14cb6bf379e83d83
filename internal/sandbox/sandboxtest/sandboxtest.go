// Package sandboxtest gives tests a running sandbox and a free loopback
// callback URL, as net/http/httptest gives them a server: started on a
// free port and closed when the test ends.
package sandboxtest

import (
	"context"
	"fmt"
	"net"
	"testing"

	"hootwire/internal/sandbox"
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

// FaultSays is what hootwire's error message says about each fault of
// sandbox.Catalog, by the fault's name, for the fault matrices to check.
// A fault the table does not know fails the test: a new catalogue row
// needs its wording here.
func FaultSays(t testing.TB, faultName string) string {
	t.Helper()
	switch faultName {
	case "500", "502", "503", "504", "401", "403", "404":
		return "HTTP " + faultName
	case "429 with Retry-After":
		return "HTTP 429"
	case "400 with the platform's JSON":
		return "Bad request: something is off"
	case "slow past the time-out":
		return "did not answer in time"
	case "dropped before the request", "dropped after the request":
		return "no answer from"
	case "malformed JSON":
		return "not the expected JSON"
	case "HTML error page":
		return "not the platform's JSON"
	case "empty body with 200":
		return "empty body"
	case "400 spent grant code":
		return "already been used"
	case "400 expired grant code":
		return "has expired"
	}
	t.Fatalf("sandboxtest.FaultSays: no wording for the fault %q; add it", faultName)
	return ""
}
