package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/oauthflow"
)

// The one driver of the wizard's tests: a model run as a Program runs it,
// without a terminal, and read through what it shows.

// fixedNow keeps the countdown, and so the golden files, still.
var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

const testState = "state-for-tests-0123456789abcdefghijklmnopq"

// fakeBrowser stands in for the user's browser and the loopback listener:
// opening the consent URL approves (or denies) it on the sandbox and hands
// where the browser lands to the listener waiting for that state, as a
// redirect would.
type fakeBrowser struct {
	sb      *sandbox.Server
	mu      sync.Mutex
	opened  []string
	deny    bool
	offline bool // no browser can open
	landed  chan *url.URL
	// landedAt is every address the browser was sent back to.
	landedAt []*url.URL
}

// codes are the grant codes the browser was given.
func (b *fakeBrowser) codes() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, u := range b.landedAt {
		if c := u.Query().Get("code"); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func newFakeBrowser(sb *sandbox.Server) *fakeBrowser {
	return &fakeBrowser{sb: sb, landed: make(chan *url.URL, 4)}
}

func (b *fakeBrowser) set(f func(b *fakeBrowser)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b)
}

func (b *fakeBrowser) openedCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.opened)
}

func (b *fakeBrowser) Open(_ context.Context, u string) error {
	b.mu.Lock()
	b.opened = append(b.opened, u)
	deny, offline := b.deny, b.offline
	b.mu.Unlock()
	if offline {
		return errors.New("no browser here")
	}
	if strings.Contains(u, "/start/") {
		// The one-time link: fetched once, as a browser would, for where
		// it sends the browser on.
		next, err := follow(u)
		if err != nil {
			return err
		}
		u = next
	}
	if !strings.Contains(u, "/oauth2/auth") {
		return nil
	}
	approve := b.sb.Approve
	if deny {
		approve = b.sb.Deny
	}
	back, err := approve(u)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.landedAt = append(b.landedAt, back)
	b.mu.Unlock()
	b.landed <- back
	return nil
}

// follow fetches a one-time start link and returns where it redirects.
func follow(link string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(link)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("the start link answered %s", resp.Status)
	}
	return resp.Header.Get("Location"), nil
}

// fakeListener reads the landing address as oauthflow's listener does:
// the state must match, a denial is an error.
type fakeListener struct {
	b     *fakeBrowser
	state string
}

func (l fakeListener) Wait(ctx context.Context) (string, error) {
	select {
	case back := <-l.b.landed:
		q := back.Query()
		if q.Get("state") != l.state {
			return "", oauthflow.ErrStateMismatch
		}
		if e := q.Get("error"); e != "" {
			return "", &oauthflow.DeniedError{Err: e}
		}
		return q.Get("code"), nil
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

// newTestEnv is a wizard run with --sandbox: the sandbox already running,
// its demo credentials filled in, nothing saved.
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
		API: api.Options{Sleep: func(ctx context.Context, _ time.Duration) error {
			return ctx.Err()
		}},
		Deps: Deps{
			NewState: func() (string, error) { return testState, nil },
			Listen: func(_ context.Context, _, state string) (setup.Listener, error) {
				return fakeListener{b, state}, nil
			},
			Open: b.Open,
			StartSandbox: func(ctx context.Context) (*sandbox.Server, error) {
				return sandbox.Start(ctx, "", sandbox.Options{})
			},
		},
	}
	return e
}

// tenantEnv is a wizard for a "real" tenant (the sandbox, reached as any
// URL would be, so nothing of the sandbox shows) with a store for its
// setups and every input given, as flags and environment would.
func tenantEnv(t testing.TB) *testEnv {
	e := newTestEnv(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.cfg.Sandbox = nil
	e.cfg.Store = st
	e.cfg.Prefill = setup.Inputs{
		BaseURL: e.sb.BaseURL, UserSecret: sandbox.DemoUserSecret, OrgSecret: sandbox.DemoOrgSecret,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret,
	}
	return e
}

// driver runs a model the way a Program would: each command runs in its
// own goroutine and its message is fed back in. Timer messages (spinner
// frames, the countdown) are dropped so a run settles.
type driver struct {
	t         testing.TB
	b         *fakeBrowser
	m         Model
	keys      int // keys pressed so far
	msgs      chan tea.Msg
	views     []string // every frame drawn
	clipboard []string // what OSC52 copies set
	quit      bool
}

func newDriver(t testing.TB, e *testEnv, w, h int) *driver {
	d := &driver{t: t, b: e.browser, m: New(e.cfg), msgs: make(chan tea.Msg, 64)}
	d.run(d.m.Init())
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
	go func() { d.msgs <- cmd() }()
}

// until feeds messages back until cond holds.
func (d *driver) until(what string, cond func(Model) bool) {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond(d.m) {
		select {
		case msg := <-d.msgs:
			d.feed(msg)
		case <-deadline:
			d.t.Fatalf("waiting for %s; screen:\n%s", what, d.screen())
		}
	}
}

// settle feeds the messages already on their way, so that a check of what
// did not happen is not made too soon.
func (d *driver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			d.feed(msg)
		case <-time.After(50 * time.Millisecond):
			return
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

// press sends keys by name ("enter", "ctrl+c", "a").
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.keys++
		d.apply(keyPress(k))
	}
}

