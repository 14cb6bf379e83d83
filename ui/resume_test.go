package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// quitAfterCreate is a first run that creates an instance and quits,
// leaving its setup saved and unfinished.
func quitAfterCreate(t *testing.T, e *testEnv) {
	t.Helper()
	first := newDriver(t, e, 100, 30)
	first.walkTo(setup.StepCreate)
	first.press("enter")
	first.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	first.press("ctrl+c", "y")
	first.until("quit", func(Model) bool { return first.quit })
}

func TestResumeOfferContinuesTheSavedSetup(t *testing.T) {
	e := tenantEnv(t)
	quitAfterCreate(t, e)

	// A new run on the same platform offers to continue it.
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	d.press("enter")
	d.shows(`An unfinished setup exists for this platform: setup ` + savedID(t, e)[:6] + `, instance 427236 ("Hootsuite webhooks"), created`)
	d.press("y")
	d.shows("Resuming")
	d.press("enter")
	d.until("the register step", atStep(setup.StepRegister))
	d.shows("Resuming instance 427236 (Hootsuite webhooks): register its webhook URL, then press enter.")
	d.press("enter")
	d.until("the end", func(m Model) bool { return idle(m) && m.proc.Done() })
	all := e.sb.Instances()
	if len(all) != 1 || all[0].Patches != 1 {
		t.Errorf("sandbox = %+v", all)
	}
}

// TestResumeFlagTakesTheSavedSetup: --resume continues without asking.
func TestResumeFlagTakesTheSavedSetup(t *testing.T) {
	e := tenantEnv(t)
	quitAfterCreate(t, e)
	e.cfg.ResumeID = savedID(t, e)
	e.cfg.Prefill.BaseURL = e.sb.BaseURL
	d := newDriver(t, e, 100, 30)
	// Its platform is the setup's: no target step.
	d.until("the account step", atStep(setup.StepAccount))
	if says(d.screen(), "Resume it?") {
		t.Errorf("--resume should not ask:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the register step", atStep(setup.StepRegister))
}

// TestAnotherPlatformDropsTheAcceptedResume: accepting the offer for one
// platform, going back and choosing another must start a new setup there,
// not carry the first platform's instance over.
func TestAnotherPlatformDropsTheAcceptedResume(t *testing.T) {
	e := tenantEnv(t)
	quitAfterCreate(t, e)

	other := sandboxtest.Start(t, sandbox.Options{})
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessions != nil })
	d.press("enter")
	d.shows("Resume it?")
	d.press("y", "esc", "ctrl+u")
	d.typeText(other.BaseURL)
	d.press("enter")
	d.until("the account step", atStep(setup.StepAccount))
	if says(d.screen(), "Resume it?") || d.m.proc.Resumed() {
		t.Fatalf("the first platform's setup was carried over:\n%s", d.screen())
	}
	d.press("enter")
	d.until("the app step", atStep(setup.StepApp))
}

// TestKeysWaitWhileACallIsUnderWay: a second enter while the create is
// under way must not send it again.
func TestKeysWaitWhileACallIsUnderWay(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	d.press("enter", "enter", "enter")
	d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
	d.settle()
	if d.m.Err() != nil || d.m.step != setup.StepCreate {
		t.Errorf("after enter pressed thrice: step %v, error %v", d.m.step, d.m.Err())
	}
	if n := len(e.sb.Instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

// TestPastedURLIsCheckedLikeTypedOne: the "another URL" field checks what
// it holds after a paste as after a key, and an emptied field shows no
// problem.
func TestPastedURLIsCheckedLikeTypedOne(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.press("up")
	problem := func() error { return d.m.pages[setup.StepTarget].(targetPage).problem }
	d.typeText("ftp://x")
	if problem() == nil {
		t.Fatal("ftp://x accepted as it was typed")
	}
	d.press("ctrl+u")
	if problem() != nil {
		t.Errorf("an empty field still shows %v", problem())
	}
	d.apply(tea.PasteMsg{Content: "ftp://pasted"})
	if problem() == nil {
		t.Error("a pasted ftp:// URL was not checked")
	}
	d.press("ctrl+u")
	d.apply(tea.PasteMsg{Content: "https://api.example.com/elements/api-v2"})
	if problem() != nil {
		t.Errorf("a pasted valid URL still shows %v", problem())
	}
}

// TestWizardWithTheRealListener runs the wizard with oauthflow's loopback
// listener; the fake browser approves on the sandbox's consent page and
// follows the redirect to it, as a browser would.
func TestWizardWithTheRealListener(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Prefill.CallbackURL = sandboxtest.CallbackURL(t)
	e.cfg.Deps.NewState = nil
	e.cfg.Deps.Listen = nil
	e.cfg.Deps.Open = func(ctx context.Context, link string) error {
		u, err := follow(link)
		if err != nil {
			return err
		}
		back, err := e.sb.Approve(u)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
		if err != nil {
			return err
		}
		resp, err := (&http.Client{Transport: &http.Transport{Proxy: nil}}).Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepInstance)
	d.press("ctrl+u")
	d.typeText("Demo instance")
	d.press("tab")
	d.typeText("onboarding, demo")
	d.press("enter")
	d.until("the create step", atStep(setup.StepCreate))
	walkToTheEnd(d)
	all := e.sb.Instances()
	if len(all) != 1 || all[0].Name != "Demo instance" || all[0].Patches != 1 {
		t.Fatalf("sandbox = %+v", all)
	}
	if !strings.HasPrefix(strings.Join(all[0].Tags, ","), "onboarding,demo,hootwire-session-") {
		t.Errorf("tags = %v", all[0].Tags)
	}
}
