// Package redact masks secrets in anything hootwire might log or show: the
// platform's User and Organization secrets, the Hootsuite client secret, the
// instance token and the grant code. It is the one place that knows what a
// secret looks like, so every log line and error message goes through it.
//
// It works on decoded text where the text has an encoding: a JSON key is
// unescaped before its name is matched ("to\u006ben" is a token), a JSON
// string or a query value is decoded before it is compared with a secret.
package redact

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Mask is what a secret is replaced with.
const Mask = "********"

// MinSecretLen is the length from which a known secret is masked wherever
// it appears, inside any text. A shorter one ("a", "1234", "true") would
// also match ordinary words, numbers and ids, and masking every one of them
// would garble the log and, by the gaps it leaves, hint at the secret. A
// shorter secret is masked only where it stands as a whole value: a whole
// JSON string, a whole query or form value, a whole header value, or the
// whole text. Eight characters of a secret's alphabet (base64: 64^8, some
// 2.8e14 values) do not turn up in ordinary text by chance; the platform's
// secrets and tokens are 40 characters or more, a grant code some 20.
const MinSecretLen = 8

// Redactor masks the secret values it has been told about, and also anything
// shaped like a secret (an Authorization header's credentials, a JSON field
// or query parameter with a secret's name) even when the value is unknown.
// It is safe for concurrent use: secrets are learned as a run goes on (the
// grant code arrives, then the instance token).
type Redactor struct {
	mu       sync.RWMutex
	spelling []string // every spelling of the long secrets, longest first, so a secret containing another is masked whole
	long     []string // the long secrets as they are, for decoded text
	short    []string // secrets shorter than MinSecretLen: masked as whole values only
}

// New returns a Redactor that knows the given secrets. Empty strings are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches the Redactor more secret values. A secret shorter than
// MinSecretLen is masked only where it is a whole value.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		switch {
		case s == "":
			continue
		case utf8.RuneCountInString(s) < MinSecretLen:
			if !contains(r.short, s) {
				r.short = append(r.short, s)
			}
			continue
		}
		if !contains(r.long, s) {
			r.long = append(r.long, s)
		}
		// A secret can appear as sent, URL-encoded (query strings and
		// form bodies), path-escaped, or escaped inside a JSON string (with
		// "/" as "\/" too, as some encoders write it); mask every spelling.
		// Other escapes inside a JSON string are found by decoding it.
		quoted, _ := json.Marshal(s)
		inJSON := string(quoted[1 : len(quoted)-1])
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s), inJSON, strings.ReplaceAll(inJSON, "/", `\/`)} {
			if !contains(r.spelling, v) {
				r.spelling = append(r.spelling, v)
			}
		}
	}
	sort.SliceStable(r.spelling, func(i, j int) bool { return len(r.spelling[i]) > len(r.spelling[j]) })
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
	// A JSON key, escapes and all, and the colon after it. Its name is
	// decoded before it is matched (see secretName).
	jsonKey *regexp.Regexp
	// A JSON string value from its opening quote, also when the text is cut
	// off inside it; and a bare scalar (a number).
	jsonString, jsonScalar *regexp.Regexp
	// A complete JSON string in a value's place: after a colon, a bracket
	// or a comma, or at the start of the text.
	jsonValue *regexp.Regexp
	// name=value in query strings, form bodies and prose.
	query *regexp.Regexp
}

var shapes = sync.OnceValue(func() *patterns {
	return &patterns{
		platformAuth: regexp.MustCompile(`(?i)\b(User\s+)[^\s,"']+(\s*,\s*Organization\s+)[^\s,"']+(?:(\s*,\s*Element\s+)[^\s,"']+)?`),
		scheme:       regexp.MustCompile(`(?i)\b(User|Organization|Element|Bearer|Basic)(\s+)[^\s,"']+`),
		jsonKey:      regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:\s*`),
		jsonString:   regexp.MustCompile(`^"(?:[^"\\]|\\.)*(?:"|\\?$)`),
		jsonScalar:   regexp.MustCompile(`^[^\s,}\]"{\[]+`),
		jsonValue:    regexp.MustCompile(`(^|[:\[,]\s*)"((?:[^"\\]|\\.)*)"`),
		query:        regexp.MustCompile(`(^|[?&\s])([^=&\s"#?]+)=([^&\s"#]*)`),
	}
})

