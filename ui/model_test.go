package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// walk takes a sandbox wizard from the first screen to the end, checking
// each screen against its golden file on the way.
func TestWizardScreens(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	shot := func(name string) {
		t.Helper()
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, stable(d.m.View().Content)) })
	}
	shot("1_target")
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	shot("2_account")
	d.press("enter", "enter")
	d.until("the app step", atStep(StepApp))
	shot("3_app")
	d.press("enter", "enter", "enter")
	d.until("the instance step", atStep(StepInstance))
	shot("4_instance")
	d.press("enter", "enter", "enter")
	d.until("the grant code", atStep(StepCreate))
	if len(e.browser.opened) != 1 {
		t.Fatalf("browser opened %d times", len(e.browser.opened))
	}
	shot("6_create_preview")
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
	shot("6_create_done")
	d.press("r")
	if !strings.Contains(d.m.View().Content, d.m.create.instance.Token) {
		t.Error("r should reveal the token")
	}
	d.press("r", "enter")
	d.until("the register step", atStep(StepRegister))
	shot("7_register")
	d.press("c")
	d.until("the copy", func(Model) bool { return len(d.clipboard) == 1 })
	if want := d.m.proc.WebhookURL(); d.clipboard[0] != want {
		t.Errorf("copied %q, want %q", d.clipboard[0], want)
	}
	if !strings.Contains(d.m.View().Content, "Copied the webhook URL") {
		t.Error("copy should say it copied")
	}
	d.press("enter")
	d.until("the end", func(m Model) bool { return m.step == StepFinish && m.finish.ok })
	shot("8_finish")
	res, ok := d.m.Result()
	if !ok || !res.Patched {
		t.Fatalf("result = %+v, %v", res, ok)
	}
	all := e.sb.Instances()
	if len(all) != 1 || all[0].Config["event.notification.callback.url"] != res.WebhookURL {
		t.Errorf("sandbox = %+v", all)
	}
	d.press("enter")
	d.until("quit", func(Model) bool { return d.quit })
}

func TestAuthorizeScreen(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.until("the listener", func(m Model) bool { return m.auth.listening && m.auth.browser != "" })
	golden.RequireEqual(t, stable(d.m.View().Content))
}

func toAuthorize(d *driver) {
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the app step", atStep(StepApp))
	d.press("enter", "enter", "enter", "enter", "enter", "enter")
	d.until("the authorize step", func(m Model) bool { return m.step == StepAuthorize && m.auth.url != "" })
}

func TestNarrowWindowAsksForMoreRoom(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 59, 30)
	golden.RequireEqual(t, stable(d.m.View().Content))
	d.apply(tea.WindowSizeMsg{Width: 60, Height: 20})
	if strings.Contains(d.m.View().Content, "needs a window") {
		t.Error("60x20 is enough")
	}
}

func TestWrongSecretFailsOnTheAccountStep(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	d.press("backspace")
	d.press("enter", "enter")
	d.until("the error", func(m Model) bool { return m.err != nil })
	if d.m.step != StepAccount {
		t.Fatalf("step = %v", d.m.step)
	}
	view := d.m.View().Content
	for _, want := range []string{"401", "Invalid Organization or User secret", "Correct the secrets"} {
		if !strings.Contains(view, want) {
			t.Errorf("screen lacks %q:\n%s", want, view)
		}
	}
	// Correcting it goes on.
	d.press("shift+tab")
	d.typeText(sandbox.DemoUserSecret[len(sandbox.DemoUserSecret)-1:])
	d.press("enter", "enter")
	d.until("the app step", atStep(StepApp))
}

func TestNoFrameShowsASecret(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.until("the create step", atStep(StepCreate))
	code := d.m.create.code
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
	token := d.m.create.instance.Token
	d.press("enter")
	d.until("register", atStep(StepRegister))
	d.press("enter")
	d.until("the end", func(m Model) bool { return m.finish.ok })
	for i, v := range d.views {
		for _, s := range []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret, code, token} {
			if strings.Contains(v, s) {
				t.Fatalf("frame %d shows a secret %q:\n%s", i, s, v)
			}
		}
	}
	if len(d.views) < 20 {
		t.Errorf("only %d frames: the walk did not run", len(d.views))
	}
}

