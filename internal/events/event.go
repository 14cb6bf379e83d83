package events

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hootwire/internal/termsafe"
)

// Verdict is what the receiver made of an event's signature.
type Verdict int

const (
	// Unchecked: the receiver has no key, so it cannot tell.
	Unchecked Verdict = iota
	// Valid: the body's HMAC under the key.
	Valid
	// Invalid: a signature that is not the body's HMAC under the key, or
	// that cannot be read (an unknown algorithm, not base64, two headers).
	Invalid
	// Missing: the receiver has a key and the event carries no signature.
	Missing
)

func (v Verdict) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	case Missing:
		return "missing"
	}
	return "unchecked"
}

// MarshalText writes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Bad reports whether the signature was refused (invalid or missing).
func (v Verdict) Bad() bool { return v == Invalid || v == Missing }

// ForwardResult is what the user's app (Options.ForwardTo) made of an event.
type ForwardResult struct {
	Status int           // the app's HTTP status; 0 when it gave none
	Error  string        // why there is no status: unreachable, no answer in time
	Took   time.Duration // from sending to the app's answer or the failure
	// Late: the app answered after the receiver had answered Open
	// Connectors itself (with 504), so its status did not reach it.
	Late bool
}

// Event is one request that reached the receiver: a delivery from Open
// Connectors, or something else that was refused (then Status says how).
// Every string in it came from the sender and is cut to a bounded length;
// none is safe to print as it is: use Line, or JSON.
type Event struct {
	At     time.Time // when it arrived
	Method string    // the request's method
	Path   string    // the request's path
	// Delivery: a POST on the receiver's path whose body was read, which
	// is what Open Connectors sends; false for a request refused before.
	Delivery bool
	// ID is the Elements-Webhook-Id header (the body's eventId when the
	// header is missing): what a retried delivery repeats.
	ID string
	// EventID is message.eventId, when the body has one.
	EventID string
	// Type, Object and ObjectID are the first of message.events: its
	// eventType, objectType and objectId; More counts the others.
	Type, Object, ObjectID string
	More                   int
	Element                string // message.elementKey
	InstanceID             int64  // message.instanceId
	InstanceName           string // message.instanceName
	Signature              Verdict
	// Repeat: a delivery with the same ID was accepted before in this run
	// (Open Connectors retries deliveries; a repeat is still answered 200).
	Repeat bool
	// Status is what the receiver answered; 0 when the sender had gone.
	Status int
	// Problem says what was wrong, in hootwire's words; empty when nothing.
	Problem string
	Forward *ForwardResult  // nil when the event was not forwarded
	Size    int             // bytes in the body as received
	Raw     json.RawMessage // message.raw, Hootsuite's own payload, as sent
}

// What names the event: "UPDATED messages 1234", or for a request that is
// no readable event, its method and path.
func (e Event) What() string {
	var parts []string
	for _, s := range []string{e.Type, e.Object, e.ObjectID} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return e.Method + " " + e.Path
	}
	w := strings.Join(parts, " ")
	if e.More > 0 {
		w += fmt.Sprintf(" (+%d more)", e.More)
	}
	return w
}

// Line is the event on one line for a terminal: time, what it is, the
// instance, the signature's verdict, the answer and the forward's result.
// Everything the sender chose passes through termsafe.Line.
func (e Event) Line() string {
	var b strings.Builder
	b.WriteString(e.At.Local().Format("15:04:05"))
	b.WriteString("  ")
	b.WriteString(shorten(e.What(), 80))
	if e.InstanceID != 0 || e.InstanceName != "" {
		b.WriteString("  instance")
		if e.InstanceID != 0 {
			b.WriteString(" " + strconv.FormatInt(e.InstanceID, 10))
		}
		if e.InstanceName != "" {
			b.WriteString(" \"" + shorten(e.InstanceName, 40) + "\"")
		}
	}
	if e.Delivery {
		b.WriteString("  signature ")
		switch e.Signature {
		case Unchecked:
			b.WriteString("not checked")
		case Missing:
			b.WriteString("MISSING")
		case Invalid:
			b.WriteString("INVALID")
		default:
			b.WriteString("valid")
		}
	}
	if e.Repeat {
		b.WriteString("  REPEAT")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "  answered %d", e.Status)
	} else {
		b.WriteString("  no answer (the sender hung up)")
	}
	if f := e.Forward; f != nil {
		b.WriteString("  app ")
		if f.Status != 0 {
			fmt.Fprintf(&b, "%d", f.Status)
		} else {
			b.WriteString(shorten(f.Error, 80))
		}
		fmt.Fprintf(&b, " in %s", f.Took.Round(time.Millisecond))
		if f.Late {
			b.WriteString(" (late)")
		}
	}
	if e.Problem != "" {
		b.WriteString("  - " + shorten(e.Problem, 160))
	}
	return termsafe.Line(b.String())
}

