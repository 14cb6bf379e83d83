package oauthflow

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testURL = "https://platform.hootsuite.com/oauth2/auth?response_type=code&state=x&redirect_uri=http%3A%2F%2Flocalhost%3A4668%2Fcallback"

func TestBrowserCommands(t *testing.T) {
	sep := string(os.PathListSeparator)
	cases := []struct {
		env  string
		want [][]string
	}{
		{"", nil},
		{"firefox", [][]string{{"firefox", testURL}}},
		{"  firefox\t-new-tab  ", [][]string{{"firefox", "-new-tab", testURL}}},
		{"chromium --headless %s", [][]string{{"chromium", "--headless", testURL}}},
		{"open -a Safari --args %s --again=%s", [][]string{{"open", "-a", "Safari", "--args", testURL, "--again=" + testURL}}},
		{"w3m" + sep + "lynx %s", [][]string{{"w3m", testURL}, {"lynx", testURL}}},
		{sep + sep + "  " + sep + "w3m" + sep, [][]string{{"w3m", testURL}}},
		{"echo 100%% --url=%s", [][]string{{"echo", "100%", "--url=" + testURL}}},
		{"echo %%s", [][]string{{"echo", "%s", testURL}}}, // "%%s" is a literal "%s": the URL still goes last
		{"echo %d %", [][]string{{"echo", "%d", "%", testURL}}},
		{`"/opt/My Browser/run" --flag`, [][]string{{"/opt/My Browser/run", "--flag", testURL}}},
		{`sh -c 'echo "$0" > out' %s`, [][]string{{"sh", "-c", `echo "$0" > out`, testURL}}},
		{`run "" x`, [][]string{{"run", "", "x", testURL}}},
		{`/opt/odd\name\ x`, [][]string{{`/opt/odd\name\`, "x", testURL}}}, // backslashes are literal (Windows paths)
	}
	for _, c := range cases {
		got, problems := browserCommands(c.env, testURL)
		for _, p := range problems {
			if p != nil {
				t.Errorf("browserCommands(%q): %v", c.env, p)
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("browserCommands(%q) =\n %q\nwant\n %q", c.env, got, c.want)
		}
	}
	got, problems := browserCommands(`broken "quote`+sep+"w3m", testURL)
	if len(got) != 2 || problems[0] == nil || !strings.Contains(problems[0].Error(), "never closed") || problems[1] != nil || !reflect.DeepEqual(got[1], []string{"w3m", testURL}) {
		t.Errorf("an unreadable entry: %q, %v", got, problems)
	}
}

// fakes is an Opener whose every way out is a fake that records the call.
type fakes struct {
	mu     sync.Mutex
	calls  [][]string
	failOn map[string]error
	path   map[string]string // what LookPath finds
}

func (f *fakes) record(argv ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, argv)
	return f.failOn[argv[0]]
}

func (f *fakes) opener(env map[string]string, wsl bool) Opener {
	return Opener{
		Getenv: func(k string) string { return env[k] },
		Start: func(_ context.Context, name string, args ...string) error {
			return f.record(append([]string{name}, args...)...)
		},
		LookPath: func(name string) (string, error) {
			if p, ok := f.path[name]; ok {
				return p, nil
			}
			return "", errors.New("not found")
		},
		IsWSL:  func() bool { return wsl },
		System: func(u string) error { return f.record("system", u) },
		goos:   "linux",
	}
}

func names(calls [][]string) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c[0])
	}
	return out
}

func TestOpenerOrder(t *testing.T) {
	sep := string(os.PathListSeparator)
	exit1 := errors.New("exit status 1")
	display := map[string]string{"DISPLAY": ":0"}
	cases := []struct {
		name   string
		env    map[string]string
		wsl    bool
		fail   []string
		want   []string
		wantOK bool
	}{
		{"BROWSER first", map[string]string{"BROWSER": "first" + sep + "second", "DISPLAY": ":0"}, true, nil, []string{"first"}, true},
		{"BROWSER entries in order", map[string]string{"BROWSER": "first" + sep + "second"}, false, []string{"first"}, []string{"first", "second"}, true},
		{"then wslview under WSL", map[string]string{"BROWSER": "first"}, true, []string{"first"}, []string{"first", "/usr/bin/wslview"}, true},
		{"then the system's opener", map[string]string{"BROWSER": "first", "DISPLAY": ":0"}, true, []string{"first", "/usr/bin/wslview"}, []string{"first", "/usr/bin/wslview", "system"}, true},
		{"no BROWSER, not WSL", display, false, nil, []string{"system"}, true},
		{"Wayland counts as a display", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false, nil, []string{"system"}, true},
		{"under WSL the system's opener needs no DISPLAY", nil, true, []string{"/usr/bin/wslview"}, []string{"/usr/bin/wslview", "system"}, true},
		{"no display: the system's opener is skipped", map[string]string{"BROWSER": "first"}, false, []string{"first"}, []string{"first"}, false},
		{"everything fails", map[string]string{"BROWSER": "first", "DISPLAY": ":0"}, true, []string{"first", "/usr/bin/wslview", "system"}, []string{"first", "/usr/bin/wslview", "system"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakes{failOn: map[string]error{}, path: map[string]string{"wslview": "/usr/bin/wslview"}}
			for _, name := range c.fail {
				f.failOn[name] = exit1
			}
			err := f.opener(c.env, c.wsl).Open(context.Background(), testURL)
			if (err == nil) != c.wantOK {
				t.Errorf("Open = %v", err)
			}
			if got := names(f.calls); !reflect.DeepEqual(got, c.want) {
				t.Errorf("tried %v, want %v", got, c.want)
			}
			for _, call := range f.calls {
				if call[len(call)-1] != testURL {
					t.Errorf("%v was not given the URL", call)
				}
			}
		})
	}
}

