package setup

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/internal/termsafe"
)

// CheckState is how one check of a Report came out.
type CheckState string

// The states of a check.
const (
	CheckOK      CheckState = "ok"
	CheckFailed  CheckState = "failed"
	CheckUnknown CheckState = "unknown" // hootwire cannot tell from here
)

// The checks of a Report, by the stable names its JSON gives them, in the
// order Check makes them.
const (
	StatusInstanceExists         = "instance_exists"
	StatusInstanceValid          = "instance_valid"
	StatusEventsEnabled          = "events_enabled"
	StatusCallbackNotPlaceholder = "callback_not_placeholder"
	StatusCallbackAsChosen       = "callback_as_chosen"
	StatusWebhookURL             = "webhook_url"
	StatusSignatureKey           = "signature_key"
)

// StatusCheck is one thing a working setup needs, as Check found it.
type StatusCheck struct {
	Name  string     `json:"name"`  // stable, for scripts: one of the Status* names
	Label string     `json:"label"` // for a person
	State CheckState `json:"state"`
	// Required: a setup works only when this check is ok. The others
	// inform: the webhook URL to register, whether events are signed.
	Required bool `json:"required"`
	// Detail says what was found and, when it is not ok, what to do. It
	// is safe to print: secrets masked, control characters made inert.
	Detail string `json:"detail"`
	// Value is the URL the check is about, when it is about one (the
	// event callback URL the platform has, the webhook URL), made safe as
	// Detail is.
	Value string `json:"value,omitempty"`
}

// Report is what Check found, one check after another.
type Report struct {
	SessionID  string        `json:"session_id"`
	InstanceID int64         `json:"instance_id,omitempty"`
	BaseURL    string        `json:"base_url"`
	Checks     []StatusCheck `json:"checks"`
}

// OK reports whether every required check is ok: the setup works. A check
// that could not be made (unknown) does not count as holding.
func (r Report) OK() bool {
	for _, c := range r.Checks {
		if c.Required && c.State != CheckOK {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Find is the check of that name.
func (r Report) Find(name string) (StatusCheck, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return StatusCheck{}, false
}

// MarshalJSON adds "ok", so a script needs not work it out.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	return json.Marshal(struct {
		OK bool `json:"ok"`
		plain
	}{r.OK(), plain(r)})
}

// CheckOptions tune Check.
type CheckOptions struct {
	// API tunes the platform client as Options.API does (time-out, debug
	// log, HTTP client); its Redactor is replaced by one that knows the
	// secrets, the token and the signature key.
	API api.Options
	// Ref is how advice names the setup, as in "hootwire --resume REF"
	// (the id hootwire sessions shows); empty: the session id.
	Ref string
}

// ChosenEventCallbackURL is where the setup chose to have its events
// delivered, as Finish patches it: the user's app URL, or the public URL
// that reaches hootwire on this machine, when one was given; else the
// doc's choice, the webhook URL with the encoded id.
func (s Session) ChosenEventCallbackURL() string {
	if s.EventCallbackURL != "" {
		return s.EventCallbackURL
	}
	return api.WebhookURL(s.BaseURL, s.InstanceID)
}

// Check reads a saved setup's instance back from target, the platform the
// setup is on, with the user's account, and reports what a working setup
// needs. It changes nothing, at the platform or in s.
//
// A setup that never got an instance needs no request, nor the account.
// An instance the platform does not know (404, with the account shown to
// work by a second request) is reported, not returned as an error: it was
// deleted. Any other failure (the network, the secrets refused, an answer
// that cannot be read) is an error starting "status: ", for ExitStatus; in
// it, as in the Report, the User and Organization secrets, the token and
// the signature key are masked.
func Check(ctx context.Context, target Target, s Session, acct Account, opts CheckOptions) (Report, error) {
	red := redact.New(acct.UserSecret, acct.OrgSecret, s.Token, s.SignatureKey)
	fail := func(err error) (Report, error) {
		return Report{}, &maskedError{err: fmt.Errorf("status: %w", err), red: red}
	}
	if s.BaseURL != target.BaseURL {
		return fail(otherPlatform(fmt.Sprintf("the saved setup is on %s, not %s", s.BaseURL, target.BaseURL)))
	}
	ref := opts.Ref
	if ref == "" {
		ref = s.ID
	}
	c := checker{s: s, ref: ref, red: red}
	r := Report{SessionID: s.ID, InstanceID: s.InstanceID, BaseURL: s.BaseURL}
	if s.InstanceID == 0 {
		r.Checks = c.missing(c.notCreated())
		return r, nil
	}
	// The procedure's own way to a client: the same refusal of plain
	// http:// elsewhere, the same checks of the secrets, one redactor.
	p, err := New(target, Options{API: opts.API})
	if err != nil {
		return fail(err)
	}
	red = p.Redactor()
	red.Add(acct.UserSecret, acct.OrgSecret, s.Token, s.SignatureKey)
	c.red = red
	if err := p.SetAccount(acct); err != nil {
		return fail(err)
	}
	client, err := p.apiClient()
	if err != nil {
		return fail(err)
	}
	inst, err := client.GetInstance(ctx, s.InstanceID)
	if api.StatusCode(err) == http.StatusNotFound {
		// A 404 is also what a base URL that is not the platform's gives:
		// only once the account is seen to work does it mean the instance
		// is gone, and forgetting its saved token is good advice.
		if aerr := client.CheckAccount(ctx); aerr != nil {
			return fail(fmt.Errorf("instance %d: the platform does not know it, and the account check failed too: %w", s.InstanceID, aerr))
		}
		r.Checks = c.missing(c.deleted())
		return r, nil
	}
	if err != nil {
		return fail(fmt.Errorf("instance %d: %w", s.InstanceID, err))
	}
	r.Checks = c.evaluate(inst)
	return r, nil
}

