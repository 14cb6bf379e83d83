// Package termsafe makes text that came from the network or from a user
// safe to write to a terminal: no control character (escape sequences,
// C1 controls, a carriage return that rewrites a line) and no bidi control
// (which reorders what is shown, so a URL can read as another) gets
// through. Every string hootwire did not write itself passes through it on
// its way to the screen or to standard error.
package termsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replacement stands for a character that was taken out.
const Replacement = '\uFFFD'

// Line is s on one line: line breaks and tabs become spaces, every other
// control or bidi character becomes the replacement character.
func Line(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unsafe(r):
			b.WriteRune(Replacement)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Text is s with its line breaks kept (a lone carriage return becomes one)
// and every other control or bidi character replaced.
func Text(s string) string {
	if clean(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case unsafe(r):
			b.WriteRune(Replacement)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Safe reports whether s can be written as it is, on one line.
func Safe(s string) bool { return clean(s, false) }

// clean reports whether s holds nothing to replace, so the common case
// costs no allocation.
func clean(s string, newlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Invalid UTF-8 is rewritten too: as the replacement character.
			return utf8.ValidString(s[i:]) && !strings.ContainsFunc(s[i:], unsafe)
		}
		if c < 0x20 && !(newlines && c == '\n') || c == 0x7f {
			return false
		}
	}
	return true
}

// unsafe reports whether r must not reach a terminal: a C0 or C1 control,
// DEL, a bidi control, or a line or paragraph separator (which some
// terminals and viewers break a line at).
func unsafe(r rune) bool {
	return unicode.IsControl(r) || isBidi(r) || r == '\u2028' || r == '\u2029'
}

// isBidi reports the characters that change the order text is shown in:
// the embeddings, overrides and isolates, and the directional marks.
func isBidi(r rune) bool {
	switch {
	case r == '\u061C', r == '\u200E', r == '\u200F':
		return true
	case r >= '\u202A' && r <= '\u202E':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
