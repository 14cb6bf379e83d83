package oauthflow

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testState = "the-state-0123456789abcdefghijklmnopqrstuv"

// noLeaks fails the test when goroutines started during it are still
// running once its cleanups are done. Call it first: cleanups run last
// registered first. Tests using it do not run in parallel.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		for range 500 {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before the test, %d after it:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	})
}

// freePort finds a port nobody listens on, by binding port 0 and letting
// it go.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func hasIPv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// start listens for a callback on host at a free port, and closes the
// listener when the test ends.
func start(t *testing.T, host string, opts ListenOptions) (*Listener, string) {
	t.Helper()
	callback := "http://" + net.JoinHostPort(host, freePort(t)) + "/callback"
	l, err := Listen(context.Background(), callback, testState, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, callback
}

type answer struct {
	status int
	body   string
	header http.Header
}

// client talks to the listener directly (never through a proxy) and keeps
// no connection open after an answer.
func client(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// hit sends method target to the address addr (host:port; "" means the
// target's), with the Host header host ("" means the target's).
func hit(t *testing.T, method, target, addr, host string) answer {
	t.Helper()
	a, err := try(t, method, target, addr, host)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return a
}

func try(t *testing.T, method, target, addr, host string) (answer, error) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	if addr != "" {
		u.Host = addr
	}
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := client(t).Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{resp.StatusCode, string(body), resp.Header}, nil
}

// wait is Wait with a generous bound, so a broken listener fails the test
// instead of hanging it.
func wait(t *testing.T, l *Listener) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, err := l.Wait(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("Wait did not return")
	}
	return code, err
}

// assertPortFree checks nothing listens at the callback's port any more:
// the same callback can be listened on again at once.
func assertPortFree(t *testing.T, callback string) {
	t.Helper()
	l, err := Listen(context.Background(), callback, testState, ListenOptions{})
	if err != nil {
		t.Fatalf("the port is still taken: %v", err)
	}
	l.Close()
}

func callbackHost(t *testing.T, callback string) string {
	t.Helper()
	u, err := url.Parse(callback)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

var wantHeaders = map[string]string{
	"Cache-Control":          "no-store",
	"Referrer-Policy":        "no-referrer",
	"Content-Type":           "text/html; charset=utf-8",
	"X-Content-Type-Options": "nosniff",
}

// checkPage asserts what every answer must be: the safety headers, and a
// page that loads nothing from elsewhere.
func checkPage(t *testing.T, what string, a answer) {
	t.Helper()
	for k, v := range wantHeaders {
		if got := a.header.Get(k); got != v {
			t.Errorf("%s: header %s = %q, want %q", what, k, got, v)
		}
	}
	for _, outside := range []string{"http:", "https:", "//", "src=", "href=", "url(", "@import", "<script"} {
		if strings.Contains(strings.ToLower(a.body), outside) {
			t.Errorf("%s: the page holds %q, but must load nothing from elsewhere:\n%s", what, outside, a.body)
		}
	}
}

func TestHappyPath(t *testing.T) {
	hosts := []string{"127.0.0.1", "localhost"}
	if hasIPv6Loopback() {
		hosts = append(hosts, "::1")
	}
	for _, host := range hosts {
		t.Run(host, func(t *testing.T) {
			noLeaks(t)
			l, cb := start(t, host, ListenOptions{})
			a := hit(t, "GET", cb+"?code=the-code&state="+testState, "", "")
			checkPage(t, "the success page", a)
			if a.status != http.StatusOK || !strings.Contains(a.body, "Authorization received by hootwire. You can close this tab.") {
				t.Errorf("success page: %d\n%s", a.status, a.body)
			}
			if strings.Contains(a.body, "the-code") {
				t.Error("the page must not show the code")
			}
			code, err := wait(t, l)
			if err != nil || code != "the-code" {
				t.Fatalf("Wait = %q, %v; want the code", code, err)
			}
			// Wait returns once the listener is down.
			assertPortFree(t, cb)
		})
	}
}

// TestLocalhostAnswersOnBothLoopbacks: a browser may resolve localhost to
// either address.
func TestLocalhostAnswersOnBothLoopbacks(t *testing.T) {
	noLeaks(t)
	if !hasIPv6Loopback() {
		t.Skip("this machine has no IPv6 loopback: only 127.0.0.1 can be checked, which TestHappyPath does")
	}
	l, cb := start(t, "localhost", ListenOptions{})
	port := strings.TrimPrefix(callbackHost(t, cb), "localhost:")
	var families []string
	for _, a := range l.Addrs() {
		ip := a.(*net.TCPAddr).IP
		if !ip.IsLoopback() {
			t.Errorf("bound %v: only loopback addresses may be bound", a)
		}
		families = append(families, a.String())
	}
	if len(families) != 2 {
		t.Fatalf("bound %v, want 127.0.0.1 and [::1]", families)
	}
	// Over ::1, a request with the wrong state is answered (and ignored);
	// the code then comes over 127.0.0.1.
	if a := hit(t, "GET", cb+"?code=x&state=wrong", "[::1]:"+port, "localhost:"+port); a.status != http.StatusBadRequest {
		t.Errorf("over ::1: %d", a.status)
	}
	hit(t, "GET", cb+"?code=over-v4&state="+testState, "127.0.0.1:"+port, "localhost:"+port)
	if code, err := wait(t, l); code != "over-v4" || err != nil {
		t.Errorf("Wait = %q, %v", code, err)
	}
}

func TestWrongStateThenTheRightOne(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, q := range []string{
		"?code=forged&state=not-the-state",
		"?code=forged",
		"?code=forged&state=",
		"?code=forged&state=" + testState + "&state=" + testState,
		"?error=access_denied&state=not-the-state", // a forged denial ends nothing
	} {
		a := hit(t, "GET", cb+q, "", "")
		checkPage(t, q, a)
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, "does not match") || !strings.Contains(a.body, "still waiting") {
			t.Errorf("%s: %d\n%s", q, a.status, a.body)
		}
	}
	hit(t, "GET", cb+"?code=good&state="+testState, "", "")
	if code, err := wait(t, l); err != nil || code != "good" {
		t.Errorf("Wait = %q, %v; the listener must keep waiting after a wrong state", code, err)
	}
}

