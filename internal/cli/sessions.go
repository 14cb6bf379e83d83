package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
)

// sessionsCommand is hootwire sessions (ls) and hootwire sessions rm.
func sessionsCommand(ctx context.Context, e Env, o *options, set func(int)) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:     "sessions [--all] [--json]",
		Aliases: []string{"ls"},
		Short:   "List the saved setups (without secrets), or remove some",
		Long: `Lists the saved setups: id, name, platform host, instance, step and when it was last saved.
Setups that were deleted, or never got an instance, are left out unless --all is given.
No secret and no token is shown.

  hootwire --resume ID       continues an unfinished one
  hootwire status ID         checks a finished one against the platform
  hootwire sessions rm ID    forgets one`,
		Annotations:       footer(exitStatuses),
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			return listSessions(*o, all, e)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also list the setups that were deleted or never got an instance")

	var yes, prune bool
	rm := &cobra.Command{
		Use:   "rm ID... | rm --prune",
		Short: "Remove saved setups (asking first for one whose instance still exists)",
		Long: `Removes saved setups from this machine. The instance at the platform is not touched: a
setup whose instance still exists holds its token, so hootwire asks first (--yes answers for
scripts); hootwire delete ID deletes the instance itself.

--prune removes every setup that is done, was deleted, or never got an instance, and keeps the
unfinished ones.`,
		Annotations:       footer(exitStatuses),
		ValidArgsFunction: completeSetupIDs(ctx, e, o, anySetup),
		RunE: func(_ *cobra.Command, args []string) error {
			switch {
			case prune && len(args) > 0:
				return badInput("give setup ids or --prune, not both")
			case !prune && len(args) == 0:
				return badInput("name the setups to remove (hootwire sessions lists their ids), or give --prune")
			}
			return removeSessions(*o, args, prune, yes, e)
		},
	}
	rm.Flags().BoolVar(&yes, "yes", false, "do not ask: remove even setups whose instance still exists (for scripts)")
	rm.Flags().BoolVar(&prune, "prune", false, "remove every setup that is done, deleted, or never got an instance")
	cmd.AddCommand(rm)
	return cmd
}

// sessionJSON is one saved setup as hootwire sessions --json prints it:
// never a secret, the token or the signature key.
type sessionJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Host       string    `json:"host"`
	BaseURL    string    `json:"base_url"`
	InstanceID int64     `json:"instance_id,omitempty"`
	Step       string    `json:"step"`
	Unfinished bool      `json:"unfinished"`
	Saved      time.Time `json:"saved"`
	Path       string    `json:"path"`
}

// listed reports whether hootwire sessions shows s without --all.
func listed(s setup.Session) bool {
	return s.Stage < setup.StageDeleted && (s.InstanceID != 0 || s.CreateSent)
}

