package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// field is one labelled input of a form: a line of text, masked for a
// secret, or a choice between a few options.
type field struct {
	label string
	hint  string // one line under the label
	input textinput.Model
	check func(string) error
	// secret fields are masked until the user shows them to check a typo.
	secret, shown bool
	// questionIsHelp: the value never holds a ?, so ? is the help key here
	// rather than a character typed unseen (a secret; not a pasted URL).
	questionIsHelp bool
	// options make the field a choice; chosen is the one picked.
	options []string
	chosen  int
	hidden  bool // not asked for, as things stand
	touched bool // the user typed here, or tried to go on: show its problem
}

// form is a column of fields with one focused. It never submits by itself:
// advance says when every field is valid.
type form struct {
	fields []field
	focus  int
	width  int
}

func textField(st Styles, label, hint, value string, check func(string) error) field {
	in := newInput(st)
	in.SetValue(value)
	in.CursorEnd()
	return field{label: label, hint: hint, input: in, check: check}
}

func secretField(st Styles, label, hint, value string, check func(string) error) field {
	f := textField(st, label, hint, value, check)
	f.secret, f.questionIsHelp = true, true
	f.input.EchoMode = textinput.EchoPassword
	f.input.EchoCharacter = '•'
	return f
}

func choiceField(label, hint string, options ...string) field {
	return field{label: label, hint: hint, options: options}
}

// newInput is every text field of the wizard: styled from Styles, with the
// real terminal cursor rather than a drawn one (screen readers and tmux
// follow it, and it does not blink through redraws).
func newInput(st Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 2048
	in.SetStyles(st.Input)
	in.SetVirtualCursor(false)
	return in
}

func newForm(fields ...field) form {
	f := form{fields: fields}
	f.fields[0].input.Focus()
	return f
}

// own gives the form fields of its own: a model is a value, and a copy
// (the one the last frame was drawn from, say) must not change with it.
func (f *form) own() { f.fields = slices.Clone(f.fields) }

func (f form) value(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }

func (f *form) focused() *field { return &f.fields[f.focus] }

// visible are the indexes of the fields asked for.
func (f *form) visible() []int {
	var out []int
	for i := range f.fields {
		if !f.fields[i].hidden {
			out = append(out, i)
		}
	}
	return out
}

func (f *form) setFocus(i int) tea.Cmd {
	if i < 0 || i >= len(f.fields) || f.fields[i].hidden {
		return nil
	}
	left := &f.fields[f.focus]
	left.input.Blur()
	if left.secret && left.shown {
		// A secret shown to check a typo is hidden again once left.
		left.shown, left.input.EchoMode = false, textinput.EchoPassword
	}
	f.focus = i
	if f.fields[i].options != nil {
		return nil
	}
	return f.fields[i].input.Focus()
}

// move focuses the visible field by steps away, wrapping around.
func (f *form) move(by int) tea.Cmd {
	vis := f.visible()
	at := 0
	for j, i := range vis {
		if i == f.focus {
			at = j
		}
	}
	return f.setFocus(vis[((at+by)%len(vis)+len(vis))%len(vis)])
}

func (f form) problem(i int) error {
	fl := &f.fields[i]
	if fl.hidden || fl.check == nil || fl.options != nil {
		return nil
	}
	return fl.check(f.value(i))
}

// valid reports whether every field asked for is valid.
func (f *form) valid() bool {
	for _, i := range f.visible() {
		if f.problem(i) != nil {
			return false
		}
	}
	return true
}

// advance is enter: when every field is valid the step is submitted (ok);
// otherwise the focus goes to the field that needs attention, and the
// focused field's problem shows if it is that one.
func (f *form) advance() (ok bool, cmd tea.Cmd) {
	if f.valid() {
		return true, nil
	}
	if f.problem(f.focus) != nil {
		f.fields[f.focus].touched = true
		return false, nil
	}
	f.fields[f.focus].touched = true
	vis := f.visible()
	for k := range vis {
		// The next field needing attention, after the focused one.
		i := vis[(indexOf(vis, f.focus)+1+k)%len(vis)]
		if f.problem(i) != nil {
			return false, f.setFocus(i)
		}
	}
	return false, nil
}

