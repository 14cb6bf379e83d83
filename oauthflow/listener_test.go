package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

const testState = "the-state-0123456789abcdefghijklmnopqrstuv"

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// start listens on a fresh port and returns the listener and its callback URL.
func start(t *testing.T, host string, opts ListenOptions) (*Listener, string) {
	t.Helper()
	callback := fmt.Sprintf("http://%s:%d/callback", host, freePort(t))
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

// hit sends a request to the listener, with the Host header the URL names
// unless host is given.
func hit(t *testing.T, method, target, host string) answer {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(body), resp.Header}
}

func wait(t *testing.T, l *Listener) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return l.Wait(ctx)
}

func TestHappyPath(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			l, cb := start(t, host, ListenOptions{})
			a := hit(t, "GET", cb+"?code=the-code&state="+testState, "")
			if a.status != 200 || !strings.Contains(a.body, "reached hootwire") || !strings.Contains(a.body, "close this tab") {
				t.Errorf("answer = %d %s", a.status, a.body)
			}
			for k, v := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"} {
				if a.header.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, a.header.Get(k), v)
				}
			}
			if strings.Contains(a.body, "http://") || strings.Contains(a.body, "https://") || strings.Contains(a.body, "<script") {
				t.Errorf("the page must load nothing from elsewhere: %s", a.body)
			}
			code, err := wait(t, l)
			if err != nil || code != "the-code" {
				t.Errorf("Wait = %q, %v", code, err)
			}
		})
	}
}

func TestWrongStateThenRightOne(t *testing.T) {
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, q := range []string{"?code=evil&state=not-the-state", "?code=evil", "?code=evil&state=" + testState + "&state=x"} {
		if a := hit(t, "GET", cb+q, ""); a.status != 400 || !strings.Contains(a.body, "does not match") {
			t.Errorf("%s: %d %s", q, a.status, a.body)
		}
	}
	hit(t, "GET", cb+"?code=good&state="+testState, "")
	if code, err := wait(t, l); err != nil || code != "good" {
		t.Errorf("Wait = %q, %v; the listener must keep waiting after a wrong state", code, err)
	}
}

func TestNoCodeKeepsWaiting(t *testing.T) {
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	for _, q := range []string{"?state=" + testState, "?code=&state=" + testState, "?code=a&code=b&state=" + testState} {
		if a := hit(t, "GET", cb+q, ""); a.status != 400 || !strings.Contains(a.body, "No authorization code") {
			t.Errorf("%s: %d %s", q, a.status, a.body)
		}
	}
	hit(t, "GET", cb+"?code=good&state="+testState, "")
	if code, _ := wait(t, l); code != "good" {
		t.Errorf("code = %q", code)
	}
}

func TestDenialIsHandedOverEscaped(t *testing.T) {
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	a := hit(t, "GET", cb+"?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E%1b%5B31m&state="+testState, "")
	if a.status != 200 || strings.Contains(a.body, "<script>") || !strings.Contains(a.body, "&lt;script&gt;") {
		t.Errorf("page must escape what it echoes: %s", a.body)
	}
	if strings.ContainsRune(a.body, 0x1b) {
		t.Error("control characters must not be echoed")
	}
	_, err := wait(t, l)
	var denied *DeniedError
	if !errors.As(err, &denied) || denied.Err != "access_denied" || !strings.Contains(denied.Description, "<script>") {
		t.Fatalf("err = %#v", err)
	}
	if strings.ContainsRune(denied.Error(), 0x1b) {
		t.Error("the denial's text must be inert for a terminal")
	}
}

func TestWrongPathMethodAndHost(t *testing.T) {
	l, cb := start(t, "localhost", ListenOptions{})
	if a := hit(t, "GET", strings.Replace(cb, "/callback", "/other", 1)+"?code=x&state="+testState, ""); a.status != 404 {
		t.Errorf("wrong path: %d", a.status)
	}
	if a := hit(t, "POST", cb+"?code=x&state="+testState, ""); a.status != 405 || a.header.Get("Allow") != "GET" {
		t.Errorf("POST: %d %v", a.status, a.header)
	}
	port := strings.Split(strings.TrimPrefix(cb, "http://localhost:"), "/")[0]
	for _, host := range []string{"evil.example:" + port, "localhost.evil.example:" + port, "localhost:1"} {
		if a := hit(t, "GET", cb+"?code=x&state="+testState, host); a.status != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d", host, a.status)
		}
	}
	hit(t, "GET", cb+"?code=real&state="+testState, "")
	if code, _ := wait(t, l); code != "real" {
		t.Errorf("code = %q: refused requests must not end the wait", code)
	}
}

func TestPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Listen(context.Background(), fmt.Sprintf("http://127.0.0.1:%d/callback", port), testState, ListenOptions{})
	if err == nil {
		t.Fatal("listening on a taken port must fail")
	}
	for _, want := range []string{fmt.Sprint(port), "in use", "--callback-url", "never picks another"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestTimeout(t *testing.T) {
	l, cb := start(t, "127.0.0.1", ListenOptions{Timeout: 50 * time.Millisecond})
	if _, err := wait(t, l); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	l.Close()
	assertClosed(t, cb)
}

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	callback := fmt.Sprintf("http://127.0.0.1:%d/callback", freePort(t))
	l, err := Listen(ctx, callback, testState, ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := wait(t, l); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	l.Close()
	assertClosed(t, callback)
}

func TestDoubleCallbackHandsTheCodeOverOnce(t *testing.T) {
	l, cb := start(t, "127.0.0.1", ListenOptions{})
	hit(t, "GET", cb+"?code=first&state="+testState, "")
	code, err := wait(t, l)
	if err != nil || code != "first" {
		t.Fatal(code, err)
	}
	// The listener is shutting down: a second callback is refused or told
	// the authorization was already received, and the code stays the first.
	client := &http.Client{Timeout: 2 * time.Second}
	if resp, err := client.Get(cb + "?code=second&state=" + testState); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "already") {
			t.Errorf("second callback: %d %s", resp.StatusCode, body)
		}
	}
	if code, _ := wait(t, l); code != "first" {
		t.Errorf("code = %q", code)
	}
}

func TestCloseFreesThePort(t *testing.T) {
	l, cb := start(t, "localhost", ListenOptions{})
	if len(l.Addrs()) == 0 {
		t.Fatal("no address bound")
	}
	for _, a := range l.Addrs() {
		if ip := a.(*net.TCPAddr).IP; !ip.IsLoopback() {
			t.Errorf("bound %v: only loopback addresses may be bound", a)
		}
	}
	l.Close()
	assertClosed(t, cb)
	// The same callback can be listened on again at once.
	l2, err := Listen(context.Background(), cb, testState, ListenOptions{})
	if err != nil {
		t.Fatalf("port not freed: %v", err)
	}
	l2.Close()
}

func assertClosed(t *testing.T, callback string) {
	t.Helper()
	host := strings.Split(strings.TrimPrefix(callback, "http://"), "/")[0]
	host = strings.Replace(host, "localhost", "127.0.0.1", 1)
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after the listener ended", host)
	}
}

func TestNeedsListener(t *testing.T) {
	cases := map[string]bool{"http://localhost:4668/callback": true, "http://127.0.0.1:9/cb": true, "http://[::1]:9/cb": true, "https://app.example.com/cb": false}
	for in, want := range cases {
		if got, err := NeedsListener(in); err != nil || got != want {
			t.Errorf("NeedsListener(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "localhost:4668", "ftp://localhost/", "https://localhost:4668/cb"} {
		if _, err := NeedsListener(bad); err == nil {
			t.Errorf("NeedsListener(%q) accepted", bad)
		}
	}
	if _, err := Listen(context.Background(), "https://app.example.com/cb", testState, ListenOptions{}); err == nil || !strings.Contains(err.Error(), "paste") {
		t.Errorf("a remote callback: %v", err)
	}
}

func TestState(t *testing.T) {
	a, err := NewState()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewState()
	if len(a) != 43 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("states %q %q: want 43 base64url characters, different each time", a, b)
	}
	if !StatesEqual(a, a) || StatesEqual(a, b) || StatesEqual(a, "") {
		t.Error("StatesEqual is wrong")
	}
}
