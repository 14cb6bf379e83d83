package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config is what one invocation measures.
type config struct {
	runs, warmup  int
	marker        string
	width, height int
	timeout       time.Duration
	env           []string
	commands      []string
}

// run measures every command cfg.runs times after cfg.warmup unreported
// runs, and writes a line of milliseconds per run to out.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if len(cfg.commands) == 0 {
		return errors.New("no command to measure: give one or more commands after the flags")
	}
	if cfg.runs < 1 {
		return fmt.Errorf("-runs %d: give at least 1", cfg.runs)
	}
	if cfg.warmup < 0 {
		return fmt.Errorf("-warmup %d: give 0 or more", cfg.warmup)
	}
	for _, c := range append(append([]string{}, cfg.commands...), cfg.env...) {
		// tmux's parser is handed each command in single quotes.
		if strings.ContainsAny(c, "'\n") {
			return fmt.Errorf("%q: a command or -env value may not hold a single quote or a newline", c)
		}
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		return errors.New("tmux is not installed (apt-get install -y tmux)")
	}
	// A socket per measurement, in a directory of our own: a tmux server
	// that is still exiting refuses a new session on its socket, and
	// kill-server leaves the socket file behind.
	dir, err := os.MkdirTemp("", "firstframe-")
	if err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	defer os.RemoveAll(dir)
	n := 0
	for i := range cfg.warmup + cfg.runs {
		cols := make([]string, len(cfg.commands))
		for j, command := range cfg.commands {
			n++
			mctx, cancel := context.WithTimeout(ctx, cfg.timeout)
			d, err := measure(mctx, cfg, filepath.Join(dir, fmt.Sprintf("s%d", n)), command)
			cancel()
			if err != nil {
				return fmt.Errorf("%s: %w", command, err)
			}
			cols[j] = strconv.FormatFloat(float64(d.Microseconds())/1e3, 'f', 2, 64)
		}
		if i >= cfg.warmup {
			fmt.Fprintln(out, strings.Join(cols, "\t"))
		}
	}
	return nil
}

// statusEvery is how often measure asks whether the command has exited.
const statusEvery = 200 * time.Millisecond

// measure starts a private tmux server with an idle pane, attaches a
// control-mode client, and times command from respawn to marker on screen.
func measure(ctx context.Context, cfg config, socket, command string) (time.Duration, error) {
	tmux := func(args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, "tmux", append([]string{"-S", socket, "-f", "/dev/null"}, args...)...)
	}
	// remain-on-exit keeps a pane whose command exited, so that its screen
	// and exit status can still be read. The server is started without ctx
	// (a signal must not kill the client halfway, leaving a server nobody
	// knows of) and killed on every way out.
	start := exec.Command("tmux", "-S", socket, "-f", "/dev/null",
		"new-session", "-d", "-s", "ff", "-x", strconv.Itoa(cfg.width), "-y", strconv.Itoa(cfg.height), "sleep 3600",
		";", "set-option", "-t", "ff", "remain-on-exit", "on")
	killServer := func() { exec.Command("tmux", "-S", socket, "kill-server").Run() }
	if out, err := start.CombinedOutput(); err != nil {
		killServer()
		return 0, fmt.Errorf("start tmux: %w: %s", err, out)
	}
	if ctx.Err() != nil {
		killServer()
		return 0, fmt.Errorf("gave up before starting: %w", ctx.Err())
	}

	client := tmux("-C", "attach", "-t", "ff")
	stdin, err := client.StdinPipe()
	if err != nil {
		killServer()
		return 0, fmt.Errorf("control client: %w", err)
	}
	stdout, err := client.StdoutPipe()
	if err != nil {
		killServer()
		return 0, fmt.Errorf("control client: %w", err)
	}
	if err := client.Start(); err != nil {
		killServer()
		return 0, fmt.Errorf("control client: %w", err)
	}
	lines := make(chan string, 256)
	done := make(chan struct{})
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for scanner.Scan() {
			select {
			case lines <- scanner.Text():
			case <-done:
			}
		}
		if err := scanner.Err(); err != nil {
			select {
			case lines <- "%firstframe-read-error " + err.Error():
			case <-done:
			}
		}
	}()
	// Once measured, stop listening and end the server, which ends the
	// client; reap the client only after the reader has seen its EOF.
	defer func() {
		close(done)
		stdin.Close()
		killServer()
		for range lines {
		}
		client.Wait()
	}()
	w := newWatcher(cfg.marker)
	send := func(r request, line string) error {
		w.sent(r)
		_, err := io.WriteString(stdin, line)
		return err
	}

	// The attach is answered with one empty block; wait for it so the
	// clock starts with tmux idle.
	for {
		line, _, err := next(ctx, lines, nil)
		if err != nil {
			return 0, fmt.Errorf("attach the control client: %w", err)
		}
		if strings.HasPrefix(line, "%end ") || strings.HasPrefix(line, "%error ") {
			break
		}
	}

	respawn := "respawn-pane -k -t ff"
	for _, kv := range cfg.env {
		respawn += " -e '" + kv + "'"
	}
	respawn += " '" + drained(command) + "'\n"
	begin := time.Now()
	if err := send(requestRespawn, respawn); err != nil {
		return 0, fmt.Errorf("respawn the pane: %w", err)
	}
	tick := time.NewTicker(statusEvery)
	defer tick.Stop()
	for {
		line, ticked, err := next(ctx, lines, tick.C)
		if err != nil {
			return 0, fmt.Errorf("%w before the pane showed %q; its last screen:\n%s", err, cfg.marker, w.lastScreen)
		}
		if msg, ok := strings.CutPrefix(line, "%firstframe-read-error "); ok {
			return 0, fmt.Errorf("read the tmux client: %s", msg)
		}
		if ticked {
			// Ask whether the command is still running, unless the
			// last such question is still unanswered.
			if slices.Contains(w.pending, requestStatus) {
				continue
			}
			if err := send(requestStatus, "display-message -p -t ff '"+statusFormat+"'\n"); err != nil {
				return 0, fmt.Errorf("ask for the pane's status: %w", err)
			}
			continue
		}
		outcome, ask := w.feed(line)
		switch outcome {
		case outcomeFound:
			return time.Since(begin), nil
		case outcomeFailed:
			return 0, w.err
		case outcomeExited:
			return 0, fmt.Errorf("%w before the pane showed %q; its last screen:\n%s", w.err, cfg.marker, w.lastScreen)
		}
		if ask == requestCapture {
			// -S -: the history too, where tmux moves the screen of a
			// pane whose command has exited.
			if err := send(requestCapture, "capture-pane -p -S - -t ff\n"); err != nil {
				return 0, fmt.Errorf("capture the pane: %w", err)
			}
		}
	}
}

