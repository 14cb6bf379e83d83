package ui

import (
	"strings"
	"testing"

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
