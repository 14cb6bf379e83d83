// Package ui is hootwire's wizard: one Bubble Tea screen per documented step,
// driving the setup procedure. Every request, listener and browser runs in a
// tea.Cmd; Update only moves state.
package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// Step is one screen of the wizard, in the doc's order.
type Step int

// The steps.
const (
	StepTarget Step = iota
	StepAccount
	StepApp
	StepInstance
	StepAuthorize
	StepCreate
	StepRegister
	StepFinish
	stepCount
)

var stepInfo = [stepCount]struct{ title, purpose string }{
	StepTarget:    {"Target", "Choose the Open Connectors platform to set up the Hootsuite connector on."},
	StepAccount:   {"Account", "Your Open Connectors User and Organization secrets, checked with one call."},
	StepApp:       {"Hootsuite app", "The REST API client of your Hootsuite app, and the callback URL registered on it."},
	StepInstance:  {"Instance", "Name the connector instance, tag it, and choose where its events go."},
	StepAuthorize: {"Authorize", "Approve access at Hootsuite; the grant code comes back to this machine."},
	StepCreate:    {"Create", "Review the request, then create the instance with POST /instances."},
	StepRegister:  {"Register at Hootsuite", "Register the instance's webhook URL on your Hootsuite app."},
	StepFinish:    {"Finish", "Point the instance's event callback at the webhook URL, and confirm it."},
}

// Minimum window the layout is drawn for.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Listener is a running loopback listener waiting for the grant code
// (oauthflow.Listener).
type Listener interface {
	Wait(ctx context.Context) (string, error)
	Close() error
}

// Deps are the wizard's ways to reach the outside world, so tests can
// replace them.
type Deps struct {
	NewState      func() (string, error)
	NeedsListener func(callbackURL string) (bool, error)
	Listen        func(ctx context.Context, callbackURL, state string) (Listener, error)
	Open          func(ctx context.Context, url string) error
	ParsePaste    func(input, wantState string) (string, error)
	// StartSandbox starts the built-in sandbox when the user picks it as the
	// target in a normal run.
	StartSandbox func(ctx context.Context) (*sandbox.Server, error)
}

// Config sets up a wizard.
type Config struct {
	Context    context.Context // cancelled when the program ends
	Sandbox    *sandbox.Server // already running: --sandbox
	Prefill    setup.Inputs    // from flags and environment
	NoBrowser  bool
	APIOptions api.Options
	Store      *store.Store // where sessions are saved and found again; nil: nowhere
	Resume     bool         // --resume: continue the newest unfinished setup without asking
	Deps       Deps
	Color      bool
	Now        func() time.Time
}

// Model is the wizard's root model.
type Model struct {
	cfg    Config
	ctx    context.Context
	keys   KeyMap
	styles Styles
	help   help.Model
	spin   spinner.Model
	width  int
	height int

	step     Step
	busy     string // what is being waited for; empty when idle
	err      error  // the last failure, shown in place
	errHint  string // the action that fits it
	notice   string // a transient confirmation ("Copied")
	quitting bool   // asking to confirm ctrl+c
	deleting bool   // asking to confirm deleting the instance before quitting
	done     bool   // the program is ending

	sessions []store.Entry // saved setups, read once at start
	offer    *store.Entry  // an unfinished setup for the chosen platform, offered for resuming
	resuming *store.Entry  // accepted: continue it once the secrets are checked

	sandbox *sandbox.Server
	target  targetStep
	account form
	app     form
	inst    instanceStep
	auth    authorizeStep
	create  createStep
	finish  finishStep

	client *api.Client
	proc   *setup.Procedure
}