// typeText types s a character at a time.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.keys++
		d.apply(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

var namedKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"left":      {Code: tea.KeyLeft},
	"right":     {Code: tea.KeyRight},
	"home":      {Code: tea.KeyHome},
	"end":       {Code: tea.KeyEnd},
	"pgup":      {Code: tea.KeyPgUp},
	"pgdown":    {Code: tea.KeyPgDown},
	"space":     {Code: tea.KeySpace, Text: " "},
	"backspace": {Code: tea.KeyBackspace},
	"f1":        {Code: tea.KeyF1},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+t":    {Code: 't', Mod: tea.ModCtrl},
	"ctrl+r":    {Code: 'r', Mod: tea.ModCtrl},
	"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
}

func keyPress(name string) tea.KeyPressMsg {
	if k, ok := namedKeys[name]; ok {
		return k
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// screen is what the user sees: the frame without colour, with what
// differs between runs (the sandbox's port, the session id) made still.
func (d *driver) screen() string { return stable(d.m.View().Content) }

// body is the whole body of the step on show, as far as scrolling goes.
func (d *driver) body() string { return stable(d.m.page().View().Body) }

// shows waits until the screen shows text (read as flowing text: the
// line breaks of the layout do not count).
func (d *driver) shows(text string) {
	d.t.Helper()
	d.until(fmt.Sprintf("the screen to show %q", text), func(m Model) bool { return says(m.View().Content, text) })
}

// says reports whether a screen shows text, wherever the layout broke its
// lines: spaces, line breaks and the frame's margins are not compared.
func says(screen, text string) bool {
	return strings.Contains(flat(stable(screen)), flat(stable(text)))
}

// flat is text without colour and without any white space, so that text
// wrapped across lines, or a URL broken anywhere, still matches.
func flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(ansi.Strip(s), "│", " ")), "")
}

func idle(m Model) bool { return !m.page().View().Busy }

func atStep(s setup.Step) func(Model) bool {
	return func(m Model) bool { return m.step == s && idle(m) }
}

var (
	portPattern    = regexp.MustCompile(`127\.0\.0\.1:\d{5}`)
	sessionPattern = regexp.MustCompile(`hootwire-session-[0-9a-f]{12}`)
)

// stable removes what differs between runs (the sandbox's port, the
// session id) without changing the layout.
func stable(s string) string {
	s = ansi.Strip(s)
	s = portPattern.ReplaceAllStringFunc(s, func(p string) string { return "127.0.0.1:" + strings.Repeat("P", len(p)-len("127.0.0.1:")) })
	return sessionPattern.ReplaceAllString(s, "hootwire-session-000000000000")
}

// The walk through the sandbox with everything prefilled, one key a step:
// the shared script of every test that needs to reach a step.

// walkTo drives a fresh wizard to step s, waiting until it is idle there;
// on the authorize step it waits for the listener.
func (d *driver) walkTo(s setup.Step) {
	d.t.Helper()
	for d.m.step < s {
		from := d.m.step
		switch from {
		case setup.StepAuthorize:
			// The browser approves by itself; where none can open, the
			// user presses a.
			d.b.mu.Lock()
			offline := d.b.offline
			d.b.mu.Unlock()
			if offline {
				d.press("a")
			}
		case setup.StepCreate:
			d.press("enter")
			d.until("the instance", func(m Model) bool { return idle(m) && m.proc.InstanceExists() })
			d.press("enter")
		default:
			d.press("enter")
		}
		d.until(fmt.Sprintf("the step after %v", from), func(m Model) bool { return m.step > from && idle(m) })
		d.untilReady()
	}
}

// untilReady waits for the step on show to be ready for keys: the
// authorize step with its URL and its listener.
func (d *driver) untilReady() {
	d.t.Helper()
	if d.m.step == setup.StepAuthorize {
		d.until("the authorization URL", func(m Model) bool {
			a := m.pages[setup.StepAuthorize].(authorizePage)
			return m.step != setup.StepAuthorize || a.auth != nil && (a.listening && a.browser != "" || a.err != nil || a.pasting)
		})
	}
	d.until("an idle step", idle)
}

// walkToTheEnd walks from the first screen to the summary.
func walkToTheEnd(d *driver) {
	d.walkTo(setup.StepFinish)
	d.until("the summary", func(m Model) bool { return m.proc.Done() && idle(m) })
}
