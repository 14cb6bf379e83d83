package oauthflow

import (
	"encoding/base64"
	"testing"
)

func TestNewState(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := NewState()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 32 {
			t.Fatalf("state %q: want 32 bytes in base64url without padding (%v)", s, err)
		}
		if seen[s] {
			t.Fatalf("state %q came twice", s)
		}
		seen[s] = true
	}
}

func TestStatesEqual(t *testing.T) {
	a, _ := NewState()
	b, _ := NewState()
	cases := []struct {
		x, y string
		want bool
	}{
		{a, a, true},
		{a, b, false},
		{a, a[:len(a)-1], false},
		{a, a + "x", false},
		{a, "", false},
		{"", "", true},
	}
	for _, c := range cases {
		if got := StatesEqual(c.x, c.y); got != c.want {
			t.Errorf("StatesEqual(%q, %q) = %v", c.x, c.y, got)
		}
	}
}
