// Command firstframe measures how long commands take to show a given text in
// a fresh tmux pane: the time from asking tmux to start the command to the
// text being on the pane's screen.
//
// It watches the pane through one tmux control-mode client and looks at the
// screen only when the pane has written something. A shell loop of
// "tmux capture-pane | grep" starts a process per look and keeps a core busy,
// which on a small machine slows the very start-up it is timing.
//
// Usage:
//
//	firstframe [-runs N] [-warmup N] [-marker TEXT] [-width W] [-height H]
//	           [-timeout D] [-env K=V]... COMMAND...
//
// Each run starts every COMMAND once, in the order given (A B A B, so that
// drift in the machine's speed falls on all of them alike), and prints one
// line of milliseconds, one column per COMMAND, separated by tabs. A command
// that exits before showing the text fails the measurement, with its exit
// status and its last screen. A command runs in the pane's shell after an
// EXIT trap that keeps the pane until tmux has read all the command wrote:
// tmux drops what it has not read when it reaps a pane's process, so
// without it a command that shows the text and exits at once could be
// reported as never showing it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// envFlags collects repeated -env K=V flags.
type envFlags []string

func (e *envFlags) String() string { return strings.Join(*e, " ") }

func (e *envFlags) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q is not K=V", v)
	}
	*e = append(*e, v)
	return nil
}

func main() {
	var cfg config
	var env envFlags
	flag.IntVar(&cfg.runs, "runs", 20, "measured runs of every command")
	flag.IntVar(&cfg.warmup, "warmup", 2, "runs before the measured ones, not reported")
	flag.StringVar(&cfg.marker, "marker", "Step 1 of 8", "the text that counts as the first frame")
	flag.IntVar(&cfg.width, "width", 100, "pane width")
	flag.IntVar(&cfg.height, "height", 30, "pane height")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "longest wait for one command's frame")
	flag.Var(&env, "env", "K=V set in every command's environment (repeatable)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: firstframe [flags] COMMAND...\n\n"+
			"Prints, per run, the milliseconds each COMMAND took to show -marker in a fresh tmux pane.\n\nFlags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	cfg.env = env
	cfg.commands = flag.Args()
	// On ctrl+c or SIGTERM the measurement in progress is cancelled, so its
	// tmux server and the command in it are ended, not left running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "firstframe:", err)
		os.Exit(1)
	}
}
