// Package ui is hootwire's wizard in Bubble Tea: one component per step
// of the setup, behind a small interface, driving the one procedure in
// internal/setup. The root model delegates to the step on show and owns
// only what every step shares: the header, the scrolling, the status line,
// the help and the questions before quitting. Every request, listener and
// browser runs in a tea.Cmd; Update only moves state.
package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// Minimum window the layout is drawn for.
const (
	MinWidth  = 60
	MinHeight = 20
)

// Deps are the wizard's ways to reach the outside world, so tests can
// replace them.
type Deps struct {
	// NewState makes an authorization's state; nil: oauthflow.NewState.
	NewState func() (string, error)
	// Listen starts the loopback listener; nil: oauthflow.Listen.
	Listen func(ctx context.Context, callbackURL, state string) (setup.Listener, error)
	// Open opens a URL in the browser.
	Open func(ctx context.Context, url string) error
	// StartSandbox starts the built-in sandbox when the user picks it as the
	// target in a normal run.
	StartSandbox func(ctx context.Context) (*sandbox.Server, error)
}

// Config sets up a wizard. It is read, never changed, once the wizard runs.
type Config struct {
	Context   context.Context // cancelled when the program ends
	Sandbox   *sandbox.Server // already running: --sandbox
	Prefill   setup.Inputs    // from flags and environment
	NoBrowser bool
	// AllowPlainHTTP: the user allowed a plain http:// platform on another
	// machine beforehand (--allow-plain-http); otherwise the wizard asks.
	AllowPlainHTTP bool
	API            api.Options
	Store          *store.Store // where setups are saved and found again; nil: nowhere
	// ResumeID is the saved setup --resume continues without asking (its
	// platform is Prefill.BaseURL); "" offers the unfinished setup of the
	// platform chosen, if there is one.
	ResumeID string
	Deps     Deps
	Color    bool
	Now      func() time.Time
}

// dialog is a question the root asks over the step on show.
type dialog int

const (
	noDialog     dialog = iota
	quitDialog          // quit now? (keep, delete, stay)
	deleteDialog        // delete the instance?
)

// Model is the wizard's root model.
type Model struct {
	c      common
	pages  [setup.Steps]page
	step   setup.Step
	proc   *setup.Procedure // nil until a target is chosen
	help   help.Model
	spin   spinner.Model
	vp     viewport.Model
	width  int
	height int

	ticking bool   // a spinner tick is on its way
	notice  string // the root's word to the user, while the step shows
	alert   bool   // notice is a problem, not a confirmation

	resumeErr    error         // the saved setup could not be taken (another run drives it)
	sessions     []store.Entry // saved setups, read once at start
	sessionsRead bool
	offer        *store.Entry // an unfinished setup for the chosen platform, offered for resuming

	dialog    dialog
	deleting  bool  // the delete is under way
	deleteErr error // the delete failed
	ended     bool  // the program is ending
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
	c := common{ctx: cfg.Context, cfg: &cfg, styles: st, keys: DefaultKeyMap()}
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = st.Label, st.Label
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Help, st.Help
	h.Styles.ShortSeparator, h.Styles.FullSeparator, h.Styles.Ellipsis = st.Help, st.Help, st.Help
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // scrolling keys are the root's, so none types into a field
	vp.MouseWheelEnabled = true
	vp.FillHeight = true // the help stays at the bottom of the window
	m := Model{
		c: c, help: h, vp: vp, width: 100, height: 30,
		spin: spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(st.Focused)),
	}
	m.pages = [setup.Steps]page{
		setup.StepTarget:    newTargetPage(c),
		setup.StepAccount:   newAccountPage(c),
		setup.StepApp:       newAppPage(c),
		setup.StepInstance:  newInstancePage(c),
		setup.StepAuthorize: newAuthorizePage(c),
		setup.StepCreate:    newCreatePage(c),
		setup.StepRegister:  newRegisterPage(c),
		setup.StepFinish:    newFinishPage(c),
	}
	m.resize(m.width, m.height)
	return m
}

// Init reads the saved setups, to offer resuming one.
func (m Model) Init() tea.Cmd {
	st := m.c.cfg.Store
	if st == nil {
		return nil
	}
	read := func() tea.Msg {
		entries, aside, err := st.List()
		return sessionsMsg{entries, aside, err}
	}
	if m.c.cfg.ResumeID == "" {
		return read
	}
	// A resumed setup knows its platform: the target step has nothing to ask.
	target, err := setup.NewTarget(m.c.cfg.Prefill.BaseURL)
	if err != nil {
		return read
	}
	target.AllowPlainHTTP = true // the user allowed it when the setup began
	return tea.Batch(read, func() tea.Msg { return targetMsg{target} })
}

