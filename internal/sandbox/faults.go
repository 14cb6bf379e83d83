package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Op names a platform operation a Fault can be injected into.
type Op string

// The operations of the platform API.
const (
	OpOAuthURL       Op = "oauth-url"       // GET or POST .../elements/hootsuite/oauth/url
	OpListInstances  Op = "list-instances"  // GET /instances (with or without tags[] filter)
	OpCreateInstance Op = "create-instance" // POST /instances
	OpGetInstance    Op = "get-instance"    // GET /instances/{id}
	OpPatchInstance  Op = "patch-instance"  // PATCH /instances/{id} and PATCH /instances
	OpDeleteInstance Op = "delete-instance" // DELETE /instances/{id}
	OpEvents         Op = "events"          // POST /events/hootsuite/{b64}
)

// knownOp reports whether op is one a Fault may name.
func knownOp(op Op) bool {
	switch op {
	case OpOAuthURL, OpListInstances, OpCreateInstance, OpGetInstance, OpPatchInstance, OpDeleteInstance, OpEvents:
		return true
	}
	return false
}

// Fault makes the sandbox misbehave on requests of one operation. The first
// active fault injected for an operation applies. Its parts apply in this
// order: Delay; then DropBefore, else Status (neither performs the
// operation); else the operation is performed and its answer replaced by
// DropAfter, else MalformedJSON, else EmptyBody.
type Fault struct {
	Op              Op            `json:"op"`
	Times           int           `json:"times"`           // number of matching requests it applies to; 0 = until ClearFaults
	Status          int           `json:"status"`          // answer with this status and the platform error JSON (message = Message or a default per status); the operation is NOT performed
	Message         string        `json:"message"`         // with Status
	ProviderMessage string        `json:"providerMessage"` // with Status
	RetryAfter      string        `json:"retryAfter"`      // sets Retry-After header on a Status fault
	Body            string        `json:"body"`            // with Status: raw body instead of error JSON (e.g. an HTML proxy page)
	ContentType     string        `json:"contentType"`     // for Body; empty means sniffed from Body
	Delay           time.Duration `json:"delay"`           // wait before handling; if the client goes away (request ctx done) the operation is NOT performed
	DropBefore      bool          `json:"dropBefore"`      // close the TCP connection without answering and without performing the operation
	DropAfter       bool          `json:"dropAfter"`       // perform the operation, then close the connection without answering
	MalformedJSON   bool          `json:"malformedJSON"`   // perform the operation, answer 200 with a truncated/invalid JSON body
	EmptyBody       bool          `json:"emptyBody"`       // perform the operation, answer 200 with an empty body
}

// activeFault is an injected fault and how many more requests it applies to.
type activeFault struct {
	fault     Fault
	remaining int // meaningful when fault.Times > 0
}

// InjectFault adds a fault after those already injected.
func (s *Sandbox) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{fault: f, remaining: f.Times})
}

// ClearFaults removes every injected fault.
func (s *Sandbox) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// activeFaults is how many faults are still injected.
func (s *Sandbox) activeFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// takeFault returns the fault that applies to a request of op, counting it.
func (s *Sandbox) takeFault(op Op) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, af := range s.faults {
		if af.fault.Op != op {
			continue
		}
		if af.fault.Times > 0 {
			af.remaining--
			if af.remaining <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return af.fault, true
	}
	return Fault{}, false
}

// withFaults runs the handler of an operation, with the fault that applies to it, if any.
func (s *Sandbox) withFaults(w http.ResponseWriter, r *http.Request, op Op, handler http.HandlerFunc) {
	f, ok := s.takeFault(op)
	if !ok {
		handler(w, r)
		return
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return // the client went away: do not perform the operation
		case <-t.C:
		}
	}
	switch {
	case f.DropBefore:
		dropConnection(w)
		return
	case f.Status != 0:
		writeFaultStatus(w, f)
		return
	case !f.DropAfter && !f.MalformedJSON && !f.EmptyBody:
		handler(w, r)
		return
	}
	buf := &bufferedResponse{header: make(http.Header)}
	handler(buf, r)
	switch {
	case f.DropAfter:
		dropConnection(w)
	case f.MalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(truncateJSON(buf.body.Bytes()))
	case f.EmptyBody:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	}
}

// writeFaultStatus answers with the status of a fault.
func writeFaultStatus(w http.ResponseWriter, f Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body == "" {
		writeError(w, f.Status, f.Message, f.ProviderMessage)
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = http.DetectContentType([]byte(f.Body))
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	w.Write([]byte(f.Body))
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): net/http resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// truncateJSON cuts a JSON answer in half, which never leaves valid JSON:
// a strict prefix of an object or array lacks its closing bracket.
func truncateJSON(body []byte) []byte {
	body = bytes.TrimSpace(body)
	if len(body) < 2 {
		return []byte(`{"`)
	}
	return body[:len(body)/2]
}

// bufferedResponse holds an answer the client may never get.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// faultRequest is the JSON body of POST /_sandbox/faults. It is a Fault whose
// delay may also be a Go duration string.
type faultRequest struct {
	Op              Op              `json:"op"`
	Times           int             `json:"times"`
	Status          int             `json:"status"`
	Message         string          `json:"message"`
	ProviderMessage string          `json:"providerMessage"`
	RetryAfter      string          `json:"retryAfter"`
	Body            string          `json:"body"`
	ContentType     string          `json:"contentType"`
	Delay           json.RawMessage `json:"delay"`
	DropBefore      bool            `json:"dropBefore"`
	DropAfter       bool            `json:"dropAfter"`
	MalformedJSON   bool            `json:"malformedJSON"`
	EmptyBody       bool            `json:"emptyBody"`
}

// fault checks the request and returns the Fault it describes.
func (fr faultRequest) fault() (Fault, error) {
	f := Fault{
		Op: fr.Op, Times: fr.Times, Status: fr.Status,
		Message: fr.Message, ProviderMessage: fr.ProviderMessage, RetryAfter: fr.RetryAfter,
		Body: fr.Body, ContentType: fr.ContentType,
		DropBefore: fr.DropBefore, DropAfter: fr.DropAfter, MalformedJSON: fr.MalformedJSON, EmptyBody: fr.EmptyBody,
	}
	if !knownOp(f.Op) {
		return Fault{}, fmt.Errorf(`unknown "op" %q: use one of %s, %s, %s, %s, %s, %s, %s`, f.Op,
			OpOAuthURL, OpListInstances, OpCreateInstance, OpGetInstance, OpPatchInstance, OpDeleteInstance, OpEvents)
	}
	if f.Times < 0 {
		return Fault{}, errors.New(`"times" cannot be negative: use 0 for "until cleared"`)
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return Fault{}, fmt.Errorf(`"status" %d is not an HTTP status: use 100 to 599, or leave it out`, f.Status)
	}
	if f.Body != "" && f.Status == 0 {
		return Fault{}, errors.New(`"body" needs a "status" to answer with`)
	}
	delay, err := parseDelay(fr.Delay)
	if err != nil {
		return Fault{}, err
	}
	f.Delay = delay
	return f, nil
}

// parseDelay reads "delay": absent, null, a Go duration string or nanoseconds.
func parseDelay(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		d, err := time.ParseDuration(text)
		if err != nil {
			return 0, fmt.Errorf(`"delay" %q is not a duration: write it like "2s" or "150ms"`, text)
		}
		if d < 0 {
			return 0, errors.New(`"delay" cannot be negative`)
		}
		return d, nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New(`"delay" must be a duration string like "2s" or a non-negative number of nanoseconds`)
	}
	return time.Duration(n), nil
}
