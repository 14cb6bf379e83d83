package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// faultTimes makes every attempt meet the fault: hootwire makes three, and
// Go's transport resends an idempotent request once on a dropped connection.
const faultTimes = 6

// The calls of the matrix, with the name the messages give them.
var matrixCalls = []struct {
	op   sandbox.Op
	name string
}{
	{sandbox.OpOAuthURL, "get redirect URL"},
	{sandbox.OpListInstances, "check account"},
	{sandbox.OpCreateInstance, "create instance"},
	{sandbox.OpPatchInstance, "update instance"},
	{sandbox.OpGetInstance, "read instance"},
}

// expectedExit is the documented status for a scripted run meeting the
// fault on the call: 4 when the API answered with a refusal, 5 when no
// answer came, 0 when hootwire recovers by itself.
func expectedExit(op sandbox.Op, kind string) int {
	answered := map[string]bool{"slow past the time-out": false, "dropped before the request": false, "dropped after the request": false}
	noAnswer := false
	if v, ok := answered[kind]; ok && !v {
		noAnswer = true
	}
	switch op {
	case sandbox.OpListInstances:
		// The account check reads only the status.
		if kind == "malformed JSON" || kind == "empty body with 200" {
			return setup.ExitOK
		}
	case sandbox.OpCreateInstance:
		switch kind {
		case "dropped after the request", "malformed JSON", "empty body with 200":
			return setup.ExitOK // the instance was made: found again by its tag
		}
		// Never retried. When no answer came, the look-up found no
		// instance: a network failure, after which a fresh authorization
		// is needed; any answer is the API's.
		if noAnswer {
			return setup.ExitNetwork
		}
		return setup.ExitAPI
	}
	if noAnswer {
		return setup.ExitNetwork
	}
	return setup.ExitAPI
}

// TestFaultMatrixScripted runs the scripted mode into every fault on every
// call, then again once the fault is gone.
func TestFaultMatrixScripted(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix takes a minute")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range matrixCalls {
		for _, row := range sandbox.Catalog(call.op, faultTimes) {
			t.Run(call.name+"/"+row.Name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				sb := sandboxtest.Start(t, sandbox.Options{})
				vars := map[string]string{
					"OC_BASE_URL": sb.BaseURL, "OC_USER_SECRET": sandbox.DemoUserSecret, "OC_ORG_SECRET": sandbox.DemoOrgSecret,
					"HOOTSUITE_CLIENT_ID": sandbox.DemoClientID, "HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
					"HOOTSUITE_CALLBACK_URL": sandboxtest.CallbackURL(t),
					"HOOTWIRE_CONFIG_DIR":    t.TempDir(),
					"BROWSER":                "/usr/bin/env HOOTWIRE_TEST_BROWSER=allow " + self,
				}
				e := func(stdout, stderr *bytes.Buffer) Env {
					return Env{Stdout: stdout, Stderr: stderr, Getenv: func(k string) string { return vars[k] }}
				}
				sb.InjectFault(row.Fault)
				var stdout, stderr bytes.Buffer
				code := Main(ctx, []string{"--non-interactive", "--json", "--timeout", "500ms"}, e(&stdout, &stderr))
				want := expectedExit(call.op, row.Name)
				if code != want {
					t.Fatalf("exit %d, want %d\n%s", code, want, stderr.String())
				}
				if want != setup.ExitOK {
					msg := stderr.String()
					if says := sandboxtest.FaultSays(t, row.Name); !strings.Contains(msg, call.name) || !strings.Contains(msg, says) {
						t.Errorf("the message should name %q and %q:\n%s", call.name, says, msg)
					}
				}
				all := sb.Instances()
				if len(all) > 1 {
					t.Fatalf("%d instances: never a second one", len(all))
				}
				st, _ := store.Open(vars["HOOTWIRE_CONFIG_DIR"])
				entries, _, _ := st.List()
				if len(all) == 1 {
					kept := false
					for _, en := range entries {
						kept = kept || en.Session.InstanceID == all[0].ID && en.Session.Token == all[0].Token
					}
					if !kept {
						t.Fatalf("instance %d exists but its id and token were not kept", all[0].ID)
					}
				}
				if want == setup.ExitOK {
					return
				}
				// Once the fault is gone, the setup finishes, with one instance.
				sb.ClearFaults()
				args := []string{"--non-interactive", "--json"}
				if _, ok := store.Unfinished(entries, sb.BaseURL); ok {
					args = append(args, "--resume")
				}
				stdout.Reset()
				stderr.Reset()
				if code := Main(ctx, args, e(&stdout, &stderr)); code != setup.ExitOK {
					t.Fatalf("after the fault: exit %d\n%s", code, stderr.String())
				}
				if all := sb.Instances(); len(all) != 1 || all[0].Patches < 1 {
					t.Errorf("after the fault: %+v", all)
				}
			})
		}
	}
}
