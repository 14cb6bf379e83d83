package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"unicode"

	"hootwire/api"
	"hootwire/internal/redact"
	"hootwire/internal/sandbox"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/oauthflow"
)

// exitFor maps a failure to the documented exit statuses.
func exitFor(ctx context.Context, err error) int {
	var problems setup.Problems
	var denied *oauthflow.DeniedError
	var apiErr *api.Error
	var decodeErr *api.DecodeError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &problems), errors.As(err, &usageError{}):
		return exitUsage
	case errors.As(err, &denied), errors.Is(err, oauthflow.ErrTimeout), errors.Is(err, oauthflow.ErrStateMismatch):
		return exitAuthorize
	case api.IsNetwork(err):
		return exitNetwork
	case errors.As(err, &apiErr), errors.As(err, &decodeErr), errors.Is(err, setup.ErrNeedsAuthorization), errors.Is(err, setup.ErrNotKept):
		return exitAPI
	}
	return exitFailure
}

// usageError is a problem with how hootwire was called.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// progress writes the scripted mode's lines on stderr.
type progress struct{ w io.Writer }

func (p progress) say(format string, args ...any) {
	fmt.Fprintf(p.w, "hootwire: "+format+"\n", args...)
}

// openStore opens the config directory: --config-dir, HOOTWIRE_CONFIG_DIR,
// or hootwire under the user's config directory.
func openStore(o options, getenv func(string) string) (*store.Store, error) {
	dir := o.configDir
	if dir == "" {
		dir = getenv(store.EnvDir)
	}
	if dir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return store.Open(dir)
}

// openDebugLog creates the --debug-log file, readable by the user alone.
func openDebugLog(path string) (*slog.Logger, func() error, error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, usageError{fmt.Sprintf("--debug-log: %v", err)}
	}
	// An existing file keeps its mode on open: make it private too.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, usageError{fmt.Sprintf("--debug-log: make %s private: %v", path, err)}
	}
	return slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), f.Close, nil
}

// runScripted performs the whole procedure with no terminal: inputs from
// flags and environment, progress on stderr, the result on stdout.
func runScripted(ctx context.Context, o options, e env) int {
	say := progress{e.stderr}
	err := readCode(&o, e.stdin)
	if err == nil {
		err = scripted(ctx, o, e, say)
	}
	if err != nil {
		// Errors pass through the redactor: a URL in one (a callback with
		// its code) must not print a secret. o.code is the code read, or
		// "-" when reading it failed, which is no secret.
		code := o.code
		if code == "-" {
			code = ""
		}
		red := redact.New(e.getenv("OC_USER_SECRET"), e.getenv("OC_ORG_SECRET"), e.getenv("HOOTSUITE_CLIENT_SECRET"), code)
		say.say("%s", red.String(err.Error()))
	}
	return exitFor(ctx, err)
}

// resumeCommand is the command that continues a stopped setup, in the
// mode it stopped in.
func resumeCommand(o options, base string) string {
	cmd := "hootwire --resume --base-url " + base
	if o.nonInteractive {
		cmd = "hootwire --non-interactive --resume --base-url " + base
	}
	if o.configDir != "" {
		cmd += " --config-dir " + o.configDir
	}
	return cmd
}

// readCode takes --code -: the grant code from standard input, so that it
// stays out of the process list and the shell's history.
func readCode(o *options, stdin io.Reader) error {
	if o.code != "-" {
		return nil
	}
	if stdin == nil {
		return usageError{"--code -: no standard input to read the code from"}
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 16<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return usageError{fmt.Sprintf("--code -: read the code from standard input: %v", err)}
	}
	line = strings.TrimSpace(line)
	if i := strings.IndexByte(line, '?'); i >= 0 || strings.Contains(line, "code=") {
		// A redirected URL or its query: its state belongs to the
		// authorization made elsewhere, so only the code is taken.
		q, err := url.ParseQuery(line[i+1:])
		if err != nil || len(q["code"]) != 1 {
			return usageError{"--code -: the URL on standard input has no single code: give the code, or the whole URL the browser landed on"}
		}
		line = q.Get("code")
	}
	if line == "" || strings.ContainsFunc(line, unicode.IsSpace) {
		return usageError{"--code -: standard input holds no code: give the code, or the whole URL the browser landed on"}
	}
	o.code = line
	return nil
}