func indexOf(list []int, v int) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// keys are the form's own keys as it stands.
func (f *form) keys(k KeyMap) []key.Binding {
	var out []key.Binding
	fl := f.focused()
	switch {
	case fl.options != nil:
		out = append(out, k.Choose)
	case fl.secret && fl.shown:
		out = append(out, as(k.Show, "hide secret"))
	case fl.secret:
		out = append(out, k.Show)
	}
	if len(f.visible()) > 1 {
		out = append(out, k.NextField, k.PrevField)
	}
	return out
}

// typing reports whether the focused field takes text.
func (f *form) typing() bool { return f.focused().options == nil }

// update handles the form's own keys, and gives the rest to the focused
// field; handled reports whether the message was the form's.
func (f *form) update(msg tea.Msg, k KeyMap) (handled bool, cmd tea.Cmd) {
	fl := f.focused()
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, k.NextField) && len(f.visible()) > 1:
			fl.touched = true
			return true, f.move(1)
		case key.Matches(kp, k.PrevField) && len(f.visible()) > 1:
			return true, f.move(-1)
		case fl.questionIsHelp && kp.Text == "?":
			// A secret never holds a ?, and this one would be typed unseen:
			// it is the help key a user learned on the other steps.
			return true, func() tea.Msg { return helpMsg{} }
		case fl.secret && key.Matches(kp, k.Show):
			fl.shown = !fl.shown
			fl.input.EchoMode = textinput.EchoPassword
			if fl.shown {
				fl.input.EchoMode = textinput.EchoNormal
			}
			return true, nil
		case fl.options != nil && key.Matches(kp, k.Choose):
			if kp.String() == "left" {
				fl.chosen = (fl.chosen - 1 + len(fl.options)) % len(fl.options)
			} else {
				fl.chosen = (fl.chosen + 1) % len(fl.options)
			}
			return true, nil
		}
	}
	if fl.options != nil {
		return false, nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if !editsText(msg, fl.input.KeyMap) {
			return false, nil
		}
	case tea.PasteMsg:
	default:
		return false, nil
	}
	before := fl.input.Value()
	var c tea.Cmd
	fl.input, c = fl.input.Update(msg)
	if fl.input.Value() != before {
		fl.touched = true
	}
	return true, c
}

// editsText reports whether a key is text, or one of the keys that edit
// text or move in it; the field sees no other, so that a key the step does
// not use does nothing at all.
func editsText(kp tea.KeyPressMsg, km textinput.KeyMap) bool {
	return kp.Text != "" || key.Matches(kp, km.CharacterForward, km.CharacterBackward, km.WordForward, km.WordBackward,
		km.DeleteWordBackward, km.DeleteWordForward, km.DeleteAfterCursor, km.DeleteBeforeCursor,
		km.DeleteCharacterBackward, km.DeleteCharacterForward, km.LineStart, km.LineEnd, km.Paste)
}

func (f *form) setWidth(w int) {
	f.width = w
	for i := range f.fields {
		f.fields[i].input.SetWidth(max(10, w-3))
	}
}

// view draws the form, where the focused input's cursor is in it, and the
// lines of a focused choice to keep in view (its label, then its chosen
// option).
func (f *form) view(st Styles) (string, *tea.Cursor, []int) {
	var lines []string
	var cur *tea.Cursor
	var focus []int
	w := max(10, f.width)
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }
	for _, i := range f.visible() {
		fl := &f.fields[i]
		label := st.Label.Render(fl.label)
		if i == f.focus {
			label = st.Focused.Render("› " + fl.label)
		}
		if fl.secret && i == f.focus {
			state := "hidden"
			if fl.shown {
				state = "shown"
			}
			label += st.Muted.Render("  (" + state + ")")
		}
		if i == f.focus && fl.options != nil {
			focus = append(focus, len(lines))
		}
		add(label)
		if fl.hint != "" {
			add(prose(st.Muted, fl.hint, w))
		}
		if fl.options != nil {
			for j, o := range fl.options {
				mark := "( ) "
				style := st.Value
				if j == fl.chosen {
					mark = "(•) "
					if i == f.focus {
						style = st.Selected
					}
				}
				add(style.Render(hang(mark, o, w)))
				if i == f.focus && j == fl.chosen {
					focus = append(focus, len(lines)-1)
				}
			}
		} else {
			if i == f.focus {
				if c := fl.input.Cursor(); c != nil {
					c.Position.Y += len(lines)
					cur = c
				}
			}
			add(fl.input.View())
		}
		if err := f.problem(i); err != nil && fl.touched {
			add(prose(st.Error, "  "+err.Error(), w))
		} else {
			add("")
		}
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n"), cur, focus
}
