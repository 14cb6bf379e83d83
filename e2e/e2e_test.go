//go:build unix

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the hootwire built for these tests; missing names the tools
// the machine lacks, when it lacks any.
var binary, missing string

// needTools skips a test, saying why, on a machine without tmux or Chromium.
func needTools(t *testing.T) {
	t.Helper()
	if missing != "" {
		t.Skipf("the end-to-end tests need tmux and Chromium; not installed here: %s (bash .ci/run installs them)", missing)
	}
}

func TestMain(m *testing.M) {
	// The test binary doubles as a minimal browser for fake_test.go.
	if os.Getenv(fetchEnv) != "" {
		os.Exit(fetchMain(os.Args[1:]))
	}
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

// creds are what a user types on the Account and Hootsuite app steps.
type creds struct {
	user, org, clientID, clientSecret string
}

// sandboxProcess runs `hootwire sandbox` in its own process.
type sandboxProcess struct {
	t    *testing.T
	base string // the platform base URL, .../elements/api-v2
	root string // scheme and host, where the admin endpoints are
	demo creds  // as the sandbox prints them
}

func startSandbox(t *testing.T, flags ...string) *sandboxProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, flags...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	sb := &sandboxProcess{t: t}
	fields := map[string]*string{
		"Base URL":                &sb.base,
		"User secret":             &sb.demo.user,
		"Organization secret":     &sb.demo.org,
		"Hootsuite client id":     &sb.demo.clientID,
		"Hootsuite client secret": &sb.demo.clientSecret,
	}
	line := regexp.MustCompile(`^\s+(\S.*?)\s{2,}(\S+)$`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil && fields[m[1]] != nil {
			*fields[m[1]] = m[2]
		}
		if strings.Contains(sc.Text(), "Press ctrl+c to stop.") {
			break
		}
	}
	go io.Copy(io.Discard, out)
	for name, v := range fields {
		if *v == "" {
			t.Fatalf("the sandbox did not print its %s", name)
		}
	}
	sb.root = strings.TrimSuffix(sb.base, "/elements/api-v2")
	return sb
}

