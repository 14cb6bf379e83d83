package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
)

// Preset platform hosts: the doc's us2 first. No official list exists, so
// "Another URL" takes any.
var presetHosts = []string{
	"https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.eu10.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.us10.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.ext.hana.ondemand.com/elements/api-v2",
	"https://api.cloud-elements.com/elements/api-v2",
}

// targetStep chooses the platform: the sandbox, a preset, or any URL.
type targetStep struct {
	options []string // "sandbox", preset URLs, then "custom"
	cursor  int
	custom  textinput.Model
	problem error
}

func newTargetStep(st Styles, prefill string, sb *sandbox.Server) targetStep {
	t := targetStep{options: append(append([]string{"sandbox"}, presetHosts...), "custom")}
	t.custom = newInput(st, false)
	t.custom.Placeholder = "https://<host>/elements/api-v2"
	switch {
	case sb != nil:
		t.cursor = 0
	case prefill != "":
		t.cursor = len(t.options) - 1
		for i, o := range t.options {
			if norm, err := api.NormalizeBaseURL(prefill); err == nil && o == norm {
				t.cursor = i
			}
		}
		if t.options[t.cursor] == "custom" {
			t.custom.SetValue(prefill)
			t.custom.CursorEnd()
			t.custom.Focus()
		}
	default:
		t.cursor = 1
	}
	return t
}

func (t targetStep) customFocused() bool { return t.options[t.cursor] == "custom" }

func (m Model) updateTarget(msg tea.Msg) (tea.Model, tea.Cmd) {
	t := &m.target
	key, isKey := msg.(tea.KeyPressMsg)
	switch msg := msg.(type) {
	case sandboxStartedMsg:
		if msg.err != nil {
			m.fail(fmt.Errorf("start the sandbox: %w", msg.err), "Press enter to try again, or choose another target.")
			return m, nil
		}
		m.sandbox = msg.srv
		return m.chooseTarget(msg.srv.BaseURL)
	}
	if !isKey {
		cmd := t.updateCustom(msg)
		return m, cmd
	}
	k := m.keys
	switch {
	case matches(key, k.Up, k.PrevField) && !(t.customFocused() && key.String() == "k"):
		t.cursor = (t.cursor - 1 + len(t.options)) % len(t.options)
		cmd := t.syncFocus()
		return m, cmd
	case matches(key, k.Down, k.NextField) && !(t.customFocused() && key.String() == "j"):
		t.cursor = (t.cursor + 1) % len(t.options)
		cmd := t.syncFocus()
		return m, cmd
	case matches(key, k.Next):
		switch choice := t.options[t.cursor]; choice {
		case "sandbox":
			if m.sandbox != nil {
				return m.chooseTarget(m.sandbox.BaseURL)
			}
			if m.cfg.Deps.StartSandbox == nil {
				m.fail(errors.New("the sandbox is not available in this build"), "Choose another target.")
				return m, nil
			}
			start := m.cfg.Deps.StartSandbox
			ctx := m.ctx
			cmd := m.wait("Starting the sandbox…", func() tea.Msg {
				srv, err := start(ctx)
				return sandboxStartedMsg{srv, err}
			})
			return m, cmd
		case "custom":
			norm, err := api.NormalizeBaseURL(t.custom.Value())
			if err != nil {
				t.problem = err
				return m, nil
			}
			t.problem = nil
			return m.chooseTarget(norm)
		default:
			return m.chooseTarget(choice)
		}
	}
	cmd := t.updateCustom(msg)
	return m, cmd
}

// updateCustom hands a key or a paste to the "another URL" field when it
// is focused, and checks what it then holds.
func (t *targetStep) updateCustom(msg tea.Msg) tea.Cmd {
	if !t.customFocused() {
		return nil
	}
	var cmd tea.Cmd
	t.custom, cmd = t.custom.Update(msg)
	t.problem = nil
	if v := t.custom.Value(); v != "" {
		t.problem = setup.CheckBaseURL(v)
	}
	return cmd
}

func (t *targetStep) syncFocus() tea.Cmd {
	if t.customFocused() {
		return t.custom.Focus()
	}
	t.custom.Blur()
	return nil
}

// chooseTarget fixes the base URL and fills in the sandbox's demo
// credentials when the target is the sandbox, so Enter carries a new user through.
func (m Model) chooseTarget(base string) (tea.Model, tea.Cmd) {
	m.target.problem = nil
	if m.sandbox != nil && base == m.sandbox.BaseURL {
		fillIfEmpty(&m.account.fields[0], sandbox.DemoUserSecret)
		fillIfEmpty(&m.account.fields[1], sandbox.DemoOrgSecret)
		fillIfEmpty(&m.app.fields[0], sandbox.DemoClientID)
		fillIfEmpty(&m.app.fields[1], sandbox.DemoClientSecret)
	}
	m.cfg.Prefill.BaseURL = base
	m.forgetOtherPlatforms(base)
	m.offerResume(base)
	cmd := m.goTo(StepAccount)
	return m, cmd
}

