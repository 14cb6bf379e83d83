package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hootwire/internal/events"
	"hootwire/internal/redact"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/oauthflow"
)

// runScripted performs the whole procedure with no terminal: inputs from
// flags and environment, progress on stderr, the result on stdout.
func runScripted(ctx context.Context, o options, e Env) int {
	say := progress{e.Stderr}
	red := redact.New(e.Getenv("OC_USER_SECRET"), e.Getenv("OC_ORG_SECRET"), e.Getenv("HOOTSUITE_CLIENT_SECRET"), e.Getenv("HOOTWIRE_SIGNATURE_KEY"))
	var code string
	var err error
	if o.code == "-" {
		code, err = readCode(e.Stdin)
		red.Add(strings.TrimSpace(code))
	}
	var at failure
	if err == nil {
		err = scripted(ctx, o, e, code, say, &at)
	}
	status := setup.ExitStatus(ctx, err)
	if err != nil {
		// Errors pass through the redactor: a URL in one (a callback with
		// its code) must not print a secret.
		msg := red.String(err.Error())
		say.text(msg)
		if o.jsonOut {
			je := newJSONError(err, msg, status)
			je.Step, je.Resume, je.Instance = at.step, at.resume, at.instance
			writeJSONError(e.Stdout, je)
		}
	}
	return status
}

// failure is what the scripted mode knows of where it failed, for --json.
type failure struct {
	step     string        // the step under way
	resume   string        // the command that goes on, when the setup can be resumed
	instance *jsonInstance // an instance made but not saved: only the script holds it now
}

// scripted is the procedure as a loop over its next step.
func scripted(ctx context.Context, o options, e Env, code string, say progress, at *failure) (err error) {
	in := o.inputs(e.Getenv)
	var sb *sandbox.Server
	var target setup.Target
	if o.sandbox {
		if sb, err = sandbox.Start(ctx, "", sandbox.Options{}); err != nil {
			return fmt.Errorf("start the sandbox: %w", err)
		}
		defer sb.Close()
		target = setup.SandboxTarget(sb)
		in.BaseURL = target.BaseURL
		in = target.Demo(in)
		say.say("sandbox running at %s (demo credentials)", sb.URL)
	}
	st, err := openStore(o, e.Getenv)
	if err != nil {
		return badInput("%v", err)
	}
	defer st.Close()
	var resumed store.Entry
	if o.resume {
		if o.sandbox {
			return badInput("--resume goes without --sandbox: sandbox setups are not saved")
		}
		// The saved setup knows its platform.
		if resumed, err = findResume(st, o.resumeID, o.baseURL, e); err != nil {
			return err
		}
		in.BaseURL = resumed.Session.BaseURL
	} else if err := in.Validate(); err != nil {
		// Every problem at once, before any request.
		return err
	}
	if sb == nil {
		if target, err = setup.NewTarget(in.BaseURL); err != nil {
			return setup.Problems{{Field: setup.FieldBaseURL, Err: err}}
		}
		target.AllowPlainHTTP = o.allowPlainHTTP
	}
	logger, closeLog, err := openDebugLog(o.debugLog, e.Stderr)
	if err != nil {
		return err
	}
	defer func() {
		if lerr := closeLog(); lerr != nil {
			say.say("--debug-log: %v", lerr)
		}
	}()
	proc, err := setup.New(target, setup.Options{Saver: st, API: o.apiOptions(logger, e.build())})
	if err != nil {
		return err
	}
	if err := proc.SetAccount(in.Account()); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			resume := resumeCommand(o, store.ShortID(proc.Session().ID))
			if s := proc.Session(); proc.Saves() && !proc.Target().IsSandbox() && s.Unfinished() && !errors.Is(err, setup.ErrNotSaved) {
				at.resume = resume
			}
			if note := proc.StopNote(resume); note != "" {
				say.text(note)
			}
		}
	}()
	if o.resume {
		if err := resumeFrom(st, resumed, proc, say); err != nil {
			return err
		}
	}
	if code != "" {
		if err := proc.UseCode(code); err != nil {
			var denied *oauthflow.DeniedError
			if errors.As(err, &denied) {
				return fmt.Errorf("--code -: %w", err)
			}
			return badInput("--code -: %v", err)
		}
	}
	for {
		step := proc.Next()
		at.step = step.String()
		switch step {
		case setup.StepAccount:
			err = proc.CheckAccount(ctx)
		case setup.StepApp:
			err = proc.SetApp(proc.AppDefaults(in.App()))
		case setup.StepInstance:
			err = proc.SetInstance(in.Instance())
		case setup.StepAuthorize:
			if code != "" {
				// The code given was spent or refused; a fresh one needs a
				// browser, which this run was told not to use.
				return fmt.Errorf("create instance: the grant code given with --code - cannot be used again: %w", setup.ErrNeedsAuthorization)
			}
			err = authorizeScripted(ctx, proc, o, e, say)
		case setup.StepCreate:
			err = createScripted(ctx, proc, o, e, say, at)
		case setup.StepRegister:
			say.say("webhook URL to register on the Hootsuite app: %s", proc.WebhookURL())
			for i, step := range proc.RegisterSteps() {
				say.say("  %d. %s", i+1, step)
			}
			var note string
			if note, err = proc.Registration(); err == nil {
				say.say("%s", note)
				err = proc.MarkRegistered()
			}
		case setup.StepFinish:
			err = finishScripted(ctx, proc, o, say)
		case setup.StepDone:
			return resultScripted(proc, o, e, say)
		default:
			return fmt.Errorf("the procedure asked for step %v, which the scripted mode does not know", step)
		}
		if err != nil {
			return err
		}
	}
}

