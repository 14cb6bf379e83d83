package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is a Sandbox running on loopback.
type Server struct {
	*Sandbox
	URL     string // root, e.g. http://127.0.0.1:41234
	BaseURL string // URL + APIPath

	srv       *http.Server
	cancel    context.CancelFunc // ends the requests still running
	served    chan struct{}      // closed when Serve has returned
	stopWatch chan struct{}      // closed to stop watching the start context
	watchDone chan struct{}      // closed when the watcher has returned
	closeOnce sync.Once
	closeErr  error

	life   sync.Mutex // guards closed, and active.Add against active.Wait
	closed bool
	active sync.WaitGroup // handlers running
}

// Start listens on addr ("" means 127.0.0.1:0, a random port) and serves a
// new Sandbox there. Only loopback addresses are accepted (127.0.0.1, [::1],
// localhost): the sandbox hands out demo secrets and has no authentication of
// its own. The server stops when ctx is done or Close is called.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("start sandbox: %s is already in use: stop what uses it or choose another port: %w", addr, err)
		}
		return nil, fmt.Errorf("start sandbox on %s: %w", addr, err)
	}
	// localhost could resolve to anything; check what was actually bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("start sandbox: %s resolved to %s, which is not a loopback address: use 127.0.0.1:PORT", addr, ln.Addr())
	}

	baseCtx, cancel := context.WithCancel(context.Background())
	s := &Server{
		Sandbox:   New(opts),
		URL:       "http://" + ln.Addr().String(),
		cancel:    cancel,
		served:    make(chan struct{}),
		stopWatch: make(chan struct{}),
		watchDone: make(chan struct{}),
	}
	s.BaseURL = s.URL + APIPath
	s.srv = &http.Server{
		Handler:           s.track(s.Sandbox),
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ReadHeaderTimeout: 10 * time.Second,
		// The in-process sandbox shares the terminal with the TUI: no stray logs.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.served)
		s.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	go func() {
		defer close(s.watchDone)
		select {
		case <-ctx.Done():
			s.shutdown()
		case <-s.stopWatch:
		}
	}()
	return s, nil
}

// checkLoopback refuses an address that is not on loopback.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox address %q is not host:port (for example 127.0.0.1:4669): %w", addr, err)
	}
	if port == "" {
		port = "PORT"
	}
	refuse := func(why string) error {
		return fmt.Errorf("sandbox address %q %s: the sandbox hands out demo secrets and only listens on loopback; use 127.0.0.1:%s or localhost:%s", addr, why, port, port)
	}
	if host == "" {
		return refuse("has no host, which means every network interface")
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return refuse("names a host other than localhost")
	}
	if ip.IsUnspecified() {
		return refuse("means every network interface")
	}
	if !ip.IsLoopback() {
		return refuse("is not a loopback address")
	}
	return nil
}

// track counts running handlers so Close can wait for them, and turns
// requests away once closing has begun.
func (s *Server) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.life.Lock()
		if s.closed {
			s.life.Unlock()
			w.Header().Set("Connection", "close")
			writeError(w, http.StatusServiceUnavailable, "The sandbox is shutting down.", "")
			return
		}
		s.active.Add(1)
		s.life.Unlock()
		defer s.active.Done()
		h.ServeHTTP(w, r)
	})
}

// Close stops the server and waits until it, every request it was
// handling and every delivery it was making have finished (deliveries
// still waiting or under way are cancelled). It is safe to call more than
// once.
func (s *Server) Close() error {
	s.shutdown()
	<-s.watchDone
	return s.closeErr
}

// shutdown stops everything once; the context watcher calls it too.
func (s *Server) shutdown() {
	s.closeOnce.Do(func() {
		s.life.Lock()
		s.closed = true
		s.life.Unlock()
		if err := s.srv.Close(); err != nil {
			s.closeErr = fmt.Errorf("close sandbox: %w", err)
		}
		s.cancel() // ends delays and pings still running
		<-s.served
		s.active.Wait()
		// No handler runs any more, so no delivery can start: cancel those
		// under way and wait for them.
		s.Sandbox.Stop()
		close(s.stopWatch)
	})
}
