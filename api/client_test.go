package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testUser   = "uSer/Secret+1="
	testOrg    = "oRg/Secret+2=="
	testClient = "cLient/Secret+3="
	testCode   = "xoz8AFqScK2ngM04kSSM"
	testToken  = "tOken/Value+4="
)

// recorded is one request as the server saw it.
type recorded struct {
	Method, Path, RawQuery, Auth, ContentType string
	Body                                      []byte
}

// fakePlatform answers every request with the next of its scripted answers
// (the last one repeats) and records what it was sent.
type fakePlatform struct {
	t       *testing.T
	mu      sync.Mutex
	seen    []recorded
	answers []func(w http.ResponseWriter, r *http.Request)
}

func (f *fakePlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	n := len(f.seen)
	f.seen = append(f.seen, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
	answer := f.answers[min(n, len(f.answers)-1)]
	f.mu.Unlock()
	answer(w, r)
}

func (f *fakePlatform) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.seen...)
}

func jsonAnswer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// dropConnection closes the connection without any answer.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

const instanceJSON = `{"id":427236,"name":"API Instance","token":"` + testToken + `","element":{"id":1234,"key":"hootsuite","name":"Hootsuite"},
"tags":["demo"],"configuration":{"oauth.api.key":"********","oauth.api.secret":"********","event.notification.enabled":"true",
"event.notification.callback.url":"https://x/elements/api-v2/events/hootsuite","event.poller.configuration":null},
"valid":true,"disabled":false,"eventsEnabled":true,"createdDate":"2026-11-29T00:00:00Z","maxCacheSize":0,"somethingNew":{"a":1}}`