// jsonEvent is Event as one JSON object, in snake_case.
type jsonEvent struct {
	At           time.Time       `json:"at"`
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Delivery     bool            `json:"delivery"`
	ID           string          `json:"id,omitempty"`
	EventID      string          `json:"event_id,omitempty"`
	Type         string          `json:"type,omitempty"`
	Object       string          `json:"object,omitempty"`
	ObjectID     string          `json:"object_id,omitempty"`
	More         int             `json:"more_events,omitempty"`
	Element      string          `json:"element,omitempty"`
	InstanceID   int64           `json:"instance_id,omitempty"`
	InstanceName string          `json:"instance_name,omitempty"`
	Signature    Verdict         `json:"signature"`
	Repeat       bool            `json:"repeat"`
	Status       int             `json:"status"`
	Problem      string          `json:"problem,omitempty"`
	Forward      *jsonForward    `json:"forward,omitempty"`
	Size         int             `json:"size"`
	Raw          json.RawMessage `json:"raw,omitempty"`
}

type jsonForward struct {
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
	TookMS int64  `json:"took_ms"`
	Late   bool   `json:"late,omitempty"`
}

// MarshalJSON writes the event as one object in snake_case (see JSON).
func (e Event) MarshalJSON() ([]byte, error) {
	j := jsonEvent{
		At: e.At, Method: e.Method, Path: e.Path, Delivery: e.Delivery, ID: e.ID, EventID: e.EventID,
		Type: e.Type, Object: e.Object, ObjectID: e.ObjectID, More: e.More,
		Element: e.Element, InstanceID: e.InstanceID, InstanceName: e.InstanceName,
		Signature: e.Signature, Repeat: e.Repeat, Status: e.Status, Problem: e.Problem,
		Size: e.Size,
	}
	if len(e.Raw) > 0 && json.Valid(e.Raw) {
		j.Raw = e.Raw
	}
	if f := e.Forward; f != nil {
		j.Forward = &jsonForward{Status: f.Status, Error: f.Error, TookMS: f.Took.Milliseconds(), Late: f.Late}
	}
	return json.Marshal(j)
}

// JSON is the event as one JSON object on one line (no newline at the
// end), with every character a terminal could act on written as a \u
// escape, so it is safe on a terminal too and decodes to the same text.
func (e Event) JSON() []byte {
	b, err := e.MarshalJSON()
	if err != nil {
		// Only Raw could fail, and it is checked above; say so rather
		// than print nothing.
		return []byte(`{"problem":"the event could not be written as JSON"}`)
	}
	return inertJSON(b)
}

// inertJSON escapes, inside valid JSON, what encoding/json leaves as it is
// and a terminal could act on: DEL, C1 controls, bidi controls, and bytes
// that are not UTF-8 (which can come through a json.RawMessage). Outside
// strings, valid JSON holds only ASCII, so every such character is inside
// a string, where a \u escape stands for it.
func inertJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf && c != 0x7f {
			if out != nil {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if c != 0x7f && r != utf8.RuneError && termsafe.Safe(string(r)) {
			if out != nil {
				out = append(out, b[i:i+n]...)
			}
			i += n
			continue
		}
		if out == nil {
			out = append(make([]byte, 0, len(b)+16), b[:i]...)
		}
		if c == 0x7f {
			r = 0x7f
		}
		// Every rune termsafe refuses is in the Basic Multilingual Plane.
		out = fmt.Appendf(out, `\u%04x`, r)
		i += n
	}
	if out == nil {
		return b
	}
	return out
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cut keeps at most n bytes of s, at a rune boundary, for what the
// receiver keeps of a sender's string.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
