// Package setup is the documented procedure itself, as stages that every
// front end drives in the same order: the wizard, the plain prompts and the
// scripted mode hold no procedure of their own.
//
// The stages, as SAP Open Connectors documents the setup for Hootsuite:
//
//  1. connect to a target (New) and check the account (SetAccount, CheckAccount),
//  2. take the Hootsuite app and the instance's settings (SetApp, SetInstance),
//  3. get a redirect URL and the user's grant code (Authorize, then the
//     Authorization's Wait, Paste or Approve),
//  4. build the JSON body and POST /instances, keeping the id and token
//     (Create; the Session is saved after every remote change),
//  5. base64-encode the id into the webhook URL to register at Hootsuite
//     (WebhookURL, MarkRegistered),
//  6. PATCH the instance's event callback URL and read it back (Finish).
//
// Next says which stage comes next, for a new setup and for one resumed
// from its saved Session alike; StopNote says what to tell a user who stops
// halfway, and ExitStatus maps every failure to the documented exit status.
package setup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"hootwire/api"
	"hootwire/internal/redact"
)

// Stage is how far a setup has come at the platform. Stages only move
// forward; StageDeleted ends a setup that was abandoned.
type Stage int

// The stages, in order.
const (
	StageNew        Stage = iota // nothing created yet
	StageCreated                 // the instance exists: id and token kept
	StageRegistered              // the user registered the webhook URL at Hootsuite
	StagePatched                 // event callback URL patched and read back
	StageDeleted                 // the user abandoned the setup and deleted the instance
)

func (s Stage) String() string {
	switch s {
	case StageNew:
		return "not created"
	case StageCreated:
		return "created"
	case StageRegistered:
		return "registered at Hootsuite"
	case StagePatched:
		return "done"
	case StageDeleted:
		return "deleted"
	}
	return fmt.Sprintf("stage %d", int(s))
}

// SessionTagPrefix starts the tag that every instance hootwire creates
// carries, so an instance whose create answer was lost can be found again.
const SessionTagPrefix = "hootwire-session-"

// Session is what a setup keeps between steps and between runs. It never
// holds the User, Organization or client secret, nor a grant code.
type Session struct {
	ID               string    `json:"id"`
	BaseURL          string    `json:"base_url"`
	Element          string    `json:"element"`
	Name             string    `json:"name"`
	Tags             []string  `json:"tags,omitempty"`
	CallbackURL      string    `json:"callback_url"`
	ClientID         string    `json:"client_id"`
	EventCallbackURL string    `json:"event_callback_url,omitempty"` // the user's app URL, or this machine's; empty: the webhook URL
	EventsHere       bool      `json:"events_here,omitempty"`        // hootwire receives the events, on ListenAddr
	ListenAddr       string    `json:"listen_addr,omitempty"`        // where hootwire listens for events
	SignatureKey     string    `json:"signature_key,omitempty"`      // events are signed with it; kept like the token
	CreateSent       bool      `json:"create_sent,omitempty"`        // POST /instances got no clear answer: look for the instance before sending another
	InstanceID       int64     `json:"instance_id,omitempty"`
	Token            string    `json:"token,omitempty"`
	Stage            Stage     `json:"stage"`
	Started          time.Time `json:"started"`
	Updated          time.Time `json:"updated"`
}

// Tag is the session's own tag.
func (s Session) Tag() string { return SessionTagPrefix + s.ID }

// Unfinished reports whether the session's instance exists, or may exist,
// and the setup is not yet done: what a resume continues.
func (s Session) Unfinished() bool {
	return (s.Stage >= StageCreated || s.CreateSent) && s.Stage < StagePatched
}

// ShortIDLen is how many characters of its id name a setup to a person.
const ShortIDLen = 6

// ShortID is the beginning of the session's id that a person reads and
// types (hootwire --resume ID, hootwire status ID).
func (s Session) ShortID() string {
	if len(s.ID) <= ShortIDLen {
		return s.ID
	}
	return s.ID[:ShortIDLen]
}

// Describe names a saved setup for a person choosing whether to resume it.
func (s Session) Describe() string {
	if s.InstanceID == 0 {
		return fmt.Sprintf("setup %s, %q, whose create got no clear answer (the instance may exist)", s.ShortID(), s.Name)
	}
	return fmt.Sprintf("setup %s, instance %d (%q), %s", s.ShortID(), s.InstanceID, s.Name, s.Stage)
}

// Saver keeps a Session somewhere durable. Save is called after every step
// that changes something remote, before the step is reported done.
type Saver interface {
	Save(Session) error
}

// Locator is a Saver that can say where a session is kept, for the summary.
type Locator interface {
	Path(sessionID string) string
}

// Listener is a running loopback listener waiting for the grant code
// (an *oauthflow.Listener).
type Listener interface {
	Wait(ctx context.Context) (string, error)
	Close() error
}

