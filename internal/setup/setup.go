// Package setup is the documented procedure itself: which request follows
// which, and what is kept when. The wizard and the scripted mode both drive
// it, so there is one implementation of the doc's seven steps, not two.
//
// The steps, as SAP Open Connectors documents them for Hootsuite:
//
//  1. get a redirect URL (Authorize),
//  2. have the user approve and capture the grant code (the caller does this, with oauthflow),
//  3. build the JSON body and POST /instances (Create),
//  4. keep the id and token (the Session, saved after every remote change),
//  5. base64-encode the id (WebhookURL),
//  6. register the webhook URL at Hootsuite (the user does this; MarkRegistered),
//  7. PATCH the instance's event callback URL and read it back (Finish).
package setup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"hootwire/api"
	"hootwire/internal/redact"
)

// Stage is how far a setup has come. Stages only move forward.
type Stage int

// The stages, in order.
const (
	StageNew        Stage = iota // nothing sent yet
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
	EventCallbackURL string    `json:"event_callback_url,omitempty"` // the user's app URL; empty: the webhook URL
	CreateSent       bool      `json:"create_sent,omitempty"`        // POST /instances was sent; look for the instance before sending another
	InstanceID       int64     `json:"instance_id,omitempty"`
	Token            string    `json:"token,omitempty"`
	Stage            Stage     `json:"stage"`
	Started          time.Time `json:"started"`
	Updated          time.Time `json:"updated"`
}

// Tag is the session's own tag.
func (s Session) Tag() string { return SessionTagPrefix + s.ID }

// Saver keeps a Session somewhere durable. Save is called after every step
// that changes something remote, before the step is reported done.
type Saver interface {
	Save(Session) error
}

// Locator is a Saver that can say where a session is kept, for the summary.
type Locator interface {
	Path(sessionID string) string
}

// Options tune a Procedure.
type Options struct {
	Saver Saver            // nil: nothing is saved
	Now   func() time.Time // nil: time.Now
}

// Procedure runs the documented steps for one setup.
type Procedure struct {
	client  *api.Client
	in      Inputs
	session Session
	saver   Saver
	now     func() time.Time
	// mu guards session: the wizard draws it while a step runs in a command.
	mu sync.Mutex
	// unsure is a grant code whose create got no clear answer. It is never
	// sent again: the instance is looked for instead.
	unsure string
}

// New starts a setup from validated inputs.
func New(client *api.Client, in Inputs, opts Options) (*Procedure, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id, err := newSessionID()
	if err != nil {
		return nil, err
	}
	p := newProcedure(client, in, opts)
	now := p.now()
	p.session = Session{
		ID: id, BaseURL: client.BaseURL(), Element: api.ElementKey, Name: in.Name, Tags: in.Tags,
		CallbackURL: in.CallbackURL, ClientID: in.ClientID, EventCallbackURL: in.EventCallbackURL,
		Stage: StageNew, Started: now, Updated: now,
	}
	return p, nil
}

// Resume continues a saved session. The secrets come from in; the rest of
// in is ignored in favour of what the session recorded.
func Resume(client *api.Client, in Inputs, s Session, opts Options) (*Procedure, error) {
	if s.ID == "" {
		return nil, errors.New("resume: the saved session has no id")
	}
	if s.BaseURL != "" && s.BaseURL != client.BaseURL() {
		return nil, fmt.Errorf("resume: the saved setup is on %s, not %s; choose that platform to resume it", s.BaseURL, client.BaseURL())
	}
	if s.Stage >= StageCreated && s.Stage < StageDeleted && (s.InstanceID == 0 || s.Token == "") {
		return nil, errors.New("resume: the saved session says the instance exists but has no id or token")
	}
	in.Name, in.Tags, in.CallbackURL, in.ClientID, in.EventCallbackURL = s.Name, s.Tags, s.CallbackURL, s.ClientID, s.EventCallbackURL
	p := newProcedure(client, in, opts)
	p.session = s
	client.Redactor().Add(s.Token)
	return p, nil
}

