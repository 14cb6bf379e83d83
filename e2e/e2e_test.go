package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// binary is the hootwire built for these tests; missing names the tools
// the machine lacks, when it lacks any.
var binary, missing string

// needTools skips a test, saying why, on a machine without tmux or Chromium.
func needTools(t *testing.T) {
	t.Helper()
	if missing != "" {
		t.Skipf("the end-to-end tests need %s, which is not installed (bash .ci/run installs it)", missing)
	}
}

func TestMain(m *testing.M) {
	code := func() int {
		var lacking []string
		for _, tool := range []string{"tmux", "chromium"} {
			if _, err := exec.LookPath(tool); err != nil {
				lacking = append(lacking, tool)
			}
		}
		if len(lacking) > 0 {
			missing = strings.Join(lacking, " and ")
			fmt.Fprintf(os.Stderr, "e2e: skipping the end-to-end tests: %s not installed (bash .ci/run installs them)\n", missing)
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "hootwire-e2e-")
		if err != nil {
			fmt.Println(err)
			return 1
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "hootwire")
		if out, err := exec.Command("go", "build", "-o", binary, "..").CombinedOutput(); err != nil {
			fmt.Printf("go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// term is one tmux server on a private socket with one 100x30 pane.
type term struct {
	t      *testing.T
	socket string
	shots  []string // every capture, saved when the test fails
}

func newTerm(t *testing.T, env []string, command string) *term {
	t.Helper()
	// The socket lives in a directory of the test's own, removed at the end:
	// kill-server leaves the socket file behind.
	dir, err := os.MkdirTemp("", "hootwire-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, socket: filepath.Join(dir, "tmux")}
	args := []string{"-S", tm.socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command+"; echo HOOTWIRE-EXIT=$?; sleep 600")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	tm.tmux("set", "-s", "set-clipboard", "on")
	tm.tmux("set", "-g", "window-size", "manual")
	t.Cleanup(func() {
		if t.Failed() {
			path := filepath.Join(os.TempDir(), strings.ReplaceAll(t.Name(), "/", "_")+".screens.txt")
			os.WriteFile(path, []byte(strings.Join(tm.shots, "\n-----\n")), 0o600)
			t.Logf("screen captures saved in %s; the last one:\n%s", path, tm.last())
		}
		exec.Command("tmux", "-S", tm.socket, "kill-server").Run()
		os.RemoveAll(dir)
	})
	return tm
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v %s", args, err, out)
	}
	return string(out)
}

func (tm *term) capture() string {
	s := tm.tmux("capture-pane", "-p")
	tm.shots = append(tm.shots, s)
	return s
}

func (tm *term) last() string {
	if len(tm.shots) == 0 {
		return ""
	}
	return tm.shots[len(tm.shots)-1]
}

// waitFor polls the screen until it shows text, with a deadline.
func (tm *term) waitFor(text string) string {
	tm.t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		s := tm.capture()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q", text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keys sends key names (Enter, Escape, C-c); typeText sends literal text.
func (tm *term) keys(keys ...string) { tm.tmux(append([]string{"send-keys"}, keys...)...) }
func (tm *term) typeText(s string)   { tm.tmux("send-keys", "-l", s) }

// sandboxProcess runs `hootwire sandbox` in its own process.
type sandboxProcess struct {
	t    *testing.T
	base string
	root string
}

func startSandbox(t *testing.T) *sandboxProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, "sandbox", "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	re := regexp.MustCompile(`Base URL\s+(http://\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return &sandboxProcess{t: t, base: m[1], root: strings.TrimSuffix(m[1], "/elements/api-v2")}
		}
	}
	t.Fatal("the sandbox printed no base URL")
	return nil
}

type instance struct {
	ID            int64             `json:"id"`
	Configuration map[string]string `json:"configuration"`
	Patches       int               `json:"patches"`
}

func (s *sandboxProcess) instances() []instance {
	resp, err := http.Get(s.root + "/_sandbox/instances")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []instance
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// chromium is the BROWSER command: a real headless Chromium that loads the
// consent page, where the fragment makes the page press Allow or Deny.
func chromium(t *testing.T, fragment string) string {
	profile := scratchDir(t)
	return "chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir=" + profile + " %s#" + fragment
}

// scratchDir is a browser profile directory. Chromium's helper processes
// may still be writing to it as the test ends, so its removal is best effort
// (t.TempDir would fail the test for it).
func scratchDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "hootwire-e2e-profile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// hootwire leaves the browser it opened running, as a user would
		// want; the test's own browsers end with the test.
		exec.Command("pkill", "-f", "--", "--user-data-dir="+dir).Run()
		for i := 0; i < 20 && os.RemoveAll(dir) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

// baseEnv is the environment of a wizard run: no inputs, only where to save.
func baseEnv(t *testing.T, browser string) []string {
	env := []string{"HOOTWIRE_CONFIG_DIR=" + t.TempDir(), "TERM=xterm-256color"}
	if browser != "" {
		env = append(env, "BROWSER="+browser)
	}
	return env
}

// typeInputs walks the first four screens, typing every input.
func typeInputs(tm *term, base, callback string) {
	tm.waitFor("Step 1 of 8: Target")
	tm.keys("Up", "Up") // from the doc's host, past the sandbox, round to Another URL…
	tm.waitFor("> ")
	tm.typeText(base)
	tm.keys("Enter")
	tm.waitFor("Step 2 of 8: Account")
	tm.typeText(sandbox.DemoUserSecret)
	tm.keys("Tab")
	tm.typeText(sandbox.DemoOrgSecret)
	tm.keys("Enter")
	tm.waitFor("Step 3 of 8: Hootsuite app")
	tm.typeText(sandbox.DemoClientID)
	tm.keys("Tab")
	tm.typeText(sandbox.DemoClientSecret)
	tm.keys("Tab", "C-u")
	tm.typeText(callback)
	tm.keys("Enter")
	tm.waitFor("Step 4 of 8: Instance")
	tm.keys("C-u")
	tm.typeText("E2E instance")
	tm.keys("Enter")
	tm.typeText("e2e")
	tm.keys("Enter", "Enter")
	tm.waitFor("Step 5 of 8: Authorize")
}

func finishFromCreate(tm *term) string {
	tm.waitFor("Step 6 of 8: Create")
	tm.keys("Enter")
	tm.waitFor("Created.")
	tm.keys("Enter")
	tm.waitFor("Step 7 of 8: Register at Hootsuite")
	tm.keys("Enter")
	tm.waitFor("Done: the instance is set up")
	tm.keys("Enter")
	return tm.waitFor("HOOTWIRE-EXIT=0")
}

func TestWizardWithARealBrowser(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := sandboxtest.CallbackURL(t)
	tm := newTerm(t, baseEnv(t, chromium(t, "sandbox-allow")), binary)
	typeInputs(tm, sb.base, callback)
	screen := finishFromCreate(tm)
	if !strings.Contains(screen, "hootwire: setup done.") || !strings.Contains(screen, "Webhook URL") {
		t.Errorf("the summary should stay in the terminal:\n%s", screen)
	}
	all := sb.instances()
	if len(all) != 1 || all[0].Patches != 1 || !strings.Contains(all[0].Configuration["event.notification.callback.url"], "/events/hootsuite/") {
		t.Errorf("sandbox = %+v", all)
	}
}

func TestPasteTheRedirectedURL(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := sandboxtest.CallbackURL(t)
	tm := newTerm(t, baseEnv(t, ""), binary+" --no-browser")
	typeInputs(tm, sb.base, callback)
	approveByPaste(t, tm, sb)
	finishFromCreate(tm)
	if n := len(sb.instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

// approveByPaste copies the authorization URL with the copy key (OSC52 to
// tmux's buffer), approves it elsewhere as on another machine, and pastes
// the URL the browser would have landed on.
func approveByPaste(t *testing.T, tm *term, sb *sandboxProcess) {
	t.Helper()
	tm.waitFor("Authorization URL")
	tm.keys("c")
	tm.waitFor("Copied the authorization URL")
	authURL := strings.TrimSpace(tm.tmux("show-buffer"))
	u, err := url.Parse(authURL)
	if err != nil || u.Query().Get("state") == "" {
		t.Fatalf("copied %q", authURL)
	}
	form := url.Values{"decision": {"allow"}}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope"} {
		form.Set(k, u.Query().Get(k))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(sb.root+"/hootsuite/oauth2/consent", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	landed := resp.Header.Get("Location")
	tm.keys("p")
	tm.waitFor("Paste the grant code")
	tm.typeText(landed)
	// Once the field has drawn what was typed, it shows only bullets.
	screen := tm.waitFor(strings.Repeat("•", 20))
	landedURL, _ := url.Parse(landed)
	if code := landedURL.Query().Get("code"); code == "" || strings.Contains(screen, code) || strings.Contains(screen, "code=") {
		t.Errorf("the pasted URL, with its code %q, must not be echoed:\n%s", code, screen)
	}
	tm.keys("Enter")
}

func TestDenialThenRetry(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := sandboxtest.CallbackURL(t)
	// The first open denies, the next approves, as a user changing their mind.
	dir := t.TempDir()
	script := filepath.Join(dir, "browser.sh")
	marker := filepath.Join(dir, "denied-once")
	// Each launch gets its own profile: a second Chromium on a profile in
	// use hands its URL to the first and exits.
	first, second := scratchDir(t), scratchDir(t)
	flags := "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir="
	body := fmt.Sprintf("#!/bin/sh\nif [ ! -e %s ]; then touch %s; exec chromium %s%s \"$1#sandbox-deny\"; fi\nexec chromium %s%s \"$1#sandbox-allow\"\n", marker, marker, flags, first, flags, second)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	tm := newTerm(t, baseEnv(t, script), binary)
	typeInputs(tm, sb.base, callback)
	tm.waitFor("access_denied")
	tm.waitFor("start a fresh authorization")
	tm.keys("Enter")
	finishFromCreate(tm)
	if n := len(sb.instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

func TestCopyKeyReachesTheClipboard(t *testing.T) {
	needTools(t)
	tm := newTerm(t, baseEnv(t, ""), binary+" --sandbox --no-browser")
	tm.waitFor("Step 1 of 8: Target")
	tm.keys("Enter")
	tm.waitFor("Step 2 of 8")
	tm.keys("Enter", "Enter")
	tm.waitFor("Step 3 of 8")
	tm.keys("Enter", "Enter", "Enter")
	tm.waitFor("Step 4 of 8")
	tm.keys("Enter", "Enter", "Enter")
	tm.waitFor("Authorization URL")
	tm.keys("a")
	tm.waitFor("Step 6 of 8: Create")
	tm.keys("Enter")
	tm.waitFor("Created.")
	tm.keys("Enter")
	screen := tm.waitFor("Step 7 of 8")
	tm.keys("c")
	tm.waitFor("Copied the webhook URL")
	got := strings.TrimSpace(tm.tmux("show-buffer"))
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/elements/api-v2/events/hootsuite/NDI3MjM2$`).MatchString(got) {
		t.Errorf("clipboard holds %q", got)
	}
	if !strings.Contains(strings.ReplaceAll(screen, "\n", ""), "NDI3MjM2") {
		t.Errorf("screen:\n%s", screen)
	}
}

func TestResizeAndQuit(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := sandboxtest.CallbackURL(t)
	tm := newTerm(t, baseEnv(t, ""), binary+" --no-browser")
	typeInputs(tm, sb.base, callback)
	tm.waitFor("Authorization URL")
	tm.tmux("resize-window", "-x", "60", "-y", "20")
	// tmux clips what is wider than the pane, so the width itself is checked
	// in ui.TestSmallestWindowKeepsTheLayout; here the header and the help
	// line must both be on the small screen. The 100x30 frame's help line
	// is below row 20, so seeing one means the wizard redrew for 60x20.
	small := tm.waitFor(" • ")
	if !strings.Contains(small, "Step 5 of 8") {
		t.Errorf("the header is gone at 60x20:\n%s", small)
	}
	tm.tmux("resize-window", "-x", "50", "-y", "20")
	tm.waitFor("needs a window of at least 60x20")
	tm.tmux("resize-window", "-x", "100", "-y", "30")
	tm.waitFor("Step 5 of 8: Authorize")
	// Create the instance, then quit: hootwire asks first, and says how to resume.
	approveByPaste(t, tm, sb)
	tm.waitFor("Step 6 of 8: Create")
	tm.keys("Enter")
	tm.waitFor("Created.")
	tm.keys("C-c")
	tm.waitFor("Quit now? Instance")
	tm.keys("n")
	tm.waitFor("Created.")
	tm.keys("C-c")
	tm.waitFor("Quit now? Instance")
	tm.keys("y")
	screen := tm.waitFor("HOOTWIRE-EXIT=130")
	if !strings.Contains(screen, "Resume with: hootwire --resume --base-url "+sb.base) {
		t.Errorf("the exit should say how to resume:\n%s", screen)
	}
	if n := len(sb.instances()); n != 1 {
		t.Errorf("%d instances, want the one kept for resuming", n)
	}
}
