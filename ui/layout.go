package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"hootwire/internal/redact"
	"hootwire/internal/setup"
	"hootwire/internal/termsafe"
)

// The helpers below lay out text that may hold what the network or the
// user gave (a name, a URL, an error): each passes it through termsafe
// first, so that nothing in it acts on the terminal.

// prose wraps text to w cells at word boundaries (a word longer than the
// line, a URL say, is broken), then styles it. Nothing is ever cut.
func prose(st lipgloss.Style, text string, w int) string {
	return st.Render(wrap(termsafe.Text(text), w))
}

// noBreakHyphen stands in for a hyphen while text wraps: ansi.Wrap breaks
// after any hyphen, which splits a flag such as --no-signature-key or a
// name such as sandbox-hootsuite-client-id across lines.
const noBreakHyphen = '\u2011'

// wrap wraps text to w cells at spaces only; a word longer than the line
// is still broken, so nothing is cut.
func wrap(text string, w int) string {
	if strings.ContainsRune(text, noBreakHyphen) {
		return ansi.Wrap(text, max(1, w), "")
	}
	held := strings.ReplaceAll(text, "-", string(noBreakHyphen))
	return strings.ReplaceAll(ansi.Wrap(held, max(1, w), ""), string(noBreakHyphen), "-")
}

// urlBlock breaks a URL into lines of w cells, so that it reads whole; the
// copy key gives it without the breaks.
func urlBlock(st lipgloss.Style, u string, w int) string {
	return st.Render(ansi.Hardwrap(termsafe.Line(u), max(1, w), false))
}

// hang writes lead then text wrapped to w, its later lines indented under
// the text, as a list item or a table row is. lead is hootwire's own.
func hang(lead, text string, w int) string {
	indent := ansi.StringWidth(lead)
	lines := strings.Split(wrap(termsafe.Text(text), w-indent), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = lead + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", indent) + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// row is one line of a table: a label and its value. url values are
// broken anywhere, prose values at spaces.
type row struct {
	label, value string
	url          bool
}

// table draws rows with their values aligned after the longest label; a
// value too long for the line continues under itself.
func table(st Styles, rows []row, w int) string {
	width := 0
	for _, r := range rows {
		width = max(width, ansi.StringWidth(r.label))
	}
	room := max(10, w-width-2)
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		value := wrap(termsafe.Line(r.value), room)
		if r.url {
			value = ansi.Hardwrap(termsafe.Line(r.value), room, false)
		}
		lines := strings.Split(value, "\n")
		for i, l := range lines {
			label := strings.Repeat(" ", width)
			if i == 0 {
				label = fmt.Sprintf("%-*s", width, r.label)
			}
			style := st.Value
			if r.url {
				style = st.URL
			}
			out = append(out, st.Label.Render(label)+"  "+style.Render(l))
		}
	}
	return strings.Join(out, "\n")
}

// errorBox is a failure as a step shows it: what went wrong, every secret
// the setup has seen masked (and anything shaped like one, before there is
// a setup), then what to press about it.
func errorBox(st Styles, proc *setup.Procedure, err error, hint string, w int) string {
	var red *redact.Redactor
	if proc != nil {
		red = proc.Redactor()
	}
	// Wrapped as plain text first, then the one styled word put in.
	text := strings.Replace(prose(st.Value, "Error: "+red.String(err.Error()), w-2), "Error: ", st.Error.Render("Error: "), 1)
	if hint != "" {
		text += "\n" + prose(st.Label, hint, w-2)
	}
	return st.ErrorBox.Render(text)
}