// New builds the wizard.
func New(cfg Config) Model {
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st := NewStyles(cfg.Color)
	h := help.New()
	h.Styles.ShortKey = st.Label
	h.Styles.ShortDesc = st.Help
	h.Styles.FullKey = st.Label
	h.Styles.FullDesc = st.Help
	h.Styles.ShortSeparator = st.Help
	h.Styles.FullSeparator = st.Help
	h.Styles.Ellipsis = st.Help
	m := Model{
		cfg: cfg, ctx: cfg.Context, keys: DefaultKeyMap(), styles: st, help: h,
		spin:    spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(st.Focused)),
		width:   100,
		height:  30,
		sandbox: cfg.Sandbox,
	}
	m.target = newTargetStep(st, cfg.Prefill.BaseURL, cfg.Sandbox)
	m.account = m.newAccountForm()
	m.app = m.newAppForm()
	m.inst = newInstanceStep(st, cfg.Prefill)
	m.inst.form.fields[2].check = m.appURLCheck()
	return m
}

// Init reads the saved setups, to offer resuming one.
func (m Model) Init() tea.Cmd {
	st := m.cfg.Store
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		entries, aside, err := st.List()
		return sessionsMsg{entries, aside, err}
	}
}

// Result is the summary when the setup finished, and whether it did.
func (m Model) Result() (setup.Result, bool) {
	if m.proc == nil || m.proc.Session().Stage < setup.StagePatched {
		return setup.Result{}, false
	}
	return m.proc.Result(), true
}

// Procedure is the setup in progress, or nil before step 5.
func (m Model) Procedure() *setup.Procedure { return m.proc }

// Step is the screen on show.
func (m Model) Step() Step { return m.step }

// Messages that commands send back.
type (
	accountCheckedMsg struct{ err error }
	sandboxStartedMsg struct {
		srv *sandbox.Server
		err error
	}
	registeredMsg struct{ err error }
	sessionsMsg   struct {
		entries []store.Entry
		aside   []store.SetAside
		err     error
	}
	deletedMsg struct{ err error }
)

// Update moves the wizard's state.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width - 2)
		w := min(msg.Width-2, 96)
		m.account.setWidth(w)
		m.app.setWidth(w)
		m.inst.form.setWidth(w)
		m.target.custom.SetWidth(max(10, w-4))
		m.auth.paste.SetWidth(max(10, w-4))
		return m, nil
	case spinner.TickMsg:
		if m.busy == "" && !m.auth.waiting() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		return m.routeToStep(msg)
	case sessionsMsg:
		m.sessions = msg.entries
		var notes []string
		for _, a := range msg.aside {
			notes = append(notes, a.String())
		}
		if msg.err != nil {
			notes = append(notes, "saved setups could not be read: "+msg.err.Error())
		}
		m.notice = strings.Join(notes, "\n")
		if m.cfg.Prefill.BaseURL != "" {
			m.offerResume(m.cfg.Prefill.BaseURL)
		}
		return m, nil
	case deletedMsg:
		if msg.err != nil {
			m.deleting = false
			m.fail(msg.err, "The instance is still there and saved; press ctrl+c to quit and keep it, or try again.")
			return m, nil
		}
		m.done = true
		return m, tea.Quit
	}
	return m.routeToStep(msg)
}

// forgetOtherPlatforms drops a saved setup offered or accepted for a
// platform other than base: going back and choosing another target must not
// resume the first one's instance there.
func (m *Model) forgetOtherPlatforms(base string) {
	norm, _ := api.NormalizeBaseURL(base)
	if m.offer != nil && m.offer.Session.BaseURL != norm {
		m.offer = nil
	}
	if m.resuming != nil && m.resuming.Session.BaseURL != norm {
		m.resuming = nil
	}
}

// offerResume looks for an unfinished setup on base and offers it; with
// --resume it is taken at once.
func (m *Model) offerResume(base string) {
	norm, err := api.NormalizeBaseURL(base)
	if err != nil || m.resuming != nil {
		return
	}
	e, ok := store.Unfinished(m.sessions, norm)
	if !ok {
		return
	}
	if m.cfg.Resume {
		m.resuming = &e
		return
	}
	m.offer = &e
}

