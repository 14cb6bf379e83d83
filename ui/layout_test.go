package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestProseKeepsFlagsWhole: a flag or a hyphenated name is never broken at
// its hyphens, which would show "--no-" at one line's end; a word longer
// than the line is still broken rather than cut.
func TestProseKeepsFlagsWhole(t *testing.T) {
	text := "Events are signed; --no-signature-key turns signing off for sandbox-hootsuite-client-id."
	for w := 28; w <= 60; w++ { // the longest word is 28 cells
		got := prose(lipgloss.NewStyle(), text, w)
		for _, word := range []string{"--no-signature-key", "sandbox-hootsuite-client-id."} {
			if !strings.Contains(got, word) {
				t.Errorf("at %d cells %q is broken:\n%s", w, word, got)
			}
		}
		for _, line := range strings.Split(got, "\n") {
			if ansi.StringWidth(line) > w {
				t.Errorf("at %d cells a line is %d wide: %q", w, ansi.StringWidth(line), line)
			}
		}
	}
	if got := prose(lipgloss.NewStyle(), "a-very-long-hyphenated-word", 10); strings.ReplaceAll(got, "\n", "") != "a-very-long-hyphenated-word" {
		t.Errorf("a word longer than the line lost text: %q", got)
	}
}
