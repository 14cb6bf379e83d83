package sandbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

// TestDocumentedProcedure walks the seed document's procedure over plain
// HTTP, as hootwire (and a browser) would.
func TestDocumentedProcedure(t *testing.T) {
	e := newEnv(t, sandbox.Options{})

	// 1. Getting a redirect URL.
	r := e.api("GET", "/elements/hootsuite/oauth/url?"+url.Values{
		"apiKey": {sandbox.DemoClientID}, "apiSecret": {sandbox.DemoClientSecret},
		"callbackUrl": {callback}, "state": {"fresh-random-state"},
	}.Encode(), "")
	var redirect struct{ OAuthURL string }
	decode(t, r.body, &redirect)
	if r.status != 200 {
		t.Fatalf("oauth/url: %v", r)
	}

	// 2. The user sees the consent page and presses Allow.
	r = e.do("GET", redirect.OAuthURL, nil, "")
	if r.status != 200 || !strings.Contains(string(r.body), `id="allow"`) {
		t.Fatalf("consent page: %v", r)
	}
	auth, _ := url.Parse(redirect.OAuthURL)
	q := auth.Query()
	form := url.Values{"client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")},
		"state": {q.Get("state")}, "scope": {q.Get("scope")}, "decision": {"allow"}}
	r = e.do("POST", "/hootsuite/oauth2/consent", formHeader(), form.Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("allow: %v", r)
	}
	back, _ := url.Parse(r.header.Get("Location"))
	if back.Scheme+"://"+back.Host+back.Path != callback || back.Query().Get("state") != "fresh-random-state" {
		t.Fatalf("redirected to %s", back)
	}
	code := back.Query().Get("code")

	// 3-4. Create the instance; keep id and token.
	e.clock.Advance(3 * time.Minute)
	r = e.create(createBody(code))
	var in instanceJSON
	decode(t, r.body, &in)
	if r.status != 200 || in.ID == 0 || in.Token == "" || !in.EventsEnabled {
		t.Fatalf("create: %v", r)
	}

	// 5-6. Hootsuite delivers to the events URL with the base64 id; no auth.
	webhook := e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID)
	r = e.do("POST", webhook, http.Header{"Content-Type": {"application/json"}}, `[{"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{}}]`)
	if r.status != 200 {
		t.Fatalf("event: %v", r)
	}

	// 7. PATCH the event callback URL, then read it back.
	e.clock.Advance(time.Minute)
	id := strconv.FormatInt(in.ID, 10)
	r = e.api("PATCH", "/instances/"+id, mustJSON(t, map[string]any{"configuration": map[string]string{"event.notification.callback.url": webhook}}))
	if r.status != 200 {
		t.Fatalf("PATCH: %v", r)
	}
	r = e.api("GET", "/instances/"+id, "")
	var got instanceJSON
	decode(t, r.body, &got)
	if r.status != 200 || got.Configuration["event.notification.callback.url"] == nil || *got.Configuration["event.notification.callback.url"] != webhook {
		t.Fatalf("GET after PATCH: %v", r)
	}
	if got.UpdatedDate == got.CreatedDate {
		t.Errorf("updatedDate was not bumped: %s", got.UpdatedDate)
	}
	snap := e.sb.Instances()
	if len(snap) != 1 || snap[0].EventsReceived != 1 || snap[0].Patches != 1 || snap[0].Config["event.notification.callback.url"] != webhook {
		t.Errorf("snapshot = %+v", snap)
	}

	// Cleaning up: DELETE, after which the token is dead.
	if r := e.api("DELETE", "/instances/"+id, ""); r.status != 200 {
		t.Fatalf("DELETE: %v", r)
	}
	r = e.do("PATCH", sandbox.APIPath+"/instances", jsonHeader(authHeader+", Element "+in.Token), `{"name":"x"}`)
	wantError(t, r, http.StatusUnauthorized, "Invalid Organization or User secret, or invalid Element token provided.")
}

func TestIndexPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	r := e.do("GET", "/", nil, "")
	if r.status != 200 || !strings.Contains(string(r.body), e.url+sandbox.APIPath) || !strings.Contains(string(r.body), `href="/hootsuite/app"`) {
		t.Fatalf("index: %v", r)
	}
	wantPageHeaders(t, r)
	wantSelfContained(t, r.body)
	for _, secret := range []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret} {
		if strings.Contains(string(r.body), secret) {
			t.Error("the index page shows a secret")
		}
	}
}
