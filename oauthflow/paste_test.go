package oauthflow

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePaste(t *testing.T) {
	good := map[string]string{
		"xoz8AFqScK2ngM04kSSM":     "xoz8AFqScK2ngM04kSSM",
		"  xoz8AFqScK2ngM04kSSM\n": "xoz8AFqScK2ngM04kSSM",
		"http://localhost:4668/callback?code=abc&state=" + testState:           "abc",
		"https://app.example.com/cb?state=" + testState + "&code=a%2Bb":        "a+b",
		"code=abc&state=" + testState:                                          "abc",
		"?code=abc&state=" + testState:                                         "abc",
		"http://localhost:4668/callback?code=abc":                              "abc", // no state to check
		"http://localhost:4668/callback?code=abc&state=" + testState + "#frag": "abc",
	}
	for in, want := range good {
		if got, err := ParsePaste(in, testState); err != nil || got != want {
			t.Errorf("ParsePaste(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":       "nothing was pasted",
		"   \n ": "nothing was pasted",
		"http://localhost:4668/callback?error=access_denied&error_description=No+thanks&state=" + testState: "denied",
		"http://localhost:4668/callback?code=abc&state=other":                                               "does not match",
		"http://localhost:4668/callback?state=" + testState:                                                 "no code",
		"http://localhost:4668/callback?code=a&code=b&state=" + testState:                                   "more than one code",
		"code=abc&state=" + testState + "&state=" + testState:                                               "does not match",
		"two words": "no spaces",
		"http://localhost:4668/callback?error=access_denied&state=someone-elses": "does not match",
		strings.Repeat("a", 20000): "far longer",
	}
	for in, want := range bad {
		_, err := ParsePaste(in, testState)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePaste(%.60q) = %v; want an error saying %q", in, err, want)
		}
	}
	var denied *DeniedError
	if _, err := ParsePaste("?error=access_denied&error_description=User+said+no&state="+testState, testState); !errors.As(err, &denied) || denied.Description != "User said no" {
		t.Errorf("denial = %#v", err)
	}
}
