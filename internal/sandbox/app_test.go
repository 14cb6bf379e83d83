package sandbox_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

// saveWebhook presses Save on the app settings page.
func (e *env) saveWebhook(raw string) response {
	e.t.Helper()
	return e.do("POST", "/hootsuite/app", formHeader(), url.Values{"webhook_url": {raw}}.Encode())
}

// ping presses "Send ping webhook".
func (e *env) ping() response {
	e.t.Helper()
	return e.do("POST", "/hootsuite/app/ping", formHeader(), "")
}

func TestAppSettingsPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	r := e.do("GET", "/hootsuite/app", nil, "")
	if r.status != 200 {
		t.Fatalf("app page: %v", r)
	}
	wantPageHeaders(t, r)
	wantSelfContained(t, r.body)
	for _, want := range []string{"My Apps &gt; ", "hootwire sandbox app", sandbox.DemoClientID,
		`action="/hootsuite/app"`, `name="webhook_url"`, `action="/hootsuite/app/ping"`, "Send ping webhook"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("app page lacks %s", want)
		}
	}
	if strings.Contains(string(r.body), sandbox.DemoClientSecret) {
		t.Error("the app page shows the client secret")
	}

	const hook = "https://app.example/hook?x=1"
	r = e.saveWebhook(hook)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/hootsuite/app?saved=1" {
		t.Fatalf("Save: %v (Location %q)", r, r.header.Get("Location"))
	}
	if got := e.sb.WebhookURL(); got != hook {
		t.Errorf("WebhookURL() = %q", got)
	}
	r = e.do("GET", "/hootsuite/app?saved=1", nil, "")
	if !strings.Contains(string(r.body), `value="https://app.example/hook?x=1"`) || !strings.Contains(string(r.body), "Saved.") {
		t.Errorf("the page does not show the saved URL:\n%s", r.body)
	}

	for _, bad := range []string{"", "ftp://app.example/hook", "not a url", "/relative", "https://"} {
		want := "Webhook URL &#34;" + html.EscapeString(bad) + "&#34; is not valid: it must be an absolute http:// or https:// URL"
		if bad == "" {
			want = "Webhook URL is empty: paste the URL hootwire shows (it ends with the base64-encoded instance id)"
		}
		r := e.saveWebhook(bad)
		if r.status != 400 || !strings.Contains(string(r.body), want) {
			t.Errorf("Save %q: %d, want 400 with %q\n%s", bad, r.status, want, r.body)
		}
		wantPageHeaders(t, r)
	}
	if got := e.sb.WebhookURL(); got != hook {
		t.Errorf("a refused Save changed the Webhook URL to %q", got)
	}

	h := formHeader()
	h.Set("Sec-Fetch-Site", "cross-site")
	if r := e.do("POST", "/hootsuite/app", h, url.Values{"webhook_url": {"https://evil.example/"}}.Encode()); r.status != http.StatusForbidden {
		t.Errorf("cross-site Save: %d, want 403", r.status)
	}
	if r := e.do("POST", "/hootsuite/app/ping", h, ""); r.status != http.StatusForbidden {
		t.Errorf("cross-site ping: %d, want 403", r.status)
	}
	if got := e.sb.WebhookURL(); got != hook {
		t.Errorf("a cross-site Save changed the Webhook URL to %q", got)
	}
	if r := e.do("GET", "/hootsuite/app/ping", nil, ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET ping: %d, want 405", r.status)
	}
}

func TestAppPageEscapesTheWebhookURL(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	if r := e.saveWebhook(`https://app.example/hook?x="><script>alert(1)</script>`); r.status != http.StatusSeeOther {
		t.Fatalf("Save: %v", r)
	}
	r := e.do("GET", "/hootsuite/app", nil, "")
	if strings.Contains(string(r.body), "<script>alert") || !strings.Contains(string(r.body), "&lt;script&gt;") {
		t.Errorf("the app page does not escape the Webhook URL:\n%s", r.body)
	}
	r = e.saveWebhook(`javascript:"><script>alert(1)</script>`)
	if r.status != 400 || strings.Contains(string(r.body), "<script>alert") {
		t.Errorf("the refused Save does not escape the value:\n%s", r.body)
	}
}

func TestPingReachesTheSandboxEventsEndpoint(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID))
	r := e.ping()
	if r.status != 200 || !strings.Contains(string(r.body), "Ping sent: 200 OK") {
		t.Fatalf("ping: %d\n%s", r.status, r.body)
	}
	wantPageHeaders(t, r)
	if n := e.sb.Instances()[0].EventsReceived; n != 1 {
		t.Errorf("EventsReceived = %d after one ping", n)
	}

	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID+1000))
	r = e.ping()
	if !strings.Contains(string(r.body), "Ping sent: 404 Not Found") {
		t.Errorf("ping to an unknown id:\n%s", r.body)
	}
	if n := e.sb.Instances()[0].EventsReceived; n != 1 {
		t.Errorf("EventsReceived = %d after a ping to another id", n)
	}
}

func TestPingSendsHootsuitesPingEvent(t *testing.T) {
	var mu sync.Mutex
	var got struct {
		method, contentType string
		body                []byte
	}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got.method, got.contentType, got.body = r.Method, r.Header.Get("Content-Type"), b
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(hook.Close)
	e := newEnv(t, sandbox.Options{HTTPClient: hook.Client()})
	e.saveWebhook(hook.URL + "/webhooks")
	if r := e.ping(); !strings.Contains(string(r.body), "Ping sent: 202 Accepted") {
		t.Fatalf("ping:\n%s", r.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if got.method != "POST" || got.contentType != "application/json" {
		t.Errorf("ping request: %s with Content-Type %q", got.method, got.contentType)
	}
	var events []struct {
		SeqNo string            `json:"seq_no"`
		Type  string            `json:"type"`
		Data  map[string]string `json:"data"`
	}
	decode(t, got.body, &events)
	if len(events) != 1 || events[0].SeqNo != "1" || events[0].Type != "com.hootsuite.ping.event.v1" {
		t.Fatalf("ping body = %s", got.body)
	}
	if ts, err := time.Parse(time.RFC3339, events[0].Data["timestamp"]); err != nil || !ts.Equal(e.clock.Now()) {
		t.Errorf("ping timestamp = %q, want the sandbox clock's time", events[0].Data["timestamp"])
	}
	var raw []map[string]json.RawMessage
	decode(t, got.body, &raw)
	if len(raw[0]) != 3 {
		t.Errorf("ping event has fields %s, want seq_no, type, data", got.body)
	}
}

func TestPingFailures(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	r := e.ping()
	if r.status != 400 || !strings.Contains(string(r.body), "No Webhook URL is saved") {
		t.Errorf("ping with no Webhook URL: %d\n%s", r.status, r.body)
	}

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	e.saveWebhook(gone.URL + "/hook")
	if r := e.ping(); r.status != 200 || !strings.Contains(string(r.body), "Ping failed:") {
		t.Errorf("ping to a closed port:\n%s", r.body)
	}

	// A Webhook URL pointing at the ping button itself does not loop.
	e.saveWebhook(e.url + "/hootsuite/app/ping")
	if r := e.ping(); !strings.Contains(string(r.body), "Ping sent: 508 Loop Detected") {
		t.Errorf("ping to itself:\n%s", r.body)
	}
}