// maskedError masks every secret Check knows in its cause's text. The
// client masks what it builds already; this covers whatever else reaches
// the text, and keeps the cause for ExitStatus.
type maskedError struct {
	err error
	red *redact.Redactor
}

func (e *maskedError) Error() string { return e.red.String(e.err.Error()) }
func (e *maskedError) Unwrap() error { return e.err }

// otherPlatform is a setup checked on a platform that is not its own: the
// caller's mistake, exit status 2.
type otherPlatform string

func (e otherPlatform) Error() string        { return string(e) }
func (e otherPlatform) Is(target error) bool { return target == ErrBadInput }

// checker makes the checks of one saved setup.
type checker struct {
	s   Session
	ref string // names the setup in advice
	red *redact.Redactor
}

// shown is text for a Report: secrets masked, nothing a terminal acts on.
func (c checker) shown(v string) string { return termsafe.Line(c.red.String(v)) }

func (c checker) check(name string, state CheckState, detail string) StatusCheck {
	return StatusCheck{Name: name, Label: label(name), State: state, Required: name != StatusWebhookURL && name != StatusSignatureKey, Detail: detail}
}

// label is a check's name for a person.
func label(name string) string {
	switch name {
	case StatusInstanceExists:
		return "The instance exists at the platform"
	case StatusInstanceValid:
		return "The platform counts the instance valid and enabled"
	case StatusEventsEnabled:
		return "Events are turned on"
	case StatusCallbackNotPlaceholder:
		return "An event callback URL is set, not the create's placeholder"
	case StatusCallbackAsChosen:
		return "The event callback URL is the one the setup chose"
	case StatusWebhookURL:
		return "Webhook URL to register at Hootsuite"
	case StatusSignatureKey:
		return "Events are signed"
	}
	return name
}

// notCreated is the first check of a setup that got no instance id.
func (c checker) notCreated() StatusCheck {
	if c.s.CreateSent {
		return c.check(StatusInstanceExists, CheckFailed,
			"not created yet as far as this setup knows: its create got no clear answer, so the instance may exist; hootwire --resume "+c.ref+" looks for it and goes on")
	}
	return c.check(StatusInstanceExists, CheckFailed, "not created yet: hootwire --resume "+c.ref)
}

// deleted is the first check of a setup whose instance the platform does
// not know.
func (c checker) deleted() StatusCheck {
	what := "was deleted at the platform"
	if c.s.Stage == StageDeleted {
		what = "is gone: hootwire deleted it (hootwire delete, or the wizard's delete on quitting)"
	}
	return c.check(StatusInstanceExists, CheckFailed,
		fmt.Sprintf("instance %d %s; hootwire sessions rm %s forgets the saved setup", c.s.InstanceID, what, c.ref))
}

// missing is first, then every other check unknown: there is no instance
// to check them on.
func (c checker) missing(first StatusCheck) []StatusCheck {
	out := []StatusCheck{first}
	for _, name := range []string{StatusInstanceValid, StatusEventsEnabled, StatusCallbackNotPlaceholder, StatusCallbackAsChosen, StatusWebhookURL, StatusSignatureKey} {
		out = append(out, c.check(name, CheckUnknown, "no instance to check"))
	}
	return out
}