func TestNoCodeKeepsWaiting(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, q := range []string{
		"?state=" + testState,
		"?code=&state=" + testState,
		"?code=a&code=b&state=" + testState,
		"?code=%0Abad&state=" + testState,
	} {
		a := hit(t, "GET", cb+q, "", "")
		checkPage(t, q, a)
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, "No authorization code") {
			t.Errorf("%s: %d\n%s", q, a.status, a.body)
		}
	}
	hit(t, "GET", cb+"?code=good&state="+testState, "", "")
	if code, err := wait(t, l); err != nil || code != "good" {
		t.Errorf("Wait = %q, %v", code, err)
	}
}

func TestDenial(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "localhost", ListenOptions{})
	a := hit(t, "GET", cb+"?error=access_denied&error_description=The+user+said+no&state="+testState, "", "")
	checkPage(t, "the denial page", a)
	if !strings.Contains(a.body, "not granted") || !strings.Contains(a.body, "access_denied: The user said no") {
		t.Errorf("the denial page must say what happened:\n%s", a.body)
	}
	code, err := wait(t, l)
	var denied *DeniedError
	if code != "" || !errors.As(err, &denied) {
		t.Fatalf("Wait = %q, %v; want a *DeniedError", code, err)
	}
	if denied.Err != "access_denied" || denied.Description != "The user said no" {
		t.Errorf("denial = %+v", denied)
	}
	if !strings.Contains(err.Error(), "denied") || !strings.Contains(err.Error(), "The user said no") {
		t.Errorf("message %q", err)
	}
	assertPortFree(t, cb)
}

