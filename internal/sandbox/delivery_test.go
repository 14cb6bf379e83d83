package sandbox_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

// receiver is an event callback URL's server: it records every request and
// answers with the status answer gives for the request's number (from 1).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []received
	answer  func(n int) int
	arrived chan struct{} // one value per request, once recorded
}

type received struct {
	path   string
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer, arrived: make(chan struct{}, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.URL.Path, r.Header.Clone(), b})
		n := len(rc.got)
		rc.mu.Unlock()
		status := http.StatusOK
		if rc.answer != nil {
			status = rc.answer(n)
		}
		if status/100 == 3 {
			w.Header().Set("Location", "/redirected")
		}
		w.WriteHeader(status)
		rc.arrived <- struct{}{}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received{}, rc.got...)
}

// instanceDelivering creates an instance whose events go to callbackURL,
// signed with key when key is not "".
func (e *env) instanceDelivering(callbackURL, key string) instanceJSON {
	e.t.Helper()
	return e.newInstance(func(b map[string]any) {
		configOf(b)["event.notification.callback.url"] = callbackURL
		if key != "" {
			configOf(b)["event.notification.signature.key"] = key
		}
	})
}

// webhook posts a Hootsuite webhook body to an instance's events endpoint.
func (e *env) webhook(id int64, body string) response {
	e.t.Helper()
	return e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(id), http.Header{"Content-Type": {"application/json"}}, body)
}

// settled waits until every delivery the sandbox made has ended, and returns them.
func settled(t *testing.T, sb *sandbox.Sandbox) []sandbox.Delivery {
	t.Helper()
	var ds []sandbox.Delivery
	waitFor(t, "the deliveries to end", func() bool {
		ds = sb.Deliveries()
		for _, d := range ds {
			if d.State == sandbox.DeliveryPending {
				return false
			}
		}
		return true
	})
	return ds
}

// arrives waits for a value on ch, failing after a generous bound rather
// than hanging when a regression means it never comes.
func arrives[T any](t *testing.T, what string, ch <-chan T) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
	}
}

// waits records the back-off waits asked for and returns at once.
type waits struct {
	mu   sync.Mutex
	asks []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.asks = append(w.asks, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) asked() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration{}, w.asks...)
}

func TestSignatureKeyIsKeptAndMaskedInEveryAnswer(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	const key = "sig/Key+c2lnbmF0dXJl=="
	code := e.code(callback)
	body := createBody(code)
	configOf(body)["event.notification.signature.key"] = key
	r := e.create(body)
	if r.status != 200 {
		t.Fatalf("create with a signature key: %v", r)
	}
	var in instanceJSON
	decode(t, r.body, &in)
	path := "/instances/" + strconv.FormatInt(in.ID, 10)
	answers := map[string]response{
		"create": r,
		"GET":    e.api("GET", path, ""),
		"list":   e.api("GET", "/instances", ""),
		"PATCH":  e.api("PATCH", path, `{"name":"renamed"}`),
	}
	for name, r := range answers {
		if r.status != 200 || strings.Contains(string(r.body), key) || strings.Contains(string(r.body), "c2lnbmF0dXJl") {
			t.Errorf("%s: %d, shows the signature key: %s", name, r.status, r.body)
		}
		var got instanceJSON
		if name == "list" {
			var all []instanceJSON
			decode(t, r.body, &all)
			got = all[0]
		} else {
			decode(t, r.body, &got)
		}
		if v := got.Configuration["event.notification.signature.key"]; v == nil || *v != "********" {
			t.Errorf("%s: signature key shown as %v, want ********, as oauth.api.secret (%v)", name, v, *got.Configuration["oauth.api.secret"])
		}
	}
	if got := e.sb.Instances()[0].Config["event.notification.signature.key"]; got != key {
		t.Errorf("kept signature key = %q, want %q", got, key)
	}

	// PATCH sets it, and null clears it.
	r = e.api("PATCH", path, `{"configuration":{"event.notification.signature.key":"another-key"}}`)
	if r.status != 200 || strings.Contains(string(r.body), "another-key") || !strings.Contains(string(r.body), `"event.notification.signature.key":"********"`) {
		t.Errorf("PATCH the signature key: %v", r)
	}
	if got := e.sb.Instances()[0].Config["event.notification.signature.key"]; got != "another-key" {
		t.Errorf("patched signature key = %q", got)
	}
	r = e.api("PATCH", path, `{"configuration":{"event.notification.signature.key":null}}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"event.notification.signature.key":null`) {
		t.Errorf("PATCH the signature key to null: %v", r)
	}
	if _, kept := e.sb.Instances()[0].Config["event.notification.signature.key"]; kept {
		t.Error("a null signature key is still kept")
	}

	// Only a string (or null) is a key.
	for _, bad := range []string{`123`, `true`, `{"k":"v"}`, `["k"]`} {
		wantError(t, e.api("PATCH", path, `{"configuration":{"event.notification.signature.key":`+bad+`}}`), 400,
			"Invalid configuration value for 'event.notification.signature.key'")
		b := createBody(e.code(callback))
		configOf(b)["event.notification.signature.key"] = json.RawMessage(bad)
		wantError(t, e.create(b), 400, "Invalid configuration value for 'event.notification.signature.key'")
	}
	if n := len(e.sb.Instances()); n != 1 {
		t.Errorf("%d instances after refused creates", n)
	}
}

