package setup

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hootwire/api"
)

// Step is one step of the setup as a user goes through it, in order.
type Step int

// The steps.
const (
	StepTarget    Step = iota // choose the platform
	StepAccount               // the User and Organization secrets, checked
	StepApp                   // the Hootsuite app: client id and secret, callback URL
	StepInstance              // name, tags, where events go
	StepAuthorize             // the consent page and the grant code
	StepCreate                // POST /instances
	StepRegister              // the webhook URL, registered at Hootsuite by the user
	StepFinish                // PATCH the event callback URL, read it back
	StepDone                  // nothing left to do
)

// Steps is how many steps a user goes through (StepDone is not one).
const Steps = int(StepDone)

func (s Step) String() string {
	switch s {
	case StepTarget:
		return "Target"
	case StepAccount:
		return "Account"
	case StepApp:
		return "Hootsuite app"
	case StepInstance:
		return "Instance"
	case StepAuthorize:
		return "Authorize"
	case StepCreate:
		return "Create"
	case StepRegister:
		return "Register at Hootsuite"
	case StepFinish:
		return "Finish"
	case StepDone:
		return "Done"
	}
	return fmt.Sprintf("step %d", int(s))
}

// Next is the first step not yet done: for a new setup the next in order,
// for a resumed one the first that its saved stage leaves unfinished. A
// resumed setup whose create got no clear answer needs a fresh grant code,
// so it goes to the Hootsuite app step, where the client secret (never
// saved) is given again.
func (p *Procedure) Next() Step {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.session
	switch {
	case s.Stage >= StagePatched:
		return StepDone
	case p.client == nil || !p.checked:
		return StepAccount
	case s.Stage >= StageRegistered:
		return StepFinish
	case s.Stage >= StageCreated:
		return StepRegister
	case !p.appSet:
		return StepApp
	case !p.instanceSet:
		return StepInstance
	case p.code == "":
		return StepAuthorize
	}
	return StepCreate
}

// CanGoBack reports whether earlier steps may still be changed: only until
// a create was sent, since nothing remote is ever undone by going back.
func (p *Procedure) CanGoBack() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.session.Stage == StageNew && !p.session.CreateSent
}

// Back reopens step: what was submitted at it and after it is dropped, so
// the user goes through the following steps again, in order.
func (p *Procedure) Back(step Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.session.Stage != StageNew || p.session.CreateSent {
		return
	}
	if step <= StepAccount {
		p.checked = false
	}
	if step <= StepApp {
		p.appSet = false
	}
	if step <= StepInstance {
		p.instanceSet = false
	}
	if step <= StepAuthorize {
		// Its browser links end with the context they were made with.
		p.auth, p.code = nil, ""
	}
}

// Resumed reports whether the setup continues a saved session.
func (p *Procedure) Resumed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resumed
}

// Account is the user's Open Connectors secrets.
type Account struct {
	UserSecret string
	OrgSecret  string
}

// App is the Hootsuite app's REST API client and its registered callback.
type App struct {
	ClientID     string
	ClientSecret string
	CallbackURL  string // oauth.callback.url, registered on the Hootsuite app
}

// InstanceSettings name the instance and say where its events go.
type InstanceSettings struct {
	Name string
	Tags []string
	// EventCallbackURL is the user's app URL; empty: the doc's choice, the
	// Hootsuite webhook URL with the encoded id. With EventsHere, it is the
	// public URL that forwards to ListenAddr (empty in the sandbox).
	EventCallbackURL string
	EventsHere       bool
	ListenAddr       string
	// SignatureKey signs the events; empty: a random one, unless
	// NoSignatureKey.
	SignatureKey   string
	NoSignatureKey bool
}

// SetAccount takes the User and Organization secrets, checked for shape
// only; CheckAccount asks the platform.
func (p *Procedure) SetAccount(a Account) error {
	var ps Problems
	if err := CheckSecret(a.UserSecret); err != nil {
		ps = append(ps, Problem{FieldUserSecret, err})
	}
	if err := CheckSecret(a.OrgSecret); err != nil {
		ps = append(ps, Problem{FieldOrgSecret, err})
	}
	if len(ps) > 0 {
		return ps
	}
	p.red.Add(a.UserSecret, a.OrgSecret)
	client, err := api.New(p.target.BaseURL, a.UserSecret, a.OrgSecret, p.opts.API)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", p.target.BaseURL, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.client, p.checked = client, false
	p.secrets.user, p.secrets.org = a.UserSecret, a.OrgSecret
	return nil
}