func TestDenialDescriptionIsEscaped(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	desc := url.QueryEscape("<script>alert(1)</script>\x1b[31m\u202eevil\"'&")
	a := hit(t, "GET", cb+"?error=%3Cb%3Edenied&error_description="+desc+"&state="+testState, "", "")
	checkPage(t, "the denial page", a)
	if !strings.Contains(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(a.body, "&lt;b&gt;denied") {
		t.Errorf("what the page echoes must be escaped:\n%s", a.body)
	}
	if strings.Contains(a.body, "<b>") || strings.ContainsAny(a.body, "\x1b\u202e") {
		t.Errorf("markup or control characters echoed:\n%q", a.body)
	}
	_, err := wait(t, l)
	var denied *DeniedError
	if !errors.As(err, &denied) {
		t.Fatalf("Wait: %v", err)
	}
	// Handed over as text for a terminal: the words kept, the escape
	// sequence's ESC and the reordering character gone.
	if denied.Description != "<script>alert(1)</script>[31mevil\"'&" || denied.Err != "<b>denied" {
		t.Errorf("denial = %q / %q", denied.Err, denied.Description)
	}
}

func TestWrongPath(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, p := range []string{"/", "/other", "/callback/", "/Callback", "/favicon.ico"} {
		target := strings.Replace(cb, "/callback", p, 1) + "?code=x&state=" + testState
		a := hit(t, "GET", target, "", "")
		checkPage(t, p, a)
		if a.status != http.StatusNotFound {
			t.Errorf("%s: %d", p, a.status)
		}
	}
	hit(t, "GET", cb+"?code=real&state="+testState, "", "")
	if code, _ := wait(t, l); code != "real" {
		t.Errorf("code = %q: a wrong path must not end the wait", code)
	}
}

func TestOnlyGET(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "HEAD"} {
		a := hit(t, m, cb+"?code=x&state="+testState, "", "")
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" {
			t.Errorf("%s: %d, Allow %q", m, a.status, a.header.Get("Allow"))
		}
	}
	hit(t, "GET", cb+"?code=real&state="+testState, "", "")
	if code, _ := wait(t, l); code != "real" {
		t.Errorf("code = %q: another method must not end the wait", code)
	}
}

func TestForeignHostIsRefused(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "localhost", ListenOptions{})
	port := strings.TrimPrefix(callbackHost(t, cb), "localhost:")
	addr := "127.0.0.1:" + port
	for _, host := range []string{
		"evil.example:" + port,           // DNS rebinding
		"localhost.evil.example:" + port, // a look-alike
		"evil.example",
		"localhost:1",       // another port
		"localhost",         // port 80
		"127.0.0.1:" + port, // another spelling of the same place: refused too (see Listen)
	} {
		a := hit(t, "GET", cb+"?code=x&state="+testState, addr, host)
		checkPage(t, host, a)
		if a.status != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d", host, a.status)
		}
	}
	// Upper case is the same name.
	hit(t, "GET", cb+"?code=real&state="+testState, addr, "LocalHost:"+port)
	if code, _ := wait(t, l); code != "real" {
		t.Errorf("code = %q", code)
	}
}

func TestHugeHeadersAreRefused(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	req, err := http.NewRequest("GET", cb+"?code=x&state="+testState, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 64<<10))
	resp, err := client(t).Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 64 KiB header: %d", resp.StatusCode)
		}
	}
	hit(t, "GET", cb+"?code=real&state="+testState, "", "")
	if code, _ := wait(t, l); code != "real" {
		t.Errorf("code = %q", code)
	}
}

func TestPortTaken(t *testing.T) {
	noLeaks(t)
	taken, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		cb := "http://" + host + ":" + port + "/callback"
		l, err := Listen(context.Background(), cb, testState, ListenOptions{})
		if err == nil {
			l.Close()
			t.Fatalf("%s: listening on a port in use must fail", cb)
		}
		for _, want := range []string{"port " + port, "in use", "close that program", "--callback-url", "never moves to another port"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: the error %q does not say %q", cb, err, want)
			}
		}
	}
}

