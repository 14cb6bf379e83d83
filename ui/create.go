package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/internal/setup"
)

// createPage is step 6: the request as it will be sent, secrets masked,
// then POST /instances, then the instance's id and token.
type createPage struct {
	common
	proc     *setup.Procedure
	width    int
	creating bool
	instance *api.Instance
	reveal   bool
	err      error
	hint     string
}

type createdMsg struct {
	proc *setup.Procedure
	inst *api.Instance
	err  error
}

func newCreatePage(c common) createPage { return createPage{common: c} }

func (c createPage) Title() string { return setup.StepCreate.String() }

func (c createPage) Typing() bool { return false }

func (c createPage) SetSize(w, _ int) page { c.width = w; return c }

// reauthorize reports whether the grant code is gone, so that only a fresh
// authorization helps.
func (c createPage) reauthorize() bool { return c.err != nil && !c.proc.Authorized() }

func (c createPage) Keys() []key.Binding {
	k := c.keys
	switch {
	case c.creating:
		return nil
	case c.instance != nil:
		what := "token"
		if c.proc.SignatureKey() != "" {
			what = "token and key"
		}
		reveal := as(k.Reveal, "reveal "+what)
		if c.reveal {
			reveal = as(k.Reveal, "hide "+what)
		}
		return []key.Binding{k.Next, reveal}
	case c.reauthorize():
		return []key.Binding{as(k.Next, "authorize again")}
	case c.err != nil:
		return []key.Binding{as(k.Next, "try again")}
	}
	return []key.Binding{as(k.Next, "create the instance")}
}

func (c createPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		c.proc, c.creating, c.instance, c.reveal, c.err, c.hint = msg.proc, false, nil, false, nil, ""
		return c, nil
	case createdMsg:
		if msg.proc != c.proc {
			return c, nil
		}
		c.creating = false
		c.instance = msg.inst
		c.err, c.hint = msg.err, createHint(msg.err)
		return c, nil
	case tea.KeyPressMsg:
		k := c.keys
		switch {
		case key.Matches(msg, k.Reveal) && c.instance != nil:
			c.reveal = !c.reveal
		case key.Matches(msg, k.Next) && c.instance != nil, key.Matches(msg, k.Next) && c.reauthorize():
			// On to the procedure's next step: Register, or a fresh
			// authorization when the code is gone.
			return c, next(setup.StepCreate, "")
		case key.Matches(msg, k.Next):
			c.creating, c.err, c.hint = true, nil, ""
			proc, ctx := c.proc, c.ctx
			return c, func() tea.Msg {
				inst, err := proc.Create(ctx)
				return createdMsg{proc, inst, err}
			}
		}
	}
	return c, nil
}

func createHint(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, setup.ErrNotSaved):
		return "Press r to reveal the token and note it with the id now: hootwire could not save them."
	case errors.Is(err, setup.ErrNeedsAuthorization):
		return "The grant code cannot be used again: press enter to authorize afresh."
	case api.StatusCode(err) == 401:
		return "The secrets were refused: press esc until the Account step (step 2) and correct them."
	}
	return "Press enter to try again (hootwire first looks for an instance the last try may have created)."
}

func (c createPage) View() pageView {
	st := c.styles
	w := max(10, c.width)
	v := pageView{Purpose: "Review the request, then create the instance with POST /instances.", Busy: c.creating, Err: c.err}
	if inst := c.instance; inst != nil {
		v.Purpose = "The instance exists: keep its id and token."
		token, key, how := redact.Mask, redact.Mask, "  (r reveals)"
		if c.reveal {
			token, key, how = inst.Token, c.proc.SignatureKey(), "  (r hides)"
		}
		rows := []row{
			{label: "Instance id", value: fmt.Sprint(inst.ID)},
			{label: "Name", value: inst.Name},
			{label: "Token", value: token + how},
			{label: "Events", value: fmt.Sprint(inst.EventsEnabled)},
		}
		if c.proc.SignatureKey() != "" {
			rows = append(rows, row{label: "Signature key", value: key + how})
		} else {
			rows = append(rows, row{label: "Signature key", value: "none: events are not signed"})
		}
		note := "Keep the id and token: every later call about this instance needs them; the signature key checks that an event came from Open Connectors."
		switch {
		case c.proc.Target().IsSandbox():
			note += " This is the built-in sandbox: nothing is saved, and the instance ends with hootwire."
		case c.proc.SavedTo() != "":
			note += " hootwire saved them in " + c.proc.SavedTo() + "."
		}
		v.Body = table(st, rows, w) + "\n\n" + prose(st.Muted, note, w)
		if c.err == nil {
			v.Status = prose(st.Success, fmt.Sprintf("Created instance %d.", inst.ID), w)
		}
	} else {
		body, curl := c.proc.Preview()
		v.Body = st.Label.Render("The request hootwire will send (secrets masked)") + "\n" +
			st.Code.Render(code(curl, w)) + "\n" + st.Code.Render(code(body, w))
	}
	switch {
	case c.creating:
		v.Status = "Creating the instance with POST /instances…"
	case c.err != nil:
		v.Status = errorBox(st, c.proc, c.err, c.hint, w)
	}
	return v
}

// code breaks lines of code that are too long, at a space where there is
// one, and keeps their indentation.
func code(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if indent >= w/2 {
			indent = 0
		}
		lines[i] = hang(l[:indent], l[indent:], w)
	}
	return strings.Join(lines, "\n")
}
