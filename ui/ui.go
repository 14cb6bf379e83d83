// Package ui is hootwire's wizard in Bubble Tea: one component per step
// of the setup, behind a small interface, driving the one procedure in
// internal/setup. The root model delegates to the step on show and owns
// only what every step shares: the header, the scrolling, the status line,
// the help and the questions before quitting. Every request, listener and
// browser runs in a tea.Cmd; Update only moves state.
package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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
	API       api.Options
	Store     *store.Store // where setups are saved and found again; nil: nowhere
	Resume    bool         // --resume: continue the unfinished setup without asking
	Deps      Deps
	Color     bool
	Now       func() time.Time
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
	return func() tea.Msg {
		entries, aside, err := st.List()
		return sessionsMsg{entries, aside, err}
	}
}

// Procedure is the setup the wizard drove, or nil before a target was chosen.
func (m Model) Procedure() *setup.Procedure { return m.proc }

// Err is the failure on show: when the user quits with one, the exit
// status says what kind it was.
func (m Model) Err() error {
	if m.dialog == deleteDialog && m.deleteErr != nil {
		return m.deleteErr
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
	cmd := m.update(msg)
	m.sync()
	return m, tea.Batch(cmd, m.tick())
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

// offerResume offers the unfinished setup saved for the chosen platform,
// or with --resume takes it at once; once the saved setups are read.
func (m *Model) offerResume() {
	if !m.sessionsRead || !m.proc.Saves() {
		return
	}
	e, ok := store.Unfinished(m.sessions, m.proc.BaseURL())
	switch {
	case ok && m.c.cfg.Resume:
		m.resume(e)
	case ok:
		m.offer = &e
	case m.c.cfg.Resume:
		m.notice, m.alert = fmt.Sprintf("--resume: no unfinished setup was saved for %s, so this is a new one.", m.proc.BaseURL()), true
	}
}

// resume continues a saved setup; the account check comes first.
func (m *Model) resume(e store.Entry) {
	m.offer = nil
	if err := m.proc.Resume(e.Session); err != nil {
		m.notice, m.alert = "This saved setup cannot be resumed: "+err.Error(), true
		return
	}
	m.notice, m.alert = fmt.Sprintf("Resuming %q (saved in %s): check the secrets to go on.", e.Session.Name, e.Path), false
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

// resumeNote says where a resumed setup goes on, and why.
func resumeNote(p *setup.Procedure, s setup.Step) string {
	sess := p.Session()
	switch s {
	case setup.StepApp:
		return fmt.Sprintf("Resuming %q: the last run stopped while creating the instance. Give the client secret again; hootwire then authorizes again and looks for the instance before creating one.", sess.Name)
	case setup.StepRegister:
		return fmt.Sprintf("Resuming instance %d (%s): register its webhook URL, then press enter.", sess.InstanceID, sess.Name)
	}
	return fmt.Sprintf("Resuming instance %d (%s).", sess.InstanceID, sess.Name)
}

// canGoBack reports whether esc goes to the previous step: from the
// account step always (nothing was sent; a resumed setup stays saved), and
// later until a create was sent.
func (m Model) canGoBack() bool {
	switch {
	case m.step == setup.StepTarget:
		return false
	case m.step == setup.StepAccount, m.proc == nil:
		return true
	}
	return m.proc.CanGoBack()
}

func (m *Model) back() tea.Cmd {
	prev := m.step - 1
	if prev == setup.StepTarget {
		// A new target makes a new setup.
		cmd := m.goTo(prev)
		m.proc, m.offer = nil, nil
		return cmd
	}
	m.proc.Back(prev)
	return m.goTo(prev)
}

// key handles a key press: the questions first, then the keys every step
// shares, then the step's own.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case m.ended:
		return nil
	case m.dialog != noDialog:
		return m.dialogKey(msg)
	case key.Matches(msg, k.Quit):
		return m.quit()
	case m.offer != nil:
		switch {
		case key.Matches(msg, k.Yes):
			m.resume(*m.offer)
		case key.Matches(msg, k.No):
			m.offer = nil
		}
		return nil
	case key.Matches(msg, m.helpKey()):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.PageDown) && m.scrollable():
		m.vp.PageDown()
		return nil
	case key.Matches(msg, k.PageUp) && m.scrollable():
		m.vp.PageUp()
		return nil
	case m.page().View().Busy:
		// A call is under way: until it answers, only quitting, help and
		// scrolling act, so that no key sends it twice.
		return nil
	case key.Matches(msg, k.Back) && !m.pageTakes(msg) && m.canGoBack():
		return m.back()
	}
	return m.toPage(msg)
}

