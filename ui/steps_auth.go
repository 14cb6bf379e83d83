package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
)

// codeLifetime is how long Hootsuite's grant code, and so the wait, lasts.
const codeLifetime = 10 * time.Minute

// authorizeStep is step 5: the redirect URL, the browser, the listener and
// the paste field, racing for the grant code.
type authorizeStep struct {
	attempt   int    // bumps on every new authorization, so stale messages are dropped
	state     string // the random state of this attempt
	url       string // the consent page
	listening bool
	deadline  time.Time
	browser   string // what happened when the browser was opened
	pasting   bool
	paste     textinput.Model
	// ctx lives as long as this attempt: cancelling it stops the listener
	// and every wait of the attempt (a model is the one place a Bubble Tea
	// program can keep it).
	ctx    context.Context
	cancel context.CancelFunc
	code   string
}

func (a authorizeStep) waiting() bool { return a.url != "" && a.code == "" }

// Messages of step 5, each tagged with its attempt.
type (
	authURLMsg struct {
		attempt int
		state   string
		url     string
		err     error
	}
	listenerMsg struct {
		attempt  int
		listener Listener
		err      error
	}
	browserMsg struct {
		attempt int
		err     error
	}
	codeMsg struct {
		attempt int
		code    string
		err     error
	}
	tickMsg struct{ attempt int }
)

// startAuthorization begins a fresh attempt: new state, redirect URL.
func (m *Model) startAuthorization() tea.Cmd {
	if m.auth.cancel != nil {
		m.auth.cancel()
	}
	// The pasted code is a secret until it is spent: never echo it.
	paste := newInput(m.styles, true)
	paste.Placeholder = "the code, or the whole URL the browser was sent to"
	paste.CharLimit = 8192
	paste.SetWidth(max(10, min(m.width-2, 96)-4))
	m.auth = authorizeStep{attempt: m.auth.attempt + 1, paste: paste}
	ctx, cancel := context.WithCancel(m.ctx)
	m.auth.ctx, m.auth.cancel = ctx, cancel
	attempt, proc, newState := m.auth.attempt, m.proc, m.cfg.Deps.NewState
	return m.wait("Getting the redirect URL from Open Connectors…", func() tea.Msg {
		state, err := newState()
		if err != nil {
			return authURLMsg{attempt: attempt, err: err}
		}
		authz, err := proc.Authorize(ctx, state)
		return authURLMsg{attempt: attempt, state: state, url: authz.URL, err: err}
	})
}

func (m Model) updateAuthorize(msg tea.Msg) (tea.Model, tea.Cmd) {
	a := &m.auth
	switch msg := msg.(type) {
	case authURLMsg:
		if msg.attempt != a.attempt {
			return m, nil
		}
		if msg.err != nil {
			m.fail(msg.err, authHint(msg.err))
			return m, nil
		}
		m.busy = ""
		a.state, a.url = msg.state, msg.url
		a.deadline = m.cfg.Now().Add(codeLifetime)
		needs, err := m.cfg.Deps.NeedsListener(m.proc.Session().CallbackURL)
		if err != nil {
			m.fail(err, "Go back with esc and correct the callback URL.")
			return m, nil
		}
		if !needs {
			// The callback is not on this machine: the user pastes what
			// the browser lands on.
			a.pasting = true
			cmds := []tea.Cmd{a.paste.Focus(), m.tick()}
			if !m.cfg.NoBrowser {
				cmds = append(cmds, m.openBrowser())
			}
			return m, tea.Batch(cmds...)
		}
		cmd := tea.Batch(m.listen(), m.tick(), m.spin.Tick)
		return m, cmd
	case listenerMsg:
		if msg.attempt != a.attempt {
			if l := msg.listener; l != nil {
				// Closing waits for the listener to stop: not in Update.
				return m, func() tea.Msg { l.Close(); return nil }
			}
			return m, nil
		}
		if msg.err != nil {
			// The URL is on screen: the user can still paste.
			m.fail(msg.err, "Press p to paste the code instead, or press esc twice to change the callback URL on the Hootsuite app step (it must match the URL registered on the app).")
			return m, nil
		}
		a.listening = true
		cmds := []tea.Cmd{m.waitForCode(msg.listener)}
		if !m.cfg.NoBrowser {
			cmds = append(cmds, m.openBrowser())
		}
		return m, tea.Batch(cmds...)
	case browserMsg:
		if msg.attempt != a.attempt {
			return m, nil
		}
		if msg.err != nil {
			a.browser = "No browser could be opened here: open the URL above yourself, or copy it with c."
		} else {
			a.browser = "Opened in your browser. Approve hootwire there."
		}
		return m, nil
	case codeMsg:
		if msg.attempt != a.attempt || a.code != "" {
			return m, nil
		}
		if msg.err != nil {
			a.listening = false
			m.fail(msg.err, "Press enter to start a fresh authorization, or p to paste the code.")
			return m, nil
		}
		return m.gotCode(msg.code)
	case tickMsg:
		if msg.attempt != a.attempt || !a.waiting() {
			return m, nil
		}
		cmd := m.tick()
		return m, cmd
	case tea.KeyPressMsg:
		return m.authorizeKey(msg)
	case tea.PasteMsg:
		if a.pasting {
			var cmd tea.Cmd
			a.paste, cmd = a.paste.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func (m Model) authorizeKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	a := &m.auth
	k := m.keys
	if a.pasting {
		switch {
		case matches(msg, k.Next):
			code, err := m.cfg.Deps.ParsePaste(a.paste.Value(), a.state)
			if err != nil {
				m.fail(err, "Paste the code, or the whole URL the browser was sent to, and press enter.")
				return m, nil
			}
			return m.gotCode(code)
		case matches(msg, k.Back) && !a.listening:
			// No listener to go back to waiting on: leave the step.
			if m.proc.CreateSent() {
				return m, nil
			}
			a.cancel()
			cmd := m.goTo(StepInstance)
			return m, cmd
		case matches(msg, k.Back):
			a.pasting = false
			a.paste.Blur()
			m.err = nil
			return m, nil
		}
		var cmd tea.Cmd
		a.paste, cmd = a.paste.Update(msg)
		return m, cmd
	}
	switch {
	case matches(msg, k.Back) && !m.proc.CreateSent():
		a.cancel()
		cmd := m.goTo(StepInstance)
		return m, cmd
	case matches(msg, k.Next) && (m.err != nil || a.url == ""):
		cmd := m.startAuthorization()
		return m, cmd
	case a.url == "":
		return m, nil
	case matches(msg, k.Copy):
		cmd := m.copyURL("authorization URL", a.url)
		return m, cmd
	case matches(msg, k.Open):
		cmd := m.openBrowser()
		return m, cmd
	case matches(msg, k.Paste):
		a.pasting = true
		m.err = nil
		return m, a.paste.Focus()
	case matches(msg, k.Approve) && m.sandbox != nil:
		sb, authURL, attempt := m.sandbox, a.url, a.attempt
		return m, func() tea.Msg {
			back, err := sb.Approve(authURL)
			if err != nil {
				return codeMsg{attempt: attempt, err: fmt.Errorf("approve in the sandbox: %w", err)}
			}
			return codeMsg{attempt: attempt, code: back.Query().Get("code")}
		}
	}
	return m, nil
}

// gotCode ends the race: the first code wins and the listener stops.
func (m Model) gotCode(code string) (tea.Model, tea.Cmd) {
	m.auth.code = code
	m.auth.pasting = false
	if m.auth.cancel != nil {
		m.auth.cancel()
	}
	m.create = createStep{code: code}
	cmd := m.goTo(StepCreate)
	return m, cmd
}

func (m *Model) listen() tea.Cmd {
	attempt, state, listen := m.auth.attempt, m.auth.state, m.cfg.Deps.Listen
	callback := m.proc.Session().CallbackURL
	ctx := m.auth.ctx
	return func() tea.Msg {
		l, err := listen(ctx, callback, state)
		return listenerMsg{attempt: attempt, listener: l, err: err}
	}
}

func (m *Model) waitForCode(l Listener) tea.Cmd {
	attempt, ctx := m.auth.attempt, m.auth.ctx
	return func() tea.Msg {
		defer l.Close()
		code, err := l.Wait(ctx)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return codeMsg{attempt: attempt, code: code, err: err}
	}
}

func (m *Model) openBrowser() tea.Cmd {
	attempt, open, u := m.auth.attempt, m.cfg.Deps.Open, m.auth.url
	ctx := m.ctx
	return func() tea.Msg {
		return browserMsg{attempt: attempt, err: open(ctx, u)}
	}
}

func (m *Model) tick() tea.Cmd {
	attempt := m.auth.attempt
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{attempt} })
}

