package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"hootwire/internal/setup"
	"hootwire/internal/termsafe"
)

// statusCommand is hootwire status ID.
func statusCommand(ctx context.Context, e Env, o *options, set func(int)) *cobra.Command {
	return &cobra.Command{
		Use:   "status ID [--json]",
		Short: "Check a saved setup against the platform: what a working setup needs",
		Long: `Reads the saved setup's instance back from the platform and reports, as a checklist, what a
working setup needs: the instance exists and is valid, its events are enabled, its event
callback URL is not the doc's placeholder and is what the setup chose, the webhook URL to
register at Hootsuite, and whether its events are signed. Exit status 0 when every check
holds, 7 when one does not.`,
		Annotations:       footer(secretsHelp, exitStatuses),
		Args:              exactlyOneSetup,
		ValidArgsFunction: completeSetupIDs(ctx, e, o, anySetup),
		RunE: func(_ *cobra.Command, args []string) error {
			ok, err := status(ctx, *o, args[0], e)
			if err == nil && !ok {
				set(setup.ExitIncomplete)
			}
			return err
		},
	}
}

// status prints the setup's checklist, and reports whether it all holds.
func status(ctx context.Context, o options, ref string, e Env) (bool, error) {
	st, _, ids, err := openSaved(o, e)
	if err != nil {
		return false, err
	}
	entry, err := st.Find(ref)
	st.Close()
	if err != nil {
		return false, err
	}
	s := entry.Session
	id := ids[s.ID]
	var acct setup.Account
	if s.InstanceID != 0 {
		// A setup with no instance is judged without asking the platform.
		if acct, err = accountFor(e); err != nil {
			return false, err
		}
	}
	target, err := setup.NewTarget(s.BaseURL)
	if err != nil {
		return false, badInput("setup %s: its base URL: %v", id, err)
	}
	target.AllowPlainHTTP = true // as the setup began, with the user's consent then
	logger, closeLog, err := openDebugLog(o.debugLog, e.Stderr)
	if err != nil {
		return false, err
	}
	defer closeLog()
	report, err := setup.Check(ctx, target, s, acct, setup.CheckOptions{API: o.apiOptions(logger, e.build()), Ref: id})
	if err != nil {
		return false, err
	}
	if o.jsonOut {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return report.OK(), enc.Encode(report)
	}
	fmt.Fprintf(e.Stdout, "Setup %s: %s on %s", id, termsafe.Line(s.Name), termsafe.Line(hostOf(s.BaseURL)))
	if s.InstanceID != 0 {
		fmt.Fprintf(e.Stdout, ", instance %d", s.InstanceID)
	}
	fmt.Fprintln(e.Stdout)
	for _, c := range report.Checks {
		mark := map[setup.CheckState]string{setup.CheckOK: "✓", setup.CheckFailed: "✗", setup.CheckUnknown: "?"}[c.State]
		line := fmt.Sprintf("  %s %s", mark, c.Label)
		if c.Value != "" && c.Name != setup.StatusCallbackNotPlaceholder {
			line += ": " + c.Value
		}
		fmt.Fprintln(e.Stdout, termsafe.Line(line))
		if c.Detail != "" && c.State != setup.CheckOK {
			fmt.Fprintf(e.Stdout, "      %s\n", termsafe.Line(c.Detail))
		}
	}
	if report.OK() {
		fmt.Fprintln(e.Stdout, "Everything a working setup needs holds.")
	} else {
		fmt.Fprintln(e.Stdout, "Not everything a working setup needs holds: see above.")
	}
	return report.OK(), nil
}