func fillIfEmpty(f *field, v string) {
	if f.input.Value() == "" {
		f.input.SetValue(v)
		f.input.CursorEnd()
	}
}

func (m Model) viewTarget(w int) (string, *tea.Cursor) {
	st := m.styles
	var b strings.Builder
	var cur *tea.Cursor
	b.WriteString(st.Label.Render("Where is your Open Connectors tenant?") + "\n\n")
	line := 2
	for i, o := range m.target.options {
		label := o
		switch o {
		case "sandbox":
			label = "Built-in sandbox: no account, no network"
			if m.sandbox != nil {
				label += " (" + m.sandbox.URL + ")"
			}
		case "custom":
			label = "Another URL…"
		default:
			// The host says which tenant; every preset ends in /elements/api-v2.
			if u, err := url.Parse(o); err == nil {
				label = u.Host
			}
		}
		if i == 1 {
			label += "  (the doc's host)"
		}
		prefix := "  "
		style := st.Value
		if i == m.target.cursor {
			prefix, style = "› ", st.Selected
		}
		b.WriteString(style.Render(prefix+label) + "\n")
		line++
	}
	if m.target.customFocused() {
		b.WriteString("\n")
		line++
		if c := m.target.custom.Cursor(); c != nil {
			c.Position.Y += line
			cur = c
		}
		b.WriteString(m.target.custom.View() + "\n")
		if m.target.problem != nil {
			b.WriteString(st.Error.Render("  "+m.target.problem.Error()) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n"), cur
}

func (m Model) newAccountForm() form {
	p := m.cfg.Prefill
	return newForm(
		newField(m.styles, "User secret", "Open Connectors: your profile, Secrets (OC_USER_SECRET)", p.UserSecret, true, setup.CheckSecret),
		newField(m.styles, "Organization secret", "Same page (OC_ORG_SECRET)", p.OrgSecret, true, setup.CheckSecret),
	)
}

func (m Model) newAppForm() form {
	p := m.cfg.Prefill
	callback := p.CallbackURL
	if callback == "" {
		callback = setup.DefaultCallbackURL
	}
	return newForm(
		newField(m.styles, "REST API client id", "Hootsuite developer portal: My Apps, your app (HOOTSUITE_CLIENT_ID)", p.ClientID, false, setup.CheckRequired),
		newField(m.styles, "REST API client secret", "Same page (HOOTSUITE_CLIENT_SECRET)", p.ClientSecret, true, setup.CheckSecret),
		newField(m.styles, "API callback URL", "Must be registered on the Hootsuite app exactly as written here", callback, false, setup.CheckCallbackURL),
	)
}

// formStep is the shared key handling of the three input screens.
func (m *Model) formKeys(f *form, msg tea.Msg, submit func() tea.Cmd) tea.Cmd {
	key, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return f.update(msg)
	}
	k := m.keys
	switch {
	case matches(key, k.Back):
		return m.goTo(m.step - 1)
	case matches(key, k.NextField):
		return f.next()
	case matches(key, k.PrevField):
		return f.prev()
	case matches(key, k.Next):
		if f.focus < len(f.fields)-1 && f.errorOf(f.focus) == nil {
			return f.next()
		}
		ok, cmd := f.validate()
		if !ok {
			return cmd
		}
		return submit()
	}
	return f.update(msg)
}

func (m Model) updateAccount(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r, ok := msg.(accountCheckedMsg); ok {
		if r.err != nil {
			hint := "Press enter to try again."
			if api.StatusCode(r.err) == 401 {
				hint = "Correct the secrets and press enter; esc goes back to the target."
			}
			m.fail(r.err, hint)
			return m, nil
		}
		if m.resuming != nil {
			return m.resume()
		}
		cmd := m.goTo(StepApp)
		return m, cmd
	}
	cmd := m.formKeys(&m.account, msg, func() tea.Cmd {
		client, err := api.New(m.cfg.Prefill.BaseURL, m.account.value(0), m.account.value(1), m.cfg.APIOptions)
		if err != nil {
			m.fail(err, "Correct it and press enter.")
			return nil
		}
		m.client = client
		ctx := m.ctx
		return m.wait("Checking the secrets with GET /instances…", func() tea.Msg {
			return accountCheckedMsg{client.CheckAccount(ctx)}
		})
	})
	return m, cmd
}

func (m Model) updateApp(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.formKeys(&m.app, msg, func() tea.Cmd { return m.goTo(StepInstance) })
	return m, cmd
}

// instanceStep names the instance and chooses where events go.
type instanceStep struct {
	form  form // name, tags, app URL
	toApp bool // events go to the user's app URL, not the doc's choice
}

func newInstanceStep(st Styles, p setup.Inputs) instanceStep {
	name := p.Name
	if name == "" {
		name = setup.DefaultName
	}
	return instanceStep{
		form: newForm(
			newField(st, "Instance name", "Shown in Open Connectors", name, false, setup.CheckRequired),
			newField(st, "Tags", "Optional, separated by commas", strings.Join(p.Tags, ", "), false, nil),
			newField(st, "Your app's event URL", "Used only when events go to your app (ctrl+t switches)", p.EventCallbackURL, false, nil),
		),
		toApp: p.EventCallbackURL != "",
	}
}

func (s instanceStep) tags() []string {
	var out []string
	for _, t := range strings.Split(s.form.fields[1].input.Value(), ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (m Model) updateInstance(msg tea.Msg) (tea.Model, tea.Cmd) {
	if key, ok := msg.(tea.KeyPressMsg); ok && key.String() == "ctrl+t" {
		m.inst.toApp = !m.inst.toApp
		m.inst.form.fields[2].check = m.appURLCheck()
		return m, nil
	}
	m.inst.form.fields[2].check = m.appURLCheck()
	cmd := m.formKeys(&m.inst.form, msg, func() tea.Cmd {
		proc, err := setup.New(m.client, m.inputs(), setup.Options{Saver: m.saver()})
		if err != nil {
			m.fail(err, "Go back with esc to correct it.")
			return nil
		}
		m.proc = proc
		return m.goTo(StepAuthorize)
	})
	return m, cmd
}

func (m Model) appURLCheck() func(string) error {
	toApp := m.inst.toApp
	return func(v string) error {
		if !toApp {
			return nil
		}
		return setup.CheckHTTPURL(v)
	}
}

// inputs gathers what the screens collected.
func (m Model) inputs() setup.Inputs {
	in := setup.Inputs{
		BaseURL:      m.cfg.Prefill.BaseURL,
		UserSecret:   m.account.value(0),
		OrgSecret:    m.account.value(1),
		ClientID:     m.app.value(0),
		ClientSecret: m.app.value(1),
		CallbackURL:  m.app.value(2),
		Name:         m.inst.form.value(0),
		Tags:         m.inst.tags(),
	}
	if m.inst.toApp {
		in.EventCallbackURL = m.inst.form.value(2)
	}
	return in
}

func (m Model) viewInstance(w int) (string, *tea.Cursor) {
	st := m.styles
	body, cur := m.inst.form.view(st)
	doc := "( ) the doc's choice: the Hootsuite events URL with the encoded id, set in step 8"
	app := "( ) my app's URL (above): Open Connectors posts the normalized events there"
	if m.inst.toApp {
		app = "(•)" + app[3:]
	} else {
		doc = "(•)" + doc[3:]
	}
	extra := "\n" + st.Label.Render("Where events go") + st.Muted.Render("  (ctrl+t switches)") + "\n" +
		st.Value.Render(wrap(doc, w)) + "\n" + st.Value.Render(wrap(app, w))
	return body + "\n" + extra, cur
}

// saver is where the procedure saves its session, if anywhere.
func (m Model) saver() setup.Saver {
	// The sandbox's instances end with the process: nothing to resume.
	if m.cfg.Store == nil || m.sandbox != nil && m.cfg.Prefill.BaseURL == m.sandbox.BaseURL {
		return nil
	}
	return m.cfg.Store
}

// resume continues the accepted saved setup at its first unfinished step,
// once the secrets have been checked.
func (m Model) resume() (tea.Model, tea.Cmd) {
	proc, err := setup.Resume(m.client, m.inputs(), m.resuming.Session, setup.Options{Saver: m.saver()})
	if err != nil {
		m.fail(err, "Press esc to go back and start a new setup.")
		return m, nil
	}
	m.proc = proc
	s := proc.Session()
	var cmd tea.Cmd
	switch {
	case s.Stage < setup.StageCreated:
		// The create was sent but its answer never came: a new grant code,
		// and Create looks for the instance by its tag before making one.
		cmd = m.goTo(StepAuthorize)
		m.notice = fmt.Sprintf("Resuming %s: the last run stopped while creating the instance. Authorize again; hootwire looks for the instance before creating one.", s.Name)
	case s.Stage >= setup.StageRegistered:
		cmd = m.goTo(StepFinish)
		m.notice = fmt.Sprintf("Resuming instance %d (%s).", s.InstanceID, s.Name)
	default:
		cmd = m.goTo(StepRegister)
		m.notice = fmt.Sprintf("Resuming instance %d (%s): register its webhook URL, then press enter.", s.InstanceID, s.Name)
	}
	return m, cmd
}
