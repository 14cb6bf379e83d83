package oauthflow

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultWatch is how long after Launch a Launcher watches for a second
// fetch of its link when LaunchOptions.Watch is zero. The browser is opened
// right after Launch; another local user can only fetch the link once a
// process carrying it shows in the process list, and the user's browser
// fetches it within a few seconds of starting, so a second fetch inside this
// window is the user's browser arriving after someone else's. Settle waits
// for the window to end unless the first fetch vouched for itself (see
// Settle).
const DefaultWatch = 15 * time.Second

// useGrace is how long the server stays up after the link's first fetch,
// even once the watch has ended, so that a second fetch racing the first is
// still seen.
const useGrace = 2 * time.Second

// tokenBytes is the start link's entropy: 256 bits, like the state.
const tokenBytes = 32

var (
	// ErrLinkReused means the one-time start link was fetched more than
	// once: whoever fetched it first (perhaps another user on this machine,
	// who read the link from the process list) learned the authorization's
	// state, so no code for that authorization may be trusted.
	ErrLinkReused = errors.New("the one-time link that opened the browser was fetched more than once: another program or user on this machine may have read this authorization's state, so its code is refused; start a new authorization")
	// ErrLinkClosed is Settle's answer when the Launcher was closed after
	// its link was fetched but before the watch for a second fetch ended.
	ErrLinkClosed = errors.New("the browser start link was closed before its watch for a second fetch ended")
	// errLinkExpired ends a link nobody fetched in time.
	errLinkExpired = errors.New("the browser start link was not opened in time")
)

// LaunchOptions tune Launch.
type LaunchOptions struct {
	// Timeout is how long the link waits for its first fetch; 0 means
	// DefaultTimeout, the life of a grant code, as for the listener.
	Timeout time.Duration
	// Watch is how long after Launch a second fetch is watched for; 0 means
	// DefaultWatch.
	Watch time.Duration

	// For tests; 0 means the package's constants, nil fetchedBySelf.
	readHeaderTimeout, shutdownGrace, useGrace time.Duration
	fetchedBySelf                              func(local, remote string) bool
}

// Launcher serves a one-time start link on the loopback interface: the
// browser is opened on it, and its first fetch is answered with a redirect
// to the authorization URL, so that URL and its state never appear in any
// process's arguments. Make one with Launch; it is safe for concurrent use.
type Launcher struct {
	url      string
	handler  *startHandler
	server   *http.Server
	addr     net.Addr
	conns    connTracker
	grace    time.Duration // shutdownGrace
	useGrace time.Duration
	watch    time.Duration

	stop        context.CancelCauseFunc
	stopTimeout context.CancelFunc
	serving     sync.WaitGroup
	watched     chan struct{} // closed when the watch ends with the server still up
	done        chan struct{} // closed once nothing of the Launcher runs
	cause       error         // why it stopped early; written before done is closed
}

