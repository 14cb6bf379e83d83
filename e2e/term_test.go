//go:build unix

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// How the tests wait for the screen. A wait ends when the screen shows what
// it waits for AND two captures stableGap apart are the same (spinner and
// countdown aside): a frame caught half drawn, or the old frame before a
// redraw, never counts. The deadline is generous because the tests must pass
// on a loaded two-core machine.
const (
	stableGap      = 100 * time.Millisecond
	stableDeadline = 60 * time.Second
)

// term is one tmux server on a private socket with one pane.
type term struct {
	t      *testing.T
	socket string
	shots  []string // every distinct capture, saved when the test fails
	keyN   int      // keys pressed so far: one per key name, one per typed character
}

// termOption changes how newTerm starts the pane.
type termOption func(*termConfig)

type termConfig struct {
	width, height int
	record        string // file that gets the pane's raw output, from its first byte
}

// size starts the pane at w x h instead of 100x30.
func size(w, h int) termOption { return func(c *termConfig) { c.width, c.height = w, h } }

// recordTo copies every byte the pane's program writes to file (tmux
// pipe-pane), from the very first: the command is held until the pipe is on.
func recordTo(file string) termOption { return func(c *termConfig) { c.record = file } }

// newTerm runs command in a fresh pane; the shell then prints
// HOOTWIRE-EXIT=<status> and waits, so the exit status and whatever the
// program printed last stay on the screen.
func newTerm(t *testing.T, env []string, command string, opts ...termOption) *term {
	t.Helper()
	cfg := termConfig{width: 100, height: 30}
	for _, o := range opts {
		o(&cfg)
	}
	// The socket lives in a directory of the test's own, removed at the end:
	// kill-server leaves the socket file behind.
	dir, err := os.MkdirTemp("", "hootwire-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, socket: filepath.Join(dir, "tmux")}
	const gate = "hootwire-e2e-go"
	if cfg.record != "" {
		command = fmt.Sprintf("tmux -S %s wait-for %s; %s", tm.socket, gate, command)
	}
	args := []string{"-S", tm.socket, "-f", "/dev/null", "new-session", "-d",
		"-x", strconv.Itoa(cfg.width), "-y", strconv.Itoa(cfg.height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command+"; echo HOOTWIRE-EXIT=$?; sleep 600")
	start := exec.Command("tmux", args...)
	start.Env = cleanEnv()
	if out, err := start.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() {
		if t.Failed() {
			path := filepath.Join(os.TempDir(), strings.ReplaceAll(t.Name(), "/", "_")+".screens.txt")
			os.WriteFile(path, []byte(strings.Join(tm.shots, "\n-----\n")), 0o600)
			t.Logf("screen captures saved in %s; the last one:\n%s", path, tm.last())
		}
		exec.Command("tmux", "-S", tm.socket, "kill-server").Run()
		os.RemoveAll(dir)
	})
	tm.tmux("set", "-s", "set-clipboard", "on")
	tm.tmux("set", "-g", "window-size", "manual")
	if cfg.record != "" {
		tm.tmux("pipe-pane", "-o", "cat >> "+shellQuote(cfg.record))
		tm.tmux("wait-for", "-S", gate)
	}
	return tm
}

// cleanEnv is the test's environment without what would prefill or steer
// hootwire (a developer's own OC_USER_SECRET, BROWSER or DISPLAY, say):
// each test gives the pane exactly the variables it means to.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "OC_"), strings.HasPrefix(name, "HOOTSUITE_"), strings.HasPrefix(name, "HOOTWIRE_"):
		case name == "BROWSER", name == "DISPLAY", name == "WAYLAND_DISPLAY", name == "NO_COLOR", name == "TMUX", name == "TMUX_PANE":
		default:
			out = append(out, kv)
		}
	}
	return out
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v %s", args, err, out)
	}
	return string(out)
}

// capture is the visible screen, one line per row, trailing blanks cut.
func (tm *term) capture() string { return tm.keep(tm.tmux("capture-pane", "-p")) }

// joined is the visible screen with the rows the terminal wrapped joined
// back into the lines the program wrote.
func (tm *term) joined() string { return tm.keep(tm.tmux("capture-pane", "-p", "-J")) }

func (tm *term) keep(s string) string {
	if tm.last() != s {
		tm.shots = append(tm.shots, s)
	}
	return s
}

func (tm *term) last() string {
	if len(tm.shots) == 0 {
		return ""
	}
	return tm.shots[len(tm.shots)-1]
}

// animated matches what changes on a screen that waits: the spinner before
// a status, and the countdown of the authorization's time left.
var animated = regexp.MustCompile(`(?m)^ ?[|/\\-] |\(\d+:\d\d left\)`)

func steady(s string) string { return animated.ReplaceAllString(s, "~") }

// waitUntil polls the screen until ok holds for it and the screen is
// stable: two captures stableGap apart are the same. It returns the screen.
func (tm *term) waitUntil(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(stableDeadline)
	prev := ""
	for {
		s := tm.capture()
		if ok(s) && prev != "" && steady(s) == steady(prev) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("after %v the screen still did not show %s, steadily", stableDeadline, what)
		}
		prev = s
		time.Sleep(stableGap)
	}
}

// waitFor waits for a stable screen that shows every one of texts.
func (tm *term) waitFor(texts ...string) string {
	tm.t.Helper()
	return tm.waitUntil(fmt.Sprintf("%q", texts), func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// waitExit waits for the program to end and returns its exit status and
// the final screen, wrapped rows joined.
func (tm *term) waitExit() (int, string) {
	tm.t.Helper()
	tm.waitFor("HOOTWIRE-EXIT=")
	screen := tm.joined()
	m := regexp.MustCompile(`HOOTWIRE-EXIT=(\d+)`).FindStringSubmatch(screen)
	if m == nil {
		tm.t.Fatalf("no exit status on the screen:\n%s", screen)
	}
	code, _ := strconv.Atoi(m[1])
	return code, screen
}

// keys presses keys by tmux's names (Enter, Escape, C-c, NPage); typeText
// types literal text. Both count what they press.
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	tm.keyN += len(keys)
	tm.tmux(append([]string{"send-keys"}, keys...)...)
}

func (tm *term) typeText(s string) {
	tm.t.Helper()
	tm.keyN += utf8.RuneCountInString(s)
	tm.tmux("send-keys", "-l", s)
}

// resize sets the window's size, as a user dragging the terminal's edge.
func (tm *term) resize(w, h int) {
	tm.t.Helper()
	tm.tmux("resize-window", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
}

// clipboard is what the program last copied: OSC 52 lands in tmux's buffer.
func (tm *term) clipboard() string {
	tm.t.Helper()
	return strings.TrimSpace(tm.tmux("show-buffer"))
}

// lastLine is the screen's last line that is not blank.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
