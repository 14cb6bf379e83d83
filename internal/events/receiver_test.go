package events

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hootwire/internal/termsafe"
)

// sampleBody is a delivery as hootwire's sandbox sends it.
const sampleBody = `{"message":{"eventId":"ev-42","elementKey":"hootsuite","instanceId":427236,"instanceName":"Hootsuite demo",` +
	`"events":[{"eventType":"UPDATED","objectType":"messages","objectId":"msg-7","date":"2026-12-02T12:00:00Z"}],` +
	`"raw":[{"seq_no":1,"type":"com.hootsuite.messages.event.v1","data":{"state":"SENT"}}]}}`

// listen starts a receiver on a free loopback port for one test.
func listen(t *testing.T, o Options) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Listen(ctx, "127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.Done():
		case <-time.After(5 * time.Second):
			t.Error("the receiver did not stop within 5s")
		}
	})
	return s
}

// post sends body to url with headers (name, value pairs) and returns the
// status.
func post(t *testing.T, url, body string, headers ...string) int {
	t.Helper()
	return do(t, http.MethodPost, url, body, headers...).StatusCode
}

func do(t *testing.T, method, url, body string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// signed are the headers of a delivery signed with key.
func signed(key, id, body string) []string {
	return []string{HeaderID, id, HeaderSignature, Sign([]byte(key), []byte(body))}
}

// next is the next event the receiver reports.
func next(t *testing.T, r *Receiver) Event {
	t.Helper()
	select {
	case ev, ok := <-r.Events():
		if !ok {
			t.Fatal("Events closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event reported within 5s")
	}
	return Event{}
}

func TestReceiverReportsAValidDelivery(t *testing.T) {
	s := listen(t, Options{Key: []byte(testKey)})
	if got := post(t, s.URL, sampleBody, signed(testKey, "wh-1", sampleBody)...); got != http.StatusOK {
		t.Fatalf("status %d, want 200", got)
	}
	ev := next(t, s.Receiver)
	want := Event{
		Method: "POST", Path: "/events", Delivery: true, ID: "wh-1", EventID: "ev-42",
		Type: "UPDATED", Object: "messages", ObjectID: "msg-7", Element: "hootsuite",
		InstanceID: 427236, InstanceName: "Hootsuite demo", Signature: Valid, Status: 200, Size: len(sampleBody),
	}
	got := ev
	got.At, got.Raw = time.Time{}, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("event\n got %+v\nwant %+v", got, want)
	}
	if string(ev.Raw) != `[{"seq_no":1,"type":"com.hootsuite.messages.event.v1","data":{"state":"SENT"}}]` {
		t.Errorf("raw = %s", ev.Raw)
	}
	if st := s.Stats(); st.Deliveries != 1 || st.Valid != 1 || st.Refused != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestReceiverHostileRequests sends what Open Connectors never would: each
// is answered with its status, reported, and leaves the receiver serving.
func TestReceiverHostileRequests(t *testing.T) {
	huge := `{"message":{"raw":"` + strings.Repeat("a", 2<<20) + `"}}`
	cases := []struct {
		name      string
		method    string
		path      string
		body      string
		headers   []string
		chunked   bool // no Content-Length: the limit must hold while reading
		status    int
		verdict   Verdict
		delivery  bool
		problem   string
		wantCount func(Stats) int
	}{
		{name: "GET", method: "GET", status: 405, problem: "only POST", wantCount: func(s Stats) int { return s.Refused }},
		{name: "PUT", method: "PUT", body: sampleBody, status: 405, problem: "only POST", wantCount: func(s Stats) int { return s.Refused }},
		{name: "another path", path: "/webhook", body: sampleBody, status: 404, problem: "takes events on /events", wantCount: func(s Stats) int { return s.Refused }},
		{name: "a path beneath", path: "/events/../admin", body: sampleBody, status: 404, wantCount: func(s Stats) int { return s.Refused }},
		{name: "huge body", body: huge, status: 413, problem: "over 1 MiB", wantCount: func(s Stats) int { return s.Refused }},
		{name: "huge body without a length", body: huge, chunked: true, status: 413, problem: "over 1 MiB", wantCount: func(s Stats) int { return s.Refused }},
		{name: "bad JSON", body: `{"message":`, status: 400, verdict: Valid, delivery: true, problem: "not a JSON object", wantCount: func(s Stats) int { return s.BadBodies }},
		{name: "JSON, not an object", body: `[1,2]`, status: 400, verdict: Valid, delivery: true, problem: "not an object", wantCount: func(s Stats) int { return s.BadBodies }},
		{name: "empty body", body: ``, status: 400, verdict: Valid, delivery: true, problem: "empty", wantCount: func(s Stats) int { return s.BadBodies }},
		{name: "forged signature", body: sampleBody, headers: []string{HeaderSignature, otherSHA256}, status: 401, verdict: Invalid, delivery: true, problem: "does not match", wantCount: func(s Stats) int { return s.Invalid }},
		{name: "missing signature", body: sampleBody, headers: []string{}, status: 401, verdict: Missing, delivery: true, problem: "no Elements-Webhook-Signature", wantCount: func(s Stats) int { return s.Missing }},
		{name: "unknown algorithm", body: sampleBody, headers: []string{HeaderSignature, "md5=1B2M2Y8AsgTpgAmY7PhCfg=="}, status: 401, verdict: Invalid, delivery: true, problem: "algorithm", wantCount: func(s Stats) int { return s.Invalid }},
		{name: "two signatures", body: sampleBody, headers: []string{HeaderSignature, Sign([]byte(testKey), []byte(sampleBody)), HeaderSignature, otherSHA256}, status: 401, verdict: Invalid, delivery: true, wantCount: func(s Stats) int { return s.Invalid }},
		{name: "from a web page", body: sampleBody, headers: []string{"Origin", "https://evil.example"}, status: 403, problem: "web browser", wantCount: func(s Stats) int { return s.Refused }},
		{name: "no message", body: `{"hello":"world"}`, status: 200, verdict: Valid, delivery: true, problem: `no "message"`, wantCount: func(s Stats) int { return s.Valid }},
		{name: "fields of other types", body: `{"message":{"eventId":7,"instanceId":"12","instanceName":{"x":1},"events":"no","raw":null}}`, status: 200, verdict: Valid, delivery: true, wantCount: func(s Stats) int { return s.Valid }},
		{name: "deep nesting", body: `{"message":{"raw":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`, status: 400, verdict: Valid, delivery: true, wantCount: func(s Stats) int { return s.BadBodies }},
		{name: "escapes in every field", body: `{"message":{"eventId":"\u001b]0;pwned\u0007","instanceName":"\u001b[2J\u202eevil","events":[{"eventType":"\r\nhootwire: done","objectType":"\u009b31m"}]}}`, status: 200, verdict: Valid, delivery: true, wantCount: func(s Stats) int { return s.Valid }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := listen(t, Options{Key: []byte(testKey)})
			method := c.method
			if method == "" {
				method = "POST"
			}
			url := s.URL
			if c.path != "" {
				url = strings.TrimSuffix(s.URL, "/events") + c.path
			}
			headers := c.headers
			if headers == nil {
				headers = signed(testKey, "wh-"+c.name, c.body)
			}
			var body io.Reader = strings.NewReader(c.body)
			if c.chunked {
				body = io.MultiReader(strings.NewReader(c.body)) // hides the length
			}
			req, _ := http.NewRequest(method, url, body)
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Add(headers[i], headers[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.status == 405 && resp.Header.Get("Allow") != "POST" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
			ev := next(t, s.Receiver)
			if ev.Status != c.status || ev.Signature != c.verdict || ev.Delivery != c.delivery {
				t.Errorf("event status %d verdict %v delivery %v, want %d %v %v", ev.Status, ev.Signature, ev.Delivery, c.status, c.verdict, c.delivery)
			}
			if !strings.Contains(ev.Problem, c.problem) {
				t.Errorf("problem %q, want it to say %q", ev.Problem, c.problem)
			}
			if got := c.wantCount(s.Stats()); got != 1 {
				t.Errorf("stats %+v: the count for this case is %d, want 1", s.Stats(), got)
			}
			line := ev.Line()
			if !termsafe.Safe(line) || strings.ContainsAny(line, "\x1b\x07\u009b\u202e") {
				t.Errorf("line not inert: %q", line)
			}
			if c.verdict.Bad() && !strings.Contains(line, strings.ToUpper(c.verdict.String())) {
				t.Errorf("line %q does not say the signature is %v", line, c.verdict)
			}
			// Still serving.
			if got := post(t, s.URL, sampleBody, signed(testKey, "after-"+c.name, sampleBody)...); got != 200 {
				t.Errorf("a good delivery after it: status %d", got)
			}
			if ev := next(t, s.Receiver); ev.Status != 200 || ev.Repeat {
				t.Errorf("the good delivery after it: %+v", ev)
			}
		})
	}
}

func TestReceiverWithoutAKeyChecksNothing(t *testing.T) {
	s := listen(t, Options{})
	if got := post(t, s.URL, sampleBody, HeaderID, "wh-1", HeaderSignature, "sha256=forged"); got != 200 {
		t.Fatalf("status %d", got)
	}
	ev := next(t, s.Receiver)
	if ev.Signature != Unchecked || !strings.Contains(ev.Line(), "signature not checked") {
		t.Errorf("verdict %v, line %q", ev.Signature, ev.Line())
	}
	if st := s.Stats(); st.Unchecked != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestReceiverTellsARepeatedDelivery(t *testing.T) {
	s := listen(t, Options{Key: []byte(testKey)})
	h := signed(testKey, "wh-9", sampleBody)
	// A forged delivery with the real one's id is refused and not
	// remembered: the real one is then no repeat.
	if got := post(t, s.URL, sampleBody, HeaderID, "wh-9", HeaderSignature, otherSHA256); got != 401 {
		t.Fatalf("forged: status %d", got)
	}
	for i, wantRepeat := range []bool{false, true, true} {
		if got := post(t, s.URL, sampleBody, h...); got != 200 {
			t.Fatalf("delivery %d: status %d, want 200 (Open Connectors retries; a repeat is answered as the first)", i, got)
		}
		_ = wantRepeat
	}
	var repeats []bool
	for range 4 {
		ev := next(t, s.Receiver)
		if ev.Status == 200 {
			repeats = append(repeats, ev.Repeat)
		}
	}
	if fmt.Sprint(repeats) != "[false true true]" {
		t.Errorf("repeats %v, want [false true true]", repeats)
	}
	// The id is the header's; without it, the body's eventId.
	body := `{"message":{"eventId":"only-in-the-body"}}`
	post(t, s.URL, body, HeaderSignature, Sign([]byte(testKey), []byte(body)))
	post(t, s.URL, body, HeaderSignature, Sign([]byte(testKey), []byte(body)))
	if a, b := next(t, s.Receiver), next(t, s.Receiver); a.Repeat || !b.Repeat || b.ID != "only-in-the-body" {
		t.Errorf("by eventId: %+v then %+v", a, b)
	}
	if st := s.Stats(); st.Repeats != 3 || st.Valid != 5 || st.Invalid != 1 {
		t.Errorf("stats %+v", st)
	}
	if l := (Event{Delivery: true, Repeat: true, Status: 200}).Line(); !strings.Contains(l, "REPEAT") {
		t.Errorf("line %q does not say repeat", l)
	}
}

func TestReceiverRemembersABoundedNumberOfIDs(t *testing.T) {
	r, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range rememberIDs + 10 {
		if r.remember(fmt.Sprint(i)) {
			t.Fatalf("%d seen before", i)
		}
	}
	if len(r.seen) != rememberIDs || len(r.order) != rememberIDs {
		t.Fatalf("kept %d ids, %d in order", len(r.seen), len(r.order))
	}
	if r.remember("3") {
		t.Error("an id pushed out still counts as seen")
	}
	if !r.remember(fmt.Sprint(rememberIDs + 9)) {
		t.Error("the newest id forgotten")
	}
}

// TestReceiverCutsOffASlowClient: a client that sends its headers and then
// trickles, or stalls inside its headers, is cut off at the read time-out,
// and the receiver goes on serving others meanwhile.
func TestReceiverCutsOffASlowClient(t *testing.T) {
	s := listen(t, Options{Key: []byte(testKey), ReadTimeout: 300 * time.Millisecond})
	addr := s.Addr.String()

	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprintf(conn, "POST /events HTTP/1.1\r\nHost: %s\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{\"mess", addr)
		// Meanwhile another delivery is served at once.
		if got := post(t, s.URL, sampleBody, signed(testKey, "other", sampleBody)...); got != 200 {
			t.Errorf("a delivery beside the slow one: %d", got)
		}
		if ev := next(t, s.Receiver); ev.Status != 200 {
			t.Errorf("the delivery beside it: %+v", ev)
		}
		ev := next(t, s.Receiver)
		if ev.Status != http.StatusRequestTimeout || !strings.Contains(ev.Problem, "too slow") {
			t.Errorf("slow body reported as %+v", ev)
		}
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Errorf("answered %d, want 408", resp.StatusCode)
			}
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the slow client was held %s", took)
		}
	})

	t.Run("slow headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprintf(conn, "POST /events HTTP/1.1\r\nHost: %s\r\nContent-Le", addr)
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		io.Copy(io.Discard, conn) // until the receiver hangs up
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the connection was held %s", took)
		}
		if got := post(t, s.URL, sampleBody, signed(testKey, "after-slow", sampleBody)...); got != 200 {
			t.Errorf("after the slow client: %d", got)
		}
		if ev := next(t, s.Receiver); ev.ID != "after-slow" {
			t.Errorf("reported %+v; a client cut off inside its headers never reached the handler and is not an event", ev)
		}
	})
}

