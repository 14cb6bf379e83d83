package ui

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"hootwire/api"
	"hootwire/internal/setup"
)

// hostile is text a platform (or a planted session file) could send, each
// part meant to act on the terminal: a title change, a clear screen, a
// forged line, a hidden one, a reordered one.
const hostile = "name\x1b]0;pwned\x07\x1b[2J\rhootwire: setup done.\x1b[8mhidden\u202Etxt.exe\u009b31m"

// actsOnTheTerminal finds in a frame anything but hootwire's own colours
// (SGR sequences): a control character, an OSC, a C1 control, a bidi
// override.
func actsOnTheTerminal(frame string) string {
	sgr := regexp.MustCompile("\x1b\\[[0-9;:]*m")
	rest := sgr.ReplaceAllString(frame, "")
	if i := strings.IndexFunc(rest, func(r rune) bool {
		return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202E'
	}); i >= 0 {
		return rest[max(0, i-20):min(len(rest), i+20)]
	}
	return ""
}

func TestNothingFromThePlatformActsOnTheTerminal(t *testing.T) {
	e := newTestEnv(t)
	e.cfg.Color = true
	d := newDriver(t, e, 100, 30)
	d.walkTo(setup.StepCreate)
	c := d.m.pages[setup.StepCreate].(createPage)
	c.instance = &api.Instance{ID: 7, Name: hostile, Token: "tok" + hostile}
	c.reveal = true
	c.err = errors.New("create instance: HTTP 400: " + hostile)
	d.m.pages[setup.StepCreate] = c
	if bad := actsOnTheTerminal(d.m.View().Content); bad != "" {
		t.Errorf("the create screen passes this to the terminal: %q", bad)
	}
	if !says(d.screen(), "hootwire: setup done.") {
		t.Error("the text itself should still show, made inert")
	}
}

func TestAHostileSavedSetupIsShownInert(t *testing.T) {
	e := tenantEnv(t)
	saveUnansweredCreate(t, e)
	entries, _, _ := e.cfg.Store.List()
	s := entries[0].Session
	s.Name = hostile
	if err := e.cfg.Store.Save(s); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, e, 100, 30)
	d.until("the saved setups", func(m Model) bool { return m.sessionsRead })
	d.press("enter")
	d.shows("Resume it?")
	if bad := actsOnTheTerminal(d.m.View().Content); bad != "" {
		t.Errorf("the resume offer passes this to the terminal: %q", bad)
	}
}