// Launch starts a one-time start link for authURL: a server on 127.0.0.1
// (or [::1] where there is no IPv4 loopback) at a port the system picks,
// whose URL (URL) is http://127.0.0.1:PORT/start/TOKEN with a 256-bit
// token from crypto/rand. Open the browser on URL, never on authURL, and
// make the Launcher right before opening it: the watch starts here.
//
// The server answers only GET on the exact path, and only when the Host
// header names its own address (a DNS-rebinding page names another). The
// first such request is answered with 303 See Other to authURL, with
// Cache-Control: no-store and Referrer-Policy: no-referrer; every later one
// with 410 Gone and a page saying the link was already used, and that
// second fetch is reported (Reuse, Reused, Settle). Anything else is
// refused and uses nothing up.
//
// The server stops once the link was fetched and the watch (Watch after
// Launch) has ended, but not sooner than 2 seconds after the first fetch;
// at once after a second fetch, when nobody fetched the link within
// Timeout, when ctx ends, or on Close; a page in flight gets a short grace.
// authURL must be an http:// or https:// URL, as for Opener.Open.
func Launch(ctx context.Context, authURL string, opts LaunchOptions) (*Launcher, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkOpenable(authURL); err != nil {
		return nil, err
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make the browser start link: %w", err)
	}
	path := "/start/" + base64.RawURLEncoding.EncodeToString(b)
	ln, err := bindLoopback(ctx)
	if err != nil {
		return nil, fmt.Errorf("make the browser start link: listen on the loopback interface: %w", err)
	}
	hostport := ln.Addr().String() // 127.0.0.1:PORT or [::1]:PORT, as a browser writes it
	h := newStartHandler(hostport, path, authURL)
	h.bySelf = fetchedBySelf
	if opts.fetchedBySelf != nil {
		h.bySelf = opts.fetchedBySelf
	}
	l := &Launcher{
		url:      "http://" + hostport + path,
		handler:  h,
		addr:     ln.Addr(),
		grace:    orDefault(opts.shutdownGrace, shutdownGrace),
		useGrace: orDefault(opts.useGrace, useGrace),
		watch:    orDefault(opts.Watch, DefaultWatch),
		watched:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	timeout := orDefault(opts.Timeout, DefaultTimeout)
	stopCtx, stop := context.WithCancelCause(ctx)
	waitCtx, stopTimeout := context.WithTimeoutCause(stopCtx, timeout, errLinkExpired)
	l.stop, l.stopTimeout = stop, stopTimeout
	l.server = newServer(l.handler, &l.conns, opts.readHeaderTimeout)
	l.serving.Go(func() { _ = l.server.Serve(ln) })
	go l.run(waitCtx)
	return l, nil
}

// bindLoopback listens on 127.0.0.1 at a port the system picks, or on ::1
// where there is no IPv4 loopback. An address, not the name localhost: that
// name may lead a browser to ::1, where another user could hold the same
// port.
func bindLoopback(ctx context.Context) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err == nil {
		return ln, nil
	}
	if ln6, err6 := lc.Listen(ctx, "tcp6", "[::1]:0"); err6 == nil {
		return ln6, nil
	}
	return nil, err
}

// run waits for the link's fate, then shuts the server down: once the
// link was fetched, the watch has ended (or the first fetch vouched for
// itself) and the first fetch is at least useGrace old; at once after a
// second fetch, or when ctx ends.
func (l *Launcher) run(ctx context.Context) {
	defer l.stopTimeout()
	defer l.stop(nil)
	watch := time.NewTimer(l.watch)
	defer watch.Stop()
	linger := time.NewTimer(l.useGrace) // restarted at the first fetch
	linger.Stop()
	defer linger.Stop()
	var lingered <-chan time.Time
	used, watched, done := l.handler.used, false, false
	for !done {
		select {
		case <-l.handler.reuse:
			l.cause, done = ErrLinkReused, true
		case <-used:
			used = nil
			linger.Reset(l.useGrace)
			lingered = linger.C
			if l.handler.firstBySelf() && !watched {
				// The user's own process has the link: no other user can
				// have had it first, so there is nothing left to watch for.
				watched = true
				close(l.watched)
			}
		case <-lingered:
			lingered, done = nil, watched
		case <-watch.C:
			if !watched {
				watched = true
				close(l.watched)
			}
			done = used == nil && lingered == nil
		case <-ctx.Done():
			l.cause, done = context.Cause(ctx), true
		}
	}
	shutdownServers([]*http.Server{l.server}, &l.conns, l.grace)
	l.serving.Wait()
	close(l.done)
}

// URL is the start link to open the browser on. It carries nothing but a
// random token, so it may appear in a process's arguments.
func (l *Launcher) URL() string { return l.url }

// Addr is the loopback address the link is served on.
func (l *Launcher) Addr() net.Addr { return l.addr }

// Used is closed when the link has been fetched and answered with the
// redirect: a browser (the user's, or someone else's) now has the
// authorization URL.
func (l *Launcher) Used() <-chan struct{} { return l.handler.used }

// Reuse is closed when the link is fetched again after its first use. Then
// someone other than the user's browser may have had the authorization URL
// first: treat the authorization as stolen (see ErrLinkReused).
func (l *Launcher) Reuse() <-chan struct{} { return l.handler.reuse }

