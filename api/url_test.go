package api

import (
	"strings"
	"testing"
)

// TestNormalizeBaseURLRefusesWhatItCannotUseAsIs: credentials, a bad port,
// . or .. segments, invisible characters and a fragment are refused with a
// message that says what is wrong and never repeats a user name or a
// password (which may be a token).
func TestNormalizeBaseURLRefusesWhatItCannotUseAsIs(t *testing.T) {
	const tok = "t0kenInTheUserName"
	cases := map[string]string{
		"https://" + tok + "@api.example.com/elements/api-v2":       "user name or password",
		"https://" + tok + ":pa55w0rdValue@api.example.com/":        "user name or password",
		"https://" + tok + "@api.example.com:99999/elements/api-v2": "user name or password",
		"https://" + tok + "@api.example.com:bad/":                  "user name or password",
		"https://" + tok + "@[::1/":                                 "user name or password",
		"https://api.example.com:99999/elements/api-v2":             "port",
		"https://api.example.com:0/elements/api-v2":                 "port",
		"https://api.example.com:/elements/api-v2":                  "port",
		"https://api.example.com:+443/elements/api-v2":              "port",
		"https://api.example.com:44a3/":                             "port",
		"https://api.example.com/elements/../api-v2":                ". or ..",
		"https://api.example.com/./elements/api-v2":                 ". or ..",
		"https://api.example.com/elements/%2e%2e/x":                 ". or ..",
		"https://api.example.com/elements/api-v2/..":                ". or ..",
		"https://api.example.com/elements/api-v2#frag":              "fragment",
		"https://api.example.com/elements/api-v2?x=1":               "query",
		"https://api.example.com/elements/api-v2?":                  "query",
		"https://api.example\u202e.com/elements/api-v2":             "bidi",
		"https://api.example.com/elements/\u200bapi-v2":             "invisible",
		"https://api.example.com/elements\x1b[2J/api-v2":            "control",
		"https://api.example.com/elements api-v2":                   "space",
		"https://:443/elements/api-v2":                              "no host",
		"https:api.example.com/elements/api-v2":                     "http:// or https://",
		"ftp://api.example.com/":                                    "http:// or https://",
		"https://[::1/elements/api-v2":                              "IPv6",
		"https://::1:443/elements/api-v2":                           "IPv6",
	}
	for in, want := range cases {
		got, err := NormalizeBaseURL(in)
		if err == nil {
			t.Errorf("NormalizeBaseURL(%q) = %q, want a refusal", in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, want) {
			t.Errorf("NormalizeBaseURL(%q): %q does not say %q", in, msg, want)
		}
		if strings.Contains(msg, tok) || strings.Contains(msg, "pa55w0rd") || strings.Contains(msg, "api.example") {
			t.Errorf("NormalizeBaseURL(%q): the message repeats the URL: %q", in, msg)
		}
		if !strings.Contains(msg, "https://<host>/elements/api-v2") {
			t.Errorf("NormalizeBaseURL(%q): %q does not say what to give", in, msg)
		}
	}
}

// TestNormalizeBaseURLKeepsTheScheme: plain http stays accepted here (a
// rule about it belongs to the caller) and stays visible in the result.
func TestNormalizeBaseURLKeepsTheScheme(t *testing.T) {
	for in, want := range map[string]string{
		"http://api.example.com":                   "http://api.example.com/elements/api-v2",
		"HTTP://127.0.0.1:8080/elements/api-v2/":   "http://127.0.0.1:8080/elements/api-v2",
		"https://[::1]:8443":                       "https://[::1]:8443/elements/api-v2",
		"https://api.example.com:443/elements/v2/": "https://api.example.com:443/elements/v2",
	} {
		if got, err := NormalizeBaseURL(in); err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseHTTPURL(t *testing.T) {
	for _, ok := range []string{"https://app.example.com/hooks?k=v", "http://localhost:4668/callback", "http://[::1]:80/", "https://xn--bcher-kva.example/", "https://bücher.example/pfad"} {
		if _, err := ParseHTTPURL(ok); err != nil {
			t.Errorf("ParseHTTPURL(%q): %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"":                           "empty",
		" https://x/":                "space",
		"https://x/ ":                "space",
		"https://x/\n":               "line break",
		"https://x:65536/":           "port",
		"https://u:p@x/":             "user name or password",
		"https://x/#":                "fragment",
		"https://x/%zz":              "cannot be read",
		"not a url":                  "must be an http:// or https:// URL",
		"https://x/\u2066evil\u2069": "bidi",
	} {
		_, err := ParseHTTPURL(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHTTPURL(%q) = %v, want it to say %q", bad, err, want)
		}
	}
}
