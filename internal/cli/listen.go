package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"hootwire/api"
	"hootwire/internal/events"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
	"hootwire/oauthflow"
)

// envSignatureKey names the variable that gives listen the events' key.
const envSignatureKey = "HOOTWIRE_SIGNATURE_KEY"

// listenCommandLine is hootwire listen.
func listenCommandLine(ctx context.Context, e Env, o *options, set func(int)) *cobra.Command {
	var l listenFlags
	cmd := &cobra.Command{
		Use:   "listen [--addr 127.0.0.1:PORT] [--session ID] [--forward-to URL] [--json]",
		Short: "Receive the instance's events on this machine and show each one",
		Long: `Receives the events Open Connectors delivers for your Hootsuite instance and shows each one:
its time, type and object, the instance, and whether its signature is valid. With a key, an event
whose signature is missing or wrong is answered 401 and shown in red. Ctrl+C stops it with a count.

The signature key comes from ` + envSignatureKey + ` or from a saved setup (--session); without
one, signatures are not checked.`,
		Annotations: footer(`Environment:
  `+envSignatureKey+`  the events' signature key
  HOOTWIRE_CONFIG_DIR     as --config-dir
  NO_COLOR                no colour`, exitStatuses),
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		Run: func(cmd *cobra.Command, _ []string) {
			set(runListen(ctx, l, *o, cmd.Flags().Changed, e))
		},
	}
	l.register(cmd.Flags())
	cmd.RegisterFlagCompletionFunc("session", completeSetupIDs(ctx, e, o, anySetup))
	return cmd
}

// listenFlags are hootwire listen's own flags.
type listenFlags struct {
	addr, path, session, forwardTo string
	readTimeout                    time.Duration
}

func (l *listenFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&l.addr, "addr", events.DefaultAddr, "`address` to receive events on; one that is not loopback must be given, and is warned about")
	fs.StringVar(&l.path, "path", events.DefaultPath, "the `path` that takes events")
	fs.StringVar(&l.session, "session", "", "take the signature key (and the address) from this saved setup: its `id` as hootwire sessions shows it")
	fs.StringVar(&l.forwardTo, "forward-to", "", "also send each accepted event to your app at this `URL` (Open Connectors then gets your app's answer)")
	fs.DurationVar(&l.readTimeout, "read-timeout", events.DefaultReadTimeout, "how long one request may take to arrive, headers and body; a slower sender is answered 408")
}

// runListen receives the instance's events on this machine and shows one
// line (or one JSON object) per request that reaches it, until interrupted.
// given reports whether the user gave a flag.
func runListen(ctx context.Context, l listenFlags, o options, given func(string) bool, e Env) int {
	addr, path, sessionID, forwardTo, readTimeout, jsonOut := &l.addr, &l.path, &l.session, &l.forwardTo, &l.readTimeout, &o.jsonOut
	addrGiven := given("addr")
	fail := func(err error) int {
		fmt.Fprintf(e.Stderr, "hootwire listen: %s\n", termsafe.Text(err.Error()))
		return setup.ExitStatus(ctx, err)
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(e.Stderr, "hootwire listen: %s\n", termsafe.Text(fmt.Sprintf(format, a...)))
		return setup.ExitUsage
	}

	switch {
	case *readTimeout <= 0:
		return usageErr("--read-timeout must be positive, as in 10s")
	case !strings.HasPrefix(*path, "/") || strings.ContainsAny(*path, "?# ") || !termsafe.Safe(*path):
		return usageErr("--path must be a URL path beginning with /, such as /events")
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageErr("--addr must be host:port, as in %s", events.DefaultAddr)
	}
	if *forwardTo != "" {
		if _, err := api.ParseHTTPURL(*forwardTo); err != nil {
			return usageErr("--forward-to %s", err)
		}
	}

	key := e.Getenv(envSignatureKey)
	keyFrom := envSignatureKey
	var saved *setup.Session
	if *sessionID != "" {
		if key != "" {
			return usageErr("%s and --session both give a signature key: give one of them", envSignatureKey)
		}
		st, err := openStore(o, e.Getenv)
		if err != nil {
			return fail(fmt.Errorf("%w: %w", setup.ErrBadInput, err))
		}
		saved, err = findSetup(st, *sessionID, e.Stderr)
		st.Close()
		if err != nil {
			return fail(err)
		}
		key, keyFrom = saved.SignatureKey, "the saved setup "+strconv.Quote(saved.Name)
		if !addrGiven && saved.ListenAddr != "" {
			*addr = saved.ListenAddr
			addrGiven = true // the user gave it, at setup
		}
	}

	loopback := onLoopback(*addr)
	if !loopback && !addrGiven {
		return usageErr("%s is not on this machine only: give it with --addr to mean it", *addr)
	}

	srv, err := events.Listen(ctx, *addr, events.Options{Path: *path, Key: []byte(key), ForwardTo: *forwardTo, ReadTimeout: *readTimeout})
	if err != nil {
		if errors.Is(err, events.ErrAddrInUse) {
			err = fmt.Errorf("%w: %w", setup.ErrBadInput, err)
		}
		return fail(err)
	}
	defer srv.Close()

	w := e.Stderr
	fmt.Fprintf(w, "hootwire listen: receiving Open Connectors events on %s\n", termsafe.Line(srv.URL))
	if !loopback {
		fmt.Fprintf(w, "  Warning: %s is reachable from other machines, not only this one.\n", termsafe.Line(*addr))
	}
	switch {
	case key != "":
		fmt.Fprintf(w, "  Signatures are checked with the key from %s (sha256= or sha1=); a missing or wrong one is answered 401 and shown in red.\n", termsafe.Line(keyFrom))
	case saved != nil:
		fmt.Fprintf(w, "  Signatures are not checked: the saved setup %q holds no signature key, so its events are not signed.\n", termsafe.Line(saved.Name))
	default:
		fmt.Fprintf(w, "  Signatures are not checked: no key (set %s or give --session).\n", envSignatureKey)
	}
	if !loopback && key == "" {
		fmt.Fprintln(w, "  Anyone who can reach it can send events that will be shown as if they were real.")
	}
	if *forwardTo != "" {
		fmt.Fprintf(w, "  Each accepted event is forwarded to %s; Open Connectors gets your app's answer (504 after 5s, the forward goes on up to 10s).\n", termsafe.Line(*forwardTo))
	}
	fmt.Fprintf(w, "\nPoint Open Connectors at it: the instance's event.notification.callback.url must be a URL\n"+
		"that reaches this address and ends in %s.", termsafe.Line(*path))
	if loopback {
		fmt.Fprint(w, " The platform cannot reach this machine's loopback\n"+
			"address: expose the port with a tunnel (ssh -R, ngrok and the like)")
	} else {
		fmt.Fprint(w, " From the platform, this machine must be reachable\n"+
			"on the port")
	}
	fmt.Fprintf(w, " and give the public URL at setup, as in\n  hootwire --events-here --event-callback-url https://<public host>%s\n", termsafe.Line(*path))
	if saved != nil && saved.EventCallbackURL != "" {
		fmt.Fprintf(w, "The saved setup %q sends its events to %s", termsafe.Line(saved.Name), termsafe.Line(saved.EventCallbackURL))
		if u, err := url.Parse(saved.EventCallbackURL); err == nil && u.Path != *path {
			fmt.Fprintf(w, " (warning: its path is not %s)", termsafe.Line(*path))
		}
		fmt.Fprintln(w, ".")
	}
	fmt.Fprintln(w, "Press ctrl+c to stop.")

	red := redIf(colorFor(isTerminal(e.Stdout), e.Getenv))
	dropped := 0
	for ev := range srv.Events() {
		var line string
		if *jsonOut {
			line = string(ev.JSON())
		} else {
			line = ev.Line()
			if ev.Signature.Bad() {
				line = red(line)
			}
		}
		if _, err := io.WriteString(e.Stdout, line+"\n"); err != nil {
			fmt.Fprintf(e.Stderr, "hootwire listen: cannot write the events: %s\n", termsafe.Text(err.Error()))
			srv.Close()
			return setup.ExitFailure
		}
		if d := srv.Stats().Dropped; d > dropped {
			fmt.Fprintf(e.Stderr, "hootwire listen: %d events arrived faster than they could be shown and were left out (they are in the count at the end)\n", d-dropped)
			dropped = d
		}
	}
	if err := srv.Err(); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.Stderr, "hootwire listen: stopped. %s\n", summary(srv.Stats(), key != ""))
	return setup.ExitOK
}

