package oauthflow

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clean makes text that came from a URL safe to show in a terminal or a
// page: control characters (escape sequences among them) and the Unicode
// controls that reorder text are dropped, invalid UTF-8 becomes U+FFFD,
// and the text is cut to limit characters.
func clean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			continue
		}
		if n == limit {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError {
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// isBidiControl reports the characters that make a terminal or a browser
// show text in another order than it is stored in.
func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// validCode reports whether s can be an authorization code: RFC 6749
// (appendix A.11) makes a code one or more visible ASCII characters. A
// space, though allowed there, is refused: in a query it is what a stray
// '+' decodes to, and in a paste it means two things were pasted.
func validCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
