package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the wizard knows, in one place. A step offers the
// ones that act on it, as it stands, through its Keys; the help line and the
// full help are built from exactly those, so they cannot list a key that
// does nothing or miss one that works.
type KeyMap struct {
	Next      key.Binding // enter: accept and go on
	Back      key.Binding // esc: the previous step, until a create was sent
	NextField key.Binding
	PrevField key.Binding
	Up        key.Binding // in a list
	Down      key.Binding
	Home      key.Binding
	End       key.Binding
	Switch    key.Binding // where events go, from any field
	Choose    key.Binding // in a choice field
	Show      key.Binding // reveal or hide a masked field
	Reveal    key.Binding // reveal or hide the instance token
	Copy      key.Binding
	Open      key.Binding
	Paste     key.Binding
	Approve   key.Binding // sandbox only: approve consent on the user's behalf
	PageUp    key.Binding
	PageDown  key.Binding
	Wheel     key.Binding // help only: the mouse wheel scrolls too
	Help      key.Binding // where no text field has the focus
	HelpAny   key.Binding // everywhere, as it never types
	Quit      key.Binding
	Yes       key.Binding
	No        key.Binding
	Delete    key.Binding
}

// DefaultKeyMap is the wizard's keymap.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Home:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:       key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		Switch:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "switch where events go")),
		Choose:    key.NewBinding(key.WithKeys("space", "left", "right"), key.WithHelp("space/←/→", "choose")),
		Show:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show secret")),
		Reveal:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal token")),
		Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		Open:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in browser")),
		Paste:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste code")),
		Approve:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve here")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Wheel:     key.NewBinding(key.WithKeys(), key.WithHelp("wheel", "scroll")),
		Help:      key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?", "all keys")),
		HelpAny:   key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "all keys")),
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Delete:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete instance")),
	}
}

// as is b with another description, for a key whose action a step names
// (enter "create the instance", "retry", "exit").
func as(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// helpKeys adapts a screen's bindings to bubbles/help.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k helpKeys) ShortHelp() []key.Binding  { return k.short }
func (k helpKeys) FullHelp() [][]key.Binding { return k.full }
