package sandbox_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hootwire/internal/sandbox"
)

var codeShape = regexp.MustCompile(`^[A-Za-z0-9]{20}$`)

// consentQuery is a valid authorization request.
func consentQuery() url.Values {
	return url.Values{
		"response_type": {"code"},
		"client_id":     {sandbox.DemoClientID},
		"redirect_uri":  {callback},
		"state":         {"st4te-abcdef"},
		"scope":         {"offline"},
	}
}

func consentForm(decision string) url.Values {
	q := consentQuery()
	q.Del("response_type")
	q.Set("decision", decision)
	return q
}

func TestConsentPage(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	r := e.do("GET", "/hootsuite/oauth2/auth?"+consentQuery().Encode(), nil, "")
	if r.status != 200 {
		t.Fatalf("consent page: %v", r)
	}
	wantPageHeaders(t, r)
	wantSelfContained(t, r.body)
	page := string(r.body)
	for _, want := range []string{
		"Authorize app", "hootwire sandbox app",
		`id="allow"`, `id="deny"`,
		`<form method="post" action="/hootsuite/oauth2/consent">`,
		`name="client_id" value="` + sandbox.DemoClientID + `"`,
		`name="redirect_uri" value="` + callback + `"`,
		`name="state" value="st4te-abcdef"`,
		`name="scope" value="offline"`,
		`name="decision" value="allow"`, `name="decision" value="deny"`,
		`location.hash`, `"#sandbox-allow"`, `"#sandbox-deny"`, `.click()`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("consent page lacks %s", want)
		}
	}
	if strings.Count(page, "<form") != 2 {
		t.Errorf("consent page has %d forms, want 2", strings.Count(page, "<form"))
	}
}

func TestConsentPageRefusesBadRequestsWithoutRedirecting(t *testing.T) {
	e := newEnv(t, sandbox.Options{AutoApprove: true}) // validation comes before auto-approval
	cases := []struct {
		name, param, value, mention string
	}{
		{"response_type missing", "response_type", "", "response_type"},
		{"response_type token", "response_type", "token", "response_type"},
		{"client_id missing", "client_id", "", "client_id"},
		{"client_id unknown", "client_id", "someone-else", "client_id"},
		{"redirect_uri missing", "redirect_uri", "", "redirect_uri"},
		{"redirect_uri ftp", "redirect_uri", "ftp://localhost/cb", "redirect_uri"},
		{"redirect_uri plain http", "redirect_uri", "http://example.com/cb", "redirect_uri"},
		{"redirect_uri localhost lookalike", "redirect_uri", "http://localhost.evil.example/cb", "redirect_uri"},
		{"redirect_uri javascript", "redirect_uri", "javascript:alert(1)", "redirect_uri"},
		{"redirect_uri relative", "redirect_uri", "/callback", "redirect_uri"},
		{"redirect_uri fragment", "redirect_uri", "https://app.example/cb#x", "fragment"},
		{"state missing", "state", "", "state"},
		{"state 7 characters", "state", "1234567", "state must be at least 8 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := consentQuery()
			q.Set(c.param, c.value)
			r := e.do("GET", "/hootsuite/oauth2/auth?"+q.Encode(), nil, "")
			if r.status != 400 || r.header.Get("Location") != "" {
				t.Fatalf("status %d, Location %q; want 400 and no redirect", r.status, r.header.Get("Location"))
			}
			wantPageHeaders(t, r)
			if !strings.Contains(string(r.body), c.mention) {
				t.Errorf("error page does not explain %q:\n%s", c.mention, r.body)
			}
		})
	}
	for _, ok := range []string{"https://app.example/cb", "http://localhost/cb", "http://LOCALHOST:4668/callback",
		"http://127.0.0.1:4668/callback", "http://[::1]:4668/callback", "https://app.example/cb?keep=1"} {
		q := consentQuery()
		q.Set("redirect_uri", ok)
		if r := e.do("GET", "/hootsuite/oauth2/auth?"+q.Encode(), nil, ""); r.status != http.StatusFound {
			t.Errorf("redirect_uri %s refused: %v", ok, r)
		}
	}
	if n := len(e.sb.Instances()); n != 0 {
		t.Fatal("instances appeared")
	}
}

func TestConsentPagesEscapeWhatTheyEcho(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	const evil = `<script>alert("x")</script>`
	q := consentQuery()
	q.Set("state", evil)
	q.Set("redirect_uri", "https://app.example/cb?q="+evil)
	q.Set("scope", evil)
	r := e.do("GET", "/hootsuite/oauth2/auth?"+q.Encode(), nil, "")
	if r.status != 200 {
		t.Fatalf("consent page: %v", r)
	}
	if strings.Contains(string(r.body), "<script>alert") || !strings.Contains(string(r.body), "&lt;script&gt;") {
		t.Errorf("consent page does not escape the echoed values:\n%s", r.body)
	}
	q.Set("redirect_uri", "javascript:"+evil)
	r = e.do("GET", "/hootsuite/oauth2/auth?"+q.Encode(), nil, "")
	if r.status != 400 || strings.Contains(string(r.body), "<script>alert") || !strings.Contains(string(r.body), "&lt;script&gt;") {
		t.Errorf("error page does not escape the echoed redirect_uri:\n%s", r.body)
	}
}

