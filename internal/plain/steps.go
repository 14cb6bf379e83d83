package plain

import (
	"context"
	"errors"
	"fmt"

	"hootwire/internal/events"
	"hootwire/internal/redact"
	"hootwire/internal/setup"
	"hootwire/oauthflow"
)

// authorize gets the grant code: the URL first, then the browser and the
// listener, with a paste, an approval (in the sandbox) or another try
// typed at the prompt in the meantime.
func (r *run) authorize() error {
	r.header(setup.StepAuthorize)
	r.p.say("Approve access at Hootsuite; the grant code comes back to this machine.")
	r.p.say("Getting the authorization URL from Open Connectors…")
	a, err := r.proc.Authorize(r.p.ctx)
	if err != nil {
		return r.failed(err, "")
	}
	r.p.say("Authorization URL:\n%s", a.URL())
	if redirect := a.RedirectURI(); redirect != "" {
		r.p.say("Hootsuite will send the browser back to %s", redirect)
	}
	if !a.RedirectMatches() {
		r.p.say("That is not your callback URL, %s: the platform did not ask for what hootwire sent. Do not approve unless you expected it.", a.CallbackURL())
	}
	ctx, cancel := context.WithCancel(r.p.ctx)
	defer cancel()
	arrived := make(chan error, 1)
	needs, err := a.NeedsListener()
	if err != nil {
		return r.failed(err, "Press Enter to try again, or ctrl+c to quit and correct the callback URL.")
	}
	if needs {
		l, err := a.Listen(ctx)
		if err != nil {
			r.p.say("Error: %v", err)
			r.p.say("hootwire cannot catch the code here: paste it instead.")
		} else {
			r.p.say("Waiting for Hootsuite to send the grant code to %s (up to %v).", a.CallbackURL(), oauthflow.DefaultTimeout)
			go func() {
				err := a.Wait(ctx, l)
				if ctx.Err() != nil {
					return
				}
				if err == nil {
					r.p.say("\nThe grant code arrived. Press Enter to go on.")
				} else {
					r.p.say("\nError: %s", r.redactor().String(err.Error()))
					r.p.say("Press Enter to authorize again.")
				}
				arrived <- err
			}()
		}
	}
	r.open(ctx, a, false)
	choices := "Once you have approved, press Enter. A browser on another machine? Paste the URL it lands on (or the code) and press Enter. Type o to open the browser again"
	if a.CanApprove() {
		choices += ", or a to approve on the sandbox's consent page from here"
	}
	r.p.say("%s.", choices)
	for {
		fmt.Fprint(r.p.out, "> ")
		v, err := r.p.read(true)
		if err != nil {
			return err
		}
		select {
		case err := <-arrived:
			if err != nil {
				r.lastErr = err
				return nil // Next is Authorize again: a fresh URL
			}
		default:
		}
		switch {
		case r.proc.Authorized():
			r.lastErr = nil
			return nil
		case v == "o":
			r.open(ctx, a, true)
		case v == "a" && a.CanApprove():
			if err := a.Approve(); err != nil {
				r.p.say("Error: %s", r.redactor().String(err.Error()))
				continue
			}
			r.p.say("Approved on the sandbox's consent page.")
		case v == "":
			r.p.say("No code yet. Approve in the browser, or paste the URL it landed on.")
		default:
			if err := a.Paste(v); err != nil {
				r.lastErr = err
				r.p.say("Error: %v", err)
				continue
			}
			r.p.say("Took the pasted code.")
		}
		if r.proc.Authorized() {
			r.lastErr = nil
			return nil
		}
	}
}

// open opens the browser on a fresh one-time link to the consent page
// (never on its URL, which carries the state), unless told not to, and
// says what came of it. asked: the user typed o, which --no-browser does
// not stop.
func (r *run) open(ctx context.Context, a *setup.Authorization, asked bool) {
	if r.cfg.NoBrowser && !asked {
		r.p.say("Open the URL above in a browser.")
		return
	}
	link, _, err := a.StartLink(ctx)
	if err == nil {
		err = r.cfg.Deps.Open(r.p.ctx, link)
	}
	if err != nil {
		r.p.say("No browser could be opened here: open the URL above yourself.")
		return
	}
	r.p.say("Opened it in your browser.")
}