// TestASlowReaderNeverHoldsAnAnswer: with nobody reading Events, deliveries
// are still answered at once; what does not fit the buffer is dropped and
// counted.
func TestASlowReaderNeverHoldsAnAnswer(t *testing.T) {
	s := listen(t, Options{Buffer: 2})
	for i := range 5 {
		start := time.Now()
		if got := post(t, s.URL, sampleBody, HeaderID, fmt.Sprint("wh-", i)); got != 200 {
			t.Fatalf("status %d", got)
		}
		if took := time.Since(start); took > time.Second {
			t.Fatalf("answer took %s", took)
		}
	}
	if st := s.Stats(); st.Deliveries != 5 || st.Dropped != 3 {
		t.Errorf("stats %+v, want 5 deliveries, 3 dropped", st)
	}
	if a, b := next(t, s.Receiver), next(t, s.Receiver); a.ID != "wh-0" || b.ID != "wh-1" {
		t.Errorf("kept %q and %q, want the first two", a.ID, b.ID)
	}
}

// app is a test app to forward to: it records what it got and answers
// with status after delay.
type app struct {
	*httptest.Server
	status atomic.Int32
	delay  atomic.Int64
	mu     sync.Mutex
	got    []*http.Request
	bodies []string
}

func newApp(t *testing.T, status int) *app {
	a := &app{}
	a.status.Store(int32(status))
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.got = append(a.got, r)
		a.bodies = append(a.bodies, string(b))
		a.mu.Unlock()
		select {
		case <-time.After(time.Duration(a.delay.Load())):
		case <-r.Context().Done():
			return
		}
		if st := int(a.status.Load()); st == http.StatusFound {
			http.Redirect(w, r, "/elsewhere", st)
		} else {
			w.WriteHeader(st)
		}
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *app) requests() ([]*http.Request, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*http.Request(nil), a.got...), append([]string(nil), a.bodies...)
}

