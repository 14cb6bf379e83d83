package setup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/oauthflow"
)

// createRequest is the doc's POST /instances body for a grant code.
func (p *Procedure) createRequest(code string) api.CreateInstanceRequest {
	in, s := p.Inputs(), p.Session()
	tags := append(append([]string(nil), in.Tags...), s.Tag())
	return api.HootsuiteInstance{
		Name: in.Name, Tags: tags, Code: code,
		CallbackURL: in.CallbackURL, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		EventCallbackURL: api.EventsURL(p.BaseURL()), SignatureKey: s.SignatureKey,
	}.Request()
}

// Preview is the create request as a person reviews it before it is sent:
// the JSON body and the equivalent curl, with every secret masked.
func (p *Procedure) Preview() (body, curl string) {
	req := p.createRequest(redact.Mask)
	req.Configuration.APISecret = redact.Mask
	if req.Configuration.SignatureKey != "" {
		req.Configuration.SignatureKey = redact.Mask
	}
	data, _ := json.MarshalIndent(req, "", "  ")
	body = string(data)
	curl = fmt.Sprintf("curl -X POST %s \\\n  -H 'Authorization: User %s, Organization %s' \\\n  -H 'Content-Type: application/json' \\\n  -d @body.json",
		ShellQuote(p.BaseURL()+"/instances"), redact.Mask, redact.Mask)
	return body, curl
}

// ErrNeedsAuthorization means the grant code can no longer be used: it was
// refused, or it may have been spent by a create whose answer was lost and
// whose instance cannot be found. The fix is a fresh authorization.
var ErrNeedsAuthorization = errors.New("a fresh authorization is needed")

// ErrNotSaved wraps a failure to save the session after the instance was
// created: the instance exists and the caller must show its id and token.
var ErrNotSaved = errors.New("the id and token could not be saved")

// Create sends POST /instances once with the grant code that the
// authorization brought (the doc's steps 3 and 4) and keeps the id and
// token at once. When the answer is lost (a time-out, a dropped
// connection, a 5xx, an unreadable body) the instance may exist all the
// same: Create looks for it by the session's tag and continues with it.
// A code is spent by any create that reached the platform: after a failure
// Next says whether a fresh authorization is needed.
func (p *Procedure) Create(ctx context.Context) (*api.Instance, error) {
	client, err := p.apiClient()
	if err != nil {
		return nil, err
	}
	s := p.Session()
	p.mu.Lock()
	code, unsure, auth := p.code, p.unsure, p.auth
	p.mu.Unlock()
	switch {
	case s.Stage >= StageCreated:
		return nil, fmt.Errorf("create instance: this setup already created instance %d", s.InstanceID)
	case code == "":
		return nil, fmt.Errorf("create instance: no grant code: %w", ErrNeedsAuthorization)
	case auth.reused():
		// A second fetch of the browser's link can come after the code:
		// the last look before the code is spent.
		p.spend()
		return nil, fmt.Errorf("create instance: not sent: %w", oauthflow.ErrLinkReused)
	}
	// A create sent before (by this run, or by one that stopped) may have
	// made the instance: look for it before sending anything.
	if s.CreateSent {
		found, err := p.findOwnInstance(ctx, client)
		switch {
		case err != nil:
			return nil, fmt.Errorf("create instance: an earlier create got no clear answer, and looking for the instance it may have made failed: %w. Try again once the platform answers", err)
		case found != nil:
			return p.keep(found)
		case code == unsure:
			p.spend()
			return nil, fmt.Errorf("create instance: no instance was made, but the grant code may have been spent: %w", ErrNeedsAuthorization)
		}
	}
	// Saved before sending, so that whatever happens next, a later run
	// knows to look for the instance first.
	if err := p.record(StageNew, func(s *Session) { s.CreateSent = true }); err != nil {
		return nil, fmt.Errorf("create instance: not sent: %w", err)
	}
	inst, err := client.CreateInstance(ctx, p.createRequest(code))
	if err == nil {
		return p.keep(inst)
	}
	if !api.Ambiguous(err) && ctx.Err() == nil {
		// The platform answered clearly: no instance was made, and a later
		// run has nothing to look for.
		if rerr := p.record(StageNew, func(s *Session) { s.CreateSent = false }); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		if api.GrantRejected(err) {
			p.spend()
			return nil, fmt.Errorf("%w (%w)", err, ErrNeedsAuthorization)
		}
		return nil, err
	}
	p.mu.Lock()
	p.unsure = code
	p.mu.Unlock()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w; the instance may exist: run again (with --resume) and hootwire looks for it first", err)
	}
	found, lookErr := p.findOwnInstance(ctx, client)
	switch {
	case lookErr != nil:
		return nil, fmt.Errorf("%w; looking for the instance it may have created failed too: %v. Try again once the platform answers: hootwire looks for the instance again before anything else", err, lookErr)
	case found == nil:
		p.spend()
		return nil, spentError{err}
	}
	return p.keep(found)
}

// spentError is a create without a clear answer that made no instance:
// the grant code may have been spent. It says what happened without the
// cause's own advice (a fresh authorization is what helps), and keeps the
// cause, so a time-out still counts as a network failure.
type spentError struct{ cause error }

func (e spentError) Error() string {
	return what(e.cause) + ". No instance was created, but the grant code may have been spent: " + ErrNeedsAuthorization.Error()
}

func (e spentError) Unwrap() []error { return []error{e.cause, ErrNeedsAuthorization} }

// spend forgets the grant code: it cannot be sent again.
func (p *Procedure) spend() {
	p.mu.Lock()
	auth := p.auth
	p.code, p.auth = "", nil
	p.mu.Unlock()
	auth.close()
}

// keep records the instance's id and token. When saving fails the
// instance is still returned, with an error wrapping ErrNotSaved.
func (p *Procedure) keep(inst *api.Instance) (*api.Instance, error) {
	p.red.Add(inst.Token)
	p.mu.Lock()
	auth := p.auth
	p.code, p.auth = "", nil
	p.mu.Unlock()
	auth.close()
	err := p.record(StageCreated, func(s *Session) { s.InstanceID, s.Token, s.CreateSent = inst.ID, inst.Token, false })
	if err != nil {
		p.mu.Lock()
		p.notSaved = true
		p.mu.Unlock()
		return inst, fmt.Errorf("%w (%w)", err, ErrNotSaved)
	}
	return inst, nil
}

// CreateSent reports whether a create got no clear answer, so the instance
// may exist: from then on the setup must not start over.
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
func (p *Procedure) findOwnInstance(ctx context.Context, client *api.Client) (*api.Instance, error) {
	tag := p.Session().Tag()
	list, err := client.ListInstances(ctx, tag)
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
