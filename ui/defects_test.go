package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// What a new user hit on the wizard before it was rebuilt, one test each.

// Delete and quit: the instance is deleted, the setup is not done, and the
// saved setup says so.
func TestDeleteAndQuitIsNotDone(t *testing.T) {
	e := tenantEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.press("ctrl+c")
	if !says(d.screen(), "hootwire --resume") || !says(d.screen(), "d delete instance") {
		t.Fatalf("quit question:\n%s", d.screen())
	}
	d.press("d")
	if !says(d.screen(), "Delete instance 427236 at Open Connectors? This cannot be undone.") {
		t.Fatalf("delete must be confirmed:\n%s", d.screen())
	}
	d.press("y")
	d.until("quit", func(Model) bool { return d.quit })
	if p := d.m.Procedure(); p.Done() || p.InstanceExists() || !strings.Contains(p.StopNote(""), "was deleted") {
		t.Errorf("after delete: done %v, exists %v, note %q", p.Done(), p.InstanceExists(), p.StopNote(""))
	}
	if n := len(e.sb.Instances()); n != 0 {
		t.Errorf("%d instances left", n)
	}
	entries, _, _ := e.cfg.Store.List()
	if len(entries) != 1 || entries[0].Session.Stage != setup.StageDeleted || entries[0].Session.Token != "" {
		t.Errorf("session after delete = %+v", entries)
	}
}

// The sandbox saves nothing, and no screen says it did.
func TestTheSandboxNeverSaysItSaved(t *testing.T) {
	e := newTestEnv(t)
	st := tenantEnv(t).cfg.Store
	e.cfg.Store = st // even with a store, a sandbox setup is not saved
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	if !says(d.screen(), "nothing is saved") {
		t.Errorf("the create screen should say nothing is saved:\n%s", d.screen())
	}
	walkToTheEnd(d)
	for i, v := range d.views {
		for _, claim := range []string{"hootwire has saved", "hootwire saved them", "are saved", "Token saved to"} {
			if says(v, claim) {
				t.Fatalf("frame %d claims %q in the sandbox:\n%s", i, claim, ansi.Strip(v))
			}
		}
	}
	if entries, _, _ := st.List(); len(entries) != 0 {
		t.Errorf("%d setups saved from the sandbox", len(entries))
	}
}

// Turning from the sandbox to a real platform drops the badge, the approve
// key and the demo credentials.
func TestTheSandboxEndsWithItsChoice(t *testing.T) {
	e := newTestEnv(t)
	other := sandboxtest.Start(t, sandbox.Options{}) // a "real" platform, as any URL
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAccount)
	if !strings.Contains(d.screen(), "SANDBOX") {
		t.Fatalf("no badge in the sandbox:\n%s", d.screen())
	}
	d.press("esc")
	d.press("up") // round to Another URL…
	d.typeText(other.BaseURL)
	if strings.Contains(d.screen(), "SANDBOX") {
		t.Errorf("the badge stays with another URL under the cursor:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the account step", atStep(setup.StepAccount))
	if strings.Contains(d.screen(), "SANDBOX") {
		t.Errorf("the badge outlived the sandbox:\n%s", d.screen())
	}
	a := d.m.pages[setup.StepAccount].(accountPage)
	if a.form.value(0) != "" || a.form.value(1) != "" {
		t.Error("the sandbox's demo secrets stayed in the fields for a real platform")
	}
	e.browser.set(func(b *fakeBrowser) { b.offline = true })
	d.typeText(sandbox.DemoUserSecret)
	d.press("enter")
	d.typeText(sandbox.DemoOrgSecret)
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
	d.typeText(sandbox.DemoClientID)
	d.press("enter")
	d.typeText(sandbox.DemoClientSecret)
	d.press("enter")
	d.until("the instance step", atStep(setup.StepInstance))
	d.press("enter")
	d.until("the authorize step", func(m Model) bool { return m.step == setup.StepAuthorize })
	d.untilReady()
	if says(d.screen(), "a approve") || says(d.screen(), "Press a to approve") {
		t.Errorf("the sandbox's approve key outlived the sandbox:\n%s", d.screen())
	}
	d.press("a")
	d.settle()
	if d.m.proc.Authorized() {
		t.Error("a approved on a real platform")
	}
}

