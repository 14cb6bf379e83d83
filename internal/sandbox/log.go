package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"hootwire/internal/redact"
	"hootwire/internal/termsafe"
)

// The sandbox's log (Options.Log) has one line per request it answered and
// one per delivery attempt:
//
//	12:00:01 POST /elements/api-v2/instances 200
//	12:00:02 delivery 7f3a9c01… to http://127.0.0.1:4669/events: 200 (attempt 1)
//	12:00:03 delivery 7f3a9c01… to http://127.0.0.1:4669/events: error: connection refused (attempt 2)
//	12:00:09 delivery 7f3a9c01… to http://127.0.0.1:4669/events: gave up after 4 attempts
//
// A request line has the method, the path as sent (never the query, where
// apiSecret or a code may travel) and the status ("no answer" when the
// connection was dropped or the client went away). A delivery line has the
// first part of the delivery's id and the callback URL without its user
// information and query. No header is ever logged, and every line passes
// through a redactor that knows the demo secrets, every instance token,
// grant code and signature key, so none of them can appear even in a path.

// maxLogPath bounds the path shown on a request line.
const maxLogPath = 200

// logf writes one line to the log, stamped with the sandbox clock's time.
func (s *Sandbox) logf(format string, args ...any) {
	if s.logw == nil {
		return
	}
	line := s.now().Format("15:04:05") + " " + fmt.Sprintf(format, args...)
	line = oneLine(s.redactor.String(line)) + "\n"
	s.logMu.Lock()
	defer s.logMu.Unlock()
	io.WriteString(s.logw, line)
}

// learnSecret tells the log's redactor about a secret the sandbox handed
// out or was given.
func (s *Sandbox) learnSecret(v string) {
	if s.logw != nil && v != "" {
		s.redactor.Add(v)
	}
}

// newRedactor knows the sandbox's own secrets.
func newRedactor() *redact.Redactor {
	return redact.New(DemoUserSecret, DemoOrgSecret, DemoClientSecret)
}

// logRequest writes a request's line once it has been answered.
func (s *Sandbox) logRequest(r *http.Request, w *statusWriter) {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	if len(p) > maxLogPath {
		p = p[:maxLogPath] + "…"
	}
	status := "no answer"
	if w.status != 0 {
		status = strconv.Itoa(w.status)
	}
	s.logf("%s %s %s", r.Method, p, status)
}

// logDelivery writes a delivery attempt's line.
func (s *Sandbox) logDelivery(id, target string, a Attempt, n int) {
	outcome := strconv.Itoa(a.Status)
	if a.Err != "" {
		outcome = "error: " + a.Err
	}
	s.logf("delivery %s to %s: %s (attempt %d)", shortID(id), displayURL(target), outcome, n)
}

// shortID is the start of a delivery id, enough to tell deliveries apart in a log.
func shortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:8] + "…"
}

// displayURL is a URL as the log and the app page show it: without user
// information, query or fragment, where a secret may travel.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that cannot be parsed)"
	}
	out := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := out.String()
	if u.RawQuery != "" || u.ForceQuery {
		s += "?…"
	}
	return s
}

// oneLine makes text safe for a log line on a terminal.
func oneLine(s string) string { return termsafe.Line(s) }

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (to drop it, or flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
