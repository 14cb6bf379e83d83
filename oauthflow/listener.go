package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout is how long a Listener waits when ListenOptions.Timeout is
// zero: about the life of a grant code, after which waiting is pointless.
const DefaultTimeout = 10 * time.Minute

const (
	// shutdownGrace is how long the page that carried the result may take
	// to reach the browser before the connection is cut.
	shutdownGrace = 2 * time.Second
	// A browser sends its request at once; anything slower is not one.
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 30 * time.Second
	// A redirect's request line and headers fit in a few KiB.
	maxHeaderBytes = 16 << 10
)

var (
	// ErrTimeout is returned by Wait when nothing came back before the
	// listener's time-out. The error Wait returns wraps it with the details.
	ErrTimeout = errors.New("timed out waiting for the authorization redirect")
	// ErrClosed is returned by Wait once the listener was closed before a
	// result arrived.
	ErrClosed = errors.New("the listener was closed before the authorization came back")
)

// ListenOptions tune Listen.
type ListenOptions struct {
	// Timeout is how long to wait for the redirect; 0 means DefaultTimeout.
	Timeout time.Duration

	// For tests; 0 means the constants above.
	readHeaderTimeout, shutdownGrace time.Duration
}

// NeedsListener reports whether the redirect to callbackURL can be caught
// on this machine: an http:// URL whose host is localhost, 127.0.0.1 or
// [::1] (any 127.0.0.0/8 address counts too), with or without a port. Any
// other http or https URL is not on this machine (or, https on loopback,
// not something a plain listener can serve): the caller asks the user to
// paste the code. A URL that cannot be read, or is not http or https, is an
// error that says so.
func NeedsListener(callbackURL string) (bool, error) {
	u, err := parseCallbackURL(callbackURL)
	if err != nil {
		return false, err
	}
	return u.Scheme == "http" && IsLoopbackHost(u.Hostname()), nil
}

func parseCallbackURL(raw string) (*url.URL, error) {
	const example = "for example http://localhost:4668/callback"
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		reason := err
		var ue *url.Error
		if errors.As(err, &ue) {
			reason = ue.Err
		}
		return nil, fmt.Errorf("the callback URL %q cannot be read (%v): give it exactly as registered, %s", clean(raw, 200), reason, example)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("the callback URL %q is not an http:// or https:// URL: give it exactly as registered, %s", clean(raw, 200), example)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("the callback URL %q names no host: give it exactly as registered, %s", clean(raw, 200), example)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("the callback URL %q has port %s, which does not exist (ports run from 1 to 65535): give the URL exactly as registered", clean(raw, 200), p)
		}
	}
	return u, nil
}

// IsLoopbackHost reports whether host names this machine: localhost, or a
// loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Listener catches one redirect on the loopback interface. Make one with
// Listen; it is safe for concurrent use.
type Listener struct {
	callbackURL string
	handler     *callbackHandler
	servers     []*http.Server
	addrs       []net.Addr
	conns       connTracker
	grace       time.Duration // shutdownGrace

	stop        context.CancelCauseFunc // ends the wait; its cause says why
	stopTimeout context.CancelFunc
	serving     sync.WaitGroup // the Serve goroutines
	done        chan struct{}  // closed once result is final and nothing is left running
	result      outcome        // written before done is closed
}

// outcome is what a wait ends with: a code, or an error.
type outcome struct {
	code string
	err  error
}

// Listen binds the callback URL's loopback address and exact port at once,
// so a port in use is reported now, and serves in the background until a
// code or a denial arrives, ctx ends, the time-out passes, or Close.
//
// For the host localhost it binds 127.0.0.1 and also [::1] where the machine
// has IPv6; a literal address binds that address only. It never binds all
// interfaces, and never moves to another port: the port is part of the URL
// registered with the provider.
//
// It answers only GET on the callback's path with a Host header naming the
// callback's host and port exactly. Another loopback spelling of the same
// port (127.0.0.1 for localhost) is refused as well: the provider redirects
// to the registered URL exactly, so a real redirect always names it, and
// every other name is what a DNS-rebinding page would send.
func Listen(ctx context.Context, callbackURL, state string, opts ListenOptions) (*Listener, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := parseCallbackURL(callbackURL)
	if err != nil {
		return nil, err
	}
	switch {
	case !IsLoopbackHost(u.Hostname()):
		return nil, fmt.Errorf("the callback URL %s is not on this machine (only http://localhost, 127.0.0.1 or [::1] URLs can be listened on): paste the code, or the address the browser lands on, instead", u.Redacted())
	case u.Scheme != "http":
		return nil, fmt.Errorf("the callback URL %s is https on this machine, which a plain loopback listener cannot serve: register an http://localhost:PORT/... callback URL, or paste the code, or the address the browser lands on", u.Redacted())
	case state == "":
		return nil, errors.New("listen for the authorization: no state to check the redirect against (make one with NewState)")
	}
	timeout := orDefault(opts.Timeout, DefaultTimeout)
	port, portGiven := u.Port(), true
	if port == "" {
		port, portGiven = "80", false
	}
	path := u.Path
	if path == "" {
		path = "/"
	}

	l := &Listener{
		callbackURL: u.Redacted(),
		handler:     newCallbackHandler(u.Hostname(), port, path, state),
		grace:       orDefault(opts.shutdownGrace, shutdownGrace),
		done:        make(chan struct{}),
	}
	lns, err := bind(ctx, u.Hostname(), port)
	if err != nil {
		return nil, bindError(port, portGiven, l.callbackURL, err)
	}

	stopCtx, stop := context.WithCancelCause(ctx)
	timeoutErr := fmt.Errorf("%w: nothing reached %s within %s; start the authorization again, or paste the code", ErrTimeout, l.callbackURL, timeout)
	waitCtx, stopTimeout := context.WithTimeoutCause(stopCtx, timeout, timeoutErr)
	l.stop, l.stopTimeout = stop, stopTimeout

	for _, ln := range lns {
		srv := newServer(l.handler, &l.conns, opts.readHeaderTimeout)
		l.servers = append(l.servers, srv)
		l.addrs = append(l.addrs, ln.Addr())
		l.serving.Go(func() { _ = srv.Serve(ln) })
	}
	go l.run(waitCtx)
	return l, nil
}