// CheckAccount makes one authenticated call so that a wrong secret fails
// now, not after the browser dance.
func (p *Procedure) CheckAccount(ctx context.Context) error {
	client, err := p.apiClient()
	if err != nil {
		return err
	}
	if err := client.CheckAccount(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == client {
		p.checked = true
	}
	return nil
}

// SetApp takes the Hootsuite app's settings.
func (p *Procedure) SetApp(a App) error {
	var ps Problems
	check := func(f Field, err error) {
		if err != nil {
			ps = append(ps, Problem{f, err})
		}
	}
	check(FieldClientID, CheckRequired(a.ClientID))
	check(FieldClientSecret, CheckSecret(a.ClientSecret))
	check(FieldCallbackURL, CheckCallbackURL(a.CallbackURL))
	if len(ps) > 0 {
		return ps
	}
	p.red.Add(a.ClientSecret)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.secrets.client = a.ClientSecret
	p.session.ClientID, p.session.CallbackURL = strings.TrimSpace(a.ClientID), strings.TrimSpace(a.CallbackURL)
	p.appSet = true
	return nil
}

// SetInstance takes the instance's name, tags, event destination and
// signature key (a random one unless given or turned off).
func (p *Procedure) SetInstance(s InstanceSettings) error {
	var ps Problems
	if err := CheckName(s.Name); err != nil {
		ps = append(ps, Problem{FieldName, err})
	}
	if err := CheckTags(s.Tags); err != nil {
		ps = append(ps, Problem{FieldTag, err})
	}
	if s.EventCallbackURL != "" {
		if err := CheckHTTPURL(s.EventCallbackURL); err != nil {
			ps = append(ps, Problem{FieldEventCallbackURL, err})
		}
	}
	if s.EventsHere {
		if s.ListenAddr == "" {
			s.ListenAddr = DefaultListenAddr
		}
		if err := CheckListenAddr(s.ListenAddr); err != nil {
			ps = append(ps, Problem{FieldListenAddr, err})
		}
		if s.EventCallbackURL == "" && !p.target.IsSandbox() {
			ps = append(ps, Problem{FieldEventCallbackURL, errors.New("missing: Open Connectors must reach this machine, so give the public URL (of a tunnel you run) that forwards to " + s.ListenAddr)})
		}
	} else {
		s.ListenAddr = ""
	}
	key := s.SignatureKey
	switch {
	case s.NoSignatureKey:
		key = ""
	case key != "":
		if err := CheckSignatureKey(key); err != nil {
			ps = append(ps, Problem{FieldSignatureKey, err})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	if key == "" && !s.NoSignatureKey {
		var err error
		if key, err = p.keepKey(); err != nil {
			return err
		}
	}
	p.red.Add(key)
	var tags []string
	for _, t := range s.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.session.Name, p.session.Tags, p.session.EventCallbackURL = strings.TrimSpace(s.Name), tags, strings.TrimSpace(s.EventCallbackURL)
	p.session.EventsHere, p.session.ListenAddr, p.session.SignatureKey = s.EventsHere, s.ListenAddr, key
	p.instanceSet = true
	return nil
}

// keepKey is the random signature key already made for this setup (the
// user went back and forth), or a new one.
func (p *Procedure) keepKey() (string, error) {
	p.mu.Lock()
	key := p.session.SignatureKey
	p.mu.Unlock()
	if key != "" {
		return key, nil
	}
	return newSignatureKey()
}

// Resume continues a saved session: its id, its instance and the settings
// it recorded replace this setup's. The secrets are still the caller's to
// give (SetAccount, and SetApp when a fresh authorization is needed).
func (p *Procedure) Resume(s Session) error {
	switch {
	case s.ID == "":
		return errors.New("resume: the saved setup has no id")
	case s.BaseURL != p.target.BaseURL:
		return fmt.Errorf("resume: the saved setup is on %s, not %s; choose that platform to resume it", s.BaseURL, p.target.BaseURL)
	case s.Stage >= StagePatched:
		return fmt.Errorf("resume: the saved setup is %s: nothing is left to do", s.Stage)
	case s.Stage >= StageCreated && (s.InstanceID == 0 || s.Token == ""):
		return errors.New("resume: the saved setup says the instance exists but has no id or token")
	}
	return p.load(s, "resume")
}

// load makes s this setup's session, for Resume and Open (what says which
// in an error): its secrets are masked from then on. A setup that sent a
// create of its own keeps it.
func (p *Procedure) load(s Session, what string) error {
	p.red.Add(s.Token, s.SignatureKey)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.session.CreateSent || p.session.Stage > StageNew {
		return fmt.Errorf("%s: this setup has already sent a create of its own", what)
	}
	s.Tags = append([]string(nil), s.Tags...)
	p.session = s
	p.instanceSet, p.appSet, p.auth, p.code = true, false, nil, ""
	p.resumed = true
	return nil
}

// AppDefaults are the Hootsuite app settings to offer the user: for a
// resumed setup, the client id and callback URL it recorded, so that a
// fresh authorization matches it; otherwise given's. The client secret is
// always given's: it is never saved.
func (p *Procedure) AppDefaults(given App) App {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.resumed {
		given.ClientID, given.CallbackURL = p.session.ClientID, p.session.CallbackURL
	}
	return given
}

// Connected reports whether the account is set, so the platform can be
// asked anything (deleting the instance, say).
func (p *Procedure) Connected() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.client != nil
}

// EventChoices are where Open Connectors can deliver the instance's events,
// as every front end offers them, in this order.
var EventChoices = [3]string{
	EventsToDoc:  "the doc's choice: the Hootsuite webhook URL with the encoded id, set on the Finish step",
	EventsToApp:  "my app's URL: Open Connectors posts the normalized events there",
	EventsToHere: "this machine: hootwire receives each event and shows it, its signature checked",
}

// The event destinations, as EventChoices lists them.
const (
	EventsToDoc = iota
	EventsToApp
	EventsToHere
)

// App is the Hootsuite app part of the inputs.
func (in Inputs) App() App {
	return App{ClientID: in.ClientID, ClientSecret: in.ClientSecret, CallbackURL: in.CallbackURL}
}

// Account is the secrets part of the inputs.
func (in Inputs) Account() Account {
	return Account{UserSecret: in.UserSecret, OrgSecret: in.OrgSecret}
}

// Instance is the instance part of the inputs.
func (in Inputs) Instance() InstanceSettings {
	return InstanceSettings{
		Name: in.Name, Tags: in.Tags, EventCallbackURL: in.EventCallbackURL,
		EventsHere: in.EventsHere, ListenAddr: in.ListenAddr, SignatureKey: in.SignatureKey, NoSignatureKey: in.NoSignatureKey,
	}
}
