package oauthflow

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const otherState = "another-state-abcdefghijklmnopqrstuvwxyz0123"

// FuzzParsePaste: whatever is pasted, ParsePaste never panics, gives a
// code or an error but never both, gives only codes that can be codes,
// lets no control character into what a terminal would print, and hands
// over a code from an address with a state only for that state.
func FuzzParsePaste(f *testing.F) {
	for _, s := range []string{
		"xoz8AFqScK2ngM04kSSM",
		"http://localhost:4668/callback?code=abc&state=" + testState,
		"?code=abc&state=" + otherState,
		"error=access_denied&error_description=%1b%5B2J&state=" + testState,
		"code=a&code=b",
		"%zz=1",
		"://?",
		"YWJj==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		code, err := ParsePaste(input, testState)
		if (code == "") == (err == nil) {
			t.Fatalf("ParsePaste(%q) = %q, %v: want a code or an error, not both or neither", input, code, err)
		}
		if err != nil {
			if hasControl(err.Error()) {
				t.Fatalf("the error %q holds a control character", err)
			}
			var denied *DeniedError
			if errors.As(err, &denied) && (hasControl(denied.Err) || hasControl(denied.Description)) {
				t.Fatalf("the denial %#v holds a control character", denied)
			}
		} else if !validCode(code) {
			t.Fatalf("ParsePaste(%q) gave %q, which cannot be a code", input, code)
		}

		// The result depends on the state only when the paste carries one:
		// with another state it is refused, or it is the same code.
		other, otherErr := ParsePaste(input, otherState)
		if err == nil && otherErr == nil && other != code {
			t.Fatalf("ParsePaste(%q) gave %q for one state and %q for another", input, code, other)
		}

		// Used as a code in a real redirect address, the input comes back
		// exactly when it can be a code, and only under the right state.
		addr := "http://localhost:4668/callback?" + url.Values{"code": {input}, "state": {testState}}.Encode()
		if len(addr) > maxPaste {
			return
		}
		back, err := ParsePaste(addr, testState)
		if validCode(input) != (err == nil) || (err == nil && back != input) {
			t.Fatalf("a redirect carrying code %q gave %q, %v", input, back, err)
		}
		if _, err := ParsePaste(addr, otherState); validCode(input) && !errors.Is(err, ErrStateMismatch) {
			t.Fatalf("a redirect carrying code %q under another state gave %v", input, err)
		}
	})
}

// FuzzCallback drives the listener's handler with any method, Host header
// and request target. It never panics; every answer carries the safety
// headers and a page with only the package's own markup and no control
// characters; and a code or a denial is handed over only for a GET to the
// callback path, with the right Host and state, and only once.
func FuzzCallback(f *testing.F) {
	f.Add("GET", "localhost:4668", "/callback?code=abc&state="+testState)
	f.Add("GET", "localhost:4668", "/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state="+testState)
	f.Add("GET", "localhost:4668", "/callback?code=abc&state="+otherState)
	f.Add("POST", "localhost:4668", "/callback?code=abc&state="+testState)
	f.Add("GET", "evil.example:4668", "/callback?code=abc&state="+testState)
	f.Add("GET", "localhost:4668", "/other?code=abc&state="+testState)
	f.Add("GET", "[::1]:4668", "/callback?%")
	f.Fuzz(func(t *testing.T, method, host, target string) {
		h := newCallbackHandler("localhost", "4668", "/callback", testState)
		req := fuzzRequest(method, host, target)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)

		q := req.URL.Query()
		o, delivered := h.first(), h.got != nil
		if delivered {
			if req.Method != http.MethodGet || !strings.EqualFold(req.Host, "localhost:4668") || req.URL.Path != "/callback" {
				t.Fatalf("%s %q to %q was handed over", req.Method, target, req.Host)
			}
			if !slices.Equal(q["state"], []string{testState}) {
				t.Fatalf("handed over with state %q", q["state"])
			}
			var denied *DeniedError
			switch {
			case o.code != "" && o.err != nil:
				t.Fatalf("handed over both a code and an error: %+v", o)
			case o.code != "":
				if !slices.Equal(q["code"], []string{o.code}) || !validCode(o.code) || q.Get("error") != "" {
					t.Fatalf("handed over code %q from %q", o.code, req.URL.RawQuery)
				}
			case errors.As(o.err, &denied):
				if q.Get("error") == "" || hasControl(denied.Err) || hasControl(denied.Description) {
					t.Fatalf("handed over denial %#v from %q", denied, req.URL.RawQuery)
				}
			default:
				t.Fatalf("handed over %+v", o)
			}
		} else if rec.Code == http.StatusOK {
			t.Fatalf("answered 200 without handing anything over: %s", rec.Body)
		}

		// The same request again hands nothing more over.
		again := httptest.NewRecorder()
		h.ServeHTTP(again, fuzzRequest(method, host, target))
		checkAnswer(t, again)
		if delivered && h.first() != o {
			t.Fatalf("a second request replaced %+v with %+v", o, h.first())
		}
		if delivered && again.Code == http.StatusOK && !strings.Contains(again.Body.String(), "already received") {
			t.Fatalf("a second request was answered as the first:\n%s", again.Body)
		}
	})
}