// newServer makes the server for a loopback handler: small headers, short
// time-outs, no answer to "OPTIONS *", and never a line printed.
func newServer(h http.Handler, conns *connTracker, readHeader time.Duration) *http.Server {
	return &http.Server{
		Handler:                      h,
		ReadHeaderTimeout:            orDefault(readHeader, readHeaderTimeout),
		IdleTimeout:                  idleTimeout,
		MaxHeaderBytes:               maxHeaderBytes,
		DisableGeneralOptionsHandler: true,
		ConnState:                    conns.track,
		// The caller may be drawing a screen: the server never prints.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// bind listens on every address the host stands for, or on none.
func bind(ctx context.Context, host, port string) ([]net.Listener, error) {
	var lc net.ListenConfig
	if !strings.EqualFold(host, "localhost") {
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, port))
		if err != nil {
			return nil, err
		}
		return []net.Listener{ln}, nil
	}
	v4, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, err
	}
	// A browser may resolve localhost to ::1 first. A machine without IPv6
	// is fine (the browser falls back to 127.0.0.1), but another program on
	// ::1 at this port would receive the redirect, code and all.
	v6, err := lc.Listen(ctx, "tcp6", net.JoinHostPort("::1", port))
	switch {
	case err == nil:
		return []net.Listener{v4, v6}, nil
	case isAddrInUse(err):
		v4.Close()
		return nil, err
	}
	return []net.Listener{v4}, nil
}

func bindError(port string, portGiven bool, callbackURL string, err error) error {
	noPort := ""
	if !portGiven {
		noPort = " The callback URL names no port, so it means port 80; a callback URL for a local listener usually names one, for example http://localhost:4668/callback."
	}
	switch {
	case isAddrInUse(err):
		return fmt.Errorf("port %s, from the callback URL %s, is already in use by another program on this machine: close that program and try again, or register another callback URL (with another port) on the Hootsuite app and give it with --callback-url. hootwire never moves to another port by itself, because the provider redirects only to the URL registered.%s", port, callbackURL, noPort)
	case isAccessDenied(err):
		return fmt.Errorf("listening on port %s, from the callback URL %s, was refused (access denied): ports below 1024 need administrator rights, and the system may reserve some ports for itself (on Windows, list them with: netsh interface ipv4 show excludedportrange protocol=tcp). Register a callback URL with another port on the Hootsuite app and give it with --callback-url.%s", port, callbackURL, noPort)
	}
	return fmt.Errorf("listen on port %s for the callback URL %s: %w.%s", port, callbackURL, err, noPort)
}

// Addrs returns the addresses the listener is bound to.
func (l *Listener) Addrs() []net.Addr {
	return append([]net.Addr(nil), l.addrs...)
}

// run waits for the first outcome, then shuts everything down and
// publishes the outcome.
func (l *Listener) run(ctx context.Context) {
	defer l.stopTimeout()
	defer l.stop(nil)
	select {
	case <-l.handler.received:
	case <-ctx.Done():
		// The time-out's cause is the error that wraps ErrTimeout, Close's
		// is ErrClosed, the caller's context gives its own.
		l.handler.deliver(outcome{err: context.Cause(ctx)})
	}
	l.shutdown()
	l.serving.Wait()
	l.result = l.handler.first()
	close(l.done)
}

// shutdown lets the page in flight reach the browser, then closes every
// connection and listener. Connections with no request in flight (a
// browser's speculative preconnect, a kept-alive one) are closed at once,
// or Shutdown would wait for them.
func (l *Listener) shutdown() {
	shutdownServers(l.servers, &l.conns, l.grace)
}

// shutdownServers stops servers, giving a request in flight up to grace to
// be answered; idle connections are closed at once.
func shutdownServers(servers []*http.Server, conns *connTracker, grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range servers {
		srv.SetKeepAlivesEnabled(false)
	}
	conns.closeWaiting()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(func() {
			if srv.Shutdown(ctx) != nil {
				srv.Close()
			}
		})
	}
	wg.Wait()
}

// Wait blocks until the redirect brings a code (returned), the provider's
// denial (a *DeniedError), the time-out (an error wrapping ErrTimeout), or
// Listen's context ends (its error). By then the listener is shut down and
// its port free. Every later call returns the same. When ctx ends first,
// Wait closes the listener and returns ctx's error.
func (l *Listener) Wait(ctx context.Context) (string, error) {
	select {
	case <-l.done:
		return l.result.code, l.result.err
	case <-ctx.Done():
		l.Close()
		return "", ctx.Err()
	}
}

// Close stops the listener, if it still runs, and returns once its port is
// free and nothing of it is left running. It may be called more than once.
func (l *Listener) Close() error {
	l.stop(ErrClosed)
	<-l.done
	return nil
}
