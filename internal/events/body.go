package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// maxField is how many bytes of any one string from the sender an Event
// keeps.
const maxField = 256

// errNotJSON marks a body that is not a JSON object (answered 400).
var errNotJSON = errors.New("the body is not a JSON object")

// message is the part of the body hootwire reads. Every field is taken as
// it comes: only message.eventId and message.raw are known to be in the
// real platform's events, so nothing is required and a field of another
// type is left out rather than refused.
type message struct {
	EventID      json.RawMessage `json:"eventId"`
	ElementKey   json.RawMessage `json:"elementKey"`
	InstanceID   json.RawMessage `json:"instanceId"`
	InstanceName json.RawMessage `json:"instanceName"`
	Events       json.RawMessage `json:"events"`
	Raw          json.RawMessage `json:"raw"`
}

type entry struct {
	EventType  json.RawMessage `json:"eventType"`
	ObjectType json.RawMessage `json:"objectType"`
	ObjectID   json.RawMessage `json:"objectId"`
}

// parse fills ev from body: {"message":{...}}. It returns errNotJSON
// (wrapped with the reason) for a body that is not a JSON object, and a
// note (not an error) when the object holds no message.
func parse(body []byte, ev *Event) (note string, err error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return "", fmt.Errorf("%w: it is empty", errNotJSON)
	}
	if !json.Valid(body) {
		// json.Unmarshal says where; its message quotes at most one
		// character of the body.
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return "", fmt.Errorf("%w: %v", errNotJSON, err)
		}
		return "", errNotJSON
	}
	if trimmed[0] != '{' {
		return "", fmt.Errorf("%w: it is JSON, but not an object", errNotJSON)
	}
	var env struct {
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return "", fmt.Errorf("%w: %v", errNotJSON, err)
	}
	var m message
	if len(env.Message) == 0 || json.Unmarshal(env.Message, &m) != nil {
		return `the body has no "message" object, so nothing of the event can be shown`, nil
	}
	ev.EventID = text(m.EventID)
	ev.Element = text(m.ElementKey)
	ev.InstanceID = number(m.InstanceID)
	ev.InstanceName = text(m.InstanceName)
	var list []json.RawMessage
	if json.Unmarshal(m.Events, &list) == nil && len(list) > 0 {
		var first entry
		if json.Unmarshal(list[0], &first) == nil {
			ev.Type = text(first.EventType)
			ev.Object = text(first.ObjectType)
			ev.ObjectID = text(first.ObjectID)
		}
		ev.More = len(list) - 1
	}
	if len(m.Raw) > 0 && !bytes.Equal(m.Raw, []byte("null")) {
		ev.Raw = append(json.RawMessage(nil), m.Raw...)
	}
	return "", nil
}

// text is a JSON string or number as text, cut to maxField; anything else
// is left out.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return cut(s, maxField)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return cut(n.String(), maxField)
	}
	return ""
}

// number is a JSON integer, or a string holding one; 0 otherwise.
func number(raw json.RawMessage) int64 {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0
		}
		n = json.Number(s)
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0
	}
	return v
}