func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.deleting:
		switch {
		case matches(msg, k.Yes) && m.busy == "":
			proc, ctx := m.proc, m.ctx
			cmd := m.wait(fmt.Sprintf("Deleting instance %d…", proc.Session().InstanceID), func() tea.Msg {
				return deletedMsg{proc.Delete(ctx)}
			})
			return m, cmd
		case matches(msg, k.No) && m.busy == "":
			m.deleting = false
		}
		return m, nil
	case m.quitting:
		switch {
		case matches(msg, k.Yes), matches(msg, k.Quit):
			m.done = true
			return m, tea.Quit
		case matches(msg, k.Delete) && m.instanceExists():
			m.quitting, m.deleting = false, true
		case matches(msg, k.No):
			m.quitting = false
		}
		return m, nil
	case m.offer != nil:
		switch {
		case matches(msg, k.Yes):
			m.resuming, m.offer = m.offer, nil
		case matches(msg, k.No):
			m.offer = nil
		case matches(msg, k.Quit):
			m.done = true
			return m, tea.Quit
		}
		return m, nil
	}
	switch {
	case matches(msg, k.Quit):
		if m.instanceExists() && !m.finished() || m.creating() {
			m.quitting = true
			return m, nil
		}
		m.done = true
		return m, tea.Quit
	case matches(msg, k.Help) && !m.typing():
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	}
	if m.busy != "" {
		// A call is under way: until it answers, only quitting and help act,
		// so that no key sends it twice or starts another beside it.
		return m, nil
	}
	return m.routeToStep(msg)
}

// typing reports whether keys go to a text field, so letters are text, not commands.
func (m Model) typing() bool {
	switch m.step {
	case StepTarget:
		return m.target.customFocused()
	case StepAccount, StepApp, StepInstance:
		return true
	case StepAuthorize:
		return m.auth.pasting
	}
	return false
}

func (m Model) routeToStep(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch m.step {
	case StepTarget:
		return m.updateTarget(msg)
	case StepAccount:
		return m.updateAccount(msg)
	case StepApp:
		return m.updateApp(msg)
	case StepInstance:
		return m.updateInstance(msg)
	case StepAuthorize:
		return m.updateAuthorize(msg)
	case StepCreate:
		return m.updateCreate(msg)
	case StepRegister:
		return m.updateRegister(msg)
	case StepFinish:
		return m.updateFinish(msg)
	}
	return m, nil
}

func (m Model) instanceExists() bool {
	return m.proc != nil && m.proc.Session().Stage >= setup.StageCreated
}

// creating reports a create in flight: quitting now could leave an instance behind.
func (m Model) creating() bool { return m.step == StepCreate && m.busy != "" }

// OnSandbox reports whether the setup runs against the built-in sandbox.
func (m Model) OnSandbox() bool {
	return m.sandbox != nil && m.proc != nil && m.proc.BaseURL() == m.sandbox.BaseURL
}

func (m Model) finished() bool {
	return m.proc != nil && m.proc.Session().Stage >= setup.StagePatched
}

// goTo shows another step and clears the last step's error.
func (m *Model) goTo(s Step) tea.Cmd {
	m.step, m.err, m.errHint, m.notice, m.busy = s, nil, "", "", ""
	m.help.ShowAll = false
	switch s {
	case StepAccount:
		return m.account.setFocus(m.account.focus)
	case StepApp:
		return m.app.setFocus(m.app.focus)
	case StepInstance:
		return m.inst.form.setFocus(m.inst.form.focus)
	case StepAuthorize:
		return m.startAuthorization()
	case StepFinish:
		return m.startFinish()
	}
	return nil
}

// fail shows err in place, with the action that fits it.
func (m *Model) fail(err error, hint string) {
	m.busy = ""
	m.err = err
	m.errHint = hint
}

// wait marks the model busy and starts the spinner.
func (m *Model) wait(what string, cmd tea.Cmd) tea.Cmd {
	m.busy, m.err, m.errHint = what, nil, ""
	return tea.Batch(cmd, m.spin.Tick)
}

// copyURL copies with OSC52, which also works over SSH, and says so.
func (m *Model) copyURL(what, url string) tea.Cmd {
	m.notice = "Copied the " + what + " to the clipboard."
	return tea.SetClipboard(url)
}

