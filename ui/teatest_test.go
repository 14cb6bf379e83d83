package ui

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/oauthflow"
)

// observed wraps the wizard inside a real tea.Program so the test can see
// the model as the program's loop leaves it after every message.
type observed struct {
	Model
	mu   *sync.Mutex
	last *Model
}

func (o observed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := o.Model.Update(msg)
	o.Model = next.(Model)
	o.mu.Lock()
	*o.last = o.Model
	o.mu.Unlock()
	return o, cmd
}

func (o observed) current() Model {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.last
}

// TestWizardInAProgram runs the whole wizard in a Bubble Tea program against
// the sandbox, keys typed as a user would, consent approved through the
// fake opener, and ends with the instance patched in the sandbox.
func TestWizardInAProgram(t *testing.T) {
	e := newTestEnv(t)
	// The real loopback listener this time; the fake opener approves on the
	// sandbox's consent page and follows the redirect to it, as a browser would.
	e.cfg.Prefill.CallbackURL = sandboxtest.CallbackURL(t)
	e.cfg.Deps.NewState = oauthflow.NewState
	e.cfg.Deps.NeedsListener = oauthflow.NeedsListener
	e.cfg.Deps.Listen = func(ctx context.Context, callbackURL, state string) (Listener, error) {
		return oauthflow.Listen(ctx, callbackURL, state, oauthflow.ListenOptions{})
	}
	e.cfg.Deps.Open = func(ctx context.Context, u string) error {
		back, err := e.sb.Approve(u)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	start := New(e.cfg)
	o := observed{Model: start, mu: &sync.Mutex{}, last: &start}
	tm := teatest.NewTestModel(t, o, teatest.WithInitialTermSize(100, 30))
	waitFor := func(what string, cond func(Model) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond(o.current()) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s; screen:\n%s", what, o.current().View().Content)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	enter := func() { tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) }

	waitFor("the target step", func(m Model) bool { return m.width == 100 })
	enter() // the sandbox
	waitFor("the account step", atStep(StepAccount))
	enter()
	enter() // demo secrets, checked
	waitFor("the app step", atStep(StepApp))
	enter()
	enter()
	enter()
	waitFor("the instance step", atStep(StepInstance))
	tm.Type("demo") // name: "Hootsuite webhooksdemo"
	enter()
	tm.Type("onboarding, demo")
	enter()
	enter()
	waitFor("the grant code", atStep(StepCreate))
	enter()
	waitFor("the instance", func(m Model) bool { return m.create.instance != nil && m.busy == "" })
	enter()
	waitFor("the register step", atStep(StepRegister))
	enter()
	waitFor("the end", func(m Model) bool { return m.finish.ok })
	enter()
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(observed).Model
	res, ok := final.Result()
	if !ok || !res.Patched {
		t.Fatalf("result = %+v, %v", res, ok)
	}
	all := e.sb.Instances()
	if len(all) != 1 {
		t.Fatalf("sandbox holds %d instances", len(all))
	}
	got := all[0]
	if got.Name != "Hootsuite webhooksdemo" || got.Config["event.notification.callback.url"] != res.WebhookURL || got.Patches != 1 {
		t.Errorf("sandbox instance = %+v", got)
	}
	if !strings.HasPrefix(strings.Join(got.Tags, ","), "onboarding,demo,hootwire-session-") {
		t.Errorf("tags = %v", got.Tags)
	}
}
