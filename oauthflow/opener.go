package oauthflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pkg/browser"
)

// DefaultGrace is how long Open waits for a started browser command to
// fail before it counts as opened: a broken command fails at once, while
// many browsers keep running for as long as their window is open.
const DefaultGrace = 500 * time.Millisecond

// Opener opens a URL in the user's browser, trying in order:
//
//  1. the commands in the BROWSER environment variable, read as Python's
//     webbrowser module reads it: commands separated by the path list
//     separator (':' on Unix), each split on blanks (single and double
//     quotes group words; backslashes are literal), "%s" replaced by the URL
//     and "%%" by "%", the URL appended when no "%s" is given;
//  2. wslview, when running under WSL;
//  3. the system's opener, through github.com/pkg/browser (xdg-open, open,
//     rundll32). On Linux and the BSDs outside WSL it is skipped when no
//     graphical display is set (DISPLAY, WAYLAND_DISPLAY): there it would
//     fall back to a text browser that has no terminal to draw on.
//
// No child can write into the terminal or read from it: stdin, stdout and
// stderr are the null device, and on Unix each command runs in a session of
// its own, with no controlling terminal. The zero Opener is ready to use;
// its fields are seams for tests. An Opener is safe for concurrent use.
type Opener struct {
	Getenv func(string) string // nil: os.Getenv
	// Start runs a command and reports whether it started a browser; nil:
	// run it detached from the terminal, and give it Grace to fail.
	Start    func(ctx context.Context, name string, args ...string) error
	LookPath func(string) (string, error) // nil: exec.LookPath
	IsWSL    func() bool                  // nil: WSL_DISTRO_NAME or "microsoft" in /proc/sys/kernel/osrelease
	System   func(url string) error       // nil: github.com/pkg/browser.OpenURL, its output discarded
	Grace    time.Duration                // 0: DefaultGrace

	goos string // "": runtime.GOOS; tests pick another
}

// Open opens url, which must be an http:// or https:// URL: anything else
// is refused before a command runs (a hostile authorization URL could be a
// file:// path, or start with '-' and pass for a flag). It returns nil once
// one way worked, and otherwise an error listing what was tried; a failure
// to open is for the caller to report next to the URL, never fatal.
//
// Open waits at most about Grace per way tried: a browser still running
// then counts as opened, and is left running in the background, reaped
// when it exits and stopped (SIGTERM to its process group) when ctx ends.
// Pass a context that outlives the program to leave the browser be.
func (o Opener) Open(ctx context.Context, url string) error {
	if err := checkOpenable(url); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("open the browser: %w", err)
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	grace := o.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	start := o.Start
	if start == nil {
		start = func(ctx context.Context, name string, args ...string) error {
			return startDetached(ctx, grace, name, args)
		}
	}
	lookPath := o.LookPath
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	goos := o.goos
	if goos == "" {
		goos = runtime.GOOS
	}
	isWSL := o.IsWSL
	if isWSL == nil {
		isWSL = func() bool { return detectWSL(goos, getenv, os.ReadFile) }
	}
	system := o.System
	if system == nil {
		system = systemOpener()
	}

	var tried []string
	commands, problems := browserCommands(getenv("BROWSER"), url)
	for i, argv := range commands {
		if problems[i] != nil {
			tried = append(tried, problems[i].Error())
			continue
		}
		err := start(ctx, argv[0], argv[1:]...)
		if err == nil {
			return nil
		}
		tried = append(tried, fmt.Sprintf("BROWSER command %q (%v)", clean(argv[0], 80), err))
		if ctx.Err() != nil {
			return openFailed(ctx, tried)
		}
	}
	wsl := isWSL()
	if wsl {
		if path, err := lookPath("wslview"); err != nil {
			tried = append(tried, "wslview (not installed; it comes with wslu)")
		} else if err := start(ctx, path, url); err != nil {
			tried = append(tried, fmt.Sprintf("wslview (%v)", err))
		} else {
			return nil
		}
	}
	if !wsl && !graphicalSession(goos, getenv) {
		tried = append(tried, "the system's opener (skipped: no graphical display, DISPLAY and WAYLAND_DISPLAY are unset)")
		return openFailed(ctx, tried)
	}
	if err := withGrace(ctx, grace, func() error { return system(url) }); err != nil {
		tried = append(tried, fmt.Sprintf("the system's opener (%v)", err))
		return openFailed(ctx, tried)
	}
	return nil
}

func openFailed(ctx context.Context, tried []string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("open the browser: %w; tried %s", err, strings.Join(tried, "; "))
	}
	return fmt.Errorf("open the browser: nothing could open it; tried %s", strings.Join(tried, "; "))
}

