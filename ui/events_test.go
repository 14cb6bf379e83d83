package ui

import (
	"fmt"
	"strings"
	"testing"

	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// TestTheDemoEndsWithASignedEvent: in the sandbox the events come to this
// machine; the register step has the sandbox's app page hold the webhook
// URL, and on the finish step p has its Hootsuite send a ping, which
// arrives through Open Connectors' delivery, signed and verified.
func TestTheDemoEndsWithASignedEvent(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepRegister)
	d.press("enter")
	d.until("the finish step", atStep(setup.StepFinish))
	if got := e.sb.AppStatus().WebhookURL; got != d.m.proc.WebhookURL() {
		t.Errorf("the sandbox's app page holds %q", got)
	}
	if !says(d.screen(), "hootwire saved it there for you; Send ping webhook answered 200") {
		t.Errorf("the register step said nothing of the registration:\n%s", d.screen())
	}
	d.until("the receiver", func(m Model) bool { return m.proc.Done() && idle(m) })
	d.shows("Waiting for the first event")
	d.press("p")
	d.shows("signature valid")
	if !says(d.screen(), "an event arrived (valid signature)") {
		t.Errorf("no word that the wiring works end to end:\n%s", d.screen())
	}
	d.press("m")
	d.until("the message event", func(m Model) bool { return strings.Count(flat(m.View().Content), "signaturevalid") >= 2 })
	if !says(d.screen(), "messages") {
		t.Errorf("the message event is not told apart:\n%s", d.screen())
	}
}

// TestARealTenantSaysWhatItCannotCheck: without the sandbox, the register
// step says what hootwire cannot see, and the finish step how to test.
func TestARealTenantSaysWhatItCannotCheck(t *testing.T) {
	e := tenantEnv(t)
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepRegister)
	d.press("enter")
	d.until("the end", func(m Model) bool { return m.step == setup.StepFinish && idle(m) && m.proc.Done() })
	for _, want := range []string{"hootwire cannot see what is registered at Hootsuite", "press Send ping webhook on your app"} {
		if !says(d.screen(), want) {
			t.Errorf("screen lacks %q:\n%s", want, d.screen())
		}
	}
}

// TestARealTenantsEventsComeHere: for a real tenant whose events come to
// this machine, the finish step listens where the user said, says how to
// have Hootsuite send one, and shows the event the platform delivers.
func TestARealTenantsEventsComeHere(t *testing.T) {
	e := tenantEnv(t)
	addr := fmt.Sprintf("127.0.0.1:%d", sandboxtest.FreePort(t))
	e.cfg.Prefill.EventsHere = true
	e.cfg.Prefill.ListenAddr = addr
	// The "tunnel" is no tunnel: the platform reaches the address itself.
	e.cfg.Prefill.EventCallbackURL = "http://" + addr + "/events"
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepRegister)
	if err := e.sb.SaveWebhookURL(d.m.proc.WebhookURL()); err != nil {
		t.Fatal(err)
	}
	d.press("enter")
	d.until("the receiver", func(m Model) bool { return m.step == setup.StepFinish && m.proc.Done() && idle(m) })
	d.shows("Waiting for the first event at http://" + addr + "/events (press Send ping webhook on your Hootsuite app)")
	if got := d.m.proc.EventCallbackURL(); got != "http://"+addr+"/events" {
		t.Errorf("the event callback URL is %q, want the public URL given", got)
	}
	if _, err := e.sb.SendWebhook("ping"); err != nil {
		t.Fatal(err)
	}
	d.shows("signature valid")
	if strings.Contains(d.screen(), " p ") {
		t.Errorf("a real tenant's finish offers the sandbox's keys:\n%s", d.screen())
	}
}
