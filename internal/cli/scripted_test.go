package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// TestMain lets the test binary play the user's browser for hootwire runs
// started by these tests (BROWSER points at it): it loads the consent page,
// presses Allow or Deny, and follows the redirect to hootwire's listener.
func TestMain(m *testing.M) {
	if decision := os.Getenv("HOOTWIRE_TEST_BROWSER"); decision != "" {
		os.Exit(actAsBrowser(decision, os.Args[len(os.Args)-1], os.Getenv("HOOTWIRE_TEST_BROWSER_LOG")))
	}
	dir, err := os.MkdirTemp("", "hootwire-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func actAsBrowser(decision, link, logPath string) int {
	// hootwire opens the browser on a one-time link that sends it on to
	// the consent page: fetched once, as a browser does.
	noRedirect := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(link)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	authURL := resp.Header.Get("Location")
	if logPath != "" {
		os.WriteFile(logPath+".argv", []byte(link), 0o600)
	}
	u, err := url.Parse(authURL)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		fmt.Fprintln(os.Stderr, "the start link answered", resp.Status, err)
		return 1
	}
	var followed []string
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		followed = append(followed, r.URL.String())
		return nil
	}}
	form := url.Values{"decision": {decision}}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope"} {
		form.Set(k, u.Query().Get(k))
	}
	consent := u.Scheme + "://" + u.Host + "/hootsuite/oauth2/consent"
	resp, err = client.PostForm(consent, form)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if logPath != "" {
		os.WriteFile(logPath, []byte(strings.Join(followed, "\n")), 0o600)
		// What the browser inherited, for the secret scans.
		os.WriteFile(logPath+".environ", []byte(strings.Join(os.Environ(), "\n")), 0o600)
	}
	return 0
}

// scriptedRun is one hootwire --non-interactive run of the built binary.
type scriptedRun struct {
	code           int
	stdout, stderr string
}

// scriptEnv is what every scripted run of a test shares: a sandbox in its
// own process, a private config dir, and the fake browser.
type scriptEnv struct {
	t         *testing.T
	base      string // the sandbox's base URL
	root      string
	configDir string
	browseLog string
	decision  string
	callback  string
}

func newScriptEnv(t *testing.T) *scriptEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the built binary")
	}
	base := startSandboxProcess(t)
	dir := t.TempDir()
	return &scriptEnv{
		t: t, base: base, root: strings.TrimSuffix(base, "/elements/api-v2"),
		configDir: filepath.Join(dir, "config"), browseLog: filepath.Join(dir, "browser.log"),
		decision: "allow", callback: sandboxtest.CallbackURL(t),
	}
}

func (s *scriptEnv) environ() []string {
	self, _ := os.Executable()
	return append(os.Environ(),
		"OC_BASE_URL="+s.base,
		"OC_USER_SECRET="+sandbox.DemoUserSecret,
		"OC_ORG_SECRET="+sandbox.DemoOrgSecret,
		"HOOTSUITE_CLIENT_ID="+sandbox.DemoClientID,
		"HOOTSUITE_CLIENT_SECRET="+sandbox.DemoClientSecret,
		"HOOTSUITE_CALLBACK_URL="+s.callback,
		"HOOTWIRE_CONFIG_DIR="+s.configDir,
		"BROWSER="+self,
		"HOOTWIRE_TEST_BROWSER="+s.decision,
		"HOOTWIRE_TEST_BROWSER_LOG="+s.browseLog,
	)
}

// syncBuffer is a buffer a running command writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (s *scriptEnv) command(ctx context.Context, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	cmd := exec.CommandContext(ctx, hootwireBinary(s.t), append([]string{"--non-interactive"}, args...)...)
	cmd.Env = s.environ()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd, stdout, stderr
}

func (s *scriptEnv) Main(args ...string) scriptedRun {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stdout, stderr := s.command(ctx, args...)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return scriptedRun{code, stdout.String(), stderr.String()}
}

// admin calls the sandbox's admin endpoints.
func (s *scriptEnv) admin(method, path, body string) []byte {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.root+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		s.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return data
}

type sandboxInstance struct {
	ID            int64             `json:"id"`
	Tags          []string          `json:"tags"`
	Configuration map[string]string `json:"configuration"`
	Patches       int               `json:"patches"`
}

