package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"golang.org/x/term"

	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/oauthflow"
	"hootwire/ui"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// runWizard runs the interactive wizard, drawn on stderr as gum does, and
// prints the summary to stdout on exit so it stays in the scrollback.
func runWizard(ctx context.Context, o options, e env) int {
	if !isTerminal(e.stdin) || !isTerminal(e.stdout) || !isTerminal(e.stderr) {
		fmt.Fprintln(e.stderr, "hootwire: the wizard needs a terminal (stdin, stdout and stderr), and this is not one.\n"+
			"For scripts and CI, run: hootwire --non-interactive (see hootwire --help for its inputs).")
		return exitUsage
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := openStore(o, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "hootwire: %v\n", err)
		return exitUsage
	}
	logger, closeLog, err := openDebugLog(o.debugLog)
	if err != nil {
		fmt.Fprintf(e.stderr, "hootwire: %v\n", err)
		return exitUsage
	}
	defer closeLog()
	cfg := ui.Config{
		Context:    ctx,
		Store:      st,
		Resume:     o.resume,
		APIOptions: o.apiOptions(logger),
		Prefill:    o.inputs(e.getenv),
		NoBrowser:  o.noBrowser,
		Color:      e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb",
		Deps:       realDeps(e.getenv),
	}
	if o.sandbox {
		srv, err := sandbox.Start(ctx, "", sandbox.Options{})
		if err != nil {
			fmt.Fprintf(e.stderr, "hootwire: start the sandbox: %v\n", err)
			return exitFailure
		}
		defer srv.Close()
		cfg.Sandbox = srv
	}
	// lipgloss detected the colour profile while initialising (inside tmux
	// by running `tmux info`); handing Bubble Tea that answer saves it a
	// second detection, some 13 ms of the first frame inside tmux. The
	// wizard runs only when stdout and stderr are both terminals, so the
	// answer for stdout holds for stderr.
	profile := lipgloss.Writer.Profile
	// Bubble Tea draws on its frame ticker, the first frame included: at
	// 120 frames a second (its most) the first screen and every keystroke's
	// echo wait at most 8 ms instead of 17.
	p := tea.NewProgram(ui.New(cfg), tea.WithContext(ctx), tea.WithInput(e.stdin), tea.WithOutput(e.stderr),
		tea.WithColorProfile(profile), tea.WithFPS(120))
	final, err := p.Run()
	m, _ := final.(ui.Model)
	if res, ok := m.Result(); ok {
		fmt.Fprintln(e.stdout, "hootwire: setup done.")
		fmt.Fprintln(e.stdout, ui.Summary(ui.NewStyles(false), res, m.Procedure().NextCallCurl(), 1<<16))
		return exitOK
	}
	if proc := m.Procedure(); proc != nil {
		s := proc.Session()
		resume := resumeCommand(o, s.BaseURL)
		switch {
		case s.Stage >= setup.StageDeleted || s.Stage >= setup.StagePatched:
		case m.OnSandbox() && (s.CreateSent || s.Stage >= setup.StageCreated):
			fmt.Fprintf(e.stderr, "hootwire: stopped before the end; instance %d was in the sandbox, which ended with hootwire.\n", s.InstanceID)
		case s.Stage >= setup.StageCreated:
			fmt.Fprintf(e.stderr, "hootwire: stopped before the end. Instance %d exists; its id and token are saved in %s.\nResume with: %s\n", s.InstanceID, st.Path(s.ID), resume)
		case s.CreateSent:
			fmt.Fprintf(e.stderr, "hootwire: stopped while the instance was being created; it may exist.\nResume with: %s (it looks for the instance first)\n", resume)
		}
	}
	switch {
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, context.Canceled), ctx.Err() != nil:
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(e.stderr, "hootwire: %v\n", err)
		return exitFailure
	}
	return exitInterrupted
}

// realDeps connects the wizard to the machine: the loopback listener and
// the browser.
func realDeps(getenv func(string) string) ui.Deps {
	opener := oauthflow.Opener{Getenv: getenv}
	return ui.Deps{
		NewState:      oauthflow.NewState,
		NeedsListener: oauthflow.NeedsListener,
		Listen: func(ctx context.Context, callbackURL, state string) (ui.Listener, error) {
			return oauthflow.Listen(ctx, callbackURL, state, oauthflow.ListenOptions{})
		},
		// The browser outlives hootwire: closing the user's browser when
		// the wizard ends would be rude.
		Open: func(ctx context.Context, u string) error {
			return opener.Open(context.WithoutCancel(ctx), u)
		},
		ParsePaste: oauthflow.ParsePaste,
		StartSandbox: func(ctx context.Context) (*sandbox.Server, error) {
			return sandbox.Start(ctx, "", sandbox.Options{})
		},
	}
}