// newTestClient starts a fake platform and a client for it whose waits
// between attempts are recorded instead of slept.
func newTestClient(t *testing.T, answers ...func(http.ResponseWriter, *http.Request)) (*Client, *fakePlatform, *[]time.Duration) {
	t.Helper()
	fake := &fakePlatform{t: t, answers: answers}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	var waits []time.Duration
	c, err := New(srv.URL+"/elements/api-v2", testUser, testOrg, Options{
		Timeout: 2 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, fake, &waits
}

func hootsuiteRequest() CreateInstanceRequest {
	return HootsuiteInstance{
		Name: "API Instance", Tags: []string{"demo"}, Code: testCode,
		CallbackURL: "http://localhost:4668/callback", ClientID: "client-id", ClientSecret: testClient,
		EventCallbackURL: "https://x/elements/api-v2/events/hootsuite",
	}.Request()
}

func TestCreateInstanceSendsTheDocsBodyAndHeader(t *testing.T) {
	c, fake, _ := newTestClient(t, jsonAnswer(200, instanceJSON))
	got, err := c.CreateInstance(context.Background(), hootsuiteRequest())
	if err != nil {
		t.Fatal(err)
	}
	reqs := fake.requests()
	if len(reqs) != 1 {
		t.Fatalf("sent %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/elements/api-v2/instances" {
		t.Errorf("request line = %s %s", r.Method, r.Path)
	}
	if want := "User " + testUser + ", Organization " + testOrg; r.Auth != want {
		t.Errorf("Authorization = %q, want %q", r.Auth, want)
	}
	if r.ContentType != "application/json" {
		t.Errorf("Content-Type = %q", r.ContentType)
	}
	want := `{"element":{"key":"hootsuite"},"providerData":{"code":"xoz8AFqScK2ngM04kSSM"},"configuration":{"oauth.callback.url":"http://localhost:4668/callback","oauth.api.key":"client-id","oauth.api.secret":"cLient/Secret+3=","event.notification.enabled":true,"event.notification.callback.url":"https://x/elements/api-v2/events/hootsuite"},"tags":["demo"],"name":"API Instance"}`
	if string(r.Body) != want {
		t.Errorf("body =\n%s\nwant\n%s", r.Body, want)
	}
	if got.ID != 427236 || got.Token != testToken || got.Name != "API Instance" || got.Element.Key != "hootsuite" || !got.EventsEnabled {
		t.Errorf("decoded instance = %+v", got)
	}
	if _, ok := got.Configuration["event.poller.configuration"]; ok {
		t.Error("a null configuration value should be left out")
	}
	if got.Configuration[KeyEventsEnabled] != "true" {
		t.Errorf("configuration = %v", got.Configuration)
	}
}

func TestEveryCallsRequestLine(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		answer    string
		call      func(c *Client) error
		method    string
		path      string
		query     string
		auth      string
		bodyWant  string
		bodyFixed bool
	}{
		{"oauth url post", `{"element":"hootsuite","oauthUrl":"https://platform.hootsuite.com/oauth2/auth?x=1"}`,
			func(c *Client) error {
				_, err := c.OAuthURLPost(ctx, OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
				return err
			}, "POST", "/elements/api-v2/elements/hootsuite/oauth/url", "", "",
			`{"apiKey":"cid","apiSecret":"cLient/Secret+3=","callbackUrl":"http://localhost:4668/callback","state":"state1234"}`, true},
		{"oauth url get", `{"element":"hootsuite","oauthUrl":"https://platform.hootsuite.com/oauth2/auth?x=1"}`,
			func(c *Client) error {
				_, err := c.OAuthURLGet(ctx, OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234", Scope: "offline"})
				return err
			}, "GET", "/elements/api-v2/elements/hootsuite/oauth/url",
			"apiKey=cid&apiSecret=cLient%2FSecret%2B3%3D&callbackUrl=http%3A%2F%2Flocalhost%3A4668%2Fcallback&scope=offline&state=state1234", "", "", true},
		{"check account", `[]`, func(c *Client) error { return c.CheckAccount(ctx) }, "GET", "/elements/api-v2/instances", "pageSize=1", "", "", true},
		{"get instance", instanceJSON, func(c *Client) error { _, err := c.GetInstance(ctx, 427236); return err },
			"GET", "/elements/api-v2/instances/427236", "", "", "", true},
		{"list by tag", `[` + instanceJSON + `]`, func(c *Client) error { _, err := c.ListInstances(ctx, "hootwire-session-abc", "demo"); return err },
			"GET", "/elements/api-v2/instances", "tags%5B%5D=hootwire-session-abc&tags%5B%5D=demo", "", "", true},
		{"patch by id", instanceJSON, func(c *Client) error {
			_, err := c.PatchInstance(ctx, 427236, EventCallbackPatch("https://x/events/hootsuite/NDI3MjM2"))
			return err
		}, "PATCH", "/elements/api-v2/instances/427236", "", "",
			`{"configuration":{"event.notification.callback.url":"https://x/events/hootsuite/NDI3MjM2"}}`, true},
		{"patch by token", instanceJSON, func(c *Client) error {
			_, err := c.PatchInstanceByToken(ctx, testToken, EventCallbackPatch("https://x/events/hootsuite/NDI3MjM2"))
			return err
		}, "PATCH", "/elements/api-v2/instances", "", ", Element " + testToken,
			`{"configuration":{"event.notification.callback.url":"https://x/events/hootsuite/NDI3MjM2"}}`, true},
		{"delete", `{}`, func(c *Client) error { return c.DeleteInstance(ctx, 427236) }, "DELETE", "/elements/api-v2/instances/427236", "", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake, _ := newTestClient(t, jsonAnswer(200, tc.answer))
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			r := fake.requests()[0]
			if r.Method != tc.method || r.Path != tc.path || r.RawQuery != tc.query {
				t.Errorf("got %s %s?%s, want %s %s?%s", r.Method, r.Path, r.RawQuery, tc.method, tc.path, tc.query)
			}
			if want := "User " + testUser + ", Organization " + testOrg + tc.auth; r.Auth != want {
				t.Errorf("Authorization = %q, want %q", r.Auth, want)
			}
			if string(r.Body) != tc.bodyWant {
				t.Errorf("body = %s, want %s", r.Body, tc.bodyWant)
			}
			if tc.bodyWant != "" && r.ContentType != "application/json" {
				t.Errorf("Content-Type = %q", r.ContentType)
			}
		})
	}
}

func TestOAuthURLFallsBackToGetWhenPostIsUnknown(t *testing.T) {
	c, fake, _ := newTestClient(t,
		jsonAnswer(405, `{"requestId":"r1","message":"Method not allowed"}`),
		jsonAnswer(200, `{"element":"hootsuite","oauthUrl":"https://platform.hootsuite.com/oauth2/auth"}`))
	got, err := c.OAuthURL(context.Background(), OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
	if err != nil {
		t.Fatal(err)
	}
	if got.OAuthURL != "https://platform.hootsuite.com/oauth2/auth" {
		t.Errorf("oauthUrl = %q", got.OAuthURL)
	}
	reqs := fake.requests()
	if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[1].Method != "GET" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestOAuthURLRefusesAnythingButHTTP(t *testing.T) {
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "-flag", "", "//host/path"} {
		c, _, _ := newTestClient(t, jsonAnswer(200, `{"element":"hootsuite","oauthUrl":`+quote(bad)+`}`))
		_, err := c.OAuthURL(context.Background(), OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
		if err == nil || !strings.Contains(err.Error(), "not http or https") {
			t.Errorf("oauthUrl %q: err = %v, want a refusal", bad, err)
		}
	}
}

func TestOAuthURLChecksItsInputsBeforeSending(t *testing.T) {
	c, fake, _ := newTestClient(t, jsonAnswer(200, `{}`))
	_, err := c.OAuthURL(context.Background(), OAuthURLRequest{State: "short"})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"client id", "client secret", "callback URL", "state of at least 8"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if n := len(fake.requests()); n != 0 {
		t.Errorf("sent %d requests with incomplete input", n)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestErrorsSayWhatToDo(t *testing.T) {
	cases := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request)
		call   func(*Client) error
		want   []string
		status int
	}{
		{"401", jsonAnswer(401, `{"requestId":"5a1b","message":"Invalid Organization or User secret, or invalid Element token provided."}`),
			func(c *Client) error { return c.CheckAccount(context.Background()) },
			[]string{"check account", "401", "Invalid Organization or User secret", "5a1b", "User or Organization secret is wrong"}, 401},
		{"400 on create", jsonAnswer(400, `{"requestId":"r2","message":"Failed to create instance","providerMessage":"invalid_grant: code already used"}`),
			func(c *Client) error {
				_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
				return err
			},
			[]string{"create instance", "Failed to create instance", "invalid_grant: code already used", "r2", "works once and for about 10 minutes"}, 400},
		{"provider message as an object", jsonAnswer(400, `{"requestId":"r3","message":"Failed","providerMessage":{"error":"invalid_grant"}}`),
			func(c *Client) error {
				_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
				return err
			},
			[]string{`{"error":"invalid_grant"}`}, 400},
		{"html from a proxy", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		}, func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err },
			[]string{"read instance", "502", "not the platform's JSON", "502 Bad Gateway", "try again"}, 502},
		{"404 instance", jsonAnswer(404, `{"requestId":"r4","message":"No instance found with id 9"}`),
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 9); return err },
			[]string{"No instance found", "does not exist"}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newTestClient(t, tc.answer)
			err := tc.call(c)
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *api.Error", err, err)
			}
			if apiErr.StatusCode != tc.status {
				t.Errorf("status = %d", apiErr.StatusCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "invalid character") || strings.Contains(err.Error(), "json:") {
				t.Errorf("error leaks a JSON decoding message: %q", err)
			}
		})
	}
}

func TestErrorTextIsInertAndHoldsNoSecret(t *testing.T) {
	body := `{"requestId":"r","message":"bad \u001b[31mred\u001b[0m code ` + testCode + ` for User ` + testUser + `, Organization ` + testOrg + `"}`
	c, _, _ := newTestClient(t, jsonAnswer(400, body))
	_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	if strings.ContainsRune(msg, 0x1b) {
		t.Errorf("escape sequence reached the message: %q", msg)
	}
	for _, s := range []string{testCode, testUser, testOrg, testClient} {
		if strings.Contains(msg, s) {
			t.Errorf("secret %q in error %q", s, msg)
		}
	}
}

func TestRetries(t *testing.T) {
	unavailable := jsonAnswer(503, `{"requestId":"r","message":"Service unavailable"}`)
	ok := jsonAnswer(200, instanceJSON)
	tooMany := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(429)
		io.WriteString(w, `{"requestId":"r","message":"Rate limit exceeded"}`)
	}
	cases := []struct {
		name      string
		answers   []func(http.ResponseWriter, *http.Request)
		call      func(*Client) error
		wantSent  int
		wantErr   bool
		wantWaits []time.Duration // exact waits, when the server sets them
	}{
		{"GET retried until it works", []func(http.ResponseWriter, *http.Request){unavailable, unavailable, ok},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 3, false, nil},
		{"GET gives up after 3 attempts", []func(http.ResponseWriter, *http.Request){unavailable},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 3, true, nil},
		{"429 honours Retry-After", []func(http.ResponseWriter, *http.Request){tooMany, ok},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 2, false, []time.Duration{2 * time.Second}},
		{"PATCH retried on 502", []func(http.ResponseWriter, *http.Request){jsonAnswer(502, `{"message":"bad gateway","requestId":"x"}`), ok},
			func(c *Client) error {
				_, err := c.PatchInstance(context.Background(), 1, EventCallbackPatch("u"))
				return err
			}, 2, false, nil},
		{"DELETE retried on 504", []func(http.ResponseWriter, *http.Request){jsonAnswer(504, `{"message":"timeout","requestId":"x"}`), jsonAnswer(200, `{}`)},
			func(c *Client) error { return c.DeleteInstance(context.Background(), 1) }, 2, false, nil},
		{"DELETE whose first answer was lost", []func(http.ResponseWriter, *http.Request){dropConnection, jsonAnswer(404, `{"message":"not found","requestId":"x"}`)},
			func(c *Client) error { return c.DeleteInstance(context.Background(), 1) }, 2, false, nil},
		{"GET retried after a dropped connection", []func(http.ResponseWriter, *http.Request){dropConnection, ok},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 2, false, nil},
		{"500 is not retried", []func(http.ResponseWriter, *http.Request){jsonAnswer(500, `{"message":"boom","requestId":"x"}`), ok},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 1, true, nil},
		{"401 is not retried", []func(http.ResponseWriter, *http.Request){jsonAnswer(401, `{"message":"no","requestId":"x"}`), ok},
			func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 1, true, nil},
		{"POST /instances is sent once on 503", []func(http.ResponseWriter, *http.Request){unavailable, ok},
			func(c *Client) error {
				_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
				return err
			}, 1, true, nil},
		{"POST /instances is sent once on a dropped connection", []func(http.ResponseWriter, *http.Request){dropConnection, ok},
			func(c *Client) error {
				_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
				return err
			}, 1, true, nil},
		{"POST /instances is sent once on 429", []func(http.ResponseWriter, *http.Request){tooMany, ok},
			func(c *Client) error {
				_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
				return err
			}, 1, true, nil},
		{"a Retry-After too long is reported, not waited", []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(429)
		}, ok}, func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err }, 1, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake, waits := newTestClient(t, tc.answers...)
			err := tc.call(c)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if n := len(fake.requests()); n != tc.wantSent {
				t.Errorf("sent %d times, want %d", n, tc.wantSent)
			}
			if len(*waits) != tc.wantSent-1 {
				t.Errorf("waited %d times between %d attempts", len(*waits), tc.wantSent)
			}
			if tc.wantWaits != nil && !equalDurations(*waits, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", *waits, tc.wantWaits)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBackoffGrows(t *testing.T) {
	c, _, _ := newTestClient(t, jsonAnswer(200, `{}`))
	first, second := c.backoff(1, 0), c.backoff(2, 0)
	if first < 500*time.Millisecond || first >= 600*time.Millisecond || second < time.Second || second >= 1200*time.Millisecond {
		t.Errorf("backoff = %v, %v; want about 0.5s then 1s", first, second)
	}
}

