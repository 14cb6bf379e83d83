package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is how long a listener waits: about the life of a grant code.
const DefaultTimeout = 10 * time.Minute

// ErrTimeout means no callback came before the listener's time-out.
var ErrTimeout = errors.New("no authorization arrived in time (a grant code lives about 10 minutes): start the authorization again")

// ListenOptions tune a Listener.
type ListenOptions struct {
	Timeout time.Duration // 0 means DefaultTimeout
}

// NeedsListener reports whether a callback URL points at this machine, so
// a loopback listener can catch the redirect. A callback elsewhere (an
// https:// URL of a web app) cannot be listened for: the user pastes.
func NeedsListener(callbackURL string) (bool, error) {
	u, err := url.Parse(strings.TrimSpace(callbackURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, fmt.Errorf("the callback URL %q is not an http or https URL", callbackURL)
	}
	if !isLoopback(u.Hostname()) {
		return false, nil
	}
	if u.Scheme == "https" {
		return false, fmt.Errorf("the callback URL %s is https on this machine, which hootwire cannot serve: register http://localhost:PORT/... at the provider, or paste the code", callbackURL)
	}
	return true, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Listener waits on the loopback interface for the provider's redirect.
type Listener struct {
	path    string
	host    string // the Host header a browser sends: the callback's host[:port]
	state   string
	servers []*http.Server
	addrs   []net.Addr

	result  chan outcome // holds the one outcome
	deliver sync.Once
	got     chan struct{} // closed once an outcome is delivered

	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

type outcome struct {
	code string
	err  error
}

// Listen binds the callback URL's loopback address and exact port now, so a
// taken port is reported at once, and serves in the background until a
// code or a denial arrives, ctx is done, or the time-out passes.
func Listen(ctx context.Context, callbackURL, state string, opts ListenOptions) (*Listener, error) {
	needs, err := NeedsListener(callbackURL)
	if err != nil {
		return nil, err
	}
	if !needs {
		return nil, fmt.Errorf("the callback URL %s is not on this machine: paste the code or the redirected URL instead", callbackURL)
	}
	if state == "" {
		return nil, errors.New("listen: no state to check the callback against")
	}
	u, _ := url.Parse(strings.TrimSpace(callbackURL))
	port := u.Port()
	if port == "" {
		port = "80"
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return nil, fmt.Errorf("the callback URL %s has no usable port", callbackURL)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}

	var hosts []string
	switch {
	case strings.EqualFold(u.Hostname(), "localhost"):
		hosts = []string{"127.0.0.1", "::1"}
	default:
		hosts = []string{u.Hostname()}
	}
	var lns []net.Listener
	for i, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(h, port))
		if err != nil {
			// localhost's IPv6 address is a bonus: a machine without IPv6 is fine.
			if i > 0 && !errors.Is(err, syscall.EADDRINUSE) {
				continue
			}
			for _, l := range lns {
				l.Close()
			}
			return nil, bindError(port, callbackURL, err)
		}
		lns = append(lns, ln)
	}

	lctx, cancel := context.WithTimeout(ctx, timeout)
	l := &Listener{
		path: path, host: u.Host, state: state,
		result: make(chan outcome, 1), got: make(chan struct{}), cancel: cancel,
	}
	for _, ln := range lns {
		srv := &http.Server{
			Handler:           l,
			ReadHeaderTimeout: 10 * time.Second,
			MaxHeaderBytes:    16 << 10,
			// A listener under a TUI must never print.
			ErrorLog: log.New(io.Discard, "", 0),
		}
		l.servers = append(l.servers, srv)
		l.addrs = append(l.addrs, ln.Addr())
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			srv.Serve(ln)
		}()
	}
	l.wg.Add(1)
	go l.lifetime(lctx)
	return l, nil
}

func bindError(port, callbackURL string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("port %s, from the callback URL %s, is in use by another program: close that program, or register another callback URL on the Hootsuite app (for example with port %s) and give it with --callback-url. The port is part of the registered URL, so hootwire never picks another by itself", port, callbackURL, nextPort(port))
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("listening on port %s, from the callback URL %s, was refused (access denied): ports below 1024 need privileges, and some systems reserve port ranges (on Windows: netsh interface ipv4 show excludedportrange protocol=tcp). Register a callback URL with another port at Hootsuite and give it with --callback-url", port, callbackURL)
	}
	return fmt.Errorf("listen on port %s for %s: %w", port, callbackURL, err)
}

