package setup

import "strings"

// ShellQuote quotes s for a POSIX shell, so that a command hootwire prints
// for the user to paste runs as printed: a word of the characters a path or
// a URL usually holds stays as it is, anything else goes in single quotes.
func ShellQuote(s string) string {
	safe := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:=@%+,~", r)
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !safe(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
