package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"hootwire/internal/setup"
)

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
	}
	// The root's notice (what the last step found) stays above what the
	// step on show says.
	var notice string
	switch {
	case m.notice != "" && m.alert:
		notice = prose(st.Error, m.notice, w)
	case m.notice != "":
		notice = prose(st.Success, m.notice, w)
	}
	var own string
	switch {
	case v.Status != "" && (v.Busy || v.Spin):
		own = hang(m.spin.View()+" ", v.Status, w)
	case v.Status != "":
		own = v.Status
	}
	if notice != "" && own != "" {
		return notice + "\n" + own
	}
	return notice + own
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

// sync lays the step's body into the viewport and, when follow says so,
// brings the focused field (the cursor, a focused choice) into view.
func (m *Model) sync(follow bool) {
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
	if !follow {
		return
	}
	if len(v.Focus) > 0 {
		keepInView(&m.vp, v.Focus[0], v.Focus[len(v.Focus)-1])
	}
	if v.Cursor != nil {
		keepInView(&m.vp, v.Cursor.Position.Y, v.Cursor.Position.Y)
	}
}

// keepInView scrolls vp as little as it takes to show the lines from top
// to bottom; when they do not all fit, bottom is shown. (The viewport's
// EnsureVisible puts a line below the view at its top, a jump of a page.)
func keepInView(vp *viewport.Model, top, bottom int) {
	if top < vp.YOffset() {
		vp.SetYOffset(top)
	}
	if h := vp.Height(); bottom >= vp.YOffset()+h {
		vp.SetYOffset(bottom - h + 1)
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
