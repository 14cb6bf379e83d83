package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/setup"
)

// formStep is what the three input steps share: a form, the setup it
// feeds, and the outcome of submitting it.
type formStep struct {
	common
	form  form
	width int
	proc  *setup.Procedure
	busy  string // what is under way
	err   error
	hint  string // what to press about err
}

func (f formStep) Typing() bool { return f.form.typing() }

func (f *formStep) setSize(w int) {
	f.form.own()
	f.width = w
	f.form.setWidth(w)
}

// keys are enter, named for what it does, then the form's own.
func (f formStep) keysWith(enter string) []key.Binding {
	if f.busy != "" {
		return nil
	}
	return append([]key.Binding{as(f.keys.Next, enter)}, f.form.keys(f.keys)...)
}

// show takes the setup to feed and puts the focus on the first field that
// needs attention.
func (f *formStep) show(proc *setup.Procedure) tea.Cmd {
	f.proc, f.busy, f.err, f.hint = proc, "", nil, ""
	for _, i := range f.form.visible() {
		if f.form.problem(i) != nil {
			return f.form.setFocus(i)
		}
	}
	return f.form.setFocus(f.form.focus)
}

// update handles typing and field moves; submit runs when enter finds
// every field valid.
func (f *formStep) update(msg tea.Msg, submit func() tea.Cmd) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, f.keys.Next) {
		ok, cmd := f.form.advance()
		if !ok {
			return cmd
		}
		f.err = nil
		return submit()
	}
	handled, cmd := f.form.update(msg, f.keys)
	if handled {
		if _, isKey := msg.(tea.KeyPressMsg); isKey {
			f.err = nil
		}
	}
	return cmd
}

func (f formStep) view(purpose string) pageView {
	body, cur, focus := f.form.view(f.styles)
	v := pageView{Purpose: purpose, Body: body, Cursor: cur, Focus: focus, Busy: f.busy != "", Err: f.err}
	switch {
	case f.busy != "":
		v.Status = f.busy
	case f.err != nil:
		v.Status = errorBox(f.styles, f.proc, f.err, f.hint, f.width)
	}
	return v
}

// dropDemo keeps the sandbox's demo credentials where they belong: in the
// fields when the target is the sandbox (in place of what flags and
// environment gave: a real secret has no business there, and would be
// refused), and taken out again, back to what was given, when the user
// turns to a real platform. What the user typed stays.
func dropDemo(fl *field, demo, given string, sandbox bool) {
	switch v := fl.input.Value(); {
	case sandbox && (v == "" || v == given):
		fl.input.SetValue(demo)
	case !sandbox && v == demo && demo != given:
		fl.input.SetValue(given)
	default:
		return
	}
	fl.input.CursorEnd()
}

// accountPage is step 2: the User and Organization secrets, checked with
// one call before going on.
type accountPage struct{ formStep }

type accountCheckedMsg struct {
	proc *setup.Procedure
	err  error
}

func newAccountPage(c common) accountPage {
	p := c.cfg.Prefill
	return accountPage{formStep{common: c, form: newForm(
		secretField(c.styles, "User secret", "Open Connectors: your profile, Secrets (OC_USER_SECRET)", p.UserSecret, setup.CheckSecret),
		secretField(c.styles, "Organization secret", "Same page (OC_ORG_SECRET)", p.OrgSecret, setup.CheckSecret),
	)}}
}

func (a accountPage) Title() string         { return setup.StepAccount.String() }
func (a accountPage) Keys() []key.Binding   { return a.keysWith("check the secrets") }
func (a accountPage) SetSize(w, _ int) page { a.setSize(w); return a }
func (a accountPage) View() pageView {
	return a.view("Your Open Connectors User and Organization secrets, checked with one call.")
}

func (a accountPage) Update(msg tea.Msg) (page, tea.Cmd) {
	a.form.own()
	switch msg := msg.(type) {
	case showMsg:
		sandbox, demo := msg.proc.Target().IsSandbox(), setup.DemoInputs()
		dropDemo(&a.form.fields[0], demo.UserSecret, a.cfg.Prefill.UserSecret, sandbox)
		dropDemo(&a.form.fields[1], demo.OrgSecret, a.cfg.Prefill.OrgSecret, sandbox)
		return a, a.show(msg.proc)
	case accountCheckedMsg:
		if msg.proc != a.proc {
			return a, nil
		}
		a.busy = ""
		if msg.err != nil {
			a.err, a.hint = msg.err, "Press enter to try again."
			if api.StatusCode(msg.err) == 401 {
				a.hint = "Correct the secrets and press enter (ctrl+r shows the one in focus); esc goes back to the target."
			}
			return a, nil
		}
		return a, next(setup.StepAccount, "Account checked: Open Connectors accepted the User and Organization secrets.")
	}
	cmd := a.update(msg, func() tea.Cmd {
		if err := a.proc.SetAccount(setup.Account{UserSecret: a.form.value(0), OrgSecret: a.form.value(1)}); err != nil {
			a.err, a.hint = err, "Correct it and press enter."
			return nil
		}
		a.busy = "Checking the secrets with GET /instances…"
		proc, ctx := a.proc, a.ctx
		return func() tea.Msg { return accountCheckedMsg{proc, proc.CheckAccount(ctx)} }
	})
	return a, cmd
}

