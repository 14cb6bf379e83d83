package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

// press presses one of the app page's buttons: "ping", "message" or "comment".
func (e *env) press(kind string) response {
	e.t.Helper()
	return e.do("POST", "/hootsuite/app/"+kind, formHeader(), "")
}

// appPage is the app settings page as a browser gets it.
func (e *env) appPage() string {
	e.t.Helper()
	r := e.do("GET", "/hootsuite/app", nil, "")
	if r.status != 200 {
		e.t.Fatalf("app page: %v", r)
	}
	return string(r.body)
}

// hookEvent is one event of a Hootsuite webhook as a receiver decodes it.
type hookEvent struct {
	SeqNo string         `json:"seq_no"`
	Type  string         `json:"type"`
	Data  map[string]any `json:"data"`
}

func TestAppPageButtonsSendHootsuitesEvents(t *testing.T) {
	rc := newReceiver(t, func(int) int { return http.StatusAccepted })
	e := newEnv(t, sandbox.Options{})
	page := e.appPage()
	for _, want := range []string{
		`action="/hootsuite/app/ping"`, "Send ping webhook",
		`action="/hootsuite/app/message"`, "Send a message event",
		`action="/hootsuite/app/comment"`, "Send a comment event",
		"None saved yet.", "No ping sent yet.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("app page lacks %s", want)
		}
	}
	e.saveWebhook(rc.URL + "/webhooks")
	for i, c := range []struct{ button, says, typ string }{
		{"ping", "Ping sent: 202 Accepted", "com.hootsuite.ping.event.v1"},
		{"message", "Message event sent: 202 Accepted", "com.hootsuite.messages.event.v1"},
		{"comment", "Comment event sent: 202 Accepted", "com.hootsuite.comments.event.v1"},
		{"message", "Message event sent: 202 Accepted", "com.hootsuite.messages.event.v1"},
	} {
		e.clock.Advance(time.Second)
		r := e.press(c.button)
		if r.status != 200 || !strings.Contains(string(r.body), c.says) {
			t.Fatalf("%s: %d, want %q\n%s", c.button, r.status, c.says, r.body)
		}
		wantPageHeaders(t, r)
		got := rc.requests()
		req := got[len(got)-1]
		if req.header.Get("Content-Type") != "application/json" || req.path != "/webhooks" {
			t.Errorf("%s: %s with Content-Type %q", c.button, req.path, req.header.Get("Content-Type"))
		}
		var events []hookEvent
		decode(t, req.body, &events)
		if len(events) != 1 || events[0].SeqNo != strconv.Itoa(i+1) || events[0].Type != c.typ {
			t.Fatalf("%s sent %s, want seq_no %d and type %s", c.button, req.body, i+1, c.typ)
		}
		data := events[0].Data
		ts, err := time.Parse(time.RFC3339, data["timestamp"].(string))
		if err != nil || !ts.Equal(e.clock.Now()) {
			t.Errorf("%s: timestamp %v, want the sandbox clock's time", c.button, data["timestamp"])
		}
		switch c.button {
		case "ping":
			if len(data) != 1 {
				t.Errorf("ping data = %v, want the timestamp only", data)
			}
		case "message":
			msg, _ := data["message"].(map[string]any)
			id, _ := msg["id"].(string)
			if data["state"] != "SENT" || !regexp.MustCompile(`^[0-9]+$`).MatchString(id) || len(data) != 3 {
				t.Errorf("message data = %v", data)
			}
		case "comment":
			cm, _ := data["comment"].(map[string]any)
			id, _ := cm["id"].(string)
			if !regexp.MustCompile(`^[0-9]+$`).MatchString(id) || len(data) != 2 {
				t.Errorf("comment data = %v", data)
			}
		}
	}
	// Two messages have two ids.
	got := rc.requests()
	var first, second []struct {
		Data struct {
			Message struct{ ID string } `json:"message"`
		} `json:"data"`
	}
	decode(t, got[1].body, &first)
	decode(t, got[3].body, &second)
	if first[0].Data.Message.ID == second[0].Data.Message.ID {
		t.Errorf("two message events carry the same message id %s", first[0].Data.Message.ID)
	}

	page = e.appPage()
	at := e.clock.Now().Format("15:04:05")
	for _, want := range []string{
		`<code id="saved-webhook-url">` + rc.URL + "/webhooks</code>",
		"The last ping answered 202 Accepted at " + e.clock.Now().Add(-3*time.Second).Format("15:04:05") + ".",
		"The last message event answered 202 Accepted at " + at + ".",
		"The saved Webhook URL names no instance",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("app page lacks %q:\n%s", want, page)
		}
	}

	// The buttons keep the page's protections.
	h := formHeader()
	h.Set("Sec-Fetch-Site", "cross-site")
	for _, kind := range []string{"message", "comment"} {
		if r := e.do("POST", "/hootsuite/app/"+kind, h, ""); r.status != http.StatusForbidden {
			t.Errorf("cross-site %s: %d, want 403", kind, r.status)
		}
		if r := e.do("GET", "/hootsuite/app/"+kind, nil, ""); r.status != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: %d, want 405", kind, r.status)
		}
	}
	if n := len(rc.requests()); n != 4 {
		t.Errorf("the receiver got %d webhooks, want the 4 pressed", n)
	}
}

