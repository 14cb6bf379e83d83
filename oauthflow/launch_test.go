package oauthflow

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// launchAuthURL is an authorization URL as the platform gives it, with the
// test's state in it.
const launchAuthURL = "https://platform.hootsuite.com/oauth2/auth?response_type=code&client_id=the-client&redirect_uri=http%3A%2F%2Flocalhost%3A4668%2Fcallback&state=" + testState

// launch starts a link for launchAuthURL and closes it when the test ends.
func launch(t *testing.T, opts LaunchOptions) *Launcher {
	t.Helper()
	l, err := Launch(context.Background(), launchAuthURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fetchLink sends method target with the Host header host ("" means the
// target's), as a browser would, but follows no redirect: the answer is the
// link's own.
func fetchLink(t *testing.T, method, target, host string) (answer, error) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := c.Do(req)
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

func mustFetch(t *testing.T, method, target, host string) answer {
	t.Helper()
	a, err := fetchLink(t, method, target, host)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return a
}

// unknownFetcher stands for a system where the user behind a fetch cannot
// be told, or for a fetch by another user: the Launcher watches its whole
// window.
func unknownFetcher(local, remote string) bool { return false }

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// stopped waits, with a generous bound, until nothing of l runs, and checks
// its port is closed.
func stopped(t *testing.T, l *Launcher) {
	t.Helper()
	select {
	case <-l.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the start link's server never stopped")
	}
	if c, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections", l.Addr())
	}
}

func settle(t *testing.T, l *Launcher) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := l.Settle(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("Settle did not return")
	}
	return err
}

// TestLaunchRedirectsOnceThenSaysUsed: the link is a loopback address with
// a long random token and nothing of the authorization URL; its first fetch
// is the redirect, every later one "already used", and that is reported.
func TestLaunchRedirectsOnceThenSaysUsed(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{})
	u, err := url.Parse(l.URL())
	if err != nil {
		t.Fatal(err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme != "http" || ip == nil || !ip.IsLoopback() || u.Port() == "" {
		t.Errorf("the link %s is not http on a loopback address and port", l.URL())
	}
	if ip := l.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() || u.Host != l.Addr().String() {
		t.Errorf("bound %v for the link %s: only the loopback address the link names may be bound", l.Addr(), l.URL())
	}
	token, ok := strings.CutPrefix(u.Path, "/start/")
	if b, err := base64.RawURLEncoding.DecodeString(token); !ok || err != nil || len(b) < 16 {
		t.Errorf("the link's token %q is not at least 128 random bits", token)
	}
	for _, leak := range []string{testState, "state", "hootsuite", "client", "callback"} {
		if strings.Contains(l.URL(), leak) {
			t.Errorf("the link %s holds %q", l.URL(), leak)
		}
	}
	if isClosed(l.Used()) || isClosed(l.Reuse()) || l.Reused() {
		t.Fatal("the link counts as used before any fetch")
	}

	first := mustFetch(t, "GET", l.URL(), "")
	checkPage(t, "the redirect", first)
	if first.status != http.StatusSeeOther || first.header.Get("Location") != launchAuthURL {
		t.Fatalf("first fetch: %d to %q, want 303 to the authorization URL", first.status, first.header.Get("Location"))
	}
	if strings.Contains(first.body, testState) {
		t.Errorf("the redirect's page repeats the state:\n%s", first.body)
	}
	if !isClosed(l.Used()) || l.Reused() {
		t.Fatal("after one fetch: want used, not reused")
	}

	second := mustFetch(t, "GET", l.URL(), "")
	checkPage(t, "the second fetch", second)
	if second.status != http.StatusGone || !strings.Contains(second.body, "already used") || second.header.Get("Location") != "" {
		t.Errorf("second fetch: %d, Location %q\n%s", second.status, second.header.Get("Location"), second.body)
	}
	if strings.Contains(second.body, testState) {
		t.Error("the already-used page repeats the state")
	}
	if !l.Reused() || !isClosed(l.Reuse()) {
		t.Fatal("a second fetch was not reported")
	}
	if err := settle(t, l); !errors.Is(err, ErrLinkReused) {
		t.Errorf("Settle = %v, want ErrLinkReused", err)
	}
	// A second fetch ends the link at once, not after the watch.
	stopped(t, l)
	if err := l.Close(); err != nil || !l.Reused() {
		t.Errorf("Close = %v; Reused = %v after it", err, l.Reused())
	}
}

// TestAStolenLinkIsNotSilent plays the attack: another user reads the link
// from the process list, fetches it first, and delivers a code of their own
// with the state it learned, before the user's browser has even fetched the
// link. The listener cannot tell that code from the user's; the link can:
// the user's browser is told the link was already used, and Settle, waiting
// for that fetch, refuses the authorization.
func TestAStolenLinkIsNotSilent(t *testing.T) {
	noLeaks(t)
	listener, callback := start(t, "127.0.0.1", ListenOptions{})
	// The attacker is another user: their fetch does not vouch for itself.
	link := launch(t, LaunchOptions{Watch: time.Minute, fetchedBySelf: unknownFetcher})

	stolen := mustFetch(t, "GET", link.URL(), "")
	loc, err := url.Parse(stolen.header.Get("Location"))
	if err != nil || loc.Query().Get("state") != testState {
		t.Fatalf("the attacker's fetch: %d, %q", stolen.status, stolen.header.Get("Location"))
	}
	hit(t, "GET", callback+"?code=attackers-code&state="+loc.Query().Get("state"), "", "")
	if code, err := wait(t, listener); code != "attackers-code" || err != nil {
		t.Fatalf("Wait = %q, %v", code, err)
	}

	// The code is in; the caller settles the link before spending it.
	settled := make(chan error, 1)
	go func() { settled <- link.Settle(context.Background()) }()
	select {
	case err := <-settled:
		t.Fatalf("Settle = %v before the user's browser fetched the link, with the watch still on", err)
	case <-time.After(50 * time.Millisecond):
	}

	victim := mustFetch(t, "GET", link.URL(), "")
	if victim.status != http.StatusGone || !strings.Contains(victim.body, "already used") || !strings.Contains(victim.body, "another program") {
		t.Errorf("the user's browser got %d:\n%s", victim.status, victim.body)
	}
	select {
	case err := <-settled:
		if !errors.Is(err, ErrLinkReused) {
			t.Errorf("Settle = %v, want ErrLinkReused", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Settle did not return after the second fetch")
	}
	for _, want := range []string{"more than once", "refused", "start a new authorization"} {
		if !strings.Contains(ErrLinkReused.Error(), want) {
			t.Errorf("ErrLinkReused does not say %q", want)
		}
	}
}

// TestAnHonestLinkSettles: fetched once by a process whose user is not
// known, the link settles when the watch ends (not before), and its server
// then stops by itself.
func TestAnHonestLinkSettles(t *testing.T) {
	noLeaks(t)
	const watch = 300 * time.Millisecond
	began := time.Now()
	l := launch(t, LaunchOptions{Watch: watch, useGrace: 10 * time.Millisecond, fetchedBySelf: unknownFetcher})
	if a := mustFetch(t, "GET", l.URL(), ""); a.status != http.StatusSeeOther {
		t.Fatalf("fetch: %d", a.status)
	}
	if err := settle(t, l); err != nil {
		t.Fatalf("Settle = %v", err)
	}
	if since := time.Since(began); since < watch {
		t.Errorf("Settle returned %v after Launch, before the watch (%v) ended", since, watch)
	}
	stopped(t, l)
	if err := settle(t, l); err != nil || l.Reused() {
		t.Errorf("after the stop: Settle = %v, Reused = %v", err, l.Reused())
	}
}

// TestAFetchAfterTheWatchStillLingers: a first fetch after the watch (or
// one that vouched for itself) keeps the server up a little, so a second
// fetch racing it is still seen.
func TestAFetchAfterTheWatchStillLingers(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{Watch: 10 * time.Millisecond, useGrace: time.Minute, fetchedBySelf: unknownFetcher})
	<-l.watched
	mustFetch(t, "GET", l.URL(), "")
	if err := settle(t, l); err != nil {
		t.Fatalf("Settle = %v", err)
	}
	if a := mustFetch(t, "GET", l.URL(), ""); a.status != http.StatusGone || !l.Reused() {
		t.Fatalf("a racing second fetch: %d, reused %v", a.status, l.Reused())
	}
	stopped(t, l)
}

// TestAFetchThatVouchesSettlesAtOnce: when the first fetch is known to
// come from this user's own process, no other user had the link first, and
// Settle does not wait for the watch; a second fetch still counts.
func TestAFetchThatVouchesSettlesAtOnce(t *testing.T) {
	noLeaks(t)
	var asked []string
	l := launch(t, LaunchOptions{Watch: time.Hour, useGrace: 10 * time.Millisecond, fetchedBySelf: func(local, remote string) bool {
		asked = append(asked, local, remote) // the handler's lock guards it
		return true
	}})
	mustFetch(t, "GET", l.URL(), "")
	began := time.Now()
	if err := settle(t, l); err != nil || time.Since(began) > 5*time.Second {
		t.Fatalf("Settle = %v after %v; want nil at once", err, time.Since(began))
	}
	if len(asked) != 2 || asked[0] != l.Addr().String() || !strings.HasPrefix(asked[1], "127.0.0.1:") && !strings.HasPrefix(asked[1], "[::1]:") {
		t.Errorf("asked about %q; want the link's address and the client's", asked)
	}
	stopped(t, l)

	l = launch(t, LaunchOptions{Watch: time.Hour, fetchedBySelf: func(string, string) bool { return true }})
	mustFetch(t, "GET", l.URL(), "")
	if a := mustFetch(t, "GET", l.URL(), ""); a.status != http.StatusGone || !errors.Is(settle(t, l), ErrLinkReused) {
		t.Errorf("a second fetch after one that vouched: %d, Settle %v", a.status, settle(t, l))
	}
}

// TestSettleWithoutAFetch: nobody fetched the link, so nobody learned the
// state from it: a code pasted meanwhile may be used at once.
func TestSettleWithoutAFetch(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{Watch: time.Hour})
	began := time.Now()
	if err := settle(t, l); err != nil || time.Since(began) > 5*time.Second {
		t.Errorf("Settle = %v after %v; want nil at once", err, time.Since(began))
	}
}

// TestTheLinkRefusesWhatIsNotItsBrowser: another Host (DNS rebinding),
// another path, another method: each is refused, and none uses the link up
// or counts as a second fetch.
func TestTheLinkRefusesWhatIsNotItsBrowser(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{})
	u, _ := url.Parse(l.URL())
	port := u.Port()
	for _, host := range []string{
		"evil.example:" + port,
		"localhost:" + port, // the link names the address, so a name is not it
		"127.0.0.1",
		"127.0.0.1:1",
		"127.0.0.2:" + port,
		"[::1]:" + port,
		u.Host + ".evil.example",
	} {
		if host == u.Host {
			continue
		}
		a := mustFetch(t, "GET", l.URL(), host)
		checkPage(t, host, a)
		if a.status != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d", host, a.status)
		}
	}
	base := "http://" + u.Host
	for _, p := range []string{"/", "/start/", "/start", u.Path + "x", u.Path + "/", u.Path[:len(u.Path)-1], strings.ToUpper(u.Path), "/favicon.ico", "/callback"} {
		a := mustFetch(t, "GET", base+p, "")
		checkPage(t, p, a)
		if a.status != http.StatusNotFound {
			t.Errorf("%s: %d", p, a.status)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"} {
		a := mustFetch(t, m, l.URL(), "")
		if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "GET" || a.header.Get("Location") != "" {
			t.Errorf("%s: %d, Allow %q", m, a.status, a.header.Get("Allow"))
		}
	}
	if isClosed(l.Used()) || l.Reused() {
		t.Fatal("a refused request used the link up")
	}
	if a := mustFetch(t, "GET", l.URL(), ""); a.status != http.StatusSeeOther || a.header.Get("Location") != launchAuthURL {
		t.Errorf("the browser's fetch after the refused ones: %d", a.status)
	}
	if l.Reused() {
		t.Error("the first real fetch counts as a second one")
	}
}

func TestTheLinkStops(t *testing.T) {
	t.Run("Close", func(t *testing.T) {
		noLeaks(t)
		l := launch(t, LaunchOptions{})
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatalf("a second Close: %v", err)
		}
		stopped(t, l)
		if err := settle(t, l); err != nil {
			t.Errorf("Settle on a link nobody fetched = %v", err)
		}
	})
	t.Run("Close during the watch", func(t *testing.T) {
		noLeaks(t)
		l := launch(t, LaunchOptions{Watch: time.Hour, fetchedBySelf: unknownFetcher})
		mustFetch(t, "GET", l.URL(), "")
		l.Close()
		stopped(t, l)
		if err := settle(t, l); !errors.Is(err, ErrLinkClosed) {
			t.Errorf("Settle = %v, want ErrLinkClosed: the watch was cut short", err)
		}
	})
	t.Run("context", func(t *testing.T) {
		noLeaks(t)
		ctx, cancel := context.WithCancel(context.Background())
		l, err := Launch(ctx, launchAuthURL, LaunchOptions{Watch: time.Hour, fetchedBySelf: unknownFetcher})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		mustFetch(t, "GET", l.URL(), "")
		cancel()
		stopped(t, l)
		if err := settle(t, l); !errors.Is(err, context.Canceled) {
			t.Errorf("Settle = %v, want the context's error", err)
		}
		if _, err := Launch(ctx, launchAuthURL, LaunchOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Launch with a finished context: %v", err)
		}
	})
	t.Run("time-out", func(t *testing.T) {
		noLeaks(t)
		l := launch(t, LaunchOptions{Timeout: 50 * time.Millisecond, Watch: 10 * time.Millisecond})
		stopped(t, l)
		if isClosed(l.Used()) {
			t.Error("used without a fetch")
		}
	})
	t.Run("Settle's context", func(t *testing.T) {
		noLeaks(t)
		l := launch(t, LaunchOptions{Watch: time.Hour, fetchedBySelf: unknownFetcher})
		mustFetch(t, "GET", l.URL(), "")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if err := l.Settle(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Settle = %v", err)
		}
	})
}

