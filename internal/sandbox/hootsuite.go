package sandbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Hootsuite's side of the sandbox.
const (
	authPath    = "/hootsuite/oauth2/auth"
	consentPath = "/hootsuite/oauth2/consent"
	appPath     = "/hootsuite/app"
	pingPath    = "/hootsuite/app/ping"

	minStateLen = 8 // Hootsuite refuses a shorter state

	// webhookUserAgent marks the sandbox's own pings, so a Webhook URL that
	// points at the ping button cannot make it ping itself forever.
	webhookUserAgent = "Hootsuite-Webhooks (hootwire sandbox)"

	deniedDescription = "The user denied access to the app."
)

// authParams are the parameters of an authorization request.
type authParams struct {
	responseType string
	clientID     string
	redirectURI  string
	state        string
	scope        string
}

func authParamsFrom(v url.Values) authParams {
	return authParams{
		responseType: v.Get("response_type"),
		clientID:     v.Get("client_id"),
		redirectURI:  v.Get("redirect_uri"),
		state:        v.Get("state"),
		scope:        v.Get("scope"),
	}
}

// validate checks an authorization request as Hootsuite does. Its error
// says what is wrong and what to do, for the consent page and for Approve.
func (p authParams) validate() error {
	if p.responseType != "code" {
		return fmt.Errorf("response_type must be \"code\" (got %q)", p.responseType)
	}
	if p.clientID == "" {
		return errors.New("client_id is missing: the authorization URL must name the app's REST API client id")
	}
	if p.clientID != DemoClientID {
		return fmt.Errorf("client_id %q is not a Hootsuite app: the sandbox's app has client id %q", p.clientID, DemoClientID)
	}
	if err := checkRedirectURI(p.redirectURI); err != nil {
		return err
	}
	if len(p.state) < minStateLen {
		return fmt.Errorf("state must be at least %d characters (got %d): send a fresh random state", minStateLen, len(p.state))
	}
	return nil
}

// checkRedirectURI applies Hootsuite's rule (https://, or http://localhost)
// and also allows the loopback IPs, which RFC 8252 clients use.
func checkRedirectURI(raw string) error {
	if raw == "" {
		return errors.New("redirect_uri is missing: the authorization URL must carry the API callback URL")
	}
	const rule = "redirect_uri must start with https:// or http://localhost (http://127.0.0.1 and http://[::1] are also accepted)"
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%s; %q is not an absolute URL", rule, raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("redirect_uri %q must not contain a fragment (#...)", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if strings.EqualFold(host, "localhost") {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return fmt.Errorf("%s; got %q", rule, raw)
}

// callbackURL is where the browser is sent after consent: the redirect URI
// with extra parameters, keeping any query it already had.
func callbackURL(redirectURI string, extra url.Values) *url.URL {
	u, _ := url.Parse(redirectURI) // already validated
	if u.RawQuery != "" {
		u.RawQuery += "&" + extra.Encode()
	} else {
		u.RawQuery = extra.Encode()
	}
	return u
}

// decide issues a grant code (allow) or builds the denial, returning the
// callback URL. p must be valid.
func (s *Sandbox) decide(p authParams, allow bool) *url.URL {
	if !allow {
		return callbackURL(p.redirectURI, url.Values{
			"error":             {"access_denied"},
			"error_description": {deniedDescription},
			"state":             {p.state},
		})
	}
	code := newCode()
	s.learnSecret(code)
	s.mu.Lock()
	s.codes[code] = grant{clientID: p.clientID, redirectURI: p.redirectURI, issued: s.now()}
	s.mu.Unlock()
	return callbackURL(p.redirectURI, url.Values{"code": {code}, "state": {p.state}})
}

// Approve consents on the user's behalf, for when no browser can open (e.g.
// over SSH). authURL is an oauthUrl returned by oauth/url. It returns the
// callback URL the browser would be sent to, with code and state. It
// validates exactly as the consent page does.
func (s *Sandbox) Approve(authURL string) (*url.URL, error) {
	return s.decideURL(authURL, true)
}

// Deny refuses consent on the user's behalf, returning the callback URL with
// error=access_denied, error_description and state.
func (s *Sandbox) Deny(authURL string) (*url.URL, error) {
	return s.decideURL(authURL, false)
}

func (s *Sandbox) decideURL(authURL string, allow bool) (*url.URL, error) {
	verb := "deny"
	if allow {
		verb = "approve"
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("%s: the authorization URL cannot be parsed: %w", verb, err)
	}
	if u.Path != authPath {
		return nil, fmt.Errorf("%s: the authorization URL's path is %q, not the sandbox consent page %q: use the oauthUrl the sandbox returned", verb, u.Path, authPath)
	}
	p := authParamsFrom(u.Query())
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", verb, err)
	}
	return s.decide(p, allow), nil
}

