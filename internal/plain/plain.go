// Package plain is the wizard as plain line-by-line prompts: the same steps
// and the same procedure as the full-screen wizard, with no alternate
// screen, no colour and no cursor movement, so that it reads well on a dumb
// terminal and through a screen reader (what huh calls accessible mode).
package plain

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"hootwire/internal/events"
	"hootwire/internal/redact"
	"hootwire/internal/setup"
	"hootwire/ui"
)

// run is one plain walk through the setup.
type run struct {
	p    *prompter
	cfg  ui.Config
	proc *setup.Procedure
	in   setup.Inputs
	// lastErr is the failure the user last saw: when they leave on it, the
	// exit status says what kind it was.
	lastErr error
	// receiver is hootwire's own event receiver, once the events come here.
	receiver *events.Server
}

// Run walks the user through the setup with prompts on out and answers
// from in. It returns the setup (nil if none was started) and the failure
// on show when the user left, if any.
func Run(ctx context.Context, cfg ui.Config, in io.Reader, out io.Writer) (*setup.Procedure, error) {
	p := &prompter{ctx: ctx, in: bufio.NewReader(in), out: out}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.fd, p.tty = int(f.Fd()), true
	}
	r := &run{p: p, cfg: cfg, in: cfg.Prefill}
	err := r.walk()
	if r.receiver != nil {
		r.receiver.Close()
	}
	switch {
	case err == nil:
		return r.proc, nil
	case errors.Is(err, errQuit), ctx.Err() != nil:
		return r.proc, r.lastErr
	}
	return r.proc, err
}

func (r *run) header(s setup.Step) {
	r.p.say("\nStep %d of %d: %s", int(s)+1, setup.Steps, s)
}

func (r *run) walk() error {
	r.p.say("hootwire sets up a Hootsuite connector's webhook events in SAP Open Connectors, step by step.")
	r.p.say("Answer each question and press Enter; Enter alone keeps the value in brackets. ctrl+c quits.")
	target, err := r.target()
	if err != nil {
		return err
	}
	var saver setup.Saver
	if r.cfg.Store != nil {
		saver = r.cfg.Store
	}
	r.proc, err = setup.New(target, setup.Options{Saver: saver, API: r.cfg.API, Listen: r.cfg.Deps.Listen, NewState: r.cfg.Deps.NewState, Now: r.cfg.Now})
	if err != nil {
		return err
	}
	r.in = target.Demo(r.in)
	if target.IsSandbox() {
		r.p.say("This is the built-in SANDBOX: no account, no network; nothing is saved.")
	}
	if err := r.offerResume(); err != nil {
		return err
	}
	for {
		var err error
		switch step := r.proc.Next(); step {
		case setup.StepAccount:
			err = r.account()
		case setup.StepApp:
			err = r.app()
		case setup.StepInstance:
			err = r.instance()
		case setup.StepAuthorize:
			err = r.authorize()
		case setup.StepCreate:
			err = r.create()
		case setup.StepRegister:
			err = r.register()
		case setup.StepFinish:
			err = r.finish()
		case setup.StepDone:
			r.p.say("\nDone: the instance is set up and its events are wired.")
			return nil
		default:
			return fmt.Errorf("the procedure asked for step %v, which the prompts do not know", step)
		}
		if err != nil {
			return err
		}
	}
}

// failed shows a failure and waits for Enter to try again.
func (r *run) failed(err error, hint string) error {
	r.lastErr = err
	r.p.say("Error: %s", r.redactor().String(err.Error()))
	if hint == "" {
		hint = "Press Enter to try again, or ctrl+c to quit."
	}
	fmt.Fprint(r.p.out, hint+" ")
	_, rerr := r.p.read(false)
	return rerr
}

func (r *run) redactor() *redact.Redactor {
	if r.proc == nil {
		return nil
	}
	return r.proc.Redactor()
}