// TestTheLinkLeavesNoConnectionBehind: a spare connection a browser opened
// and never used, and one stuck in a request, are closed when the link
// stops, even with a shutdown grace longer than the test.
func TestTheLinkLeavesNoConnectionBehind(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{Watch: 10 * time.Millisecond, useGrace: 10 * time.Millisecond, shutdownGrace: 200 * time.Millisecond})
	base := "http://" + l.Addr().String() + "/"
	spare := startRaw(t, base, "")
	stuck := startRaw(t, base, "GET /start/x HTTP/1.1\r\nHost: "+l.Addr().String()+"\r\nContent-Length: 100\r\n\r\n")
	mustFetch(t, "GET", l.URL(), "")
	stopped(t, l)
	if !closedByServer(t, spare, 100*time.Millisecond) || !closedByServer(t, stuck, 100*time.Millisecond) {
		t.Error("a connection was still open once the link stopped")
	}
}

// TestSlowRequestsToTheLinkAreCut: a client that never finishes its
// headers is disconnected, and the link still works.
func TestSlowRequestsToTheLinkAreCut(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{readHeaderTimeout: 50 * time.Millisecond})
	slow := startRaw(t, "http://"+l.Addr().String()+"/", "GET /start/ HTTP/1.1\r\nHost: 127")
	if !closedByServer(t, slow, 30*time.Second) {
		t.Fatal("a request that never finished kept its connection")
	}
	if a := mustFetch(t, "GET", l.URL(), ""); a.status != http.StatusSeeOther {
		t.Errorf("fetch: %d", a.status)
	}
}

