package cli

import (
	"flag"
	"fmt"
	"text/tabwriter"

	"hootwire/internal/setup"
	"hootwire/internal/termsafe"
)

// runSessions lists the saved setups: name, id, base URL, step and date,
// never a secret or a token.
func runSessions(args []string, e Env) int {
	fs := flag.NewFlagSet("hootwire sessions", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	var o options
	fs.StringVar(&o.configDir, "config-dir", "", "where progress is saved (env HOOTWIRE_CONFIG_DIR)")
	if err := fs.Parse(args); err != nil {
		return setup.ExitUsage
	}
	st, err := openStore(o, e.Getenv)
	if err != nil {
		fmt.Fprintf(e.Stderr, "hootwire sessions: %s\n", termsafe.Text(err.Error()))
		return setup.ExitUsage
	}
	entries, aside, err := st.List()
	for _, a := range aside {
		fmt.Fprintf(e.Stderr, "hootwire sessions: %s\n", termsafe.Text(a.String()))
	}
	if err != nil {
		fmt.Fprintf(e.Stderr, "hootwire sessions: %s\n", termsafe.Text(err.Error()))
		return setup.ExitFailure
	}
	if len(entries) == 0 {
		fmt.Fprintf(e.Stdout, "No saved setups in %s.\n", termsafe.Line(st.Dir()))
		return setup.ExitOK
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tINSTANCE\tBASE URL\tSTEP\tUPDATED")
	for _, en := range entries {
		s := en.Session
		id := "-"
		if s.InstanceID != 0 {
			id = fmt.Sprint(s.InstanceID)
		}
		// A session file is text anyone with the user's rights may have
		// edited: nothing in it may act on the terminal.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", termsafe.Line(s.Name), id, termsafe.Line(s.BaseURL), s.Stage, s.Updated.Local().Format("2006-01-02 15:04"))
	}
	tw.Flush()
	fmt.Fprintf(e.Stdout, "\nSaved in %s. Resume an unfinished one with: hootwire --resume --base-url <its base URL>\n", termsafe.Line(st.Dir()))
	return setup.ExitOK
}