// Procedure is the setup the wizard drove, or nil before a target was chosen.
func (m Model) Procedure() *setup.Procedure { return m.proc }

// Err is the failure on show: when the user quits with one, the exit
// status says what kind it was.
func (m Model) Err() error {
	switch {
	case m.dialog == deleteDialog && m.deleteErr != nil:
		return m.deleteErr
	case m.resumeErr != nil && m.step == setup.StepAccount:
		return m.resumeErr
	}
	return m.page().View().Err
}

// Step is the step on show.
func (m Model) Step() setup.Step { return m.step }

func (m Model) page() page { return m.pages[m.step] }

type (
	sessionsMsg struct {
		entries []store.Entry
		aside   []store.SetAside
		err     error
	}
	deletedMsg struct{ err error }
	// hideMsg tells a step it is no longer shown: it stops what it waits for.
	hideMsg struct{}
)

// Update moves the wizard's state.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	follow := m.follows(msg)
	cmd := m.update(msg)
	m.sync(follow)
	return m, tea.Batch(cmd, m.tick())
}

// follows reports whether msg brings the focused field back into view: a
// key the step takes, or a resize, does; scrolling, the help and whatever
// arrives by itself (a tick, an answer) do not, so that a page the user
// scrolled to stays put.
func (m Model) follows(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return true
	case tea.KeyPressMsg:
		return !key.Matches(msg, m.c.keys.PageDown, m.c.keys.PageUp, m.helpKey())
	}
	return false
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return nil
	case spinner.TickMsg:
		m.ticking = false
		if !m.spinning() {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.ticking = cmd != nil
		return cmd
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		return m.key(msg)
	case sessionsMsg:
		m.sessions = msg.entries
		var notes []string
		for _, a := range msg.aside {
			notes = append(notes, a.String())
		}
		if msg.err != nil {
			notes = append(notes, "saved setups could not be read: "+msg.err.Error())
		}
		m.sessionsRead = true
		if len(notes) > 0 {
			m.notice, m.alert = strings.Join(notes, "\n"), true
		}
		if m.step == setup.StepAccount && m.offer == nil && !m.proc.Resumed() {
			// The target was chosen before the saved setups were read.
			m.offerResume()
		}
		return nil
	case targetMsg:
		return m.chooseTarget(msg.target)
	case nextMsg:
		if msg.from != m.step {
			return nil // a step no longer on show is done with nothing
		}
		return m.next(msg.notice)
	case finishedMsg:
		m.ended = true
		return tea.Quit
	case helpMsg:
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case deletedMsg:
		m.deleting = false
		if msg.err != nil {
			m.deleteErr = msg.err
			return nil
		}
		m.ended = true
		return tea.Quit
	}
	return m.toPage(msg)
}

func (m *Model) toPage(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.pages[m.step], cmd = m.pages[m.step].Update(msg)
	return cmd
}

// goTo shows step s.
func (m *Model) goTo(s setup.Step) tea.Cmd {
	hide := m.toPage(hideMsg{})
	m.step, m.notice = s, ""
	m.help.ShowAll = false
	m.vp.GotoTop()
	return tea.Batch(hide, m.toPage(showMsg{m.proc}))
}

// chooseTarget starts the setup on the chosen platform.
func (m *Model) chooseTarget(target setup.Target) tea.Cmd {
	var saver setup.Saver
	if m.c.cfg.Store != nil {
		saver = m.c.cfg.Store
	}
	proc, err := setup.New(target, setup.Options{
		Saver: saver, API: m.c.cfg.API, Listen: m.c.cfg.Deps.Listen, NewState: m.c.cfg.Deps.NewState, Now: m.c.cfg.Now,
	})
	if err != nil {
		m.notice, m.alert = err.Error(), true
		return nil
	}
	m.proc, m.offer = proc, nil
	cmd := m.goTo(setup.StepAccount)
	m.offerResume()
	return cmd
}

// next shows the procedure's next step, with notice as its status.
func (m *Model) next(notice string) tea.Cmd {
	s := m.proc.Next()
	if m.step == setup.StepAccount && m.proc.Resumed() {
		notice += " " + resumeNote(m.proc, s)
	}
	if s == setup.StepDone {
		s = setup.StepFinish
	}
	cmd := m.goTo(s)
	m.notice, m.alert = strings.TrimSpace(notice), false
	return cmd
}
