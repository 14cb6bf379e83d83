package setup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"hootwire/api"
)

// EncodedID is the instance id in base64, as the webhook URL carries it
// (the doc's step 5).
func (p *Procedure) EncodedID() string { return api.EncodeID(p.Session().InstanceID) }

// WebhookURL is the URL to register at Hootsuite (the doc's step 6).
func (p *Procedure) WebhookURL() string { return api.WebhookURL(p.BaseURL(), p.Session().InstanceID) }

// EventsToApp reports whether events go to the user's own app rather than
// to the doc's choice, the webhook URL, or to hootwire itself.
func (p *Procedure) EventsToApp() bool {
	s := p.Session()
	return s.EventCallbackURL != "" && !s.EventsHere
}

// EventCallbackURL is what Finish puts in event.notification.callback.url:
// the user's app URL when one was given, else the doc's choice, the
// webhook URL.
func (p *Procedure) EventCallbackURL() string {
	if u := p.Session().EventCallbackURL; u != "" {
		return u
	}
	return p.WebhookURL()
}

// RegisterSteps are what the user does at Hootsuite with the webhook URL,
// in order; the front end adds how to tell it they are done.
func (p *Procedure) RegisterSteps() []string {
	where := "your Hootsuite developer account"
	if page := p.target.AppPage(); page != "" {
		where = "the sandbox's Hootsuite app page, " + page
	}
	return []string{
		"Open " + where + ": My Apps, your app, Edit.",
		"Paste the webhook URL into Webhook URL, and Save.",
		"Press Send ping webhook: Hootsuite should show status 200.",
	}
}

// MarkRegistered records that the user registered the webhook URL at
// Hootsuite.
func (p *Procedure) MarkRegistered() error {
	if p.Session().Stage < StageCreated {
		return errors.New("register at Hootsuite: the instance does not exist yet")
	}
	return p.record(StageRegistered, nil)
}

// ErrNotKept means the platform answered a change but did not keep it.
var ErrNotKept = errors.New("the platform did not keep the change")

// Finish patches the instance's event callback URL and reads the instance
// back to confirm the platform kept it (the doc's step 7).
func (p *Procedure) Finish(ctx context.Context) (Result, error) {
	client, err := p.apiClient()
	if err != nil {
		return Result{}, err
	}
	s := p.Session()
	if s.Stage < StageCreated {
		return Result{}, errors.New("update instance: the instance does not exist yet")
	}
	if s.EventsHere && s.EventCallbackURL == "" {
		return Result{}, errors.New("update instance: hootwire's event receiver is not listening yet, so there is no URL to give the platform")
	}
	want := p.EventCallbackURL()
	if _, err := client.PatchInstance(ctx, s.InstanceID, api.EventCallbackPatch(want)); err != nil {
		return Result{}, err
	}
	got, err := client.GetInstance(ctx, s.InstanceID)
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

// Delete removes the instance, for a user who abandons the setup, and
// records that the setup is over.
func (p *Procedure) Delete(ctx context.Context) error {
	client, err := p.apiClient()
	if err != nil {
		return err
	}
	id := p.Session().InstanceID
	if id == 0 {
		return errors.New("delete instance: no instance was created")
	}
	if err := client.DeleteInstance(ctx, id); err != nil {
		// A 404 may mean it is gone already (an earlier attempt deleted it
		// and only the answer was lost): a read tells.
		if api.StatusCode(err) != http.StatusNotFound {
			return err
		}
		if _, gerr := client.GetInstance(ctx, id); api.StatusCode(gerr) != http.StatusNotFound {
			return err
		}
	}
	return p.record(StageDeleted, func(s *Session) { s.Token = "" })
}

// Done reports whether the setup finished: patched and read back.
func (p *Procedure) Done() bool { return p.Session().Stage == StagePatched }

// InstanceExists reports whether the setup's instance exists at the
// platform: created, and not deleted.
func (p *Procedure) InstanceExists() bool {
	s := p.Session()
	return s.Stage >= StageCreated && s.Stage < StageDeleted
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
	SignatureKey     string `json:"signature_key,omitempty"` // the events' key; empty: unsigned
}

// Result summarizes the setup as it stands.
func (p *Procedure) Result() Result {
	s := p.Session()
	return Result{
		ID: s.InstanceID, Token: s.Token, Name: s.Name, BaseURL: p.BaseURL(),
		EncodedID: p.EncodedID(), WebhookURL: p.WebhookURL(), EventCallbackURL: p.EventCallbackURL(),
		Patched: s.Stage == StagePatched, SavedTo: p.SavedTo(), SignatureKey: s.SignatureKey,
	}
}

// NextCallCurl is a curl line for the next call about this instance, with
// the secrets as placeholders a person fills in.
func (p *Procedure) NextCallCurl() string {
	return fmt.Sprintf("curl %s -H 'Authorization: User <USER_SECRET>, Organization <ORGANIZATION_SECRET>'",
		ShellQuote(fmt.Sprintf("%s/instances/%d", p.BaseURL(), p.Session().InstanceID)))
}