// Reused reports whether the link was fetched more than once.
func (l *Launcher) Reused() bool {
	select {
	case <-l.handler.reuse:
		return true
	default:
		return false
	}
}

// Settle tells whether a code for this authorization may be used. It
// returns ErrLinkReused once the link was fetched more than once; nil at
// once if it was never fetched (nobody learned the state from it), or if
// the first fetch came from a process of this process's own user (known
// on Linux only, from the kernel's table of sockets); and otherwise waits
// for the watch to end (Watch after Launch) and returns nil then, unless a
// second fetch came meanwhile. When the Launcher stopped before the watch
// ended (Close, Launch's context), it returns why (ErrLinkClosed, the
// context's error); when ctx ends, ctx's error.
//
// Call it after the code arrives and before spending it: another user who
// fetched the link first can deliver a code before the user's browser has
// even fetched the link, and only the browser's later fetch gives the theft
// away.
func (l *Launcher) Settle(ctx context.Context) error {
	select {
	case <-l.handler.used:
	default:
		return nil
	}
	select {
	case <-l.handler.reuse:
	case <-l.watched:
	case <-l.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if l.Reused() {
		return ErrLinkReused
	}
	select {
	case <-l.watched:
		return nil
	default:
	}
	if errors.Is(l.cause, ErrClosed) {
		return ErrLinkClosed
	}
	return l.cause
}

// Close stops the server, if it still runs, and returns once its port is
// free and nothing of it is left running. It may be called more than once;
// Used, Reuse and Reused keep their answers.
func (l *Launcher) Close() error {
	l.stop(ErrClosed)
	<-l.done
	return nil
}

// startHandler answers the start link: the redirect once, then "already
// used".
type startHandler struct {
	host, path, target string
	// bySelf reports whether the connection from remote to local was opened
	// by this process's own user; nil: unknown.
	bySelf func(local, remote string) bool

	mu      sync.Mutex
	fetches int
	self    bool          // the first fetch came from this user's process
	used    chan struct{} // closed at the first fetch
	reuse   chan struct{} // closed at the second
}

func newStartHandler(host, path, target string) *startHandler {
	return &startHandler{host: host, path: path, target: target, used: make(chan struct{}), reuse: make(chan struct{})}
}

// fetch counts a fetch of the link and returns its number.
func (h *startHandler) fetch(r *http.Request) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fetches++
	switch h.fetches {
	case 1:
		// Asked while the client waits for its answer, so its socket is
		// still there to be found.
		if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && h.bySelf != nil {
			h.self = h.bySelf(local.String(), r.RemoteAddr)
		}
		close(h.used)
	case 2:
		close(h.reuse)
	}
	return h.fetches
}

func (h *startHandler) firstBySelf() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.self
}

func (h *startHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	// One request per connection: a browser's kept-alive connection would
	// only hold the server up at the end.
	w.Header().Set("Connection", "close")
	if !strings.EqualFold(r.Host, h.host) {
		writePage(w, http.StatusMisdirectedRequest, "Wrong address",
			"This link only answers at the address hootwire opened the browser on.", "")
		return
	}
	if r.URL == nil || !StatesEqual(r.URL.Path, h.path) {
		writePage(w, http.StatusNotFound, "Not found",
			"This is hootwire's link to the authorization page; nothing else is here.", "")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writePage(w, http.StatusMethodNotAllowed, "Method not allowed",
			"This link answers a browser's GET request only.", "")
		return
	}
	if h.fetch(r) > 1 {
		writePage(w, http.StatusGone, "Link already used",
			"This link from hootwire opens the authorization page once only, and it was already used. If you did not open it yourself a moment ago, another program on this computer opened it first and may have read the authorization's details: hootwire will refuse this authorization. Go back to hootwire and start a new one.", "")
		return
	}
	w.Header().Set("Location", h.target)
	writePage(w, http.StatusSeeOther, "Opening the authorization page",
		"hootwire is sending your browser to the authorization page.", "")
}