// pageTakes reports whether the step on show lists msg's key as its own.
func (m Model) pageTakes(msg tea.KeyPressMsg) bool {
	for _, b := range m.page().Keys() {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// helpKey is ? where it cannot be text, and f1, which never is, anywhere.
func (m Model) helpKey() key.Binding {
	if m.page().Typing() {
		return m.c.keys.HelpAny
	}
	return m.c.keys.Help
}

// quit ends the wizard at once when nothing would be left behind, and asks
// first when an instance exists or is being created.
func (m *Model) quit() tea.Cmd {
	if m.proc != nil && (m.proc.InstanceExists() && !m.proc.Done() || m.creating()) {
		m.dialog = quitDialog
		return nil
	}
	m.ended = true
	return tea.Quit
}

// canDelete reports whether the quit question offers to delete the
// instance: it exists, and the account is set to ask the platform.
func (m Model) canDelete() bool { return m.proc.InstanceExists() && m.proc.Connected() }

func (m Model) creating() bool { return m.step == setup.StepCreate && m.page().View().Busy }

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch m.dialog {
	case quitDialog:
		switch {
		case key.Matches(msg, k.Yes), key.Matches(msg, k.Quit):
			m.ended = true
			return tea.Quit
		case key.Matches(msg, k.Delete) && m.canDelete():
			m.dialog = deleteDialog
		case key.Matches(msg, k.No):
			m.dialog = noDialog
		}
	case deleteDialog:
		switch {
		case key.Matches(msg, k.Quit):
			// Quitting while the delete is under way keeps the instance
			// unless the delete already reached the platform; the stop
			// note says which, from what the procedure recorded.
			m.ended = true
			return tea.Quit
		case m.deleting:
		case key.Matches(msg, k.Yes):
			m.deleting, m.deleteErr = true, nil
			proc, ctx := m.proc, m.c.ctx
			return func() tea.Msg { return deletedMsg{proc.Delete(ctx)} }
		case key.Matches(msg, k.No):
			m.dialog, m.deleteErr = noDialog, nil
		}
	}
	return nil
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(max(10, w-2))
	for i, p := range m.pages {
		m.pages[i] = p.SetSize(max(10, w-2), h)
	}
}

// spinning reports whether the status shows a spinner.
func (m Model) spinning() bool {
	if m.deleting {
		return true
	}
	v := m.page().View()
	return (v.Busy || v.Spin) && v.Status != ""
}

// tick starts the spinner when it is needed and not already ticking.
func (m *Model) tick() tea.Cmd {
	if m.ticking || m.ended || !m.spinning() {
		return nil
	}
	m.ticking = true
	return m.spin.Tick
}

// frame is the screen's parts around the body, and the room left for it.
type frame struct {
	header, status, help string
	bodyHeight           int
	scroll               bool // the body is taller than its room: a line says so
}

func (m Model) frame(v pageView) frame {
	w := max(10, m.width-2)
	st := m.c.styles
	brand := st.Header.Render("hootwire")
	if m.onSandbox(v) {
		brand += " " + st.Sandbox.Render("SANDBOX")
	}
	title := st.StepTitle.Render(fmt.Sprintf("Step %d of %d: %s", int(m.step)+1, setup.Steps, m.page().Title()))
	f := frame{
		header: strings.Join([]string{
			lipgloss.Wrap(brand+"  "+title, w, " "),
			prose(st.Subtitle, v.Purpose, w),
			st.Muted.Render(strings.Repeat("─", w)),
		}, "\n"),
		status: m.status(v, w),
		help:   m.helpView(m.helpKeys(v), w),
	}
	used := lipgloss.Height(f.header) + 1 + lipgloss.Height(f.help) + 1
	if f.status != "" {
		used += lipgloss.Height(f.status) + 1
	}
	f.bodyHeight = max(1, m.height-used)
	if lipgloss.Height(v.Body) > f.bodyHeight {
		f.scroll = true
		f.bodyHeight = max(1, f.bodyHeight-1)
	}
	return f
}

// scrollLine says that the body goes on, and how to see the rest.
func (m Model) scrollLine(vp viewport.Model) string {
	first, total := vp.YOffset()+1, vp.TotalLineCount()
	last := min(total, vp.YOffset()+vp.Height())
	where := "more below: pgdn"
	switch {
	case vp.AtBottom():
		where = "more above: pgup"
	case vp.YOffset() > 0:
		where = "more above and below: pgup/pgdn"
	}
	return m.c.styles.Muted.Render(fmt.Sprintf("── lines %d-%d of %d, %s ──", first, last, total, where))
}

// onSandbox says whether the SANDBOX badge shows: on the target step when
// the sandbox is the choice under the cursor, later when the setup's
// target is the sandbox.
func (m Model) onSandbox(v pageView) bool {
	if m.step == setup.StepTarget || m.proc == nil {
		return v.Sandbox
	}
	return m.proc.Target().IsSandbox()
}

// status is the line above the help: a question, what is under way, the
// failure on show, or a notice.
func (m Model) status(v pageView, w int) string {
	st := m.c.styles
	switch {
	case m.dialog == quitDialog:
		return prose(st.Notice, m.quitQuestion(), w)
	case m.dialog == deleteDialog && m.deleting:
		return hang(m.spin.View()+" ", fmt.Sprintf("Deleting instance %d…", m.proc.Session().InstanceID), w)
	case m.dialog == deleteDialog && m.deleteErr != nil:
		return errorBox(st, m.proc, m.deleteErr, "The instance is still there. Press y to try again, n to keep it, or ctrl+c to quit and keep it.", w)
	case m.dialog == deleteDialog:
		where := "at Open Connectors"
		if m.proc.Target().IsSandbox() {
			where = "in the sandbox"
		}
		return prose(st.Error, fmt.Sprintf("Delete instance %d %s? This cannot be undone. (y: delete it and quit · n: keep it)", m.proc.Session().InstanceID, where), w)
	case m.offer != nil:
		return prose(st.Notice, offerText(m.offer.Session), w)
	case v.Status != "" && (v.Busy || v.Spin):
		return hang(m.spin.View()+" ", v.Status, w)
	case v.Status != "":
		return v.Status
	case m.notice != "" && m.alert:
		return prose(st.Error, m.notice, w)
	case m.notice != "":
		return prose(st.Success, m.notice, w)
	}
	return ""
}

// offerText asks whether to resume s, naming what it holds.
func offerText(s setup.Session) string {
	return fmt.Sprintf("An unfinished setup exists for this platform: %s, last saved %s. Resume it? (y: resume · n: start a new one)",
		s.Describe(), s.Updated.Local().Format("2006-01-02 15:04"))
}

func (m Model) quitQuestion() string {
	s := m.proc.Session()
	switch {
	case !m.proc.InstanceExists() && m.proc.Saves():
		return "Quit now? The instance is being created; hootwire saved that it sent the create, so `hootwire --resume` looks for it. (y: quit · n: stay)"
	case !m.proc.InstanceExists():
		return "Quit now? The instance is being created, in the sandbox, which ends with hootwire. (y: quit · n: stay)"
	case m.proc.Target().IsSandbox():
		return fmt.Sprintf("Quit now? Instance %d lives in the sandbox, which ends with hootwire. (y: quit · d: delete it and quit · n: stay)", s.InstanceID)
	case !m.canDelete():
		return fmt.Sprintf("Quit now? Instance %d exists and its progress is saved: resume with `hootwire --resume`. (y: quit and keep it · n: stay)", s.InstanceID)
	}
	return fmt.Sprintf("Quit now? Instance %d exists and its progress is saved: resume with `hootwire --resume`. (y: quit and keep it · d: delete it and quit · n: stay)", s.InstanceID)
}

// helpKeys are the keys that act now: the question's, or the step's, then
// going back, scrolling, help and quitting.
func (m Model) helpKeys(v pageView) helpKeys {
	k := m.c.keys
	switch {
	case m.dialog == quitDialog && m.canDelete():
		return helpKeys{short: []key.Binding{as(k.Yes, "quit"), k.Delete, as(k.No, "stay")}}
	case m.dialog == quitDialog:
		return helpKeys{short: []key.Binding{as(k.Yes, "quit"), as(k.No, "stay")}}
	case m.dialog == deleteDialog && m.deleting:
		return helpKeys{short: []key.Binding{as(k.Quit, "quit and keep it")}}
	case m.dialog == deleteDialog && m.deleteErr != nil:
		return helpKeys{short: []key.Binding{as(k.Yes, "try again"), as(k.No, "keep it"), as(k.Quit, "quit and keep it")}}
	case m.dialog == deleteDialog:
		return helpKeys{short: []key.Binding{as(k.Yes, "delete"), as(k.No, "keep it")}}
	case m.offer != nil:
		return helpKeys{short: []key.Binding{as(k.Yes, "resume"), as(k.No, "start a new one"), k.Quit}}
	}
	own := m.page().Keys()
	if v.Busy {
		own = nil
	}
	escTaken := false
	for _, b := range own {
		escTaken = escTaken || key.Matches(tea.KeyPressMsg{Code: tea.KeyEscape}, b)
	}
	if !v.Busy && !escTaken && m.canGoBack() {
		own = append(own, k.Back)
	}
	var common []key.Binding
	if m.scrollable() {
		common = append(common, k.PageUp, k.PageDown, k.Wheel)
	}
	common = append(common, m.helpKey(), k.Quit)
	// The short line keeps, whatever the width: the step's first key, going
	// back, all keys and quit; the step's other keys fill what room is left.
	var short []key.Binding
	if len(own) > 0 {
		short = append(short, own[0])
		rest := own[1:]
		if n := len(rest); n > 0 && key.Matches(tea.KeyPressMsg{Code: tea.KeyEscape}, rest[n-1]) && !escTaken {
			short = append(short, rest[n-1])
			rest = rest[:n-1]
		}
		short = append(short, rest...)
	}
	short = append(short, m.helpKey(), k.Quit)
	return helpKeys{short: short, full: [][]key.Binding{own, common}}
}

// helpView draws the help. The short help keeps its last keys (all keys,
// quit) whatever the width, and drops the step's least useful ones to fit.
func (m Model) helpView(k helpKeys, w int) string {
	if m.help.ShowAll && len(k.full) > 0 {
		return m.help.FullHelpView(k.full)
	}
	short := k.short
	keep := min(2, len(short))
	measure := m.help
	measure.SetWidth(0) // no cutting: the keys are dropped here instead
	for len(short) > keep && lipgloss.Width(measure.ShortHelpView(short)) > w {
		short = append(short[:len(short)-keep-1:len(short)-keep-1], short[len(short)-keep:]...)
	}
	return m.help.ShortHelpView(short)
}

// scrollable reports whether the body is taller than its room.
func (m Model) scrollable() bool { return m.vp.TotalLineCount() > m.vp.Height() }

// sync lays the step's body into the viewport and keeps the cursor, when
// there is one, in view.
func (m *Model) sync() {
	if m.ended {
		return
	}
	v := m.page().View()
	f := m.frame(v)
	m.vp.SetWidth(max(10, m.width-2))
	m.vp.SetHeight(f.bodyHeight)
	m.vp.SetContent(v.Body)
	if m.vp.PastBottom() {
		m.vp.GotoBottom()
	}
	if v.Cursor != nil {
		m.vp.EnsureVisible(v.Cursor.Position.Y, 0, 0)
	}
}

// visible is the part of body the window shows: height lines from line
// top on, blank lines below a short body so the help stays at the bottom.
// (The viewport keeps the offset; its own View would measure and pad every
// line, the most costly part of a frame, for text already laid out.)
func visible(body string, top, height int) string {
	lines := strings.Split(body, "\n")
	top = min(max(0, top), len(lines))
	lines = lines[top:min(len(lines), top+height)]
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// indent is the frame's left margin: one column, as every line is laid out
// for the window's width less two.
func indent(s string) string { return " " + strings.ReplaceAll(s, "\n", "\n ") }

// View draws the step on show.
func (m Model) View() tea.View {
	var view tea.View
	view.AltScreen = true
	view.WindowTitle = "hootwire"
	if m.ended {
		return view
	}
	st := m.c.styles
	if m.width < MinWidth || m.height < MinHeight {
		view.SetContent(indent(prose(st.Value, fmt.Sprintf(
			"hootwire needs a window of at least %dx%d; this one is %dx%d. Make it wider or taller to go on (ctrl+c quits).",
			MinWidth, MinHeight, m.width, m.height), max(10, m.width-2))))
		return view
	}
	v := m.page().View()
	f := m.frame(v)
	vp := m.vp
	vp.SetHeight(f.bodyHeight)
	parts := []string{f.header, "", visible(v.Body, vp.YOffset(), f.bodyHeight)}
	if f.scroll {
		// The mouse is only taken while there is something to scroll, so
		// that text can be selected as usual the rest of the time.
		view.MouseMode = tea.MouseModeCellMotion
		parts = append(parts, m.scrollLine(vp))
	}
	parts = append(parts, "")
	if f.status != "" {
		parts = append(parts, f.status, "")
	}
	parts = append(parts, f.help)
	view.SetContent(indent(strings.Join(parts, "\n")))
	if c := v.Cursor; c != nil && m.dialog == noDialog && m.offer == nil {
		y := c.Position.Y - vp.YOffset()
		if y >= 0 && y < f.bodyHeight {
			cur := *c
			cur.Position.X++ // the frame's left padding
			cur.Position.Y = lipgloss.Height(f.header) + 1 + y
			view.Cursor = &cur
		}
	}
	return view
}