func listSessions(o options, all bool, e Env) error {
	st, entries, ids, err := openSaved(o, e)
	if err != nil {
		return err
	}
	defer st.Close()
	var shown []store.Entry
	for _, en := range entries {
		if all || listed(en.Session) {
			shown = append(shown, en)
		}
	}
	if o.jsonOut {
		out := []sessionJSON{}
		for _, en := range shown {
			s := en.Session
			out = append(out, sessionJSON{ID: ids[s.ID], Name: s.Name, Host: hostOf(s.BaseURL), BaseURL: s.BaseURL,
				InstanceID: s.InstanceID, Step: s.Stage.String(), Unfinished: s.Unfinished(), Saved: s.Updated, Path: en.Path})
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	hidden := len(entries) - len(shown)
	if len(shown) == 0 {
		fmt.Fprintf(e.Stdout, "No saved setups in %s.", termsafe.Line(st.Dir()))
		if hidden > 0 {
			fmt.Fprintf(e.Stdout, " %s deleted or never created: hootwire sessions --all lists them.", plural(hidden, "setup", "setups"))
		}
		fmt.Fprintln(e.Stdout)
		return nil
	}
	writeSessionTable(e.Stdout, shown, ids)
	fmt.Fprintf(e.Stdout, "\nSaved in %s.", termsafe.Line(st.Dir()))
	if hidden > 0 {
		fmt.Fprintf(e.Stdout, " %s deleted or never created not shown (--all).", plural(hidden, "setup", "setups"))
	}
	fmt.Fprintln(e.Stdout, "\nContinue an unfinished one with: hootwire --resume ID")
	return nil
}

// writeSessionTable writes the setups as the table hootwire sessions
// shows. A session file is text anyone with the user's rights may have
// edited: nothing in it may act on the terminal.
func writeSessionTable(w io.Writer, entries []store.Entry, ids map[string]string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tHOST\tINSTANCE\tSTEP\tSAVED")
	for _, en := range entries {
		s := en.Session
		instance := "-"
		if s.InstanceID != 0 {
			instance = fmt.Sprint(s.InstanceID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ids[s.ID], termsafe.Line(s.Name), termsafe.Line(hostOf(s.BaseURL)), instance, s.Stage,
			s.Updated.Local().Format("2006-01-02 15:04"))
	}
	tw.Flush()
}

// openSaved opens the store and lists its setups, with the ids a person
// is shown; the caller closes the store.
func openSaved(o options, e Env) (*store.Store, []store.Entry, map[string]string, error) {
	st, err := openStore(o, e.Getenv)
	if err != nil {
		return nil, nil, nil, badInput("%v", err)
	}
	entries, err := listEntries(st, e)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return st, entries, store.DisplayIDs(entries), nil
}

// listEntries lists the saved setups, reporting on stderr the files set
// aside as unreadable.
func listEntries(st *store.Store, e Env) ([]store.Entry, error) {
	entries, aside, err := st.List()
	for _, a := range aside {
		fmt.Fprintf(e.Stderr, "hootwire: %s\n", termsafe.Text(a.String()))
	}
	if err != nil {
		return nil, fmt.Errorf("list the saved setups: %w", err)
	}
	return entries, nil
}

func removeSessions(o options, refs []string, prune, yes bool, e Env) error {
	st, entries, ids, err := openSaved(o, e)
	if err != nil {
		return err
	}
	defer st.Close()
	var doomed []store.Entry
	if prune {
		for _, en := range entries {
			if !en.Session.Unfinished() {
				doomed = append(doomed, en)
			}
		}
		if len(doomed) == 0 {
			fmt.Fprintln(e.Stderr, "hootwire: nothing to prune: every saved setup is unfinished.")
			return nil
		}
	} else {
		seen := map[string]bool{}
		for _, ref := range refs {
			en, err := st.Find(ref)
			if err != nil {
				return err
			}
			if !seen[en.Session.ID] {
				seen[en.Session.ID] = true
				doomed = append(doomed, en)
			}
		}
	}
	var live []store.Entry
	for _, en := range doomed {
		// A create with no clear answer may have made an instance, which
		// only this record's --resume can find.
		if s := en.Session; withInstance(s) || (s.CreateSent && s.InstanceID == 0) {
			live = append(live, en)
		}
	}
	if len(live) > 0 && !yes {
		fmt.Fprintf(e.Stderr, "These setups hold the token of an instance that still exists, or may have one (a create with no\n"+
			"clear answer, which hootwire --resume ID looks for); removing them forgets it. The instance stays:\n"+
			"hootwire delete ID deletes it at the platform.\n")
		writeSessionTable(e.Stderr, live, ids)
		ok, err := confirm(e, "Remove them?", "removing them", "--yes")
		if err != nil {
			return err
		}
		if !ok {
			return declined("nothing removed")
		}
	}
	for _, en := range doomed {
		if err := st.Remove(en.Session.ID); err != nil {
			if prune && errors.Is(err, setup.ErrBadInput) {
				// Held by a run: pruning goes on with the others.
				fmt.Fprintf(e.Stderr, "hootwire: kept setup %s: %s\n", ids[en.Session.ID], termsafe.Line(err.Error()))
				continue
			}
			return fmt.Errorf("remove setup %s: %w", ids[en.Session.ID], err)
		}
		fmt.Fprintf(e.Stderr, "hootwire: removed setup %s (%s).\n", ids[en.Session.ID], termsafe.Line(en.Session.Name))
	}
	return nil
}

// confirm asks a yes/no question on stderr and reads the answer from a
// terminal; without one it refuses, naming the flag that answers for
// scripts.
func confirm(e Env, question, action, yesFlag string) (bool, error) {
	if !isTerminal(e.Stdin) {
		return false, badInput("%s needs a yes, and there is no terminal to ask: give %s", action, yesFlag)
	}
	fmt.Fprintf(e.Stderr, "%s [y/N]: ", question)
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("read the answer: %w", err)
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// hostOf is the host a base URL names, for tables.
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// declinedError is the user's no to a question: nothing was done, and the
// run ends as one quit before the end does (130).
type declinedError string

func (d declinedError) Error() string        { return string(d) }
func (d declinedError) Is(target error) bool { return target == context.Canceled }

func declined(what string) error { return declinedError(what + ": you said no") }
