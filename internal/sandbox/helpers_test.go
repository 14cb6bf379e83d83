package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

// authHeader is the header every platform call of a well-behaved client carries.
const authHeader = "User " + sandbox.DemoUserSecret + ", Organization " + sandbox.DemoOrgSecret

// callback is the API callback URL hootwire registers by default.
const callback = "http://localhost:4668/callback"

// clock is a settable clock for the sandbox.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a sandbox served by httptest, with a client that does not follow redirects.
type env struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	url    string // the sandbox's root URL
	clock  *clock
	client *http.Client
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	sb := sandbox.New(opts)
	t.Cleanup(sb.Stop) // after the server has closed: no delivery outlives the test
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{t: t, sb: sb, url: ts.URL, clock: clk, client: &client}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return strconv.Itoa(r.status) + " " + string(r.body) }

// do sends a request; target is a path on the sandbox or an absolute URL.
func (e *env) do(method, target string, header http.Header, body string) response {
	e.t.Helper()
	resp, err := e.send(method, target, header, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, target, err)
	}
	return resp
}

func (e *env) send(method, target string, header http.Header, body string) (response, error) {
	e.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = e.url + target
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// api sends an authenticated platform call; path is below APIPath.
func (e *env) api(method, path, body string) response {
	e.t.Helper()
	return e.do(method, sandbox.APIPath+path, jsonHeader(authHeader), body)
}

func jsonHeader(auth string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return h
}

func formHeader() http.Header {
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
}

// oauthURL asks the platform for the consent URL.
func (e *env) oauthURL(redirectURI, state string) string {
	e.t.Helper()
	body := mustJSON(e.t, map[string]string{
		"apiKey": sandbox.DemoClientID, "apiSecret": sandbox.DemoClientSecret,
		"callbackUrl": redirectURI, "state": state,
	})
	r := e.api("POST", "/elements/hootsuite/oauth/url", body)
	if r.status != 200 {
		e.t.Fatalf("oauth/url: %v", r)
	}
	var out struct{ OAuthURL string }
	decode(e.t, r.body, &out)
	return out.OAuthURL
}

// code gets a grant code through the consent form, as a browser would.
func (e *env) code(redirectURI string) string {
	e.t.Helper()
	state := "state-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	consent, err := url.Parse(e.oauthURL(redirectURI, state))
	if err != nil {
		e.t.Fatal(err)
	}
	q := consent.Query()
	form := url.Values{
		"client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")},
		"state": {q.Get("state")}, "scope": {q.Get("scope")}, "decision": {"allow"},
	}
	r := e.do("POST", "/hootsuite/oauth2/consent", formHeader(), form.Encode())
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("consent: %v", r)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		e.t.Fatal(err)
	}
	if loc.Query().Get("state") != state {
		e.t.Fatalf("consent redirect state = %q, want %q", loc.Query().Get("state"), state)
	}
	return loc.Query().Get("code")
}

// createBody is the reference doc's body for POST /instances.
func createBody(code string) map[string]any {
	return map[string]any{
		"element":      map[string]any{"key": "hootsuite"},
		"providerData": map[string]any{"code": code},
		"configuration": map[string]any{
			"oauth.callback.url":              callback,
			"oauth.api.key":                   sandbox.DemoClientID,
			"oauth.api.secret":                sandbox.DemoClientSecret,
			"event.notification.enabled":      true,
			"event.notification.callback.url": "https://example.invalid/elements/api-v2/events/hootsuite",
		},
		"tags": []string{"hootwire"},
		"name": "API Instance",
	}
}

func configOf(body map[string]any) map[string]any { return body["configuration"].(map[string]any) }

// create posts a body to /instances.
func (e *env) create(body map[string]any) response {
	e.t.Helper()
	return e.api("POST", "/instances", mustJSON(e.t, body))
}

// instanceJSON is what the tests read of an instance.
type instanceJSON struct {
	ID            int64              `json:"id"`
	Name          string             `json:"name"`
	Token         string             `json:"token"`
	Tags          []string           `json:"tags"`
	Configuration map[string]*string `json:"configuration"`
	EventsEnabled bool               `json:"eventsEnabled"`
	CreatedDate   string             `json:"createdDate"`
	UpdatedDate   string             `json:"updatedDate"`
}

// newInstance creates an instance through the whole OAuth dance.
func (e *env) newInstance(mutate func(body map[string]any)) instanceJSON {
	e.t.Helper()
	body := createBody(e.code(callback))
	if mutate != nil {
		mutate(body)
	}
	r := e.create(body)
	if r.status != 200 {
		e.t.Fatalf("create instance: %v", r)
	}
	var in instanceJSON
	decode(e.t, r.body, &in)
	return in
}

func encodeID(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

type platformError struct {
	RequestID       string  `json:"requestId"`
	Message         string  `json:"message"`
	ProviderMessage *string `json:"providerMessage"`
}

var hexID = regexp.MustCompile(`^[0-9a-f]{16,}$`)

// wantError checks a platform error: status, JSON content type, requestId,
// and that the message contains msg.
func wantError(t *testing.T, r response, status int, msg string) platformError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var pe platformError
	decode(t, r.body, &pe)
	if !hexID.MatchString(pe.RequestID) {
		t.Errorf("requestId = %q, want random hex", pe.RequestID)
	}
	if !strings.Contains(pe.Message, msg) {
		t.Errorf("message = %q, want it to contain %q", pe.Message, msg)
	}
	return pe
}

// providerError decodes Hootsuite's answer carried in providerMessage.
func providerError(t *testing.T, pe platformError) (code, description string) {
	t.Helper()
	if pe.ProviderMessage == nil {
		t.Fatalf("no providerMessage in error %+v", pe)
	}
	var p struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	decode(t, []byte(*pe.ProviderMessage), &p)
	return p.Error, p.ErrorDescription
}

// wantPageHeaders checks the headers every Hootsuite page (and redirect) must carry.
func wantPageHeaders(t *testing.T, r response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); r.status/100 != 3 && !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := r.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
}

// wantSelfContained checks that a page loads nothing from elsewhere.
func wantSelfContained(t *testing.T, body []byte) {
	t.Helper()
	page := strings.ToLower(string(body))
	for _, s := range []string{" src=", "<link", "url(", "@import"} {
		if strings.Contains(page, s) {
			t.Errorf("page contains %q: it must load nothing from elsewhere", s)
		}
	}
}
