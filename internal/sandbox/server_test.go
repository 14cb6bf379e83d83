package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

func TestStartRefusesNonLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.168.1.10:0", "10.0.0.1:8080", "example.com:0", "localhost.example.com:0"} {
		srv, err := sandbox.Start(context.Background(), addr, sandbox.Options{})
		if err == nil {
			srv.Close()
			t.Errorf("Start(%q) listened on %s", addr, srv.URL)
			continue
		}
		if !strings.Contains(err.Error(), "loopback") || !strings.Contains(err.Error(), addr) {
			t.Errorf("Start(%q) error does not say why: %v", addr, err)
		}
	}
	if _, err := sandbox.Start(context.Background(), "127.0.0.1", sandbox.Options{}); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("Start without a port: %v", err)
	}
}

func TestStartOnLoopback(t *testing.T) {
	for _, addr := range []string{"", "127.0.0.1:0", "localhost:0"} {
		srv, err := sandbox.Start(context.Background(), addr, sandbox.Options{})
		if err != nil {
			t.Fatalf("Start(%q): %v", addr, err)
		}
		u, err := url.Parse(srv.URL)
		if err != nil || u.Scheme != "http" || u.Port() == "0" || u.Port() == "" || !net.ParseIP(u.Hostname()).IsLoopback() {
			t.Errorf("Start(%q).URL = %q", addr, srv.URL)
		}
		if srv.BaseURL != srv.URL+sandbox.APIPath {
			t.Errorf("BaseURL = %q", srv.BaseURL)
		}
		req, _ := http.NewRequest("GET", srv.BaseURL+"/instances", nil)
		req.Header.Set("Authorization", authHeader)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s/instances = %d", srv.BaseURL, resp.StatusCode)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if c, err := net.Dial("tcp", u.Host); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", u.Host)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestStartReportsABusyPort(t *testing.T) {
	srv, err := sandbox.Start(context.Background(), "", sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	addr := strings.TrimPrefix(srv.URL, "http://")
	if other, err := sandbox.Start(context.Background(), addr, sandbox.Options{}); err == nil {
		other.Close()
		t.Fatalf("a second sandbox started on %s", addr)
	} else if !strings.Contains(err.Error(), addr) {
		t.Errorf("the error does not name the address: %v", err)
	}
}

func TestStartStopsWhenTheContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := sandbox.Start(ctx, "", sandbox.Options{}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := sandbox.Start(ctx, "", sandbox.Options{}); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Start with a done context: %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	srv, err := sandbox.Start(ctx, "", sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	cancel()
	waitFor(t, "the listener to close after the context is done", func() bool {
		c, err := net.Dial("tcp", host)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if err := srv.Close(); err != nil {
		t.Errorf("Close after the context is done: %v", err)
	}
	waitForNoServerGoroutines(t)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCloseEndsRequestsInFlightAndLeavesNothingRunning(t *testing.T) {
	pinging := make(chan struct{})   // the ping handler is waiting on Hootsuite's side
	cancelled := make(chan struct{}) // Close has cancelled the ping
	release := make(chan struct{})   // lets the ping handler finish
	var once sync.Once
	// Hootsuite's side of a ping: it never answers, and once the request is
	// given up it still holds the handler until released, so the test can see
	// whether Close waits for running handlers.
	hootsuite := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		once.Do(func() { close(pinging) })
		<-r.Context().Done()
		close(cancelled)
		<-release
		return nil, r.Context().Err()
	})}
	srv, err := sandbox.Start(context.Background(), "", sandbox.Options{HTTPClient: hootsuite})
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	form := url.Values{"webhook_url": {"https://app.example/hook"}}.Encode()
	resp, err := client.Post(srv.URL+"/hootsuite/app", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	srv.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Delay: time.Hour})
	errs := make(chan error, 2)
	go func() {
		resp, err := client.Post(srv.URL+"/hootsuite/app/ping", "application/x-www-form-urlencoded", nil)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}()
	wrote := make(chan struct{})
	go func() {
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { close(wrote) },
		})
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.BaseURL+"/instances", strings.NewReader(`{}`))
		req.Header.Set("Authorization", authHeader)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}()
	<-pinging
	<-wrote

	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	<-cancelled
	select {
	case <-closed:
		t.Error("Close returned while a request was still being handled")
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-errs; err == nil {
			t.Error("a request in flight got an answer after Close, want its connection closed")
		}
	}
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("a delayed create was performed during Close")
	}
	waitForNoServerGoroutines(t)
}

// waitFor polls cond until it holds, failing after a generous bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// serverFrames are stack frames of a sandbox server's goroutines.
var serverFrames = regexp.MustCompile(`hootwire/internal/sandbox\.|net/http\.\(\*conn\)\.serve|net/http\.\(\*Server\)\.Serve`)

// waitForNoServerGoroutines fails when a server goroutine outlives Close.
func waitForNoServerGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if serverFrames.MatchString(g) {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines still running after Close:\n%s", strings.Join(left, "\n\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStatsCountThePlatformsAnswers(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), "", sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for i := 0; i < 3; i++ {
		resp, err := http.Get(sb.BaseURL + "/instances")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(sb.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.Requests != 3 || st.ServingNanos <= 0 {
		t.Errorf("stats = %+v, want 3 requests and their time (admin calls not counted)", st)
	}
}
