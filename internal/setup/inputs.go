package setup

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"hootwire/api"
	"hootwire/internal/termsafe"
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
	// EventsHere: hootwire receives the events itself, listening on
	// ListenAddr; EventCallbackURL is then the public URL that forwards to
	// it (empty in the sandbox: the listener's own URL).
	EventsHere bool
	ListenAddr string
	// SignatureKey signs the events (HOOTWIRE_SIGNATURE_KEY); empty: a
	// random one, unless NoSignatureKey.
	SignatureKey   string
	NoSignatureKey bool
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
	FieldTag              = Field{"tags", "--tag", ""}
	FieldEventCallbackURL = Field{"event delivery URL", "--event-callback-url", ""}
	FieldListenAddr       = Field{"address to receive events on", "--listen-addr", ""}
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
	check(FieldName, CheckName(in.Name))
	for _, err := range tagProblems(in.Tags) {
		check(FieldTag, err)
	}
	if in.EventCallbackURL != "" {
		check(FieldEventCallbackURL, CheckHTTPURL(in.EventCallbackURL))
	}
	if in.SignatureKey != "" && !in.NoSignatureKey {
		check(FieldSignatureKey, CheckSignatureKey(in.SignatureKey))
	}
	if in.ListenAddr != "" {
		check(FieldListenAddr, CheckListenAddr(in.ListenAddr))
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

// CheckHTTPURL accepts an absolute http or https URL with a host, exactly
// as given: it refuses a space before or after it rather than trim it (the
// value checked is the value sent), a user name or password, a port that is
// not a number from 1 to 65535, a #fragment (never sent to a server: a
// webhook or an OAuth redirect URI has none), and any control, bidi or
// invisible character (see api.ParseHTTPURL). It never repeats the value,
// which may hold a password.
func CheckHTTPURL(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	_, err := api.ParseHTTPURL(v)
	return err
}

// CheckBaseURL accepts what api.NormalizeBaseURL accepts. The base URL used
// is NormalizeBaseURL's result (space around it dropped, a trailing slash
// dropped, /elements/api-v2 added to a bare host), which is also what it
// checks.
func CheckBaseURL(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("missing")
	}
	_, err := api.NormalizeBaseURL(v)
	return err
}

// CheckCallbackURL applies CheckHTTPURL, then Hootsuite's rule: a redirect
// URI starts with https:// or is plain http on this machine (localhost or a
// loopback address).
func CheckCallbackURL(v string) error {
	if err := CheckHTTPURL(v); err != nil {
		return err
	}
	u, err := url.Parse(v)
	if err != nil {
		return errors.New("must be an http:// or https:// URL")
	}
	if u.Scheme == "https" {
		return nil
	}
	if oauthflow.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return errors.New("only https:// or http://localhost callback URLs are accepted by Hootsuite")
}

// Limits on what names an instance. A name is a label for people: 100
// characters is far more than any list shows, and keeps a pasted document
// out of the request, the session file and the screen. A tag is a short
// filter word (hootwire's own session tag is 29 characters), and 20 of them are more
// than anyone sorts instances by.
const (
	MaxNameLen = 100
	MaxTagLen  = 64
	MaxTags    = 20
)

// unsafeText is what CheckName and CheckTag say of a control or bidi
// character, without repeating it.
const unsafeText = "holds a control character (a line break, a tab, an escape sequence) or a bidi mark that reorders text: type it again as plain text"

// CheckName accepts an instance name: not blank, on one line, with no
// control or bidi character, at most MaxNameLen characters once the space
// around it is dropped (SetInstance drops it).
func CheckName(v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return errors.New("missing")
	case !termsafe.Safe(v):
		return errors.New(unsafeText)
	case utf8.RuneCountInString(strings.TrimSpace(v)) > MaxNameLen:
		return fmt.Errorf("is longer than %d characters: shorten it", MaxNameLen)
	}
	return nil
}

// CheckTag accepts one tag: not blank, with no comma (the wizard's field
// separates tags with commas, so a tag holding one would come back as
// two), no control or bidi character, at most MaxTagLen characters once
// the space around it is dropped.
func CheckTag(v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return errors.New("is empty")
	case !termsafe.Safe(v):
		return errors.New(unsafeText)
	case strings.Contains(v, ","):
		return errors.New("holds a comma, which separates tags: give each tag on its own")
	case utf8.RuneCountInString(strings.TrimSpace(v)) > MaxTagLen:
		return fmt.Errorf("is longer than %d characters: shorten it", MaxTagLen)
	}
	return nil
}

// CheckTags checks a list of tags as SetInstance takes it: blank entries
// are skipped, every other is checked with CheckTag, and there are at most
// MaxTags. Every problem is reported at once, each tag by its position.
// The wizard's comma-separated field is checked with
// CheckTags(strings.Split(field, ",")).
func CheckTags(tags []string) error {
	ps := tagProblems(tags)
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Error()
	}
	return errors.New(strings.Join(msgs, "; "))
}

func tagProblems(tags []string) []error {
	var ps []error
	n := 0
	for i, t := range tags {
		if strings.TrimSpace(t) == "" {
			continue
		}
		n++
		if err := CheckTag(t); err != nil {
			ps = append(ps, fmt.Errorf("tag %d %v", i+1, err))
		}
	}
	if n > MaxTags {
		ps = append(ps, fmt.Errorf("%d tags are more than %d: keep the ones you filter by", n, MaxTags))
	}
	return ps
}