func TestOpenerErrorListsWhatWasTried(t *testing.T) {
	f := &fakes{failOn: map[string]error{"first": errors.New("exit status 3"), "system": errors.New("xdg-open: not found")}, path: map[string]string{}}
	err := f.opener(map[string]string{"BROWSER": "first", "DISPLAY": ":0"}, true).Open(context.Background(), testURL)
	if err == nil {
		t.Fatal("Open succeeded with nothing working")
	}
	for _, want := range []string{`BROWSER command "first" (exit status 3)`, "wslview (not installed", "the system's opener (xdg-open: not found)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "oauth2/auth") {
		t.Errorf("the error repeats the URL: %q", err)
	}

	// Without a display, it says why nothing opened.
	f = &fakes{}
	err = f.opener(nil, false).Open(context.Background(), testURL)
	if err == nil || !strings.Contains(err.Error(), "no graphical display") || len(f.calls) != 0 {
		t.Errorf("no display: %v, ran %v", err, f.calls)
	}
}

func TestOpenerRefusesWhatIsNotAWebAddress(t *testing.T) {
	for _, u := range []string{
		"file:///etc/passwd",
		"-remote=evil",
		"--new-window=https://x",
		"javascript:alert(1)",
		"",
		"http://",
		"https:evil.example",
		"http://host/\npath",
		"https://host/ x",
		"https://hóst/",
		"ftp://example.com/",
		" https://example.com/",
	} {
		f := &fakes{}
		if err := f.opener(map[string]string{"BROWSER": "first", "DISPLAY": ":0"}, true).Open(context.Background(), u); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("Open(%q) = %v; want a refusal", u, err)
		}
		if len(f.calls) != 0 {
			t.Errorf("Open(%q) ran %v before refusing", u, f.calls)
		}
	}
	f := &fakes{}
	if err := f.opener(map[string]string{"DISPLAY": ":0"}, false).Open(context.Background(), "HTTP://Example.com/x"); err != nil {
		t.Errorf("an upper-case scheme: %v", err)
	}
}

func TestOpenerStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakes{}
	if err := f.opener(map[string]string{"BROWSER": "first", "DISPLAY": ":0"}, true).Open(ctx, testURL); !errors.Is(err, context.Canceled) {
		t.Errorf("Open = %v", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("ran %v with a finished context", f.calls)
	}

	// Ended while a command runs: nothing more is tried.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	f = &fakes{failOn: map[string]error{}}
	o := f.opener(map[string]string{"BROWSER": "first" + string(os.PathListSeparator) + "second", "DISPLAY": ":0"}, true)
	o.Start = func(_ context.Context, name string, args ...string) error {
		f.record(name)
		cancel()
		return context.Canceled
	}
	if err := o.Open(ctx, testURL); !errors.Is(err, context.Canceled) {
		t.Errorf("Open = %v", err)
	}
	if got := names(f.calls); !reflect.DeepEqual(got, []string{"first"}) {
		t.Errorf("tried %v after the context ended", got)
	}
}

// TestOpenerDoesNotWaitForASlowSystemOpener: xdg-open may wait for the
// browser it started; Open returns after the grace period anyway.
func TestOpenerDoesNotWaitForASlowSystemOpener(t *testing.T) {
	release := make(chan struct{})
	returned := make(chan struct{})
	o := Opener{
		Getenv: func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] },
		IsWSL:  func() bool { return false },
		System: func(string) error {
			defer close(returned)
			<-release
			return nil
		},
		Grace: 10 * time.Millisecond,
		goos:  "linux",
	}
	t.Cleanup(func() {
		close(release)
		<-returned
	})
	if err := o.Open(context.Background(), testURL); err != nil {
		t.Errorf("Open = %v; a system opener still running counts as opened", err)
	}
	select {
	case <-returned:
		t.Error("Open returned only after the system opener did")
	default:
	}
}

func TestDetectWSL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	release := func(s string) func(string) ([]byte, error) {
		return func(name string) ([]byte, error) {
			if name != "/proc/sys/kernel/osrelease" {
				t.Errorf("read %s", name)
			}
			if s == "" {
				return nil, os.ErrNotExist
			}
			return []byte(s), nil
		}
	}
	cases := []struct {
		name, goos string
		env        map[string]string
		osrelease  string
		want       bool
	}{
		{"WSL 2 kernel", "linux", nil, "5.15.153.1-microsoft-standard-WSL2\n", true},
		{"WSL 1 kernel", "linux", nil, "4.4.0-19041-Microsoft\n", true},
		{"WSL_DISTRO_NAME", "linux", map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, "", true},
		{"plain Linux", "linux", nil, "6.8.0-45-generic\n", false},
		{"no /proc", "linux", nil, "", false},
		{"not Linux", "darwin", map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, "microsoft", false},
	}
	for _, c := range cases {
		if got := detectWSL(c.goos, env(c.env), release(c.osrelease)); got != c.want {
			t.Errorf("%s: detectWSL = %v", c.name, got)
		}
	}
}

func TestGraphicalSession(t *testing.T) {
	none := func(string) string { return "" }
	for goos, want := range map[string]bool{"darwin": true, "windows": true, "linux": false, "freebsd": false} {
		if got := graphicalSession(goos, none); got != want {
			t.Errorf("%s without DISPLAY: %v", goos, got)
		}
	}
	if !graphicalSession("linux", func(k string) string { return map[string]string{"DISPLAY": ":1"}[k] }) {
		t.Error("linux with DISPLAY")
	}
}
