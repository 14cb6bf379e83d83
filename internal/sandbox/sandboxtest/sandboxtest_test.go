package sandboxtest_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// TestStartServesUntilTheTestEnds checks that the sandbox answers during
// the test and is closed by the test's clean-up.
func TestStartServesUntilTheTestEnds(t *testing.T) {
	var base string
	t.Run("inner", func(t *testing.T) {
		srv := sandboxtest.Start(t, sandbox.Options{})
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		base = srv.URL
	})
	if _, err := http.Get(base + "/"); err == nil {
		t.Errorf("the sandbox at %s still answers after its test ended", base)
	}
}

// TestCallbackURLIsAFreeLoopbackPort checks the URL's shape and that its
// port can be listened on.
func TestCallbackURLIsAFreeLoopbackPort(t *testing.T) {
	u, err := url.Parse(sandboxtest.CallbackURL(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "http" || u.Hostname() != "localhost" || u.Path != "/callback" {
		t.Errorf("callback URL %s, want http://localhost:PORT/callback", u)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil || port == 0 {
		t.Fatalf("port %q", u.Port())
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", u.Port()))
	if err != nil {
		t.Fatalf("the port is not free: %v", err)
	}
	ln.Close()
}