func TestReceiverForwardsToTheApp(t *testing.T) {
	a := newApp(t, http.StatusAccepted)
	s := listen(t, Options{Key: []byte(testKey), ForwardTo: a.URL + "/hooks/oc?x=1"})
	h := append(signed(testKey, "wh-1", sampleBody), "Authorization", "User secret", "Cookie", "c=1", "Elements-Other", "kept")
	if got := post(t, s.URL, sampleBody, h...); got != http.StatusAccepted {
		t.Errorf("Open Connectors was answered %d, want the app's 202", got)
	}
	ev := next(t, s.Receiver)
	if ev.Forward == nil || ev.Forward.Status != 202 || ev.Forward.Error != "" || ev.Forward.Late || ev.Status != 202 {
		t.Fatalf("event %+v forward %+v", ev, ev.Forward)
	}
	if l := ev.Line(); !strings.Contains(l, "app 202") {
		t.Errorf("line %q does not show the app's answer", l)
	}
	reqs, bodies := a.requests()
	if len(reqs) != 1 {
		t.Fatalf("the app got %d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.URL.Path != "/hooks/oc" || r.URL.RawQuery != "x=1" || bodies[0] != sampleBody {
		t.Errorf("the app got %s %s with %q", r.Method, r.URL, bodies[0])
	}
	for k, want := range map[string]string{
		HeaderID: "wh-1", HeaderSignature: Sign([]byte(testKey), []byte(sampleBody)),
		"Content-Type": "application/json", "Elements-Other": "kept", "Authorization": "", "Cookie": "",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("the app got %s: %q, want %q", k, got, want)
		}
	}
	if st := s.Stats(); st.Forwarded != 1 {
		t.Errorf("stats %+v", st)
	}

	// What the receiver refused does not reach the app.
	post(t, s.URL, sampleBody, HeaderID, "wh-2", HeaderSignature, otherSHA256)
	post(t, s.URL, `not json`, signed(testKey, "wh-3", `not json`)...)
	for range 2 {
		if ev := next(t, s.Receiver); ev.Forward != nil {
			t.Errorf("a refused delivery was forwarded: %+v", ev)
		}
	}
	if reqs, _ := a.requests(); len(reqs) != 1 {
		t.Errorf("the app got %d requests, want only the valid one", len(reqs))
	}
}