// resumeFrom continues the saved setup entry: no other run may drive it
// at the same time.
func resumeFrom(st *store.Store, entry store.Entry, proc *setup.Procedure, say progress) error {
	if err := st.Claim(entry.Session.ID); err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	if err := proc.Resume(entry.Session); err != nil {
		return err
	}
	s := entry.Session
	if s.InstanceID != 0 {
		say.say("resuming setup %s, instance %d (%s), %s, from %s", store.ShortID(s.ID), s.InstanceID, s.Name, s.Stage, entry.Path)
	} else if s.CreateSent {
		say.say("resuming setup %s (%s) from %s: its create got no clear answer, so hootwire authorizes again and looks for the instance before creating one", store.ShortID(s.ID), s.Name, entry.Path)
	} else {
		say.say("resuming setup %s (%s) from %s: it was never created, so hootwire goes on from the authorization", store.ShortID(s.ID), s.Name, entry.Path)
	}
	return nil
}

// authorizeScripted gets the grant code without a terminal: the redirect
// URL on stderr first, then the browser and the loopback listener (or, in
// the sandbox with no browser named, an approval on the user's behalf).
func authorizeScripted(ctx context.Context, proc *setup.Procedure, o options, e Env, say progress) error {
	a, err := proc.Authorize(ctx)
	if err != nil {
		return err
	}
	say.say("authorization URL: %s", a.URL())
	if !a.RedirectMatches() {
		say.say("warning: the authorization URL sends the browser back to %s, not to your callback URL %s", a.RedirectURI(), a.CallbackURL())
	}
	if a.CanApprove() && e.Getenv("BROWSER") == "" {
		if err := a.Approve(); err != nil {
			return err
		}
		say.say("approved on the sandbox's consent page")
		return nil
	}
	needs, err := a.NeedsListener()
	if err != nil {
		return badInput("%v", err)
	}
	if !needs {
		return badInput("the callback URL %s is not on this machine, so hootwire cannot catch the code: open the URL above, approve, and run again with --code - and the URL the browser lands on (or its code) on standard input", a.CallbackURL())
	}
	l, err := a.Listen(ctx)
	if err != nil {
		return badInput("%v", err)
	}
	say.say("waiting for the callback on %s (up to %v)", a.CallbackURL(), oauthflow.DefaultTimeout)
	if o.noBrowser {
		say.say("open the URL above in a browser and approve")
	} else if err := openBrowser(ctx, a, e); err != nil {
		say.say("could not open a browser (%v): open the URL above yourself", err)
	} else {
		say.say("opened the browser")
	}
	return a.Wait(ctx, l)
}

