package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"golang.org/x/term"

	"hootwire/internal/plain"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
	"hootwire/oauthflow"
	"hootwire/ui"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// needTerminal refuses to start an interactive front end without one.
func needTerminal(e Env) bool {
	if isTerminal(e.Stdin) && isTerminal(e.Stdout) && isTerminal(e.Stderr) {
		return true
	}
	fmt.Fprintln(e.Stderr, "hootwire: the wizard needs a terminal (stdin, stdout and stderr), and this is not one.\n"+
		"For scripts and CI, run: hootwire --non-interactive (see hootwire --help for its inputs).")
	return false
}

// frontEnd is what the wizard and the plain prompts both need to start.
type frontEnd struct {
	cfg       ui.Config
	closeLog  func() error
	closeSelf func()
}

// startFrontEnd opens the store and the debug log and, for --sandbox,
// starts the sandbox.
func startFrontEnd(ctx context.Context, o options, e Env) (frontEnd, error) {
	st, err := openStore(o, e.Getenv)
	if err != nil {
		return frontEnd{}, badInput("%v", err)
	}
	logger, closeLog, err := openDebugLog(o.debugLog, e.Stderr)
	if err != nil {
		st.Close()
		return frontEnd{}, err
	}
	prefill := o.inputs(e.Getenv)
	var resumeID string
	if o.resume {
		entry, err := chooseResume(ctx, st, o, e)
		if err != nil {
			closeLog()
			st.Close()
			return frontEnd{}, err
		}
		resumeID, prefill.BaseURL = entry.Session.ID, entry.Session.BaseURL
	}
	opener := oauthflow.Opener{Getenv: e.Getenv}
	cfg := ui.Config{
		Context:   ctx,
		Store:     st,
		ResumeID:  resumeID,
		API:       o.apiOptions(logger, e.build()),
		Prefill:   prefill,
		NoBrowser: o.noBrowser,
		// --allow-plain-http answers the wizard's question beforehand.
		AllowPlainHTTP: o.allowPlainHTTP,
		Color:          e.Getenv("NO_COLOR") == "" && e.Getenv("TERM") != "dumb",
		Deps: ui.Deps{
			// The browser outlives hootwire: closing the user's browser
			// when the wizard ends would be rude.
			Open: func(ctx context.Context, u string) error {
				return opener.Open(context.WithoutCancel(ctx), u)
			},
			StartSandbox: func(ctx context.Context) (*sandbox.Server, error) {
				return sandbox.Start(ctx, "", sandbox.Options{})
			},
		},
	}
	f := frontEnd{cfg: cfg, closeLog: closeLog, closeSelf: func() { st.Close() }}
	if o.sandbox {
		srv, err := sandbox.Start(ctx, "", sandbox.Options{})
		if err != nil {
			closeLog()
			st.Close()
			return frontEnd{}, fmt.Errorf("start the sandbox: %w", err)
		}
		f.cfg.Sandbox = srv
		f.closeSelf = func() { srv.Close(); st.Close() }
	}
	return f, nil
}

func (f frontEnd) close() {
	f.closeSelf()
	f.closeLog()
}

// runWizard runs the interactive wizard, drawn on stderr as gum does, and
// prints the summary to stdout on exit so it stays in the scrollback.
func runWizard(ctx context.Context, o options, e Env) int {
	if !needTerminal(e) {
		return setup.ExitUsage
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fe, err := startFrontEnd(ctx, o, e)
	if err != nil {
		fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(err.Error()))
		return setup.ExitStatus(ctx, err)
	}
	defer fe.close()
	// lipgloss detected the colour profile while initialising (inside tmux
	// by running `tmux info`); handing Bubble Tea that answer saves it a
	// second detection, some 13 ms of the first frame inside tmux. The
	// wizard runs only when stdout and stderr are both terminals, so the
	// answer for stdout holds for stderr.
	profile := lipgloss.Writer.Profile
	// Bubble Tea draws on its frame ticker, the first frame included: at
	// 120 frames a second (its most) the first screen and every keystroke's
	// echo wait at most 8 ms instead of 17.
	p := tea.NewProgram(ui.New(fe.cfg), tea.WithContext(ctx), tea.WithInput(e.Stdin), tea.WithOutput(e.Stderr),
		tea.WithColorProfile(profile), tea.WithFPS(120))
	final, runErr := p.Run()
	m, _ := final.(ui.Model)
	if runErr != nil && !errors.Is(runErr, tea.ErrInterrupted) && !errors.Is(runErr, tea.ErrProgramKilled) && ctx.Err() == nil {
		fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(runErr.Error()))
		return setup.ExitFailure
	}
	return ended(ctx, o, e, m.Procedure(), m.Err())
}

