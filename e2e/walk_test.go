//go:build unix

package e2e

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func base64ID(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// TestSandboxWalkInNineKeys walks `hootwire --sandbox --no-browser`, with
// everything prefilled, to a patched instance in at most nine keys: enter
// on each of the four form steps, a to approve on the sandbox's consent
// page, enter to create, to go on, to say it is registered, and to exit.
// The finish step waits for the first event, and enter leaves it.
func TestSandboxWalkInNineKeys(t *testing.T) {
	needTools(t)
	// The callback URL is prefilled too, on a free port: hootwire's default
	// port may be held by another program on this machine.
	env := append(baseEnv(t, ""), "HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t))
	tm := newTerm(t, env, binary+" --sandbox --no-browser")
	first := tm.waitFor("Step 1 of 8: Target", "› Built-in sandbox")
	m := regexp.MustCompile(`\((http://127\.0\.0\.1:\d+)\)`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("the Target step does not show the built-in sandbox's URL:\n%s", first)
	}
	// The built-in sandbox lives in hootwire's process: ask it, before the
	// last key ends it, what it holds.
	sb := &sandboxProcess{t: t, root: m[1], base: m[1] + "/elements/api-v2"}

	steps := []struct{ wait, key string }{
		{"Step 1 of 8: Target", "Enter"},
		{"Step 2 of 8: Account", "Enter"},
		{"Step 3 of 8: Hootsuite app", "Enter"},
		{"Step 4 of 8: Instance", "Enter"},
		{"a approve here", "a"},
		{"enter create the instance", "Enter"},
		{"Created instance ", "Enter"},
		{"enter registered", "Enter"},
		{"Waiting for the first event at ", "Enter"},
	}
	for _, s := range steps {
		screen := tm.waitFor(s.wait)
		if strings.HasPrefix(s.wait, "Waiting") {
			// In the sandbox the events come to hootwire's own receiver.
			m := regexp.MustCompile(`Event callback URL  (http://127\.0\.0\.1:\d+/events)`).FindStringSubmatch(screen)
			if m == nil {
				t.Fatalf("the finish step does not show hootwire's receiver as the event callback URL:\n%s", screen)
			}
			checkPatchedTo(t, sb, m[1])
		}
		tm.keys(s.key)
	}
	code, screen := tm.waitExit()
	if tm.keyN > 9 {
		t.Errorf("the walk took %d keys, want at most 9", tm.keyN)
	}
	if code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	if !strings.Contains(screen, "hootwire: setup done.") || !strings.Contains(screen, "/events/hootsuite/NDI3MjM2") {
		t.Errorf("the summary should stay in the terminal:\n%s", screen)
	}
}

// TestRegisterStepAt60x20 checks the Register step in the smallest window
// the wizard accepts: every line of its body is reachable with pgdn, none
// is cut, and the base64 id and the whole webhook URL are there to read.
func TestRegisterStepAt60x20(t *testing.T) {
	needTools(t)
	env := append(baseEnv(t, ""), "HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t))
	tm := newTerm(t, env, binary+" --sandbox --no-browser", size(60, 20))
	walkToRegister(tm)
	tm.keys("c")
	tm.waitFor("Copied the webhook URL to the clipboard.")
	webhook := tm.clipboard()
	if !strings.HasSuffix(webhook, "/events/hootsuite/NDI3MjM2") {
		t.Fatalf("the copy key copied %q", webhook)
	}

	// Page down to the end, putting each page's rows where the scroll
	// line says they belong in the whole body.
	var body []string
	indicator := regexp.MustCompile(`── lines (\d+)-(\d+) of (\d+)`)
	screen := tm.waitFor("── lines 1-")
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatalf("pgdn never reached the end of the body")
		}
		rows := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
		rule, at := -1, -1
		for i, r := range rows {
			if rule < 0 && strings.Trim(r, " ─") == "" && strings.Contains(r, "──") {
				rule = i
			}
			if indicator.MatchString(r) {
				at = i
			}
		}
		if rule < 0 || at < 0 {
			t.Fatalf("no header rule or no scroll line at 60x20:\n%s", screen)
		}
		m := indicator.FindStringSubmatch(rows[at])
		from, to, total := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if body == nil {
			body = make([]string, total)
		}
		// One blank row parts the header from the body.
		if rule+1 >= at || strings.TrimSpace(rows[rule+1]) != "" {
			t.Fatalf("no blank row under the header rule:\n%s", screen)
		}
		shown := rows[rule+2 : at]
		if len(shown) != to-from+1 || total != len(body) {
			t.Fatalf("the scroll line says lines %d-%d of %d, but %d rows are shown:\n%s", from, to, total, len(shown), screen)
		}
		for i, r := range shown {
			body[from-1+i] = r
		}
		if to == total {
			if strings.Contains(rows[at], "more below") {
				t.Errorf("the last page still says more below:\n%s", screen)
			}
			break
		}
		if !strings.Contains(rows[at], "more below: pgdn") {
			t.Errorf("the scroll line does not say how to see the rest: %q", rows[at])
		}
		tm.keys("NPage")
		next := tm.waitUntil("the next page", func(s string) bool {
			m := indicator.FindStringSubmatch(s)
			return m != nil && atoi(m[1]) > from
		})
		screen = next
	}

	// No row of the frame is wider than the window: tmux would wrap such
	// a line, and capture-pane -J joins it back.
	for _, line := range strings.Split(tm.joined(), "\n") {
		if n := utf8.RuneCountInString(strings.TrimRight(line, " ")); n > 60 {
			t.Errorf("a line of %d columns at 60x20: %q", n, line)
		}
	}
	for i, line := range body {
		if strings.HasSuffix(strings.TrimSpace(line), "…") {
			t.Errorf("body line %d is cut short: %q", i+1, line)
		}
	}

	text := strings.Join(body, "\n")
	if !regexp.MustCompile(`(?m)^ Base64 id\s+NDI3MjM2$`).MatchString(text) {
		t.Errorf("no whole base64 id line in the body:\n%s", text)
	}
	// The webhook URL may be broken across rows, never cut: its rows,
	// joined, are the URL.
	var url strings.Builder
	for i, line := range body {
		if !strings.Contains(line, "Webhook URL") {
			continue
		}
		for _, next := range body[i+1:] {
			if strings.TrimSpace(next) == "" {
				break
			}
			url.WriteString(strings.TrimSpace(next))
		}
		break
	}
	if url.String() != webhook {
		t.Errorf("the webhook URL in the body reads %q, want %q:\n%s", url.String(), webhook, text)
	}
	if !strings.Contains(text, "4. Come back here and press enter.") {
		t.Errorf("the body's last instruction is not reachable:\n%s", text)
	}

	// pgup goes back to the top.
	tm.keys("PPage")
	tm.waitFor("── lines 1-", "Base64 id    NDI3MjM2")
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestFinishShowsAVerifiedEvent: on the sandbox's finish step, p has its
// Hootsuite send a ping and m a message event; each arrives at hootwire's
// receiver through Open Connectors, signed, and is shown verified, at the
// smallest window the wizard accepts.
func TestFinishShowsAVerifiedEvent(t *testing.T) {
	needTools(t)
	env := append(baseEnv(t, ""), "HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t))
	tm := newTerm(t, env, binary+" --sandbox --no-browser", size(60, 20))
	walkToRegister(tm)
	tm.keys("Enter")
	tm.waitFor("Step 8 of 8: Finish", "Waiting for the first event")
	tm.keys("p")
	tm.waitFor("Done: an event arrived (valid signature)")
	tm.keys("m")
	screen := tm.waitUntil("the message event", func(s string) bool {
		return strings.Contains(s, "UPDATED messages") || strings.Contains(s, "messages 9000000")
	})
	if strings.Contains(screen, "Waiting for the first event") {
		t.Errorf("the finish step still waits after an event came:\n%s", screen)
	}
	tm.keys("Enter")
	code, out := tm.waitExit()
	if code != 0 || !strings.Contains(out, "hootwire: setup done.") {
		t.Errorf("exit %d after the events:\n%s", code, out)
	}
}