func (s *scriptEnv) instances() []sandboxInstance {
	var out []sandboxInstance
	if err := json.Unmarshal(s.admin("GET", "/_sandbox/instances", ""), &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

func (s *scriptEnv) sessionFiles() []string {
	files, _ := filepath.Glob(filepath.Join(s.configDir, "sessions", "*.json"))
	return files
}

func TestScriptedRunEndToEnd(t *testing.T) {
	s := newScriptEnv(t)
	r := s.Main("--json", "--name", "CI instance", "--tag", "ci")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"id", "token", "name", "base_url", "encoded_id", "webhook_url", "event_callback_url", "patched", "saved_to"} {
		if _, ok := res[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
	}
	if res["patched"] != true || res["name"] != "CI instance" {
		t.Errorf("result = %v", res)
	}
	for _, line := range []string{"authorization URL: " + s.root, "waiting for the callback on " + s.callback, "created instance", "webhook URL to register", "patched event.notification.callback.url"} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("progress lacks %q:\n%s", line, r.stderr)
		}
	}
	all := s.instances()
	if len(all) != 1 || all[0].Configuration["event.notification.callback.url"] != res["webhook_url"] {
		t.Errorf("sandbox = %+v", all)
	}
}

// TestScriptedRunKeepsSecretsOut scans every output and every file a run
// leaves for the secrets and the grant code; the token may be only in the
// session file and the --json output.
func TestScriptedRunKeepsSecretsOut(t *testing.T) {
	s := newScriptEnv(t)
	logFile := filepath.Join(s.configDir, "debug.log")
	r := s.Main("--json", "--debug-log", logFile)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	followed, err := os.ReadFile(s.browseLog)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := url.Parse(strings.TrimSpace(string(followed)))
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("the browser saw no code: %s", followed)
	}
	var res struct {
		Token   string `json:"token"`
		SavedTo string `json:"saved_to"`
	}
	json.Unmarshal([]byte(r.stdout), &res)
	secrets := []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret, code}
	environ, err := os.ReadFile(s.browseLog + ".environ")
	if err != nil {
		t.Fatal(err)
	}
	// The browser's command line, which every local user can read, holds
	// the one-time link, never the authorization URL with its state.
	argv, err := os.ReadFile(s.browseLog + ".argv")
	if err != nil || !strings.Contains(string(argv), "/start/") || strings.Contains(string(argv), "state=") {
		t.Errorf("the browser was started with %q (%v)", argv, err)
	}
	places := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the browser's environment": string(environ), "the browser's arguments": string(argv)}
	filepath.Walk(s.configDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(path)
			places[path] = string(data)
			if info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is readable by others: %v", path, info.Mode())
			}
		}
		return nil
	})
	if _, ok := places[logFile]; !ok || !strings.Contains(places[logFile], `"method":"POST"`) {
		t.Errorf("the debug log should record the requests")
	}
	for where, text := range places {
		for _, secret := range secrets {
			if strings.Contains(text, secret) || strings.Contains(text, url.QueryEscape(secret)) {
				t.Errorf("%s holds a secret (%.6s…)", where, secret)
			}
		}
		if strings.Contains(text, res.Token) && where != "stdout" && where != res.SavedTo {
			t.Errorf("%s holds the instance token", where)
		}
	}
	if !strings.Contains(places[res.SavedTo], res.Token) {
		t.Error("the session file must keep the token")
	}
}

