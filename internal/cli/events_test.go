package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
)

// TestWaitForAnEventInTheSandbox: a scripted sandbox setup whose events come
// to this machine ends when a signed event arrived, proving the wiring.
func TestWaitForAnEventInTheSandbox(t *testing.T) {
	var stdout, stderr bytes.Buffer
	vars := map[string]string{"HOOTWIRE_CONFIG_DIR": t.TempDir(), "HOOTSUITE_CALLBACK_URL": sandboxtest.CallbackURL(t)}
	code := Main(t.Context(), []string{"--non-interactive", "--sandbox", "--json", "--wait-for-event", "30s", "--listen-addr", "127.0.0.1:0"},
		Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	if code != setup.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"saved it there for you", "had the sandbox's Hootsuite send a ping", "event: ", "signature valid"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	var res struct {
		SignatureKey string `json:"signature_key"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || len(res.SignatureKey) < 16 {
		t.Errorf("--json should carry the signature key: %v\n%s", err, stdout.String())
	}
	if strings.Contains(stderr.String(), res.SignatureKey) {
		t.Error("the signature key reached stderr")
	}
}

// TestNoEventIsExitSix: when no event comes in the time given, the run
// says where it waited and exits 6.
func TestNoEventIsExitSix(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{AutoApprove: true})
	port := sandboxtest.FreePort(t)
	vars := map[string]string{
		"OC_BASE_URL": sb.BaseURL, "OC_USER_SECRET": sandbox.DemoUserSecret, "OC_ORG_SECRET": sandbox.DemoOrgSecret,
		"HOOTSUITE_CLIENT_ID": sandbox.DemoClientID, "HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
		"HOOTSUITE_CALLBACK_URL": sandboxtest.CallbackURL(t), "HOOTWIRE_CONFIG_DIR": t.TempDir(),
		"BROWSER": "/usr/bin/env HOOTWIRE_TEST_BROWSER=allow " + selfBinary(t),
	}
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"--non-interactive", "--wait-for-event", "1s",
		"--listen-addr", fmt.Sprintf("127.0.0.1:%d", port), "--event-callback-url", fmt.Sprintf("http://127.0.0.1:%d/events", port)},
		Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	if code != setup.ExitNoEvent || !strings.Contains(stderr.String(), "no event arrived in 1s") {
		t.Errorf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "hootwire cannot see what is registered at Hootsuite") {
		t.Errorf("no word of what cannot be checked:\n%s", stderr.String())
	}
}

// TestUnsignedOnRequest: --no-signature-key creates the instance without a
// key; HOOTWIRE_SIGNATURE_KEY gives one.
func TestUnsignedOnRequest(t *testing.T) {
	for _, c := range []struct {
		args []string
		key  string
		want string
	}{
		{[]string{"--no-signature-key"}, "", ""},
		{nil, "my-own-signature-key-123", "my-own-signature-key-123"},
	} {
		var stdout, stderr bytes.Buffer
		vars := map[string]string{"HOOTWIRE_CONFIG_DIR": t.TempDir(), "HOOTSUITE_CALLBACK_URL": sandboxtest.CallbackURL(t), "HOOTWIRE_SIGNATURE_KEY": c.key}
		code := Main(t.Context(), append([]string{"--non-interactive", "--sandbox", "--json"}, c.args...),
			Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
		var res struct {
			SignatureKey string `json:"signature_key"`
		}
		json.Unmarshal(stdout.Bytes(), &res)
		if code != 0 || res.SignatureKey != c.want {
			t.Errorf("%v: exit %d, key %q, want %q\n%s", c.args, code, res.SignatureKey, c.want, stderr.String())
		}
	}
}

// selfBinary is this test binary, which plays the browser (see TestMain).
func selfBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return self
}