// TestPortTakenOnIPv6: for localhost, another program on [::1] at the
// port would get the redirect, so that is an error too.
func TestPortTakenOnIPv6(t *testing.T) {
	noLeaks(t)
	taken, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("this machine has no IPv6 loopback (%v): nothing can take [::1]", err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	free, err := net.Listen("tcp4", "127.0.0.1:"+port)
	if err != nil {
		t.Skipf("127.0.0.1:%s happens to be taken too: %v", port, err)
	}
	free.Close()
	l, err := Listen(context.Background(), "http://localhost:"+port+"/callback", testState, ListenOptions{})
	if err == nil {
		l.Close()
		t.Fatal("listening must fail when [::1] at the port is taken")
	}
	if !strings.Contains(err.Error(), "port "+port) || !strings.Contains(err.Error(), "in use") {
		t.Errorf("error %q", err)
	}
	// 127.0.0.1 was let go again.
	again, err := net.Listen("tcp4", "127.0.0.1:"+port)
	if err != nil {
		t.Fatalf("127.0.0.1:%s was left bound: %v", port, err)
	}
	again.Close()
}

// TestBindErrorMessages: what a user reads when the system refuses the
// port (root can bind any port, so the refusal is made up here).
func TestBindErrorMessages(t *testing.T) {
	inUse, denied := syscall.EADDRINUSE, syscall.EACCES
	if runtime.GOOS == "windows" {
		inUse, denied = syscall.Errno(10048), syscall.Errno(10013) // Winsock's numbers
	}
	wrap := func(errno error) error {
		return &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", errno)}
	}
	err := bindError("80", false, "http://localhost/callback", wrap(denied))
	for _, want := range []string{"port 80", "access denied", "reserve", "--callback-url", "names no port", "http://localhost:4668/callback"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("access denied, no port: %q does not say %q", err, want)
		}
	}
	err = bindError("4668", true, "http://localhost:4668/callback", wrap(inUse))
	if !strings.Contains(err.Error(), "port 4668") || !strings.Contains(err.Error(), "in use") || strings.Contains(err.Error(), "names no port") {
		t.Errorf("in use, port given: %q", err)
	}
	other := wrap(errors.New("something else"))
	if err := bindError("4668", true, "http://localhost:4668/callback", other); !errors.Is(err, other) || !strings.Contains(err.Error(), "port 4668") {
		t.Errorf("other: %q", err)
	}
}

func TestTimeout(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{Timeout: 50 * time.Millisecond})
	code, err := wait(t, l)
	if code != "" || !errors.Is(err, ErrTimeout) {
		t.Fatalf("Wait = %q, %v; want ErrTimeout", code, err)
	}
	if !strings.Contains(err.Error(), "start the authorization again") || !strings.Contains(err.Error(), "50ms") {
		t.Errorf("the time-out must say how long it waited and what to do: %q", err)
	}
	assertPortFree(t, cb)
	// The result stays.
	if _, err := wait(t, l); !errors.Is(err, ErrTimeout) {
		t.Errorf("second Wait: %v", err)
	}
}

func TestListenContextCancelled(t *testing.T) {
	noLeaks(t)
	ctx, cancel := context.WithCancel(context.Background())
	cb := "http://127.0.0.1:" + freePort(t) + "/callback"
	l, err := Listen(ctx, cb, testState, ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cancel()
	if code, err := wait(t, l); code != "" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %q, %v; want context.Canceled", code, err)
	}
	assertPortFree(t, cb)

	if _, err := Listen(ctx, cb, testState, ListenOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Listen with a finished context: %v", err)
	}
}

func TestWaitContextCancelled(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "localhost", ListenOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() {
		_, err := l.Wait(ctx)
		got <- err
	}()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v; want context.Canceled", err)
	}
	assertPortFree(t, cb)
}

func TestCloseBeforeAnyCallback(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "localhost", ListenOptions{})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	assertPortFree(t, cb)
	if _, err := wait(t, l); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait after Close = %v; want ErrClosed", err)
	}
}

func TestDoubleCallbackHandsTheCodeOverOnce(t *testing.T) {
	noLeaks(t)
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	first := hit(t, "GET", cb+"?code=first&state="+testState, "", "")
	if first.status != http.StatusOK {
		t.Fatalf("first callback: %d", first.status)
	}
	// The listener is shutting down: a second callback (a reload, say) is
	// either told the authorization was already received, or finds the
	// port closed.
	if a, err := try(t, "GET", cb+"?code=second&state="+testState, "", ""); err == nil {
		checkPage(t, "the second callback", a)
		if !strings.Contains(a.body, "already received") {
			t.Errorf("second callback: %d\n%s", a.status, a.body)
		}
	}
	for range 2 {
		if code, err := wait(t, l); code != "first" || err != nil {
			t.Errorf("Wait = %q, %v; want the first code, every time", code, err)
		}
	}
	// Once Wait returned, the port is closed: no second code can arrive.
	if _, err := try(t, "GET", cb+"?code=third&state="+testState, "", ""); err == nil {
		t.Error("the listener still answers after Wait returned")
	}
}