// checkOpenable refuses anything but a plain http or https URL.
func checkOpenable(raw string) error {
	for i := 0; i < len(raw); i++ {
		if raw[i] <= ' ' || raw[i] > '~' {
			return errors.New("open the browser: refused: the address holds spaces, control or non-ASCII characters, which a URL never has")
		}
	}
	lower := strings.ToLower(raw)
	u, err := url.Parse(raw)
	if err != nil || !(strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) || u.Host == "" {
		return errors.New("open the browser: refused: the address is not an http:// or https:// URL with a host")
	}
	return nil
}

// browserCommands reads BROWSER into the commands to try, in order, each
// with the URL (target) in place. problems[i] is set when entry i cannot be read.
func browserCommands(env, target string) (commands [][]string, problems []error) {
	for n, entry := range strings.Split(env, string(os.PathListSeparator)) {
		words, err := splitCommandLine(entry)
		if err != nil {
			commands = append(commands, nil)
			problems = append(problems, fmt.Errorf("BROWSER entry %d (%v)", n+1, err))
			continue
		}
		if len(words) == 0 {
			continue
		}
		argv := make([]string, 0, len(words)+1)
		placed := false
		for _, w := range words {
			expanded, hadURL := expandPercent(w, target)
			placed = placed || hadURL
			argv = append(argv, expanded)
		}
		if !placed {
			argv = append(argv, target)
		}
		commands = append(commands, argv)
		problems = append(problems, nil)
	}
	return commands, problems
}

// splitCommandLine splits a command line on blanks; single or double quotes
// group words (an empty pair is an empty word). Backslashes are literal, so
// a Windows path reads as written.
func splitCommandLine(s string) ([]string, error) {
	var (
		words   []string
		word    strings.Builder
		inWord  bool
		quote   rune
		quoteAt int
	)
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, quoteAt, inWord = r, i, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("the quote at character %d is never closed", quoteAt+1)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// expandPercent puts target in place of each "%s" and "%" in place of
// "%%", and reports whether a "%s" was there.
func expandPercent(word, target string) (string, bool) {
	if !strings.Contains(word, "%") {
		return word, false
	}
	var b strings.Builder
	found := false
	for i := 0; i < len(word); i++ {
		if word[i] == '%' && i+1 < len(word) {
			switch word[i+1] {
			case 's':
				b.WriteString(target)
				found = true
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(word[i])
	}
	return b.String(), found
}

// startDetached starts a command detached from the terminal. One that
// fails within grace has failed; one still running then has opened a
// browser and is reaped in the background, and stopped when ctx ends.
func startDetached(ctx context.Context, grace time.Duration, name string, args []string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	// Stdin, Stdout and Stderr stay nil: the null device. An io.Writer
	// that is not a file would make a pipe, and Wait would then wait for
	// every process holding it, a browser the command started among them.
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return waitGrace(ctx, grace, exited)
}

// withGrace runs f, and returns its error if it ends within grace, or nil
// if it is still running then (it goes on in the background).
func withGrace(ctx context.Context, grace time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	return waitGrace(ctx, grace, done)
}

func waitGrace(ctx context.Context, grace time.Duration, done <-chan error) error {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// detectWSL reports whether this is Linux under Windows' WSL.
func detectWSL(goos string, getenv func(string) string, readFile func(string) ([]byte, error)) bool {
	if goos != "linux" {
		return false
	}
	if getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	release, err := readFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(release)), "microsoft")
}

// graphicalSession reports whether the system's opener can show a
// graphical browser: always on macOS and Windows; elsewhere only with an X
// or Wayland display.
func graphicalSession(goos string, getenv func(string) string) bool {
	switch goos {
	case "darwin", "windows", "ios", "android":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// quietBrowser makes pkg/browser's output go nowhere, once per process.
//
// pkg/browser runs xdg-open (or open, rundll32) with its package variables
// Stdout and Stderr, which default to the process's own: xdg-open's and the
// browser's chatter would land in the middle of a full-screen terminal UI.
// They are set here, where the default System func is made, and not at
// init, so that merely importing this package changes nothing. They are
// the null device rather than io.Discard: io.Discard is not a file, so
// os/exec would give the child a pipe and OpenURL would not return until
// every process holding it, the browser xdg-open started among them, had
// exited. A sync.Once keeps concurrent Opens from racing on the variables.
var quietBrowser sync.Once

func systemOpener() func(string) error {
	quietBrowser.Do(func() {
		var out io.Writer = io.Discard
		if devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
			out = devNull // kept open for the life of the process, like os.Stdout
		}
		browser.Stdout, browser.Stderr = out, out
	})
	return browser.OpenURL
}