// A resumed setup whose create got no clear answer, with no client secret
// given, goes to the app step for it: no dead end.
func TestResumeWithoutTheClientSecretAsksForIt(t *testing.T) {
	e := tenantEnv(t)
	saveUnansweredCreate(t, e)
	e.cfg.Prefill.ClientSecret = ""
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	d.press("enter")
	d.shows("Resume it?")
	if says(d.screen(), "instance 0") {
		t.Errorf("the offer names instance 0 for a setup never created:\n%s", d.screen())
	}
	if !says(d.screen(), "whose create got no clear answer") {
		t.Errorf("the offer does not say what the setup holds:\n%s", d.screen())
	}
	d.press("y", "enter")
	d.until("the app step", atStep(setup.StepApp))
	for _, want := range []string{"Give the client secret again", "› REST API client secret"} {
		if !says(d.screen(), want) {
			t.Errorf("screen lacks %q:\n%s", want, d.screen())
		}
	}
	if says(d.screen(), "esc back") {
		t.Errorf("esc is offered where a create may have made an instance:\n%s", d.screen())
	}
	d.typeText(sandbox.DemoClientSecret)
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	if n := len(e.sb.Instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

// saveUnansweredCreate saves a setup whose create was sent and never
// answered, as a run killed mid-create leaves it.
func saveUnansweredCreate(t *testing.T, e *testEnv) {
	t.Helper()
	now := time.Now()
	if err := e.cfg.Store.Save(setup.Session{ID: "abcdefabcdef", BaseURL: e.sb.BaseURL, Name: "Hootsuite webhooks",
		CallbackURL: setup.DefaultCallbackURL, ClientID: sandbox.DemoClientID, CreateSent: true, Stage: setup.StageNew,
		Started: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
}

// On a form step ? never types into a masked field, where it would go
// unseen; f1 shows all keys from any field, and the help line says so.
func TestTheHelpKeyNeverTypesIntoASecret(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.press("?")
	if !says(d.screen(), "home first") || !says(d.screen(), "end last") {
		t.Fatalf("? should show all keys on the target list:\n%s", d.screen())
	}
	d.press("?", "enter")
	d.until("the account step", atStep(setup.StepAccount))
	if says(d.screen(), "? all keys") || !says(d.screen(), "f1 all keys") {
		t.Errorf("the help line should offer f1 where ? is text:\n%s", d.screen())
	}
	before := d.m.pages[setup.StepAccount].(accountPage).form.value(0)
	d.press("?")
	d.until("all keys", func(m Model) bool { return m.help.ShowAll })
	if got := d.m.pages[setup.StepAccount].(accountPage).form.value(0); got != before {
		t.Error("? went into the masked User secret")
	}
	d.press("f1")
	if d.m.help.ShowAll {
		t.Error("f1 should hide all keys again")
	}
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
	d.press("tab", "tab")
	d.typeText("?x=1")
	if v := d.m.pages[setup.StepApp].(appPage).form.value(2); !strings.HasSuffix(v, "?x=1") {
		t.Errorf("? must still be text in a URL: %q", v)
	}
}

// Text wider than the window wraps; nothing is cut at the right edge.
func TestLongTextWrapsAtTheEdge(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.press("up")
	d.typeText("https://api.example.com/elements/api-v2?x")
	problem := d.m.pages[setup.StepTarget].(targetPage).problem
	if problem == nil {
		t.Fatal("no problem with the URL")
	}
	if !says(d.screen(), problem.Error()) {
		t.Errorf("the URL's problem is cut:\n%s", d.screen())
	}
	noLineWider(t, d.screen(), 100)
}

// noLineWider fails when a line of screen is wider than w cells.
func noLineWider(t *testing.T, screen string, w int) {
	t.Helper()
	for _, l := range strings.Split(screen, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("a line %d wide in a %d-column window: %q", n, w, l)
		}
	}
}

// The resume notice on the authorize path is whole at 100 columns.
func TestTheResumeNoticeIsWhole(t *testing.T) {
	e := tenantEnv(t)
	saveUnansweredCreate(t, e)
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	d.press("enter")
	d.shows("Resume it?")
	d.press("y", "enter")
	d.until("the app step", atStep(setup.StepApp))
	if !says(d.screen(), resumeNote(d.m.proc, setup.StepApp)) {
		t.Errorf("the resume notice is cut:\n%s", d.screen())
	}
	noLineWider(t, d.screen(), 100)
}

// A small window scrolls to what the step exists for.
func TestSmallWindowsScrollToWhatMatters(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill.Tags = []string{"alpha", "beta", "gamma"}
	e.browser.offline = true
	d := newDriver(t, e, 60, 20)
	reach := func(what string) {
		t.Helper()
		for range 20 {
			if says(d.screen(), what) {
				noLineWider(t, d.screen(), 60)
				return
			}
			d.press("pgdown")
		}
		t.Errorf("%q cannot be reached by scrolling at 60x20:\n%s", what, d.screen())
	}
	d.walkTo(setup.StepInstance)
	reach("my app's URL: Open Connectors posts the normalized events there")
	d.walkTo(setup.StepCreate)
	reach(`"name": "Hootsuite webhooks"`)
	d.press("pgup", "pgup", "pgup", "pgup", "pgup", "pgup")
	if !says(d.screen(), "The request hootwire will send") {
		t.Errorf("pgup does not go back to the top:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.walkTo(setup.StepRegister)
	reach("NDI3MjM2")
	reach(d.m.proc.WebhookURL())
	if d.m.scrollable() {
		d.press("pgdown", "pgdown", "pgdown")
		if !says(d.screen(), "more above: pgup") {
			t.Errorf("at the bottom the screen does not say how to scroll back:\n%s", d.screen())
		}
	}

	// At 100x30 three tags push the name below the fold; it is reachable.
	big := newDriver(t, e, 100, 30)
	big.walkTo(setup.StepCreate)
	for range 5 {
		if says(big.screen(), `"name": "Hootsuite webhooks"`) {
			return
		}
		big.press("pgdown")
	}
	t.Errorf("the name cannot be reached at 100x30:\n%s", big.screen())
}

// The mouse wheel scrolls a tall body too.
func TestTheWheelScrolls(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 60, 20)
	d.walkTo(setup.StepCreate)
	if d.m.View().MouseMode == tea.MouseModeNone {
		t.Fatal("the mouse is not taken where there is something to scroll")
	}
	top := d.screen()
	d.apply(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if d.screen() == top {
		t.Error("the wheel did not scroll")
	}
	d2 := newDriver(t, e, 100, 30)
	if d2.m.View().MouseMode != tea.MouseModeNone {
		t.Error("the mouse is taken where nothing scrolls, so text cannot be selected")
	}
}

// A spent grant code: enter authorizes again; it never resends the code.
func TestASpentCodeIsNeverSentAgain(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", ProviderMessage: "invalid_grant", Times: 1})
	d.press("enter")
	d.until("the error", func(m Model) bool { return m.Err() != nil })
	if says(d.screen(), "try again") || says(d.screen(), "retry") || !says(d.screen(), "enter authorize again") {
		t.Fatalf("the footer must offer a fresh authorization, not a retry:\n%s", d.screen())
	}
	opened := e.browser.openedCount()
	d.press("enter")
	d.until("a fresh authorization", func(m Model) bool { return m.step == setup.StepAuthorize })
	d.until("the create step", atStep(setup.StepCreate))
	if e.browser.openedCount() != opened+1 {
		t.Error("enter did not authorize afresh")
	}
	if n := len(e.sb.Instances()); n != 0 {
		t.Errorf("%d instances before the create was sent again", n)
	}
}

// ctrl+c after a create the platform refused quits at once: nothing was
// made, and nothing says it may exist.
func TestQuitAfterARefusedCreate(t *testing.T) {
	e := tenantEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", Times: 1})
	d.press("enter")
	d.until("the error", func(m Model) bool { return m.Err() != nil })
	d.press("ctrl+c")
	d.until("quit", func(Model) bool { return d.quit })
	if note := d.m.Procedure().StopNote("hootwire --resume"); note != "" {
		t.Errorf("after a refusal the stop note is %q", note)
	}
	if setup.ExitStatus(t.Context(), d.m.Err()) != setup.ExitAPI {
		t.Errorf("the error on show at quit is %v", d.m.Err())
	}
}

// o on the register step says what came of it; r says what it does next.
func TestKeysSayWhatTheyDid(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.press("r")
	if !says(d.screen(), "(r hides)") || says(d.screen(), "(r reveals)") || !says(d.screen(), "r hide token and key") {
		t.Errorf("after r the token should say r hides it:\n%s", d.screen())
	}
	d.walkTo(setup.StepRegister)
	d.press("o")
	d.shows("Opened the sandbox's app page in your browser.")
	e.browser.set(func(b *fakeBrowser) { b.offline = true })
	d.press("o")
	d.shows("No browser could be opened here: open " + e.sb.URL + "/hootsuite/app yourself.")
}

// Every text says what is true now.
func TestNoStaleTexts(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill.EventCallbackURL = "https://app.example.com/hooks"
	e.browser.deny = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	d.shows("access_denied")
	if says(d.screen(), "Opened in your browser") {
		t.Errorf("the browser's note stays above a denial:\n%s", d.screen())
	}
	d.press("c")
	d.shows("Copied the authorization URL")
	d.press("p")
	if says(d.screen(), "Copied the authorization URL") {
		t.Errorf("the copy notice stays while the paste field is open:\n%s", d.screen())
	}
	d.press("esc", "enter")
	e.browser.set(func(b *fakeBrowser) { b.deny = false })
	d.until("the create step", atStep(setup.StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	if says(d.screen(), "Review the request") {
		t.Errorf("the create step's purpose is stale after the create:\n%s", d.screen())
	}
	d.walkTo(setup.StepRegister)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Status: 403, Times: 1})
	d.press("enter")
	d.until("the finish step's error", func(m Model) bool { return m.step == setup.StepFinish && m.Err() != nil })
	if !says(d.screen(), "Point the instance's event callback at your app's URL") || says(d.screen(), "at the webhook URL") {
		t.Errorf("the finish step should speak of the app's URL, where events go:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the end", func(m Model) bool { return idle(m) && m.proc.Done() })
	if !says(d.screen(), "enter exit") || says(d.screen(), "enter continue") {
		t.Errorf("the footer should say enter exits:\n%s", d.screen())
	}
}

// The account step says it checked the account; a masked field can be
// shown to check a typo.
func TestTheAccountCheckSaysSoAndSecretsCanBeShown(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAccount)
	if strings.Contains(d.screen(), sandbox.DemoUserSecret) {
		t.Fatal("the secret shows before it was asked for")
	}
	d.press("ctrl+r")
	if !strings.Contains(d.screen(), sandbox.DemoUserSecret) || !says(d.screen(), "ctrl+r hide secret") {
		t.Errorf("ctrl+r should show the secret in focus:\n%s", d.screen())
	}
	d.press("ctrl+r")
	if strings.Contains(d.screen(), sandbox.DemoUserSecret) {
		t.Error("ctrl+r should hide it again")
	}
	d.press("ctrl+r", "tab")
	if strings.Contains(d.screen(), sandbox.DemoUserSecret) {
		t.Error("a shown secret should hide again when the focus leaves it")
	}
	d.press("shift+tab")
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
	if !says(d.screen(), "Account checked: Open Connectors accepted the User and Organization secrets.") {
		t.Errorf("the account check passed silently:\n%s", d.screen())
	}
}

// In the URL field j and k are letters, and the help says ↑/↓ only; home
// and end move in the list.
func TestListKeysAndTheURLField(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.press("end")
	if !d.m.pages[setup.StepTarget].(targetPage).onCustom() {
		t.Fatal("end should go to the last choice")
	}
	d.typeText("jk")
	if v := d.m.pages[setup.StepTarget].(targetPage).custom.Value(); v != "jk" {
		t.Errorf("j and k should type in the URL field: %q", v)
	}
	if says(d.screen(), "↑/k") || says(d.screen(), "home first") {
		t.Errorf("the help offers list keys that type here:\n%s", d.screen())
	}
	d.press("up", "home")
	if c := d.m.pages[setup.StepTarget].(targetPage).cursor; c != 0 {
		t.Errorf("home went to %d, want the first choice", c)
	}
}

// TestTheAccountRefusesAWrongSecret: a wrong secret fails on the account
// step, saying what to do; corrected, the wizard goes on.
func TestTheAccountRefusesAWrongSecret(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAccount)
	d.press("backspace", "enter")
	d.until("the error", func(m Model) bool { return m.Err() != nil })
	for _, want := range []string{"401", "Invalid Organization or User secret", "Correct the secrets"} {
		if !says(d.screen(), want) {
			t.Errorf("screen lacks %q:\n%s", want, d.screen())
		}
	}
	d.typeText(sandbox.DemoUserSecret[len(sandbox.DemoUserSecret)-1:])
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
}

// Switching events back to the doc's choice from the app URL field hides
// the field, and the focus leaves it: nothing is typed into a field that
// is not shown.
func TestTheFocusLeavesAHiddenField(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("tab", "tab", "left", "tab") // from this machine (the sandbox's) to my app's URL
	d.shows("› Your app's event URL")
	d.press("ctrl+t")
	if says(d.screen(), "Your app's event URL") || !says(d.screen(), "› Where events go") {
		t.Fatalf("the hidden field kept the focus:\n%s", d.screen())
	}
	d.typeText("x")
	if v := d.m.pages[setup.StepInstance].(instancePage).form.value(fieldAppURL); v != "" {
		t.Errorf("typed into the hidden field: %q", v)
	}
}

// What a review found after the rebuild, one test each.

// A callback URL that is not on this machine: the URL can be copied and
// opened, and the code pasted; nothing is typed into a hidden field.
func TestARemoteCallbackURLIsNoDeadEnd(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill.CallbackURL = "https://example.com/hootsuite/callback"
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("enter")
	d.until("the authorize step", func(m Model) bool { return m.step == setup.StepAuthorize && idle(m) })
	d.shows("The callback URL is not on this machine")
	d.press("c")
	d.until("the copy", func(Model) bool { return len(d.clipboard) == 1 })
	a := d.m.pages[setup.StepAuthorize].(authorizePage)
	if d.clipboard[0] != a.auth.URL() {
		t.Errorf("copied %q", d.clipboard[0])
	}
	back, err := e.sb.Approve(a.auth.URL())
	if err != nil {
		t.Fatal(err)
	}
	d.press("p")
	d.apply(tea.PasteMsg{Content: back.String()})
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
}

// The listener cannot start (the port is taken): no browser is sent to
// whatever holds the port, and the hint says what helps.
func TestABusyPortOpensNoBrowser(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Deps.Listen = func(context.Context, string, string) (setup.Listener, error) {
		return nil, errors.New("port 4668, from the callback URL http://localhost:4668/callback, is already in use")
	}
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("enter")
	d.shows("already in use")
	d.settle()
	if n := e.browser.openedCount(); n != 0 {
		t.Errorf("the browser was opened %d times toward a port another program holds", n)
	}
	if !says(d.screen(), "press esc twice for the Hootsuite app step") || !says(d.screen(), "enter authorize again") {
		t.Errorf("the hint does not say what helps:\n%s", d.screen())
	}
	d.press("esc", "esc")
	d.until("the app step", atStep(setup.StepApp))
}

// ctrl+c while the delete is under way quits, as the help says.
func TestQuitWhileDeleting(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpDeleteInstance, Delay: 5 * time.Second, Times: 1})
	d.press("ctrl+c", "d", "y")
	d.shows("Deleting instance 427236")
	checkHelp(t, d, "deleting")
	d.press("ctrl+c")
	d.until("quit", func(Model) bool { return d.quit })
}

// A resumed setup's instance cannot be deleted before the account is set:
// the quit question does not offer it.
func TestNoDeleteBeforeTheAccount(t *testing.T) {
	e := tenantEnv(t)
	quitAfterCreate(t, e)
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	d.press("enter")
	d.shows("Resume it?")
	d.press("y", "ctrl+c")
	d.shows("Quit now?")
	if says(d.screen(), "delete") {
		t.Errorf("delete offered before the account is set:\n%s", d.screen())
	}
	d.press("d")
	if !says(d.screen(), "Quit now?") {
		t.Errorf("d acted:\n%s", d.screen())
	}
	d.press("y")
	d.until("quit", func(Model) bool { return d.quit })
}

// A denial pasted: the paste field closes, enter authorizes again, and the
// denial is what the exit status reports.
func TestAPastedDenial(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	a := d.m.pages[setup.StepAuthorize].(authorizePage)
	back, err := e.sb.Deny(a.auth.URL())
	if err != nil {
		t.Fatal(err)
	}
	d.press("p")
	d.apply(tea.PasteMsg{Content: back.String()})
	d.press("enter")
	d.shows("access_denied")
	if setup.ExitStatus(t.Context(), d.m.Err()) != setup.ExitAuthorization {
		t.Errorf("the error on show is %v", d.m.Err())
	}
	if !says(d.screen(), "enter authorize again") || d.m.page().Typing() {
		t.Fatalf("after a pasted denial:\n%s", d.screen())
	}
	opened := e.browser.openedCount()
	d.press("enter")
	d.until("a fresh authorization", func(m Model) bool { return e.browser.openedCount() > opened })
}

// The paste field opens empty each time: an earlier paste is not kept,
// unseen, in front of the next.
func TestThePasteFieldOpensEmpty(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	d.press("p")
	d.typeText("half a code")
	d.press("esc", "p")
	if v := d.m.pages[setup.StepAuthorize].(authorizePage).paste.value(0); v != "" {
		t.Errorf("the paste field opened with %q", v)
	}
}

// --sandbox with real secrets in the environment uses the demo secrets:
// a real secret has no business in the sandbox, which refuses it.
func TestTheSandboxUsesItsDemoSecrets(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill = setup.Inputs{UserSecret: "realUser/abc+1=", OrgSecret: "realOrg/abc+2=", ClientSecret: "realClient/abc+3="}
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepApp)
	if d.m.Err() != nil {
		t.Fatalf("the sandbox refused: %v", d.m.Err())
	}
}

// --resume ID goes straight to the account step of that setup, whichever
// comes first: the read of the saved setups or the choice of its platform.
func TestResumeWaitsForTheSavedSetups(t *testing.T) {
	for _, sessionsFirst := range []bool{true, false} {
		e := tenantEnv(t)
		quitAfterCreate(t, e)
		e.cfg.ResumeID = savedID(t, e)
		d := &driver{t: t, b: e.browser, m: New(e.cfg), msgs: make(chan tea.Msg, 64)}
		d.apply(tea.WindowSizeMsg{Width: 100, Height: 30})
		batch, ok := d.m.Init()().(tea.BatchMsg)
		if !ok || len(batch) != 2 {
			t.Fatalf("Init should read the saved setups and choose the platform, got %T", batch)
		}
		read, choose := batch[0], batch[1]
		if sessionsFirst {
			d.apply(read())
			d.apply(choose())
		} else {
			d.apply(choose())
			d.apply(read())
		}
		d.until("the account step", atStep(setup.StepAccount))
		if !d.m.proc.Resumed() || d.m.proc.Session().ID != e.cfg.ResumeID {
			t.Fatalf("sessions first %v: --resume did not take the setup:\n%s", sessionsFirst, d.screen())
		}
	}
}

// savedID is the id of the one setup saved in e's store.
func savedID(t *testing.T, e *testEnv) string {
	t.Helper()
	entries, _, err := e.cfg.Store.List()
	if err != nil || len(entries) != 1 {
		t.Fatalf("%d saved setups (%v), want 1", len(entries), err)
	}
	return entries[0].Session.ID
}

// At 60 columns the help line still shows each step's first key, the way
// on, all keys and quit.
func TestTheShortHelpKeepsWhatMattersAt60Columns(t *testing.T) {
	eachScreen(t, 60, 20, func(name string, m Model) {
		lines := strings.Split(stable(m.View().Content), "\n")
		last := lines[len(lines)-1]
		keys := m.page().Keys()
		if len(keys) == 0 {
			return
		}
		want := []string{keys[0].Help().Key + " " + keys[0].Help().Desc, "all keys", "ctrl+c quit"}
		for _, k := range keys {
			if k.Help().Key == "enter" {
				want = append(want, "enter "+k.Help().Desc)
			}
		}
		for _, w := range want {
			if !strings.Contains(last, w) {
				t.Errorf("%s: the help line %q lacks %q", name, last, w)
			}
		}
	})
}

// A plain http:// platform on another machine is used only after the
// user's explicit yes, asked in red.
func TestPlainHTTPElsewhereIsAskedFor(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Color = true
	d := newDriver(t, e, 100, 30)
	d.press("up")
	d.typeText("http://192.0.2.2:5130/elements/api-v2")
	d.press("enter")
	d.settle()
	if d.m.step != setup.StepTarget || !says(d.screen(), "cross the network unencrypted") || !says(d.screen(), "y use it, unencrypted") {
		t.Fatalf("no question before sending secrets in clear text:\n%s", d.screen())
	}
	red, _, _ := strings.Cut(d.m.c.styles.Error.Render("This platform URL"), "URL")
	if !strings.Contains(d.m.View().Content, red+"URL is plain http://") {
		t.Error("the question is not in the error style")
	}
	d.press("n")
	if says(d.screen(), "unencrypted") || d.m.step != setup.StepTarget {
		t.Fatalf("n should withdraw the question:\n%s", d.screen())
	}
	d.press("enter", "y")
	d.until("the account step", func(m Model) bool { return m.step == setup.StepAccount })
	if !d.m.proc.Target().AllowPlainHTTP {
		t.Error("the yes was not kept with the target")
	}
}

// A name or tag that would act on the terminal, or is too long, is refused
// where it is typed, saying why.
func TestNamesAndTagsAreChecked(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("ctrl+u")
	d.apply(tea.PasteMsg{Content: "invoice\u202Efdp.exe"})
	d.press("enter")
	d.settle()
	if d.m.step != setup.StepInstance || d.m.pages[setup.StepInstance].(instancePage).form.problem(fieldName) == nil {
		t.Fatalf("a name with a bidi override was taken:\n%s", d.screen())
	}
	d.press("ctrl+u")
	d.typeText(strings.Repeat("n", setup.MaxNameLen+1))
	if d.m.pages[setup.StepInstance].(instancePage).form.problem(fieldName) == nil {
		t.Error("a name over the limit was taken")
	}
}

// A browser link fetched twice: someone on this machine may have read the
// state, so the code that comes back is refused and enter starts afresh.
func TestAStolenLinkIsRefused(t *testing.T) {
	e := newTestEnv(t)
	open := e.cfg.Deps.Open
	e.cfg.Deps.Open = func(ctx context.Context, link string) error {
		if strings.Contains(link, "/start/") && e.browser.openedCount() == 0 {
			stolen, err := follow(link) // another user, first, learns the state
			if err != nil {
				return err
			}
			follow(link) // the user's browser gets "already used"
			// The thief approves with the stolen state, and its code
			// reaches the listener.
			return open(ctx, stolen)
		}
		return open(ctx, link)
	}
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("enter")
	d.shows("may have read")
	if setup.ExitStatus(t.Context(), d.m.Err()) != setup.ExitAuthorization || !says(d.screen(), "enter authorize again") {
		t.Fatalf("after a stolen link:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
	if len(e.sb.Instances()) != 0 {
		t.Error("an instance was made with a stolen link's code")
	}
}
