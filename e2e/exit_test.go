//go:build unix

package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestExitStatuses quits the wizard in each way that has its own exit
// status, from one table shared with the scripted mode: with an error on
// the screen, the error's status; with none, 130.
func TestExitStatuses(t *testing.T) {
	needTools(t)

	// start runs the wizard against a sandbox process up to the Authorize step.
	start := func(t *testing.T) (*term, *sandboxProcess) {
		sb := startSandbox(t)
		tm := newTerm(t, baseEnv(t, ""), binary+" --no-browser")
		typeInputs(tm, sb.base, freeCallbackURL(t), sb.demo)
		return tm, sb
	}

	t.Run("a create the platform refuses is 4", func(t *testing.T) {
		tm, sb := start(t)
		approveByPaste(tm, sb)
		tm.waitFor("enter create the instance")
		sb.admin("POST", "/_sandbox/faults", `{"op":"create-instance","times":1,"status":400,"message":"Failed to create instance","providerMessage":"invalid_grant"}`)
		tm.keys("Enter")
		tm.waitFor("HTTP 400", "invalid_grant")
		tm.keys("C-c")
		code, screen := tm.waitExit()
		if code != 4 {
			t.Errorf("exit status %d, want 4 (the API refused)", code)
		}
		// A 400 is a clear answer: nothing was created, and nothing may exist.
		if strings.Contains(screen, "may exist") || strings.Contains(screen, "Resume with") {
			t.Errorf("the exit speaks of an instance that cannot exist:\n%s", screen)
		}
		if n := len(sb.instances()); n != 0 {
			t.Errorf("the sandbox holds %d instances after a refused create", n)
		}
	})

	t.Run("a denial is 3", func(t *testing.T) {
		tm, sb := start(t)
		// The browser, sent back from a denied consent, lands on the listener.
		landed := sb.consent(copyAuthURL(tm), "deny")
		resp, err := http.Get(landed)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		tm.waitFor("access_denied", "Press enter to authorize again")
		tm.keys("C-c")
		code, screen := tm.waitExit()
		if code != 3 {
			t.Errorf("exit status %d, want 3 (authorization denied):\n%s", code, screen)
		}
	})

	// created runs the wizard to a created instance and returns its id.
	created := func(t *testing.T) (*term, *sandboxProcess, string) {
		tm, sb := start(t)
		approveByPaste(tm, sb)
		screen := create(tm)
		return tm, sb, regexp.MustCompile(`Created instance (\d+)\.`).FindStringSubmatch(screen)[1]
	}

	t.Run("quitting with the instance kept is 130 and says how to resume", func(t *testing.T) {
		tm, sb, id := created(t)
		tm.keys("C-c")
		tm.waitFor("Quit now? Instance "+id, "y quit")
		tm.keys("y")
		code, screen := tm.waitExit()
		if code != 130 {
			t.Errorf("exit status %d, want 130", code)
		}
		for _, want := range []string{"hootwire: Instance " + id + " exists; its id and token are saved in ", "Resume with: hootwire --resume "} {
			if !strings.Contains(screen, want) {
				t.Errorf("the exit should say %q:\n%s", want, screen)
			}
		}
		if !regexp.MustCompile(`Resume with: hootwire --resume [0-9a-f]{6}\s`).MatchString(screen) {
			t.Errorf("the resume command should name the setup by its id:\n%s", screen)
		}
		if n := len(sb.instances()); n != 1 {
			t.Errorf("the sandbox holds %d instances, want the one kept", n)
		}
	})

	t.Run("deleting and quitting is non-zero and says the instance is gone", func(t *testing.T) {
		tm, sb, id := created(t)
		tm.keys("C-c")
		tm.waitFor("Quit now? Instance "+id, "d delete instance")
		tm.keys("d")
		tm.waitFor("Delete instance " + id + " at Open Connectors?")
		tm.keys("y")
		code, screen := tm.waitExit()
		if code == 0 {
			t.Errorf("exit status 0 after abandoning the setup")
		}
		if !strings.Contains(screen, "hootwire: Instance "+id+" was deleted at Open Connectors") {
			t.Errorf("the exit should say the instance was deleted:\n%s", screen)
		}
		if strings.Contains(screen, "Resume with") {
			t.Errorf("the exit offers to resume a deleted instance:\n%s", screen)
		}
		if all := sb.instances(); len(all) != 0 {
			t.Errorf("the sandbox still holds %+v", all)
		}
	})
}