func nextPort(port string) string {
	n, _ := strconv.Atoi(port)
	if n <= 0 || n >= 65535 {
		return "4669"
	}
	return strconv.Itoa(n + 1)
}

// Addrs are the addresses the listener is bound to.
func (l *Listener) Addrs() []net.Addr { return l.addrs }

// lifetime shuts the servers down when an outcome arrives, the time-out
// passes or the caller's context ends.
func (l *Listener) lifetime(ctx context.Context) {
	defer l.wg.Done()
	select {
	case <-l.got:
	case <-ctx.Done():
		err := ErrTimeout
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = ctx.Err()
		}
		l.finish(outcome{err: err})
	}
	for _, srv := range l.servers {
		// Let the page that carried the outcome reach the browser.
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		srv.Shutdown(sctx)
		cancel()
		srv.Close()
	}
}

func (l *Listener) finish(o outcome) bool {
	delivered := false
	l.deliver.Do(func() {
		l.result <- o
		close(l.got)
		delivered = true
	})
	return delivered
}

// Wait returns the grant code, a *DeniedError, ErrTimeout, or ctx's error.
func (l *Listener) Wait(ctx context.Context) (string, error) {
	select {
	case o := <-l.result:
		// Leave it for a second Wait.
		l.result <- o
		return o.code, o.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops the listener and waits until nothing of it is left running.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		l.finish(outcome{err: errors.New("the listener was closed")})
		l.cancel()
	})
	l.wg.Wait()
	return nil
}

// ServeHTTP answers the browser's redirect.
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	// A page on another site can point a browser at this port through a
	// name it controls (DNS rebinding); the Host header gives it away.
	if !strings.EqualFold(r.Host, l.host) {
		page(w, http.StatusMisdirectedRequest, "Wrong address", "This address only answers the authorization redirect it was started for.")
		return
	}
	if r.URL.Path != l.path {
		page(w, http.StatusNotFound, "Not found", "This is hootwire's authorization listener; it only answers its callback address.")
		return
	}
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		page(w, http.StatusMethodNotAllowed, "Method not allowed", "The authorization redirect is a GET request.")
		return
	}
	select {
	case <-l.got:
		page(w, http.StatusOK, "Already received", "hootwire already has this authorization. You can close this tab.")
		return
	default:
	}
	q := r.URL.Query()
	if st := q["state"]; len(st) != 1 || !StatesEqual(st[0], l.state) {
		page(w, http.StatusBadRequest, "This link is not for hootwire's current authorization",
			"The state in this address does not match the authorization hootwire is waiting for. Go back to hootwire and use the newest link; hootwire is still waiting.")
		return
	}
	if e := q.Get("error"); e != "" {
		denied := &DeniedError{Err: clean(e, 100), Description: clean(q.Get("error_description"), 300)}
		page(w, http.StatusOK, "Authorization not granted", denied.Error()+". Go back to hootwire to try again.")
		l.finish(outcome{err: denied})
		return
	}
	codes := q["code"]
	if len(codes) != 1 || codes[0] == "" {
		page(w, http.StatusBadRequest, "No authorization code", "This address carries no single authorization code. Go back to hootwire; it is still waiting.")
		return
	}
	if !l.finish(outcome{code: codes[0]}) {
		page(w, http.StatusOK, "Already received", "hootwire already has this authorization. You can close this tab.")
		return
	}
	page(w, http.StatusOK, "Authorization received", "The authorization reached hootwire. You can close this tab and go back to the terminal.")
}

// page writes a small self-contained HTML page. Everything in it is escaped.
func page(w http.ResponseWriter, status int, title, message string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	t, m := html.EscapeString(clean(title, 200)), html.EscapeString(clean(message, 600))
	fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hootwire: %s</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}h1{font-size:1.4rem}</style>
</head><body><h1>%s</h1><p>%s</p></body></html>
`, t, t, m)
}
