package oauthflow

import (
	"net"
	"net/http"
	"strings"
	"sync"
)

// connTracker knows each connection's state, so shutdown can close those
// with no request in flight.
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
}

func (t *connTracker) track(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch s {
	case http.StateClosed, http.StateHijacked:
		delete(t.conns, c)
	default:
		if t.conns == nil {
			t.conns = make(map[net.Conn]http.ConnState)
		}
		t.conns[c] = s
	}
}

func (t *connTracker) closeWaiting() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, s := range t.conns {
		if s == http.StateNew || s == http.StateIdle {
			c.Close()
		}
	}
}

// callbackHandler answers the redirect and keeps the first outcome.
type callbackHandler struct {
	host, port, path string // what a request must name
	state            string

	mu       sync.Mutex
	got      *outcome
	received chan struct{} // closed when got is set
}

func newCallbackHandler(host, port, path, state string) *callbackHandler {
	return &callbackHandler{host: host, port: port, path: path, state: state, received: make(chan struct{})}
}

// deliver keeps o if it is the first outcome, and reports whether it was.
func (h *callbackHandler) deliver(o outcome) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.got != nil {
		return false
	}
	h.got = &o
	close(h.received)
	return true
}

func (h *callbackHandler) first() outcome {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.got == nil {
		return outcome{}
	}
	return *h.got
}

// hostMatches reports whether a Host header names the callback's host and
// port, as a browser writes them: case aside, exactly, without the port
// when it is 80.
func (h *callbackHandler) hostMatches(hostHeader string) bool {
	if strings.EqualFold(hostHeader, net.JoinHostPort(h.host, h.port)) {
		return true
	}
	bare := h.host
	if strings.Contains(bare, ":") {
		bare = "[" + bare + "]"
	}
	return h.port == "80" && strings.EqualFold(hostHeader, bare)
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	// A page on another site can point the browser at this port through a
	// name it controls (DNS rebinding); the Host header gives it away.
	if !h.hostMatches(r.Host) {
		writePage(w, http.StatusMisdirectedRequest, "Wrong address",
			"This listener only answers the authorization redirect to the address it was started for.", "")
		return
	}
	if r.URL.Path != h.path {
		writePage(w, http.StatusNotFound, "Not found",
			"This is hootwire's authorization listener; it only answers its callback address.", "")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writePage(w, http.StatusMethodNotAllowed, "Method not allowed",
			"The authorization redirect is a GET request; this listener answers nothing else.", "")
		return
	}
	q := r.URL.Query()
	if states := q["state"]; len(states) != 1 || !StatesEqual(states[0], h.state) {
		writePage(w, http.StatusBadRequest, "Not hootwire's current authorization",
			"The state in this address is missing or does not match the authorization hootwire is waiting for, so it was ignored. Use the newest authorization link from hootwire; hootwire is still waiting.", "")
		return
	}
	if e := q.Get("error"); e != "" {
		denied := newDeniedError(e, q.Get("error_description"))
		if !h.deliver(outcome{err: denied}) {
			h.alreadyReceived(w)
			return
		}
		w.Header().Set("Connection", "close")
		writePage(w, http.StatusOK, "Authorization not granted",
			"The authorization was not granted, and hootwire has been told. Go back to hootwire to try again. The provider said:", denied.said())
		return
	}
	codes := q["code"]
	if len(codes) != 1 || !validCode(codes[0]) {
		writePage(w, http.StatusBadRequest, "No authorization code",
			"This address carries no single, well-formed authorization code, so it was ignored. hootwire is still waiting for the redirect from your approval.", "")
		return
	}
	if !h.deliver(outcome{code: codes[0]}) {
		h.alreadyReceived(w)
		return
	}
	w.Header().Set("Connection", "close")
	writePage(w, http.StatusOK, "Authorization received",
		"Authorization received by hootwire. You can close this tab.", "")
}

func (h *callbackHandler) alreadyReceived(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	writePage(w, http.StatusOK, "Already received",
		"hootwire has already received the result of this authorization, and takes only the first. You can close this tab.", "")
}
