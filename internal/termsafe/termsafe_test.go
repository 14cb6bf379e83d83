package termsafe

import (
	"strings"
	"testing"
)

func TestLineTakesOutWhatATerminalWouldActOn(t *testing.T) {
	cases := map[string]string{
		"plain":                       "plain",
		"two\nlines":                  "two lines",
		"\x1b]0;pwned\x07title":       "\uFFFD]0;pwned\uFFFDtitle",
		"clear\x1b[2J":                "clear\uFFFD[2J",
		"c1 \u009b31m red":            "c1 \uFFFD31m red",
		"http://evil\u202Etxt.exe":    "http://evil\uFFFDtxt.exe",
		"isolate \u2066x\u2069":       "isolate \uFFFDx\uFFFD",
		"mark \u200Fhere":             "mark \uFFFDhere",
		"bad utf8 \xff":               "bad utf8 \uFFFD",
		"fake\rhootwire: setup done.": "fake hootwire: setup done.",
		"tab\there":                   "tab here",
		"del\x7f":                     "del\uFFFD",
		"accents é, emoji 🦉, CJK 漢字":  "accents é, emoji 🦉, CJK 漢字",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
		if got := Line(in); strings.ContainsAny(got, "\x1b\n\r\u009b\u202E") {
			t.Errorf("Line(%q) still holds a control: %q", in, got)
		}
	}
}

func TestTextKeepsLineBreaksOnly(t *testing.T) {
	if got := Text("one\r\ntwo\rthree\n\x1b[8mhidden"); got != "one\ntwo\nthree\n\uFFFD[8mhidden" {
		t.Errorf("Text = %q", got)
	}
	if s := "nothing to do"; !Safe(s) || Text(s) != s {
		t.Error("clean text changed")
	}
	if Safe("x\u202Ey") || Safe("x\ny") {
		t.Error("Safe accepts a control")
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b[31mred\u202E")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !Safe(out) {
			t.Fatalf("Line(%q) = %q is not safe", s, out)
		}
		if Safe(s) && out != s {
			t.Fatalf("safe text %q changed to %q", s, out)
		}
	})
}
