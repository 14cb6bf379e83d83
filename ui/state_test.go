package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// TestResumeAfterAnUnansweredCreateAuthorizesAgain: a setup saved with its
// create sent but unanswered has no instance id yet; resuming it must ask
// for a new grant code (Create then looks for the instance first), not show
// the Register screen for "instance 0".
func TestResumeAfterAnUnansweredCreateAuthorizesAgain(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	now := time.Now()
	if err := e.cfg.Store.Save(setup.Session{ID: "abcdefabcdef", BaseURL: e.sb.BaseURL, Name: "Hootsuite webhooks",
		CallbackURL: setup.DefaultCallbackURL, ClientID: sandbox.DemoClientID, CreateSent: true, Stage: setup.StageNew,
		Started: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, New(e.cfg), 100, 30)
	d.apply(d.m.Init()())
	d.press("y", "enter")
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the authorize step", func(m Model) bool { return m.step == StepAuthorize && m.auth.url != "" })
	if !strings.Contains(d.m.View().Content, "Authorize again") {
		t.Errorf("no word of why the browser is needed again:\n%s", d.m.View().Content)
	}
	d.until("the create step", atStep(StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
	if all := e.sb.Instances(); len(all) != 1 {
		t.Errorf("instances after resuming = %d, want 1", len(all))
	}
}

// TestAnotherPlatformDropsTheAcceptedResume: accepting the offer for one
// platform, going back and choosing another must start a new setup there,
// not carry the first platform's instance over.
func TestAnotherPlatformDropsTheAcceptedResume(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	quitAfterCreate(t, e)

	other := sandboxtest.Start(t, sandbox.Options{})
	d := newDriver(t, New(e.cfg), 100, 30)
	d.apply(d.m.Init()())
	d.press("y", "enter")
	d.until("the account step", atStep(StepAccount))
	d.press("esc")
	for range len(e.sb.BaseURL) {
		d.press("backspace")
	}
	d.typeText(other.BaseURL)
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the next step", func(m Model) bool { return m.step != StepAccount || m.err != nil })
	if d.m.step != StepApp || d.m.proc != nil || d.m.resuming != nil {
		t.Fatalf("step %v, procedure %v, resuming %v: want a new setup on the app step", d.m.step, d.m.proc != nil, d.m.resuming != nil)
	}
}

// failingSaver saves the first n times, then fails.
type failingSaver struct {
	mu sync.Mutex
	n  int
}

func (f *failingSaver) Save(setup.Session) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n--; f.n < 0 {
		return errors.New("disk full")
	}
	return nil
}

// TestResultComesFromTheProcedure: when the last save fails after the
// instance was patched, the wizard's result is still the instance's, not
// an empty one (the exit summary prints it).
func TestResultComesFromTheProcedure(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	d := newDriver(t, New(e.cfg), 100, 30)
	driveToInstance(d)
	d.press("enter")
	d.until("the register step", atStep(StepRegister))
	p, err := setup.Resume(d.m.client, d.m.inputs(), d.m.proc.Session(), setup.Options{Saver: &failingSaver{n: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d.m.proc = p
	d.press("enter")
	d.until("the finish error", func(m Model) bool { return m.step == StepFinish && m.err != nil })
	res, ok := d.m.Result()
	if !ok || res.ID == 0 || res.ID != p.Session().InstanceID || res.Token == "" {
		t.Errorf("Result() = %+v, %v: want instance %d with its token", res, ok, p.Session().InstanceID)
	}
}

// countingSaver counts saves at each stage.
type countingSaver struct {
	mu      sync.Mutex
	byStage map[setup.Stage]int
}

func (c *countingSaver) Save(s setup.Session) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byStage[s.Stage]++
	return nil
}

// TestKeysWaitWhileACallIsUnderWay: a second enter while "Saving…" must not
// send the call again.
func TestKeysWaitWhileACallIsUnderWay(t *testing.T) {
	e := tenantEnv(t, t.TempDir())
	d := newDriver(t, New(e.cfg), 100, 30)
	driveToInstance(d)
	d.press("enter")
	d.until("the register step", atStep(StepRegister))
	saves := &countingSaver{byStage: map[setup.Stage]int{}}
	p, err := setup.Resume(d.m.client, d.m.inputs(), d.m.proc.Session(), setup.Options{Saver: saves})
	if err != nil {
		t.Fatal(err)
	}
	d.m.proc = p
	d.press("enter", "enter", "enter")
	d.until("the finish step", atStep(StepFinish))
	d.until("the end", func(m Model) bool { return m.finish.ok })
	if n := saves.byStage[setup.StageRegistered]; n != 1 {
		t.Errorf("the registration was saved %d times, want 1", n)
	}
}

// TestPastedURLIsCheckedLikeTypedOne: the "another URL" field checks what
// it holds after a paste as after a key, and an emptied field shows no
// problem.
func TestPastedURLIsCheckedLikeTypedOne(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, New(e.cfg), 100, 30)
	d.press("up")
	if !d.m.target.customFocused() {
		t.Fatal("up from the first option should reach the custom URL field")
	}
	d.typeText("ftp://x")
	if d.m.target.problem == nil {
		t.Fatal("ftp://x accepted as it was typed")
	}
	for range len("ftp://x") {
		d.press("backspace")
	}
	if d.m.target.problem != nil {
		t.Errorf("an empty field still shows %v", d.m.target.problem)
	}
	d.apply(tea.PasteMsg{Content: "ftp://pasted"})
	if d.m.target.problem == nil {
		t.Error("a pasted ftp:// URL was not checked")
	}
	for range len("ftp://pasted") {
		d.press("backspace")
	}
	d.apply(tea.PasteMsg{Content: "https://api.example.com/elements/api-v2"})
	if d.m.target.problem != nil {
		t.Errorf("a pasted valid URL still shows %v", d.m.target.problem)
	}
}