// colorFor reports whether events go out in colour: only to a terminal,
// and only when neither NO_COLOR nor TERM=dumb says otherwise.
func colorFor(terminal bool, getenv func(string) string) bool {
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// redIf is how a refused signature is shown: red with colour, as it is
// without.
func redIf(color bool) func(string) string {
	if !color {
		return func(s string) string { return s }
	}
	st := lipgloss.NewStyle().Foreground(lipgloss.Red)
	return func(s string) string { return st.Render(s) }
}

// summary counts what arrived, for the line printed on stopping.
func summary(s events.Stats, checked bool) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	out := plural(s.Deliveries, "event", "events") + " arrived"
	if s.Deliveries > 0 {
		var parts []string
		if checked {
			parts = append(parts, fmt.Sprintf("%d valid", s.Valid), fmt.Sprintf("%d invalid", s.Invalid+s.Missing))
			if s.Missing > 0 {
				parts[len(parts)-1] += fmt.Sprintf(" (%d without a signature)", s.Missing)
			}
		} else {
			parts = append(parts, "signatures not checked")
		}
		parts = append(parts, plural(s.Repeats, "repeat", "repeats"))
		if s.BadBodies > 0 {
			parts = append(parts, plural(s.BadBodies, "not JSON", "not JSON"))
		}
		out += ": " + strings.Join(parts, ", ")
	}
	if s.Forwarded+s.Unanswered > 0 {
		out += fmt.Sprintf("; forwarded: %d answered by your app, %d not", s.Forwarded, s.Unanswered)
	}
	if s.Refused > 0 {
		out += "; " + plural(s.Refused, "other request", "other requests") + " refused"
	}
	if s.Dropped > 0 {
		out += fmt.Sprintf("; %d not shown (they came too fast)", s.Dropped)
	}
	return out + "."
}

// onLoopback reports whether addr listens on this machine only.
func onLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && oauthflow.IsLoopbackHost(host)
}

// findSetup finds the saved setup ref names: its id as hootwire sessions
// shows it, a unique beginning of one, or its instance id.
func findSetup(st *store.Store, ref string, stderr io.Writer) (*setup.Session, error) {
	en, err := st.Find(ref)
	if err == nil {
		return &en.Session, nil
	}
	entries, aside, lerr := st.List()
	for _, a := range aside {
		fmt.Fprintf(stderr, "hootwire listen: %s\n", termsafe.Text(a.String()))
	}
	if lerr != nil {
		return nil, lerr
	}
	var found []store.Entry
	for _, en := range entries {
		if en.Session.InstanceID != 0 && strconv.FormatInt(en.Session.InstanceID, 10) == ref {
			found = append(found, en)
		}
	}
	switch len(found) {
	case 0:
		return nil, err
	case 1:
		return &found[0].Session, nil
	}
	return nil, fmt.Errorf("%w: %d saved setups hold instance %s: give the id of one (hootwire sessions lists them)", setup.ErrBadInput, len(found), ref)
}