// openBrowser opens the browser on a one-time link to the consent page,
// never on its URL, which carries the state. The browser outlives
// hootwire, as it would for a user.
func openBrowser(ctx context.Context, a *setup.Authorization, e Env) error {
	link, _, err := a.StartLink(ctx)
	if err != nil {
		return err
	}
	return (oauthflow.Opener{Getenv: e.Getenv}).Open(context.WithoutCancel(ctx), link)
}

// createScripted sends the create and says what came of it.
func createScripted(ctx context.Context, proc *setup.Procedure, o options, e Env, say progress, at *failure) error {
	inst, err := proc.Create(ctx)
	if errors.Is(err, setup.ErrNotSaved) {
		// The instance exists but could not be saved. With --json its id
		// and token go into the error object on stdout, the channel a
		// script reads them from; otherwise the token stays off the screen
		// (the stop note says how to read it back).
		at.instance = &jsonInstance{ID: inst.ID, Token: inst.Token, BaseURL: proc.BaseURL()}
		return err
	}
	if err != nil {
		return err
	}
	if proc.Saves() {
		say.say("created instance %d (%s); its id and token are saved in %s", inst.ID, inst.Name, proc.SavedTo())
	} else {
		say.say("created instance %d (%s) in the sandbox, which ends with this run", inst.ID, inst.Name)
	}
	return nil
}

// finishScripted patches the event callback and reads it back; when the
// events come here, it receives them first, and with --wait-for-event waits
// for one (in the sandbox, after having its Hootsuite send a ping).
func finishScripted(ctx context.Context, proc *setup.Procedure, o options, say progress) error {
	var srv *events.Server
	if proc.EventsHere() {
		var err error
		if srv, err = events.Listen(ctx, proc.ListenAddr(), events.Options{Key: []byte(proc.SignatureKey())}); err != nil {
			return badInput("receive events on %s: %v (--listen-addr chooses another address)", proc.ListenAddr(), err)
		}
		defer srv.Close()
		proc.Receive(srv.URL)
		say.say("receiving events on %s", srv.URL)
	}
	res, err := proc.Finish(ctx)
	if err != nil {
		return err
	}
	say.say("patched event.notification.callback.url to %s and read it back", res.EventCallbackURL)
	switch {
	case srv == nil:
		return nil
	case o.waitForEvent == 0:
		say.say("hootwire stops receiving as it ends: run hootwire listen --addr %s to see the events from now on", proc.ListenAddr())
		return nil
	}
	if proc.Target().App != nil {
		status, err := proc.SendEvent("ping")
		if err != nil {
			return err
		}
		say.say("had the sandbox's Hootsuite send a ping (its webhook was answered %d)", status)
	}
	say.say("waiting up to %v for an event", o.waitForEvent)
	wait, cancel := context.WithTimeout(ctx, o.waitForEvent)
	defer cancel()
	for {
		select {
		case ev := <-srv.Events():
			say.say("event: %s", ev.Line())
			if ev.Signature.Bad() {
				continue // refused: not the proof asked for
			}
			return nil
		case <-wait.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w in %v at %s: check that the webhook URL is registered at Hootsuite and that %s reaches this machine", setup.ErrNoEvent, o.waitForEvent, srv.URL, proc.EventCallbackURL())
		}
	}
}

// resultScripted prints the result.
func resultScripted(proc *setup.Procedure, o options, e Env, say progress) error {
	res := proc.Result()
	if o.jsonOut {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	say.say("done: instance %d is set up", res.ID)
	return nil
}
