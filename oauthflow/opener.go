package oauthflow

import (
	"context"
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

// DefaultGrace is how long a started browser command may take to fail
// before it counts as opened. Browsers often keep running; a broken
// command fails at once.
const DefaultGrace = 700 * time.Millisecond

// Opener opens a URL in the user's browser: the commands in BROWSER first
// (as Python's webbrowser reads it), then wslview under WSL, then the
// system's opener. No child ever writes into the terminal, and a failure to
// open is an error for the caller to show next to the URL, never fatal.
type Opener struct {
	Getenv   func(string) string                                                 // nil: os.Getenv
	Start    func(ctx context.Context, grace time.Duration, argv []string) error // nil: startCommand
	LookPath func(string) (string, error)                                        // nil: exec.LookPath
	IsWSL    func() bool                                                         // nil: reads /proc
	System   func(url string) error                                              // nil: github.com/pkg/browser, output discarded
	Grace    time.Duration                                                       // 0: DefaultGrace
}

// Open opens u. It refuses anything but an http or https URL before running
// anything: a hostile authorization URL could be a file:// path or start
// with '-' and pass for a flag.
func (o Opener) Open(ctx context.Context, u string) error {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" || strings.HasPrefix(u, "-") {
		return fmt.Errorf("open browser: refusing %q: only http and https URLs are opened", clean(u, 80))
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	start := o.Start
	if start == nil {
		start = startCommand
	}
	grace := o.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	var tried []string
	for _, argv := range BrowserCommands(getenv("BROWSER"), u) {
		if err := start(ctx, grace, argv); err == nil {
			return nil
		} else {
			tried = append(tried, fmt.Sprintf("%s (%v)", argv[0], err))
		}
	}
	isWSL := o.IsWSL
	if isWSL == nil {
		isWSL = func() bool { return detectWSL(getenv) }
	}
	lookPath := o.LookPath
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if isWSL() {
		if path, err := lookPath("wslview"); err == nil {
			if err := start(ctx, grace, []string{path, u}); err == nil {
				return nil
			} else {
				tried = append(tried, fmt.Sprintf("wslview (%v)", err))
			}
		}
	}
	system := o.System
	if system == nil {
		system = systemOpen
	}
	if err := system(u); err == nil {
		return nil
	} else {
		tried = append(tried, fmt.Sprintf("the system opener (%v)", err))
	}
	return fmt.Errorf("open browser: nothing could open it: tried %s", strings.Join(tried, "; "))
}

// BrowserCommands reads BROWSER as Python's webbrowser does: commands
// separated by the path list separator, tried in order; in each, %s is the
// URL (%% a percent sign), and without %s the URL is appended.
func BrowserCommands(env, u string) [][]string {
	var out [][]string
	for _, entry := range strings.Split(env, string(os.PathListSeparator)) {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		substituted := false
		argv := make([]string, 0, len(fields)+1)
		for _, f := range fields {
			if strings.Contains(f, "%s") {
				substituted = true
			}
			argv = append(argv, expandPercent(f, u))
		}
		if !substituted {
			argv = append(argv, u)
		}
		out = append(out, argv)
	}
	return out
}

func expandPercent(f, u string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] == '%' && i+1 < len(f) {
			switch f[i+1] {
			case 's':
				b.WriteString(u)
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(f[i])
	}
	return b.String()
}

// startCommand runs argv detached from the terminal. A command that exits
// with an error within grace has failed; one still running then has opened
// the browser, and is reaped in the background (and stopped with ctx).
func startCommand(ctx context.Context, grace time.Duration, argv []string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, io.Discard, io.Discard
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func detectWSL(getenv func(string) string) bool {
	if runtime.GOOS != "linux" {
		return false
	}
	if getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(data)), "microsoft")
}

// systemOpen uses github.com/pkg/browser. Its Stdout and Stderr are package
// variables defaulting to the process's own: left alone, xdg-open's chatter
// would be written straight into the wizard's screen.
// They are set once, under a sync.Once, so concurrent opens do not race.
func systemOpen(u string) error {
	quietBrowser.Do(func() {
		browser.Stdout = io.Discard
		browser.Stderr = io.Discard
	})
	return browser.OpenURL(u)
}

var quietBrowser sync.Once