// appPage is step 3: the Hootsuite app's REST API client and callback URL.
type appPage struct{ formStep }

func newAppPage(c common) appPage {
	p := c.cfg.Prefill
	callback := p.CallbackURL
	if callback == "" {
		callback = setup.DefaultCallbackURL
	}
	return appPage{formStep{common: c, form: newForm(
		textField(c.styles, "REST API client id", "Hootsuite developer portal: My Apps, your app (HOOTSUITE_CLIENT_ID)", p.ClientID, setup.CheckRequired),
		secretField(c.styles, "REST API client secret", "Same page (HOOTSUITE_CLIENT_SECRET)", p.ClientSecret, setup.CheckSecret),
		textField(c.styles, "API callback URL", "Must be registered on the Hootsuite app exactly as written here", callback, setup.CheckCallbackURL),
	)}}
}

func (a appPage) Title() string         { return setup.StepApp.String() }
func (a appPage) Keys() []key.Binding   { return a.keysWith("continue") }
func (a appPage) SetSize(w, _ int) page { a.setSize(w); return a }
func (a appPage) View() pageView {
	purpose := "The REST API client of your Hootsuite app, and the callback URL registered on it."
	if a.proc != nil && a.proc.Resumed() {
		purpose = "The resumed setup needs a fresh grant code: give the client secret again (it is never saved)."
	}
	return a.view(purpose)
}

func (a appPage) Update(msg tea.Msg) (page, tea.Cmd) {
	a.form.own()
	if msg, ok := msg.(showMsg); ok {
		sandbox, demo := msg.proc.Target().IsSandbox(), setup.DemoInputs()
		dropDemo(&a.form.fields[0], demo.ClientID, a.cfg.Prefill.ClientID, sandbox)
		dropDemo(&a.form.fields[1], demo.ClientSecret, a.cfg.Prefill.ClientSecret, sandbox)
		if msg.proc.Resumed() {
			app := msg.proc.AppDefaults(setup.App{})
			a.form.fields[0].input.SetValue(app.ClientID)
			a.form.fields[2].input.SetValue(app.CallbackURL)
		}
		return a, a.show(msg.proc)
	}
	cmd := a.update(msg, func() tea.Cmd {
		err := a.proc.SetApp(setup.App{ClientID: a.form.value(0), ClientSecret: a.form.value(1), CallbackURL: a.form.value(2)})
		if err != nil {
			a.err, a.hint = err, "Correct it and press enter."
			return nil
		}
		return next(setup.StepApp, "")
	})
	return a, cmd
}

// instancePage is step 4: the instance's name and tags, and where Open
// Connectors delivers its events.
type instancePage struct {
	formStep
	// chosen: the user picked where events go; until then the sandbox's
	// default (this machine) follows the target.
	chosen bool
}

const (
	fieldName = iota
	fieldTags
	fieldEvents
	fieldAppURL
	fieldPublicURL
	fieldListenAddr
)

func newInstancePage(c common) instancePage {
	p := c.cfg.Prefill
	name := p.Name
	if name == "" {
		name = setup.DefaultName
	}
	events := choiceField("Where events go", "ctrl+t switches from any field", setup.EventChoices[:]...)
	appURL, publicURL := "", ""
	switch {
	case p.EventsHere:
		events.chosen, publicURL = setup.EventsToHere, p.EventCallbackURL
	case p.EventCallbackURL != "":
		events.chosen, appURL = setup.EventsToApp, p.EventCallbackURL
	}
	listen := p.ListenAddr
	if listen == "" {
		listen = setup.DefaultListenAddr
	}
	s := instancePage{formStep: formStep{common: c, form: newForm(
		textField(c.styles, "Instance name", "Shown in Open Connectors", name, setup.CheckName),
		textField(c.styles, "Tags", "Optional, separated by commas", strings.Join(p.Tags, ", "), func(v string) error {
			return setup.CheckTags(strings.Split(v, ","))
		}),
		events,
		textField(c.styles, "Your app's event URL", "Where Open Connectors posts the events", appURL, setup.CheckHTTPURL),
		textField(c.styles, "Public URL that reaches this machine", "Open Connectors must reach hootwire: run a tunnel (ngrok, cloudflared, …) to the address below and give its https URL", publicURL, setup.CheckHTTPURL),
		textField(c.styles, "Address to receive events on", "On this machine; the tunnel forwards to it", listen, setup.CheckListenAddr),
	)}, chosen: p.EventsHere || p.EventCallbackURL != ""}
	s.syncFields(false)
	return s
}