func TestLaunchRefusesWhatIsNotAWebAddress(t *testing.T) {
	noLeaks(t)
	for _, u := range []string{
		"",
		"file:///etc/passwd",
		"javascript:alert(1)",
		"-remote=evil",
		"https://host/\r\nSet-Cookie: a=b",
		"https://host/ x",
		"http://",
		"ftp://example.com/",
	} {
		if l, err := Launch(context.Background(), u, LaunchOptions{}); err == nil || !strings.Contains(err.Error(), "refused") {
			if l != nil {
				l.Close()
			}
			t.Errorf("Launch(%q) = %v; want a refusal", u, err)
		}
	}
}

// TestTheOpenerIsGivenOnlyTheLink: every way the Opener tries (BROWSER's
// commands, wslview, the system's opener) is given the start link, and
// none of them the authorization URL or its state.
func TestTheOpenerIsGivenOnlyTheLink(t *testing.T) {
	noLeaks(t)
	l := launch(t, LaunchOptions{})
	f := &fakes{failOn: map[string]error{"first": errors.New("exit status 1"), "/usr/bin/wslview": errors.New("exit status 1"), "system": errors.New("no")}, path: map[string]string{"wslview": "/usr/bin/wslview"}}
	env := map[string]string{"BROWSER": "first --url=%s" + string(os.PathListSeparator) + "second", "DISPLAY": ":0"}
	f.failOn["second"] = errors.New("exit status 1")
	if err := f.opener(env, true).Open(context.Background(), l.URL()); err == nil {
		t.Fatal("every way failed, yet Open reported success")
	}
	if got, want := names(f.calls), []string{"first", "second", "/usr/bin/wslview", "system"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("tried %v, want %v", got, want)
	}
	for _, call := range f.calls {
		argv := strings.Join(call, " ")
		if !strings.Contains(argv, l.URL()) || strings.Contains(argv, testState) || strings.Contains(argv, "oauth2") {
			t.Errorf("%q: want the start link and no part of the authorization URL", call)
		}
	}
}