func TestConsentAllowRedirectsWithCodeAndState(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	form := consentForm("allow")
	form.Set("redirect_uri", callback+"?keep=1")
	r := e.do("POST", "/hootsuite/oauth2/consent", formHeader(), form.Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("allow: %v", r)
	}
	wantPageHeaders(t, r)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, callback+"?keep=1&") {
		t.Fatalf("Location = %q, want the redirect_uri with its query kept", loc)
	}
	u, _ := url.Parse(loc)
	if code := u.Query().Get("code"); !codeShape.MatchString(code) {
		t.Errorf("code = %q, want 20 alphanumeric characters", code)
	}
	if u.Query().Get("state") != "st4te-abcdef" || u.Query().Has("error") {
		t.Errorf("Location query = %v", u.Query())
	}
	body := createBody(u.Query().Get("code"))
	configOf(body)["oauth.callback.url"] = callback + "?keep=1"
	if r := e.create(body); r.status != 200 {
		t.Errorf("the code does not create an instance: %v", r)
	}
}

func TestConsentDenyRedirectsWithAccessDenied(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	r := e.do("POST", "/hootsuite/oauth2/consent", formHeader(), consentForm("deny").Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("deny: %v", r)
	}
	loc := r.header.Get("Location")
	want := callback + "?error=access_denied&error_description=The+user+denied+access+to+the+app.&state=st4te-abcdef"
	if loc != want {
		t.Errorf("Location = %q, want %q", loc, want)
	}
}

func TestConsentDecisionRevalidates(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for name, change := range map[string]func(url.Values){
		"decision missing":   func(f url.Values) { f.Del("decision") },
		"decision other":     func(f url.Values) { f.Set("decision", "maybe") },
		"client_id unknown":  func(f url.Values) { f.Set("client_id", "nope") },
		"redirect_uri http":  func(f url.Values) { f.Set("redirect_uri", "http://evil.example/cb") },
		"state short":        func(f url.Values) { f.Set("state", "short") },
		"redirect_uri empty": func(f url.Values) { f.Del("redirect_uri") },
	} {
		t.Run(name, func(t *testing.T) {
			f := consentForm("allow")
			change(f)
			r := e.do("POST", "/hootsuite/oauth2/consent", formHeader(), f.Encode())
			if r.status != 400 || r.header.Get("Location") != "" {
				t.Errorf("status %d, Location %q; want 400 and no redirect", r.status, r.header.Get("Location"))
			}
			wantPageHeaders(t, r)
		})
	}
	h := formHeader()
	h.Set("Sec-Fetch-Site", "cross-site")
	if r := e.do("POST", "/hootsuite/oauth2/consent", h, consentForm("allow").Encode()); r.status != http.StatusForbidden || r.header.Get("Location") != "" {
		t.Errorf("a cross-site form post was answered %d", r.status)
	}
	if r := e.do("GET", "/hootsuite/oauth2/consent", nil, ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET consent: %d, want 405", r.status)
	}
	if r := e.do("GET", "/hootsuite/nothing", nil, ""); r.status != http.StatusNotFound {
		t.Errorf("unknown Hootsuite page: %d, want 404", r.status)
	}
}

func TestAutoApprove(t *testing.T) {
	e := newEnv(t, sandbox.Options{AutoApprove: true})
	auth := e.oauthURL(callback, "auto-approve-state")
	r := e.do("GET", auth, nil, "")
	if r.status != http.StatusFound {
		t.Fatalf("auto-approve: %v", r)
	}
	u, _ := url.Parse(r.header.Get("Location"))
	if !strings.HasPrefix(u.String(), callback+"?") || u.Query().Get("state") != "auto-approve-state" || !codeShape.MatchString(u.Query().Get("code")) {
		t.Fatalf("Location = %s", u)
	}
	if r := e.create(createBody(u.Query().Get("code"))); r.status != 200 {
		t.Errorf("the auto-approved code does not work: %v", r)
	}

	e.sb.SetAutoApprove(false)
	if r := e.do("GET", auth, nil, ""); r.status != 200 || !strings.Contains(string(r.body), `id="allow"`) {
		t.Errorf("with auto-approve off the page is not shown: %d", r.status)
	}
	e.sb.SetAutoApprove(true)
	if r := e.do("GET", auth, nil, ""); r.status != http.StatusFound {
		t.Errorf("SetAutoApprove(true) did not take: %d", r.status)
	}
}