// admin calls the sandbox's admin endpoints (/_sandbox/...).
func (s *sandboxProcess) admin(method, path, body string) []byte {
	s.t.Helper()
	req, err := http.NewRequest(method, s.root+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
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

type instance struct {
	ID            int64             `json:"id"`
	Configuration map[string]string `json:"configuration"`
	Patches       int               `json:"patches"`
}

func (s *sandboxProcess) instances() []instance {
	s.t.Helper()
	var out []instance
	if err := json.Unmarshal(s.admin("GET", "/_sandbox/instances", ""), &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// consent answers the sandbox's consent page for the authorization URL, as
// a user on another machine would, and returns where the browser is sent.
func (s *sandboxProcess) consent(authURL, decision string) string {
	s.t.Helper()
	u, err := url.Parse(authURL)
	if err != nil || u.Query().Get("state") == "" {
		s.t.Fatalf("not an authorization URL: %q", authURL)
	}
	form := url.Values{"decision": {decision}}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope"} {
		form.Set(k, u.Query().Get(k))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(s.root+"/hootsuite/oauth2/consent", form)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	landed := resp.Header.Get("Location")
	if landed == "" {
		s.t.Fatalf("the consent page (%s) sent the browser nowhere", resp.Status)
	}
	return landed
}

// freeCallbackURL is a callback URL on a loopback port free a moment ago.
// Never hootwire's default 4668: another program on the machine may hold it.
func freeCallbackURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprintf("http://localhost:%d/callback", ln.Addr().(*net.TCPAddr).Port)
}

// chromiumFlags run Chromium headless, quietly, on a profile of its own.
const chromiumFlags = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

// chromium is a BROWSER command: a script that runs a real headless
// Chromium on the URL, with fragments[n] for its n-th launch (the last one
// repeats). On the sandbox's consent page the fragment presses Allow
// (sandbox-allow) or Deny (sandbox-deny). hootwire leaves the browser it
// opened running, as a user would want; the test ends its own browsers, by
// the process group each launch leads (hootwire starts it in a session of
// its own).
func chromium(t *testing.T, fragments ...string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hootwire-e2e-browser-")
	if err != nil {
		t.Fatal(err)
	}
	pids := filepath.Join(dir, "pids")
	var cases strings.Builder
	for i, f := range fragments {
		pattern := strconv.Itoa(i + 1)
		if i == len(fragments)-1 {
			pattern = "*"
		}
		fmt.Fprintf(&cases, "%s) frag=%s ;;\n", pattern, f)
	}
	// Each launch gets its own profile: a second Chromium on a profile in
	// use hands its URL to the first and exits.
	script := fmt.Sprintf("#!/bin/sh\necho $$ >> %[1]s\nn=$(wc -l < %[1]s)\ncase $n in\n%[2]sesac\nexec chromium %[3]s --user-data-dir=%[4]s/profile-$n \"$1#$frag\"\n",
		shellQuote(pids), cases.String(), chromiumFlags, shellQuote(dir))
	path := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		data, _ := os.ReadFile(pids)
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				stopGroup(pid)
			}
		}
		// Chromium's helpers may still be writing to the profile for a
		// moment: its removal is best effort (t.TempDir would fail the test).
		for i := 0; i < 20 && os.RemoveAll(dir) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return path
}

// stopGroup ends the process group pgid: SIGTERM, then SIGKILL if it lingers.
func stopGroup(pgid int) {
	if syscall.Kill(-pgid, syscall.SIGTERM) != nil {
		return
	}
	for i := 0; i < 50; i++ {
		time.Sleep(100 * time.Millisecond)
		if errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) {
			return
		}
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// baseEnv is the environment of a wizard run: no inputs, only where to
// save, and the browser when there is one. tmux sets TERM itself.
func baseEnv(t *testing.T, browser string) []string {
	env := []string{"HOOTWIRE_CONFIG_DIR=" + t.TempDir()}
	if browser != "" {
		env = append(env, "BROWSER="+browser)
	}
	return env
}

// typeInputs walks the first four screens of a wizard started without
// --sandbox, typing every input as a user does: Another URL… on the Target
// step, then each value followed by enter, which moves on to the next field
// needing input, or submits the step once every field is valid.
func typeInputs(tm *term, base, callback string, c creds) {
	tm.t.Helper()
	tm.waitFor("Step 1 of 8: Target", "› api.openconnectors.us2.ext.hana.ondemand.com")
	tm.keys("Up", "Up") // from the doc's host, past the sandbox, round to Another URL…
	tm.waitFor("› Another URL…")
	tm.typeText(base)
	tm.waitFor("> " + base)
	tm.keys("Enter")

	tm.waitFor("Step 2 of 8: Account", "› User secret")
	tm.typeText(c.user)
	tm.keys("Enter")
	screen := tm.waitFor("› Organization secret")
	tm.typeText(c.org)
	tm.keys("Enter")
	next := tm.waitFor("Step 3 of 8: Hootsuite app", "Account checked:")
	if strings.Contains(screen+next, c.user) || strings.Contains(screen+next, c.org) {
		tm.t.Errorf("a secret typed on the Account step is on the screen:\n%s\n%s", screen, next)
	}

	tm.typeText(c.clientID)
	tm.keys("Enter")
	tm.waitFor("› REST API client secret", "> "+c.clientID)
	tm.typeText(c.clientSecret)
	tm.keys("Tab") // the callback URL has a default: enter would submit the step
	tm.waitFor("› API callback URL")
	tm.keys("C-u")
	tm.typeText(callback)
	screen = tm.waitFor("> " + callback)
	if strings.Contains(screen, c.clientSecret) {
		tm.t.Errorf("the client secret is on the screen:\n%s", screen)
	}
	tm.keys("Enter")

	tm.waitFor("Step 4 of 8: Instance", "› Instance name")
	tm.keys("C-u")
	tm.typeText("E2E instance")
	tm.keys("Tab")
	tm.waitFor("› Tags")
	tm.typeText("e2e")
	tm.waitFor("> e2e")
	tm.keys("Enter")
	// No wait here: a browser that approves at once may take the wizard
	// past the Authorize step before a capture could see it.
}

// copyAuthURL presses c on the Authorize step and returns what reached
// tmux's buffer through OSC 52.
func copyAuthURL(tm *term) string {
	tm.t.Helper()
	tm.waitFor("Authorization URL", "Waiting for Hootsuite to send the grant code to")
	tm.keys("c")
	tm.waitFor("Copied the authorization URL to the clipboard.")
	return tm.clipboard()
}

// approveByPaste copies the authorization URL with the copy key, approves
// it elsewhere as on another machine, and pastes the URL the browser would
// have landed on.
func approveByPaste(tm *term, sb *sandboxProcess) {
	tm.t.Helper()
	landed := sb.consent(copyAuthURL(tm), "allow")
	tm.keys("p")
	tm.waitFor("Paste the grant code, or the whole URL the browser was sent to", "enter use this code")
	tm.typeText(landed)
	// Once the field has drawn what was typed, it shows only bullets.
	screen := tm.waitFor(strings.Repeat("•", 40))
	landedURL, _ := url.Parse(landed)
	if code := landedURL.Query().Get("code"); code == "" || strings.Contains(screen, code) || strings.Contains(screen, "code=") {
		tm.t.Errorf("the pasted URL, with its code %q, must not be echoed:\n%s", code, screen)
	}
	tm.keys("Enter")
	tm.waitFor("Step 6 of 8: Create")
}

// create sends the request shown on the Create step.
func create(tm *term) string {
	tm.t.Helper()
	tm.waitFor("Step 6 of 8: Create", "enter create the instance")
	tm.keys("Enter")
	screen := tm.waitFor("Created instance ")
	if !regexp.MustCompile(`Token\s+\*{8}  \(r reveals\)`).MatchString(screen) {
		tm.t.Errorf("the token should be masked until r reveals it:\n%s", screen)
	}
	return screen
}

// finishFromCreate walks from the Create step to the end and checks the
// exit: status 0, the summary left in the terminal.
func finishFromCreate(tm *term) string {
	tm.t.Helper()
	create(tm)
	tm.keys("Enter")
	tm.waitFor("Step 7 of 8: Register at Hootsuite", "enter registered")
	tm.keys("Enter")
	tm.waitFor("Done: the instance is set up and its events are wired.")
	tm.keys("Enter")
	code, screen := tm.waitExit()
	if code != 0 {
		tm.t.Fatalf("exit status %d, want 0:\n%s", code, screen)
	}
	if !strings.Contains(screen, "hootwire: setup done.") || !strings.Contains(screen, "Webhook URL") {
		tm.t.Errorf("the summary should stay in the terminal:\n%s", screen)
	}
	return screen
}

// checkPatched checks that the sandbox holds one instance, patched once to
// its webhook URL.
func checkPatched(t *testing.T, sb *sandboxProcess) {
	t.Helper()
	checkPatchedTo(t, sb, "")
}

// checkPatchedTo checks that the one instance was patched once, its event
// callback URL set to want ("" means the doc's: its webhook URL).
func checkPatchedTo(t *testing.T, sb *sandboxProcess, want string) {
	t.Helper()
	all := sb.instances()
	if len(all) != 1 {
		t.Fatalf("the sandbox holds %d instances, want 1: %+v", len(all), all)
	}
	if want == "" {
		want = sb.base + "/events/hootsuite/" + base64ID(all[0].ID)
	}
	if all[0].Patches != 1 || all[0].Configuration["event.notification.callback.url"] != want {
		t.Errorf("instance %+v, want it patched once to %s", all[0], want)
	}
}

func TestWizardWithARealBrowser(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := freeCallbackURL(t)
	tm := newTerm(t, baseEnv(t, chromium(t, "sandbox-allow")), binary)
	typeInputs(tm, sb.base, callback, sb.demo)
	finishFromCreate(tm)
	checkPatched(t, sb)
}

func TestPasteTheRedirectedURL(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := freeCallbackURL(t)
	tm := newTerm(t, baseEnv(t, ""), binary+" --no-browser")
	typeInputs(tm, sb.base, callback, sb.demo)
	approveByPaste(tm, sb)
	finishFromCreate(tm)
	checkPatched(t, sb)
}

func TestDenialThenRetry(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := freeCallbackURL(t)
	// The first launch denies, the next approves, as a user changing their mind.
	tm := newTerm(t, baseEnv(t, chromium(t, "sandbox-deny", "sandbox-allow")), binary)
	typeInputs(tm, sb.base, callback, sb.demo)
	tm.waitFor("access_denied", "Press enter to authorize again")
	tm.keys("Enter")
	finishFromCreate(tm)
	checkPatched(t, sb)
}

func TestCopyKeyReachesTheClipboard(t *testing.T) {
	needTools(t)
	env := append(baseEnv(t, ""), "HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t))
	tm := newTerm(t, env, binary+" --sandbox --no-browser")
	walkToRegister(tm)
	tm.keys("c")
	screen := tm.waitFor("Copied the webhook URL to the clipboard.")
	got := tm.clipboard()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/elements/api-v2/events/hootsuite/NDI3MjM2$`).MatchString(got) {
		t.Errorf("clipboard holds %q", got)
	}
	if !strings.Contains(screen, got) {
		t.Errorf("the copied URL %q is not the one on the screen:\n%s", got, screen)
	}
}

// walkToRegister takes a --sandbox wizard, everything prefilled, to the
// Register step.
func walkToRegister(tm *term) {
	tm.t.Helper()
	tm.waitFor("Step 1 of 8: Target", "› Built-in sandbox")
	tm.keys("Enter")
	tm.waitFor("Step 2 of 8: Account")
	tm.keys("Enter")
	tm.waitFor("Step 3 of 8: Hootsuite app")
	tm.keys("Enter")
	tm.waitFor("Step 4 of 8: Instance")
	tm.keys("Enter")
	tm.waitFor("Step 5 of 8: Authorize", "Waiting for Hootsuite to send the grant code to")
	tm.keys("a")
	tm.waitFor("Step 6 of 8: Create", "enter create the instance")
	tm.keys("Enter")
	tm.waitFor("Created instance 427236.")
	tm.keys("Enter")
	tm.waitFor("Step 7 of 8: Register at Hootsuite")
}

func TestResizeAndQuit(t *testing.T) {
	needTools(t)
	sb := startSandbox(t)
	callback := freeCallbackURL(t)
	tm := newTerm(t, baseEnv(t, ""), binary+" --no-browser")
	typeInputs(tm, sb.base, callback, sb.demo)
	tm.waitFor("Authorization URL", "Waiting for Hootsuite")

	tm.resize(60, 20)
	// tmux clips what is wider than the pane, and on shrinking keeps the
	// old frame's bottom rows: the 100-column help line, clipped, does not
	// end in "ctrl+c quit". A whole help line means the wizard redrew for
	// 60x20, and the stable wait means the redraw is finished.
	small := tm.waitUntil("a whole help line at 60x20", func(s string) bool {
		return strings.HasSuffix(lastLine(s), "ctrl+c quit")
	})
	if !strings.Contains(small, "Step 5 of 8") {
		t.Errorf("the header is gone at 60x20:\n%s", small)
	}
	if n := strings.Count(small, "\n"); n > 20 {
		t.Errorf("%d rows at 60x20", n)
	}
	tm.resize(50, 20)
	tm.waitFor("needs a window of at least 60x20")
	tm.resize(100, 30)
	big := tm.waitFor("Step 5 of 8: Authorize", "p paste code")
	if strings.Contains(big, "needs a window") {
		t.Errorf("the too-small notice stayed at 100x30:\n%s", big)
	}

	// Create the instance, then quit: hootwire asks first, and says how to resume.
	approveByPaste(tm, sb)
	created := create(tm)
	id := regexp.MustCompile(`Created instance (\d+)\.`).FindStringSubmatch(created)[1]
	tm.keys("C-c")
	tm.waitFor("Quit now? Instance "+id, "n/esc stay")
	tm.keys("n")
	tm.waitUntil("the Create step again, the question gone", func(s string) bool {
		return strings.Contains(s, "Created instance "+id) && !strings.Contains(s, "Quit now?")
	})
	tm.keys("C-c")
	tm.waitFor("Quit now? Instance " + id)
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
	if n := len(sb.instances()); n != 1 {
		t.Errorf("%d instances, want the one kept for resuming", n)
	}
}