// fuzzRequest builds the request a server would hand over, without the
// server's checks: the handler must cope with anything.
func fuzzRequest(method, host, target string) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: "/callback", RawQuery: target}
	}
	return &http.Request{Method: method, Host: host, URL: u, RequestURI: target, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// pageTags is the markup the package's pages are made of; any other tag in
// a page came from the request.
var pageTags = []string{"!doctype", "html", "head", "meta", "title", "style", "body", "h1", "p"}

func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusMisdirectedRequest:
	default:
		t.Fatalf("status %d", rec.Code)
	}
	checkAnswerPage(t, rec)
}

// checkAnswerPage checks the safety headers and that the page holds only
// the package's own markup, no script and no control character.
func checkAnswerPage(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	for k, v := range wantHeaders {
		if got := rec.Result().Header.Get(k); got != v {
			t.Fatalf("header %s = %q, want %q", k, got, v)
		}
	}
	body := rec.Body.String()
	if !utf8.ValidString(body) {
		t.Fatalf("the page is not UTF-8: %q", body)
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Fatalf("the page holds a script:\n%s", body)
	}
	for _, r := range body {
		if unicode.IsControl(r) && r != '\n' || isBidiControl(r) {
			t.Fatalf("the page holds control character %U:\n%q", r, body)
		}
	}
	for rest := body; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		name := strings.ToLower(strings.TrimPrefix(rest, "/"))
		if end := strings.IndexAny(name, " >"); end >= 0 {
			name = name[:end]
		}
		if !slices.Contains(pageTags, name) {
			t.Fatalf("the page holds markup <%s that is not the package's:\n%s", name, body)
		}
	}
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || isBidiControl(r) }) >= 0
}

// FuzzStartLink drives the start link's handler with any method, Host
// header and request target, twice. It never panics; every answer carries
// the safety headers and a page with only the package's own markup; a
// request counts as a fetch of the link only as a GET of the exact path
// with the link's own Host; the first fetch alone is the redirect, to the
// authorization URL; and a second one is answered "already used" and
// reported.
func FuzzStartLink(f *testing.F) {
	const host, path = "127.0.0.1:4669", "/start/dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4"
	f.Add("GET", host, path)
	f.Add("GET", "localhost:4669", path)
	f.Add("GET", "evil.example:4669", path)
	f.Add("POST", host, path)
	f.Add("HEAD", host, path)
	f.Add("GET", host, path+"/")
	f.Add("GET", host, "/start/")
	f.Add("GET", host, path+"?state=x#y")
	f.Add("GET", host, "http://127.0.0.1:4669"+path)
	f.Add("GET", host, "/start/%64G9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4")
	f.Fuzz(func(t *testing.T, method, hostHeader, target string) {
		h := newStartHandler(host, path, launchAuthURL)
		req := fuzzRequest(method, hostHeader, target)
		counts := req.Method == http.MethodGet && strings.EqualFold(req.Host, host) && req.URL.Path == path
		for i := 1; i <= 2; i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, fuzzRequest(method, hostHeader, target))
			checkAnswerPage(t, rec)
			loc := rec.Result().Header.Get("Location")
			switch {
			case !counts:
				if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusMisdirectedRequest {
					t.Fatalf("%s %q to %q: status %d", method, target, hostHeader, rec.Code)
				}
				if loc != "" || isClosed(h.used) || isClosed(h.reuse) {
					t.Fatalf("%s %q to %q used the link up", method, target, hostHeader)
				}
			case i == 1:
				if rec.Code != http.StatusSeeOther || loc != launchAuthURL || !isClosed(h.used) || isClosed(h.reuse) {
					t.Fatalf("the first fetch: %d to %q", rec.Code, loc)
				}
			default:
				if rec.Code != http.StatusGone || loc != "" || !isClosed(h.reuse) || !strings.Contains(rec.Body.String(), "already used") {
					t.Fatalf("the second fetch: %d to %q, reuse reported %v", rec.Code, loc, isClosed(h.reuse))
				}
			}
		}
	})
}
