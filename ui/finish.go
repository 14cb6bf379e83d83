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
			return r, next(setup.StepRegister, "")
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
			return r, func() tea.Msg { return registeredMsg{proc, proc.MarkRegistered()} }
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
		v.Status = "Saving…"
	case r.err != nil:
		v.Status = errorBox(st, p, r.err, "Press enter to try again.", w)
	case r.notice != "":
		v.Status = prose(st.Success, r.notice, w)
	}
	return v
}

// finishPage is step 8: PATCH the event callback URL, read it back, and
// the summary.
type finishPage struct {
	common
	proc    *setup.Procedure
	width   int
	working bool
	err     error
}

type patchedMsg struct {
	proc *setup.Procedure
	err  error
}

func newFinishPage(c common) finishPage { return finishPage{common: c} }

func (f finishPage) Title() string         { return setup.StepFinish.String() }
func (f finishPage) Typing() bool          { return false }
func (f finishPage) SetSize(w, _ int) page { f.width = w; return f }

func (f finishPage) Keys() []key.Binding {
	switch {
	case f.working:
		return nil
	case f.proc.Done():
		return []key.Binding{as(f.keys.Next, "exit")}
	}
	return []key.Binding{as(f.keys.Next, "try again")}
}

func (f finishPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		f.proc = msg.proc
		return f, f.start()
	case patchedMsg:
		if msg.proc == f.proc {
			f.working, f.err = false, msg.err
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Next) && f.proc.Done():
			return f, func() tea.Msg { return finishedMsg{} }
		case key.Matches(msg, f.keys.Next):
			return f, f.start()
		}
	}
	return f, nil
}

func (f *finishPage) start() tea.Cmd {
	f.working, f.err = true, nil
	proc, ctx := f.proc, f.ctx
	return func() tea.Msg {
		_, err := proc.Finish(ctx)
		return patchedMsg{proc, err}
	}
}

func (f finishPage) View() pageView {
	st := f.styles
	w := max(10, f.width)
	p := f.proc
	v := pageView{Purpose: "Point the instance's event callback at the webhook URL, and confirm it.", Busy: f.working, Err: f.err}
	if p.EventsToApp() {
		v.Purpose = "Point the instance's event callback at your app's URL, and confirm it."
	}
	if p.Done() {
		v.Purpose = "The setup is done."
		v.Body = Summary(st, p.Result(), p.NextCallCurl(), w) + "\n\n" + prose(st.Muted, "Press enter to exit; this summary stays in your terminal.", w)
		v.Status = prose(st.Success, "Done: the instance is set up and its events are wired.", w)
		if f.err != nil {
			// The platform has it all; only hootwire's own record lags.
			v.Status = errorBox(st, p, f.err, "The instance is set up; only hootwire's saved record of it still says it is unfinished, so a later run may offer to resume it (which does no harm). Press enter to exit.", w)
		}
		return v
	}
	v.Body = prose(st.Muted, fmt.Sprintf("PATCH /instances/%d with the new event callback URL (%s), then GET to confirm it.", p.Session().InstanceID, p.EventCallbackURL()), w)
	switch {
	case f.working:
		v.Status = "Updating event.notification.callback.url, then reading it back…"
	case f.err != nil:
		v.Status = errorBox(st, p, f.err, "Press enter to try again.", w)
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