func TestMissingInputsAreReportedAtOnce(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--non-interactive", "--callback-url", "ftp://x"}, Env{
		Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
			if k == "HOOTWIRE_CONFIG_DIR" {
				return t.TempDir()
			}
			return ""
		}})
	if code != setup.ExitUsage {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--base-url or OC_BASE_URL", "OC_USER_SECRET", "OC_ORG_SECRET", "--client-id or HOOTSUITE_CLIENT_ID", "HOOTSUITE_CLIENT_SECRET", "--callback-url or HOOTSUITE_CALLBACK_URL"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestExitStatuses(t *testing.T) {
	s := newScriptEnv(t)
	t.Run("denied is 3", func(t *testing.T) {
		s.decision = "deny"
		defer func() { s.decision = "allow" }()
		r := s.Main()
		if r.code != setup.ExitAuthorization || !strings.Contains(r.stderr, "denied") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
	t.Run("API refusal is 4", func(t *testing.T) {
		s.admin("POST", "/_sandbox/faults", `{"op":"create-instance","times":1,"status":400,"message":"Failed to create instance","providerMessage":"invalid_grant"}`)
		r := s.Main()
		if r.code != setup.ExitAPI || !strings.Contains(r.stderr, "create instance: HTTP 400") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
	t.Run("wrong secret is 4", func(t *testing.T) {
		cmd, _, stderr := s.command(context.Background())
		cmd.Env = append(cmd.Env, "OC_USER_SECRET=wrong")
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != setup.ExitAPI || !strings.Contains(stderr.String(), "check account: HTTP 401") {
			t.Errorf("err %v\n%s", err, stderr)
		}
	})
	t.Run("network failure is 5", func(t *testing.T) {
		cmd, _, stderr := s.command(context.Background(), "--base-url", fmt.Sprintf("http://127.0.0.1:%d/elements/api-v2", sandboxtest.FreePort(t)))
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != setup.ExitNetwork || !strings.Contains(stderr.String(), "no answer from") {
			t.Errorf("err %v\n%s", err, stderr)
		}
	})
	t.Run("bad usage is 2", func(t *testing.T) {
		if r := s.Main("--json", "--no-such-flag"); r.code != setup.ExitUsage {
			t.Errorf("exit %d", r.code)
		}
	})
	t.Run("interrupted is 130", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd, _, stderr := s.command(ctx, "--no-browser")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitForText(t, stderr, "waiting for the callback")
		cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != setup.ExitInterrupted {
			t.Errorf("err %v\n%s", err, stderr)
		}
	})
	t.Run("hangup is 130, with the advice", func(t *testing.T) {
		// Hold the PATCH, so that the terminal closes with the instance made.
		s.admin("POST", "/_sandbox/faults", `{"op":"patch-instance","times":1,"delay":"60s"}`)
		defer s.admin("DELETE", "/_sandbox/faults", "")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd, _, stderr := s.command(ctx)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitForText(t, stderr, "webhook URL to register")
		cmd.Process.Signal(syscall.SIGHUP)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != setup.ExitInterrupted || !strings.Contains(stderr.String(), "Resume with: hootwire --non-interactive --resume") {
			t.Errorf("err %v\n%s", err, stderr)
		}
	})
	if n := len(s.instances()); n != 1 {
		t.Errorf("%d instances, want the one the hangup left", n)
	}
}

// waitForText polls a buffer a running command writes to.
func waitForText(t *testing.T, buf *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(buf.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q in:\n%s", text, buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKilledRunResumesToOneInstance kills the scripted run with SIGKILL once
// the session file records the instance; --resume then finishes it.
func TestKilledRunResumesToOneInstance(t *testing.T) {
	s := newScriptEnv(t)
	// Hold the PATCH long enough to kill the run after the create.
	s.admin("POST", "/_sandbox/faults", `{"op":"patch-instance","times":1,"delay":"60s"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, _, stderr := s.command(ctx)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		files := s.sessionFiles()
		if len(files) == 1 {
			data, _ := os.ReadFile(files[0])
			if strings.Contains(string(data), `"instance_id"`) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session recorded the instance:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	s.admin("DELETE", "/_sandbox/faults", "")

	r := s.Main("--resume", "--json")
	if r.code != 0 {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, ", instance ") || strings.Contains(r.stderr, "authorization URL") {
		t.Errorf("resume should continue, not authorize again:\n%s", r.stderr)
	}
	all := s.instances()
	if len(all) != 1 || all[0].Patches < 1 || !strings.Contains(all[0].Configuration["event.notification.callback.url"], "/events/hootsuite/") {
		t.Errorf("sandbox = %+v", all)
	}
}

// TestDroppedCreateIsFoundByItsTag: the platform creates the instance but
// the answer never arrives; hootwire finds it by its session tag.
func TestDroppedCreateIsFoundByItsTag(t *testing.T) {
	s := newScriptEnv(t)
	s.admin("POST", "/_sandbox/faults", `{"op":"create-instance","times":1,"dropAfter":true}`)
	r := s.Main("--json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	all := s.instances()
	if len(all) != 1 {
		t.Fatalf("sandbox holds %d instances", len(all))
	}
	var res struct{ ID int64 }
	json.Unmarshal([]byte(r.stdout), &res)
	if res.ID != all[0].ID {
		t.Errorf("continued with %d, sandbox has %d", res.ID, all[0].ID)
	}
	tagged := false
	for _, tag := range all[0].Tags {
		tagged = tagged || strings.HasPrefix(tag, "hootwire-session-")
	}
	if !tagged {
		t.Errorf("tags = %v", all[0].Tags)
	}
}

func TestSessionsListsWithoutSecrets(t *testing.T) {
	s := newScriptEnv(t)
	if r := s.Main(); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if err := os.WriteFile(filepath.Join(s.configDir, "sessions", "broken.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"sessions", "--config-dir", s.configDir}, Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != setup.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	host := strings.TrimPrefix(strings.TrimSuffix(s.base, "/elements/api-v2"), "http://")
	for _, want := range []string{"ID ", "Hootsuite webhooks", "427236", host, "done"} {
		if !strings.Contains(out, want) {
			t.Errorf("sessions lacks %q:\n%s", want, out)
		}
	}
	var sess struct{ Token string }
	files := s.sessionFiles()
	data, _ := os.ReadFile(files[0])
	json.Unmarshal(data, &sess)
	if sess.Token == "" || strings.Contains(out, sess.Token) {
		t.Error("sessions must not show the token")
	}
	if !strings.Contains(stderr.String(), "could not be read") {
		t.Errorf("an unreadable session file must be reported: %s", stderr.String())
	}
}

// TestCodeFromElsewhere: --code - skips the browser and the listener, and a
// code given as the flag's value (where the process list would show it) is
// refused before anything is sent.
func TestCodeFromElsewhere(t *testing.T) {
	s := newScriptEnv(t)
	s.decision = "fail-if-called"
	// Get a code the way a user elsewhere would: the consent page's Allow.
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DemoClientID}, "redirect_uri": {s.callback}, "state": {"state-elsewhere-123"}, "scope": {"offline"}, "decision": {"allow"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(s.root+"/hootsuite/oauth2/consent", q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %q", resp.Header.Get("Location"))
	}
	refused := s.Main("--code", code)
	if refused.code != setup.ExitUsage || !strings.Contains(refused.stderr, "--code takes only -") || strings.Contains(refused.stderr, code) {
		t.Fatalf("--code VALUE: exit %d, stderr %q: want exit 2 pointing to --code -, without the code", refused.code, refused.stderr)
	}
	if n := len(s.instances()); n != 0 {
		t.Fatalf("a refused --code made %d instances", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, _, stderr := s.command(ctx, "--code", "-")
	cmd.Stdin = strings.NewReader(code + "\n")
	runErr := cmd.Run()
	r := scriptedRun{0, "", stderr.String()}
	if runErr != nil {
		t.Fatalf("%v\n%s", runErr, r.stderr)
	}
	if strings.Contains(r.stderr, "waiting for the callback") || strings.Contains(r.stderr, "authorization URL") {
		t.Errorf("--code must skip the browser and the listener:\n%s", r.stderr)
	}
	if _, err := os.Stat(s.browseLog); err == nil {
		t.Error("the browser was opened")
	}
	if strings.Contains(r.stderr, code) {
		t.Error("the grant code was echoed")
	}
}

func TestCodeFromStandardInput(t *testing.T) {
	s := newScriptEnv(t)
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DemoClientID}, "redirect_uri": {s.callback}, "state": {"state-elsewhere-123"}, "scope": {"offline"}, "decision": {"allow"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(s.root+"/hootsuite/oauth2/consent", q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	landed := resp.Header.Get("Location")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, _, stderr := s.command(ctx, "--code", "-")
	cmd.Stdin = strings.NewReader(landed + "\n")
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if n := len(s.instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

func TestResumeCommandKeepsModeAndConfigDir(t *testing.T) {
	cases := []struct {
		o    options
		want string
	}{
		{options{}, "hootwire --resume ab12cd"},
		{options{nonInteractive: true, configDir: "/tmp/cfg"}, "hootwire --non-interactive --resume ab12cd --config-dir /tmp/cfg"},
		{options{plain: true, configDir: "/tmp/my setups"}, "hootwire --plain --resume ab12cd --config-dir '/tmp/my setups'"},
		{options{configDir: "/tmp/it's"}, `hootwire --resume ab12cd --config-dir '/tmp/it'\''s'`},
	}
	for _, c := range cases {
		if got := resumeCommand(c.o, "ab12cd"); got != c.want {
			t.Errorf("resumeCommand(%+v) = %q, want %q", c.o, got, c.want)
		}
	}
}

// TestPlainHTTPElsewhereIsRefused: the scripted mode sends no secret to a
// plain http:// platform on another machine unless told to.
func TestPlainHTTPElsewhereIsRefused(t *testing.T) {
	var stdout, stderr bytes.Buffer
	vars := map[string]string{"OC_BASE_URL": "http://192.0.2.2:5130/elements/api-v2", "OC_USER_SECRET": sandbox.DemoUserSecret,
		"OC_ORG_SECRET": sandbox.DemoOrgSecret, "HOOTSUITE_CLIENT_ID": "id", "HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
		"HOOTWIRE_CONFIG_DIR": t.TempDir()}
	code := Main(t.Context(), []string{"--non-interactive", "--timeout", "1s"}, Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	if code != setup.ExitUsage || !strings.Contains(stderr.String(), "--allow-plain-http") || !strings.Contains(stderr.String(), "unencrypted") {
		t.Errorf("exit %d:\n%s", code, stderr.String())
	}
}

// TestNamesAndTagsAreCheckedBeforeAnyRequest: a name or tag holding an
// escape sequence, or too long, is refused with the flag that gave it.
func TestNamesAndTagsAreCheckedBeforeAnyRequest(t *testing.T) {
	var stdout, stderr bytes.Buffer
	vars := map[string]string{"OC_BASE_URL": "https://api.example.com/elements/api-v2", "OC_USER_SECRET": sandbox.DemoUserSecret,
		"OC_ORG_SECRET": sandbox.DemoOrgSecret, "HOOTSUITE_CLIENT_ID": "id", "HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
		"HOOTWIRE_CONFIG_DIR": t.TempDir()}
	code := Main(t.Context(), []string{"--non-interactive", "--name", "x\x1b]0;pwned\x07", "--tag", strings.Repeat("t", 100)},
		Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }})
	if code != setup.ExitUsage || !strings.Contains(stderr.String(), "--name") || !strings.Contains(stderr.String(), "--tag") || strings.ContainsRune(stderr.String(), '\x1b') {
		t.Errorf("exit %d:\n%q", code, stderr.String())
	}
}

// consentCode approves a consent of its own on the sandbox, as a browser
// elsewhere would, and returns where it landed.
func (s *scriptEnv) consentCode(t *testing.T) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DemoClientID}, "redirect_uri": {s.callback}, "state": {"state-elsewhere-123"}, "scope": {"offline"}, "decision": {"allow"}}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(s.root+"/hootsuite/oauth2/consent", q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// TestTwoRunsCannotDriveOneSetup: two resumes of a setup whose create got
// no clear answer, at once: the second says which process drives it and
// exits 2, and only one instance is made.
func TestTwoRunsCannotDriveOneSetup(t *testing.T) {
	s := newScriptEnv(t)
	st, err := store.Open(s.configDir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.Save(setup.Session{ID: "abcdefabcdef", BaseURL: s.base, Name: "Hootsuite webhooks", CallbackURL: s.callback,
		ClientID: sandbox.DemoClientID, CreateSent: true, Started: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// The first run's look for the instance takes a while: the second
	// comes meanwhile.
	s.admin("POST", "/_sandbox/faults", `{"op":"list-instances","times":1,"delay":"3s"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	first, _, firstErr := s.command(ctx, "--json", "--resume", "--code", "-")
	first.Stdin = strings.NewReader(s.consentCode(t) + "\n")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitForText(t, firstErr, "resuming")
	cmd, _, secondErr := s.command(ctx, "--json", "--resume", "--code", "-")
	cmd.Stdin = strings.NewReader(s.consentCode(t) + "\n")
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != setup.ExitUsage || !strings.Contains(secondErr.String(), fmt.Sprintf("pid %d", first.Process.Pid)) {
		t.Errorf("the second run: %v\n%s", err, secondErr)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first run: %v\n%s", err, firstErr)
	}
	if n := len(s.instances()); n != 1 {
		t.Errorf("%d instances, want 1", n)
	}
}
