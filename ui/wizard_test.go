package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
)

// TestWizardScreens walks a sandbox wizard from the first screen to the
// end at 100x30, checking each screen against its golden file.
func TestWizardScreens(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	shot := func(name string) {
		t.Helper()
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
	}
	for _, s := range []setup.Step{setup.StepTarget, setup.StepAccount, setup.StepApp, setup.StepInstance, setup.StepAuthorize} {
		d.walkTo(s)
		shot(stepFile(s))
	}
	d.walkTo(setup.StepCreate)
	shot("6_create_preview")
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	shot("6_create_done")
	d.walkTo(setup.StepRegister)
	shot(stepFile(setup.StepRegister))
	walkToTheEnd(d)
	shot(stepFile(setup.StepFinish))
}

// stepFile names a step's screen in golden files and benchmarks.
func stepFile(s setup.Step) string {
	names := [...]string{"target", "account", "app", "instance", "authorize", "create", "register", "finish"}
	return fmt.Sprintf("%d_%s", int(s)+1, names[s])
}

// TestTheSandboxWalkTakesNineKeys: with everything prefilled, one key a
// step takes a new user from the first screen to a patched instance and
// out, where no browser can open (so a is pressed on the authorize step).
func TestTheSandboxWalkTakesNineKeys(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	walkToTheEnd(d)
	d.press("enter")
	d.until("quit", func(Model) bool { return d.quit })
	if d.keys > 9 {
		t.Errorf("%d keys from the first screen to the end, want at most 9", d.keys)
	}
	all := e.sb.Instances()
	if len(all) != 1 || all[0].Patches != 1 {
		t.Errorf("sandbox = %+v", all)
	}
}

func TestNoFrameShowsASecret(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	walkToTheEnd(d)
	all := e.sb.Instances()
	secrets := []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret, all[0].Token, d.m.proc.SignatureKey()}
	if d.m.proc.SignatureKey() == "" {
		t.Fatal("no signature key was made")
	}
	secrets = append(secrets, e.browser.codes()...)
	for i, v := range d.views {
		for _, s := range secrets {
			// flat: a secret broken across two lines is still on screen.
			if strings.Contains(flat(v), flat(s)) {
				t.Fatalf("frame %d shows a secret %.6s…:\n%s", i, s, v)
			}
		}
	}
	if len(d.views) < 15 {
		t.Errorf("only %d frames: the walk did not run", len(d.views))
	}
}

func TestPrefilledValuesAreAcceptedWithEnter(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill = setup.Inputs{Name: "From a flag", Tags: []string{"ci", "demo"}, CallbackURL: "http://127.0.0.1:4999/cb"}
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	for _, want := range []string{`"name": "From a flag"`, `"ci", "demo"`, `"oauth.callback.url": "http://127.0.0.1:4999/cb"`} {
		if !says(d.body(), want) {
			t.Errorf("the request lacks %s:\n%s", want, d.body())
		}
	}
}

func TestFieldsAreValidatedAsTyped(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepApp)
	d.press("tab", "tab", "ctrl+u")
	d.typeText("http://example.com/cb")
	if !says(d.screen(), "only https:// or http://localhost callback URLs are accepted by Hootsuite") {
		t.Errorf("the callback URL's problem should show as it is typed:\n%s", d.screen())
	}
	d.press("enter")
	d.settle()
	if d.m.step != setup.StepApp {
		t.Error("an invalid field must keep the user on the step")
	}
}

// TestEnterFillsTheFormInOrder: a user typing into empty fields goes from
// one to the next with enter, and the last enter submits.
func TestEnterFillsTheFormInOrder(t *testing.T) {
	e := tenantEnv(t)
	e.cfg.Prefill.UserSecret, e.cfg.Prefill.OrgSecret = "", ""
	d := newDriver(t, e, 100, 30)
	d.press("enter")
	d.until("the account step", atStep(setup.StepAccount))
	d.typeText(sandbox.DemoUserSecret)
	d.press("enter")
	if d.m.step != setup.StepAccount || !says(d.screen(), "› Organization secret") {
		t.Fatalf("enter on a valid first field should go to the empty second one:\n%s", d.screen())
	}
	if says(d.screen(), "missing") {
		t.Errorf("an untouched field shows a problem before the user typed:\n%s", d.screen())
	}
	d.typeText(sandbox.DemoOrgSecret)
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
}

func TestBackGoesBackUntilTheInstanceExists(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	e.browser.offline = true
	d.walkTo(setup.StepAuthorize)
	d.press("esc")
	if d.m.step != setup.StepInstance {
		t.Fatalf("esc on authorize went to %v", d.m.step)
	}
	d.press("esc")
	if d.m.step != setup.StepApp {
		t.Fatalf("esc on instance went to %v", d.m.step)
	}
	// Forward again goes through the instance step, in order.
	d.press("enter")
	d.until("the instance step", atStep(setup.StepInstance))
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.press("esc")
	if d.m.step != setup.StepCreate {
		t.Error("esc must not go back once the instance exists")
	}
	if says(d.screen(), "esc back") {
		t.Error("the help must not offer esc once the instance exists")
	}
}

