package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"hootwire/internal/termsafe"
)

// Error is a non-2xx answer from the platform. Its text says what was being
// done, what the platform said and what to do about it.
type Error struct {
	Op              string // what hootwire was doing, e.g. "create instance"
	StatusCode      int
	RequestID       string
	Message         string
	ProviderMessage string        // set when the provider (Hootsuite) caused the error
	Body            string        // the start of the text of an error page that is clearly not JSON (a proxy's), made inert
	BodyBytes       int           // the size of the body read; of a body that is neither the platform's error JSON nor a page, nothing is shown
	RetryAfter      time.Duration // from a Retry-After header
	Attempts        int           // how many times the request was sent
}

func (e *Error) Error() string {
	s := e.Summary()
	if hint := e.Hint(); hint != "" {
		s += ". " + hint
	}
	return s
}

// Summary is what happened, without the advice of Hint: for a caller that
// knows better what the user should do next.
func (e *Error) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d %s", e.Op, e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Body != "":
		fmt.Fprintf(&b, ": the answer was not the platform's JSON (a proxy or gateway page?): %q", e.Body)
	case e.BodyBytes > 0:
		fmt.Fprintf(&b, ": the answer (%d bytes) was not the platform's error JSON, and is not shown", e.BodyBytes)
	}
	if e.ProviderMessage != "" {
		b.WriteString(" (Hootsuite said: " + e.ProviderMessage + ")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Hint says what the user can do about the error.
func (e *Error) Hint() string {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return "The User or Organization secret is wrong (or the instance token is no longer valid): copy both secrets again from Open Connectors (your profile, Secrets) and check that the base URL is your tenant's"
	case e.StatusCode == http.StatusForbidden:
		return "This account may not do that: check the user's role in the organization"
	case e.StatusCode == http.StatusNotFound && strings.Contains(e.Op, "instance"):
		return "The instance does not exist (was it deleted?), or the base URL points at another tenant"
	case e.StatusCode == http.StatusNotFound:
		return "Check that the base URL ends in /elements/api-v2 and is your tenant's"
	case e.StatusCode == http.StatusBadRequest && e.Op == OpCreateInstance:
		return "A grant code works once and for about 10 minutes: authorize again to get a fresh one, and check that the client id, client secret and callback URL match the Hootsuite app"
	case e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0:
		return fmt.Sprintf("The platform asks to slow down: try again in %s", e.RetryAfter.Round(time.Second))
	case e.StatusCode == http.StatusTooManyRequests:
		return "The platform asks to slow down: try again in a minute"
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return "The platform answered with a redirect, which hootwire does not follow with your secrets: check that the base URL is your tenant's own (https, the full host) and ends in /elements/api-v2"
	case e.StatusCode >= 500:
		return "The platform failed; this is often temporary: try again"
	}
	return ""
}

// NetworkError is a request that got no usable answer: the connection
// failed or dropped, or the time-out passed.
type NetworkError struct {
	Op       string
	Host     string
	Timeout  bool
	Attempts int
	Err      error // the cause, without the request's URL (which may hold secrets)
}

func (e *NetworkError) Error() string {
	what := "no answer from " + e.Host
	if e.Timeout {
		what = e.Host + " did not answer in time"
	}
	s := fmt.Sprintf("%s: %s: %v", e.Op, what, e.Err)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s + ". Check the network connection, any proxy (HTTPS_PROXY) and the base URL"
}

func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer that hootwire cannot use: its body is empty,
// is not the JSON the platform sends, or holds a value the platform never
// sends (ErrUnusableAnswer: an authorization URL that is not http or https,
// an instance id that is not positive). It never holds any of the body,
// which may carry other connectors' data: only its size and what is wrong.
type DecodeError struct {
	Op         string
	StatusCode int
	Size       int   // bytes of the body read
	Err        error // what is wrong, in words that quote nothing of the body
}

func (e *DecodeError) Error() string {
	switch {
	case e.Err == nil:
		return fmt.Sprintf("%s: HTTP %d with an empty body where the platform sends JSON", e.Op, e.StatusCode)
	case errors.Is(e.Err, ErrUnusableAnswer):
		return fmt.Sprintf("%s: HTTP %d, but %v", e.Op, e.StatusCode, e.Err)
	}
	return fmt.Sprintf("%s: HTTP %d with a body that is not the expected JSON (%v)", e.Op, e.StatusCode, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrUnusableAnswer is in the chain of a *DecodeError whose answer was
// JSON but held a value the platform never sends: the platform misbehaved.
// Like every *DecodeError it counts as the API answering wrongly.
var ErrUnusableAnswer = errors.New("the answer holds a value the platform never sends")

// unusable is an ErrUnusableAnswer with its own words.
type unusable string

func (u unusable) Error() string        { return string(u) }
func (u unusable) Is(target error) bool { return target == ErrUnusableAnswer }

// decodeProblem says why a body did not decode, quoting none of it: the
// decoder's own messages quote a character of the body (a syntax error), a
// number from it, or the path of a field.
func decodeProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var shape shapeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		// Value is "number -5" for a number: only its kind is said.
		kind, _, _ := strings.Cut(typ.Value, " ")
		return fmt.Errorf("a JSON %s where %s was expected", kind, typ.Type)
	case errors.As(err, &shape):
		return shape
	}
	return errors.New("unexpected content")
}

// StatusCode returns the HTTP status of an *Error in err's chain, or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// GrantRejected reports whether a create failed because the platform or
// Hootsuite refused the request outright (400): the grant code is spent or
// expired, or the app's settings do not match it. The fix is a fresh
// authorization.
func GrantRejected(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Op == OpCreateInstance && e.StatusCode == http.StatusBadRequest
}

// Ambiguous reports whether a request may have taken effect although no
// clear answer came back: a time-out, a dropped connection, a 5xx, or a 2xx
// whose body could not be read. After an ambiguous create, look for the
// instance before asking for a fresh authorization.
func Ambiguous(err error) bool {
	var ne *NetworkError
	var de *DecodeError
	var e *Error
	switch {
	case errors.As(err, &ne), errors.As(err, &de):
		return true
	case errors.As(err, &e):
		return e.StatusCode >= 500
	}
	return false
}

// IsNetwork reports whether err is a failure to get an answer at all.
func IsNetwork(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}

// inert makes text from a remote party safe to show in a terminal: control
// and bidi characters (escape sequences among them) and invalid UTF-8 are
// replaced (termsafe.Line), and the text is cut to limit characters.
func inert(s string, limit int) string {
	s = termsafe.Line(s)
	n := 0
	for i := range s {
		if n == limit {
			return strings.TrimSpace(s[:i]) + "…"
		}
		n++
	}
	return strings.TrimSpace(s)
}

var pageShapes = sync.OnceValue(func() [2]*regexp.Regexp {
	return [2]*regexp.Regexp{
		regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>|<!--.*?-->|<[^>]*>`),
		regexp.MustCompile(`\s+`),
	}
})

// pageText is the readable text of an HTML page: tags, scripts, styles and
// comments taken out, entities decoded, spaces collapsed.
func pageText(s string) string {
	re := pageShapes()
	s = re[0].ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return strings.TrimSpace(re[1].ReplaceAllString(s, " "))
}
