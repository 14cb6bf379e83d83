package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/internal/buildinfo"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
)

// binDir is where buildOnce puts the binary; TestMain makes it before the
// tests and removes it after them.
var binDir string

// buildOnce builds hootwire once per test binary run, when a test needs it.
var buildOnce = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "hootwire")
	out, err := exec.Command("go", "build", "-o", bin, "hootwire").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func hootwireBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// startSandboxProcess runs `hootwire sandbox` in its own process and returns
// its base URL once it has printed it.
func startSandboxProcess(t *testing.T, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, hootwireBinary(t), append([]string{"sandbox", "--addr", "127.0.0.1:0"}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`Base URL\s+(http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			t.Fatalf("hootwire sandbox printed no base URL; Stderr: %s", stderr.String())
		}
		return base
	case <-time.After(30 * time.Second):
		t.Fatalf("hootwire sandbox did not start; Stderr: %s", stderr.String())
	}
	return ""
}

// TestDocProcedureWithPlainHTTP performs the doc's seven steps as its curl
// commands would, against `hootwire sandbox` in its own process: the proof
// that the sandbox is faithful enough to learn the real API on.
func TestDocProcedureWithPlainHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	base := startSandboxProcess(t)
	root := strings.TrimSuffix(base, "/elements/api-v2")
	auth := "User " + sandbox.DemoUserSecret + ", Organization " + sandbox.DemoOrgSecret
	const callback = "http://localhost:4668/callback"
	noRedirect := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	send := func(method, target, authz, contentType, body string) (int, []byte, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data, resp.Header
	}

	// 1. Getting a redirect URL.
	q := url.Values{"apiKey": {sandbox.DemoClientID}, "apiSecret": {sandbox.DemoClientSecret}, "callbackUrl": {callback}, "state": {"state-from-the-doc"}}
	status, body, _ := send("GET", base+"/elements/hootsuite/oauth/url?"+q.Encode(), auth, "", "")
	if status != 200 {
		t.Fatalf("oauth/url: %d %s", status, body)
	}
	var redirect struct{ Element, OAuthURL string }
	if err := json.Unmarshal(body, &redirect); err != nil || redirect.Element != "hootsuite" {
		t.Fatalf("oauth/url answer %s: %v", body, err)
	}

	// 2. The user approves on the consent page; the browser is sent to the callback with the code.
	status, page, _ := send("GET", redirect.OAuthURL, "", "", "")
	if status != 200 || !bytes.Contains(page, []byte(`id="allow"`)) {
		t.Fatalf("consent page: %d %s", status, page)
	}
	authURL, _ := url.Parse(redirect.OAuthURL)
	form := url.Values{}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope"} {
		form.Set(k, authURL.Query().Get(k))
	}
	form.Set("decision", "allow")
	status, _, header := send("POST", root+"/hootsuite/oauth2/consent", "", "application/x-www-form-urlencoded", form.Encode())
	if status != http.StatusSeeOther {
		t.Fatalf("consent: status %d", status)
	}
	back, err := url.Parse(header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), callback) {
		t.Fatalf("consent redirected to %q", header.Get("Location"))
	}
	code := back.Query().Get("code")
	if code == "" || back.Query().Get("state") != "state-from-the-doc" {
		t.Fatalf("callback %q lacks the code or the state", back)
	}

	// 3-4. Construct the JSON body, POST /instances, keep id and token.
	create := fmt.Sprintf(`{
  "element": {"key": "hootsuite"},
  "providerData": {"code": %q},
  "configuration": {
    "oauth.callback.url": %q,
    "oauth.api.key": %q,
    "oauth.api.secret": %q,
    "event.notification.enabled": true,
    "event.notification.callback.url": %q
  },
  "tags": ["doc"],
  "name": "API Instance"
}`, code, callback, sandbox.DemoClientID, sandbox.DemoClientSecret, base+"/events/hootsuite")
	status, body, _ = send("POST", base+"/instances", auth, "application/json", create)
	if status != 200 {
		t.Fatalf("POST /instances: %d %s", status, body)
	}
	var inst struct {
		ID            int64
		Token         string
		Configuration map[string]*string
	}
	if err := json.Unmarshal(body, &inst); err != nil || inst.ID == 0 || inst.Token == "" {
		t.Fatalf("instance %s: %v", body, err)
	}
	if v := inst.Configuration["oauth.api.secret"]; v == nil || *v != "********" {
		t.Errorf("the client secret must come back masked, got %v", v)
	}

	// The same code a second time is refused: it is single-use.
	if status, body, _ = send("POST", base+"/instances", auth, "application/json", create); status != 400 {
		t.Errorf("reusing the grant code: %d %s, want 400", status, body)
	}

	// 5. Base64-encode the id, as a base64 tool would.
	encoded := base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(inst.ID)))
	webhook := base + "/events/hootsuite/" + encoded

	// 6. Hootsuite's ping to the webhook URL reaches the instance.
	if status, body, _ = send("POST", webhook, "", "application/json", `[{"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{}}]`); status != 200 {
		t.Errorf("ping webhook: %d %s", status, body)
	}

	// 7. PATCH /instances with the Element token, then read it back.
	patch := fmt.Sprintf(`{"configuration":{"event.notification.callback.url":%q}}`, webhook)
	if status, body, _ = send("PATCH", base+"/instances", auth+", Element "+inst.Token, "application/json", patch); status != 200 {
		t.Fatalf("PATCH /instances: %d %s", status, body)
	}
	status, body, _ = send("GET", fmt.Sprintf("%s/instances/%d", base, inst.ID), auth, "", "")
	if status != 200 {
		t.Fatalf("GET instance: %d %s", status, body)
	}
	var readBack struct{ Configuration map[string]*string }
	if err := json.Unmarshal(body, &readBack); err != nil {
		t.Fatal(err)
	}
	if v := readBack.Configuration["event.notification.callback.url"]; v == nil || *v != webhook {
		t.Errorf("event callback URL read back = %v, want %s", v, webhook)
	}
}

func TestSandboxCommandRefusesOtherInterfaces(t *testing.T) {
	var stderr bytes.Buffer
	code := Main(context.Background(), []string{"sandbox", "--addr", "0.0.0.0:0"}, Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != setup.ExitUsage || !strings.Contains(stderr.String(), "loopback") {
		t.Errorf("exit %d, stderr %q: want a refusal naming loopback", code, stderr.String())
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := Main(context.Background(), []string{"--version"}, e); code != setup.ExitOK || !strings.HasPrefix(stdout.String(), "hootwire ") {
		t.Errorf("--version: exit %d, %q", code, stdout.String())
	}
	if code := Main(context.Background(), []string{"frobnicate"}, e); code != setup.ExitUsage || !strings.Contains(stderr.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, stderr.String())
	}
}

func TestWizardWithoutATerminalPointsToNonInteractive(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--sandbox"}, Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != setup.ExitUsage || !strings.Contains(stderr.String(), "--non-interactive") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("nothing belongs on Stdout: %q", stdout.String())
	}
}

func TestHelpOffersNoSecretFlag(t *testing.T) {
	var stdout bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, Env{Stdout: &stdout, Stderr: io.Discard, Getenv: func(string) string { return "" }}); code != setup.ExitOK {
		t.Fatalf("exit %d", code)
	}
	help := stdout.String()
	for _, flag := range []string{"--base-url", "--client-id", "--callback-url", "--sandbox", "--tag", "OC_USER_SECRET", "Exit status:"} {
		if !strings.Contains(help, flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
	for _, line := range strings.Split(help, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "-") && strings.Contains(strings.ToLower(strings.Fields(l)[0]), "secret") {
			t.Errorf("--help offers a secret flag: %q", l)
		}
	}
}

// TestVersionSaysWhichBuild: a release's version, commit and date reach
// --version and hootwire version alike.
func TestVersionSaysWhichBuild(t *testing.T) {
	build := buildinfo.Info{Version: "v1.2.3", Commit: "0123456789abcdef0123", Date: "2026-12-02T08:00:00Z", GoVersion: "go1.27.3", OS: "linux", Arch: "arm64"}
	want := "hootwire v1.2.3 (commit 0123456789ab, built 2026-12-02T08:00:00Z, go1.27.3 linux/arm64)\n"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		var stdout bytes.Buffer
		code := Main(context.Background(), args, Env{Stdout: &stdout, Stderr: io.Discard, Getenv: func(string) string { return "" }, Build: build})
		if code != 0 || stdout.String() != want {
			t.Errorf("%v: exit %d, %q; want %q", args, code, stdout.String(), want)
		}
	}
}