// errText is an error as shown: one redacted line per sentence of the cause.
func (m Model) errText(err error) string {
	// Before there is a client its redactor knows no secret yet, but a nil
	// one still masks anything shaped like a secret.
	var r *redact.Redactor
	if m.client != nil {
		r = m.client.Redactor()
	}
	return r.String(err.Error())
}

func matches(msg tea.KeyPressMsg, b ...interface {
	Keys() []string
	Enabled() bool
}) bool {
	s := msg.String()
	for _, bind := range b {
		if !bind.Enabled() {
			continue
		}
		for _, k := range bind.Keys() {
			if k == s {
				return true
			}
		}
	}
	return false
}

// View draws the current step.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "hootwire"
	if m.done {
		return v
	}
	if m.width < MinWidth || m.height < MinHeight {
		v.SetContent(m.styles.Frame.Render(lipgloss.Wrap(fmt.Sprintf(
			"hootwire needs a window of at least %dx%d; this one is %dx%d. Make it wider or taller to go on (ctrl+c quits).",
			MinWidth, MinHeight, m.width, m.height), max(10, m.width-2), " ")))
		return v
	}
	content, cur := m.render()
	v.SetContent(content)
	if cur != nil {
		v.Cursor = cur
	}
	return v
}

// render lays out header, body, status and help, and places the cursor.
func (m Model) render() (string, *tea.Cursor) {
	st := m.styles
	w := m.width - 2
	info := stepInfo[m.step]
	title := st.StepTitle.Render(fmt.Sprintf("Step %d of %d: %s", int(m.step)+1, int(stepCount), info.title))
	brand := st.Header.Render("hootwire")
	if m.sandbox != nil {
		brand += " " + st.Sandbox.Render("SANDBOX")
	}
	header := []string{brand + "  " + title, lipgloss.Wrap(st.Subtitle.Render(info.purpose), w, " "), st.Muted.Render(strings.Repeat("─", min(w, 96)))}

	body, cur := m.stepView(w)

	var status []string
	switch {
	case m.deleting:
		q := fmt.Sprintf("Delete instance %d at Open Connectors? This cannot be undone. (y/n)", m.proc.Session().InstanceID)
		if m.busy != "" {
			q = m.spin.View() + " " + m.busy
		}
		status = append(status, st.Error.Render(lipgloss.Wrap(q, w, " ")))
	case m.quitting:
		status = append(status, st.Notice.Render(lipgloss.Wrap(m.quitQuestion(), w, " ")))
	case m.offer != nil:
		s := m.offer.Session
		status = append(status, st.Notice.Render(lipgloss.Wrap(fmt.Sprintf(
			"An unfinished setup exists for this platform: instance %d (%s), %s, last saved %s. Resume it? (y: resume · n: start a new one)",
			s.InstanceID, s.Name, s.Stage, s.Updated.Local().Format("2006-01-02 15:04")), w, " ")))
	case m.err != nil:
		text := st.Error.Render("Error: ") + m.errText(m.err)
		if m.errHint != "" {
			text += "\n" + st.Label.Render(m.errHint)
		}
		status = append(status, st.ErrorBox.Width(w).Render(text))
	case m.busy != "":
		status = append(status, m.spin.View()+" "+m.busy)
	case m.notice != "":
		status = append(status, st.Success.Render(m.notice))
	}
	helpView := m.help.View(m.helpKeys())

	top := strings.Join(header, "\n")
	headerLines := lipgloss.Height(top) + 1
	bottom := strings.Join(append(status, helpView), "\n\n")
	room := m.height - headerLines - lipgloss.Height(bottom) - 1
	bodyLines := strings.Split(body, "\n")
	if len(bodyLines) > room {
		// A short window: keep the top of the body, which holds the fields
		// and the URL, and say that more is hidden.
		bodyLines = append(bodyLines[:max(0, room-1)], st.Muted.Render("… (make the window taller to see the rest)"))
	}
	body = strings.Join(bodyLines, "\n")
	gap := max(0, room-len(bodyLines))
	screen := top + "\n\n" + body + strings.Repeat("\n", gap+1) + bottom
	// No line may be wider than the window: a long URL is cut, not wrapped
	// by the terminal into the lines below it.
	framed := st.Frame.MaxWidth(m.width).Render(screen)
	if cur != nil {
		c := *cur
		c.Position.X += 1 // the frame's left padding
		c.Position.Y += headerLines
		if c.Position.Y >= headerLines+len(bodyLines) || c.Position.X >= m.width {
			return framed, nil
		}
		cur = &c
	}
	return framed, cur
}

