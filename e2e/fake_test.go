//go:build unix

package e2e

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePlatform is a stand-in for the Open Connectors platform and
// Hootsuite's consent page, written here from the doc and independent of
// hootwire's own sandbox: a wizard that only works against its own sandbox
// would fail here. It refuses, and records, any request the doc does not
// describe.
type fakePlatform struct {
	t        *testing.T
	srv      *httptest.Server
	base     string // .../elements/api-v2
	creds    creds
	callback string // the callback URL registered on the Hootsuite app

	mu        sync.Mutex
	states    map[string]string // state -> callback URL of a redirect URL handed out
	codes     map[string]bool   // grant codes issued -> spent
	instances map[int64]*fakeInstance
	nextID    int64
	creates   int
	patches   []fakePatch
	wrong     []string // requests refused because hootwire got them wrong
}

type fakeInstance struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Token         string            `json:"token"`
	Element       fakeElement       `json:"element"`
	Tags          []string          `json:"tags"`
	Valid         bool              `json:"valid"`
	Disabled      bool              `json:"disabled"`
	EventsEnabled bool              `json:"eventsEnabled"`
	Configuration map[string]string `json:"configuration"`
}

type fakeElement struct {
	ID   int64  `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

type fakePatch struct {
	id            int64
	configuration map[string]string
}

const apiPath = "/elements/api-v2"

func startFake(t *testing.T, c creds, callback string) *fakePlatform {
	f := &fakePlatform{t: t, creds: c, callback: callback, states: map[string]string{},
		codes: map[string]bool{}, instances: map[int64]*fakeInstance{}, nextID: 9001}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+apiPath+"/elements/hootsuite/oauth/url", f.authorized(f.oauthURL))
	mux.HandleFunc("GET /consent", f.consent)
	mux.HandleFunc("GET "+apiPath+"/instances", f.authorized(f.list))
	mux.HandleFunc("POST "+apiPath+"/instances", f.authorized(f.create))
	mux.HandleFunc("GET "+apiPath+"/instances/{id}", f.authorized(f.instance(f.get)))
	mux.HandleFunc("PATCH "+apiPath+"/instances/{id}", f.authorized(f.instance(f.patch)))
	mux.HandleFunc("DELETE "+apiPath+"/instances/{id}", f.authorized(f.instance(f.remove)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.refuse(w, http.StatusNotFound, "no %s %s on this platform", r.Method, r.URL.Path)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.base = f.srv.URL + apiPath
	return f
}

// refuse answers with the platform's error JSON and records why.
func (f *fakePlatform) refuse(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.mu.Lock()
	f.wrong = append(f.wrong, msg)
	f.mu.Unlock()
	writeJSONTo(w, status, map[string]string{"requestId": "fake-" + randomText(6), "message": msg})
}

func writeJSONTo(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// authorized checks the doc's Authorization header: User and Organization
// secrets, nothing else.
func (f *fakePlatform) authorized(h http.HandlerFunc) http.HandlerFunc {
	want := "User " + f.creds.user + ", Organization " + f.creds.org
	return func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != want {
			f.refuse(w, http.StatusUnauthorized, "%s %s: the Authorization header is not %q", r.Method, r.URL.Path, "User <user secret>, Organization <organization secret>")
			return
		}
		h(w, r)
	}
}

// decode reads a JSON body, refusing unknown fields.
func (f *fakePlatform) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.refuse(w, http.StatusUnsupportedMediaType, "%s %s: Content-Type is %q, not application/json", r.Method, r.URL.Path, ct)
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		f.refuse(w, http.StatusBadRequest, "%s %s: the body is not what the doc shows: %v", r.Method, r.URL.Path, err)
		return false
	}
	return true
}

// oauthURL serves POST /elements/hootsuite/oauth/url: the provider's
// consent URL, here on the fake, for the state given.
func (f *fakePlatform) oauthURL(w http.ResponseWriter, r *http.Request) {
	var req struct {
		APIKey      string `json:"apiKey"`
		APISecret   string `json:"apiSecret"`
		CallbackURL string `json:"callbackUrl"`
		State       string `json:"state"`
		Scope       string `json:"scope"`
	}
	if !f.decode(w, r, &req) {
		return
	}
	switch {
	case req.APIKey != f.creds.clientID || req.APISecret != f.creds.clientSecret:
		f.refuse(w, http.StatusBadRequest, "oauth/url: apiKey and apiSecret are not the Hootsuite app's")
		return
	case req.CallbackURL != f.callback:
		f.refuse(w, http.StatusBadRequest, "oauth/url: callbackUrl %q is not the one registered, %q", req.CallbackURL, f.callback)
		return
	case len(req.State) < 8:
		f.refuse(w, http.StatusBadRequest, "oauth/url: state %q is too short", req.State)
		return
	}
	f.mu.Lock()
	f.states[req.State] = req.CallbackURL
	f.mu.Unlock()
	q := url.Values{"response_type": {"code"}, "client_id": {req.APIKey}, "redirect_uri": {req.CallbackURL}, "state": {req.State}}
	if req.Scope != "" {
		q.Set("scope", req.Scope)
	}
	writeJSONTo(w, http.StatusOK, map[string]string{"element": "hootsuite", "oauthUrl": f.srv.URL + "/consent?" + q.Encode()})
}

// consent is the provider's consent page, approving at once: it sends the
// browser back to the callback URL with a fresh grant code and the state.
func (f *fakePlatform) consent(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	f.mu.Lock()
	callback, ok := f.states[state]
	f.mu.Unlock()
	if !ok || r.URL.Query().Get("redirect_uri") != callback {
		f.refuse(w, http.StatusBadRequest, "consent: state %q or redirect_uri %q was not handed out", state, r.URL.Query().Get("redirect_uri"))
		return
	}
	code := "fake-grant-" + randomText(12)
	f.mu.Lock()
	f.codes[code] = false
	f.mu.Unlock()
	http.Redirect(w, r, callback+"?"+url.Values{"code": {code}, "state": {state}}.Encode(), http.StatusFound)
}

// list serves GET /instances, filtered by tags[] (an instance must carry every one).
func (f *fakePlatform) list(w http.ResponseWriter, r *http.Request) {
	tags := r.URL.Query()["tags[]"]
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []*fakeInstance{}
	for _, in := range f.instances {
		if slices.ContainsFunc(tags, func(tag string) bool { return !slices.Contains(in.Tags, tag) }) {
			continue
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b *fakeInstance) int { return int(a.ID - b.ID) })
	writeJSONTo(w, http.StatusOK, out)
}

// create serves POST /instances with the doc's body.
func (f *fakePlatform) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Element struct {
			Key string `json:"key"`
		} `json:"element"`
		ProviderData struct {
			Code string `json:"code"`
		} `json:"providerData"`
		Configuration map[string]any `json:"configuration"`
		Tags          []string       `json:"tags"`
		Name          string         `json:"name"`
	}
	if !f.decode(w, r, &req) {
		return
	}
	f.mu.Lock()
	f.creates++
	spent, issued := f.codes[req.ProviderData.Code]
	if issued {
		f.codes[req.ProviderData.Code] = true
	}
	f.mu.Unlock()
	c := req.Configuration
	switch {
	case req.Element.Key != "hootsuite":
		f.refuse(w, http.StatusBadRequest, "create: element.key is %q, not hootsuite", req.Element.Key)
		return
	case !issued || spent:
		f.refuse(w, http.StatusBadRequest, "create: providerData.code %q was not issued or is spent (issued %v, spent %v)", req.ProviderData.Code, issued, spent)
		return
	case c["oauth.api.key"] != f.creds.clientID || c["oauth.api.secret"] != f.creds.clientSecret:
		f.refuse(w, http.StatusBadRequest, "create: oauth.api.key and oauth.api.secret are not the Hootsuite app's")
		return
	case c["oauth.callback.url"] != f.callback:
		f.refuse(w, http.StatusBadRequest, "create: oauth.callback.url is %v, not %q", c["oauth.callback.url"], f.callback)
		return
	case c["event.notification.enabled"] != true:
		f.refuse(w, http.StatusBadRequest, "create: event.notification.enabled is %v, not true", c["event.notification.enabled"])
		return
	case req.Name == "":
		f.refuse(w, http.StatusBadRequest, "create: no name")
		return
	}
	config := map[string]string{}
	for k, v := range c {
		if k != "oauth.api.secret" { // the platform does not hand the secret back
			config[k] = fmt.Sprint(v)
		}
	}
	f.mu.Lock()
	in := &fakeInstance{ID: f.nextID, Name: req.Name, Token: randomText(24), Element: fakeElement{ID: 7, Key: "hootsuite", Name: "Hootsuite"},
		Tags: req.Tags, Valid: true, EventsEnabled: true, Configuration: config}
	f.nextID++
	f.instances[in.ID] = in
	f.mu.Unlock()
	writeJSONTo(w, http.StatusOK, in)
}

// instance finds the instance of an /instances/{id} request.
func (f *fakePlatform) instance(h func(http.ResponseWriter, *http.Request, *fakeInstance)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		f.mu.Lock()
		in := f.instances[id]
		f.mu.Unlock()
		if err != nil || in == nil {
			f.refuse(w, http.StatusNotFound, "%s %s: no such instance", r.Method, r.URL.Path)
			return
		}
		h(w, r, in)
	}
}

func (f *fakePlatform) get(w http.ResponseWriter, r *http.Request, in *fakeInstance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSONTo(w, http.StatusOK, in)
}

// patch serves PATCH /instances/{id} with {"configuration": {...}}: the
// keys given change, the others stay.
func (f *fakePlatform) patch(w http.ResponseWriter, r *http.Request, in *fakeInstance) {
	var req struct {
		Configuration map[string]string `json:"configuration"`
	}
	if !f.decode(w, r, &req) {
		return
	}
	if len(req.Configuration) == 0 {
		f.refuse(w, http.StatusBadRequest, "patch: no configuration")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.patches = append(f.patches, fakePatch{id: in.ID, configuration: req.Configuration})
	for k, v := range req.Configuration {
		in.Configuration[k] = v
	}
	writeJSONTo(w, http.StatusOK, in)
}

func (f *fakePlatform) remove(w http.ResponseWriter, r *http.Request, in *fakeInstance) {
	f.mu.Lock()
	delete(f.instances, in.ID)
	f.mu.Unlock()
	writeJSONTo(w, http.StatusOK, map[string]any{})
}

func randomText(n int) string { return rand.Text()[:n] }

// fetchEnv, in the environment, makes the test binary a minimal browser:
// it follows the URL it is given through its redirects, as a browser
// approving at once would, and appends what happened to the file it names.
const fetchEnv = "HOOTWIRE_E2E_FETCH_LOG"

func fetchMain(args []string) int {
	logf := func(format string, a ...any) {
		if f, err := os.OpenFile(os.Getenv(fetchEnv), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			fmt.Fprintf(f, format+"\n", a...)
			f.Close()
		}
	}
	if len(args) != 1 {
		logf("want one URL, got %q", args)
		return 2
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		logf("redirected to %s", req.URL.Redacted())
		if len(via) > 5 {
			return fmt.Errorf("too many redirects")
		}
		return nil
	}}
	logf("open %s", args[0])
	resp, err := client.Get(args[0])
	if err != nil {
		logf("error: %v", err)
		return 1
	}
	resp.Body.Close()
	logf("landed: %s", resp.Status)
	return 0
}

// TestAgainstAnIndependentFake runs the wizard against fakePlatform: the
// Target step's Another URL…, every secret typed, a browser that follows
// the consent URL to hootwire's listener, then one create and one patch of
// the event callback URL to the webhook URL with the base64 id.
func TestAgainstAnIndependentFake(t *testing.T) {
	needTools(t)
	callback := freeCallbackURL(t)
	f := startFake(t, creds{
		user:         "fakeUser/VXNlcg+1=",
		org:          "fakeOrg/T3Jn+2==",
		clientID:     "fake-hootsuite-client",
		clientSecret: "fakeClient/U2Vj+3=",
	}, callback)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	fetchLog := filepath.Join(t.TempDir(), "browser.log")
	t.Cleanup(func() {
		if t.Failed() {
			data, _ := os.ReadFile(fetchLog)
			t.Logf("the browser's log:\n%s", data)
		}
	})
	tm := newTerm(t, append(baseEnv(t, self), fetchEnv+"="+fetchLog), binary)
	typeInputs(tm, f.base, callback, f.creds)
	tm.waitFor("Step 6 of 8: Create", "enter create the instance")
	created := create(tm)
	if !strings.Contains(created, "Created instance 9001.") {
		t.Errorf("the Create step does not name instance 9001:\n%s", created)
	}
	tm.keys("Enter")
	webhook := f.base + "/events/hootsuite/OTAwMQ=="
	tm.waitFor("Step 7 of 8: Register at Hootsuite", "Base64 id    OTAwMQ==", webhook)
	tm.keys("Enter")
	tm.waitFor("Done: the instance is set up and its events are wired.")
	tm.keys("Enter")
	code, screen := tm.waitExit()
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	if !strings.Contains(screen, "hootwire: setup done.") || !strings.Contains(screen, webhook) {
		t.Errorf("the summary should stay in the terminal:\n%s", screen)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	secrets := []string{f.creds.user, f.creds.org, f.creds.clientSecret}
	for _, in := range f.instances {
		secrets = append(secrets, in.Token)
	}
	for _, shot := range tm.shots {
		for _, s := range secrets {
			if strings.Contains(shot, s) {
				t.Errorf("a secret or the token, %q, was on the screen:\n%s", s, shot)
			}
		}
	}
	if len(f.wrong) > 0 {
		t.Errorf("the platform refused requests:\n%s", strings.Join(f.wrong, "\n"))
	}
	if f.creates != 1 {
		t.Errorf("%d creates, want 1", f.creates)
	}
	if len(f.patches) != 1 {
		t.Fatalf("%d patches, want 1: %+v", len(f.patches), f.patches)
	}
	p := f.patches[0]
	got := p.configuration["event.notification.callback.url"]
	if p.id != 9001 || len(p.configuration) != 1 || got != webhook || path.Base(got) != "OTAwMQ==" {
		t.Errorf("patch of instance %d with %v, want only event.notification.callback.url = %s", p.id, p.configuration, webhook)
	}
}
