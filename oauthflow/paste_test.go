package oauthflow

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePasteAccepts(t *testing.T) {
	for in, want := range map[string]string{
		"xoz8AFqScK2ngM04kSSM":     "xoz8AFqScK2ngM04kSSM",
		"  xoz8AFqScK2ngM04kSSM\n": "xoz8AFqScK2ngM04kSSM",
		"ory_ac_abc.DEF-ghi~jk":    "ory_ac_abc.DEF-ghi~jk",
		"YWJjZA==":                 "YWJjZA==", // base64 padding is not a query
		"http://localhost:4668/callback?code=abc&state=" + testState:           "abc",
		"https://app.example.com/cb?state=" + testState + "&code=a%2Fb%2Bc":    "a/b+c",
		"code=abc&state=" + testState:                                          "abc",
		"?code=abc&state=" + testState:                                         "abc",
		"?state=" + testState + "&code=abc&scope=x":                            "abc",
		"http://localhost:4668/callback?code=abc":                              "abc", // no state to check
		"http://localhost:4668/callback?code=abc&state=" + testState + "#frag": "abc",
		"localhost:4668/callback?code=abc&state=" + testState:                  "abc", // no scheme
		"http://localhost:4668/callback?code=ab\nc&st\r\nate=" + testState:     "abc", // a wrapped line
	} {
		if got, err := ParsePaste(in, testState); err != nil || got != want {
			t.Errorf("ParsePaste(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParsePasteRefuses(t *testing.T) {
	for in, want := range map[string]error{
		"":       ErrNothingPasted,
		"   \n ": ErrNothingPasted,
		"http://localhost:4668/callback?code=abc&state=other":                          ErrStateMismatch,
		"http://localhost:4668/callback?code=abc&state=":                               ErrStateMismatch,
		"code=abc&state=" + testState + "&state=" + testState:                          ErrStateMismatch,
		"http://localhost:4668/callback?error=access_denied&state=someone-elses":       ErrStateMismatch, // a forged denial
		"http://localhost:4668/callback?state=" + testState:                            ErrNoCode,
		"http://localhost:4668/callback":                                               ErrNoCode,
		"?state=" + testState + "&code=":                                               ErrNoCode,
		"https://platform.hootsuite.com/oauth2/auth?client_id=x&state=" + testState:    ErrNoCode, // the authorization URL itself
		"http://localhost:4668/callback?error=access_denied&state=" + testState + "&x": nil,       // a *DeniedError, below
	} {
		code, err := ParsePaste(in, testState)
		if code != "" {
			t.Errorf("ParsePaste(%q) gave code %q", in, code)
		}
		if want != nil && !errors.Is(err, want) {
			t.Errorf("ParsePaste(%q) = %v; want %v", in, err, want)
		}
	}
	// Refusals without a sentinel still say what was wrong.
	for in, want := range map[string]string{
		"http://localhost:4668/callback?code=a&code=b&state=" + testState: "more than one code",
		"?code=a%00b&state=" + testState:                                  "control characters",
		"?code=a+b&state=" + testState:                                    "spaces",
		"?code=%zz&state=" + testState:                                    "cannot be read",
		"two words":                                                       "neither a code nor an address",
		"kód":                                                             "neither a code nor an address",
		"http://[::1/callback":                                            "cannot be read",
		strings.Repeat("a", 20000):                                        "far longer",
	} {
		code, err := ParsePaste(in, testState)
		if code != "" || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePaste(%.60q) = %q, %v; want an error saying %q", in, code, err, want)
		}
	}
}

func TestParsePasteDenial(t *testing.T) {
	for _, in := range []string{
		"http://localhost:4668/callback?error=access_denied&error_description=User+said+no&state=" + testState,
		"?error=access_denied&error_description=User%20said%20no&state=" + testState,
		"error=access_denied&error_description=User+said+no", // no state to check
	} {
		code, err := ParsePaste(in, testState)
		var denied *DeniedError
		if code != "" || !errors.As(err, &denied) {
			t.Fatalf("ParsePaste(%q) = %q, %v; want a *DeniedError", in, code, err)
		}
		if denied.Err != "access_denied" || denied.Description != "User said no" {
			t.Errorf("denial = %+v", denied)
		}
		if err.Error() != "the authorization was denied (access_denied): User said no" {
			t.Errorf("message %q", err)
		}
	}
	// What a terminal would show carries no escape sequence.
	_, err := ParsePaste("?error=server_error&error_description=%1b%5D52%3Bc%3Bevil%07oops&state="+testState, testState)
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), "server_error") {
		t.Errorf("message %q", err)
	}
}

// TestParsePasteNeverEchoesTheCode: refusals do not repeat what was
// pasted, which may hold a code.
func TestParsePasteNeverEchoesTheCode(t *testing.T) {
	for _, in := range []string{
		"SECRETCODE with a space",
		"?code=SECRETCODE&code=SECRETCODE2&state=" + testState,
		"?code=SECRETCODE&state=wrong",
		"?code=SECRET%00CODE&state=" + testState,
	} {
		if _, err := ParsePaste(in, testState); err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("ParsePaste(%q) = %v", in, err)
		}
	}
}
