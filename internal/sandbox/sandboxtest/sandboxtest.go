// Package sandboxtest gives tests a running sandbox and a free loopback
// callback URL, as net/http/httptest gives them a server: started on a
// free port and closed when the test ends.
package sandboxtest

import (
	"context"
	"fmt"
	"math/rand/v2"
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

// FreePort is a loopback port that was free a moment ago, on 127.0.0.1
// and on [::1] (where the machine has IPv6), as a listener for localhost
// binds both.
//
// It is taken below the kernel's ephemeral range (32768 and up on Linux),
// from which every port 0 bind and every outgoing connection of the machine
// draws: a port from there could be handed to another process between this
// check and the test's own listen, and on a busy machine running other tests
// it was.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		if portFree(port) {
			return port
		}
	}
	t.Fatal("find a free port: 200 ports between 20000 and 32000 were all in use")
	return 0
}

func portFree(port int) bool {
	v4, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	defer v4.Close()
	if v6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port)); err == nil {
		v6.Close()
	} else if ln, probe := net.Listen("tcp", "[::1]:0"); probe == nil {
		// The machine has IPv6 and the port is taken there.
		ln.Close()
		return false
	}
	return true
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