// secretName reports whether a field or parameter, decoded, names a
// secret: any name ending in token, secret or password (oauth.user.token,
// refresh_token, apiSecret...), the grant code, and the signature key.
func secretName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return strings.HasSuffix(n, "token") || strings.HasSuffix(n, "secret") || strings.HasSuffix(n, "password") ||
		n == "code" || n == "event.notification.signature.key"
}

// String returns s with every known secret and every secret-shaped value masked.
func (r *Redactor) String(s string) string {
	if s == "" {
		return s
	}
	var long, short []string
	if r != nil {
		r.mu.RLock()
		defer r.mu.RUnlock()
		for _, v := range r.spelling {
			s = strings.ReplaceAll(s, v, Mask)
		}
		long, short = r.long, r.short
	}
	if contains(short, s) || contains(long, s) {
		return Mask
	}
	p := shapes()
	s = maskJSONFields(p, s)
	s = maskJSONValues(p, s, long, short)
	s = p.platformAuth.ReplaceAllStringFunc(s, maskPlatformAuth)
	s = maskQuery(p, s, short)
	return s
}

// maskJSONFields masks the value of every JSON field whose decoded name is
// a secret's: a string (also one cut off by the end of the text) or a
// bare scalar.
func maskJSONFields(p *patterns, s string) string {
	var b strings.Builder
	last := 0
	for _, m := range p.jsonKey.FindAllStringSubmatchIndex(s, -1) {
		if m[0] < last || !secretName(unescape(s[m[2]:m[3]])) {
			continue
		}
		rest := s[m[1]:]
		n := len(p.jsonString.FindString(rest))
		if n == 0 {
			if n = len(p.jsonScalar.FindString(rest)); n == 0 {
				continue
			}
			if v := rest[:n]; v == "null" || v == "true" || v == "false" {
				continue
			}
		}
		b.WriteString(s[last:m[1]])
		b.WriteString(`"` + Mask + `"`)
		last = m[1] + n
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskJSONValues masks a JSON string value that, decoded, is a short
// secret, or holds a long one that escapes kept from the plain replacement.
// A key is left alone.
func maskJSONValues(p *patterns, s string, long, short []string) string {
	if len(long) == 0 && len(short) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range p.jsonValue.FindAllStringSubmatchIndex(s, -1) {
		if rest := strings.TrimLeft(s[m[1]:], " \t\r\n"); strings.HasPrefix(rest, ":") {
			continue // a key
		}
		raw := s[m[4]:m[5]]
		v := unescape(raw)
		var out string
		switch {
		case contains(short, v):
			out = `"` + Mask + `"`
		case strings.Contains(raw, `\`):
			masked := v
			for _, secret := range long {
				masked = strings.ReplaceAll(masked, secret, Mask)
			}
			if masked == v {
				continue
			}
			out = quoteJSON(masked)
		default:
			continue
		}
		b.WriteString(s[last:m[3]])
		b.WriteString(out)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskQuery masks name=value pairs whose decoded name is a secret's, or
// whose decoded value is a short secret.
func maskQuery(p *patterns, s string, short []string) string {
	return p.query.ReplaceAllStringFunc(s, func(m string) string {
		sub := p.query.FindStringSubmatch(m)
		name, value := sub[2], sub[3]
		if dn, err := url.QueryUnescape(name); err == nil {
			name = dn
		}
		dv, err := url.QueryUnescape(value)
		if err != nil {
			dv = value
		}
		if secretName(name) || contains(short, dv) {
			return sub[1] + sub[2] + "=" + Mask
		}
		return m
	})
}

// quoteJSON is s as a JSON string, with <, > and & as they are.
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// unescape decodes the inside of a JSON string leniently: an escape that
// JSON does not know is kept as it is, and a text cut inside an escape
// keeps what is left.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n := hex4(s[i+1:])
			if n == 0 {
				b.WriteString(`\u`)
				continue
			}
			i += n
			if utf16.IsSurrogate(r) && strings.HasPrefix(s[i+1:], `\u`) {
				if r2, n2 := hex4(s[i+3:]); n2 > 0 {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 2 + n2
					}
				}
			}
			b.WriteRune(r)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

// hex4 reads the four hex digits of a \u escape: the rune and 4, or 0 when
// they are not there.
func hex4(s string) (rune, int) {
	if len(s) < 4 {
		return 0, 0
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), 4
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
// other value passed through String (which masks a value that is a whole
// secret, however short).
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
