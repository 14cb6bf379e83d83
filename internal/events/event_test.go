package events

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hootwire/internal/termsafe"
)

var at = time.Date(2026, 12, 2, 12, 0, 1, 0, time.Local)

func TestEventLine(t *testing.T) {
	cases := []struct {
		ev   Event
		want string
	}{
		{Event{At: at, Method: "POST", Path: "/events", Delivery: true, Type: "UPDATED", Object: "messages", ObjectID: "msg-7",
			InstanceID: 427236, InstanceName: "Hootsuite demo", Signature: Valid, Status: 200},
			`12:00:01  UPDATED messages msg-7  instance 427236 "Hootsuite demo"  signature valid  answered 200`},
		{Event{At: at, Method: "POST", Path: "/events", Delivery: true, Type: "CREATED", Object: "messages", More: 2,
			Signature: Unchecked, Repeat: true, Status: 202, Forward: &ForwardResult{Status: 202, Took: 12*time.Millisecond + 400*time.Microsecond}},
			`12:00:01  CREATED messages (+2 more)  signature not checked  REPEAT  answered 202  app 202 in 12ms`},
		{Event{At: at, Method: "POST", Path: "/events", Delivery: true, Type: "UPDATED", Object: "messages",
			Signature: Invalid, Status: 401, Problem: "signature refused: " + ErrBadSignature.Error()},
			`12:00:01  UPDATED messages  signature INVALID  answered 401  - signature refused: the signature does not match the body and the key`},
		{Event{At: at, Method: "POST", Path: "/events", Delivery: true, Signature: Missing, Status: 401, Problem: "signature refused: " + ErrNoSignature.Error()},
			`12:00:01  POST /events  signature MISSING  answered 401  - signature refused: no Elements-Webhook-Signature header`},
		{Event{At: at, Method: "GET", Path: "/events", Status: 405, Problem: "only POST delivers an event"},
			`12:00:01  GET /events  answered 405  - only POST delivers an event`},
		{Event{At: at, Method: "POST", Path: "/events", Delivery: true, Status: 504, Forward: &ForwardResult{Error: "no answer within 10s", Took: 10 * time.Second, Late: true}},
			`12:00:01  POST /events  signature not checked  answered 504  app no answer within 10s in 10s (late)`},
	}
	for _, c := range cases {
		if got := c.ev.Line(); got != c.want {
			t.Errorf("Line\n got %s\nwant %s", got, c.want)
		}
	}
}

func TestEventLineAndJSONAreInert(t *testing.T) {
	hostile := "\x1b]0;pwned\x07\x1b[2J\r\nhootwire: done \u009b31m \u202eevil\u2066 \x7f \xff"
	ev := Event{
		At: at, Method: hostile, Path: hostile, Delivery: true, ID: hostile, EventID: hostile, Type: hostile, Object: hostile,
		ObjectID: hostile, Element: hostile, InstanceName: hostile, Problem: hostile, Status: 200,
		Forward: &ForwardResult{Error: hostile},
		Raw:     json.RawMessage("[\"\u009b\u202e\x7f\xff\"]"),
	}
	line := ev.Line()
	if !termsafe.Safe(line) || strings.Contains(line, "\n") {
		t.Errorf("line not inert: %q", line)
	}
	b := ev.JSON()
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f || !termsafe.Safe(string(r)) {
			t.Errorf("JSON holds %U: %q", r, b)
			break
		}
	}
	if !utf8.Valid(b) || bytes.Contains(b, []byte("\n")) {
		t.Errorf("JSON not one valid UTF-8 line: %q", b)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("JSON does not decode: %v\n%s", err, b)
	}
	if back["instance_name"] != strings.ToValidUTF8(hostile, "\uFFFD") {
		t.Errorf("instance_name decodes to %q", back["instance_name"])
	}
	if raw, _ := back["raw"].([]any); len(raw) != 1 || raw[0] != "\u009b\u202e\x7f\uFFFD" {
		t.Errorf("raw decodes to %q", back["raw"])
	}
}

func TestEventJSON(t *testing.T) {
	ev := Event{
		At: time.Date(2026, 12, 2, 12, 0, 1, 0, time.UTC), Method: "POST", Path: "/events", Delivery: true,
		ID: "wh-1", EventID: "ev-42", Type: "UPDATED", Object: "messages", ObjectID: "msg-7", Element: "hootsuite",
		InstanceID: 427236, InstanceName: "demo", Signature: Valid, Status: 200, Size: 10,
		Forward: &ForwardResult{Status: 200, Took: 1500 * time.Microsecond},
		Raw:     json.RawMessage(`[{"seq_no":1}]`),
	}
	want := `{"at":"2026-12-02T12:00:01Z","method":"POST","path":"/events","delivery":true,"id":"wh-1","event_id":"ev-42",` +
		`"type":"UPDATED","object":"messages","object_id":"msg-7","element":"hootsuite","instance_id":427236,"instance_name":"demo",` +
		`"signature":"valid","repeat":false,"status":200,"forward":{"status":200,"took_ms":1},"size":10,"raw":[{"seq_no":1}]}`
	if got := string(ev.JSON()); got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}

// FuzzReceive feeds the handler any method, path, headers and body: it
// never panics, answers one of its statuses, and what it reports is inert
// on a terminal and valid JSON.
func FuzzReceive(f *testing.F) {
	f.Add("POST", "/events", "wh-1", Sign([]byte(testKey), []byte(sampleBody)), "application/json", []byte(sampleBody))
	f.Add("POST", "/events", "", "sha1=", "", []byte(`{"message":{"events":[{}],"raw":"\u009b"}}`))
	f.Add("GET", "/x", "\x1b[2J", "md5=x", "text/plain", []byte{0xff, 0xfe})
	f.Add("POST", "/events", "id", "", "", []byte(`{"message":{"instanceId":"9223372036854775808","events":[1,2,3]}}`))
	allowed := map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 405: true, 413: true}
	f.Fuzz(func(t *testing.T, method, path, id, sig, ctype string, body []byte) {
		r, err := New(Options{Key: []byte(testKey), MaxBody: 4096, Buffer: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		req := httptest.NewRequest(http.MethodPost, "/events", bytes.NewReader(body))
		req.Method = method
		req.URL.Path = path
		req.Header = http.Header{HeaderID: {id}, HeaderSignature: {sig}, "Content-Type": {ctype}}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if !allowed[w.Code] {
			t.Fatalf("answered %d", w.Code)
		}
		ev := <-r.Events()
		if ev.Status != w.Code {
			t.Fatalf("reported %d, answered %d", ev.Status, w.Code)
		}
		if l := ev.Line(); !termsafe.Safe(l) {
			t.Fatalf("line not inert: %q", l)
		}
		if b := ev.JSON(); !json.Valid(b) || !utf8.Valid(b) {
			t.Fatalf("not valid JSON: %q", b)
		}
	})
}
