// Package cli is hootwire's command line: its flags and subcommands, the
// choice of front end (the wizard, the plain prompts, the scripted mode),
// the scripted mode itself, the saved setups, and the exit statuses, which
// come from the procedure's one table (setup.ExitStatus).
package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"hootwire/internal/buildinfo"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/termsafe"
)

// Env is the outside world a run sees; tests give it their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Build is which hootwire this is; the zero Info means the running
	// binary as the go command recorded it.
	Build buildinfo.Info
}

// build is e.Build, or the running binary's when none was given.
func (e Env) build() buildinfo.Info {
	if e.Build.Version == "" {
		return buildinfo.Read("", "")
	}
	return e.Build
}

// secretVars are read from the environment only, never from flags.
var secretVars = []string{"OC_USER_SECRET", "OC_ORG_SECRET", "HOOTSUITE_CLIENT_SECRET", "HOOTWIRE_SIGNATURE_KEY"}

// TakeSecretsFromEnviron reads the secret variables and removes them from
// the process's environment, so that no child (the browser, which outlives
// hootwire, and whatever it starts) inherits them; the getenv it returns
// still answers them.
func TakeSecretsFromEnviron() func(string) string {
	taken := map[string]string{}
	for _, k := range secretVars {
		if v, ok := os.LookupEnv(k); ok {
			taken[k] = v
			os.Unsetenv(k)
		}
	}
	return func(k string) string {
		if v, ok := taken[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

// Main runs hootwire with args (without the program name) and returns its
// exit status.
func Main(ctx context.Context, args []string, e Env) int {
	status := setup.ExitOK
	root := command(ctx, e, &status)
	// A command's own errors carry their exit status; cobra's (an unknown
	// command, a bad flag value), found before any command runs, are all
	// about how hootwire was called.
	ran := false
	root.PersistentPreRun = func(*cobra.Command, []string) { ran = true }
	root.SetArgs(args)
	root.SetIn(e.Stdin)
	// Help and the version go to stdout, as gh and git print them; errors
	// and progress to stderr.
	root.SetOut(e.Stdout)
	root.SetErr(e.Stderr)
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		status = setup.ExitStatus(ctx, err)
		if !ran {
			status = setup.ExitUsage
		}
		if name := cmd.CommandPath(); !ran {
			fmt.Fprintf(e.Stderr, "%s: %s\nRun '%s --help' for usage.\n", name, termsafe.Text(err.Error()), name)
		} else {
			fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(err.Error()))
		}
		if jsonWanted(args) {
			writeJSONError(e.Stdout, newJSONError(err, err.Error(), status))
		}
	}
	return status
}

// runSetup runs the setup in the front end the flags and the terminal ask for.
func runSetup(ctx context.Context, o options, e Env) int {
	switch {
	case o.nonInteractive:
		return runScripted(ctx, o, e)
	case o.plain || e.Getenv("TERM") == "dumb":
		return runPlain(ctx, o, e)
	}
	return runWizard(ctx, o, e)
}

// sandboxCommand serves the sandbox alone.
func sandboxCommand(ctx context.Context, e Env, set func(int)) *cobra.Command {
	var addr string
	var autoApprove bool
	cmd := &cobra.Command{
		Use:   "sandbox [--addr 127.0.0.1:PORT]",
		Short: "Serve the sandbox alone, to try the doc's curl commands against it",
		Long: `Serves a stand-in for SAP Open Connectors and Hootsuite on this machine only, and prints
its base URL and demo credentials. Every request and event delivery is logged, one line each.`,
		Annotations: footer(exitStatuses),
		Args:        cobra.NoArgs,
		Run:         func(*cobra.Command, []string) { set(runSandbox(ctx, addr, autoApprove, e)) },
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:4669", "loopback `address` to listen on (port 0 picks a free one)")
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "approve the consent page at once, for scripted runs")
	return cmd
}

// runSandbox serves the sandbox until interrupted, for trying the doc's curl
// commands against it and for tests that need it in its own process.
func runSandbox(ctx context.Context, addr string, autoApprove bool, e Env) int {
	// Every request and delivery, one line each and no secret, so the doc's
	// curl commands and a demo's events can be followed.
	srv, err := sandbox.Start(ctx, addr, sandbox.Options{AutoApprove: autoApprove, Log: e.Stdout})
	if err != nil {
		fmt.Fprintf(e.Stderr, "hootwire sandbox: %s\n", termsafe.Text(err.Error()))
		return setup.ExitUsage
	}
	defer srv.Close()
	fmt.Fprintf(e.Stdout, `hootwire sandbox: a stand-in for SAP Open Connectors and Hootsuite, on this machine only.

  Base URL                 %s
  User secret              %s
  Organization secret      %s
  Hootsuite client id      %s
  Hootsuite client secret  %s
  Hootsuite app settings   %s/hootsuite/app

Try the doc's first step:
  curl -H 'Authorization: User %s, Organization %s' \
    '%s/elements/hootsuite/oauth/url?apiKey=%s&apiSecret=%s&callbackUrl=http://localhost:4668/callback&state=try-it-out'

Press ctrl+c to stop.
`, srv.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientID, sandbox.DemoClientSecret, srv.URL,
		sandbox.DemoUserSecret, sandbox.DemoOrgSecret, srv.BaseURL, sandbox.DemoClientID, url.QueryEscape(sandbox.DemoClientSecret))
	<-ctx.Done()
	fmt.Fprintln(e.Stderr, "hootwire sandbox: stopped")
	return setup.ExitOK
}