func (s instancePage) Title() string         { return setup.StepInstance.String() }
func (s instancePage) SetSize(w, _ int) page { s.setSize(w); return s }
func (s instancePage) Keys() []key.Binding {
	keys := s.keysWith("continue")
	if len(keys) > 0 {
		keys = append(keys, s.keys.Switch)
	}
	return keys
}

func (s instancePage) View() pageView {
	v := s.view("Name the connector instance, tag it, and choose where its events go.")
	note := "Events are signed with a random key, kept with the token (HOOTWIRE_SIGNATURE_KEY gives your own; --no-signature-key turns signing off)."
	switch p := s.cfg.Prefill; {
	case p.NoSignatureKey:
		note = "Events will not be signed (--no-signature-key)."
	case p.SignatureKey != "":
		note = "Events are signed with the key from HOOTWIRE_SIGNATURE_KEY."
	}
	if s.where() == setup.EventsToHere && s.sandbox() {
		note = "In the sandbox, hootwire listens on this machine and shows each event on the Finish step. " + note
	}
	v.Body += "\n\n" + prose(s.styles.Muted, note, max(10, s.width))
	return v
}

func (s instancePage) where() int { return s.form.fields[fieldEvents].chosen }

func (s instancePage) sandbox() bool { return s.proc != nil && s.proc.Target().IsSandbox() }

func (s instancePage) Update(msg tea.Msg) (page, tea.Cmd) {
	s.form.own()
	if msg, ok := msg.(showMsg); ok {
		s.proc = msg.proc
		if !s.chosen {
			// The sandbox's events come to this machine, to be seen.
			s.form.fields[fieldEvents].chosen = setup.EventsToDoc
			if msg.proc.Target().IsSandbox() {
				s.form.fields[fieldEvents].chosen = setup.EventsToHere
			}
		}
		s.syncFields(false)
		return s, s.show(msg.proc)
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, s.keys.Switch) {
		ev := &s.form.fields[fieldEvents]
		ev.chosen = (ev.chosen + 1) % len(ev.options)
		s.chosen = true
		s.syncFields(false)
		// The focus goes to the choice, which so comes into view in a
		// small window, with the fields it asks for just below it.
		return s, s.form.setFocus(fieldEvents)
	}
	before := s.where()
	cmd := s.update(msg, func() tea.Cmd {
		settings := setup.InstanceSettings{
			Name: s.form.value(fieldName), Tags: strings.Split(s.form.value(fieldTags), ","),
			SignatureKey: s.cfg.Prefill.SignatureKey, NoSignatureKey: s.cfg.Prefill.NoSignatureKey,
		}
		switch s.where() {
		case setup.EventsToApp:
			settings.EventCallbackURL = s.form.value(fieldAppURL)
		case setup.EventsToHere:
			settings.EventsHere = true
			if !s.sandbox() {
				settings.EventCallbackURL, settings.ListenAddr = s.form.value(fieldPublicURL), s.form.value(fieldListenAddr)
			} else {
				// The receiver's own loopback URL, once it listens.
				settings.ListenAddr = "127.0.0.1:0"
			}
		}
		if err := s.proc.SetInstance(settings); err != nil {
			s.err, s.hint = err, "Correct it and press enter."
			return nil
		}
		return next(setup.StepInstance, "")
	})
	if s.where() != before {
		s.chosen = true
	}
	return s, tea.Batch(cmd, s.syncFields(true))
}

// syncFields asks only for what the chosen destination needs; the focus
// leaves a field when it goes.
func (s *instancePage) syncFields(moveFocus bool) tea.Cmd {
	f := s.form.fields
	f[fieldAppURL].hidden = s.where() != setup.EventsToApp
	here := s.where() == setup.EventsToHere && !s.sandbox()
	f[fieldPublicURL].hidden, f[fieldListenAddr].hidden = !here, !here
	if moveFocus && f[s.form.focus].hidden {
		return s.form.setFocus(fieldEvents)
	}
	return nil
}