func TestAmbiguousCreate(t *testing.T) {
	cases := []struct {
		name      string
		answer    func(http.ResponseWriter, *http.Request)
		ambiguous bool
		grant     bool
	}{
		{"dropped connection", dropConnection, true, false},
		{"502", jsonAnswer(502, `{"message":"bad gateway","requestId":"x"}`), true, false},
		{"malformed JSON", jsonAnswer(200, `{"id":427236,"tok`), true, false},
		{"empty 200", jsonAnswer(200, ``), true, false},
		{"400 spent code", jsonAnswer(400, `{"message":"Failed","requestId":"x","providerMessage":"invalid_grant"}`), false, true},
		{"401", jsonAnswer(401, `{"message":"bad secret","requestId":"x"}`), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newTestClient(t, tc.answer)
			_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
			if err == nil {
				t.Fatal("want an error")
			}
			if Ambiguous(err) != tc.ambiguous || GrantRejected(err) != tc.grant {
				t.Errorf("Ambiguous=%v GrantRejected=%v for %v", Ambiguous(err), GrantRejected(err), err)
			}
		})
	}
}

func TestTimeoutIsANetworkError(t *testing.T) {
	release := make(chan struct{})
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	fake := &fakePlatform{t: t, answers: []func(http.ResponseWriter, *http.Request){slow}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := New(srv.URL, testUser, testOrg, Options{Timeout: 50 * time.Millisecond, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetInstance(context.Background(), 1)
	var ne *NetworkError
	if !errors.As(err, &ne) || !ne.Timeout {
		t.Fatalf("err = %v, want a time-out NetworkError", err)
	}
	if !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("message = %q", err)
	}
}

func TestCancelledContextIsNotANetworkFailure(t *testing.T) {
	c, _, _ := newTestClient(t, jsonAnswer(200, instanceJSON))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetInstance(ctx, 1)
	if !errors.Is(err, context.Canceled) || IsNetwork(err) {
		t.Errorf("err = %v; want context.Canceled, not a network error", err)
	}
}

func TestNetworkErrorHidesTheURLsSecrets(t *testing.T) {
	// Nothing listens on this port: the connection is refused.
	c, err := New("http://127.0.0.1:1/elements/api-v2", testUser, testOrg, Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.OAuthURLGet(context.Background(), OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
	if !IsNetwork(err) {
		t.Fatalf("err = %v, want a network error", err)
	}
	if strings.Contains(err.Error(), testClient) || strings.Contains(err.Error(), "cLient%2FSecret") {
		t.Errorf("client secret in %q", err)
	}
}

func TestHugeAnswerIsRefused(t *testing.T) {
	huge := func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(200)
		chunk := bytes.Repeat([]byte("a"), 1<<16)
		for i := 0; i < (maxBodyBytes>>16)+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	c, _, _ := newTestClient(t, huge)
	_, err := c.GetInstance(context.Background(), 1)
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v, want a size refusal", err)
	}
}

func TestLenientDecoding(t *testing.T) {
	var in Instance
	data := `{"id":9007199254740993,"token":"t","tags":[{"name":"old"},"new",null],"configuration":{"a":null,"b":"x","c":true,"d":5},"unknown":[1,2]}`
	if err := json.Unmarshal([]byte(data), &in); err != nil {
		t.Fatal(err)
	}
	if in.ID != 9007199254740993 {
		t.Errorf("id = %d: an int64 id must not lose precision", in.ID)
	}
	if len(in.Tags) != 2 || in.Tags[0] != "old" || in.Tags[1] != "new" {
		t.Errorf("tags = %v", in.Tags)
	}
	if _, ok := in.Configuration["a"]; ok || in.Configuration["b"] != "x" || in.Configuration["c"] != "true" || in.Configuration["d"] != "5" {
		t.Errorf("configuration = %v", in.Configuration)
	}
	if err := json.Unmarshal([]byte(`{"tags":[1]}`), &in); err == nil {
		t.Error("a number is not a tag")
	}
}

func TestWebhookURL(t *testing.T) {
	for id, want := range map[int64]string{20931: "MjA5MzE=", 12345: "MTIzNDU=", 427236: "NDI3MjM2", 1234567: "MTIzNDU2Nw=="} {
		if got := EncodeID(id); got != want {
			t.Errorf("EncodeID(%d) = %q, want %q", id, got, want)
		}
	}
	base := "https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2"
	if got, want := WebhookURL(base+"/", 20931), base+"/events/hootsuite/MjA5MzE="; got != want {
		t.Errorf("WebhookURL = %q, want %q", got, want)
	}
	if got, want := EventsURL(base), base+"/events/hootsuite"; got != want {
		t.Errorf("EventsURL = %q, want %q", got, want)
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	good := map[string]string{
		"https://api.example.com":                   "https://api.example.com/elements/api-v2",
		"https://api.example.com/":                  "https://api.example.com/elements/api-v2",
		" https://api.example.com/elements/api-v2/": "https://api.example.com/elements/api-v2",
		"http://127.0.0.1:8080/elements/api-v2":     "http://127.0.0.1:8080/elements/api-v2",
	}
	for in, want := range good {
		if got, err := NormalizeBaseURL(in); err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "api.example.com", "ftp://x", "https://user:pw@x/", "https://x/?a=1"} {
		if _, err := NormalizeBaseURL(bad); err == nil {
			t.Errorf("NormalizeBaseURL(%q) accepted", bad)
		}
	}
	if _, err := New("https://x", "", testOrg, Options{}); err == nil || !strings.Contains(err.Error(), "User secret") {
		t.Errorf("missing secret: err = %v", err)
	}
}

func TestDebugLogIsRedacted(t *testing.T) {
	var buf bytes.Buffer
	fake := &fakePlatform{t: t, answers: []func(http.ResponseWriter, *http.Request){jsonAnswer(200, instanceJSON)}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, testUser, testOrg, Options{Debug: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateInstance(context.Background(), hootsuiteRequest()); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, want := range []string{`"method":"POST"`, `"status":200`, "/instances", "API Instance"} {
		if !strings.Contains(log, want) {
			t.Errorf("debug log lacks %s:\n%s", want, log)
		}
	}
	for _, s := range []string{testUser, testOrg, testClient, testCode, testToken} {
		if strings.Contains(log, s) || strings.Contains(log, strings.ReplaceAll(s, "+", `\u002b`)) {
			t.Errorf("debug log holds secret %q", s)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"": 0, "7": 7 * time.Second, "-1": 0, "soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestRedirectsAreNotFollowed: every request carries the secrets, so a
// redirect, even to the same host, is an error that says what to check,
// and the place it points at sees nothing.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	t.Cleanup(target.Close)
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
	})
	_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
	if err == nil || !strings.Contains(err.Error(), "redirect") || !strings.Contains(err.Error(), "base URL") {
		t.Fatalf("err = %v, want a redirect refusal that says to check the base URL", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect's target got %d requests", n)
	}
}

// TestSecretsAreMaskedBeforeAnAnswerIsCut: a token that crosses the point
// where an error's excerpt of an answer is cut shows no part of itself, nor
// does a requestId that echoes a secret.
func TestSecretsAreMaskedBeforeAnAnswerIsCut(t *testing.T) {
	unknownToken := strings.Repeat("T", 40) + "secretTail"
	head := `{"id":7,"note":"` + strings.Repeat("x", 170) + `","token":"` + unknownToken + `"}`
	huge := func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(200)
		w.Write([]byte(head))
		w.Write(bytes.Repeat([]byte(" "), maxBodyBytes))
	}
	c, _, _ := newTestClient(t, huge, jsonAnswer(400, `{"requestId":"req `+testUser+`","message":"bad"}`))
	_, err := c.GetInstance(context.Background(), 1)
	if err == nil || strings.Contains(err.Error(), "TTTTT") {
		t.Errorf("an excerpt cut inside a token shows part of it: %v", err)
	}
	_, err = c.GetInstance(context.Background(), 1)
	if err == nil || strings.Contains(err.Error(), testUser) {
		t.Errorf("a requestId echoing the user secret shows it: %v", err)
	}
}

// TestDebugLogSkipsAnswersItDoesNotRead: the account check lists every
// instance of the organization, other connectors' configurations included;
// hootwire does not read that answer, and the debug log keeps only its size.
func TestDebugLogSkipsAnswersItDoesNotRead(t *testing.T) {
	var buf bytes.Buffer
	fake := &fakePlatform{t: t, answers: []func(http.ResponseWriter, *http.Request){
		jsonAnswer(200, `[{"id":1,"configuration":{"private.key":"another-connectors-key"}}]`)}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, testUser, testOrg, Options{Debug: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckAccount(context.Background()); err != nil {
		t.Fatal(err)
	}
	if log := buf.String(); strings.Contains(log, "another-connectors-key") || !strings.Contains(log, `"response_bytes"`) {
		t.Errorf("debug log of an answer hootwire does not read:\n%s", log)
	}
}