// hootsuiteBody is a webhook with one event of every kind, spaced as a
// sender might space it.
const hootsuiteBody = `[
 {"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{"timestamp":"2025-03-14T09:00:00.000Z"}},
 {"seq_no":"2","type":"com.hootsuite.messages.event.v1","data":{"state":"SCHEDULED","message":{"id":"555"},"timestamp":"2025-03-14T10:00:00.123+01:00"}},
 {"seq_no":"3","type":"com.hootsuite.messages.event.v1","data":{"state":"PENDING_APPROVAL","message":{"id":556}}},
 {"seq_no":"4","type":"com.hootsuite.messages.event.v1","data":{"state":"DELETED","message":{"id":"557"}}},
 {"seq_no":"5","type":"com.hootsuite.messages.event.v1","data":{"state":"REJECTED"}},
 {"seq_no":"6","type":"com.hootsuite.messages.event.v1","data":{"state":"SENT","message":{"id":"559"}}},
 {"seq_no":"7","type":"com.hootsuite.comments.event.v1","data":{"comment":{"id":"c-1"}}},
 {"seq_no":"8","type":"com.hootsuite.apps.event.v1","data":{"state":"INSTALLED"}},
 {"seq_no":"9","type":"com.hootsuite.apps.event.v1","data":{"state":"UNINSTALLED"}}
]`