// Options tune a Procedure. The zero value is ready to use.
type Options struct {
	// Saver keeps the session; nil, or a target in the built-in sandbox
	// (whose instances end with the process): nothing is saved.
	Saver Saver
	// API tunes the platform client. Its Redactor is replaced by the
	// procedure's own, which learns every secret the setup sees.
	API api.Options
	// Listen starts the loopback listener; nil: oauthflow.Listen.
	Listen func(ctx context.Context, callbackURL, state string) (Listener, error)
	// NewState makes an authorization's state; nil: oauthflow.NewState.
	NewState func() (string, error)
	Now      func() time.Time // nil: time.Now
}

// Procedure runs the documented steps for one setup on one target. Its
// methods are safe to call from a command while a view reads it.
type Procedure struct {
	target Target
	opts   Options
	red    *redact.Redactor

	mu      sync.Mutex
	session Session     // every input that is no secret lives here, once
	client  *api.Client // set by SetAccount
	checked bool        // the account check passed with this client
	secrets secrets
	// appSet and instanceSet say which parts of the inputs were submitted.
	appSet      bool
	instanceSet bool
	resumed     bool
	auth        *Authorization // the newest authorization
	code        string         // the grant code it brought, until a create spends it
	// unsure is a grant code whose create got no clear answer. It is never
	// sent again: the instance is looked for instead.
	unsure string
	// notSaved is set when the instance exists but saving it failed.
	notSaved bool
}

// New starts a setup on target. Nothing is sent until the account is set.
func New(target Target, opts Options) (*Procedure, error) {
	if target.BaseURL == "" {
		return nil, fmt.Errorf("start a setup: no platform chosen")
	}
	if target.PlainHTTP() && !target.AllowPlainHTTP {
		return nil, &PlainHTTPError{Host: target.Host()}
	}
	id, err := newSessionID()
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if target.IsSandbox() {
		opts.Saver = nil
	}
	p := &Procedure{target: target, opts: opts, red: redact.New()}
	p.opts.API.Redactor = p.red
	now := opts.Now()
	p.session = Session{ID: id, BaseURL: target.BaseURL, Element: api.ElementKey, Stage: StageNew, Started: now, Updated: now}
	return p, nil
}

func newSessionID() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Target is the platform this setup runs on.
func (p *Procedure) Target() Target { return p.target }

// BaseURL is the platform base URL, normalized.
func (p *Procedure) BaseURL() string { return p.target.BaseURL }

// Saves reports whether the setup is saved, so a stopped run can resume.
// Setups in the built-in sandbox are not: their instances end with it.
func (p *Procedure) Saves() bool { return p.opts.Saver != nil }

// SavedTo is the file the session is saved in, when the saver says.
func (p *Procedure) SavedTo() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.opts.Saver.(Locator); ok && !p.notSaved {
		return l.Path(p.session.ID)
	}
	return ""
}

// Redactor masks every secret this setup has seen.
func (p *Procedure) Redactor() *redact.Redactor { return p.red }

// Session is a copy of what the setup has kept so far.
func (p *Procedure) Session() Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.session
	s.Tags = append([]string(nil), s.Tags...)
	return s
}

// secrets are the ones this run was given; they are never saved.
type secrets struct {
	user, org, client string
}

// Inputs are the inputs submitted so far, secrets included.
func (p *Procedure) Inputs() Inputs {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inputs()
}

// inputs is Inputs with p.mu held.
func (p *Procedure) inputs() Inputs {
	s := p.session
	return Inputs{
		BaseURL: p.target.BaseURL, UserSecret: p.secrets.user, OrgSecret: p.secrets.org,
		ClientID: s.ClientID, ClientSecret: p.secrets.client, CallbackURL: s.CallbackURL,
		Name: s.Name, Tags: append([]string(nil), s.Tags...), EventCallbackURL: s.EventCallbackURL,
		EventsHere: s.EventsHere, ListenAddr: s.ListenAddr, SignatureKey: s.SignatureKey, NoSignatureKey: s.SignatureKey == "",
	}
}

// record changes the session under the lock and saves a copy of it.
func (p *Procedure) record(stage Stage, change func(*Session)) error {
	p.mu.Lock()
	if change != nil {
		change(&p.session)
	}
	if stage > p.session.Stage {
		p.session.Stage = stage
	}
	p.session.Updated = p.opts.Now()
	snapshot := p.session
	p.mu.Unlock()
	if p.opts.Saver == nil {
		return nil
	}
	if err := p.opts.Saver.Save(snapshot); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}

// apiClient is the client made by SetAccount, or an error saying to set it.
func (p *Procedure) apiClient() (*api.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, fmt.Errorf("the account is not set: give the User and Organization secrets first")
	}
	return p.client, nil
}