func TestQuitAsksOnceTheInstanceExists(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.press("ctrl+c")
	if d.quit || !says(d.screen(), "Instance 427236 lives in the sandbox") {
		t.Fatalf("ctrl+c should ask, naming the instance:\n%s", d.screen())
	}
	d.press("n")
	if says(d.screen(), "Quit now?") {
		t.Fatal("n should stay")
	}
	d.press("ctrl+c", "y")
	d.until("quit", func(Model) bool { return d.quit })
}

func TestQuitBeforeAnInstanceIsImmediate(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.press("ctrl+c")
	d.until("quit", func(Model) bool { return d.quit })
}

func TestDenialThenRetry(t *testing.T) {
	e := newTestEnv(t)
	e.browser.deny = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	d.shows("access_denied")
	if !says(d.screen(), "enter authorize again") || !says(d.screen(), "Press enter to authorize again") {
		t.Fatalf("denial screen:\n%s", d.screen())
	}
	e.browser.set(func(b *fakeBrowser) { b.deny = false })
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
	if n := e.browser.openedCount(); n != 2 {
		t.Errorf("browser opened %d times, want 2", n)
	}
}

func TestPasteInsteadOfTheBrowser(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAuthorize)
	d.shows("No browser could be opened here")
	a := d.m.pages[setup.StepAuthorize].(authorizePage)
	back, err := e.sb.Approve(a.auth.URL())
	if err != nil {
		t.Fatal(err)
	}
	d.press("p")
	d.typeText("http://localhost:4668/callback?code=wrong&state=not-ours")
	d.press("enter")
	if !says(d.screen(), "state in the address does not match") {
		t.Fatalf("a foreign state must be refused:\n%s", d.screen())
	}
	d.press("ctrl+u")
	d.typeText(back.String())
	if strings.Contains(d.screen(), back.Query().Get("code")) {
		t.Fatal("the pasted code must not be echoed")
	}
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
	if !d.m.proc.Authorized() {
		t.Error("the pasted code was not taken")
	}
}

func TestCreateErrorsOfferTheFittingAction(t *testing.T) {
	cases := []struct {
		name  string
		fault sandbox.Fault
		want  string
		key   string // what enter says
	}{
		{"platform failure, no instance made", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 503, Times: 1}, "press enter to authorize afresh", "enter authorize again"},
		{"spent code", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", ProviderMessage: "invalid_grant", Times: 1}, "press enter to authorize afresh", "enter authorize again"},
		{"wrong secret", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 401, Times: 1}, "correct them", "esc back"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			d := newDriver(t, e, 100, 30)
			d.walkTo(setup.StepCreate)
			e.sb.InjectFault(c.fault)
			d.press("enter")
			d.until("the error", func(m Model) bool { return m.Err() != nil })
			if !says(d.screen(), c.want) || !says(d.screen(), "request id") || !says(d.screen(), c.key) {
				t.Fatalf("screen lacks %q, %q and the request id:\n%s", c.want, c.key, d.screen())
			}
			if c.key == "esc back" {
				d.press("esc")
			} else {
				d.press("enter")
			}
			d.until("the authorize step", func(m Model) bool { return m.step == setup.StepAuthorize })
			d.until("the create step again", atStep(setup.StepCreate))
			d.press("enter")
			d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
			if n := len(e.sb.Instances()); n != 1 {
				t.Errorf("%d instances", n)
			}
		})
	}
}

func TestNoColorMeansNoColor(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepAccount)
	if v := d.m.View().Content; strings.Contains(v, "\x1b[3") || strings.Contains(v, "\x1b[4") || strings.Contains(v, ";5;") || strings.Contains(v, ";2;") {
		t.Errorf("colour codes with Color off:\n%q", v)
	}
	e.cfg.Color = true
	c := newDriver(t, e, 100, 30)
	if v := c.m.View().Content; !strings.Contains(v, "\x1b[") {
		t.Error("with colour on, the view should be styled")
	}
}

func TestTheCursorIsTheTerminalsInTheFocusedField(t *testing.T) {
	e := tenantEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepApp)
	v := d.m.View()
	if v.Cursor == nil {
		t.Fatal("no terminal cursor in a text field")
	}
	lines := strings.Split(ansi.Strip(v.Content), "\n")
	line := lines[v.Cursor.Position.Y]
	if !strings.HasPrefix(strings.TrimSpace(line), "> "+sandbox.DemoClientID) {
		t.Fatalf("cursor on line %d %q, not the client id's input", v.Cursor.Position.Y, line)
	}
	if want := strings.Index(line, ">") + 2 + len(sandbox.DemoClientID); v.Cursor.Position.X != want {
		t.Errorf("cursor x = %d, want %d (after the value)", v.Cursor.Position.X, want)
	}
}

func TestNarrowWindowAsksForMoreRoom(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 59, 30)
	if !says(d.screen(), "hootwire needs a window of at least 60x20; this one is 59x30") {
		t.Fatalf("screen:\n%s", d.screen())
	}
	d.apply(tea.WindowSizeMsg{Width: 60, Height: 20})
	if says(d.screen(), "needs a window") {
		t.Error("60x20 is enough")
	}
}