func TestDeliveryPostsOpenConnectorsBodyHeadersAndSignature(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	rc := newReceiver(t, func(int) int {
		<-release // the receiver is slow: the webhook must be answered first
		return http.StatusNoContent
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	e := newEnv(t, sandbox.Options{})
	const key = "whsec/k3y+=="
	in := e.instanceDelivering(rc.URL+"/events?x=1", key)
	e.clock.Advance(time.Minute)

	r := e.webhook(in.ID, hootsuiteBody)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Fatalf("webhook while the receiver is busy: %v", r)
	}
	once.Do(func() { close(release) })
	ds := settled(t, e.sb)
	got := rc.requests()
	if len(ds) != 1 || len(got) != 1 {
		t.Fatalf("%d deliveries, %d requests; want 1 of each", len(ds), len(got))
	}
	d, req := ds[0], got[0]

	if d.State != sandbox.DeliveryDelivered || d.InstanceID != in.ID || d.URL != rc.URL+"/events?x=1" ||
		d.Type != "ping,messages,comments,apps" || !d.Received.Equal(e.clock.Now()) ||
		len(d.Attempts) != 1 || d.Attempts[0].Status != 204 || d.Attempts[0].Err != "" || !d.Attempts[0].At.Equal(e.clock.Now()) {
		t.Errorf("delivery = %+v", d)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(d.ID) {
		t.Errorf("delivery id %q is not a random UUID", d.ID)
	}
	for h, want := range map[string]string{
		"Content-Type":        "application/json",
		"User-Agent":          "hootwire-sandbox",
		"Elements-Webhook-Id": d.ID,
	} {
		if got := req.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(req.body)
	if want := "sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil)); req.header.Get("Elements-Webhook-Signature") != want {
		t.Errorf("Elements-Webhook-Signature = %q, want %q", req.header.Get("Elements-Webhook-Signature"), want)
	}
	if req.path != "/events" {
		t.Errorf("delivered to %s", req.path)
	}

	received := e.clock.Now().UTC().Format(time.RFC3339)
	want := `{"message":{"eventId":"` + d.ID + `","elementKey":"hootsuite","instanceId":` + strconv.FormatInt(in.ID, 10) +
		`,"instanceName":"API Instance","events":[` +
		`{"eventType":"PING","objectType":"ping","objectId":"","date":"2025-03-14T09:00:00Z"},` +
		`{"eventType":"CREATED","objectType":"messages","objectId":"555","date":"2025-03-14T09:00:00Z"},` +
		`{"eventType":"CREATED","objectType":"messages","objectId":"556","date":"` + received + `"},` +
		`{"eventType":"DELETED","objectType":"messages","objectId":"557","date":"` + received + `"},` +
		`{"eventType":"DELETED","objectType":"messages","objectId":"","date":"` + received + `"},` +
		`{"eventType":"UPDATED","objectType":"messages","objectId":"559","date":"` + received + `"},` +
		`{"eventType":"CREATED","objectType":"comments","objectId":"c-1","date":"` + received + `"},` +
		`{"eventType":"CREATED","objectType":"apps","objectId":"","date":"` + received + `"},` +
		`{"eventType":"DELETED","objectType":"apps","objectId":"","date":"` + received + `"}` +
		`],"raw":` + hootsuiteBody + `}}`
	if string(req.body) != want {
		t.Errorf("body =\n%s\nwant\n%s", req.body, want)
	}
	var decoded struct {
		Message struct {
			Raw json.RawMessage `json:"raw"`
		} `json:"message"`
	}
	decode(t, req.body, &decoded)
	if string(decoded.Message.Raw) != hootsuiteBody {
		t.Errorf("raw is not the webhook's body as received: %s", decoded.Message.Raw)
	}
	if n := e.sb.Instances()[0].EventsReceived; n != 1 {
		t.Errorf("EventsReceived = %d", n)
	}
}

func TestDeliveryWithoutASignatureKeyIsNotSigned(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, sandbox.Options{})
	in := e.instanceDelivering(rc.URL+"/hook", "")
	first := e.webhook(in.ID, `[{"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{}}]`)
	settled(t, e.sb) // the requests then come in order
	// An empty key is no key.
	e.api("PATCH", "/instances/"+strconv.FormatInt(in.ID, 10), `{"configuration":{"event.notification.signature.key":""}}`)
	second := e.webhook(in.ID, `[]`)
	if first.status != 200 || second.status != 200 {
		t.Fatalf("webhooks: %v, %v", first, second)
	}
	ds := settled(t, e.sb)
	got := rc.requests()
	if len(ds) != 2 || len(got) != 2 {
		t.Fatalf("%d deliveries, %d requests", len(ds), len(got))
	}
	for i, req := range got {
		if _, signed := req.header["Elements-Webhook-Signature"]; signed {
			t.Errorf("delivery %d is signed with no key: %v", i, req.header)
		}
	}
	if !strings.Contains(string(got[1].body), `"events":[],"raw":[]}}`) || ds[1].Type != "" {
		t.Errorf("an empty webhook: %s, type %q", got[1].body, ds[1].Type)
	}
	if r := e.api("GET", "/instances/"+strconv.FormatInt(in.ID, 10), ""); !strings.Contains(string(r.body), `"event.notification.signature.key":""`) {
		t.Errorf("an empty key is shown as: %s", r.body)
	}
}

func TestDeliveryRetriesWithGrowingWaitsUnderOneID(t *testing.T) {
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	w := &waits{}
	e := newEnv(t, sandbox.Options{DeliveryWait: w.wait})
	in := e.instanceDelivering(rc.URL+"/hook", "k")
	e.webhook(in.ID, `[]`)
	ds := settled(t, e.sb)
	if len(ds) != 1 || ds[0].State != sandbox.DeliveryDelivered || len(ds[0].Attempts) != 3 {
		t.Fatalf("deliveries = %+v", ds)
	}
	for i, want := range []int{503, 503, 200} {
		if a := ds[0].Attempts[i]; a.Status != want || a.Err != "" {
			t.Errorf("attempt %d = %+v, want %d", i+1, a, want)
		}
	}
	if got := w.asked(); len(got) != 2 || got[0] != time.Second || got[1] != 2*time.Second {
		t.Errorf("waits = %v, want [1s 2s]", got)
	}
	reqs := rc.requests()
	for _, req := range reqs {
		if req.header.Get("Elements-Webhook-Id") != ds[0].ID || string(req.body) != string(reqs[0].body) ||
			req.header.Get("Elements-Webhook-Signature") != reqs[0].header.Get("Elements-Webhook-Signature") {
			t.Errorf("a retry differs from the first attempt: %v %s", req.header, req.body)
		}
	}
}

func TestDeliveryGivesUpAfterFourAttempts(t *testing.T) {
	t.Run("error status", func(t *testing.T) {
		rc := newReceiver(t, func(int) int { return http.StatusInternalServerError })
		w := &waits{}
		e := newEnv(t, sandbox.Options{DeliveryWait: w.wait})
		in := e.instanceDelivering(rc.URL+"/hook", "")
		e.webhook(in.ID, `[]`)
		ds := settled(t, e.sb)
		if len(ds) != 1 || ds[0].State != sandbox.DeliveryFailed || len(ds[0].Attempts) != 4 || len(rc.requests()) != 4 {
			t.Fatalf("deliveries = %+v, %d requests", ds, len(rc.requests()))
		}
		if got := w.asked(); len(got) != 3 || got[0] != time.Second || got[1] != 2*time.Second || got[2] != 4*time.Second {
			t.Errorf("waits = %v, want [1s 2s 4s]", got)
		}
	})
	t.Run("redirect not followed", func(t *testing.T) {
		rc := newReceiver(t, func(int) int { return http.StatusFound })
		e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
		in := e.instanceDelivering(rc.URL+"/hook", "")
		e.webhook(in.ID, `[]`)
		ds := settled(t, e.sb)
		if len(ds) != 1 || ds[0].State != sandbox.DeliveryFailed || len(ds[0].Attempts) != 4 || ds[0].Attempts[0].Status != 302 {
			t.Fatalf("deliveries = %+v", ds)
		}
		for _, req := range rc.requests() {
			if req.path != "/hook" {
				t.Errorf("the redirect was followed to %s", req.path)
			}
		}
	})
	t.Run("no answer", func(t *testing.T) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
		in := e.instanceDelivering(gone.URL+"/hook?token=abc", "")
		e.webhook(in.ID, `[]`)
		ds := settled(t, e.sb)
		if len(ds) != 1 || ds[0].State != sandbox.DeliveryFailed || len(ds[0].Attempts) != 4 {
			t.Fatalf("deliveries = %+v", ds)
		}
		for _, a := range ds[0].Attempts {
			if a.Status != 0 || !strings.Contains(a.Err, "connection refused") || strings.Contains(a.Err, "token=abc") {
				t.Errorf("attempt = %+v, want the network error without the URL", a)
			}
		}
	})
}

