package cli

import (
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"hootwire/api"
	"hootwire/internal/buildinfo"
	"hootwire/internal/setup"
)

// options are the command line's flags, one name for each input everywhere.
type options struct {
	sandbox          bool
	baseURL          string
	clientID         string
	callbackURL      string
	name             string
	tags             []string
	eventCallbackURL string
	noBrowser        bool
	nonInteractive   bool
	plain            bool
	allowPlainHTTP   bool
	noSignatureKey   bool
	eventsHere       bool
	listenAddr       string
	waitForEvent     time.Duration
	jsonOut          bool
	code             string
	configDir        string
	debugLog         string
	resume           bool
	resumeID         string // the saved setup --resume names; "" is the only unfinished one
	timeout          time.Duration
}

// register adds the setup's own flags.
func (o *options) register(fs *pflag.FlagSet) {
	fs.BoolVar(&o.sandbox, "sandbox", false, "run against a built-in sandbox: no account, no network")
	fs.StringVar(&o.baseURL, "base-url", "", "platform base URL, ending in /elements/api-v2 (env OC_BASE_URL)")
	fs.StringVar(&o.clientID, "client-id", "", "Hootsuite REST API client id (env HOOTSUITE_CLIENT_ID)")
	fs.StringVar(&o.callbackURL, "callback-url", "", "API callback URL registered on the Hootsuite app (env HOOTSUITE_CALLBACK_URL; default "+setup.DefaultCallbackURL+")")
	fs.StringVar(&o.name, "name", "", "instance name (default \""+setup.DefaultName+"\")")
	fs.StringArrayVar(&o.tags, "tag", nil, "instance `tag`; repeat for more")
	fs.StringVar(&o.eventCallbackURL, "event-callback-url", "", "deliver events to your app's URL instead of the doc's choice")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "do not open a browser; show the URL to open or copy")
	fs.BoolVar(&o.nonInteractive, "non-interactive", false, "no wizard: every input from flags and environment, progress on stderr")
	fs.BoolVar(&o.noSignatureKey, "no-signature-key", false, "create the instance without an event signature key, so its events are not signed (by default a random key is made; env HOOTWIRE_SIGNATURE_KEY gives one)")
	fs.BoolVar(&o.eventsHere, "events-here", false, "hootwire receives the events on this machine (--listen-addr); --event-callback-url is then the public URL that reaches it (not needed in the sandbox)")
	fs.StringVar(&o.listenAddr, "listen-addr", "", "where hootwire receives the events, with --events-here (default "+setup.DefaultListenAddr+")")
	fs.DurationVar(&o.waitForEvent, "wait-for-event", 0, "with --non-interactive: after the patch, wait this long for an event to arrive on this machine (implies --events-here; in the sandbox its Hootsuite sends a ping); exit 6 if none did")
	fs.BoolVar(&o.allowPlainHTTP, "allow-plain-http", false, "allow a plain http:// platform URL on another machine, which sends every secret unencrypted (plain http:// on this machine is always allowed)")
	fs.BoolVar(&o.plain, "plain", false, "the wizard as plain line-by-line prompts, with no full-screen drawing (for screen readers; also when TERM=dumb)")
	fs.StringVar(&o.code, "code", "", "- reads a grant code obtained elsewhere (or the URL the browser landed on) from standard input, skipping the browser and the listener; the code itself is never a flag value, which the process list and shell history would keep")
	fs.BoolVar(&o.resume, "resume", false, "continue an unfinished setup where it stopped: the only one, or the one whose id follows")
}

// check refuses flags that do not go together, before anything is done.
func (o *options) check() error {
	switch {
	case o.jsonOut && !o.nonInteractive:
		return badInput("%s", "--json goes with --non-interactive")
	case o.resume && o.sandbox:
		return badInput("%s", "--resume goes without --sandbox: sandbox setups are not saved, so there is none to resume")
	case o.plain && o.nonInteractive:
		return badInput("%s", "--plain is the wizard as prompts; --non-interactive asks nothing: give one of them")
	case o.code != "" && o.code != "-":
		// A code on the command line sits in the process list and the
		// shell's history until the run spends it.
		return badInput("%s", "--code takes only -: give the grant code (or the URL the browser landed on) on standard input, as in: hootwire --non-interactive --code - < code.txt")
	case o.code != "" && !o.nonInteractive:
		return badInput("%s", "--code - goes with --non-interactive (the wizard catches the code itself, or takes it pasted)")
	case o.waitForEvent < 0:
		return badInput("%s", "--wait-for-event takes a positive duration, as in 2m")
	case o.waitForEvent > 0 && !o.nonInteractive:
		return badInput("%s", "--wait-for-event goes with --non-interactive (the wizard shows each event as it arrives)")
	case o.listenAddr != "" && !o.eventsHere && o.waitForEvent == 0:
		return badInput("%s", "--listen-addr goes with --events-here or --wait-for-event")
	}
	return nil
}

// inputs merges flags over environment. Secrets come from the environment only.
func (o *options) inputs(getenv func(string) string) setup.Inputs {
	pick := func(flagValue, env string) string {
		if flagValue != "" {
			return flagValue
		}
		return getenv(env)
	}
	return setup.Inputs{
		BaseURL:          pick(o.baseURL, "OC_BASE_URL"),
		UserSecret:       getenv("OC_USER_SECRET"),
		OrgSecret:        getenv("OC_ORG_SECRET"),
		ClientID:         pick(o.clientID, "HOOTSUITE_CLIENT_ID"),
		ClientSecret:     getenv("HOOTSUITE_CLIENT_SECRET"),
		CallbackURL:      orDefault(pick(o.callbackURL, "HOOTSUITE_CALLBACK_URL"), setup.DefaultCallbackURL),
		Name:             orDefault(o.name, setup.DefaultName),
		Tags:             o.tags,
		EventCallbackURL: o.eventCallbackURL,
		EventsHere:       o.eventsHere || o.waitForEvent > 0,
		ListenAddr:       o.listenAddr,
		SignatureKey:     getenv("HOOTWIRE_SIGNATURE_KEY"),
		NoSignatureKey:   o.noSignatureKey,
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// apiOptions are the client's options for this run.
func (o *options) apiOptions(debug *slog.Logger, build buildinfo.Info) api.Options {
	opts := api.Options{Debug: debug, UserAgent: "hootwire/" + build.Version}
	if o.timeout > 0 {
		opts.Timeout, opts.CreateTimeout = o.timeout, o.timeout
	}
	return opts
}
