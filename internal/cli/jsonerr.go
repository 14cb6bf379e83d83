package cli

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"hootwire/api"
)

// jsonError is what a failed run prints on stdout with --json, beside the
// message on stderr, so that a script need not parse text:
// {"error": {"message", "step", "exit_status", "request_id", "resume"}},
// with what is known of them.
type jsonError struct {
	Message    string `json:"message"`
	Step       string `json:"step,omitempty"`       // the setup step that failed
	ExitStatus int    `json:"exit_status"`          // the process's exit status too
	RequestID  string `json:"request_id,omitempty"` // the platform's, for its support
	Resume     string `json:"resume,omitempty"`     // the command that goes on, when one does
	// Instance is an instance created but not saved: its id and token
	// are nowhere else.
	Instance *jsonInstance `json:"instance,omitempty"`
}

// jsonInstance is an instance a failed run made and could not save.
type jsonInstance struct {
	ID      int64  `json:"id"`
	Token   string `json:"token"`
	BaseURL string `json:"base_url"`
}

// newJSONError describes err; message is err's text as the user sees it
// (secrets masked).
func newJSONError(err error, message string, status int) jsonError {
	je := jsonError{Message: message, ExitStatus: status}
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		je.RequestID = apiErr.RequestID
	}
	return je
}

func writeJSONError(w io.Writer, je jsonError) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(struct {
		Error jsonError `json:"error"`
	}{je})
}

// jsonWanted reports whether args ask for --json, for errors found before
// the flags were parsed (an unknown flag, say).
func jsonWanted(args []string) bool {
	for _, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--json":
			return true
		case len(a) > 7 && a[:7] == "--json=":
			v, err := strconv.ParseBool(a[7:])
			return err == nil && v
		}
	}
	return false
}
