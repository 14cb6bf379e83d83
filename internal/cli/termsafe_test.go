package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressIsInert: a name from the platform in a progress line cannot
// retitle the terminal, clear it, or forge a line of hootwire's own.
func TestProgressIsInert(t *testing.T) {
	var b bytes.Buffer
	progress{&b}.say("created instance %d (%s)", 7, "x\x1b]0;pwned\x07\x1b[2J\nhootwire: setup done.\u202E")
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202E") || strings.Count(out, "\n") != 1 || strings.Count(out, "hootwire:") != 2 {
		t.Errorf("progress line %q", out)
	}
}
