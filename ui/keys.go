package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the wizard knows, in one place. Each screen shows the
// ones that apply to it (see Model.helpKeys).
type KeyMap struct {
	Next      key.Binding
	Back      key.Binding
	NextField key.Binding
	PrevField key.Binding
	Up        key.Binding
	Down      key.Binding
	Copy      key.Binding
	Open      key.Binding
	Paste     key.Binding
	Approve   key.Binding // sandbox only: approve consent on the sandbox's behalf
	Reveal    key.Binding
	Retry     key.Binding
	Edit      key.Binding
	Yes       key.Binding
	No        key.Binding
	Delete    key.Binding
	Help      key.Binding
	Quit      key.Binding
}

// DefaultKeyMap is the keymap of DESIGN.md.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		Open:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in browser")),
		Paste:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste code")),
		Approve:   key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve here")),
		Reveal:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal token")),
		Retry:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "retry")),
		Edit:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit inputs")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		Delete:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete instance")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// keyHelp adapts a screen's bindings to bubbles/help.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyHelp) ShortHelp() []key.Binding  { return k.short }
func (k keyHelp) FullHelp() [][]key.Binding { return k.full }
