package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// eventJSON is one event of a delivery's body.
type eventJSON struct {
	EventType  string `json:"eventType"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	Date       string `json:"date"`
}

// The Hootsuite event types.
const (
	typePing     = "com.hootsuite.ping.event.v1"
	typeMessages = "com.hootsuite.messages.event.v1"
	typeComments = "com.hootsuite.comments.event.v1"
	typeApps     = "com.hootsuite.apps.event.v1"
)

// errNotEvents is the answer to a webhook whose body is not Hootsuite's.
var errNotEvents = errors.New("the webhook body must be a JSON array of Hootsuite events (objects with \"seq_no\", \"type\" and \"data\")")

// mapEvents turns a Hootsuite webhook body (a JSON array of events) into the
// events of a delivery, one per element. received dates an event whose data
// has no timestamp.
func mapEvents(raw []byte, received time.Time) ([]eventJSON, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' {
		return nil, errNotEvents
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, errNotEvents
	}
	out := make([]eventJSON, 0, len(elems))
	for _, e := range elems {
		if t := bytes.TrimSpace(e); len(t) == 0 || t[0] != '{' {
			return nil, errNotEvents
		}
		var ev struct {
			Type json.RawMessage `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(e, &ev); err != nil {
			return nil, errNotEvents
		}
		out = append(out, mapEvent(text(ev.Type), ev.Data, received))
	}
	return out, nil
}

// mapEvent maps one Hootsuite event as the platform does.
func mapEvent(typ string, data json.RawMessage, received time.Time) eventJSON {
	// Best effort: a field of an unexpected type is left out, not refused.
	var d struct {
		State     json.RawMessage `json:"state"`
		Event     json.RawMessage `json:"event"`
		Timestamp json.RawMessage `json:"timestamp"`
		Message   struct {
			ID json.RawMessage `json:"id"`
		} `json:"message"`
		Comment struct {
			ID json.RawMessage `json:"id"`
		} `json:"comment"`
	}
	json.Unmarshal(data, &d)
	date := received
	if ts, err := time.Parse(time.RFC3339Nano, text(d.Timestamp)); err == nil {
		date = ts
	}
	ev := eventJSON{EventType: "UPDATED", Date: date.UTC().Format(time.RFC3339)}
	state := strings.ToUpper(text(d.State))
	switch typ {
	case typePing:
		ev.ObjectType, ev.EventType = "ping", "PING"
	case typeMessages:
		ev.ObjectType, ev.ObjectID = "messages", text(d.Message.ID)
		switch state {
		case "SCHEDULED", "PENDING_APPROVAL":
			ev.EventType = "CREATED"
		case "DELETED", "REJECTED":
			ev.EventType = "DELETED"
		}
	case typeComments:
		ev.ObjectType, ev.EventType, ev.ObjectID = "comments", "CREATED", text(d.Comment.ID)
	case typeApps:
		ev.ObjectType = "apps"
		if state == "" {
			state = strings.ToUpper(text(d.Event))
		}
		switch state {
		case "INSTALLED":
			ev.EventType = "CREATED"
		case "UNINSTALLED":
			ev.EventType = "DELETED"
		}
	default:
		// com.hootsuite.<object>.event.v1 names its object; anything else is kept whole.
		ev.ObjectType = typ
		if rest, ok := strings.CutPrefix(typ, "com.hootsuite."); ok {
			if obj, _, ok := strings.Cut(rest, "."); ok && obj != "" {
				ev.ObjectType = obj
			}
		}
	}
	return ev
}

// text is a JSON string's value or a JSON number's digits; "" for anything else.
func text(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return ""
	}
	if t[0] == '"' {
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
		return ""
	}
	var n json.Number
	if json.Unmarshal(t, &n) == nil {
		return n.String()
	}
	return ""
}

// objectTypes is a delivery's Type: its events' object types, each once, in order.
func objectTypes(events []eventJSON) string {
	var seen []string
	for _, e := range events {
		if !contains(seen, e.ObjectType) {
			seen = append(seen, e.ObjectType)
		}
	}
	return strings.Join(seen, ",")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// deliveryBody is the body the platform posts to the event callback URL:
// {"message":{"eventId","elementKey","instanceId","instanceName","events","raw"}},
// with raw the webhook's body byte for byte.
func deliveryBody(id string, instanceID int64, instanceName string, events []eventJSON, raw []byte) []byte {
	head, err := json.Marshal(struct {
		EventID      string      `json:"eventId"`
		ElementKey   string      `json:"elementKey"`
		InstanceID   int64       `json:"instanceId"`
		InstanceName string      `json:"instanceName"`
		Events       []eventJSON `json:"events"`
	}{id, ElementKey, instanceID, instanceName, events})
	if err != nil {
		panic("sandbox: cannot encode a delivery: " + err.Error()) // strings and numbers only: cannot happen
	}
	var b bytes.Buffer
	b.Grow(len(head) + len(raw) + 32)
	b.WriteString(`{"message":`)
	b.Write(head[:len(head)-1])
	b.WriteString(`,"raw":`)
	b.Write(raw)
	b.WriteString(`}}`)
	return b.Bytes()
}

// sign is the Elements-Webhook-Signature of body under key.
func sign(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// newDeliveryID is a random id in the form of a UUID (version 4).
func newDeliveryID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
