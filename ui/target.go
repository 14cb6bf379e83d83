package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
)

const (
	optionSandbox = "sandbox"
	optionCustom  = "custom"
)

// targetPage is step 1: the built-in sandbox, a preset host, or any URL.
type targetPage struct {
	common
	options  []string
	cursor   int
	custom   textinput.Model
	problem  error // what is wrong with the URL typed
	width    int
	starting bool
	err      error
	// confirm is a plain http:// platform on another machine, waiting for
	// the user's explicit yes.
	confirm *setup.Target
	// sandbox is the built-in sandbox once running: --sandbox started it,
	// or this step did when the user chose it.
	sandbox *sandbox.Server
}

type sandboxStartedMsg struct {
	srv *sandbox.Server
	err error
}

func newTargetPage(c common) targetPage {
	t := targetPage{common: c, sandbox: c.cfg.Sandbox}
	t.options = append(append([]string{optionSandbox}, setup.PresetHosts...), optionCustom)
	t.custom = newInput(c.styles)
	t.custom.Placeholder = "https://<host>/elements/api-v2"
	prefill := c.cfg.Prefill.BaseURL
	switch {
	case t.sandbox != nil:
		t.cursor = 0
	case prefill != "":
		t.cursor = len(t.options) - 1
		if norm, err := api.NormalizeBaseURL(prefill); err == nil {
			for i, o := range t.options {
				if o == norm {
					t.cursor = i
				}
			}
		}
		if t.onCustom() {
			t.custom.SetValue(prefill)
			t.custom.CursorEnd()
			t.custom.Focus()
		}
	default:
		t.cursor = 1
	}
	return t
}

func (t targetPage) Title() string { return setup.StepTarget.String() }

func (t targetPage) onCustom() bool { return t.options[t.cursor] == optionCustom }

func (t targetPage) Typing() bool { return t.onCustom() && t.confirm == nil }

func (t targetPage) SetSize(w, _ int) page {
	t.width = w
	t.custom.SetWidth(max(10, w-3))
	return t
}

// listKeys are ↑/↓, with k/j only while no field takes the letters.
func (t targetPage) listKeys() (up, down key.Binding) {
	if t.onCustom() {
		return key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")), key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down"))
	}
	return t.keys.Up, t.keys.Down
}

func (t targetPage) Keys() []key.Binding {
	switch {
	case t.starting:
		return nil
	case t.confirm != nil:
		return []key.Binding{as(t.keys.Yes, "use it, unencrypted"), as(t.keys.No, "choose another")}
	}
	up, down := t.listKeys()
	keys := []key.Binding{as(t.keys.Next, "choose"), up, down}
	if !t.onCustom() {
		keys = append(keys, t.keys.Home, t.keys.End)
	}
	return keys
}

func (t targetPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		t.starting = false
		return t, t.syncFocus()
	case sandboxStartedMsg:
		t.starting = false
		if msg.err != nil {
			t.err = fmt.Errorf("start the sandbox: %w", msg.err)
			return t, nil
		}
		t.sandbox = msg.srv
		return t, t.choose()
	case tea.PasteMsg:
		return t, t.updateCustom(msg)
	case tea.KeyPressMsg:
		if t.confirm != nil {
			switch {
			case key.Matches(msg, t.keys.Yes):
				target := *t.confirm
				target.AllowPlainHTTP, t.confirm = true, nil
				return t, func() tea.Msg { return targetMsg{target} }
			case key.Matches(msg, t.keys.No):
				t.confirm = nil
			}
			return t, nil
		}
		up, down := t.listKeys()
		switch {
		case key.Matches(msg, up):
			t.cursor = (t.cursor - 1 + len(t.options)) % len(t.options)
		case key.Matches(msg, down):
			t.cursor = (t.cursor + 1) % len(t.options)
		case !t.onCustom() && key.Matches(msg, t.keys.Home):
			t.cursor = 0
		case !t.onCustom() && key.Matches(msg, t.keys.End):
			t.cursor = len(t.options) - 1
		case key.Matches(msg, t.keys.Next):
			return t, t.choose()
		default:
			return t, t.updateCustom(msg)
		}
		t.err = nil
		return t, t.syncFocus()
	}
	return t, nil
}