func TestReceiverReportsTheAppsFailures(t *testing.T) {
	t.Run("an error status is passed on", func(t *testing.T) {
		a := newApp(t, http.StatusInternalServerError)
		s := listen(t, Options{ForwardTo: a.URL})
		if got := post(t, s.URL, sampleBody, HeaderID, "wh-1"); got != 500 {
			t.Errorf("answered %d, want the app's 500", got)
		}
		if ev := next(t, s.Receiver); ev.Forward == nil || ev.Forward.Status != 500 {
			t.Errorf("event %+v", ev)
		}
	})
	t.Run("a redirect is not followed", func(t *testing.T) {
		a := newApp(t, http.StatusFound)
		s := listen(t, Options{ForwardTo: a.URL})
		if got := post(t, s.URL, sampleBody, HeaderID, "wh-1"); got != 302 {
			t.Errorf("answered %d, want the app's 302", got)
		}
		next(t, s.Receiver)
		if reqs, _ := a.requests(); len(reqs) != 1 {
			t.Errorf("the app got %d requests, want 1", len(reqs))
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		a := newApp(t, 200)
		url := a.URL
		a.Close()
		s := listen(t, Options{ForwardTo: url})
		if got := post(t, s.URL, sampleBody, HeaderID, "wh-1"); got != http.StatusBadGateway {
			t.Errorf("answered %d, want 502", got)
		}
		ev := next(t, s.Receiver)
		if ev.Forward == nil || ev.Forward.Status != 0 || !strings.Contains(ev.Forward.Error, "unreachable") {
			t.Fatalf("event %+v forward %+v", ev, ev.Forward)
		}
		if l := ev.Line(); !strings.Contains(l, "app unreachable") || strings.Contains(l, url) {
			t.Errorf("line %q", l)
		}
		if st := s.Stats(); st.Unanswered != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("slower than the answer may wait", func(t *testing.T) {
		a := newApp(t, http.StatusNoContent)
		a.delay.Store(int64(1500 * time.Millisecond))
		s := listen(t, Options{ForwardTo: a.URL, AnswerWithin: 200 * time.Millisecond, ForwardTimeout: 5 * time.Second})
		start := time.Now()
		if got := post(t, s.URL, sampleBody, HeaderID, "wh-1"); got != http.StatusGatewayTimeout {
			t.Errorf("answered %d, want 504", got)
		}
		if took := time.Since(start); took > 1200*time.Millisecond {
			t.Errorf("the answer waited %s for the app", took)
		}
		ev := next(t, s.Receiver)
		if ev.Status != 504 || ev.Forward == nil || ev.Forward.Status != 204 || !ev.Forward.Late || ev.Forward.Took < 1500*time.Millisecond {
			t.Errorf("event %+v forward %+v", ev, ev.Forward)
		}
		if l := ev.Line(); !strings.Contains(l, "answered 504") || !strings.Contains(l, "app 204") || !strings.Contains(l, "(late)") {
			t.Errorf("line %q", l)
		}
		if st := s.Stats(); st.Deliveries != 1 || st.Forwarded != 1 || st.Unchecked != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("slower than the forward may take", func(t *testing.T) {
		a := newApp(t, 200)
		a.delay.Store(int64(5 * time.Second))
		s := listen(t, Options{ForwardTo: a.URL, AnswerWithin: 100 * time.Millisecond, ForwardTimeout: 300 * time.Millisecond})
		if got := post(t, s.URL, sampleBody, HeaderID, "wh-1"); got != http.StatusGatewayTimeout {
			t.Errorf("answered %d, want 504", got)
		}
		ev := next(t, s.Receiver)
		if ev.Forward == nil || ev.Forward.Status != 0 || !strings.Contains(ev.Forward.Error, "no answer within 300ms") {
			t.Errorf("event %+v forward %+v", ev, ev.Forward)
		}
	})
}

func TestAForwardBackToTheReceiverIsALoop(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	self := "http://" + ts.Listener.Addr().String() + "/events"
	r, err := New(Options{ForwardTo: self})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = r
	ts.Start()
	defer ts.Close()
	defer r.Close()
	if got := post(t, self, sampleBody, HeaderID, "wh-1"); got != http.StatusLoopDetected {
		t.Errorf("answered %d, want 508", got)
	}
	loop, outer := next(t, r), next(t, r)
	if loop.Status != http.StatusLoopDetected || !strings.Contains(loop.Problem, "points at the receiver itself") {
		t.Errorf("the forward coming back: %+v", loop)
	}
	if outer.Forward == nil || outer.Forward.Status != http.StatusLoopDetected {
		t.Errorf("the delivery: %+v", outer)
	}
}

func TestNewRefusesWhatItCannotUse(t *testing.T) {
	for _, o := range []Options{
		{ForwardTo: "localhost:3000/hook"},
		{ForwardTo: "ftp://example.com/"},
		{ForwardTo: "http:///nohost"},
		{ForwardTo: "http://[::1"},
		{Path: "events"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestTheDefaultAddressIsLoopback(t *testing.T) {
	// Not bound here: another package's tests may use it meanwhile.
	host, _, err := net.SplitHostPort(DefaultAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		t.Errorf("DefaultAddr %s is not a loopback address", DefaultAddr)
	}
}

func TestListenReportsABusyAddress(t *testing.T) {
	s := listen(t, Options{})
	_, err := Listen(context.Background(), s.Addr.String(), Options{})
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("err = %v", err)
	}
}

func TestListenStopsOnCancelAndClosesEvents(t *testing.T) {
	a := newApp(t, 200)
	a.delay.Store(int64(10 * time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Listen(ctx, "127.0.0.1:0", Options{ForwardTo: a.URL, AnswerWithin: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	post(t, s.URL, sampleBody, HeaderID, "wh-1") // its forward is still in flight
	start := time.Now()
	cancel()
	var evs []Event
	for ev := range s.Events() {
		evs = append(evs, ev)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("stopping took %s", took)
	}
	<-s.Done()
	if len(evs) != 1 || evs[0].Forward == nil || !strings.Contains(evs[0].Forward.Error, "stopped") {
		t.Errorf("events %+v", evs)
	}
	if s.Err() != nil {
		t.Errorf("Err = %v", s.Err())
	}
	if _, err := net.Dial("tcp", s.Addr.String()); err == nil {
		t.Error("still listening")
	}
}