// evaluate makes every check on the instance as the platform answered it.
func (c checker) evaluate(inst *api.Instance) []StatusCheck {
	s := c.s
	have := inst.Configuration[api.KeyEventCallbackURL]
	placeholder := api.EventsURL(s.BaseURL)
	webhook := api.WebhookURL(s.BaseURL, s.InstanceID)
	out := []StatusCheck{c.check(StatusInstanceExists, CheckOK, fmt.Sprintf("instance %d, %s", inst.ID, c.shown(fmt.Sprintf("%q", inst.Name))))}

	// Valid and enabled.
	var wrong []string
	if !inst.Valid {
		wrong = append(wrong, "the platform marks it invalid: its Hootsuite authorization no longer works (revoked at Hootsuite, or expired); reauthorize the instance in Open Connectors, or delete it and set up again")
	}
	if inst.Disabled {
		wrong = append(wrong, "the instance is disabled, so nothing is delivered: enable it in Open Connectors")
	}
	if len(wrong) == 0 {
		out = append(out, c.check(StatusInstanceValid, CheckOK, "valid, and enabled"))
	} else {
		out = append(out, c.check(StatusInstanceValid, CheckFailed, strings.Join(wrong, "; ")))
	}

	// Events turned on: the configuration key, which the create sets; the
	// instance's own flag when an answer lacks the key.
	on, said := inst.EventsEnabled, "eventsEnabled"
	if v, ok := inst.Configuration[api.KeyEventsEnabled]; ok {
		on, said = strings.EqualFold(strings.TrimSpace(v), "true"), api.KeyEventsEnabled
	}
	if on {
		out = append(out, c.check(StatusEventsEnabled, CheckOK, said+" is true"))
	} else {
		out = append(out, c.check(StatusEventsEnabled, CheckFailed,
			said+" is not true, so the platform delivers no events: set "+api.KeyEventsEnabled+" to true on the instance in Open Connectors"))
	}

	// The callback URL: set, and set to what was chosen. Until Finish, a
	// resume sets it; after, someone changed it at the platform.
	chosen := s.ChosenEventCallbackURL()
	fix := "finish the setup: hootwire --resume " + c.ref
	if s.Stage >= StagePatched {
		fix = "it was changed at the platform after the setup finished: set " + api.KeyEventCallbackURL + " back to " + c.shown(chosen) + " in Open Connectors"
	}
	switch {
	case have == "":
		out = append(out, c.check(StatusCallbackNotPlaceholder, CheckFailed, "no event callback URL is set, so events go nowhere: "+fix))
	case sameURL(have, placeholder):
		out = append(out, c.check(StatusCallbackNotPlaceholder, CheckFailed, "still the create's placeholder, the platform's events URL without the instance's id: "+fix))
	default:
		out = append(out, c.check(StatusCallbackNotPlaceholder, CheckOK, "set to "+c.shown(have)))
	}
	out[len(out)-1].Value = c.shown(have)

	var as StatusCheck
	switch {
	case s.EventsHere && s.EventCallbackURL == "":
		// Only the sandbox's receiver has no URL of its own to save.
		as = c.check(StatusCallbackAsChosen, CheckUnknown, "hootwire receives this setup's events on this machine, and the URL that reaches it was not saved")
	case have == chosen:
		as = c.check(StatusCallbackAsChosen, CheckOK, "events go to "+c.destination())
	default:
		now := c.shown(have)
		switch {
		case have == "":
			now = "no URL"
		case sameURL(have, placeholder):
			now = "the create's placeholder"
		}
		as = c.check(StatusCallbackAsChosen, CheckFailed, fmt.Sprintf("the platform has %s, but the setup chose %s: %s", now, c.shown(chosen), fix))
	}
	as.Value = c.shown(have)
	out = append(out, as)

	hook := c.check(StatusWebhookURL, CheckOK, "paste it into your Hootsuite app's Webhook URL (My Apps, your app, Edit), where Hootsuite sends the events")
	hook.Value = c.shown(webhook)
	out = append(out, hook)

	return append(out, c.signature(inst))
}

// signature says whether events are signed. The platform never shows the
// key (it masks it, or leaves it out), so hootwire can tell only whether
// this setup saved one and whether the instance shows the key's field.
// It is never failed: unsigned events are a choice (--no-signature-key)
// and work; what cannot be seen is unknown, a warning for a person.
func (c checker) signature(inst *api.Instance) StatusCheck {
	shows := inst.Configuration[api.KeySignatureKey] != ""
	saved := c.s.SignatureKey != ""
	switch {
	case saved && shows:
		return c.check(StatusSignatureKey, CheckOK, "the instance has a key, and the saved setup holds it to check each event's signature with")
	case saved:
		return c.check(StatusSignatureKey, CheckUnknown,
			"the saved setup holds a key, but the platform shows none on the instance: if events arrive unsigned, hootwire listen refuses them; set "+api.KeySignatureKey+" on the instance in Open Connectors")
	case shows:
		return c.check(StatusSignatureKey, CheckUnknown,
			"the instance has a key this setup did not save, so hootwire listen cannot check the signatures: give it the key with HOOTWIRE_SIGNATURE_KEY")
	}
	return c.check(StatusSignatureKey, CheckUnknown,
		"events are not signed, so whoever learns the event callback URL can send events too; a setup made without --no-signature-key signs them")
}

// destination names where the chosen URL delivers.
func (c checker) destination() string {
	switch {
	case c.s.EventsHere:
		return "hootwire on this machine, through " + c.shown(c.s.EventCallbackURL)
	case c.s.EventCallbackURL != "":
		return "your app, " + c.shown(c.s.EventCallbackURL)
	}
	return "the webhook URL with the instance's encoded id (the doc's choice)"
}

// sameURL compares URLs as the platform may write them back: a trailing
// slash more or less is the same URL.
func sameURL(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}
