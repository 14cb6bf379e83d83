package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestPickChoosesOrCancels: the --resume list moves with the arrows and j/k
// (wrapping), enter takes the line under the cursor, esc takes none.
func TestPickChoosesOrCancels(t *testing.T) {
	choices := []Choice{{"a1", "first"}, {"b2", "second"}, {"c3", "third"}}
	run := func(keys ...string) pickModel {
		var m tea.Model = pickModel{title: "Which?", choices: choices, styles: NewStyles(false), keys: newPickKeys(), width: 60}
		for _, k := range keys {
			m, _ = m.Update(keyPress(k))
		}
		return m.(pickModel)
	}
	for _, c := range []struct {
		keys []string
		want string
	}{
		{[]string{"enter"}, "a1"},
		{[]string{"down", "enter"}, "b2"},
		{[]string{"j", "j", "enter"}, "c3"},
		{[]string{"up", "enter"}, "c3"},
		{[]string{"k", "k", "enter"}, "b2"},
		{[]string{"down", "esc"}, ""},
		{[]string{"q"}, ""},
	} {
		if got := run(c.keys...).chosen; got != c.want {
			t.Errorf("%v: chose %q, want %q", c.keys, got, c.want)
		}
	}
	view := ansi.Strip(run("down").View().Content)
	if !strings.Contains(view, "› second") || !strings.Contains(view, "enter resume it") || !strings.Contains(view, "esc cancel") {
		t.Errorf("the list should show the cursor on the second line and its keys:\n%s", view)
	}
}
