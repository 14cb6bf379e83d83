package oauthflow

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// DeniedError is the provider's refusal, carried back to the callback as
// error and error_description instead of a code.
type DeniedError struct {
	Err         string // e.g. access_denied
	Description string
}

func (e *DeniedError) Error() string {
	msg := "authorization was not granted"
	if e.Err == "access_denied" {
		msg = "authorization was denied at the provider"
	}
	if e.Err != "" {
		msg += " (" + e.Err + ")"
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// ErrStateMismatch means a callback carried a state other than the one sent:
// it belongs to another attempt, or was forged.
var ErrStateMismatch = errors.New("the state in the URL does not match this authorization: it belongs to another attempt; start again and use the newest link")

// maxPaste bounds what a paste may be: a redirect URL is a few hundred bytes.
const maxPaste = 16 << 10

// ParsePaste takes what a user pasted: a bare code, the whole URL the
// browser was sent to, or its query string. When it carries a state, that
// state must match wantState.
func ParsePaste(input, wantState string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", errors.New("nothing was pasted: paste the code, or the whole URL the browser was sent to")
	}
	if len(s) > maxPaste {
		return "", fmt.Errorf("what was pasted is %d bytes, far longer than a code or a redirect URL: paste only the URL", len(s))
	}
	query, isQuery := queryOf(s)
	if !isQuery {
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return "", errors.New("a code has no spaces or control characters: paste just the code, or the whole URL")
		}
		return s, nil
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", errors.New("the pasted URL's query cannot be read: paste the whole URL exactly as the browser shows it")
	}
	if e := v.Get("error"); e != "" {
		if st := v.Get("state"); st != "" && !StatesEqual(st, wantState) {
			return "", ErrStateMismatch
		}
		return "", &DeniedError{Err: clean(e, 100), Description: clean(v.Get("error_description"), 300)}
	}
	if st, ok := v["state"]; ok && (len(st) != 1 || !StatesEqual(st[0], wantState)) {
		return "", ErrStateMismatch
	}
	codes := v["code"]
	switch {
	case len(codes) == 0 || codes[0] == "":
		return "", errors.New("the pasted URL has no code: paste the URL the browser shows after you approve")
	case len(codes) > 1:
		return "", errors.New("the pasted URL has more than one code: paste the URL the browser was sent to, unchanged")
	}
	return codes[0], nil
}

// queryOf finds the query in a pasted URL or query string.
func queryOf(s string) (string, bool) {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			return u.RawQuery, true
		}
		if i := strings.IndexByte(s, '?'); i >= 0 {
			return s[i+1:], true
		}
		return "", true
	}
	s = strings.TrimPrefix(s, "?")
	if strings.Contains(s, "=") {
		return s, true
	}
	return "", false
}

// clean makes text from a URL safe to show: no control characters (escape
// sequences among them) and a bounded length.
func clean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
