package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/internal/setup"
)

// createStep is step 6: the request preview, then POST /instances.
type createStep struct {
	code     string
	instance *api.Instance
	reveal   bool
}

type createdMsg struct {
	inst *api.Instance
	err  error
}

func (m Model) updateCreate(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case createdMsg:
		if msg.inst != nil && errors.Is(msg.err, setup.ErrNotSaved) {
			// It exists: keep it on screen so its id and token can be noted.
			m.create.instance = msg.inst
			m.fail(msg.err, "Press r to reveal the token and note it with the id now; hootwire could not save them.")
			return m, nil
		}
		if msg.err != nil {
			switch {
			case errors.Is(msg.err, setup.ErrNeedsAuthorization):
				m.fail(msg.err, "The grant code cannot be used again: press a to authorize afresh.")
			case api.StatusCode(msg.err) == 401:
				m.fail(msg.err, "The secrets were refused: press esc until the Account step (step 2) and correct them.")
			default:
				m.fail(msg.err, "Press enter to try again (hootwire first looks for an instance the last try may have created).")
			}
			return m, nil
		}
		m.busy = ""
		m.create.instance = msg.inst
		if m.proc.Session().Stage >= setup.StageCreated {
			m.notice = "Created. The id and token are saved."
		}
		return m, nil
	case tea.KeyPressMsg:
		k := m.keys
		switch {
		case m.create.instance != nil && matches(msg, k.Reveal):
			m.create.reveal = !m.create.reveal
		case m.create.instance != nil && matches(msg, k.Next) && m.proc.Session().Stage >= setup.StageCreated:
			cmd := m.goTo(StepRegister)
			return m, cmd
		case m.create.instance == nil && matches(msg, k.Back):
			cmd := m.goTo(StepAuthorize)
			return m, cmd
		case m.create.instance == nil && errorsIsNeedsAuth(m.err) && matches(msg, k.Approve):
			cmd := m.goTo(StepAuthorize)
			return m, cmd
		case m.create.instance == nil && matches(msg, k.Next):
			proc, code, ctx := m.proc, m.create.code, m.ctx
			cmd := m.wait("Creating the instance with POST /instances…", func() tea.Msg {
				inst, err := proc.Create(ctx, code)
				return createdMsg{inst, err}
			})
			return m, cmd
		}
	}
	return m, nil
}

func (m Model) viewCreate(w int) string {
	st := m.styles
	if inst := m.create.instance; inst != nil {
		token := redact.Mask
		if m.create.reveal {
			token = inst.Token
		}
		rows := [][2]string{
			{"Instance id", fmt.Sprint(inst.ID)},
			{"Name", inst.Name},
			{"Token", token + st.Muted.Render("  (r reveals)")},
			{"Events", fmt.Sprint(inst.EventsEnabled)},
		}
		return table(st, rows) + "\n\n" + st.Muted.Render(wrap("Keep the id and token: every later call about this instance needs them. hootwire has saved them.", w))
	}
	body, curl := m.proc.Preview(m.create.code)
	return st.Label.Render("The request hootwire will send (secrets masked)") + "\n" +
		st.Code.Render(curl) + "\n" + st.Code.Render(body)
}

type finishedMsg struct{ err error }

// finishStep is step 8: PATCH, read back, summary.
type finishStep struct {
	ok bool // the update was made and confirmed
}

func (m Model) updateRegister(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case registeredMsg:
		if msg.err != nil {
			m.fail(msg.err, "Press enter to try again.")
			return m, nil
		}
		cmd := m.goTo(StepFinish)
		return m, cmd
	case tea.KeyPressMsg:
		k := m.keys
		switch {
		case matches(msg, k.Copy):
			cmd := m.copyURL("webhook URL", m.proc.WebhookURL())
			return m, cmd
		case matches(msg, k.Open) && m.sandbox != nil:
			open, u, ctx := m.cfg.Deps.Open, m.sandbox.URL+"/hootsuite/app", m.ctx
			return m, func() tea.Msg { open(ctx, u); return nil }
		case matches(msg, k.Next):
			proc := m.proc
			cmd := m.wait("Saving…", func() tea.Msg { return registeredMsg{proc.MarkRegistered()} })
			return m, cmd
		}
	}
	return m, nil
}