func newProcedure(client *api.Client, in Inputs, opts Options) *Procedure {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	client.Redactor().Add(in.UserSecret, in.OrgSecret, in.ClientSecret)
	return &Procedure{client: client, in: in, saver: opts.Saver, now: now}
}

func newSessionID() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Session is a copy of what the setup has kept so far.
func (p *Procedure) Session() Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.session
	s.Tags = append([]string(nil), s.Tags...)
	return s
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
	p.session.Updated = p.now()
	snapshot := p.session
	p.mu.Unlock()
	if p.saver == nil {
		return nil
	}
	if err := p.saver.Save(snapshot); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}

// Redactor masks every secret this setup has seen.
func (p *Procedure) Redactor() *redact.Redactor { return p.client.Redactor() }

// BaseURL is the platform base URL, normalized.
func (p *Procedure) BaseURL() string { return p.client.BaseURL() }

// CheckAccount makes one authenticated call so that a wrong secret fails now,
// not after the browser dance.
func (p *Procedure) CheckAccount(ctx context.Context) error {
	return p.client.CheckAccount(ctx)
}

// Authorization is a prepared step 1: where to send the browser.
type Authorization struct {
	URL   string // the provider's consent page, from the platform
	State string // the random state the callback must carry back
}

// Authorize gets the redirect URL (step 1) for a fresh state made by the
// caller (oauthflow.NewState).
func (p *Procedure) Authorize(ctx context.Context, state string) (Authorization, error) {
	got, err := p.client.OAuthURL(ctx, api.OAuthURLRequest{
		APIKey: p.in.ClientID, APISecret: p.in.ClientSecret, CallbackURL: p.in.CallbackURL, State: state,
	})
	if err != nil {
		return Authorization{}, err
	}
	return Authorization{URL: got.OAuthURL, State: state}, nil
}

// CreateRequest is the doc's POST /instances body for a grant code (step 2).
func (p *Procedure) CreateRequest(code string) api.CreateInstanceRequest {
	tags := append(append([]string(nil), p.in.Tags...), p.Session().Tag())
	return api.HootsuiteInstance{
		Name: p.in.Name, Tags: tags, Code: code,
		CallbackURL: p.in.CallbackURL, ClientID: p.in.ClientID, ClientSecret: p.in.ClientSecret,
		EventCallbackURL: api.EventsURL(p.BaseURL()),
	}.Request()
}

// Preview is the create request as a person reviews it before it is sent:
// the JSON body and the equivalent curl, with every secret masked.
func (p *Procedure) Preview(code string) (body, curl string) {
	req := p.CreateRequest(code)
	req.ProviderData.Code = redact.Mask
	req.Configuration.APISecret = redact.Mask
	data, _ := json.MarshalIndent(req, "", "  ")
	body = string(data)
	curl = fmt.Sprintf("curl -X POST '%s/instances' \\\n  -H 'Authorization: User %s, Organization %s' \\\n  -H 'Content-Type: application/json' \\\n  -d @body.json",
		p.BaseURL(), redact.Mask, redact.Mask)
	return body, curl
}

// ErrNeedsAuthorization means the grant code can no longer be used: it was
// refused, or it may have been spent by a create whose answer was lost and
// whose instance cannot be found. The fix is a fresh authorization.
var ErrNeedsAuthorization = errors.New("a fresh authorization is needed")

