package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// DefaultAddr is where Listen binds when given no address: loopback only,
// beside the OAuth callback's 4668 and the standalone sandbox's 4669.
const DefaultAddr = "127.0.0.1:4670"

// ErrAddrInUse marks an address another program already listens on.
var ErrAddrInUse = errors.New("the address is already in use")

// Server is a Receiver served over HTTP; make one with Listen.
type Server struct {
	*Receiver
	// URL is where deliveries go: http://<bound address><path>.
	URL string
	// Addr is the address bound (with the port the system chose for :0).
	Addr net.Addr

	srv       *http.Server
	closeOnce sync.Once
	done      chan struct{}
	mu        sync.Mutex
	err       error
}

// Listen serves a Receiver with options o on addr (DefaultAddr when
// empty), until ctx ends or Close is called. It binds exactly where it is
// told: whether an address other than loopback is wanted is the caller's
// decision. Slow clients are cut off: the headers must arrive within 5 s
// (or ReadTimeout, if shorter) and the whole request within ReadTimeout;
// an answer may take AnswerWithin plus 10 s to write.
func Listen(ctx context.Context, addr string, o Options) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	r, err := New(o)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		r.Close()
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		r.Close()
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("listen on %s: %w: stop what uses it or choose another address", addr, ErrAddrInUse)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	header := 5 * time.Second
	if r.o.ReadTimeout < header {
		header = r.o.ReadTimeout
	}
	s := &Server{
		Receiver: r,
		URL:      "http://" + ln.Addr().String() + r.o.Path,
		Addr:     ln.Addr(),
		done:     make(chan struct{}),
		srv: &http.Server{
			Handler:           r,
			ReadHeaderTimeout: header,
			ReadTimeout:       r.o.ReadTimeout,
			WriteTimeout:      r.o.AnswerWithin + 10*time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    64 << 10,
			// What a hostile client provokes is reported as an event, not
			// logged over the user's terminal.
			ErrorLog: log.New(io.Discard, "", 0),
		},
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			go s.Close()
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
		<-served
	}()
	return s, nil
}

// Close stops listening, gives requests being answered a second, stops the
// forwards, and closes Events once every report is in. It is safe to call
// more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.Receiver.cancel() // forwards end at once: the handlers waiting on them answer
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		if err := s.srv.Shutdown(sctx); err != nil {
			s.srv.Close()
		}
		cancel()
		s.Receiver.Close()
		close(s.done)
	})
	return s.Err()
}

// Done is closed once the server has stopped and Events is closed.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err is why the server stopped by itself; nil when it was stopped.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
