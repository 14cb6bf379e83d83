package ui

import (
	"regexp"
	"strings"
	"testing"

	"hootwire/internal/setup"
)

// scrolledTo is the first body line the scroll line says is on show, or 0
// when the screen has no scroll line.
func scrolledTo(screen string) string {
	m := regexp.MustCompile(`lines (\d+)-\d+ of \d+`).FindStringSubmatch(screen)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestASmallWindowScrollsAFormAndFollowsItsFocus: at 60x20 the instance
// step is taller than the window. pgdn shows the rest and stays there,
// while the name field keeps the focus; moving the focus to the events
// choice brings its chosen option into view.
func TestASmallWindowScrollsAFormAndFollowsItsFocus(t *testing.T) {
	e := newTestEnv(t)
	d := newDriver(t, e, 60, 20)
	d.walkTo(setup.StepInstance)
	if got := scrolledTo(d.screen()); got != "1" {
		t.Fatalf("the instance step at 60x20 does not scroll, or does not start at its top:\n%s", d.screen())
	}
	d.press("pgdown")
	after := scrolledTo(d.screen())
	if after == "1" || after == "" || strings.Contains(d.screen(), "> Hootsuite webhooks") {
		t.Fatalf("pgdn did not move the view a page, away from the focused name field:\n%s", d.screen())
	}
	d.settle()
	if got := scrolledTo(d.screen()); got != after {
		t.Errorf("the view went back from line %s to line %s by itself", after, got)
	}

	d.press("pgup")
	if strings.Contains(d.screen(), "(•) this machine") {
		t.Fatalf("the chosen option is in view from the start; this test needs a smaller window:\n%s", d.screen())
	}
	d.press("tab", "tab")
	if !strings.Contains(d.screen(), "› Where events go") || !strings.Contains(d.screen(), "(•) this machine") {
		t.Errorf("the focused choice and its chosen option are not in view:\n%s", d.screen())
	}
	d.press("pgup", "shift+tab", "shift+tab")
	if !strings.Contains(d.screen(), "› Instance name") || strings.Contains(d.screen(), "(•) ") {
		t.Fatalf("back on the name field, the choice should be out of view:\n%s", d.screen())
	}
	d.press("ctrl+t")
	if !strings.Contains(d.screen(), "(•) the doc's choice") {
		t.Errorf("ctrl+t from the name field switched the choice out of sight:\n%s", d.screen())
	}
}
