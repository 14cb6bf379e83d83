// Package events receives the events Open Connectors delivers for a
// Hootsuite instance, so that a user can see them arrive on this machine
// while setting up or debugging, and hand them on to their own app.
//
// Open Connectors POSTs each event as JSON to the instance's
// event.notification.callback.url with an Elements-Webhook-Id header and,
// when the instance has event.notification.signature.key, an
// Elements-Webhook-Signature header: "sha256=" and the standard base64 of
// HMAC-SHA256(raw body, key), or "sha1=" and HMAC-SHA1 from older platform
// versions. Sign and Verify compute and check that header.
//
// A Receiver is the http.Handler that takes the deliveries: it checks the
// signature when it has the key, reads the body leniently, notices a
// delivery it has seen before (Open Connectors retries), forwards the event
// to the user's app if asked, and reports every request that reached it as
// an Event on a bounded channel that never holds up an answer. Listen
// serves one, on loopback unless told otherwise, with time limits that keep
// a slow client from holding it. Event.Line and Event.JSON show an event on
// a terminal or to a script.
package events

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultPath           = "/events"
	DefaultMaxBody        = 1 << 20 // 1 MiB
	DefaultBuffer         = 256
	DefaultForwardTimeout = 10 * time.Second
	DefaultAnswerWithin   = 5 * time.Second
	DefaultReadTimeout    = 10 * time.Second
)

// rememberIDs is how many accepted delivery ids the receiver keeps to tell
// a repeat; the oldest is forgotten first.
const rememberIDs = 10000

