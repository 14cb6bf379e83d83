// Package cli is hootwire's command line: its flags and subcommands, the
// choice of front end (the wizard, the plain prompts, the scripted mode),
// the scripted mode itself, the saved setups, and the exit statuses, which
// come from the procedure's one table (setup.ExitStatus).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"

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
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(ctx, args[1:], e)
		case "sessions":
			return runSessions(args[1:], e)
		case "listen":
			return runListen(ctx, args[1:], e)
		case "version", "--version", "-version":
			fmt.Fprintln(e.Stdout, "hootwire", version())
			return setup.ExitOK
		}
	}
	fs := flag.NewFlagSet("hootwire", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	var o options
	o.register(fs)
	fs.Usage = func() { usage(e.Stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return setup.ExitOK
		}
		return setup.ExitUsage
	}
	if o.version {
		fmt.Fprintln(e.Stdout, "hootwire", version())
		return setup.ExitOK
	}
	if err := o.check(fs); err != nil {
		fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(err.Error()))
		return setup.ExitUsage
	}
	switch {
	case o.nonInteractive:
		return runScripted(ctx, o, e)
	case o.plain || e.Getenv("TERM") == "dumb":
		return runPlain(ctx, o, e)
	}
	return runWizard(ctx, o, e)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `hootwire wires Hootsuite webhook events into SAP Open Connectors.

Usage:
  hootwire [flags]                           the setup wizard
  hootwire --sandbox                         the wizard against a built-in sandbox: no account, no network
  hootwire --plain                           the wizard as plain line-by-line prompts (also when TERM=dumb)
  hootwire --non-interactive [--json]        the same procedure for scripts: inputs from flags and environment
  hootwire --resume                          continue a setup that stopped after its instance was created
  hootwire sessions                          the saved setups, without secrets
  hootwire sandbox [--addr 127.0.0.1:PORT]   serve the sandbox alone, to try the doc's curl commands
  hootwire listen [--forward-to URL]         receive the instance's events here and show each one
  hootwire --version

Exit status: 0 done, 2 bad usage or input, 3 authorization denied or timed out,
4 the API refused, 5 network failure, 6 no event arrived (--wait-for-event),
130 interrupted or quit before the end.

Secrets are read from the environment only, never from flags:
  OC_USER_SECRET, OC_ORG_SECRET, HOOTSUITE_CLIENT_SECRET
The wizard asks for any that are not set, in masked fields.
HOOTWIRE_SIGNATURE_KEY gives the events' signature key (by default a random one is made).

Flags:
`)
	fs.PrintDefaults()
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

// runSandbox serves the sandbox until interrupted, for trying the doc's curl
// commands against it and for tests that need it in its own process.
func runSandbox(ctx context.Context, args []string, e Env) int {
	fs := flag.NewFlagSet("hootwire sandbox", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	addr := fs.String("addr", "127.0.0.1:4669", "loopback `address` to listen on (port 0 picks a free one)")
	autoApprove := fs.Bool("auto-approve", false, "approve the consent page at once, for scripted runs")
	fs.Usage = func() {
		fmt.Fprint(e.Stderr, "Usage: hootwire sandbox [--addr 127.0.0.1:PORT] [--auto-approve]\n\nServes a stand-in for SAP Open Connectors and Hootsuite on this machine only.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return setup.ExitOK
		}
		return setup.ExitUsage
	}
	// Every request and delivery, one line each and no secret, so the doc's
	// curl commands and a demo's events can be followed.
	srv, err := sandbox.Start(ctx, *addr, sandbox.Options{AutoApprove: *autoApprove, Log: e.Stdout})
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
