package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/setup"
)

// canGoBack reports whether esc goes to the previous step: from the
// account step always (nothing was sent; a resumed setup stays saved), and
// later until a create was sent.
func (m Model) canGoBack() bool {
	switch {
	case m.step == setup.StepTarget:
		return false
	case m.step == setup.StepAccount, m.proc == nil:
		return true
	}
	return m.proc.CanGoBack()
}

func (m *Model) back() tea.Cmd {
	prev := m.step - 1
	if prev == setup.StepTarget {
		// A new target makes a new setup.
		cmd := m.goTo(prev)
		m.proc, m.offer = nil, nil
		return cmd
	}
	m.proc.Back(prev)
	return m.goTo(prev)
}

// key handles a key press: the questions first, then the keys every step
// shares, then the step's own.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case m.ended:
		return nil
	case m.dialog != noDialog:
		return m.dialogKey(msg)
	case key.Matches(msg, k.Quit):
		return m.quit()
	case m.offer != nil:
		switch {
		case key.Matches(msg, k.Yes):
			m.resume(*m.offer)
		case key.Matches(msg, k.No):
			m.offer = nil
		}
		return nil
	case key.Matches(msg, m.helpKey()):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.PageDown) && m.scrollable():
		m.vp.PageDown()
		return nil
	case key.Matches(msg, k.PageUp) && m.scrollable():
		m.vp.PageUp()
		return nil
	case m.page().View().Busy:
		// A call is under way: until it answers, only quitting, help and
		// scrolling act, so that no key sends it twice.
		return nil
	case key.Matches(msg, k.Back) && !m.pageTakes(msg) && m.canGoBack():
		return m.back()
	}
	return m.toPage(msg)
}

// pageTakes reports whether the step on show lists msg's key as its own.
func (m Model) pageTakes(msg tea.KeyPressMsg) bool {
	for _, b := range m.page().Keys() {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// helpKey is ? where it cannot be text, and f1, which never is, anywhere.
func (m Model) helpKey() key.Binding {
	if m.page().Typing() {
		return m.c.keys.HelpAny
	}
	return m.c.keys.Help
}
