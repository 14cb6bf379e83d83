package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// exitStatuses is the table of exit statuses every command's help shows.
const exitStatuses = `Exit status:
  0    done
  1    anything else (a file hootwire could not write, say)
  2    bad usage or input (a missing input, a saved setup that cannot be used)
  3    authorization denied or timed out
  4    the API refused, or answered what hootwire cannot use
  5    network failure
  6    no event arrived (--wait-for-event)
  7    hootwire status: the setup is not complete (a check failed)
  130  interrupted, or quit before the end`

// secretsHelp says where secrets come from, for every command that needs them.
const secretsHelp = `Environment:
  OC_USER_SECRET, OC_ORG_SECRET    your Open Connectors secrets (never flags)
  HOOTSUITE_CLIENT_SECRET          your Hootsuite app's client secret (never a flag)
  HOOTWIRE_SIGNATURE_KEY           the events' signature key (default: a random one)
  OC_BASE_URL, HOOTSUITE_CLIENT_ID, HOOTSUITE_CALLBACK_URL, HOOTWIRE_CONFIG_DIR
                                   as --base-url, --client-id, --callback-url, --config-dir
  NO_COLOR                         no colour`

// command is hootwire's command line: the setup itself (the root) and its
// subcommands. A command's run stores its exit status in *status.
func command(ctx context.Context, e Env, status *int) *cobra.Command {
	var o options
	set := func(code int) { *status = code }

	root := &cobra.Command{
		Use:   "hootwire [--resume [ID]]",
		Short: "Wire Hootsuite webhook events into SAP Open Connectors",
		Long: `hootwire wires Hootsuite webhook events into SAP Open Connectors: it performs the documented
setup (redirect URL, consent, grant code, POST /instances, base64 id, webhook URL, PATCH)
as a wizard, as plain prompts (--plain, or TERM=dumb), or for scripts (--non-interactive).

  hootwire --sandbox                   the wizard against a built-in sandbox: no account, no network
  hootwire --non-interactive --json    the same procedure for scripts: inputs from flags and environment
  hootwire --resume [ID]               continue an unfinished setup (hootwire sessions lists them)

The wizard asks for any secret that is not set, in masked fields.`,
		Annotations:       footer(secretsHelp, exitStatuses),
		Args:              rootArgs(&o),
		ValidArgsFunction: completeSetupIDs(ctx, e, &o, onlyUnfinished),
		SilenceErrors:     true,
		SilenceUsage:      true,
		Version:           e.build().String(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.resumeID = args[0]
			}
			if err := o.check(); err != nil {
				return err
			}
			set(runSetup(ctx, o, e))
			return nil
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	// Each command's environment and exit statuses close its help, after
	// its flags.
	const more = `{{if .HasAvailableSubCommands}}

Use "`
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), more, `{{with index .Annotations "footer"}}

{{.}}{{end}}`+more, 1))
	o.registerPersistent(root.PersistentFlags())
	o.register(root.Flags())
	root.SetFlagErrorFunc(flagError)
	root.CompletionOptions.HiddenDefaultCmd = false

	root.AddCommand(
		sessionsCommand(ctx, e, &o, set),
		statusCommand(ctx, e, &o, set),
		deleteCommand(ctx, e, &o, set),
		listenCommandLine(ctx, e, &o, set),
		sandboxCommand(ctx, e, set),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version and how this binary was built",
			Args:  cobra.NoArgs,
			Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), e.build()) },
		},
	)
	for _, c := range root.Commands() {
		c.SilenceErrors, c.SilenceUsage = true, true
	}
	return root
}

// rootArgs accepts one argument, a saved setup's id, after --resume only.
func rootArgs(o *options) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return nil
		case !o.resume:
			return usageError{fmt.Sprintf("unknown command %q: see hootwire --help (a saved setup's id goes after --resume)", args[0])}
		case len(args) > 1:
			return usageError{fmt.Sprintf("--resume takes one setup id, not %d: %s", len(args), strings.Join(args, " "))}
		}
		return nil
	}
}

// setupFilter picks the saved setups a completion offers.
type setupFilter func(setup.Session) bool

func onlyUnfinished(s setup.Session) bool { return s.Unfinished() }
func anySetup(setup.Session) bool         { return true }
func withInstance(s setup.Session) bool {
	return s.InstanceID != 0 && s.Stage < setup.StageDeleted
}

// completeSetupIDs completes the ids of the saved setups filter keeps,
// each with its name and state, for shells that show descriptions.
func completeSetupIDs(ctx context.Context, e Env, o *options, filter setupFilter) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// Every command that takes an id takes one.
		if len(args) > 0 && cmd.Name() != "rm" || cmd == cmd.Root() && !o.resume {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		st, err := openStore(*o, e.Getenv)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer st.Close()
		entries, _, err := st.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ids := store.DisplayIDs(entries)
		var out []cobra.Completion
		for _, en := range entries {
			if !filter(en.Session) || !strings.HasPrefix(ids[en.Session.ID], toComplete) {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(ids[en.Session.ID], describeForCompletion(en.Session)))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// describeForCompletion is one short line: name, host and step.
func describeForCompletion(s setup.Session) string {
	return fmt.Sprintf("%s on %s, %s", s.Name, hostOf(s.BaseURL), s.Stage)
}

// registerPersistent adds the flags every command takes, before or after
// its name.
func (o *options) registerPersistent(fs *pflag.FlagSet) {
	fs.StringVar(&o.configDir, "config-dir", "", "where setups are saved (env HOOTWIRE_CONFIG_DIR; default hootwire under your config directory)")
	fs.BoolVar(&o.jsonOut, "json", false, "print the result, or the error, as JSON on stdout (with --non-interactive for a setup)")
	fs.StringVar(&o.debugLog, "debug-log", "", "write every request and answer, secrets masked, to this `file` (created 0600; an existing file must be yours and private; - is standard error)")
	fs.DurationVar(&o.timeout, "timeout", 0, "how long one request may take (default 30s; 60s to create the instance)")
}

// singleDash finds a long flag given with one dash, which pflag reads as
// a run of one-letter flags: -sandbox.
var singleDash = regexp.MustCompile(`unknown shorthand flag: '.' in -([a-z][a-z-]+)`)

// flagError makes a flag's error a usage error (exit 2), and says what a
// long flag given with one dash should be.
func flagError(_ *cobra.Command, err error) error {
	if m := singleDash.FindStringSubmatch(err.Error()); m != nil {
		return usageError{fmt.Sprintf("-%s: flags take two dashes, as in --%[1]s", m[1])}
	}
	return usageError{err.Error()}
}

// footer is the end of a command's help: its environment, its exit statuses.
func footer(parts ...string) map[string]string {
	return map[string]string{"footer": strings.Join(parts, "\n\n")}
}
