package oauthflow

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// FuzzParsePaste: whatever is pasted, the parser never panics, never gives a
// code together with an error, and never hands over a code whose state did
// not match.
func FuzzParsePaste(f *testing.F) {
	for _, s := range []string{"abc", "?code=a&state=" + testState, "http://localhost:4668/callback?code=a&state=b", "error=access_denied&state=" + testState, "%zz=1", "://?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		code, err := ParsePaste(input, testState)
		if (code == "") == (err == nil) {
			t.Fatalf("ParsePaste(%q) = %q, %v: exactly one of code and error", input, code, err)
		}
		if err != nil {
			for _, r := range err.Error() {
				if unicode.IsControl(r) {
					t.Fatalf("error %q carries a control character", err)
				}
			}
		}
		if code == "" {
			return
		}
		// A code that came from a query carrying a state must carry ours.
		if q, ok := queryOf(strings.TrimSpace(input)); ok {
			if v, err := url.ParseQuery(q); err == nil && v.Has("state") && v.Get("state") != testState {
				t.Fatalf("ParsePaste(%q) handed over a code with a foreign state", input)
			}
		}
	})
}

// FuzzCallback drives the listener's handler with arbitrary queries: it
// never panics, never echoes markup or control characters, and accepts a
// code only with the right state.
func FuzzCallback(f *testing.F) {
	for _, s := range []string{"code=a&state=" + testState, "error=x&error_description=%3Cscript%3E&state=" + testState, "state=" + testState, "code=a&code=b&state=" + testState, "%", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		l := &Listener{path: "/callback", host: "localhost:4668", state: testState, result: make(chan outcome, 1), got: make(chan struct{})}
		req := httptest.NewRequest(http.MethodGet, "http://localhost:4668/callback", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		l.ServeHTTP(rec, req)
		body := rec.Body.String()
		if strings.Contains(strings.ToLower(body), "<script") {
			t.Fatalf("page echoes markup: %s", body)
		}
		for _, r := range body {
			if unicode.IsControl(r) && r != '\n' {
				t.Fatalf("page carries control character %U", r)
			}
		}
		select {
		case o := <-l.result:
			if o.code != "" && !strings.Contains(req.URL.Query().Get("state"), testState) {
				t.Fatalf("code accepted with state %q", req.URL.Query().Get("state"))
			}
			if o.code == "" && o.err == nil {
				t.Fatal("an outcome with neither code nor error")
			}
		default:
			if rec.Code == http.StatusOK && !strings.Contains(body, "already") {
				t.Fatalf("200 without handing anything over: %s", body)
			}
		}
	})
}