func TestApproveAndDeny(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	auth := e.oauthURL(callback+"?from=approve", "approve-state")

	u, err := e.sb.Approve(auth)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.String(), callback+"?from=approve&") || u.Query().Get("state") != "approve-state" || !codeShape.MatchString(u.Query().Get("code")) {
		t.Fatalf("Approve = %s", u)
	}
	body := createBody(u.Query().Get("code"))
	configOf(body)["oauth.callback.url"] = callback + "?from=approve"
	if r := e.create(body); r.status != 200 {
		t.Errorf("the approved code does not work: %v", r)
	}

	u, err = e.sb.Deny(auth)
	if err != nil {
		t.Fatal(err)
	}
	want := callback + "?from=approve&error=access_denied&error_description=The+user+denied+access+to+the+app.&state=approve-state"
	if u.String() != want {
		t.Errorf("Deny = %s, want %s", u, want)
	}

	bad := map[string]string{
		"not the consent page": strings.Replace(auth, "/hootsuite/oauth2/auth", "/elsewhere", 1),
		"short state":          strings.Replace(auth, "state=approve-state", "state=short", 1),
		"unknown client":       strings.Replace(auth, "client_id="+sandbox.DemoClientID, "client_id=other", 1),
		"bad redirect":         strings.Replace(auth, url.QueryEscape(callback), url.QueryEscape("http://evil.example/cb"), 1),
		"not a URL":            "http://[::1",
	}
	for name, a := range bad {
		if a == auth {
			t.Fatalf("%s: the test did not change the URL", name)
		}
		if u, err := e.sb.Approve(a); err == nil {
			t.Errorf("Approve (%s) = %s, want an error", name, u)
		}
		if u, err := e.sb.Deny(a); err == nil {
			t.Errorf("Deny (%s) = %s, want an error", name, u)
		}
	}
	if _, err := e.sb.Approve(bad["short state"]); err == nil || !strings.Contains(err.Error(), "state must be at least 8 characters") {
		t.Errorf("Approve error does not say what is wrong: %v", err)
	}
}

func TestCodeExpiresAfterItsLifetime(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	e.clock.Advance(sandbox.CodeLifetime)
	if r := e.create(createBody(code)); r.status != 200 {
		t.Fatalf("a code exactly %v old is refused: %v", sandbox.CodeLifetime, r)
	}

	code = e.code(callback)
	e.clock.Advance(sandbox.CodeLifetime + 1)
	pe := wantError(t, e.create(createBody(code)), 400, "Failed to create instance: the provider rejected the authorization code.")
	if c, d := providerError(t, pe); c != "invalid_grant" || !strings.Contains(d, "has expired") {
		t.Errorf("providerMessage = %s", *pe.ProviderMessage)
	}
	if strings.Contains(*pe.ProviderMessage+pe.Message, code) {
		t.Error("the error echoes the code")
	}
}

func TestCodeIsSingleUse(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	if r := e.create(createBody(code)); r.status != 200 {
		t.Fatalf("first use: %v", r)
	}
	pe := wantError(t, e.create(createBody(code)), 400, "Failed to create instance: the provider rejected the authorization code.")
	if c, d := providerError(t, pe); c != "invalid_grant" || d != "The authorization code is invalid or has already been used." {
		t.Errorf("providerMessage = %s", *pe.ProviderMessage)
	}
	pe = wantError(t, e.create(createBody("xoz8AFqScK2ngM04kSSM")), 400, "rejected the authorization code")
	if c, _ := providerError(t, pe); c != "invalid_grant" {
		t.Errorf("unknown code: providerMessage = %s", *pe.ProviderMessage)
	}
	if n := len(e.sb.Instances()); n != 1 {
		t.Errorf("%d instances, want 1", n)
	}
}

func TestCodeIsBoundToTheRedirectURI(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	body := createBody(code)
	configOf(body)["oauth.callback.url"] = "http://localhost:9999/callback"
	pe := wantError(t, e.create(body), 400, "rejected the authorization code")
	if c, d := providerError(t, pe); c != "invalid_grant" || !strings.Contains(d, "redirect_uri does not match") {
		t.Errorf("providerMessage = %s", *pe.ProviderMessage)
	}
	// The failed exchange spent the code.
	pe = wantError(t, e.create(createBody(code)), 400, "rejected the authorization code")
	if _, d := providerError(t, pe); !strings.Contains(d, "already been used") {
		t.Errorf("after a failed exchange: %s", *pe.ProviderMessage)
	}
}

func TestCodeExchangeChecksTheClient(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for name, change := range map[string]func(map[string]any){
		"wrong client id":     func(c map[string]any) { c["oauth.api.key"] = "another-client" },
		"wrong client secret": func(c map[string]any) { c["oauth.api.secret"] = "not/the+secret=" },
	} {
		t.Run(name, func(t *testing.T) {
			code := e.code(callback)
			body := createBody(code)
			change(configOf(body))
			pe := wantError(t, e.create(body), 400, "Failed to create instance")
			if c, _ := providerError(t, pe); c != "invalid_client" {
				t.Errorf("providerMessage = %s", *pe.ProviderMessage)
			}
			if strings.Contains(string(mustJSON(t, pe)), "not/the+secret=") || strings.Contains(string(mustJSON(t, pe)), sandbox.DemoClientSecret) {
				t.Errorf("the error echoes a secret: %+v", pe)
			}
			pe = wantError(t, e.create(createBody(code)), 400, "rejected the authorization code")
			if _, d := providerError(t, pe); !strings.Contains(d, "already been used") {
				t.Errorf("after a failed exchange: %s", *pe.ProviderMessage)
			}
		})
	}
}
