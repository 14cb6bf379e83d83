package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/setup"
)

// page is one step of the wizard, as soft-serve's pages are: it keeps its
// own state, draws its own body, names the keys that act on it now, and
// talks to the root model by messages. The root owns what every step
// shares: the header, the scrolling, the status line, the help and the
// questions before quitting.
type page interface {
	// Update handles a message; showMsg arrives each time the step is shown.
	Update(msg tea.Msg) (page, tea.Cmd)
	// View draws the step at the width given to SetSize.
	View() pageView
	// Keys are the keys that act on the step as it stands, most useful
	// first; the help shows exactly these.
	Keys() []key.Binding
	// Title names the step in the header.
	Title() string
	// SetSize gives the room for the body.
	SetSize(width, height int) page
	// Typing reports whether keys go to a text field, so that letters are
	// text, not commands.
	Typing() bool
}

// pageView is a step as drawn.
type pageView struct {
	Purpose string      // one sentence under the title, true to the step's state
	Body    string      // scrolls when taller than the window
	Cursor  *tea.Cursor // the terminal's cursor in the body, in a text field
	// Focus are the first and last body lines of what has the focus
	// besides a text cursor, to keep in view (the last when they do not
	// all fit): a focused choice's label and its chosen option.
	Focus []int
	// Status stays in view below the body: what is under way, a notice,
	// or the failure on show with the keys that answer it.
	Status string
	Busy   bool  // a call is under way: only quitting, help and scrolling act
	Spin   bool  // the status is a wait that keys do not interrupt
	Err    error // the failure on show, for the exit status
	// Sandbox is the target step's say on the SANDBOX badge: the choice
	// under the cursor is the sandbox. Later steps take the procedure's.
	Sandbox bool
}

// common is what every step is built with; none of it changes after start.
type common struct {
	ctx    context.Context
	cfg    *Config
	styles Styles
	keys   KeyMap
}

func (c common) now() time.Time { return c.cfg.Now() }

// Messages between the steps and the root.
type (
	// showMsg tells a step it is shown, with the setup it works on (nil on
	// the target step, before one exists).
	showMsg struct{ proc *setup.Procedure }
	// targetMsg: the user chose the platform.
	targetMsg struct{ target setup.Target }
	// nextMsg: step from is done; the root shows the procedure's next step,
	// with notice as its status while it shows.
	nextMsg struct {
		from   setup.Step
		notice string
	}
	// finishedMsg: the user has read the summary and leaves.
	finishedMsg struct{}
	// helpMsg: show or hide all keys.
	helpMsg struct{}
)

func next(from setup.Step, notice string) tea.Cmd {
	return func() tea.Msg { return nextMsg{from, notice} }
}
