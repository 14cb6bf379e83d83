package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/setup"
)

// registerPage is step 7: the base64 id and the webhook URL, to register on
// the Hootsuite app by hand.
type registerPage struct {
	common
	proc   *setup.Procedure
	width  int
	saving bool
	notice string
	err    error
}

type (
	registeredMsg struct {
		proc *setup.Procedure
		note string // what is known of the registration
		err  error
	}
	appPageMsg struct {
		url string
		err error
	}
)

func newRegisterPage(c common) registerPage { return registerPage{common: c} }

func (r registerPage) Title() string         { return setup.StepRegister.String() }
func (r registerPage) Typing() bool          { return false }
func (r registerPage) SetSize(w, _ int) page { r.width = w; return r }
func (r registerPage) appPage() string       { return r.proc.Target().AppPage() }
func (r registerPage) enter() key.Binding    { return as(r.keys.Next, "registered") }
func (r registerPage) openKey() key.Binding  { return as(r.keys.Open, "open the app page") }

func (r registerPage) Keys() []key.Binding {
	if r.saving {
		return nil
	}
	// Copying the webhook URL is what the step is for.
	keys := []key.Binding{r.keys.Copy, r.enter()}
	if r.appPage() != "" {
		keys = append(keys, r.openKey())
	}
	return keys
}

func (r registerPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		r.proc, r.saving, r.notice, r.err = msg.proc, false, "", nil
	case registeredMsg:
		if msg.proc != r.proc {
			return r, nil
		}
		r.saving, r.err = false, msg.err
		if msg.err == nil {
			return r, next(setup.StepRegister, msg.note)
		}
	case appPageMsg:
		r.notice = "Opened the sandbox's app page in your browser."
		if msg.err != nil {
			r.notice = "No browser could be opened here: open " + msg.url + " yourself."
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, r.keys.Copy):
			r.notice = "Copied the webhook URL to the clipboard."
			return r, tea.SetClipboard(r.proc.WebhookURL())
		case key.Matches(msg, r.keys.Open) && r.appPage() != "":
			r.notice = ""
			open, u, ctx := r.cfg.Deps.Open, r.appPage(), r.ctx
			return r, func() tea.Msg { return appPageMsg{u, open(ctx, u)} }
		case key.Matches(msg, r.keys.Next):
			r.saving, r.err, r.notice = true, nil, ""
			proc := r.proc
			return r, func() tea.Msg {
				// In the sandbox, its app page is asked (and given the URL
				// if it lacks it); elsewhere the note says what is unknown.
				note, err := proc.Registration()
				if err == nil {
					err = proc.MarkRegistered()
				}
				return registeredMsg{proc, note, err}
			}
		}
	}
	return r, nil
}

func (r registerPage) View() pageView {
	st := r.styles
	w := max(10, r.width)
	p := r.proc
	s := p.Session()
	steps := append(p.RegisterSteps(), "Come back here and press enter.")
	if r.appPage() != "" {
		steps[0] += " Press o to open it."
	}
	var list []string
	for i, step := range steps {
		list = append(list, hang(fmt.Sprintf("%d. ", i+1), step, w))
	}
	body := table(st, []row{
		{label: "Instance id", value: fmt.Sprint(s.InstanceID)},
		{label: "Base64 id", value: p.EncodedID()},
	}, w) + "\n\n" +
		st.Label.Render("Webhook URL") + st.Muted.Render("  (c copies)") + "\n" +
		urlBlock(st.URL, p.WebhookURL(), w) + "\n\n" +
		st.Label.Render("At Hootsuite") + "\n" + strings.Join(list, "\n")
	v := pageView{Purpose: "Register the instance's webhook URL on your Hootsuite app.", Body: body, Busy: r.saving, Err: r.err}
	switch {
	case r.saving:
		v.Status = "Checking the registration and saving…"
	case r.err != nil:
		v.Status = errorBox(st, p, r.err, "Press enter to try again.", w)
	case r.notice != "":
		v.Status = prose(st.Success, r.notice, w)
	}
	return v
}

// Summary is the end of a setup as a person reads it, w cells wide; it is
// printed again when hootwire exits.
func Summary(st Styles, r setup.Result, nextCall string, w int) string {
	rows := []row{
		{label: "Instance id", value: fmt.Sprint(r.ID)},
		{label: "Name", value: r.Name},
		{label: "Webhook URL", value: r.WebhookURL, url: true},
		{label: "Event callback URL", value: r.EventCallbackURL, url: true},
	}
	if r.SavedTo != "" {
		rows = append(rows, row{label: "Token saved to", value: r.SavedTo, url: true})
	}
	return table(st, rows, w) + "\n\n" + st.Label.Render("Next call") + "\n" + st.Code.Render(code(nextCall, w))
}
