// Command hootwire wires a Hootsuite connector's webhook events into SAP Open
// Connectors: it performs the documented setup (redirect URL, consent, grant
// code, POST /instances, base64 id, webhook URL, PATCH) end to end, against a
// real tenant or a built-in sandbox. Its command line is internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"hootwire/internal/buildinfo"
	"hootwire/internal/cli"
)

// version and date are stamped in by a release build (-ldflags "-X
// main.version=v1.2.3 -X main.date=..."); a go build leaves them empty.
var version, date string

func main() {
	// A closed terminal (SIGHUP) stops a run as ctrl+c does: with the
	// advice on how to resume, and status 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: cli.TakeSecretsFromEnviron(),
		Build: buildinfo.Read(version, date)})
	stop()
	os.Exit(code)
}
