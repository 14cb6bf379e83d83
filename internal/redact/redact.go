// Package redact masks secrets in anything hootwire might log or show: the
// platform's User and Organization secrets, the Hootsuite client secret, the
// instance token and the grant code. It is the one place that knows what a
// secret looks like, so every log line and error message goes through it.
package redact

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask is what a secret is replaced with.
const Mask = "********"

// Redactor masks the secret values it has been told about, and also anything
// shaped like a secret (an Authorization header's credentials, a JSON field
// or query parameter with a secret's name) even when the value is unknown.
// It is safe for concurrent use: secrets are learned as a run goes on (the
// grant code arrives, then the instance token).
type Redactor struct {
	mu     sync.RWMutex
	values []string // longest first, so a secret containing another is masked whole
}

// New returns a Redactor that knows the given secrets. Empty strings are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches the Redactor more secret values.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// A secret can appear as sent, URL-encoded (query strings and
		// form bodies), path-escaped, or escaped inside a JSON string (with
		// "/" as "\/" too, as some encoders write it); mask every spelling.
		quoted, _ := json.Marshal(s)
		inJSON := string(quoted[1 : len(quoted)-1])
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s), inJSON, strings.ReplaceAll(inJSON, "/", `\/`)} {
			if !contains(r.values, v) {
				r.values = append(r.values, v)
			}
		}
	}
	sort.SliceStable(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// patterns are the shapes of secrets, compiled at first use rather than at
// package initialisation, which every hootwire command would pay for.
type patterns struct {
	// The platform's credentials, "User <secret>, Organization <secret>" with
	// an optional ", Element <token>", wherever they appear (a header, a curl
	// line, an error echoing a request).
	platformAuth *regexp.Regexp
	// Any single credential after a scheme, for Authorization headers only:
	// "Element <token>" alone, Bearer, Basic.
	scheme *regexp.Regexp
	// "name": "value" for JSON fields that hold secrets, also when the text
	// is cut off inside the value.
	// Any key ending in token, secret or password (oauth.user.token,
	// refresh_token, apiSecret...), the code, and the signature key.
	json *regexp.Regexp
	// name=value in query strings and form bodies.
	query *regexp.Regexp
}

var shapes = sync.OnceValue(func() *patterns {
	return &patterns{
		platformAuth: regexp.MustCompile(`(?i)\b(User\s+)[^\s,"']+(\s*,\s*Organization\s+)[^\s,"']+(?:(\s*,\s*Element\s+)[^\s,"']+)?`),
		scheme:       regexp.MustCompile(`(?i)\b(User|Organization|Element|Bearer|Basic)(\s+)[^\s,"']+`),
		json:         regexp.MustCompile(`(?i)("(?:[^"]*(?:token|secret|password)|code|event\.notification\.signature\.key)"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)`),
		query:        regexp.MustCompile(`(?i)((?:^|[?&\s])(?:apiSecret|client_secret|code|token|access_token|refresh_token)=)[^&\s"#]*`),
	}
})

// String returns s with every known secret and every secret-shaped value masked.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	if r != nil {
		r.mu.RLock()
		for _, v := range r.values {
			s = strings.ReplaceAll(s, v, Mask)
		}
		r.mu.RUnlock()
	}
	p := shapes()
	s = p.platformAuth.ReplaceAllStringFunc(s, maskPlatformAuth)
	s = p.json.ReplaceAllString(s, `$1"`+Mask+`"`)
	s = p.query.ReplaceAllString(s, `${1}`+Mask)
	return s
}

// Authorization masks the credentials of an Authorization header value,
// keeping its shape ("User ********, Organization ********") so a reader can
// still see which parts were sent.
func (r *Redactor) Authorization(v string) string {
	return shapes().scheme.ReplaceAllString(r.String(v), `$1$2`+Mask)
}

func maskPlatformAuth(m string) string {
	sub := shapes().platformAuth.FindStringSubmatch(m)
	out := sub[1] + Mask + sub[2] + Mask
	if sub[3] != "" {
		out += sub[3] + Mask
	}
	return out
}

// Header returns a copy of h with the Authorization header masked and every
// other value passed through String.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		masked := make([]string, len(vs))
		for i, v := range vs {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				masked[i] = r.Authorization(v)
			case "Cookie", "Set-Cookie":
				masked[i] = Mask
			default:
				masked[i] = r.String(v)
			}
		}
		out[k] = masked
	}
	return out
}