func TestNoDeliveryWithoutAReceiver(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, sandbox.Options{})
	plain := func(v any) func(map[string]any) {
		return func(b map[string]any) {
			if v == nil {
				delete(configOf(b), "event.notification.callback.url")
			} else {
				configOf(b)["event.notification.callback.url"] = v
			}
		}
	}
	cases := map[string]func(map[string]any){
		"no callback URL":       plain(nil),
		"empty":                 plain(""),
		"the doc's placeholder": plain("https://example.invalid/elements/api-v2/events/hootsuite"),
		"placeholder with /":    plain(e.url + sandbox.APIPath + "/events/hootsuite/"),
		"not http":              plain("ftp://" + strings.TrimPrefix(rc.URL, "http://") + "/hook"),
		"relative":              plain("/hook"),
		"events disabled": func(b map[string]any) {
			configOf(b)["event.notification.callback.url"] = rc.URL + "/hook"
			configOf(b)["event.notification.enabled"] = false
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			in := e.newInstance(mutate)
			want := 200
			if name == "events disabled" {
				want = 404
			}
			if r := e.webhook(in.ID, `[]`); r.status != want {
				t.Errorf("webhook: %v, want %d", r, want)
			}
		})
	}
	t.Run("its own webhook URL", func(t *testing.T) {
		in := e.newInstance(nil)
		own := e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID)
		e.api("PATCH", "/instances/"+strconv.FormatInt(in.ID, 10), mustJSON(t, map[string]any{"configuration": map[string]string{"event.notification.callback.url": own}}))
		if r := e.webhook(in.ID, `[]`); r.status != 200 {
			t.Errorf("webhook: %v", r)
		}
	})
	if ds := e.sb.Deliveries(); len(ds) != 0 {
		t.Errorf("deliveries = %+v, want none", ds)
	}
	if got := rc.requests(); len(got) != 0 {
		t.Errorf("the receiver got %d requests", len(got))
	}
}

