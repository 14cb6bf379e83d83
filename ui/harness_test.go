package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// fixedNow keeps the countdown, and so the golden files, still.
var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

const testState = "state-for-tests-0123456789abcdefghijklmnopq"

// fakeBrowser stands in for the user's browser and the loopback listener:
// opening the consent URL approves it on the sandbox and hands the code to
// the listener that is waiting, as a redirect would.
type fakeBrowser struct {
	sb      *sandbox.Server
	mu      sync.Mutex
	opened  []string
	deny    bool
	offline bool // no browser can open
	codes   chan string
	errs    chan error
}

func newFakeBrowser(sb *sandbox.Server) *fakeBrowser {
	return &fakeBrowser{sb: sb, codes: make(chan string, 4), errs: make(chan error, 4)}
}

func (b *fakeBrowser) Open(_ context.Context, u string) error {
	b.mu.Lock()
	b.opened = append(b.opened, u)
	deny, offline := b.deny, b.offline
	b.mu.Unlock()
	if offline {
		return errors.New("no browser here")
	}
	if !strings.Contains(u, "/oauth2/auth") {
		return nil
	}
	var back *url.URL
	var err error
	if deny {
		back, err = b.sb.Deny(u)
	} else {
		back, err = b.sb.Approve(u)
	}
	if err != nil {
		return err
	}
	if e := back.Query().Get("error"); e != "" {
		b.errs <- errors.New("authorization denied: " + e)
		return nil
	}
	b.codes <- back.Query().Get("code")
	return nil
}

type fakeListener struct{ b *fakeBrowser }

func (l fakeListener) Wait(ctx context.Context) (string, error) {
	select {
	case c := <-l.b.codes:
		return c, nil
	case err := <-l.b.errs:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (l fakeListener) Close() error { return nil }

type testEnv struct {
	sb      *sandbox.Server
	browser *fakeBrowser
	cfg     Config
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb := sandboxtest.Start(t, sandbox.Options{})
	b := newFakeBrowser(sb)
	e := &testEnv{sb: sb, browser: b}
	e.cfg = Config{
		Context: ctx,
		Sandbox: sb,
		Now:     func() time.Time { return fixedNow },
		APIOptions: api.Options{Sleep: func(ctx context.Context, _ time.Duration) error {
			return ctx.Err()
		}},
		Deps: Deps{
			NewState:      func() (string, error) { return testState, nil },
			NeedsListener: func(string) (bool, error) { return true, nil },
			Listen: func(context.Context, string, string) (Listener, error) {
				return fakeListener{b}, nil
			},
			Open: b.Open,
			ParsePaste: func(input, want string) (string, error) {
				u, err := url.Parse(strings.TrimSpace(input))
				if err != nil || u.Query().Get("code") == "" {
					return "", errors.New("no code in what was pasted")
				}
				if u.Query().Get("state") != want {
					return "", errors.New("state does not match")
				}
				return u.Query().Get("code"), nil
			},
		},
	}
	return e
}

// driver runs a model the way a Program would, without a terminal: each
// command runs in its own goroutine and its message is fed back in. Timer
// messages (spinner frames, the countdown) are dropped so the run settles.
type driver struct {
	t         testing.TB
	m         Model
	msgs      chan tea.Msg
	views     []string // every frame drawn
	clipboard []string // what OSC52 copies set
	quit      bool
}

func newDriver(t testing.TB, m Model, w, h int) *driver {
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 64)}
	d.apply(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

func (d *driver) apply(msg tea.Msg) {
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	d.views = append(d.views, d.m.View().Content)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		d.msgs <- msg
	}()
}

// settle feeds messages back until cond holds.
func (d *driver) until(what string, cond func(Model) bool) {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond(d.m) {
		select {
		case msg := <-d.msgs:
			d.feed(msg)
		case <-deadline:
			d.t.Fatalf("waiting for %s; screen:\n%s", what, d.m.View().Content)
		}
	}
}

func (d *driver) feed(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg, tickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		if v := reflect.ValueOf(msg); fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" && v.Kind() == reflect.String {
			d.clipboard = append(d.clipboard, v.String())
			return
		}
		d.apply(msg)
	}
}

// press sends keys by name ("enter", "ctrl+c", "a") or text to type.
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.apply(keyPress(k))
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.apply(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+t":
		return tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

func idle(m Model) bool { return m.busy == "" }

func atStep(s Step) func(Model) bool {
	return func(m Model) bool { return m.step == s && m.busy == "" }
}

var (
	portPattern    = regexp.MustCompile(`127\.0\.0\.1:\d{5}`)
	sessionPattern = regexp.MustCompile(`hootwire-session-[0-9a-f]{12}`)
)

// stable removes what differs between runs (the sandbox's port, the
// session id) without changing the layout.
func stable(s string) string {
	s = ansi.Strip(s)
	s = portPattern.ReplaceAllString(s, "127.0.0.1:PORT_")
	return sessionPattern.ReplaceAllString(s, "hootwire-session-000000000000")
}
