package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
)

// managed is a saved setup opened to look after its instance: status and
// delete.
type managed struct {
	st    *store.Store
	entry store.Entry
	id    string // as hootwire sessions shows it
	proc  *setup.Procedure
	close func()
}

// openManaged finds the saved setup ref names, takes its lock, and opens it
// with the account from the environment (or asked for on a terminal).
func openManaged(ctx context.Context, o options, ref string, e Env) (*managed, error) {
	st, err := openStore(o, e.Getenv)
	if err != nil {
		return nil, badInput("%v", err)
	}
	m := &managed{st: st, close: func() { st.Close() }}
	fail := func(err error) (*managed, error) {
		m.close()
		return nil, err
	}
	entries, err := listEntries(st, e)
	if err != nil {
		return fail(err)
	}
	if m.entry, err = st.Find(ref); err != nil {
		return fail(err)
	}
	m.id = store.DisplayIDs(entries)[m.entry.Session.ID]
	if err := st.Claim(m.entry.Session.ID); err != nil {
		return fail(err)
	}
	acct, err := accountFor(e)
	if err != nil {
		return fail(err)
	}
	target, err := setup.NewTarget(m.entry.Session.BaseURL)
	if err != nil {
		return fail(badInput("setup %s: its base URL: %v", m.id, err))
	}
	// The setup began on this platform, plain http:// and all, with the
	// user's consent then.
	target.AllowPlainHTTP = true
	logger, closeLog, err := openDebugLog(o.debugLog, e.Stderr)
	if err != nil {
		return fail(err)
	}
	m.close = func() {
		if lerr := closeLog(); lerr != nil {
			fmt.Fprintf(e.Stderr, "hootwire: --debug-log: %s\n", termsafe.Text(lerr.Error()))
		}
		st.Close()
	}
	if m.proc, err = setup.New(target, setup.Options{Saver: st, API: o.apiOptions(logger, e.build())}); err != nil {
		return fail(err)
	}
	if err := m.proc.SetAccount(acct); err != nil {
		return fail(err)
	}
	if err := m.proc.Open(m.entry.Session); err != nil {
		return fail(err)
	}
	return m, nil
}

// accountFor is the User and Organization secrets: from the environment,
// else typed (without echo) when there is a terminal to type them on.
func accountFor(e Env) (setup.Account, error) {
	acct := setup.Account{UserSecret: e.Getenv("OC_USER_SECRET"), OrgSecret: e.Getenv("OC_ORG_SECRET")}
	if acct.UserSecret != "" && acct.OrgSecret != "" {
		return acct, nil
	}
	f, ok := e.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return acct, badInput("set OC_USER_SECRET and OC_ORG_SECRET: the platform asks for them, and there is no terminal to type them on")
	}
	for _, s := range []struct {
		name string
		v    *string
	}{{"User secret (OC_USER_SECRET)", &acct.UserSecret}, {"Organization secret (OC_ORG_SECRET)", &acct.OrgSecret}} {
		if *s.v != "" {
			continue
		}
		fmt.Fprintf(e.Stderr, "%s, not shown as you type: ", s.name)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.Stderr)
		if err != nil {
			return acct, fmt.Errorf("read the %s: %w", s.name, err)
		}
		*s.v = string(b)
	}
	return acct, nil
}

// deleteCommand is hootwire delete ID.
func deleteCommand(ctx context.Context, e Env, o *options, set func(int)) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete ID [--yes]",
		Short: "Delete a saved setup's instance at the platform",
		Long: `Deletes the instance of a saved setup at the platform, after asking (--yes answers for
scripts), and marks the setup deleted. Its events stop. The saved setup stays, without its
token, until hootwire sessions rm ID.`,
		Annotations:       footer(secretsHelp, exitStatuses),
		Args:              exactlyOneSetup,
		ValidArgsFunction: completeSetupIDs(ctx, e, o, withInstance),
		RunE: func(_ *cobra.Command, args []string) error {
			return deleteInstance(ctx, *o, args[0], yes, e)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask (for scripts)")
	return cmd
}

// exactlyOneSetup says what is missing when a command's one setup id is.
func exactlyOneSetup(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 1:
		return nil
	case 0:
		return badInput("name the setup: hootwire %s ID (hootwire sessions lists the ids)", cmd.Name())
	}
	return badInput("hootwire %s takes one setup id, not %d", cmd.Name(), len(args))
}

func deleteInstance(ctx context.Context, o options, ref string, yes bool, e Env) error {
	st, err := openStore(o, e.Getenv)
	if err != nil {
		return badInput("%v", err)
	}
	entry, err := st.Find(ref)
	st.Close()
	if err != nil {
		return err
	}
	s := entry.Session
	switch {
	case s.Stage >= setup.StageDeleted:
		fmt.Fprintf(e.Stderr, "hootwire: the instance of setup %s (%s) was deleted already.\n", store.ShortID(s.ID), termsafe.Line(s.Name))
		return nil
	case s.InstanceID == 0 && s.CreateSent:
		return badInput("setup %s (%s) has no instance id: its create got no clear answer; hootwire --resume %[1]s looks for the instance first", store.ShortID(s.ID), s.Name)
	case s.InstanceID == 0:
		return badInput("setup %s (%s) was never created: there is nothing to delete (hootwire sessions rm %[1]s forgets it)", store.ShortID(s.ID), s.Name)
	}
	m, err := openManaged(ctx, o, ref, e)
	if err != nil {
		return err
	}
	defer m.close()
	if !yes {
		q := fmt.Sprintf("Delete instance %d (%s) at %s? Its events stop, and this cannot be undone.", s.InstanceID, termsafe.Line(s.Name), hostOf(s.BaseURL))
		ok, err := confirm(e, q, fmt.Sprintf("deleting instance %d", s.InstanceID), "--yes")
		if err != nil {
			return err
		}
		if !ok {
			return declined("nothing deleted")
		}
	}
	if err := m.proc.Delete(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "hootwire: deleted instance %d (%s) at %s; setup %s is marked deleted (hootwire sessions rm %[4]s forgets it).\n",
		s.InstanceID, termsafe.Line(s.Name), hostOf(s.BaseURL), m.id)
	if o.jsonOut {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ID         string `json:"id"`
			InstanceID int64  `json:"instance_id"`
			Deleted    bool   `json:"deleted"`
		}{m.id, s.InstanceID, true})
	}
	return nil
}