func TestADeliveryIsNotDeliveredAgain(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
	b := e.instanceDelivering(rc.URL+"/hook", "")
	// a delivers to b's webhook URL, b to a's: a -> b -> a would loop.
	a := e.instanceDelivering(e.url+sandbox.APIPath+"/events/hootsuite/"+encodeID(b.ID), "")
	e.api("PATCH", "/instances/"+strconv.FormatInt(b.ID, 10), mustJSON(t, map[string]any{"configuration": map[string]string{
		"event.notification.callback.url": e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(a.ID)}}))
	e.webhook(a.ID, `[]`)
	ds := settled(t, e.sb)
	// A delivery's body is not Hootsuite's array of events: b refuses it.
	if len(ds) != 1 || ds[0].InstanceID != a.ID || ds[0].State != sandbox.DeliveryFailed || ds[0].Attempts[0].Status != 400 {
		t.Fatalf("deliveries = %+v, want only a's, refused by b", ds)
	}

	// Even a delivery carrying Hootsuite's array is not delivered on.
	e.api("PATCH", "/instances/"+strconv.FormatInt(b.ID, 10), mustJSON(t, map[string]any{"configuration": map[string]string{
		"event.notification.callback.url": rc.URL + "/hook"}}))
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"hootwire-sandbox"}}
	if r := e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(b.ID), h, `[]`); r.status != 200 {
		t.Fatalf("a delivery to b: %v", r)
	}
	if ds := e.sb.Deliveries(); len(ds) != 1 {
		t.Errorf("deliveries = %+v, want b's webhook from a delivery not delivered", ds)
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("the receiver got %d requests", n)
	}
	snap := e.sb.Instances()
	if snap[0].EventsReceived != 1 || snap[1].EventsReceived != 1 {
		t.Errorf("events received by b, a = %d, %d", snap[0].EventsReceived, snap[1].EventsReceived)
	}
}

func TestWebhookBodyMustBeHootsuiteEvents(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	for _, bad := range []string{"", "not json", `{}`, `"x"`, `[1]`, `[{}, null]`, `[{}`, `[] []`} {
		wantError(t, e.webhook(in.ID, bad), 400, "JSON array of Hootsuite events")
	}
	wantError(t, e.webhook(in.ID, "["+strings.Repeat(" ", 1<<20)+"]"), http.StatusRequestEntityTooLarge, "larger than")
	wantError(t, e.webhook(in.ID+1, "not json"), 404, "")
	if n := e.sb.Instances()[0].EventsReceived; n != 0 {
		t.Errorf("EventsReceived = %d after refused webhooks", n)
	}
}

func TestDeliveriesAdminEndpoint(t *testing.T) {
	rc := newReceiver(t, nil)
	srv, e := startServer(t, sandbox.Options{})
	in := e.instanceDelivering(rc.URL+"/hook", "")
	e.webhook(in.ID, `[{"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{}}]`)
	want := settled(t, srv.Sandbox)
	r := e.do("GET", "/_sandbox/deliveries", nil, "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /_sandbox/deliveries: %v", r)
	}
	var got []sandbox.Delivery
	decode(t, r.body, &got)
	if len(got) != 1 || got[0].ID != want[0].ID || got[0].Type != "ping" || got[0].State != "delivered" ||
		len(got[0].Attempts) != 1 || got[0].Attempts[0].Status != 200 || !got[0].Attempts[0].At.Equal(want[0].Attempts[0].At) {
		t.Errorf("GET /_sandbox/deliveries = %s, want %+v", r.body, want)
	}
	var raw []map[string]any
	decode(t, r.body, &raw)
	for _, k := range []string{"id", "instanceId", "url", "type", "received", "state", "attempts"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("delivery JSON lacks %q: %s", k, r.body)
		}
	}
	if r := e.do("POST", "/_sandbox/deliveries", nil, ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /_sandbox/deliveries: %d", r.status)
	}
}

