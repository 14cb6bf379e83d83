//go:build unix

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPlainModeOnADumbTerminal runs the wizard with TERM=dumb: the same
// steps as plain prompts, line by line. Everything the program writes to
// the terminal is recorded from its first byte, and must hold no escape
// sequence at all: no alternate screen, no cursor movement, no colour.
func TestPlainModeOnADumbTerminal(t *testing.T) {
	needTools(t)
	raw := filepath.Join(t.TempDir(), "pane.raw")
	env := append(baseEnv(t, ""), "HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t))
	// tmux sets TERM in the pane itself, whatever -e says: set it on the command.
	tm := newTerm(t, env, "TERM=dumb "+binary+" --sandbox --no-browser", recordTo(raw))

	// answer waits until the program waits at prompt (the screen's last
	// line), then types text and enter; with everything prefilled, enter
	// alone keeps the value in brackets.
	answer := func(prompt, text string) {
		t.Helper()
		tm.waitUntil("the prompt "+prompt, func(s string) bool {
			return strings.Contains(lastLine(s), prompt)
		})
		if text != "" {
			tm.typeText(text)
		}
		tm.keys("Enter")
	}
	tm.waitFor("Step 1 of 8: Target", "  7. Another URL")
	answer("Choose 1 to 7 [1]:", "")
	tm.waitFor("Step 2 of 8: Account")
	answer("User secret (OC_USER_SECRET; typing is not shown) [set; Enter keeps it]:", "")
	answer("Organization secret (OC_ORG_SECRET; typing is not shown) [set; Enter keeps it]:", "")
	tm.waitFor("Step 3 of 8: Hootsuite app", "Account checked:")
	answer("REST API client id", "")
	answer("REST API client secret", "")
	answer("API callback URL [http://localhost:", "")
	tm.waitFor("Step 4 of 8: Instance")
	answer("Instance name", "")
	answer("Tags", "")
	answer("Choose 1 to 3 [3]:", "")
	tm.waitFor("Step 5 of 8: Authorize", "Once you have approved, press Enter", "or a to approve")
	answer(">", "a")
	tm.waitFor("Step 6 of 8: Create")
	answer("Press Enter to create the instance with POST /instances.", "")
	tm.waitFor("Created instance 427236")
	answer("press Enter to go on.", "")
	tm.waitFor("Step 7 of 8: Register at Hootsuite", "Base64 id: NDI3MjM2")
	answer("Press Enter here when it is registered.", "")
	// Events come to hootwire: p has the sandbox's Hootsuite send a ping,
	// which arrives signed and is shown before Enter ends the run.
	tm.waitFor("Patched and confirmed.", "Press Enter to finish.")
	answer(">", "p")
	// A dumb terminal breaks long lines at its edge: read them whole.
	tm.waitUntil("a verified ping", func(s string) bool {
		whole := strings.ReplaceAll(s, "\n", "")
		return strings.Contains(whole, "PING ping") && strings.Contains(whole, "signature valid")
	})
	tm.keys("Enter")
	code, screen := tm.waitExit()
	if code != 0 {
		t.Fatalf("exit status %d, want 0", code)
	}
	for _, want := range []string{"Step 8 of 8: Finish", "Done: the instance is set up and its events are wired.", "hootwire: setup done.", "Instance id         427236", "/events/hootsuite/NDI3MjM2"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the end lacks %q:\n%s", want, screen)
		}
	}

	// The recording ends with the shell's line; wait for tmux to write it.
	var out []byte
	for deadline := time.Now().Add(stableDeadline); ; time.Sleep(stableGap) {
		out, _ = os.ReadFile(raw)
		if bytes.Contains(out, []byte("HOOTWIRE-EXIT=0")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the recording never got the end of the run:\n%q", out)
		}
	}
	if !bytes.HasPrefix(out, []byte("hootwire ")) {
		t.Errorf("the recording does not start with the program's first line: %q", out[:min(len(out), 80)])
	}
	if n := bytes.Count(out, []byte{0x1b}); n > 0 {
		i := bytes.IndexByte(out, 0x1b)
		lineStart := bytes.LastIndexByte(out[:i], '\n') + 1
		t.Errorf("the output on a dumb terminal holds %d ESC bytes; the first, at byte %d, in the line %q", n, i, out[lineStart:min(len(out), i+60)])
	}
}
