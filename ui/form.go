package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// field is one labelled text input with its own check.
type field struct {
	label   string
	hint    string // one line under the label
	input   textinput.Model
	check   func(string) error
	touched bool // the user typed here, or tried to go on: show its error
}

// form is a column of fields with one focused.
type form struct {
	fields []field
	focus  int
}

func newField(st Styles, label, hint, value string, secret bool, check func(string) error) field {
	in := newInput(st, secret)
	in.SetValue(value)
	in.CursorEnd()
	return field{label: label, hint: hint, input: in, check: check}
}

// newInput is every text field of the wizard: styled from Styles, with the
// real terminal cursor rather than a drawn one (screen readers and tmux
// follow it, and it does not blink through redraws), and secrets masked.
func newInput(st Styles, secret bool) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 2048
	in.SetStyles(st.Input)
	in.SetVirtualCursor(false)
	if secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}
	return in
}

func newForm(fields ...field) form {
	f := form{fields: fields}
	f.fields[0].input.Focus()
	return f
}

func (f *form) value(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }

func (f *form) setFocus(i int) tea.Cmd {
	if i < 0 || i >= len(f.fields) {
		return nil
	}
	f.fields[f.focus].input.Blur()
	f.focus = i
	return f.fields[i].input.Focus()
}

func (f *form) next() tea.Cmd {
	f.fields[f.focus].touched = true
	return f.setFocus((f.focus + 1) % len(f.fields))
}

func (f *form) prev() tea.Cmd {
	return f.setFocus((f.focus - 1 + len(f.fields)) % len(f.fields))
}

// firstInvalid marks every field touched and focuses the first one whose
// check fails; ok is true when all pass.
func (f *form) validate() (ok bool, cmd tea.Cmd) {
	ok = true
	for i := range f.fields {
		f.fields[i].touched = true
		if ok && f.errorOf(i) != nil {
			ok = false
			cmd = f.setFocus(i)
		}
	}
	return ok, cmd
}

func (f *form) errorOf(i int) error {
	if f.fields[i].check == nil {
		return nil
	}
	return f.fields[i].check(f.value(i))
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	before := f.fields[f.focus].input.Value()
	f.fields[f.focus].input, cmd = f.fields[f.focus].input.Update(msg)
	if f.fields[f.focus].input.Value() != before {
		f.fields[f.focus].touched = true
	}
	return cmd
}

func (f *form) setWidth(w int) {
	for i := range f.fields {
		f.fields[i].input.SetWidth(max(10, w-4))
	}
}

// view draws the form and returns the line and column of the focused
// input's cursor within it, so the model can place the real cursor.
func (f *form) view(st Styles) (string, *tea.Cursor) {
	var b strings.Builder
	var cur *tea.Cursor
	line := 0
	write := func(s string) {
		b.WriteString(s)
		b.WriteByte('\n')
		line += strings.Count(s, "\n") + 1
	}
	for i, fl := range f.fields {
		label := st.Label.Render(fl.label)
		if i == f.focus {
			label = st.Focused.Render(fl.label)
		}
		write(label)
		if fl.hint != "" {
			write(st.Muted.Render(fl.hint))
		}
		if i == f.focus {
			if c := fl.input.Cursor(); c != nil {
				c.Position.Y += line
				cur = c
			}
		}
		write(fl.input.View())
		if err := f.errorOf(i); err != nil && fl.touched {
			write(st.Error.Render("  " + err.Error()))
		} else {
			write("")
		}
	}
	return strings.TrimRight(b.String(), "\n"), cur
}