func (r *run) account() error {
	r.header(setup.StepAccount)
	r.p.say("Your Open Connectors User and Organization secrets (your profile, Secrets), checked with one call.")
	for {
		user, err := r.p.ask("User secret", "OC_USER_SECRET; typing is not shown", r.in.UserSecret, true, setup.CheckSecret)
		if err != nil {
			return err
		}
		org, err := r.p.ask("Organization secret", "OC_ORG_SECRET; typing is not shown", r.in.OrgSecret, true, setup.CheckSecret)
		if err != nil {
			return err
		}
		r.in.UserSecret, r.in.OrgSecret = user, org
		if err := r.proc.SetAccount(setup.Account{UserSecret: user, OrgSecret: org}); err != nil {
			r.p.say("Error: %v", err)
			continue
		}
		r.p.say("Checking the secrets with GET /instances…")
		if err := r.proc.CheckAccount(r.p.ctx); err != nil {
			if ferr := r.failed(err, "Press Enter to type the secrets again, or ctrl+c to quit."); ferr != nil {
				return ferr
			}
			continue
		}
		r.lastErr = nil
		r.p.say("Account checked: Open Connectors accepted the User and Organization secrets.")
		return nil
	}
}

func (r *run) app() error {
	r.header(setup.StepApp)
	given := r.proc.AppDefaults(r.in.App())
	id, callback := given.ClientID, given.CallbackURL
	if r.proc.Resumed() {
		r.p.say("The resumed setup needs a fresh grant code: give the client secret again (it is never saved).")
	}
	if callback == "" {
		callback = setup.DefaultCallbackURL
	}
	for {
		var err error
		app := setup.App{}
		if app.ClientID, err = r.p.ask("REST API client id", "Hootsuite developer portal: My Apps, your app", id, false, setup.CheckRequired); err != nil {
			return err
		}
		if app.ClientSecret, err = r.p.ask("REST API client secret", "same page; typing is not shown", r.in.ClientSecret, true, setup.CheckSecret); err != nil {
			return err
		}
		r.p.say("The API callback URL must be registered on the Hootsuite app exactly as written here.")
		if app.CallbackURL, err = r.p.ask("API callback URL", "", callback, false, setup.CheckCallbackURL); err != nil {
			return err
		}
		r.in.ClientID, r.in.ClientSecret, r.in.CallbackURL = app.ClientID, app.ClientSecret, app.CallbackURL
		if err := r.proc.SetApp(app); err != nil {
			r.p.say("Error: %v", err)
			continue
		}
		return nil
	}
}

func (r *run) instance() error {
	r.header(setup.StepInstance)
	name := r.in.Name
	if name == "" {
		name = setup.DefaultName
	}
	for {
		var err error
		s := setup.InstanceSettings{}
		if s.Name, err = r.p.ask("Instance name", "shown in Open Connectors", name, false, setup.CheckName); err != nil {
			return err
		}
		tags, err := r.p.ask("Tags", "optional, separated by commas", strings.Join(r.in.Tags, ", "), false, func(v string) error {
			return setup.CheckTags(strings.Split(v, ","))
		})
		if err != nil {
			return err
		}
		s.Tags = strings.Split(tags, ",")
		def := setup.EventsToDoc
		switch {
		case r.in.EventsHere, r.proc.Target().IsSandbox() && r.in.EventCallbackURL == "":
			def = setup.EventsToHere
		case r.in.EventCallbackURL != "":
			def = setup.EventsToApp
		}
		where, err := r.p.choose("Where should Open Connectors deliver the instance's events?", setup.EventChoices[:], def+1)
		if err != nil {
			return err
		}
		s.SignatureKey, s.NoSignatureKey = r.in.SignatureKey, r.in.NoSignatureKey
		switch where {
		case setup.EventsToApp:
			if s.EventCallbackURL, err = r.p.ask("Your app's event URL", "", r.in.EventCallbackURL, false, setup.CheckHTTPURL); err != nil {
				return err
			}
		case setup.EventsToHere:
			s.EventsHere = true
			if r.proc.Target().IsSandbox() {
				s.ListenAddr = "127.0.0.1:0"
				break
			}
			r.p.say("Open Connectors must reach this machine: run a tunnel (ngrok, cloudflared, …) to the address below, and give its public https URL.")
			listen := r.in.ListenAddr
			if listen == "" {
				listen = setup.DefaultListenAddr
			}
			if s.ListenAddr, err = r.p.ask("Address to receive events on", "on this machine", listen, false, setup.CheckListenAddr); err != nil {
				return err
			}
			if s.EventCallbackURL, err = r.p.ask("Public URL that reaches this machine", "", r.in.EventCallbackURL, false, setup.CheckHTTPURL); err != nil {
				return err
			}
		}
		r.in.Name, r.in.Tags, r.in.EventCallbackURL = s.Name, s.Tags, s.EventCallbackURL
		if err := r.proc.SetInstance(s); err != nil {
			r.p.say("Error: %v", err)
			continue
		}
		return nil
	}
}