// Create sends POST /instances once with the grant code (step 3) and keeps
// the id and token at once (step 4). When the answer is lost (a time-out, a
// dropped connection, a 5xx, an unreadable body) the instance may exist all
// the same: Create looks for it by the session's tag and continues with it.
func (p *Procedure) Create(ctx context.Context, code string) (*api.Instance, error) {
	s := p.Session()
	if s.Stage >= StageCreated {
		return nil, fmt.Errorf("create instance: this setup already created instance %d", s.InstanceID)
	}
	if strings.TrimSpace(code) == "" {
		return nil, errors.New("create instance: no grant code: authorize first")
	}
	// A create sent before (by this run, or by one that stopped) may have
	// made the instance: look for it before sending anything.
	if s.CreateSent {
		found, err := p.findOwnInstance(ctx)
		switch {
		case err != nil:
			return nil, fmt.Errorf("create instance: an earlier create got no clear answer, and looking for the instance it may have made failed: %w. Try again once the platform answers", err)
		case found != nil:
			return p.keep(found)
		case code == p.unsure:
			return nil, fmt.Errorf("create instance: no instance was made, but the grant code may have been spent: %w", ErrNeedsAuthorization)
		}
	}
	// Saved before sending, so that whatever happens next, a later run
	// knows to look for the instance first.
	if err := p.record(StageNew, func(s *Session) { s.CreateSent = true }); err != nil {
		return nil, fmt.Errorf("create instance: not sent: %w", err)
	}
	inst, err := p.client.CreateInstance(ctx, p.CreateRequest(code))
	if err == nil {
		return p.keep(inst)
	}
	if api.GrantRejected(err) {
		return nil, fmt.Errorf("%w (%w)", err, ErrNeedsAuthorization)
	}
	if !api.Ambiguous(err) && ctx.Err() == nil {
		return nil, err
	}
	p.unsure = code
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w; the instance may exist: run again (with --resume) and hootwire looks for it first", err)
	}
	found, lookErr := p.findOwnInstance(ctx)
	switch {
	case lookErr != nil:
		return nil, fmt.Errorf("%w; looking for the instance it may have created failed too: %v. Try again once the platform answers: hootwire looks for the instance again before anything else", err, lookErr)
	case found == nil:
		return nil, fmt.Errorf("%s. No instance was created, but the grant code may have been spent: %w", what(err), ErrNeedsAuthorization)
	}
	return p.keep(found)
}

// ErrNotSaved wraps a failure to save the session after the instance was
// created: the instance exists and the caller must show its id and token.
var ErrNotSaved = errors.New("the id and token could not be saved")

// keep records the instance's id and token. When saving fails the
// instance is still returned, with an error wrapping ErrNotSaved.
func (p *Procedure) keep(inst *api.Instance) (*api.Instance, error) {
	p.client.Redactor().Add(inst.Token)
	if err := p.record(StageCreated, func(s *Session) { s.InstanceID, s.Token = inst.ID, inst.Token }); err != nil {
		return inst, fmt.Errorf("%w (%w)", err, ErrNotSaved)
	}
	return inst, nil
}

// CreateSent reports whether a create was sent for this setup, even one
// without a clear answer: from then on the setup must not start over.
func (p *Procedure) CreateSent() bool { return p.Session().CreateSent }

// what is an error's account of what happened, without advice that the
// caller is about to replace.
func what(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		return e.Summary()
	}
	return err.Error()
}

// findOwnInstance looks for the instance carrying this session's tag.
func (p *Procedure) findOwnInstance(ctx context.Context) (*api.Instance, error) {
	tag := p.Session().Tag()
	list, err := p.client.ListInstances(ctx, tag)
	if err != nil {
		return nil, err
	}
	for i := range list {
		for _, t := range list[i].Tags {
			if t == tag && list[i].Token != "" {
				return &list[i], nil
			}
		}
	}
	return nil, nil
}

// EncodedID is the instance id in base64, as the webhook URL carries it (step 5).
func (p *Procedure) EncodedID() string { return api.EncodeID(p.Session().InstanceID) }

// WebhookURL is the URL to register at Hootsuite (step 6).
func (p *Procedure) WebhookURL() string { return api.WebhookURL(p.BaseURL(), p.Session().InstanceID) }