func TestAppPageShowsTheLastDelivery(t *testing.T) {
	var answer atomic.Int32
	answer.Store(http.StatusOK)
	rc := newReceiver(t, func(int) int { return int(answer.Load()) })
	e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
	in := e.newInstance(nil)
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID))
	id := strconv.FormatInt(in.ID, 10)
	if page := e.appPage(); !strings.Contains(page, "Instance "+id+" delivers nothing: its event.notification.callback.url is not a receiver of yours") {
		t.Errorf("the page does not say a placeholder delivers nothing:\n%s", page)
	}

	e.api("PATCH", "/instances/"+id, mustJSON(t, map[string]any{"configuration": map[string]string{
		"event.notification.callback.url": rc.URL + "/events?secret=s3cr3t"}}))
	if page := e.appPage(); !strings.Contains(page, "Instance "+id+" delivers its events to "+rc.URL+"/events?…; nothing was delivered yet.") {
		t.Errorf("the page does not say where events go:\n%s", page)
	}

	if r := e.press("message"); !strings.Contains(string(r.body), "Message event sent: 200 OK") {
		t.Fatalf("message: %v", r)
	}
	ds := settled(t, e.sb)
	page := e.appPage()
	want := "Delivery " + ds[0].ID[:8] + "… of instance " + id + "&#39;s events to " + rc.URL + "/events?…: delivered, 200 OK (attempt 1, at "
	if !strings.Contains(page, want) || !strings.Contains(page, `id="last-delivery" class="ok"`) {
		t.Errorf("the page lacks %q:\n%s", want, page)
	}
	if strings.Contains(page, "s3cr3t") {
		t.Error("the page shows the callback URL's query")
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Error("the page refreshes itself with no delivery under way")
	}
	var events []hookEvent
	var body struct {
		Message struct {
			Events []struct{ EventType, ObjectType, ObjectID string } `json:"events"`
			Raw    []hookEvent                                        `json:"raw"`
		} `json:"message"`
	}
	decode(t, rc.requests()[0].body, &body)
	events = body.Message.Raw
	if len(body.Message.Events) != 1 || body.Message.Events[0].ObjectType != "messages" || body.Message.Events[0].EventType != "UPDATED" ||
		body.Message.Events[0].ObjectID == "" || len(events) != 1 || events[0].Type != "com.hootsuite.messages.event.v1" {
		t.Errorf("the delivery of a message event: %s", rc.requests()[0].body)
	}

	answer.Store(http.StatusInternalServerError)
	e.press("comment")
	settled(t, e.sb)
	page = e.appPage()
	if !strings.Contains(page, ": failed after 4 attempts; the last: 500 Internal Server Error.") || !strings.Contains(page, `id="last-delivery" class="fail"`) {
		t.Errorf("the page does not show the failed delivery:\n%s", page)
	}

	e.api("PATCH", "/instances/"+id, `{"configuration":{"event.notification.enabled":false}}`)
	if page := e.appPage(); !strings.Contains(page, "Instance "+id+" has events disabled") {
		t.Errorf("the page does not say events are disabled:\n%s", page)
	}
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(999))
	if page := e.appPage(); !strings.Contains(page, "Instance 999 does not exist in this sandbox.") {
		t.Errorf("the page does not say the instance is unknown:\n%s", page)
	}
}

func TestAppPageRefreshesWhileADeliveryIsUnderWay(t *testing.T) {
	rc := newReceiver(t, func(int) int { return http.StatusBadGateway })
	waiting := make(chan struct{})
	e := newEnv(t, sandbox.Options{DeliveryWait: func(ctx context.Context, _ time.Duration) error {
		close(waiting)
		<-ctx.Done() // until the test ends
		return ctx.Err()
	}})
	in := e.instanceDelivering(rc.URL+"/events", "")
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID))
	e.press("ping")
	arrives(t, "the delivery to wait for its retry", waiting)
	page := e.appPage()
	if !strings.Contains(page, ": attempt 1: 502 Bad Gateway; trying again…") || !strings.Contains(page, `<meta http-equiv="refresh" content="2;url=/hootsuite/app">`) {
		t.Errorf("the page during a retry:\n%s", page)
	}
	if st := e.sb.AppStatus(); st.LastDelivery == nil || st.LastDelivery.State != sandbox.DeliveryPending || len(st.LastDelivery.Attempts) != 1 {
		t.Errorf("AppStatus during a retry = %+v", st.LastDelivery)
	}
}

func TestAppPageEscapesWhatItShowsOfDeliveries(t *testing.T) {
	e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	in := e.instanceDelivering(gone.URL+`/x"><script>alert(1)</script>`, "")
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID))
	e.press("ping")
	settled(t, e.sb)
	page := e.appPage()
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "failed after 4 attempts; the last: error: ") {
		t.Errorf("the page:\n%s", page)
	}
}

