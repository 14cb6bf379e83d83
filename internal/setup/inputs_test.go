package setup

import (
	"errors"
	"strings"
	"testing"
)

// goodInputs passes Validate.
func goodInputs() Inputs {
	return Inputs{
		BaseURL: "https://api.example.com/elements/api-v2", UserSecret: "uSer/Secret+1=", OrgSecret: "oRg/Secret+2==",
		ClientID: "client-id", ClientSecret: "cLient/Secret+3=", CallbackURL: DefaultCallbackURL,
		Name: DefaultName, Tags: []string{"demo", " team-a "}, EventCallbackURL: "https://app.example.com/hooks?k=v",
	}
}

// TestURLChecksCheckTheValueAsSent: the event callback URL and the
// callback URL are checked exactly as they will be sent: a space around
// them is refused, not trimmed; and so are a user name or password (never
// repeated), a port out of range, a fragment, and control or bidi
// characters.
func TestURLChecksCheckTheValueAsSent(t *testing.T) {
	const password = "hunter2-Passw0rd"
	bad := map[string]string{
		" https://app.example.com/hooks":                    "space",
		"https://app.example.com/hooks ":                    "space",
		"https://app.example.com/hooks\n":                   "line break",
		"https://app.example.com:99999/hooks":               "port",
		"https://app.example.com:0/hooks":                   "port",
		"https://app.example.com:8o80/hooks":                "port",
		"https://app.example.com/ho\u202eoks":               "bidi",
		"https://app.example.com/\u2067hooks":               "bidi",
		"https://app.example.com/\x1b[31mhooks":             "control",
		"https://app.example.com/hooks#part":                "fragment",
		"https://admin:" + password + "@app.example.com/":   "user name or password",
		"https://" + password + "@app.example.com/hooks":    "user name or password",
		"https://admin:" + password + "@app.example.com:x/": "user name or password",
		"https://app.example.com/ho oks":                    "space",
	}
	for in, want := range bad {
		for name, check := range map[string]func(string) error{"CheckHTTPURL": CheckHTTPURL, "CheckCallbackURL": CheckCallbackURL} {
			err := check(in)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%q) = %v, want a refusal that says %q", name, in, err, want)
				continue
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "admin") || strings.Contains(err.Error(), "example") {
				t.Errorf("%s(%q): the message repeats the URL: %v", name, in, err)
			}
		}
	}
	for _, ok := range []string{"https://app.example.com/hooks?k=v", "http://localhost:4668/callback", "https://app.example.com:8443/x"} {
		if err := CheckHTTPURL(ok); err != nil {
			t.Errorf("CheckHTTPURL(%q): %v", ok, err)
		}
	}
	if err := CheckHTTPURL("http://app.example.com/hooks"); err != nil {
		t.Errorf("plain http events URL: %v", err)
	}
	if err := CheckBaseURL("https://tok3nValue@api.example.com/elements/api-v2"); err == nil || strings.Contains(err.Error(), "tok3nValue") {
		t.Errorf("CheckBaseURL with a user name: %v", err)
	}
}

// TestNameAndTagChecks: a name or a tag with escape codes, line breaks or
// bidi marks, or too long, is refused, with a message that does not repeat
// it; letters of any script and emoji are fine.
func TestNameAndTagChecks(t *testing.T) {
	hostile := []string{"\x1b[2Jcleared", "two\nlines", "tab\there", "c1 \u009b31m", "evil\u202etxt", "\u2066iso\u2069", "bad utf8 \xff", "cr\rover"}
	for _, v := range hostile {
		for name, check := range map[string]func(string) error{"CheckName": CheckName, "CheckTag": CheckTag} {
			err := check(v)
			if err == nil || !strings.Contains(err.Error(), "control character") {
				t.Errorf("%s(%q) = %v, want a refusal", name, v, err)
				continue
			}
			if strings.ContainsAny(err.Error(), "\x1b\n\t\r\u009b\u202e\u2066") {
				t.Errorf("%s(%q): the message carries the character: %q", name, v, err)
			}
		}
	}
	for _, ok := range []string{"Hootsuite webhooks", "Équipe 漢字 🦉", strings.Repeat("n", MaxNameLen), " padded "} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q): %v", ok, err)
		}
	}
	if err := CheckName(strings.Repeat("n", MaxNameLen+1)); err == nil || !strings.Contains(err.Error(), "longer than 100") {
		t.Errorf("a name of %d characters: %v", MaxNameLen+1, err)
	}
	if err := CheckName(strings.Repeat("n", 100000)); err == nil {
		t.Error("a name of 100000 characters is accepted")
	}
	if err := CheckName(" \t "); err == nil {
		t.Error("a blank name is accepted")
	}
	for _, ok := range []string{"demo", "team a", "🦉", strings.Repeat("t", MaxTagLen)} {
		if err := CheckTag(ok); err != nil {
			t.Errorf("CheckTag(%q): %v", ok, err)
		}
	}
	for bad, want := range map[string]string{strings.Repeat("t", MaxTagLen+1): "longer than 64", "a,b": "comma", " ": "empty"} {
		if err := CheckTag(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckTag(%q) = %v, want it to say %q", bad, err, want)
		}
	}
	many := make([]string, MaxTags+1)
	for i := range many {
		many[i] = "t"
	}
	if err := CheckTags(many); err == nil || !strings.Contains(err.Error(), "more than 20") {
		t.Errorf("%d tags: %v", len(many), err)
	}
	if err := CheckTags(append(many[:MaxTags:MaxTags], "", " ")); err != nil {
		t.Errorf("%d tags and blanks: %v", MaxTags, err)
	}
	if err := CheckTags([]string{"ok", "", "bad\x1b", "a,b"}); err == nil || !strings.Contains(err.Error(), "tag 3 ") || !strings.Contains(err.Error(), "tag 4 ") {
		t.Errorf("CheckTags names each bad tag by position: %v", err)
	}
}

// TestValidateChecksNameAndTags: Validate reports a bad name and every bad
// tag with the rest, at once, each under its flag.
func TestValidateChecksNameAndTags(t *testing.T) {
	if err := goodInputs().Validate(); err != nil {
		t.Fatalf("good inputs: %v", err)
	}
	in := goodInputs()
	in.Name = "\x1b]0;pwned\x07"
	in.Tags = []string{"ok", "two\nlines", strings.Repeat("t", 65)}
	in.EventCallbackURL = "https://app.example.com/hooks "
	err := in.Validate()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v", err)
	}
	fields := map[string]int{}
	for _, p := range ps {
		fields[p.Field.Flag]++
	}
	if fields["--name"] != 1 || fields["--tag"] != 2 || fields["--event-callback-url"] != 1 || len(ps) != 4 {
		t.Errorf("problems by flag = %v:\n%v", fields, err)
	}
	msg := err.Error()
	for _, want := range []string{"--name", "--tag", "tag 2 ", "tag 3 ", "--event-callback-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
	if strings.ContainsAny(msg, "\x1b\x07") || strings.Contains(msg, "pwned") {
		t.Errorf("the report repeats the hostile name: %q", msg)
	}
	if got := ExitStatus(t.Context(), err); got != ExitUsage {
		t.Errorf("ExitStatus = %d, want %d", got, ExitUsage)
	}
}
