package ui

import (
	"slices"
	"testing"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
)

// everyKey is every key a user might try on a step.
var everyKey = []string{
	"enter", "esc", "tab", "shift+tab", "up", "down", "left", "right", "home", "end", "space",
	"pgup", "pgdown", "f1", "?", "ctrl+t", "ctrl+r",
	"a", "c", "d", "j", "k", "n", "o", "p", "r", "y",
}

// editing keys move within a text field: they act without being listed.
var editing = []string{"left", "right", "home", "end", "space"}

// listed are the keys the help offers now, all of them.
func listed(m Model) []key.Binding {
	h := m.helpKeys(m.page().View())
	if len(h.full) == 0 {
		return h.short
	}
	var out []key.Binding
	for _, g := range h.full {
		out = append(out, g...)
	}
	return out
}

// acts reports whether pressing name changes anything: what is drawn, the
// help, or a command sent.
func acts(m Model, name string) bool {
	next, cmd := m.Update(keyPress(name))
	n := next.(Model)
	before, after := m.View(), n.View()
	return cmd != nil || before.Content != after.Content || cursorAt(before) != cursorAt(after)
}

// cursorAt is where the terminal's cursor is, or -1s with none.
func cursorAt(v tea.View) [2]int {
	if v.Cursor == nil {
		return [2]int{-1, -1}
	}
	return [2]int{v.Cursor.Position.X, v.Cursor.Position.Y}
}

// checkHelp: the help lists each key once; every key it lists acts, and
// every key it does not list does nothing (letters typed into a field and
// the keys that move within one aside).
func checkHelp(t *testing.T, d *driver, state string) {
	t.Helper()
	d.settle()
	m := d.m
	keys := listed(m)
	owner := map[string]string{}
	for _, b := range keys {
		for _, k := range b.Keys() {
			if prev, dup := owner[k]; dup {
				t.Errorf("%s: %q is listed twice (%q and %q)", state, k, prev, b.Help().Desc)
			}
			owner[k] = b.Help().Desc
		}
	}
	// A key that moves to an end does nothing there: it must act from
	// the other end.
	opposite := map[string]string{"home": "down", "end": "up", "pgup": "pgdown", "pgdown": "pgup"}
	esc := keyPress("esc")
	for _, b := range keys {
		if len(b.Keys()) == 0 {
			continue
		}
		if key.Matches(esc, b) && m.dialog == noDialog && m.offer == nil && !m.pageTakes(esc) {
			// Going back changes the setup itself, which a probe on a copy
			// of the model would change for the rest of the test too:
			// here it is enough that esc is offered exactly when going back
			// is possible (TestBackGoesBackUntilTheInstanceExists presses it).
			if !m.canGoBack() {
				t.Errorf("%s: esc is offered, but going back is not possible", state)
			}
			continue
		}
		if acts(m, b.Keys()[0]) {
			continue
		}
		if o, ok := opposite[b.Keys()[0]]; ok {
			moved, _ := m.Update(keyPress(o))
			if acts(moved.(Model), b.Keys()[0]) {
				continue
			}
		}
		{
			t.Errorf("%s: the help offers %q (%s), which does nothing:\n%s", state, b.Help().Key, b.Help().Desc, d.screen())
		}
	}
	typing := m.page().Typing() && m.dialog == noDialog && m.offer == nil
	for _, k := range everyKey {
		_, isListed := owner[k]
		text := utf8.RuneCountInString(k) == 1
		if isListed || typing && (text || slices.Contains(editing, k)) {
			continue
		}
		if acts(m, k) {
			next, cmd := m.Update(keyPress(k))
			var msg any
			if cmd != nil {
				msg = cmd()
			}
			t.Errorf("%s: %q acts but the help does not list it (%T):\n%s\n%s", state, k, msg, d.screen(), stable(next.(Model).View().Content))
		}
	}
}

func TestTheHelpListsExactlyTheKeysThatAct(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	e.cfg.Prefill.Tags = []string{"alpha", "beta", "gamma"}
	d := newDriver(t, e, 100, 30)
	checkHelp(t, d, "target list")
	d.press("end")
	checkHelp(t, d, "target URL field")
	d.press("down") // round to the sandbox
	d.walkTo(setup.StepAccount)
	checkHelp(t, d, "account")
	d.walkTo(setup.StepApp)
	checkHelp(t, d, "app")
	d.walkTo(setup.StepInstance)
	checkHelp(t, d, "instance name")
	d.press("tab", "tab")
	checkHelp(t, d, "instance choice")
	d.press("left", "tab") // from this machine (the sandbox's) to my app's URL, and its field
	checkHelp(t, d, "instance app URL")
	d.press("ctrl+t") // on to this machine again
	d.walkTo(setup.StepAuthorize)
	checkHelp(t, d, "authorize, waiting")
	d.press("p")
	checkHelp(t, d, "authorize, pasting")
	d.press("esc")
	d.walkTo(setup.StepCreate)
	checkHelp(t, d, "create, preview")
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	checkHelp(t, d, "create, done")
	d.press("ctrl+c")
	checkHelp(t, d, "quit question")
	d.press("d")
	checkHelp(t, d, "delete question")
	d.press("n")
	d.walkTo(setup.StepRegister)
	checkHelp(t, d, "register")
	walkToTheEnd(d)
	checkHelp(t, d, "finish")

	small := newDriver(t, e, 60, 20)
	small.walkTo(setup.StepCreate)
	if !small.m.scrollable() {
		t.Fatal("the request should scroll at 60x20")
	}
	checkHelp(t, small, "create at 60x20")
}

func TestTheHelpOfFailuresListsTheirKeys(t *testing.T) {
	e := newTestEnv(t)
	e.browser.deny = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	d.shows("access_denied")
	checkHelp(t, d, "authorize, denied")

	e = newTestEnv(t)
	d = newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, ProviderMessage: "invalid_grant", Times: 1})
	d.press("enter")
	d.until("the error", func(m Model) bool { return m.Err() != nil })
	checkHelp(t, d, "create, spent code")

	e = tenantEnv(t)
	d = newDriver(t, e, 100, 30)
	d.walkTo(setup.StepRegister)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Status: 403, Times: 1})
	d.press("enter")
	d.until("the error", func(m Model) bool { return m.step == setup.StepFinish && m.Err() != nil })
	checkHelp(t, d, "finish, refused")

	e = newTestEnv(t)
	d = newDriver(t, e, 100, 30)
	d.walkTo(setup.StepRegister)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpDeleteInstance, Status: 403, Times: 1})
	d.press("ctrl+c", "d", "y")
	d.until("the delete's error", func(m Model) bool { return !m.deleting && m.deleteErr != nil })
	checkHelp(t, d, "delete refused")

	saveUnanswered := tenantEnv(t)
	saveUnansweredCreate(t, saveUnanswered)
	r := newDriver(t, saveUnanswered, 100, 30)
	r.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	r.press("enter")
	r.shows("Resume it?")
	checkHelp(t, r, "resume offer")
}