func TestPrefilledValuesAreAcceptedWithEnter(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill = setup.Inputs{Name: "From a flag", Tags: []string{"ci", "demo"}, CallbackURL: "http://127.0.0.1:4999/cb"}
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	s := d.m.proc.Session()
	if s.Name != "From a flag" || strings.Join(s.Tags, ",") != "ci,demo" || s.CallbackURL != "http://127.0.0.1:4999/cb" {
		t.Errorf("session = %+v", s)
	}
}

func TestFieldsAreValidatedAsTyped(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the app step", atStep(StepApp))
	d.press("tab", "tab", "ctrl+u")
	d.typeText("http://example.com/cb")
	view := d.m.View().Content
	if !strings.Contains(view, "Hootsuite accepts https:// or http://localhost callback URLs only") {
		t.Errorf("the callback URL's problem should show as it is typed:\n%s", view)
	}
	d.press("enter")
	if d.m.step != StepApp {
		t.Error("an invalid field must keep the user on the step")
	}
}

func TestBackGoesBackUntilTheInstanceExists(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.press("esc")
	if d.m.step != StepInstance {
		t.Fatalf("esc on authorize went to %v", d.m.step)
	}
	d.press("esc")
	if d.m.step != StepApp {
		t.Fatalf("esc on instance went to %v", d.m.step)
	}
	d.press("enter", "enter", "enter", "enter", "enter", "enter")
	d.until("the create step", atStep(StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
	d.press("esc")
	if d.m.step != StepCreate {
		t.Error("esc must not go back once the instance exists")
	}
	if strings.Contains(d.m.View().Content, "esc back") {
		t.Error("the help must not offer esc once the instance exists")
	}
}

func TestQuitAsksOnceTheInstanceExists(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.until("the create step", atStep(StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
	d.press("ctrl+c")
	view := d.m.View().Content
	if d.quit || !strings.Contains(view, "Instance 427236 lives in the sandbox") {
		t.Fatalf("ctrl+c should ask, naming the instance:\n%s", view)
	}
	d.press("n")
	if d.m.quitting {
		t.Fatal("n should stay")
	}
	d.press("ctrl+c", "y")
	d.until("quit", func(Model) bool { return d.quit })
}

func TestQuitBeforeAnInstanceIsImmediate(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("ctrl+c")
	d.until("quit", func(Model) bool { return d.quit })
}

func TestDenialThenRetry(t *testing.T) {
	e := newTestEnv(t)
	e.browser.deny = true
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.until("the denial", func(m Model) bool { return m.err != nil })
	view := d.m.View().Content
	if !strings.Contains(view, "access_denied") || !strings.Contains(view, "fresh authorization") {
		t.Fatalf("denial screen:\n%s", view)
	}
	e.browser.mu.Lock()
	e.browser.deny = false
	e.browser.mu.Unlock()
	d.press("enter")
	d.until("the create step", atStep(StepCreate))
	if n := len(e.browser.opened); n != 2 {
		t.Errorf("browser opened %d times, want 2", n)
	}
}

func TestPasteInsteadOfTheBrowser(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.until("the browser's failure", func(m Model) bool { return m.auth.browser != "" })
	if !strings.Contains(d.m.View().Content, "No browser could be opened here") {
		t.Errorf("screen:\n%s", d.m.View().Content)
	}
	back, err := e.sb.Approve(d.m.auth.url)
	if err != nil {
		t.Fatal(err)
	}
	d.press("p")
	d.typeText("http://localhost:4668/callback?code=wrong&state=not-ours")
	d.press("enter")
	if d.m.err == nil || !strings.Contains(d.m.View().Content, "state does not match") {
		t.Fatalf("a foreign state must be refused:\n%s", d.m.View().Content)
	}
	d.press("ctrl+u")
	d.typeText(back.String())
	if strings.Contains(d.m.View().Content, back.Query().Get("code")) {
		t.Fatal("the pasted code must not be echoed")
	}
	d.press("enter")
	d.until("the create step", atStep(StepCreate))
	if d.m.create.code != back.Query().Get("code") {
		t.Error("the pasted code was not taken")
	}
}

func TestSandboxApproveKey(t *testing.T) {
	e := newTestEnv(t)
	e.browser.offline = true
	d := newDriver(t, New(e.cfg), 100, 30)
	toAuthorize(d)
	d.press("a")
	d.until("the create step", atStep(StepCreate))
}

func TestCreateErrorsOfferTheFittingAction(t *testing.T) {
	cases := []struct {
		name  string
		fault sandbox.Fault
		want  string
	}{
		{"platform failure, no instance made", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 503, Times: 1}, "press a to authorize afresh"},
		{"spent code", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", ProviderMessage: "invalid_grant", Times: 1}, "press a to authorize afresh"},
		{"wrong secret", sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 401, Times: 1}, "correct them"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			d := newDriver(t, New(e.cfg), 100, 30)
			toAuthorize(d)
			d.until("the create step", atStep(StepCreate))
			e.sb.InjectFault(c.fault)
			d.press("enter")
			d.until("the error", func(m Model) bool { return m.err != nil })
			if view := d.m.View().Content; !strings.Contains(view, c.want) || !strings.Contains(view, "request id") {
				t.Fatalf("screen lacks %q and the request id:\n%s", c.want, view)
			}
			if strings.Contains(c.want, "authorize afresh") {
				d.press("a")
				d.until("the create step again", atStep(StepCreate))
			}
			d.press("enter")
			d.until("the instance", func(m Model) bool { return m.create.instance != nil })
			if n := len(e.sb.Instances()); n != 1 {
				t.Errorf("%d instances", n)
			}
		})
	}
}

func TestNoColorMeansNoColor(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	if v := d.m.View().Content; strings.Contains(v, "\x1b[3") || strings.Contains(v, "\x1b[4") || strings.Contains(v, ";5;") || strings.Contains(v, ";2;") {
		t.Errorf("colour codes with Color off:\n%q", v)
	}
	e.cfg.Color = true
	c := newDriver(t, New(e.cfg), 100, 30)
	if v := c.m.View().Content; !strings.Contains(v, "\x1b[") {
		t.Error("with colour on, the view should be styled")
	}
}

func TestTheCursorIsTheTerminalsInTheFocusedField(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	v := d.m.View()
	if v.Cursor == nil {
		t.Fatal("no terminal cursor in a text field")
	}
	lines := strings.Split(ansi.Strip(v.Content), "\n")
	line := lines[v.Cursor.Position.Y]
	if !strings.HasPrefix(strings.TrimSpace(line), ">") {
		t.Errorf("cursor on line %d %q, not the input", v.Cursor.Position.Y, line)
	}
	if want := strings.Index(line, ">") + 2 + len([]rune(sandbox.DemoUserSecret)); v.Cursor.Position.X != want {
		t.Errorf("cursor x = %d, want %d (after the value)", v.Cursor.Position.X, want)
	}
}

// tenantEnv is a wizard for a "real" tenant (the sandbox, reached as any
// URL would be) with a store for its sessions.
func tenantEnv(t *testing.T, dir string) *testEnv {
	e := newTestEnv(t)
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e.cfg.Sandbox = nil
	e.cfg.Store = st
	e.cfg.Prefill = setup.Inputs{
		BaseURL: e.sb.BaseURL, UserSecret: sandbox.DemoUserSecret, OrgSecret: sandbox.DemoOrgSecret,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret,
	}
	return e
}

func driveToInstance(d *driver) {
	d.apply(d.m.Init()())
	toAuthorize(d)
	d.until("the create step", atStep(StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
}

func TestAbandonOffersToDeleteTheInstance(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	d := newDriver(t, New(e.cfg), 100, 30)
	driveToInstance(d)
	d.press("ctrl+c")
	if view := d.m.View().Content; !strings.Contains(view, "hootwire --resume") || !strings.Contains(view, "d: delete it") {
		t.Fatalf("quit question:\n%s", view)
	}
	d.press("d")
	if view := d.m.View().Content; !strings.Contains(view, "Delete instance 427236 at Open Connectors? This cannot be undone.") {
		t.Fatalf("delete must be confirmed:\n%s", view)
	}
	d.press("y")
	d.until("quit", func(Model) bool { return d.quit })
	if n := len(e.sb.Instances()); n != 0 {
		t.Errorf("%d instances left", n)
	}
	entries, _, _ := e.cfg.Store.List()
	if len(entries) != 1 || entries[0].Session.Stage != setup.StageDeleted || entries[0].Session.Token != "" {
		t.Errorf("session after delete = %+v", entries)
	}
}

// quitAfterCreate is a first run that creates an instance and quits,
// leaving its setup saved and unfinished.
func quitAfterCreate(t testing.TB, e *testEnv) {
	first := newDriver(t, New(e.cfg), 100, 30)
	driveToInstance(first)
	first.press("ctrl+c", "y")
	first.until("quit", func(Model) bool { return first.quit })
}

func TestResumeOfferContinuesTheSavedSetup(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	quitAfterCreate(t, e)

	// A new run on the same platform offers to continue it.
	d := newDriver(t, New(e.cfg), 100, 30)
	d.apply(d.m.Init()())
	view := d.m.View().Content
	if !strings.Contains(view, "An unfinished setup exists for this platform: instance 427236") {
		t.Fatalf("no resume offer:\n%s", view)
	}
	d.press("y")
	d.press("enter") // the target
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the register step", atStep(StepRegister))
	if !strings.Contains(d.m.View().Content, "Resuming instance 427236") {
		t.Errorf("screen:\n%s", d.m.View().Content)
	}
	d.press("enter")
	d.until("the end", func(m Model) bool { return m.finish.ok })
	all := e.sb.Instances()
	if len(all) != 1 || all[0].Patches != 1 {
		t.Errorf("sandbox = %+v", all)
	}
}

func TestHelpKeyWhereItWorks(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("?")
	if !d.m.help.ShowAll || !strings.Contains(d.m.View().Content, "next field") {
		t.Fatalf("? should show all keys on the target list:\n%s", d.m.View().Content)
	}
	d.press("?", "enter")
	d.until("the account step", atStep(StepAccount))
	if strings.Contains(d.m.View().Content, "? all keys") {
		t.Error("in a text field ? is text: the help line must not offer it")
	}
	before := d.m.account.fields[0].input.Value()
	d.press("?")
	if d.m.account.fields[0].input.Value() != before+"?" {
		t.Error("? should be typed into the field")
	}
}

func TestSmallestWindowKeepsTheLayout(t *testing.T) {
	for _, s := range walkScreens(t, 60, 20) {
		t.Run(s.name, func(t *testing.T) {
			view := stable(s.m.View().Content)
			lines := strings.Split(view, "\n")
			if len(lines) > 20 {
				t.Errorf("%d lines in a 20-line window", len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > 60 {
					t.Errorf("a line %d wide in a 60-column window: %q", w, l)
				}
			}
			if !strings.Contains(view, "Step ") || !strings.Contains(lines[len(lines)-1], " • ") {
				t.Errorf("the step header and the help must stay:\n%s", view)
			}
		})
	}
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 60, 20)
	toAuthorize(d)
	d.until("the create step", atStep(StepCreate))
	golden.RequireEqual(t, stable(d.m.View().Content))
}
