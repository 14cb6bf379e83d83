package oauthflow

import (
	"errors"
	"testing"
)

func TestParseForeign(t *testing.T) {
	cases := []struct {
		in, code string
		denied   bool
		err      error
	}{
		{in: "abc123", code: "abc123"},
		{in: "http://localhost:4668/callback?code=c0de&state=from-elsewhere", code: "c0de"},
		{in: "code=c0de&state=whatever-state", code: "c0de"},
		{in: "http://localhost:4668/callback?error=access_denied&state=x", denied: true},
		{in: "http://localhost:4668/callback?state=x", err: ErrNoCode},
		{in: "http://localhost:4668/callback?code=a&state=x&state=y", err: ErrStateMismatch},
		{in: "  ", err: ErrNothingPasted},
	}
	for _, c := range cases {
		code, err := ParseForeign(c.in)
		var denied *DeniedError
		switch {
		case c.denied:
			if !errors.As(err, &denied) {
				t.Errorf("%q: err = %v, want a denial", c.in, err)
			}
		case c.err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("%q: err = %v, want %v", c.in, err, c.err)
			}
		case err != nil || code != c.code:
			t.Errorf("%q: %q, %v; want %q", c.in, code, err, c.code)
		}
	}
}