func authHint(err error) string {
	switch {
	case api.StatusCode(err) == 401:
		return "The secrets were refused: press esc to go back and correct them."
	case api.IsNetwork(err):
		return "Press enter to try again."
	}
	return "Press enter to try again, or esc to correct the Hootsuite app settings."
}

func (m Model) viewAuthorize(w int) (string, *tea.Cursor) {
	st := m.styles
	a := m.auth
	var lines []string
	if a.url == "" {
		return st.Muted.Render("Asking Open Connectors for Hootsuite's authorization URL…"), nil
	}
	lines = append(lines, st.Label.Render("Authorization URL")+st.Muted.Render("  (c copies, o opens)"))
	lines = append(lines, st.URL.Render(wrapHard(a.url, w)))
	if u, err := url.Parse(a.url); err == nil && u.Query().Get("redirect_uri") != "" {
		lines = append(lines, st.Muted.Render(wrap("Hootsuite will send the browser back to "+u.Query().Get("redirect_uri"), w)))
	}
	lines = append(lines, "")
	left := a.deadline.Sub(m.cfg.Now()).Round(time.Second)
	if left < 0 {
		left = 0
	}
	switch {
	case a.pasting:
		lines = append(lines, st.Label.Render("Paste the grant code, or the whole URL the browser was sent to"))
		cursorLine := len(strings.Split(strings.Join(lines, "\n"), "\n"))
		lines = append(lines, a.paste.View())
		lines = append(lines, st.Muted.Render("enter accepts · esc goes back to waiting"))
		var cur *tea.Cursor
		if c := a.paste.Cursor(); c != nil {
			c.Position.Y += cursorLine
			cur = c
		}
		return strings.Join(lines, "\n"), cur
	case a.listening:
		lines = append(lines, m.spin.View()+" "+wrap(fmt.Sprintf("Waiting for Hootsuite to send the grant code to %s (%s left)", m.proc.Session().CallbackURL, formatLeft(left)), w-2))
	case m.err == nil:
		lines = append(lines, m.spin.View()+" Starting the local listener…")
	}
	if a.browser != "" {
		lines = append(lines, st.Muted.Render(wrap(a.browser, w)))
	}
	lines = append(lines, "", st.Muted.Render(wrap("Browser on another machine? Press p and paste the URL it lands on."+m.sandboxApproveHint(), w)))
	return strings.Join(lines, "\n"), nil
}

func (m Model) sandboxApproveHint() string {
	if m.sandbox == nil {
		return ""
	}
	return " No browser at all? Press a to approve on the sandbox's consent page from here."
}

func formatLeft(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