// drainOnExit is a shell function run as the command's EXIT trap (see
// drained). It asks the terminal for its status (DSR 5) and waits for one
// byte of the answer: tmux answers only once it has parsed everything the
// command wrote before the question, so by then that output is on the
// pane's screen. Then it exits as the command did, dying of the same signal
// when the shell's status says it was killed by one. It is written for the
// pane's shell with no single quote in it, since tmux is handed the whole
// command in single quotes.
const drainOnExit = `firstframe_drain() { s=$?; trap - EXIT; ` +
	`stty -echo -icanon min 1 time 0 </dev/tty 2>/dev/null; ` +
	`printf "\033[5n" >/dev/tty 2>/dev/null; ` +
	`dd bs=1 count=1 </dev/tty >/dev/null 2>&1; ` +
	`[ "$s" -gt 128 ] && kill -$((s - 128)) $$ 2>/dev/null; exit "$s"; }; ` +
	`trap firstframe_drain EXIT; `

// drained makes command hold the pane open, when it ends, until tmux has
// read all it wrote.
//
// tmux closes a pane's pty as soon as it reaps the pane's process, and drops
// whatever it had not read yet (tmux/tmux#506: "If the process exits before
// tmux finishes processing its output, we discard the remaining output").
// On a busy machine tmux often runs only after a command has both written
// and exited, and then sees the exit first: "echo Step 1 of 8" would show
// nothing and be reported as exiting before its text. With drainOnExit as
// its EXIT trap, the shell that runs command outlives the pty's last
// output until tmux has put it on the screen, so a command that shows the
// text and exits is measured as having shown it, and one that exits
// without it leaves its whole last screen for the report.
//
// The trap makes the shell fork command instead of becoming it, a fork of
// the shell inside the measured time (some 2.5 ms on the 2-core machine
// where this was written, for a command that is one program; a command the
// shell runs itself, such as echo, is not slowed); everything else in
// drainOnExit runs only once command has ended, after any frame it showed. A command that
// sets its own EXIT trap or execs replaces this one.
func drained(command string) string { return drainOnExit + command }

// next returns the control client's next line, or ticked when tick fires
// first, or why there is neither. (A line may be empty: a screen has blank
// rows.)
func next(ctx context.Context, lines <-chan string, tick <-chan time.Time) (line string, ticked bool, err error) {
	select {
	case line, ok := <-lines:
		if !ok {
			if ctx.Err() != nil {
				return "", false, gaveUp(ctx)
			}
			return "", false, errors.New("the tmux client ended")
		}
		return line, false, nil
	case <-tick:
		return "", true, nil
	case <-ctx.Done():
		return "", false, gaveUp(ctx)
	}
}

// gaveUp says why waiting stopped, and what to do about a time-out.
func gaveUp(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("gave up waiting (raise -timeout if the command is just slow): %w", ctx.Err())
	}
	return fmt.Errorf("gave up waiting: %w", ctx.Err())
}