// choose fixes the target the cursor is on.
func (t *targetPage) choose() tea.Cmd {
	t.err = nil
	var target setup.Target
	switch choice := t.options[t.cursor]; choice {
	case optionSandbox:
		if t.sandbox == nil {
			start := t.cfg.Deps.StartSandbox
			if start == nil {
				t.err = errors.New("the built-in sandbox is not available in this build")
				return nil
			}
			t.starting = true
			ctx := t.ctx
			return func() tea.Msg {
				srv, err := start(ctx)
				return sandboxStartedMsg{srv, err}
			}
		}
		target = setup.SandboxTarget(t.sandbox)
	case optionCustom:
		var err error
		if target, err = setup.NewTarget(t.custom.Value()); err != nil {
			t.problem = err
			return nil
		}
		if target.PlainHTTP() {
			if !t.cfg.AllowPlainHTTP {
				t.confirm = &target
				return nil
			}
			target.AllowPlainHTTP = true
		}
	default:
		target = setup.Target{BaseURL: choice}
	}
	return func() tea.Msg { return targetMsg{target} }
}

// updateCustom hands a key or a paste to the URL field when it has the
// focus, and checks what it then holds.
func (t *targetPage) updateCustom(msg tea.Msg) tea.Cmd {
	if !t.onCustom() {
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && !editsText(kp, t.custom.KeyMap) {
		return nil
	}
	var cmd tea.Cmd
	t.custom, cmd = t.custom.Update(msg)
	t.problem = nil
	if v := t.custom.Value(); strings.TrimSpace(v) != "" {
		t.problem = setup.CheckBaseURL(v)
	}
	return cmd
}

func (t *targetPage) syncFocus() tea.Cmd {
	if t.onCustom() {
		return t.custom.Focus()
	}
	t.custom.Blur()
	return nil
}

func (t targetPage) label(i int) string {
	switch o := t.options[i]; o {
	case optionSandbox:
		label := "Built-in sandbox: no account, no network"
		if t.sandbox != nil {
			label += " (" + t.sandbox.URL + ")"
		}
		return label
	case optionCustom:
		return "Another URL…"
	default:
		// The host says which tenant; every preset ends in /elements/api-v2.
		label := o
		if u, err := url.Parse(o); err == nil {
			label = u.Host
		}
		if i == 1 {
			label += "  (the doc's host)"
		}
		return label
	}
}

func (t targetPage) View() pageView {
	st := t.styles
	w := max(10, t.width)
	lines := []string{st.Label.Render("Where is your Open Connectors tenant?"), ""}
	for i := range t.options {
		lead, style := "  ", st.Value
		if i == t.cursor {
			lead, style = "› ", st.Selected
		}
		lines = append(lines, style.Render(hang(lead, t.label(i), w)))
	}
	v := pageView{
		Purpose: "Choose the Open Connectors platform to set up the Hootsuite connector on.",
		Busy:    t.starting,
		Err:     t.err,
		Sandbox: t.options[t.cursor] == optionSandbox,
	}
	if t.onCustom() {
		lines = append(lines, "")
		if c := t.custom.Cursor(); c != nil {
			c.Position.Y += len(strings.Split(strings.Join(lines, "\n"), "\n"))
			v.Cursor = c
		}
		lines = append(lines, t.custom.View())
		if t.problem != nil {
			lines = append(lines, prose(st.Error, "  "+t.problem.Error(), w))
		}
	}
	v.Body = strings.Join(lines, "\n")
	switch {
	case t.confirm != nil:
		v.Status = prose(st.Error, (&setup.PlainHTTPError{Host: t.confirm.Host()}).Warning(), w)
	case t.starting:
		v.Status = "Starting the sandbox…"
	case t.err != nil:
		v.Status = errorBox(st, nil, t.err, "Press enter to try again, or choose another target.", w)
	}
	return v
}