func (m Model) viewRegister(w int) string {
	st := m.styles
	p := m.proc
	rows := [][2]string{
		{"Instance id", fmt.Sprint(p.Session().InstanceID)},
		{"Base64 id", p.EncodedID()},
	}
	where := "developer account"
	if m.sandbox != nil {
		where = "sandbox's app page (" + m.sandbox.URL + "/hootsuite/app, o opens it)"
	}
	steps := []string{
		"1. Open your Hootsuite " + where + ": My Apps, your app, Edit.",
		"2. Paste the webhook URL into Webhook URL, and Save.",
		"3. Press Send ping webhook: Hootsuite should show status 200.",
		"4. Come back here and press enter.",
	}
	return table(st, rows) + "\n\n" +
		st.Label.Render("Webhook URL") + st.Muted.Render("  (c copies)") + "\n" +
		st.URL.Render(wrapHard(p.WebhookURL(), w)) + "\n\n" +
		st.Label.Render("At Hootsuite") + "\n" + wrap(strings.Join(steps, "\n"), w)
}

func (m *Model) startFinish() tea.Cmd {
	proc, ctx := m.proc, m.ctx
	return m.wait("Updating event.notification.callback.url, then reading it back…", func() tea.Msg {
		_, err := proc.Finish(ctx)
		return finishedMsg{err}
	})
}

func (m Model) updateFinish(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case finishedMsg:
		if msg.err != nil {
			m.fail(msg.err, "Press enter to try again.")
			return m, nil
		}
		m.busy = ""
		m.finish = finishStep{ok: true}
		m.notice = "Done: the instance is set up and its events are wired."
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case m.finish.ok && matches(msg, m.keys.Next):
			m.done = true
			return m, tea.Quit
		case !m.finish.ok && matches(msg, m.keys.Next):
			cmd := m.startFinish()
			return m, cmd
		}
	}
	return m, nil
}

func (m Model) viewFinish(w int) string {
	if !m.finish.ok {
		return m.styles.Muted.Render("PATCH /instances/" + fmt.Sprint(m.proc.Session().InstanceID) + " with the new event callback URL, then GET to confirm it.")
	}
	return Summary(m.styles, m.proc.Result(), m.proc.NextCallCurl(), w) + "\n\n" + m.styles.Muted.Render("Press enter to exit; this summary stays in your terminal.")
}

// Summary is the end of a setup as a person reads it; printed again on exit.
func Summary(st Styles, r setup.Result, nextCall string, w int) string {
	rows := [][2]string{
		{"Instance id", fmt.Sprint(r.ID)},
		{"Name", r.Name},
		{"Webhook URL", r.WebhookURL},
		{"Event callback URL", r.EventCallbackURL},
	}
	if r.SavedTo != "" {
		rows = append(rows, [2]string{"Token saved to", r.SavedTo})
	}
	return table(st, rows) + "\n\n" + st.Label.Render("Next call") + "\n" + st.Code.Render(wrap(nextCall, w))
}

func table(st Styles, rows [][2]string) string {
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(st.Label.Render(fmt.Sprintf("%-*s", width, r[0])) + "  " + st.Value.Render(r[1]))
	}
	return b.String()
}

// wrap folds prose at spaces to width; a word longer than the width (a
// URL) is cut.
func wrap(s string, w int) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		var words []string
		for _, word := range strings.Fields(para) {
			words = append(words, strings.Split(wrapHard(word, w), "\n")...)
		}
		for _, word := range words {
			switch {
			case line == "":
				line = word
			case len(line)+1+len(word) > w:
				out = append(out, line)
				line = word
			default:
				line += " " + word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// wrapHard cuts a URL into lines of width w, so it can be read whole (and
// the copy key gives it without line breaks).
func wrapHard(s string, w int) string {
	if w <= 0 || len(s) <= w {
		return s
	}
	var parts []string
	for len(s) > w {
		parts = append(parts, s[:w])
		s = s[w:]
	}
	return strings.Join(append(parts, s), "\n")
}