// serveHootsuite serves Hootsuite's pages.
func (s *Sandbox) serveHootsuite(w http.ResponseWriter, r *http.Request) {
	type page struct {
		methods string
		serve   func(http.ResponseWriter, *http.Request)
	}
	routes := map[string]page{
		authPath:    {"GET, HEAD", s.consentPage},
		consentPath: {"POST", s.consentDecision},
		appPath:     {"GET, HEAD, POST", s.appPage},
		pingPath:    {"POST", s.sendFromPage("ping")},
		messagePath: {"POST", s.sendFromPage("message")},
		commentPath: {"POST", s.sendFromPage("comment")},
	}
	pg, ok := routes[r.URL.Path]
	if !ok {
		s.writeHTMLError(w, http.StatusNotFound, "Page not found", "There is no page at "+r.URL.Path+".")
		return
	}
	if !strings.Contains(", "+pg.methods+",", ", "+r.Method+",") {
		w.Header().Set("Allow", pg.methods)
		s.writeHTMLError(w, http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not allowed here; use "+pg.methods+".")
		return
	}
	if err := s.csrf.Check(r); err != nil {
		s.writeHTMLError(w, http.StatusForbidden, "Cross-origin request refused",
			"This form can only be submitted from the sandbox's own pages.")
		return
	}
	pg.serve(w, r)
}

// consentPage serves GET /hootsuite/oauth2/auth.
func (s *Sandbox) consentPage(w http.ResponseWriter, r *http.Request) {
	p := authParamsFrom(r.URL.Query())
	if err := p.validate(); err != nil {
		s.writeHTMLError(w, http.StatusBadRequest, "Invalid authorization request", err.Error()+".")
		return
	}
	s.mu.Lock()
	auto := s.autoApprove
	s.mu.Unlock()
	if auto {
		setPageHeaders(w, "")
		http.Redirect(w, r, s.decide(p, true).String(), http.StatusFound)
		return
	}
	scope := p.scope
	if scope == "" {
		scope = "offline"
	}
	renderPage(w, http.StatusOK, s.pages.consent, map[string]any{
		"AppName":     appName,
		"ClientID":    p.clientID,
		"RedirectURI": p.redirectURI,
		"State":       p.state,
		"Scope":       scope,
		"Action":      consentPath,
	})
}

// consentDecision serves POST /hootsuite/oauth2/consent: Allow or Deny.
func (s *Sandbox) consentDecision(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.writeHTMLError(w, http.StatusBadRequest, "Invalid form", "The form could not be read: "+err.Error()+".")
		return
	}
	f := r.PostForm
	p := authParams{
		responseType: "code",
		clientID:     f.Get("client_id"),
		redirectURI:  f.Get("redirect_uri"),
		state:        f.Get("state"),
		scope:        f.Get("scope"),
	}
	if err := p.validate(); err != nil {
		s.writeHTMLError(w, http.StatusBadRequest, "Invalid authorization request", err.Error()+".")
		return
	}
	var allow bool
	switch f.Get("decision") {
	case "allow":
		allow = true
	case "deny":
	default:
		s.writeHTMLError(w, http.StatusBadRequest, "Invalid authorization request", `decision must be "allow" or "deny".`)
		return
	}
	setPageHeaders(w, "")
	http.Redirect(w, r, s.decide(p, allow).String(), http.StatusSeeOther)
}

// serveIndex is the sandbox's home page, for whoever opens its root URL.
func (s *Sandbox) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.writeHTMLError(w, http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not allowed here; use GET.")
		return
	}
	base := rootURL(r)
	base.Path = APIPath
	renderPage(w, http.StatusOK, s.pages.index, map[string]any{
		"BaseURL": base.String(),
		"AppPath": appPath,
	})
}

// setPageHeaders sets the headers of every Hootsuite page: nothing cached,
// no referrer leaked (a callback URL carries a code), nothing loaded from
// elsewhere, no framing.
func setPageHeaders(w http.ResponseWriter, nonce string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	csp := "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	if nonce != "" {
		csp += "; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'"
	}
	h.Set("Content-Security-Policy", csp)
}

// renderPage writes an HTML page from a template.
func renderPage(w http.ResponseWriter, status int, t *template.Template, data map[string]any) {
	nonce := base64.RawURLEncoding.EncodeToString(randomBytes(16))
	data["Nonce"] = nonce
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		// The templates are the sandbox's own; this is a bug, say so plainly.
		setPageHeaders(w, "")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "sandbox: cannot render the page\n")
		return
	}
	setPageHeaders(w, nonce)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeHTMLError answers with an HTML page explaining what went wrong.
func (s *Sandbox) writeHTMLError(w http.ResponseWriter, status int, title, message string) {
	renderPage(w, status, s.pages.errorPage, map[string]any{
		"Status":  status,
		"Title":   title,
		"Message": message,
	})
}