func (r *run) create() error {
	r.header(setup.StepCreate)
	body, curl := r.proc.Preview()
	r.p.say("The request hootwire will send (secrets masked):\n%s\n%s", curl, body)
	fmt.Fprint(r.p.out, "Press Enter to create the instance with POST /instances. ")
	if _, err := r.p.read(false); err != nil {
		return err
	}
	r.p.say("Creating the instance…")
	inst, err := r.proc.Create(r.p.ctx)
	if inst == nil {
		hint := ""
		if errors.Is(err, setup.ErrNeedsAuthorization) {
			hint = "The grant code cannot be used again: press Enter to authorize afresh."
		}
		return r.failed(err, hint)
	}
	r.p.say("Created instance %d (%s). Token: %s.", inst.ID, inst.Name, redact.Mask)
	if r.proc.SignatureKey() != "" {
		r.p.say("Its events are signed with a key (%s), kept with the token.", redact.Mask)
	}
	switch {
	case err != nil:
		r.lastErr = err
		r.p.say("Error: %s", r.redactor().String(err.Error()))
		r.p.say("hootwire could not save the id and token: note them now.")
	case r.proc.Target().IsSandbox():
		r.p.say("This is the built-in sandbox: nothing is saved, and the instance ends with hootwire.")
	case r.proc.SavedTo() != "":
		r.p.say("Keep the id and token: every later call about this instance needs them. hootwire saved them in %s.", r.proc.SavedTo())
	}
	fmt.Fprint(r.p.out, "Type r and press Enter to show the token (and the signature key) once, or press Enter to go on. ")
	v, rerr := r.p.read(false)
	if rerr != nil {
		return rerr
	}
	if v == "r" {
		r.p.say("Token: %s", inst.Token)
		if key := r.proc.SignatureKey(); key != "" {
			r.p.say("Signature key: %s", key)
		}
	}
	return nil
}

func (r *run) register() error {
	r.header(setup.StepRegister)
	s := r.proc.Session()
	r.p.say("Register the instance's webhook URL on your Hootsuite app.")
	r.p.say("Instance id: %d\nBase64 id: %s\nWebhook URL:\n%s", s.InstanceID, r.proc.EncodedID(), r.proc.WebhookURL())
	steps := r.proc.RegisterSteps()
	for i, step := range steps {
		r.p.say("%d. %s", i+1, step)
	}
	fmt.Fprintf(r.p.out, "%d. Press Enter here when it is registered. ", len(steps)+1)
	if _, err := r.p.read(false); err != nil {
		return err
	}
	note, err := r.proc.Registration()
	if err != nil {
		return r.failed(err, "")
	}
	r.p.say("%s", note)
	if err := r.proc.MarkRegistered(); err != nil {
		return r.failed(err, "")
	}
	return nil
}

func (r *run) finish() error {
	r.header(setup.StepFinish)
	if r.proc.EventsHere() && r.receiver == nil {
		srv, err := events.Listen(r.p.ctx, r.proc.ListenAddr(), events.Options{Key: []byte(r.proc.SignatureKey())})
		if err != nil {
			return r.failed(fmt.Errorf("receive events on %s: %w", r.proc.ListenAddr(), err), "")
		}
		// It receives for as long as the prompts run.
		r.receiver = srv
		r.proc.Receive(srv.URL)
		go func() {
			for ev := range srv.Events() {
				r.p.say("Event: %s", ev.Line())
			}
		}()
	}
	r.p.say("Updating event.notification.callback.url to %s, then reading it back…", r.proc.EventCallbackURL())
	if _, err := r.proc.Finish(r.p.ctx); err != nil {
		return r.failed(err, "")
	}
	r.lastErr = nil
	r.p.say("Patched and confirmed.")
	if r.receiver == nil {
		r.p.say("To see an event flow: at Hootsuite, press Send ping webhook on your app, then look at where the events go; or send them to this machine and run hootwire listen.")
		return nil
	}
	r.p.say("Events arriving at %s are shown here as they come, their signatures checked.", r.receiver.URL)
	if r.proc.Target().App != nil {
		r.p.say("Type p and press Enter to have the sandbox's Hootsuite send a ping, m for a message event.")
	}
	r.p.say("Press Enter to finish.")
	for {
		fmt.Fprint(r.p.out, "> ")
		v, err := r.p.read(false)
		if err != nil || v == "" {
			return err
		}
		kind := map[string]string{"p": "ping", "m": "message"}[v]
		if kind == "" || r.proc.Target().App == nil {
			r.p.say("%q is not a choice here. Press Enter to finish.", v)
			continue
		}
		status, err := r.proc.SendEvent(kind)
		if err != nil {
			r.p.say("Error: %v", err)
			continue
		}
		r.p.say("Asked the sandbox's Hootsuite for a %s event: its webhook was answered %d.", kind, status)
	}
}
