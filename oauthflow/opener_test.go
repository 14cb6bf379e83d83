package oauthflow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const testURL = "https://platform.hootsuite.com/oauth2/auth?state=x&redirect_uri=http%3A%2F%2Flocalhost%3A4668%2Fcallback"

func TestBrowserCommands(t *testing.T) {
	cases := []struct {
		env  string
		want [][]string
	}{
		{"", nil},
		{"firefox", [][]string{{"firefox", testURL}}},
		{"chromium --headless %s", [][]string{{"chromium", "--headless", testURL}}},
		{"open -a %s:lynx", [][]string{{"open", "-a", testURL}, {"lynx", testURL}}},
		{"echo 100%% --url=%s", [][]string{{"echo", "100%", "--url=" + testURL}}},
		{"::  :w3m", [][]string{{"w3m", testURL}}},
	}
	for _, c := range cases {
		if got := BrowserCommands(c.env, testURL); !reflect.DeepEqual(got, c.want) {
			t.Errorf("BrowserCommands(%q) = %q, want %q", c.env, got, c.want)
		}
	}
}

// recorder is an Opener whose every way out is a fake that records the call.
type recorder struct {
	calls  []string
	failOn map[string]bool
}

func (r *recorder) opener(env string, wsl bool) Opener {
	return Opener{
		Getenv: func(k string) string {
			if k == "BROWSER" {
				return env
			}
			return ""
		},
		Start: func(_ context.Context, _ time.Duration, argv []string) error {
			r.calls = append(r.calls, argv[0])
			if r.failOn[argv[0]] {
				return errors.New("exit status 1")
			}
			return nil
		},
		LookPath: func(name string) (string, error) { return "/usr/bin/" + name, nil },
		IsWSL:    func() bool { return wsl },
		System: func(string) error {
			r.calls = append(r.calls, "system")
			if r.failOn["system"] {
				return errors.New("xdg-open not found")
			}
			return nil
		},
	}
}

func TestOpenerOrder(t *testing.T) {
	cases := []struct {
		name   string
		env    string
		wsl    bool
		fail   []string
		want   []string
		wantOK bool
	}{
		{"BROWSER first", "first:second", true, nil, []string{"first"}, true},
		{"BROWSER in order", "first:second", false, []string{"first"}, []string{"first", "second"}, true},
		{"then wslview under WSL", "first", true, []string{"first"}, []string{"first", "/usr/bin/wslview"}, true},
		{"then the system opener", "", false, nil, []string{"system"}, true},
		{"no wslview outside WSL", "", false, nil, []string{"system"}, true},
		{"everything fails", "first", true, []string{"first", "/usr/bin/wslview", "system"}, []string{"first", "/usr/bin/wslview", "system"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{failOn: map[string]bool{}}
			for _, f := range c.fail {
				r.failOn[f] = true
			}
			err := r.opener(c.env, c.wsl).Open(context.Background(), testURL)
			if (err == nil) != c.wantOK {
				t.Errorf("err = %v", err)
			}
			if !reflect.DeepEqual(r.calls, c.want) {
				t.Errorf("tried %v, want %v", r.calls, c.want)
			}
			if err != nil && !strings.Contains(err.Error(), "tried first") {
				t.Errorf("the error should list what was tried: %v", err)
			}
		})
	}
}

func TestOpenerRefusesNonHTTP(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "-remote=evil", "javascript:alert(1)", "", "http://"} {
		r := &recorder{}
		if err := r.opener("first", false).Open(context.Background(), u); err == nil {
			t.Errorf("Open(%q) accepted", u)
		}
		if len(r.calls) != 0 {
			t.Errorf("Open(%q) ran %v", u, r.calls)
		}
	}
}

// TestOpenerRunsARealCommand uses a small script as BROWSER: it receives
// the URL as its argument, and its output never reaches the terminal.
func TestOpenerRunsARealCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho noise\necho noise >&2\nprintf '%s' \"$1\" > "+out+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	failing := filepath.Join(dir, "broken.sh")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	o := Opener{
		Getenv: func(k string) string {
			if k == "BROWSER" {
				return failing + ":" + script + " %s"
			}
			return ""
		},
		IsWSL:  func() bool { return false },
		System: func(string) error { return errors.New("must not be reached") },
		Grace:  5 * time.Second, // the script ends well within it, so its exit status decides
	}
	if err := o.Open(context.Background(), testURL); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != testURL {
		t.Errorf("the browser got %q (%v), want the URL", got, err)
	}
}

// TestOpenerDoesNotWaitForALongRunningBrowser: a browser that stays open
// counts as opened once the grace period passes.
func TestOpenerDoesNotWaitForALongRunningBrowser(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the browser
	script := filepath.Join(t.TempDir(), "stays-open.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 600\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	o := Opener{
		Getenv: func(k string) string {
			if k == "BROWSER" {
				return script
			}
			return ""
		},
		IsWSL:  func() bool { return false },
		System: func(string) error { return errors.New("must not be reached") },
		Grace:  20 * time.Millisecond,
	}
	done := make(chan error, 1)
	go func() { done <- o.Open(ctx, testURL) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Open blocked on a browser that keeps running")
	}
}
