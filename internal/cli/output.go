package cli

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"hootwire/internal/privfile"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
)

// usageError is a problem with how hootwire was called or what it was
// given: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func (u usageError) Is(target error) bool { return target == setup.ErrBadInput }

func badInput(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// progress writes the scripted mode's lines on stderr.
type progress struct{ w io.Writer }

// say writes one progress line. Its string arguments (a name or a URL from
// the platform, say) pass through termsafe on one line: they must neither
// act on the terminal nor forge a line of their own.
func (p progress) say(format string, args ...any) {
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = termsafe.Line(a)
		case error:
			args[i] = termsafe.Line(a.Error())
		case fmt.Stringer:
			args[i] = termsafe.Line(a.String())
		}
	}
	fmt.Fprintf(p.w, "hootwire: %s\n", termsafe.Line(fmt.Sprintf(format, args...)))
}

// text writes hootwire's own text of several lines (a report of inputs, a
// note on stopping), made inert as a whole.
func (p progress) text(s string) {
	fmt.Fprintf(p.w, "hootwire: %s\n", termsafe.Text(s))
}

// openStore opens the config directory: --config-dir, HOOTWIRE_CONFIG_DIR,
// or hootwire under the user's config directory.
func openStore(o options, getenv func(string) string) (*store.Store, error) {
	dir := o.configDir
	if dir == "" {
		dir = getenv(store.EnvDir)
	}
	if dir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return store.Open(dir)
}

// openDebugLog opens the --debug-log file (see privfile.OpenAppend for
// what is refused), or standard error for "-". The returned close reports
// the first write that failed.
func openDebugLog(path string, stderr io.Writer) (*slog.Logger, func() error, error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	var l *privfile.Log
	if path == "-" {
		l = privfile.NewLog(stderr, "standard error")
	} else {
		var err error
		if l, err = privfile.OpenLog(path); err != nil {
			return nil, nil, badInput("--debug-log: %v (- writes it to standard error)", err)
		}
	}
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug})), l.Close, nil
}

// readCode reads --code -: one line of standard input, the grant code or
// the URL the browser landed on, kept out of the process list and the
// shell's history.
func readCode(stdin io.Reader) (string, error) {
	if stdin == nil {
		return "", badInput("--code -: no standard input to read the code from")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 16<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", badInput("--code -: read the code from standard input: %v", err)
	}
	if strings.TrimSpace(line) == "" {
		return "", badInput("--code -: standard input holds no code: give the code, or the whole URL the browser landed on")
	}
	return line, nil
}
