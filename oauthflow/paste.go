package oauthflow

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Lengths of the provider's text kept in a DeniedError: enough for any real
// message, too little to flood a screen.
const (
	maxErrorLen       = 100
	maxDescriptionLen = 300
)

// DeniedError is the provider's refusal: the redirect carried error (for
// example access_denied) and usually error_description instead of a code.
// Both fields hold the provider's text without control characters, so they
// are safe to print; they are not HTML-escaped.
type DeniedError struct {
	Err         string // the error parameter, e.g. "access_denied"
	Description string // the error_description parameter, may be empty
}

func (e *DeniedError) Error() string {
	msg := "the authorization was refused"
	if e.Err == "access_denied" {
		msg = "the authorization was denied"
	}
	if e.Err != "" {
		msg += " (" + e.Err + ")"
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// said is the provider's words in one line, for a page.
func (e *DeniedError) said() string {
	if e.Description == "" {
		return e.Err
	}
	return e.Err + ": " + e.Description
}

func newDeniedError(errParam, description string) *DeniedError {
	return &DeniedError{Err: clean(errParam, maxErrorLen), Description: clean(description, maxDescriptionLen)}
}

// Errors ParsePaste returns; each says what to do.
var (
	ErrNothingPasted = errors.New("nothing was pasted: paste the code, or the whole address the browser was sent to")
	ErrStateMismatch = errors.New("the state in the address does not match this authorization: it comes from another attempt, or was altered; use the address from the newest authorization")
	ErrNoCode        = errors.New("the address carries no authorization code: paste the address the browser shows after you approve")
)

// maxPaste bounds a paste: a redirect address is a few hundred bytes.
const maxPaste = 16 << 10

// ParsePaste reads what a user pasted instead of waiting for the redirect: a
// bare code, the whole address the browser was sent to, or its query string
// (with or without the leading '?'). When the address carries a state, it
// must equal wantState. It returns the code, or an error saying what was
// wrong: ErrNothingPasted, a *DeniedError when the address carries the
// provider's error, ErrStateMismatch, ErrNoCode, or another clear message.
func ParsePaste(input, wantState string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", ErrNothingPasted
	}
	if len(s) > maxPaste {
		return "", fmt.Errorf("what was pasted is %d bytes, far longer than a code or an address: paste only the code, or only the address", len(s))
	}
	query, isQuery, err := pastedQuery(s)
	if err != nil {
		return "", err
	}
	if !isQuery {
		if !validCode(s) {
			return "", errors.New("what was pasted is neither a code nor an address: a code is one word of letters, digits and punctuation; paste just the code, or the whole address")
		}
		return s, nil
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", errors.New("the address's query cannot be read (a malformed %-escape or a ';'): paste the address exactly as the browser shows it")
	}
	if states, ok := v["state"]; ok && (len(states) != 1 || !StatesEqual(states[0], wantState)) {
		return "", ErrStateMismatch
	}
	if e := v.Get("error"); e != "" {
		return "", newDeniedError(e, v.Get("error_description"))
	}
	codes := v["code"]
	switch {
	case len(codes) == 0 || codes[0] == "":
		return "", ErrNoCode
	case len(codes) > 1:
		return "", errors.New("the address carries more than one code: paste the address the browser was sent to, unchanged")
	case !validCode(codes[0]):
		return "", errors.New("the code in the address holds spaces or control characters, which a code never has: paste the address exactly as the browser shows it")
	}
	return codes[0], nil
}

// pastedQuery finds the query in a pasted address or query string, and
// reports whether the paste is one; a paste that is neither is a bare code.
// Whitespace inside an address is dropped: an address has none, and a paste
// from a wrapped line brings line breaks with it.
func pastedQuery(s string) (query string, isQuery bool, err error) {
	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if strings.Contains(compact, "://") {
		if u, err := url.Parse(compact); err == nil {
			return u.RawQuery, true, nil
		}
		// An address url.Parse refuses (a mangled host, say) may still
		// carry a readable query.
	}
	if i := strings.IndexByte(compact, '?'); i >= 0 {
		q, _, _ := strings.Cut(compact[i+1:], "#")
		return q, true, nil
	}
	if strings.Contains(compact, "://") {
		return "", false, errors.New("the pasted address cannot be read: paste it exactly as the browser shows it")
	}
	// A query string without its '?', told from a code that merely holds
	// '=' (base64 padding) by the parameters a redirect carries.
	if strings.Contains(compact, "=") {
		v, _ := url.ParseQuery(compact)
		if v.Has("code") || v.Has("state") || v.Has("error") {
			return compact, true, nil
		}
	}
	return "", false, nil
}
