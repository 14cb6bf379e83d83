package cli

import (
	"fmt"
	"strings"

	"hootwire/api"
	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// severalToResume is --resume's error when more than one setup is
// unfinished and none was named: it lists them, so the user can.
type severalToResume struct {
	entries []store.Entry
	ids     map[string]string
}

func (s severalToResume) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "--resume: %d setups are unfinished; name one, as in hootwire --resume %s\n", len(s.entries), s.ids[s.entries[0].Session.ID])
	writeSessionTable(&b, s.entries, s.ids)
	return strings.TrimRight(b.String(), "\n")
}

func (s severalToResume) Is(target error) bool { return target == setup.ErrBadInput }

// findResume finds the setup --resume continues: the one named by ref (an
// id or a unique beginning of one), else the only unfinished one. With
// several unfinished and none named, the error is a severalToResume. A
// --base-url given beside it must be the setup's own.
func findResume(st *store.Store, ref, baseURL string, e Env) (store.Entry, error) {
	entries, err := listEntries(st, e)
	if err != nil {
		return store.Entry{}, err
	}
	ids := store.DisplayIDs(entries)
	var entry store.Entry
	if ref != "" {
		if entry, err = st.Find(ref); err != nil {
			return store.Entry{}, fmt.Errorf("--resume: %w", err)
		}
		// A setup never created may be named too: it goes on from the start.
		if s := entry.Session; s.Stage >= setup.StagePatched {
			return store.Entry{}, badInput("--resume %s: setup %s (%s) is %s: nothing is left to do (hootwire status %[2]s checks it)",
				ref, ids[s.ID], s.Name, s.Stage)
		}
	} else {
		var open []store.Entry
		for _, en := range entries {
			if en.Session.Unfinished() {
				open = append(open, en)
			}
		}
		switch len(open) {
		case 0:
			return store.Entry{}, badInput("--resume: nothing to resume: no unfinished setup is saved in %s (hootwire sessions --all lists them all)", st.Dir())
		case 1:
			entry = open[0]
		default:
			return store.Entry{}, severalToResume{open, ids}
		}
	}
	if baseURL != "" {
		given, err := api.NormalizeBaseURL(baseURL)
		if err != nil || given != entry.Session.BaseURL {
			return store.Entry{}, badInput("--base-url %s is not the platform of setup %s, %s: leave --base-url out, the setup knows its platform",
				baseURL, ids[entry.Session.ID], entry.Session.BaseURL)
		}
	}
	return entry, nil
}

// resumeCommand is the shortest command that continues a stopped setup, in
// the mode it stopped in, ready to paste into a shell.
func resumeCommand(o options, id string) string {
	cmd := "hootwire"
	switch {
	case o.nonInteractive:
		cmd += " --non-interactive"
	case o.plain:
		cmd += " --plain"
	}
	cmd += " --resume " + setup.ShellQuote(id)
	if o.configDir != "" {
		cmd += " --config-dir " + setup.ShellQuote(o.configDir)
	}
	return cmd
}
