package ui

import (
	"strings"
	"testing"
	"time"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// wizardFaultTimes makes every attempt meet the fault (three of hootwire's,
// each possibly resent once by Go's transport on a dropped connection).
const wizardFaultTimes = 6

// TestFaultMatrixWizard meets every fault of the sandbox's catalogue on
// every call in the wizard: the error shows on the step where it happened,
// with the action that fits, and the wizard recovers once the fault is gone.
func TestFaultMatrixWizard(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix takes a while")
	}
	calls := []struct {
		op    sandbox.Op
		name  string
		says  string // the call's name in its error message
		step  Step
		reach func(d *driver)          // drive up to the call, which then fails
		retry func(d *driver, m Model) // act on the error once the fault is gone
		done  func(Model) bool
		after int // instances in the end
	}{
		{sandbox.OpListInstances, "account check", api.OpCheckAccount, StepAccount,
			func(d *driver) {
				d.press("enter")
				d.until("the account step", atStep(StepAccount))
				d.press("enter", "enter")
			},
			func(d *driver, _ Model) { d.press("enter") },
			func(m Model) bool { return m.step == StepApp }, 0},
		{sandbox.OpOAuthURL, "redirect URL", api.OpOAuthURL, StepAuthorize,
			func(d *driver) { toAuthorizeNoWait(d) },
			func(d *driver, _ Model) { d.press("enter") },
			func(m Model) bool { return m.step == StepCreate }, 0},
		{sandbox.OpCreateInstance, "create", api.OpCreateInstance, StepCreate,
			func(d *driver) {
				toAuthorize(d)
				d.until("the create step", atStep(StepCreate))
				d.press("enter")
			},
			func(d *driver, m Model) {
				if strings.Contains(m.errHint, "authorize afresh") {
					d.press("a")
					d.until("the create step again", atStep(StepCreate))
				}
				d.press("enter")
			},
			func(m Model) bool { return m.create.instance != nil }, 1},
		{sandbox.OpPatchInstance, "patch", api.OpPatchInstance, StepFinish, toFinish,
			func(d *driver, _ Model) { d.press("enter") },
			func(m Model) bool { return m.finish.ok }, 1},
		{sandbox.OpGetInstance, "read back", api.OpGetInstance, StepFinish, toFinish,
			func(d *driver, _ Model) { d.press("enter") },
			func(m Model) bool { return m.finish.ok }, 1},
		{sandbox.OpDeleteInstance, "delete", api.OpDeleteInstance, StepRegister,
			func(d *driver) {
				toInstance(d)
				d.press("enter")
				d.until("the register step", atStep(StepRegister))
				d.press("ctrl+c", "d", "y")
			},
			func(d *driver, _ Model) { d.press("ctrl+c", "d", "y") },
			func(m Model) bool { return m.done }, 0},
	}
	// The rows where hootwire gets past the fault by itself: the body of
	// the account check and of a delete is not read, and a create whose
	// answer is lost or unreadable is found again by its tag.
	silent := map[string]bool{
		"account check/malformed JSON": true, "account check/empty body with 200": true,
		"create/dropped after the request": true, "create/malformed JSON": true, "create/empty body with 200": true,
		"delete/malformed JSON": true, "delete/empty body with 200": true,
	}
	for _, call := range calls {
		for _, row := range sandbox.Catalog(call.op, wizardFaultTimes) {
			t.Run(call.name+"/"+row.Name, func(t *testing.T) {
				t.Parallel()
				e := newTestEnv(t)
				e.cfg.APIOptions.Timeout = 300 * time.Millisecond
				e.cfg.APIOptions.CreateTimeout = 300 * time.Millisecond
				d := newDriver(t, New(e.cfg), 100, 30)
				e.sb.InjectFault(row.Fault)
				call.reach(d)
				d.until("the call's outcome", func(m Model) bool { return m.err != nil || call.done(m) })
				if d.m.err == nil && !silent[call.name+"/"+row.Name] {
					t.Fatal("the fault was met without an error on screen")
				}
				if d.m.err != nil && silent[call.name+"/"+row.Name] {
					t.Fatalf("hootwire should get past this fault by itself: %v", d.m.err)
				}
				if m := d.m; m.err != nil {
					if m.step != call.step {
						t.Fatalf("the error shows on %v, not on the step of the call (%v)", m.step, call.step)
					}
					view := m.View().Content
					if !strings.Contains(strings.ToLower(m.errHint), "press ") || !strings.Contains(stable(view), "Error: ") {
						t.Fatalf("no error with a key to press on screen:\n%s", view)
					}
					if msg, says := m.errText(m.err), sandboxtest.FaultSays(t, row.Name); !strings.Contains(msg, call.says) || !strings.Contains(msg, says) {
						t.Fatalf("the error should name %q and %q: %s", call.says, says, msg)
					}
					if len(e.sb.Instances()) > 1 {
						t.Fatal("a second instance")
					}
					if all := e.sb.Instances(); len(all) == 1 && (m.proc == nil || m.proc.Session().InstanceID != all[0].ID || m.proc.Session().Token != all[0].Token) {
						t.Fatal("the instance exists but the wizard lost its id or token")
					}
					e.sb.ClearFaults()
					call.retry(d, m)
					d.until("recovery", call.done)
				}
				if n := len(e.sb.Instances()); n != call.after {
					t.Errorf("%d instances in the end, want %d", n, call.after)
				}
			})
		}
	}
}

func toAuthorizeNoWait(d *driver) {
	d.press("enter")
	d.until("the account step", atStep(StepAccount))
	d.press("enter", "enter")
	d.until("the app step", atStep(StepApp))
	d.press("enter", "enter", "enter", "enter", "enter", "enter")
}

func toInstance(d *driver) {
	toAuthorize(d)
	d.until("the create step", atStep(StepCreate))
	d.press("enter")
	d.until("the instance", func(m Model) bool { return m.create.instance != nil })
}

func toFinish(d *driver) {
	toInstance(d)
	d.press("enter")
	d.until("the register step", atStep(StepRegister))
	d.press("enter")
}