// Options configure a Receiver. The zero value receives on /events and
// checks no signature.
type Options struct {
	// Path is the one path that takes deliveries (default /events).
	Path string
	// Key is event.notification.signature.key; empty: signatures are not
	// checked, and every event is reported as Unchecked.
	Key []byte
	// ForwardTo is the user's app: each accepted event is sent there too,
	// with the same method, body, Elements-* headers and Content-Type.
	// Empty: nothing is forwarded.
	ForwardTo string
	// MaxBody is the largest body taken (default 1 MiB); a larger one is
	// answered 413.
	MaxBody int64
	// Buffer is how many events wait for a slow reader of Events (default
	// 256); beyond that, events are dropped and counted in Stats.Dropped,
	// never waited for.
	Buffer int
	// ForwardTimeout bounds one forward (default 10 s).
	ForwardTimeout time.Duration
	// AnswerWithin bounds how long the answer to Open Connectors waits for
	// the app (default 5 s); past it the answer is 504 and the forward's
	// result is reported when it comes.
	AnswerWithin time.Duration
	// ReadTimeout bounds reading one request, headers and body (default
	// 10 s); Listen uses it.
	ReadTimeout time.Duration
	// Client forwards; default: one that follows no redirect.
	Client *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Path == "" {
		o.Path = DefaultPath
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.ForwardTimeout <= 0 {
		o.ForwardTimeout = DefaultForwardTimeout
	}
	if o.AnswerWithin <= 0 {
		o.AnswerWithin = DefaultAnswerWithin
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Stats counts what reached a receiver.
type Stats struct {
	Deliveries int // POSTs on the path whose body was read
	Valid      int // deliveries whose signature is the body's under the key
	Invalid    int // deliveries with a signature that is wrong or unreadable
	Missing    int // deliveries without a signature, when there is a key
	Unchecked  int // deliveries taken without a key
	Repeats    int // accepted deliveries whose id was accepted before
	BadBodies  int // deliveries whose body is not a JSON object (400)
	Refused    int // other requests: another path or method, too big, too slow, a browser's, a loop
	Forwarded  int // events the app answered (any status)
	Unanswered int // events the app did not answer (unreachable, too slow)
	Dropped    int // events reported while the reader of Events was behind: not delivered to it
}

// Receiver takes Open Connectors' deliveries; see the package comment.
// Make one with New; it is safe for concurrent use.
type Receiver struct {
	o       Options
	forward *url.URL
	client  *http.Client
	via     string // marks the receiver's own forwards, to catch a loop
	events  chan Event

	ctx    context.Context // ends the forwards when the receiver closes
	cancel context.CancelFunc
	wg     sync.WaitGroup // forwards in flight

	mu      sync.Mutex
	closing bool // no new forward starts
	closed  bool // events is closed
	stats   Stats
	seen    map[[32]byte]struct{}
	order   [][32]byte // seen ids, oldest first, as a ring
	oldest  int
}

// New makes a Receiver. It refuses a ForwardTo that is not an absolute
// http:// or https:// URL, and a Path that does not begin with "/".
func New(o Options) (*Receiver, error) {
	o.defaults()
	if !strings.HasPrefix(o.Path, "/") {
		return nil, fmt.Errorf("the events path %q must begin with /", o.Path)
	}
	r := &Receiver{
		o:      o,
		events: make(chan Event, o.Buffer),
		seen:   make(map[[32]byte]struct{}),
		client: o.Client,
	}
	if o.ForwardTo != "" {
		u, err := url.Parse(o.ForwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errors.New("the app's URL to forward to must be an absolute http:// or https:// URL")
		}
		r.forward = u
	}
	if r.client == nil {
		r.client = &http.Client{
			Transport: http.DefaultTransport.(*http.Transport).Clone(),
			// The app's redirect is its answer: following it would send
			// the event somewhere the user did not name.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	var token [8]byte
	rand.Read(token[:])
	r.via = "1.1 hootwire-" + hex.EncodeToString(token[:])
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r, nil
}

// Events reports every request that reached the receiver, in the order
// their answers were settled. It is buffered (Options.Buffer); an event
// that finds the buffer full is dropped and counted in Stats.Dropped, so a
// slow reader never holds up an answer. Close closes it.
func (r *Receiver) Events() <-chan Event { return r.events }

// Stats counts what reached the receiver so far, dropped events included.
func (r *Receiver) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Path is the path that takes deliveries.
func (r *Receiver) Path() string { return r.o.Path }

// Close stops the forwards in flight, waits for them, and closes Events.
// Requests still being served afterwards are answered but not reported.
func (r *Receiver) Close() {
	r.mu.Lock()
	if r.closing {
		r.mu.Unlock()
		return
	}
	r.closing = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
	if t, ok := r.client.Transport.(*http.Transport); ok && r.o.Client == nil {
		t.CloseIdleConnections()
	}
	r.mu.Lock()
	r.closed = true
	close(r.events)
	r.mu.Unlock()
}

// report hands ev to the reader of Events without waiting, and counts it.
func (r *Receiver) report(ev Event, count func(*Stats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if count != nil {
		count(&r.stats)
	}
	if ev.Forward != nil {
		if ev.Forward.Status != 0 {
			r.stats.Forwarded++
		} else {
			r.stats.Unanswered++
		}
	}
	if r.closed {
		r.stats.Dropped++
		return
	}
	select {
	case r.events <- ev:
	default:
		r.stats.Dropped++
	}
}

// remember records an accepted delivery's id and reports whether it was
// accepted before. Ids are kept as digests, so a long one costs no more
// than a short one, and at most rememberIDs of them.
func (r *Receiver) remember(id string) bool {
	sum := sha256.Sum256([]byte(id))
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[sum]; ok {
		return true
	}
	if len(r.order) < rememberIDs {
		r.order = append(r.order, sum)
	} else {
		delete(r.seen, r.order[r.oldest])
		r.order[r.oldest] = sum
		r.oldest = (r.oldest + 1) % rememberIDs
	}
	r.seen[sum] = struct{}{}
	return false
}

// answer writes a short plain-text answer; it never echoes the request.
func answer(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, text+"\n")
}

// ServeHTTP takes one request: see the package comment. Every request is
// reported, the refused ones included.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ev := Event{
		At:     r.o.Now(),
		Method: cut(req.Method, 16),
		Path:   cut(req.URL.EscapedPath(), maxField),
		ID:     cut(req.Header.Get(HeaderID), maxField),
	}
	refuse := func(status int, problem, text string) {
		ev.Status, ev.Problem = status, problem
		answer(w, status, text)
		r.report(ev, func(s *Stats) { s.Refused++ })
	}
	switch {
	case req.URL.Path != r.o.Path:
		refuse(http.StatusNotFound, "not the events path: this receiver takes events on "+r.o.Path, "not found")
		return
	case req.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		refuse(http.StatusMethodNotAllowed, "only POST delivers an event", "only POST")
		return
	case req.Header.Get("Origin") != "" || req.Header.Get("Sec-Fetch-Site") != "":
		// Open Connectors calls from its servers; a request with these
		// headers comes from a web page, which must not inject events
		// into a listener on the user's machine (nor reach the app).
		refuse(http.StatusForbidden, "sent by a web browser (it has an Origin header), not by Open Connectors", "forbidden")
		return
	case r.isLoop(req):
		refuse(http.StatusLoopDetected, "this is the receiver's own forward coming back: the app's URL points at the receiver itself", "loop")
		return
	case req.ContentLength > r.o.MaxBody:
		refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %s", size(r.o.MaxBody)), "too large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.o.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %s", size(r.o.MaxBody)), "too large")
			return
		}
		refuse(http.StatusRequestTimeout, "the body did not arrive whole: "+readProblem(err), "body not received")
		return
	}
	ev.Delivery, ev.Size = true, len(body)
	count := []func(*Stats){func(s *Stats) { s.Deliveries++ }}
	tally := func(f func(*Stats)) { count = append(count, f) }
	report := func() {
		r.report(ev, func(s *Stats) {
			for _, f := range count {
				f(s)
			}
		})
	}

	var sigErr error
	if len(r.o.Key) == 0 {
		ev.Signature = Unchecked
		tally(func(s *Stats) { s.Unchecked++ })
	} else {
		sigs := req.Header.Values(HeaderSignature)
		switch len(sigs) {
		case 0:
			sigErr = ErrNoSignature
		case 1:
			sigErr = Verify(r.o.Key, body, sigs[0])
		default:
			sigErr = ErrMalformedSignature
		}
		switch {
		case sigErr == nil:
			ev.Signature = Valid
			tally(func(s *Stats) { s.Valid++ })
		case errors.Is(sigErr, ErrNoSignature):
			ev.Signature = Missing
			tally(func(s *Stats) { s.Missing++ })
		default:
			ev.Signature = Invalid
			tally(func(s *Stats) { s.Invalid++ })
		}
	}

	// The body is read even when the signature is refused, to show what
	// it claims to be; it is not accepted.
	note, parseErr := parse(body, &ev)
	if ev.ID == "" {
		ev.ID = ev.EventID
	}
	switch {
	case sigErr != nil:
		ev.Status, ev.Problem = http.StatusUnauthorized, "signature refused: "+sigErr.Error()
		answer(w, ev.Status, "signature refused")
		report()
		return
	case parseErr != nil:
		tally(func(s *Stats) { s.BadBodies++ })
		ev.Status, ev.Problem = http.StatusBadRequest, parseErr.Error()
		answer(w, ev.Status, "not a JSON object")
		report()
		return
	}
	ev.Problem = note
	// Only an accepted delivery's id is remembered: a forged one, refused
	// above, cannot make the real one look like a repeat.
	if ev.ID != "" && r.remember(ev.ID) {
		ev.Repeat = true
		tally(func(s *Stats) { s.Repeats++ })
	}
	if r.forward == nil {
		ev.Status = http.StatusOK
		answer(w, ev.Status, "ok")
		report()
		return
	}
	r.forwardAndAnswer(w, req, body, &ev, report)
}

// readProblem says why a body could not be read.
func readProblem(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "the sender was too slow"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the sender stopped before its end"
	}
	return cut(err.Error(), 120)
}

func joinProblem(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func size(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