func (m Model) quitQuestion() string {
	if !m.instanceExists() {
		return "Quit now? The instance is being created; hootwire has saved that it sent the create, so `hootwire --resume` looks for it. (y: quit · n: stay)"
	}
	if m.OnSandbox() {
		return fmt.Sprintf("Quit now? Instance %d lives in the sandbox, which ends with hootwire. (y: quit · d: delete it and quit · n: stay)", m.proc.Session().InstanceID)
	}
	return fmt.Sprintf("Quit now? Instance %d exists and its progress is saved: resume with `hootwire --resume`. (y: quit and keep it · d: delete it and quit · n: stay)", m.proc.Session().InstanceID)
}

func (m Model) stepView(w int) (string, *tea.Cursor) {
	switch m.step {
	case StepTarget:
		return m.viewTarget(w)
	case StepAccount:
		return m.account.view(m.styles)
	case StepApp:
		body, cur := m.app.view(m.styles)
		return body, cur
	case StepInstance:
		return m.viewInstance(w)
	case StepAuthorize:
		return m.viewAuthorize(w)
	case StepCreate:
		return m.viewCreate(w), nil
	case StepRegister:
		return m.viewRegister(w), nil
	case StepFinish:
		return m.viewFinish(w), nil
	}
	return "", nil
}

// helpKeys are the keys that apply on the current screen.
func (m Model) helpKeys() keyHelp {
	k := m.keys
	switch {
	case m.quitting:
		return keyHelp{short: []key.Binding{k.Yes, k.Delete, k.No}}
	case m.deleting, m.offer != nil:
		return keyHelp{short: []key.Binding{k.Yes, k.No}}
	}
	var short []key.Binding
	switch {
	case m.err != nil:
		short = append(short, k.Retry)
	case m.step == StepAuthorize && !m.auth.pasting:
		// Waiting for the browser: enter has nothing to do.
	default:
		short = append(short, k.Next)
	}
	short = append(short, m.stepKeys()...)
	if m.step > StepTarget && !m.instanceExists() && !(m.proc != nil && m.proc.CreateSent() && m.step >= StepAuthorize) {
		short = append(short, k.Back)
	}
	if !m.typing() {
		// In a text field ? is text (a URL may hold one), so it cannot
		// open the full help there, and the help line does not offer it.
		short = append(short, k.Help)
	}
	short = append(short, k.Quit)
	full := [][]key.Binding{short, {k.NextField, k.PrevField, k.Copy, k.Open, k.Paste, k.Reveal}}
	return keyHelp{short: short, full: full}
}

func (m Model) stepKeys() []key.Binding {
	k := m.keys
	switch m.step {
	case StepTarget:
		return []key.Binding{k.Up, k.Down}
	case StepAccount, StepApp, StepInstance:
		return []key.Binding{k.NextField}
	case StepAuthorize:
		if m.auth.pasting {
			return nil
		}
		// o (open again) is in the full help: the browser opened already.
		keys := []key.Binding{k.Copy, k.Paste}
		if m.sandbox != nil {
			keys = append(keys, k.Approve)
		}
		return keys
	case StepCreate:
		if m.instanceExists() {
			return []key.Binding{k.Reveal}
		}
	case StepRegister:
		keys := []key.Binding{k.Copy}
		if m.sandbox != nil {
			keys = append(keys, k.Open)
		}
		return keys
	}
	return nil
}

// errorsIsNeedsAuth reports a create failure that only a new grant code fixes.
func errorsIsNeedsAuth(err error) bool { return errors.Is(err, setup.ErrNeedsAuthorization) }