func TestAppButtonsRefuseTheSandboxsOwnPosts(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.saveWebhook("https://app.example/hook")
	for _, ua := range []string{"Hootsuite-Webhooks (hootwire sandbox)", "hootwire-sandbox"} {
		for _, kind := range []string{"ping", "message", "comment"} {
			h := formHeader()
			h.Set("User-Agent", ua)
			if r := e.do("POST", "/hootsuite/app/"+kind, h, ""); r.status != http.StatusLoopDetected {
				t.Errorf("%s posted by %q: %d, want 508", kind, ua, r.status)
			}
		}
	}
	if st := e.sb.AppStatus(); st.LastSent != nil {
		t.Errorf("a refused press sent a webhook: %+v", st.LastSent)
	}
}

func TestInProcessControlsDoWhatThePageDoes(t *testing.T) {
	rc := newReceiver(t, nil)
	e := newEnv(t, sandbox.Options{DeliveryWait: (&waits{}).wait})
	if st := e.sb.AppStatus(); st.WebhookURL != "" || st.LastPing != nil || st.LastSent != nil || st.LastDelivery != nil || st.InstanceID != 0 {
		t.Errorf("AppStatus of a new sandbox = %+v", st)
	}
	status, err := e.sb.SendWebhook("ping")
	if status != 0 || !errors.Is(err, sandbox.ErrNoWebhookURL) || !strings.Contains(err.Error(), "no Webhook URL is saved") {
		t.Errorf("SendWebhook with no URL saved = %d, %v", status, err)
	}
	if _, err := e.sb.SendWebhook("tweet"); err == nil || !strings.Contains(err.Error(), `"tweet"`) {
		t.Errorf("SendWebhook of an unknown kind: %v", err)
	}

	// SaveWebhookURL refuses what Save refuses, with the page's words.
	for _, bad := range []string{"", "ftp://app.example/hook", "/relative"} {
		err := e.sb.SaveWebhookURL(bad)
		r := e.saveWebhook(bad)
		if err == nil || r.status != 400 || !strings.Contains(strings.ReplaceAll(string(r.body), "&#34;", `"`), err.Error()) {
			t.Errorf("SaveWebhookURL(%q) = %v; the page said %s", bad, err, r.body)
		}
	}
	in := e.instanceDelivering(rc.URL+"/events", "")
	webhook := e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID)
	if err := e.sb.SaveWebhookURL("  " + webhook + " "); err != nil {
		t.Fatal(err)
	}
	if got := e.sb.WebhookURL(); got != webhook {
		t.Errorf("saved %q", got)
	}
	if page := e.appPage(); !strings.Contains(page, `value="`+webhook+`"`) {
		t.Errorf("the page does not show the URL SaveWebhookURL saved")
	}
	st := e.sb.AppStatus()
	if st.WebhookURL != webhook || st.InstanceID != in.ID || st.DeliveryURL != rc.URL+"/events" || st.LastDelivery != nil {
		t.Errorf("AppStatus before sending = %+v", st)
	}

	for i, kind := range []string{"ping", "message", "comment"} {
		status, err := e.sb.SendWebhook(kind)
		if status != 200 || err != nil {
			t.Fatalf("SendWebhook(%q) = %d, %v", kind, status, err)
		}
		ds := settled(t, e.sb)
		st := e.sb.AppStatus()
		if st.LastSent == nil || st.LastSent.Kind != kind || st.LastSent.Status != 200 || st.LastPing == nil || st.LastPing.Status != 200 {
			t.Errorf("AppStatus after SendWebhook(%q): %+v", kind, st)
		}
		if st.LastDelivery == nil || st.LastDelivery.ID != ds[i].ID || st.LastDelivery.State != sandbox.DeliveryDelivered ||
			st.LastDelivery.Type != map[string]string{"ping": "ping", "message": "messages", "comment": "comments"}[kind] {
			t.Errorf("AppStatus.LastDelivery after SendWebhook(%q) = %+v", kind, st.LastDelivery)
		}
	}
	if n := len(rc.requests()); n != 3 {
		t.Errorf("the receiver got %d deliveries", n)
	}
	if page := e.appPage(); !strings.Contains(page, "The last comment event answered 200 OK") {
		t.Errorf("the page does not show what SendWebhook sent")
	}

	// No answer: the status is 0 and the error says why, without the URL's query.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	e.sb.SaveWebhookURL(gone.URL + "/hook?token=abc")
	status, err = e.sb.SendWebhook("message")
	if status != 0 || err == nil || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "abc") {
		t.Errorf("SendWebhook to a closed port = %d, %v", status, err)
	}
	if st := e.sb.AppStatus(); st.LastSent.Err == "" || st.LastSent.Status != 0 || st.LastPing.Status != 200 || st.InstanceID != 0 || st.LastDelivery != nil {
		t.Errorf("AppStatus after a failed send = %+v", st)
	}
}
