package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// lockedBuffer is a buffer written by a run while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestUnsavedInstanceKeepsItsTokenOffTheScreen: when the session cannot be
// saved after the create, the token goes to stdout only with --json (the
// channel a script reads); without it the run says how to read the token
// back, and shows it nowhere.
func TestUnsavedInstanceKeepsItsTokenOffTheScreen(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, jsonOut := range []bool{false, true} {
		name := "text"
		if jsonOut {
			name = "json"
		}
		t.Run(name, func(t *testing.T) {
			sb := sandboxtest.Start(t, sandbox.Options{})
			config := t.TempDir()
			vars := map[string]string{
				"OC_BASE_URL": sb.BaseURL, "OC_USER_SECRET": sandbox.DemoUserSecret, "OC_ORG_SECRET": sandbox.DemoOrgSecret,
				"HOOTSUITE_CLIENT_ID": sandbox.DemoClientID, "HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
				"HOOTSUITE_CALLBACK_URL": sandboxtest.CallbackURL(t),
				"HOOTWIRE_CONFIG_DIR":    config,
				"BROWSER":                "/usr/bin/env HOOTWIRE_TEST_BROWSER=allow " + self,
			}
			// The create waits, so that the saved setups can be made
			// unwritable after the create-sent mark and before the answer.
			sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Delay: time.Second, Times: 1})
			args := []string{"--non-interactive"}
			if jsonOut {
				args = append(args, "--json")
			}
			var stdout, stderr lockedBuffer
			done := make(chan int)
			go func() {
				done <- Main(t.Context(), args, Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
			}()
			sessions := filepath.Join(config, "sessions")
			for deadline := time.Now().Add(30 * time.Second); ; {
				if files, _ := filepath.Glob(filepath.Join(sessions, "*.json")); len(files) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no create-sent mark was saved:\n%s", stderr.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := os.RemoveAll(sessions); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sessions, []byte("not a directory"), 0o600); err != nil {
				t.Fatal(err)
			}
			code := <-done
			all := sb.Instances()
			if code == setup.ExitOK || len(all) != 1 {
				t.Fatalf("exit %d with %d instances, want a failure after one create:\n%s", code, len(all), stderr.String())
			}
			token := all[0].Token
			if strings.Contains(stderr.String(), token) {
				t.Errorf("the token reached Stderr:\n%s", stderr.String())
			}
			if jsonOut != strings.Contains(stdout.String(), token) {
				t.Errorf("--json %v, stdout %q: the token belongs on stdout exactly when --json is given", jsonOut, stdout.String())
			}
			if jsonOut {
				// One object, which a script reads whole: the error, with
				// the instance only it now holds, and no resume command.
				var got struct {
					Error struct {
						ExitStatus int    `json:"exit_status"`
						Resume     string `json:"resume"`
						Instance   struct {
							ID    int64  `json:"id"`
							Token string `json:"token"`
						} `json:"instance"`
					} `json:"error"`
				}
				dec := json.NewDecoder(strings.NewReader(stdout.String()))
				if err := dec.Decode(&got); err != nil || dec.More() {
					t.Errorf("stdout is not one JSON object (%v):\n%s", err, stdout.String())
				}
				if got.Error.Instance.Token != token || got.Error.Instance.ID != all[0].ID || got.Error.ExitStatus != code || got.Error.Resume != "" {
					t.Errorf("the error object %+v, want the instance %d with its token, exit %d, no resume", got.Error, all[0].ID, code)
				}
			}
			if !jsonOut && !strings.Contains(stderr.String(), "GET "+sb.BaseURL+"/instances/") {
				t.Errorf("no word of how to read the token back:\n%s", stderr.String())
			}
		})
	}
}

// TestCodeDashIsNoSecret: with --code -, error messages are masked with the
// code read, not with "-" (which would turn every dash into a mask).
func TestCodeDashIsNoSecret(t *testing.T) {
	var stdout, stderr lockedBuffer
	vars := map[string]string{"OC_BASE_URL": "https://api.example.com/elements/api-v2"}
	code := Main(t.Context(), []string{"--non-interactive", "--code", "-"},
		Env{Stdin: strings.NewReader("\n"), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	if code != setup.ExitUsage || !strings.Contains(stderr.String(), "--code -: standard input holds no code") {
		t.Errorf("exit %d, stderr %q: want the usage error, readable", code, stderr.String())
	}
}