// ended says how a wizard or plain run ended, and returns its exit status:
// the summary on stdout when the setup is done; otherwise what is left at
// the platform and how to go on, and the status of the failure on show
// when the user quit (130 when there was none).
func ended(ctx context.Context, o options, e Env, proc *setup.Procedure, lastErr error) int {
	if proc != nil && proc.Done() {
		fmt.Fprintln(e.Stdout, "hootwire: setup done.")
		// Plain text: stdout may be a file or a pipe, and the zero Styles
		// add no escape sequence at all.
		fmt.Fprintln(e.Stdout, ui.Summary(ui.Styles{}, proc.Result(), proc.NextCallCurl(), 1<<16))
		if cmd := listenCommand(o, proc); cmd != "" {
			fmt.Fprintf(e.Stdout, "\nThe events come to this machine; hootwire's receiver stopped with it. To go on receiving them:\n%s\n", cmd)
		}
		return setup.ExitOK
	}
	if proc != nil {
		if note := proc.StopNote(resumeCommand(o, store.ShortID(proc.Session().ID))); note != "" {
			fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(note))
		}
	}
	if lastErr != nil && ctx.Err() == nil {
		return setup.ExitStatus(ctx, lastErr)
	}
	return setup.ExitInterrupted
}

// runPlain runs the plain prompts: the wizard's steps, line by line.
func runPlain(ctx context.Context, o options, e Env) int {
	if !needTerminal(e) {
		return setup.ExitUsage
	}
	fe, err := startFrontEnd(ctx, o, e)
	if err != nil {
		fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(err.Error()))
		return setup.ExitStatus(ctx, err)
	}
	defer fe.close()
	// The prompts go to stderr, as the wizard's screens do; the summary
	// goes to stdout.
	proc, lastErr := plain.Run(ctx, fe.cfg, e.Stdin, e.Stderr)
	return ended(ctx, o, e, proc, lastErr)
}

// listenCommand is the command that goes on receiving a saved setup's
// events once hootwire has exited, or "" when they do not come to this
// machine (or the setup, a sandbox one, ended with hootwire).
func listenCommand(o options, proc *setup.Procedure) string {
	if !proc.EventsHere() || !proc.Saves() || proc.Session().InstanceID == 0 {
		return ""
	}
	cmd := "hootwire listen --session " + setup.ShellQuote(proc.Session().ID)
	if o.configDir != "" {
		cmd += " --config-dir " + setup.ShellQuote(o.configDir)
	}
	return cmd
}

// chooseResume finds the setup --resume continues; with several
// unfinished and none named, it asks which, as a list in the wizard and as
// a numbered question in the plain prompts.
func chooseResume(ctx context.Context, st *store.Store, o options, e Env) (store.Entry, error) {
	if o.sandbox {
		return store.Entry{}, badInput("--resume goes without --sandbox: sandbox setups are not saved")
	}
	entry, err := findResume(st, o.resumeID, o.baseURL, e)
	var several severalToResume
	if !errors.As(err, &several) {
		return entry, err
	}
	choices := make([]ui.Choice, len(several.entries))
	for i, en := range several.entries {
		s := en.Session
		choices[i] = ui.Choice{Value: s.ID, Label: fmt.Sprintf("%s  %s on %s, %s, saved %s", several.ids[s.ID], s.Name, hostOf(s.BaseURL), s.Stage,
			s.Updated.Local().Format("2006-01-02 15:04"))}
	}
	title := fmt.Sprintf("%d setups are unfinished. Which one does --resume continue?", len(choices))
	var id string
	if o.plain || e.Getenv("TERM") == "dumb" {
		id, err = plain.Pick(e.Stdin, e.Stderr, title, choices)
	} else {
		id, err = ui.Pick(ctx, e.Stdin, e.Stderr, e.Getenv("NO_COLOR") == "", title, choices)
	}
	if err != nil {
		return store.Entry{}, err
	}
	if id == "" {
		return store.Entry{}, declinedError("--resume: no setup was chosen")
	}
	for _, en := range several.entries {
		if en.Session.ID == id {
			return en, nil
		}
	}
	return store.Entry{}, fmt.Errorf("--resume: the setup chosen, %s, is gone", id)
}