// sandboxFrames are stack frames of the sandbox's own goroutines.
var sandboxFrames = regexp.MustCompile(`hootwire/internal/sandbox\.`)

// waitForNoSandboxGoroutines fails when a goroutine of the sandbox is still
// running (a delivery, a wait), whatever other servers the test keeps.
func waitForNoSandboxGoroutines(t *testing.T) {
	t.Helper()
	var left []string
	waitFor(t, "the sandbox's goroutines to end", func() bool {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		left = left[:0]
		for _, g := range strings.Split(string(buf), "\n\n") {
			if sandboxFrames.MatchString(g) {
				left = append(left, g)
			}
		}
		return len(left) == 0
	})
}

func TestCloseCancelsDeliveriesInFlight(t *testing.T) {
	for _, c := range []struct {
		name string
		wait func(context.Context, time.Duration) error
		recv func(int) int
	}{
		// The receiver holds the attempt until the delivery gives it up.
		{"during an attempt", nil, nil},
		// The first attempt fails and the wait never ends by itself.
		{"during a wait", func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() },
			func(int) int { return http.StatusBadGateway }},
	} {
		t.Run(c.name, func(t *testing.T) {
			holding := make(chan struct{}, 10)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.ReadAll(r.Body) // then a dropped connection ends r's context
				if c.recv != nil {
					w.WriteHeader(c.recv(1))
					return
				}
				holding <- struct{}{}
				<-r.Context().Done()
			}))
			defer hook.Close()
			waiting := make(chan struct{})
			wait := c.wait
			if wait != nil {
				inner := wait
				wait = func(ctx context.Context, d time.Duration) error {
					close(waiting)
					return inner(ctx, d)
				}
			}
			srv, err := sandbox.Start(context.Background(), "", sandbox.Options{DeliveryWait: wait})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			e := &env{t: t, sb: srv.Sandbox, url: srv.URL, clock: newClock(), client: &http.Client{
				Transport:     &http.Transport{DisableKeepAlives: true},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}}
			in := e.instanceDelivering(hook.URL+"/hook", "")
			if r := e.webhook(in.ID, `[]`); r.status != 200 {
				t.Fatalf("webhook: %v", r)
			}
			if c.wait == nil {
				arrives(t, "the receiver to hold the attempt", holding)
			} else {
				arrives(t, "the delivery to wait for its retry", waiting)
			}
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			ds := srv.Deliveries()
			if len(ds) != 1 || ds[0].State != sandbox.DeliveryStopped {
				t.Errorf("after Close: %+v, want one stopped delivery", ds)
			}
			if c.wait == nil && (len(ds[0].Attempts) != 1 || !strings.Contains(ds[0].Attempts[0].Err, "stopped")) {
				t.Errorf("the attempt cut short by Close = %+v", ds[0].Attempts)
			}
			waitForNoSandboxGoroutines(t)
			hook.Close()
			waitForNoServerGoroutines(t)
		})
	}
}

func TestStopEndsDeliveriesOfAnUnservedSandbox(t *testing.T) {
	hook := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	blocked := make(chan struct{})
	e := newEnv(t, sandbox.Options{DeliveryWait: func(ctx context.Context, _ time.Duration) error {
		close(blocked)
		<-ctx.Done()
		return ctx.Err()
	}})
	in := e.instanceDelivering(hook.URL+"/hook", "")
	e.webhook(in.ID, `[]`)
	arrives(t, "the delivery to wait for its retry", blocked)
	e.sb.Stop()
	e.sb.Stop() // twice is fine
	waitForNoSandboxGoroutines(t)
	if ds := e.sb.Deliveries(); len(ds) != 1 || ds[0].State != sandbox.DeliveryStopped || len(ds[0].Attempts) != 1 {
		t.Errorf("after Stop: %+v", ds)
	}
	// A webhook after Stop is answered and recorded, not delivered.
	if r := e.webhook(in.ID, `[]`); r.status != 200 {
		t.Errorf("webhook after Stop: %v", r)
	}
	if ds := e.sb.Deliveries(); len(ds) != 2 || ds[1].State != sandbox.DeliveryStopped || len(ds[1].Attempts) != 0 {
		t.Errorf("after Stop: %+v", ds)
	}
	if n := len(hook.requests()); n != 1 {
		t.Errorf("the receiver got %d requests, want the one before Stop", n)
	}
}