// EventCallbackURL is what step 7 puts in event.notification.callback.url:
// the user's app URL when one was given, else the doc's choice, the webhook URL.
func (p *Procedure) EventCallbackURL() string {
	if u := p.Session().EventCallbackURL; u != "" {
		return u
	}
	return p.WebhookURL()
}

// MarkRegistered records that the user registered the webhook URL at Hootsuite.
func (p *Procedure) MarkRegistered() error {
	if p.Session().Stage < StageCreated {
		return errors.New("register at Hootsuite: the instance does not exist yet")
	}
	return p.record(StageRegistered, nil)
}

// Finish patches the instance's event callback URL and reads the instance
// back to confirm the platform kept it (step 7).
func (p *Procedure) Finish(ctx context.Context) (Result, error) {
	s := p.Session()
	if s.Stage < StageCreated {
		return Result{}, errors.New("update instance: the instance does not exist yet")
	}
	want := p.EventCallbackURL()
	if _, err := p.client.PatchInstance(ctx, s.InstanceID, api.EventCallbackPatch(want)); err != nil {
		return Result{}, err
	}
	got, err := p.client.GetInstance(ctx, s.InstanceID)
	if err != nil {
		return Result{}, fmt.Errorf("confirm the update: %w", err)
	}
	if have := got.Configuration[api.KeyEventCallbackURL]; have != want {
		return Result{}, fmt.Errorf("confirm the update: the instance's event callback URL is %q, not %q: %w; try again", have, want, ErrNotKept)
	}
	if err := p.record(StagePatched, nil); err != nil {
		return p.Result(), err
	}
	return p.Result(), nil
}

// ErrNotKept means the platform answered a change but did not keep it.
var ErrNotKept = errors.New("the platform did not keep the change")

// Delete removes the instance, for a user who abandons the setup, and
// records that the session is over.
func (p *Procedure) Delete(ctx context.Context) error {
	id := p.Session().InstanceID
	if id == 0 {
		return nil
	}
	if err := p.client.DeleteInstance(ctx, id); err != nil {
		// A 404 may mean it is gone already (an earlier attempt deleted it
		// and only the answer was lost): a read tells.
		if api.StatusCode(err) != http.StatusNotFound {
			return err
		}
		if _, gerr := p.client.GetInstance(ctx, id); api.StatusCode(gerr) != http.StatusNotFound {
			return err
		}
	}
	return p.record(StageDeleted, func(s *Session) { s.Token = "" })
}

// Result is the summary of a setup, with the keys of --json.
type Result struct {
	ID               int64  `json:"id"`
	Token            string `json:"token"`
	Name             string `json:"name"`
	BaseURL          string `json:"base_url"`
	EncodedID        string `json:"encoded_id"`
	WebhookURL       string `json:"webhook_url"`
	EventCallbackURL string `json:"event_callback_url"`
	Patched          bool   `json:"patched"`
	SavedTo          string `json:"saved_to"`
}

// Result summarizes the setup as it stands.
func (p *Procedure) Result() Result {
	s := p.Session()
	r := Result{
		ID: s.InstanceID, Token: s.Token, Name: s.Name, BaseURL: p.BaseURL(),
		EncodedID: p.EncodedID(), WebhookURL: p.WebhookURL(), EventCallbackURL: p.EventCallbackURL(),
		Patched: s.Stage >= StagePatched,
	}
	if l, ok := p.saver.(Locator); ok {
		r.SavedTo = l.Path(s.ID)
	}
	return r
}

// NextCallCurl is a curl line for the next call about this instance, with
// the secrets and the token as placeholders a person fills in.
func (p *Procedure) NextCallCurl() string {
	return fmt.Sprintf("curl '%s/instances/%d' -H 'Authorization: User <USER_SECRET>, Organization <ORGANIZATION_SECRET>'",
		p.BaseURL(), p.Session().InstanceID)
}
