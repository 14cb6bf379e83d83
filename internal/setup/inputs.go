package setup

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"hootwire/api"
	"hootwire/oauthflow"
)

// DefaultCallbackURL is the API callback URL hootwire suggests registering on
// the Hootsuite app: a loopback listener on port 4668 (HOOT on a keypad).
const DefaultCallbackURL = "http://localhost:4668/callback"

// DefaultName is the instance name used when none is given.
const DefaultName = "Hootsuite webhooks"

// Inputs is everything a user supplies for one setup.
type Inputs struct {
	BaseURL      string
	UserSecret   string
	OrgSecret    string
	ClientID     string
	ClientSecret string
	CallbackURL  string // oauth.callback.url, registered on the Hootsuite app
	Name         string
	Tags         []string
	// EventCallbackURL is where Open Connectors delivers events. Empty means
	// the doc's choice: the Hootsuite webhook URL with the encoded id.
	EventCallbackURL string
}

// Field names one input, with the flag and environment variable that set it
// (either may be empty: secrets have no flag).
type Field struct {
	Name string
	Flag string
	Env  string
}

// The inputs, named as --help and error messages name them.
var (
	FieldBaseURL          = Field{"platform base URL", "--base-url", "OC_BASE_URL"}
	FieldUserSecret       = Field{"User secret", "", "OC_USER_SECRET"}
	FieldOrgSecret        = Field{"Organization secret", "", "OC_ORG_SECRET"}
	FieldClientID         = Field{"Hootsuite client id", "--client-id", "HOOTSUITE_CLIENT_ID"}
	FieldClientSecret     = Field{"Hootsuite client secret", "", "HOOTSUITE_CLIENT_SECRET"}
	FieldCallbackURL      = Field{"API callback URL", "--callback-url", "HOOTSUITE_CALLBACK_URL"}
	FieldName             = Field{"instance name", "--name", ""}
	FieldEventCallbackURL = Field{"event delivery URL", "--event-callback-url", ""}
)

// Where says how a user sets the field: "--flag or ENV", "ENV" or "--flag".
func (f Field) Where() string {
	switch {
	case f.Flag != "" && f.Env != "":
		return f.Flag + " or " + f.Env
	case f.Env != "":
		return f.Env
	}
	return f.Flag
}

// Problem is one input that cannot be used, and why.
type Problem struct {
	Field Field
	Err   error
}

func (p Problem) Error() string {
	return fmt.Sprintf("%s (%s): %v", p.Field.Name, p.Field.Where(), p.Err)
}

// Problems is every input problem found at once, so a user fixes them in one go.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  " + p.Error()
	}
	return "these inputs need attention:\n" + strings.Join(lines, "\n")
}

// Validate checks every input and reports all problems together.
func (in Inputs) Validate() error {
	var ps Problems
	check := func(f Field, err error) {
		if err != nil {
			ps = append(ps, Problem{f, err})
		}
	}
	check(FieldBaseURL, CheckBaseURL(in.BaseURL))
	check(FieldUserSecret, CheckSecret(in.UserSecret))
	check(FieldOrgSecret, CheckSecret(in.OrgSecret))
	check(FieldClientID, CheckRequired(in.ClientID))
	check(FieldClientSecret, CheckSecret(in.ClientSecret))
	check(FieldCallbackURL, CheckCallbackURL(in.CallbackURL))
	check(FieldName, CheckRequired(in.Name))
	if in.EventCallbackURL != "" {
		check(FieldEventCallbackURL, CheckHTTPURL(in.EventCallbackURL))
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// CheckRequired refuses an empty value.
func CheckRequired(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	return nil
}

// CheckSecret refuses an empty secret. It never echoes the value.
func CheckSecret(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	if strings.ContainsAny(v, " \t\r\n,") {
		return errors.New("holds a space or a comma, which a secret never does: copy it again")
	}
	return nil
}

// CheckHTTPURL accepts an absolute http or https URL with a host.
func CheckHTTPURL(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http:// or https:// URL")
	}
	return nil
}

// CheckBaseURL accepts what api.NormalizeBaseURL accepts.
func CheckBaseURL(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	_, err := api.NormalizeBaseURL(v)
	return err
}

// CheckCallbackURL applies Hootsuite's rule: a redirect URI starts with
// https:// or is plain http on this machine (localhost or a loopback address).
func CheckCallbackURL(v string) error {
	if err := CheckHTTPURL(v); err != nil {
		return err
	}
	u, _ := url.Parse(strings.TrimSpace(v))
	if u.Scheme == "https" {
		return nil
	}
	if oauthflow.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return errors.New("only https:// or http://localhost callback URLs are accepted by Hootsuite")
}