// scripted is runScripted's procedure; o.code is already the code read
// from standard input, if one was given.
func scripted(ctx context.Context, o options, e env, say progress) (err error) {
	in := o.inputs(e.getenv)
	var sb *sandbox.Server
	if o.sandbox {
		if sb, err = sandbox.Start(ctx, "", sandbox.Options{}); err != nil {
			return fmt.Errorf("start the sandbox: %w", err)
		}
		defer sb.Close()
		in.BaseURL = sb.BaseURL
		fillDemo(&in)
		say.say("sandbox running at %s (demo credentials)", sb.URL)
	}
	st, err := openStore(o, e.getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	logger, closeLog, err := openDebugLog(o.debugLog)
	if err != nil {
		return err
	}
	defer closeLog()

	var proc *setup.Procedure
	if o.resume {
		proc, err = resumeScripted(o, st, in, logger, say)
	} else {
		var client *api.Client
		if err = in.Validate(); err != nil {
			return err
		}
		if client, err = api.New(in.BaseURL, in.UserSecret, in.OrgSecret, o.apiOptions(logger)); err != nil {
			return usageError{err.Error()}
		}
		proc, err = setup.New(client, in, setup.Options{Saver: saverFor(st, sb)})
	}
	if err != nil {
		return err
	}
	defer func() {
		if s := proc.Session(); err != nil && sb == nil && s.CreateSent && s.Stage < setup.StageCreated && !errors.Is(err, setup.ErrNeedsAuthorization) {
			say.say("the create got no clear answer and the instance may exist; run %s to look for it before anything else", resumeCommand(o, s.BaseURL))
		}
		if s := proc.Session(); err != nil && sb == nil && s.Stage >= setup.StageCreated && s.Stage < setup.StagePatched && !errors.Is(err, setup.ErrNotSaved) {
			say.say("instance %d exists and is saved in %s; finish it with: %s", s.InstanceID, st.Path(s.ID), resumeCommand(o, s.BaseURL))
		}
	}()

	if proc.Session().Stage < setup.StageCreated {
		if err := proc.CheckAccount(ctx); err != nil {
			return err
		}
		code := o.code
		if code == "" {
			if code, err = authorizeScripted(ctx, proc, o, e, sb, say); err != nil {
				return err
			}
		}
		inst, err := proc.Create(ctx, code)
		if errors.Is(err, setup.ErrNotSaved) {
			// The instance exists but could not be saved. With --json its
			// id and token go to stdout, the channel a script reads them
			// from; otherwise the token stays off the screen, and the
			// platform gives it back to the account's secrets.
			if o.jsonOut {
				json.NewEncoder(e.stdout).Encode(map[string]any{"id": inst.ID, "token": inst.Token, "base_url": proc.BaseURL()})
			} else {
				say.say("instance %d exists but could not be saved; its token is not shown here: read it back with GET %s/instances/%d and your User and Organization secrets", inst.ID, proc.BaseURL(), inst.ID)
			}
			return err
		}
		if err != nil {
			return err
		}
		if sb != nil {
			say.say("created instance %d (%s) in the sandbox, which ends with this run", inst.ID, inst.Name)
		} else {
			say.say("created instance %d (%s); its id and token are saved in %s", inst.ID, inst.Name, st.Path(proc.Session().ID))
		}
	}
	say.say("webhook URL to register on the Hootsuite app (My Apps, the app, Edit, Webhook URL, Save, Send ping webhook): %s", proc.WebhookURL())
	if proc.Session().Stage < setup.StageRegistered {
		if err := proc.MarkRegistered(); err != nil {
			return err
		}
	}
	res, err := proc.Finish(ctx)
	if err != nil {
		return err
	}
	say.say("patched event.notification.callback.url to %s and read it back", res.EventCallbackURL)
	if o.jsonOut {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	say.say("done: instance %d is set up", res.ID)
	return nil
}

// fillDemo gives the sandbox's demo credentials to the inputs not set.
func fillDemo(in *setup.Inputs) {
	set := func(v *string, demo string) {
		if *v == "" {
			*v = demo
		}
	}
	set(&in.UserSecret, sandbox.DemoUserSecret)
	set(&in.OrgSecret, sandbox.DemoOrgSecret)
	set(&in.ClientID, sandbox.DemoClientID)
	set(&in.ClientSecret, sandbox.DemoClientSecret)
}

// resumeScripted continues the newest unfinished session for the base URL.
func resumeScripted(o options, st *store.Store, in setup.Inputs, logger *slog.Logger, say progress) (*setup.Procedure, error) {
	entries, aside, err := st.List()
	for _, a := range aside {
		say.say("%s", a)
	}
	if err != nil {
		return nil, err
	}
	base, err := api.NormalizeBaseURL(in.BaseURL)
	if err != nil {
		return nil, setup.Problems{{Field: setup.FieldBaseURL, Err: err}}
	}
	entry, ok := store.Unfinished(entries, base)
	if !ok {
		return nil, usageError{fmt.Sprintf("--resume: no unfinished setup for %s in %s (hootwire sessions lists them)", base, st.Dir())}
	}
	var ps setup.Problems
	if err := setup.CheckSecret(in.UserSecret); err != nil {
		ps = append(ps, setup.Problem{Field: setup.FieldUserSecret, Err: err})
	}
	if err := setup.CheckSecret(in.OrgSecret); err != nil {
		ps = append(ps, setup.Problem{Field: setup.FieldOrgSecret, Err: err})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	client, err := api.New(base, in.UserSecret, in.OrgSecret, o.apiOptions(logger))
	if err != nil {
		return nil, usageError{err.Error()}
	}
	say.say("resuming instance %d (%s), %s, from %s", entry.Session.InstanceID, entry.Session.Name, entry.Session.Stage, entry.Path)
	return setup.Resume(client, in, entry.Session, setup.Options{Saver: st})
}

// saverFor is where a run saves its session: nowhere for the built-in
// sandbox, whose instances end with the process.
func saverFor(st *store.Store, sb *sandbox.Server) setup.Saver {
	if sb != nil {
		return nil
	}
	return st
}

// authorizeScripted gets the grant code without a terminal: the redirect
// URL on stderr first, then the browser and the loopback listener.
func authorizeScripted(ctx context.Context, proc *setup.Procedure, o options, e env, sb *sandbox.Server, say progress) (string, error) {
	state, err := oauthflow.NewState()
	if err != nil {
		return "", err
	}
	authz, err := proc.Authorize(ctx, state)
	if err != nil {
		return "", err
	}
	say.say("authorization URL: %s", authz.URL)
	callback := proc.Session().CallbackURL
	needs, err := oauthflow.NeedsListener(callback)
	if err != nil {
		return "", usageError{err.Error()}
	}
	if !needs {
		return "", usageError{fmt.Sprintf("the callback URL %s is not on this machine, so hootwire cannot catch the code: open the URL above, approve, and run again with --code - and the URL the browser lands on (or its code) on standard input", callback)}
	}
	l, err := oauthflow.Listen(ctx, callback, authz.State, oauthflow.ListenOptions{})
	if err != nil {
		return "", usageError{err.Error()}
	}
	defer l.Close()
	say.say("waiting for the callback on %s (up to 10 minutes)", callback)
	switch {
	case sb != nil && e.getenv("BROWSER") == "":
		// A scripted sandbox run approves on its own consent page, as a
		// user would, and follows the redirect to the listener.
		if err := approveInSandbox(ctx, sb, authz.URL); err != nil {
			return "", err
		}
		say.say("approved on the sandbox's consent page")
	case o.noBrowser:
		say.say("open the URL above in a browser and approve")
	default:
		// The browser outlives hootwire, as it would for a user.
		if err := (oauthflow.Opener{Getenv: e.getenv}).Open(context.WithoutCancel(ctx), authz.URL); err != nil {
			say.say("could not open a browser (%v): open the URL above yourself", err)
		} else {
			say.say("opened the browser")
		}
	}
	return l.Wait(ctx)
}

func approveInSandbox(ctx context.Context, sb *sandbox.Server, authURL string) error {
	back, err := sb.Approve(authURL)
	if err != nil {
		return fmt.Errorf("approve in the sandbox: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, back.String(), nil)
	if err != nil {
		return err
	}
	// The listener is on loopback: never through a proxy.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("deliver the sandbox's redirect to the listener: %w", err)
	}
	resp.Body.Close()
	return nil
}
