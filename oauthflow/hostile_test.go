package oauthflow

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHostileCallbacks sends the listener what a hostile page or a broken
// provider might: each is refused or handled without handing over a code
// it should not, without echoing markup or terminal escapes, and the
// listener goes on waiting for the real callback.
func TestHostileCallbacks(t *testing.T) {
	var many strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&many, "p%d=x&", i)
	}
	cases := []struct {
		name, method, query, host string
		wantStatus                int
	}{
		{"oversized query", "GET", "code=a&state=" + testState + "&pad=" + strings.Repeat("A", 64<<10), "", 431},
		{"many parameters, wrong state", "GET", many.String() + "code=a&state=nope", "", 400},
		{"repeated code", "GET", "code=a&code=b&state=" + testState, "", 400},
		{"repeated state", "GET", "code=a&state=" + testState + "&state=" + testState, "", 400},
		{"escape sequences in error_description, wrong state", "GET", "error=access_denied&error_description=" + url.QueryEscape("\x1b]52;c;ZXZpbA==\x07\x1b[2J<script>x</script>") + "&state=nope", "", 400},
		{"foreign Host", "GET", "code=a&state=" + testState, "evil.example", 421},
		{"POST", "POST", "code=a&state=" + testState, "", 405},
		{"PUT", "PUT", "code=a&state=" + testState, "", 405},
		{"DELETE", "DELETE", "code=a&state=" + testState, "", 405},
		{"code with a control character", "GET", "code=a%1Bb&state=" + testState, "", 400},
	}
	l, callback := start(t, "127.0.0.1", ListenOptions{})
	u, _ := url.Parse(callback)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := ""
			if c.host != "" {
				host = c.host + ":" + u.Port()
			}
			a, err := try(t, c.method, callback+"?"+c.query, "", host)
			if err != nil {
				t.Fatalf("request failed: %v", err)
			}
			if a.status != c.wantStatus {
				t.Errorf("status %d, want %d: %.200s", a.status, c.wantStatus, a.body)
			}
			if strings.Contains(strings.ToLower(a.body), "<script") || strings.ContainsRune(a.body, 0x1b) || strings.ContainsRune(a.body, 0x07) {
				t.Errorf("the page echoes markup or escapes: %.300q", a.body)
			}
		})
	}
	// Still waiting, and the real callback gets through.
	hit(t, "GET", callback+"?code=real&state="+testState, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if code, err := l.Wait(ctx); err != nil || code != "real" {
		t.Fatalf("after the hostile requests: %q, %v", code, err)
	}
}
