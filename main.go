// Command hootwire wires a Hootsuite connector's webhook events into SAP Open
// Connectors: it performs the documented setup (redirect URL, consent, grant
// code, POST /instances, base64 id, webhook URL, PATCH) end to end, against a
// real tenant or a built-in sandbox.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"hootwire/internal/sandbox"
)

// Exit statuses, as the design documents them.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitAuthorize   = 3
	exitAPI         = 4
	exitNetwork     = 5
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: takeSecretsFromEnviron()})
	stop()
	os.Exit(code)
}

// env is the outside world a run sees; tests give it their own.
// takeSecretsFromEnviron reads the secret variables and removes them from
// the process's environment, so that no child (the browser, which outlives
// hootwire, and whatever it starts) inherits them; the getenv it returns
// still answers them.
func takeSecretsFromEnviron() func(string) string {
	taken := map[string]string{}
	for _, k := range []string{"OC_USER_SECRET", "OC_ORG_SECRET", "HOOTSUITE_CLIENT_SECRET"} {
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

type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(ctx, args[1:], e)
		case "sessions":
			return runSessions(args[1:], e)
		case "version", "--version", "-version":
			fmt.Fprintln(e.stdout, "hootwire", version())
			return exitOK
		}
	}
	fs := flag.NewFlagSet("hootwire", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o options
	o.register(fs)
	fs.Usage = func() { usage(e.stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if o.version {
		fmt.Fprintln(e.stdout, "hootwire", version())
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "hootwire: unknown command %q: see hootwire --help\n", fs.Arg(0))
		return exitUsage
	}
	if o.jsonOut && !o.nonInteractive {
		fmt.Fprintln(e.stderr, "hootwire: --json goes with --non-interactive")
		return exitUsage
	}
	switch {
	case o.code != "" && o.code != "-":
		// A code on the command line sits in the process list and the
		// shell's history until the run spends it.
		fmt.Fprintln(e.stderr, "hootwire: --code takes only -: give the grant code (or the URL the browser landed on) on standard input, as in: hootwire --non-interactive --code - < code.txt")
		return exitUsage
	case o.code != "" && !o.nonInteractive:
		fmt.Fprintln(e.stderr, "hootwire: --code - goes with --non-interactive (the wizard catches the code itself, or takes it pasted)")
		return exitUsage
	}
	if o.nonInteractive {
		return runScripted(ctx, o, e)
	}
	return runWizard(ctx, o, e)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `hootwire wires Hootsuite webhook events into SAP Open Connectors.

Usage:
  hootwire [flags]                           the setup wizard
  hootwire --sandbox                         the wizard against a built-in sandbox: no account, no network
  hootwire --non-interactive [--json]        the same procedure for scripts: inputs from flags and environment
  hootwire --resume                          continue a setup that stopped after its instance was created
  hootwire sessions                          the saved setups, without secrets
  hootwire sandbox [--addr 127.0.0.1:PORT]   serve the sandbox alone, to try the doc's curl commands
  hootwire --version

Exit status: 0 done, 2 bad usage or input, 3 authorization denied or timed out,
4 the API refused, 5 network failure, 130 interrupted.

Secrets are read from the environment only, never from flags:
  OC_USER_SECRET, OC_ORG_SECRET, HOOTSUITE_CLIENT_SECRET
The wizard asks for any that are not set, in masked fields.

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
func runSandbox(ctx context.Context, args []string, e env) int {
	fs := flag.NewFlagSet("hootwire sandbox", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:4669", "loopback `address` to listen on (port 0 picks a free one)")
	autoApprove := fs.Bool("auto-approve", false, "approve the consent page at once, for scripted runs")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "Usage: hootwire sandbox [--addr 127.0.0.1:PORT] [--auto-approve]\n\nServes a stand-in for SAP Open Connectors and Hootsuite on this machine only.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	srv, err := sandbox.Start(ctx, *addr, sandbox.Options{AutoApprove: *autoApprove})
	if err != nil {
		fmt.Fprintf(e.stderr, "hootwire sandbox: %v\n", err)
		return exitUsage
	}
	defer srv.Close()
	fmt.Fprintf(e.stdout, `hootwire sandbox: a stand-in for SAP Open Connectors and Hootsuite, on this machine only.

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
	fmt.Fprintln(e.stderr, "hootwire sandbox: stopped")
	return exitOK
}