// TestSecondCallbackPage drives the handler itself, so the page for a
// second callback is seen every time, not only when it wins the race with
// the shutdown.
func TestSecondCallbackPage(t *testing.T) {
	h := newCallbackHandler("localhost", "4668", "/callback", testState)
	for i, code := range []string{"first", "second"} {
		rec := serve(h, "GET", "localhost:4668", "/callback?code="+code+"&state="+testState)
		a := answer{rec.Code, rec.Body.String(), rec.Result().Header}
		checkPage(t, code, a)
		want := "Authorization received by hootwire"
		if i > 0 {
			want = "already received"
		}
		if !strings.Contains(a.body, want) {
			t.Errorf("%s callback: %d\n%s", code, a.status, a.body)
		}
	}
	if o := h.first(); o.code != "first" || o.err != nil {
		t.Errorf("kept %+v; want the first code", o)
	}
	// A denial after the code changes nothing either.
	serve(h, "GET", "localhost:4668", "/callback?error=access_denied&state="+testState)
	if o := h.first(); o.code != "first" || o.err != nil {
		t.Errorf("kept %+v after a late denial", o)
	}
}

func TestNeedsListener(t *testing.T) {
	cases := map[string]bool{
		"http://localhost:4668/callback":  true,
		"http://LOCALHOST:4668/callback":  true,
		"http://localhost/callback":       true, // port 80
		"http://127.0.0.1:9/cb":           true,
		"http://[::1]:9/cb":               true,
		" http://localhost:4668/callback": true,
		"https://app.example.com/cb":      false,
		"https://localhost:4668/cb":       false, // TLS on loopback: not a plain listener's to serve
		"http://app.example.com/cb":       false,
		"http://10.0.0.5:4668/cb":         false,
	}
	for in, want := range cases {
		if got, err := NeedsListener(in); err != nil || got != want {
			t.Errorf("NeedsListener(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                            "not an http",
		"localhost:4668/callback":     "not an http",
		"ftp://localhost/":            "not an http",
		"file:///etc/passwd":          "not an http",
		"http://":                     "names no host",
		"http://localhost:0/cb":       "port 0",
		"http://localhost:99999/cb":   "port 99999",
		"http://localhost:port/cb":    "cannot be read",
		"http://local\x7fhost:1/cb":   "cannot be read",
		"http://[::1/cb":              "cannot be read",
		"http:localhost:4668/callbak": "names no host",
	} {
		_, err := NeedsListener(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NeedsListener(%q) = %v; want an error saying %q", in, err, want)
		}
		if err != nil && strings.ContainsRune(err.Error(), 0x7f) {
			t.Errorf("the error %q echoes a control character", err)
		}
	}
}

func TestListenRefusesWhatItCannotServe(t *testing.T) {
	noLeaks(t)
	for cb, want := range map[string]string{
		"https://app.example.com/cb": "paste",
		"https://localhost:4668/cb":  "https",
		"http://10.0.0.5:4668/cb":    "not on this machine",
		"ftp://localhost:4668/cb":    "not an http",
	} {
		l, err := Listen(context.Background(), cb, testState, ListenOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			if l != nil {
				l.Close()
			}
			t.Errorf("Listen(%q) = %v; want an error saying %q", cb, err, want)
		}
	}
	if _, err := Listen(context.Background(), "http://127.0.0.1:"+freePort(t)+"/cb", "", ListenOptions{}); err == nil {
		t.Error("Listen without a state must fail")
	}
}

// serve drives the handler without a network.
func serve(h http.Handler, method, host, target string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestHostHeaderForPort80: a browser leaves port 80 out of the Host
// header, so a callback URL without a port still matches its redirect.
func TestHostHeaderForPort80(t *testing.T) {
	cases := []struct {
		host, port string
		accept     []string
		refuse     []string
	}{
		{"localhost", "80", []string{"localhost", "localhost:80", "LOCALHOST"}, []string{"localhost:8080", "127.0.0.1", "[localhost]:80", "localhost."}},
		{"::1", "80", []string{"[::1]", "[::1]:80"}, []string{"::1", "[::1]:8080", "localhost"}},
		{"localhost", "4668", []string{"localhost:4668"}, []string{"localhost", "localhost:04668", "[localhost]:4668", "localhost:4668.evil.example"}},
	}
	for _, c := range cases {
		h := newCallbackHandler(c.host, c.port, "/cb", testState)
		for _, host := range c.accept {
			if !h.hostMatches(host) {
				t.Errorf("callback %s port %s: Host %q refused", c.host, c.port, host)
			}
		}
		for _, host := range c.refuse {
			if h.hostMatches(host) {
				t.Errorf("callback %s port %s: Host %q accepted", c.host, c.port, host)
			}
		}
	}
}

// startRaw opens a TCP connection to the callback's address and sends
// partial bytes of a request (none when partial is "").
func startRaw(t *testing.T, callback, partial string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", callbackHost(t, callback))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if partial != "" {
		if _, err := io.WriteString(c, partial); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// closedByServer reports whether the server has closed c: a read ends at
// once. The deadline only bounds the read when c is still open.
func closedByServer(t *testing.T, c net.Conn, within time.Duration) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(within))
	_, err := io.ReadAll(c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// TestWaitReturnsOnceEverythingIsClosed: when Wait hands the code over, no
// connection is left open, even one whose request is stuck in flight (its
// body never comes); that one is cut at the end of the shutdown grace.
func TestWaitReturnsOnceEverythingIsClosed(t *testing.T) {
	noLeaks(t)
	cb := "http://127.0.0.1:" + freePort(t) + "/callback"
	l, err := Listen(context.Background(), cb, testState, ListenOptions{shutdownGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	stuck := startRaw(t, cb, "GET /callback?state=x HTTP/1.1\r\nHost: "+callbackHost(t, cb)+"\r\nContent-Length: 100\r\n\r\n")
	hit(t, "GET", cb+"?code=c&state="+testState, "", "")
	if code, err := wait(t, l); code != "c" || err != nil {
		t.Fatalf("Wait = %q, %v", code, err)
	}
	// Closed before Wait returned, the connection reads its end at once;
	// the deadline, shorter than the grace, bounds the read otherwise.
	if !closedByServer(t, stuck, 100*time.Millisecond) {
		t.Error("a connection was still open when Wait returned")
	}
}

// TestSpareConnectionsDoNotHoldTheListener: a browser opens spare
// connections it may never use; the result comes, and they are closed,
// even with a shutdown grace longer than the test's bound on Wait.
func TestSpareConnectionsDoNotHoldTheListener(t *testing.T) {
	noLeaks(t)
	cb := "http://127.0.0.1:" + freePort(t) + "/callback"
	l, err := Listen(context.Background(), cb, testState, ListenOptions{shutdownGrace: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	spare := startRaw(t, cb, "")
	hit(t, "GET", cb+"?code=c&state="+testState, "", "")
	if code, err := wait(t, l); code != "c" || err != nil {
		t.Fatalf("Wait = %q, %v", code, err)
	}
	if !closedByServer(t, spare, 100*time.Millisecond) {
		t.Error("the spare connection was still open when Wait returned")
	}
}

// TestSlowRequestsAreCut: a client that never finishes its headers is
// disconnected, and the listener keeps waiting for the real redirect.
func TestSlowRequestsAreCut(t *testing.T) {
	noLeaks(t)
	cb := "http://127.0.0.1:" + freePort(t) + "/callback"
	l, err := Listen(context.Background(), cb, testState, ListenOptions{readHeaderTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	slow := startRaw(t, cb, "GET /callback HTTP/1.1\r\nHost: 127")
	if !closedByServer(t, slow, 30*time.Second) {
		t.Fatal("a request that never finished kept its connection")
	}
	hit(t, "GET", cb+"?code=c&state="+testState, "", "")
	if code, err := wait(t, l); code != "c" || err != nil {
		t.Fatalf("Wait = %q, %v", code, err)
	}
}
