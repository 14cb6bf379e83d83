package setup

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"hootwire/api"
	"hootwire/oauthflow"
)

// Authorization is one attempt at the doc's first two steps: the consent
// page's URL, asked for with a fresh random state, and the one grant code
// that comes back for it. The code may come from the loopback listener, a
// paste or, in the sandbox, an approval made on the user's behalf; every
// way checks the state, and the first code to arrive is the one kept.
type Authorization struct {
	p        *Procedure
	url      string
	state    string
	callback string

	mu    sync.Mutex
	links []*oauthflow.Launcher // every browser opening's one-time link
}

// ErrReplaced means a newer authorization took this one's place; its code,
// if one still comes, is not used.
var ErrReplaced = errors.New("this authorization was replaced by a newer one")

// Authorize gets the redirect URL (the doc's step 1) for a fresh state.
func (p *Procedure) Authorize(ctx context.Context) (*Authorization, error) {
	client, err := p.apiClient()
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	in, appSet := p.inputs(), p.appSet
	p.mu.Unlock()
	if !appSet {
		return nil, errors.New("authorize: the Hootsuite app's client id, client secret and callback URL are needed first")
	}
	newState := p.opts.NewState
	if newState == nil {
		newState = oauthflow.NewState
	}
	state, err := newState()
	if err != nil {
		return nil, fmt.Errorf("authorize: %w", err)
	}
	got, err := client.OAuthURL(ctx, api.OAuthURLRequest{
		APIKey: in.ClientID, APISecret: in.ClientSecret, CallbackURL: in.CallbackURL, State: state,
	})
	if err != nil {
		return nil, err
	}
	a := &Authorization{p: p, url: got.OAuthURL, state: state, callback: in.CallbackURL}
	p.mu.Lock()
	old := p.auth
	p.auth, p.code = a, ""
	p.mu.Unlock()
	old.close()
	return a, nil
}

// StartLink is where to open the browser: a one-time link on this machine
// that sends it on to the consent page. The consent page's URL carries the
// state, and a browser's command line is readable by every user of the
// machine; the link is not, once used. reused is closed if the link is
// fetched a second time, which means someone else may have learned the
// state: the authorization's code is then refused (ErrLinkReused). Make
// one link for every opening of the browser.
func (a *Authorization) StartLink(ctx context.Context) (link string, reused <-chan struct{}, err error) {
	l, err := oauthflow.Launch(ctx, a.url, oauthflow.LaunchOptions{})
	if err != nil {
		return "", nil, fmt.Errorf("open the browser: %w", err)
	}
	a.mu.Lock()
	a.links = append(a.links, l)
	a.mu.Unlock()
	return l.URL(), l.Reuse(), nil
}

// settle waits until every link opened for this authorization can vouch
// that nobody else fetched it first (see oauthflow.Launcher.Settle).
func (a *Authorization) settle(ctx context.Context) error {
	a.mu.Lock()
	links := append([]*oauthflow.Launcher(nil), a.links...)
	a.mu.Unlock()
	for _, l := range links {
		switch err := l.Settle(ctx); {
		case errors.Is(err, oauthflow.ErrLinkReused):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		}
	}
	return nil
}

// reused reports whether a link of this authorization was fetched twice.
func (a *Authorization) reused() bool {
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, l := range a.links {
		if l.Reused() {
			return true
		}
	}
	return false
}

// close stops the authorization's links: it is replaced or done.
func (a *Authorization) close() {
	if a == nil {
		return
	}
	a.mu.Lock()
	links := a.links
	a.links = nil
	a.mu.Unlock()
	for _, l := range links {
		l.Close()
	}
}

// URL is the provider's consent page, from the platform.
func (a *Authorization) URL() string { return a.url }

// CallbackURL is where the provider sends the browser back to.
func (a *Authorization) CallbackURL() string { return a.callback }

// RedirectURI is the redirect_uri the consent page asks the provider for,
// written as the browser will go to it (characters a URL cannot hold stay
// percent-encoded, so an escape sequence shows as %1B, not as one); empty
// when the URL carries none.
func (a *Authorization) RedirectURI() string {
	u, err := url.Parse(a.url)
	if err != nil {
		return ""
	}
	raw := u.Query().Get("redirect_uri")
	if r, err := url.Parse(raw); err == nil {
		return r.String()
	}
	return url.QueryEscape(raw)
}

// RedirectMatches reports whether the consent page sends the browser back
// to the callback URL this setup gave; a platform that answered with
// another one is not to be trusted with an approval.
func (a *Authorization) RedirectMatches() bool {
	r := a.RedirectURI()
	return r == "" || r == a.callback
}

// NeedsListener reports whether the redirect can be caught on this machine;
// when not, the user pastes where the browser lands.
func (a *Authorization) NeedsListener() (bool, error) {
	return oauthflow.NeedsListener(a.callback)
}

// Listen starts the loopback listener on the callback URL; Wait then takes
// the code it catches.
func (a *Authorization) Listen(ctx context.Context) (Listener, error) {
	if listen := a.p.opts.Listen; listen != nil {
		return listen(ctx, a.callback, a.state)
	}
	l, err := oauthflow.Listen(ctx, a.callback, a.state, oauthflow.ListenOptions{})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Wait waits for the listener's code (checked against the state by the
// listener), makes sure the browser's link was not fetched by someone else
// first, and keeps it. It closes the listener.
func (a *Authorization) Wait(ctx context.Context, l Listener) error {
	defer l.Close()
	code, err := l.Wait(ctx)
	if err != nil {
		return err
	}
	if err := a.settle(ctx); err != nil {
		return err
	}
	return a.accept(code)
}

// Paste takes what the user pasted instead: the code, or the whole address
// the browser landed on, whose state must be this authorization's.
func (a *Authorization) Paste(text string) error {
	code, err := oauthflow.ParsePaste(text, a.state)
	if err != nil {
		return err
	}
	if a.reused() {
		return oauthflow.ErrLinkReused
	}
	return a.accept(code)
}

// CanApprove reports whether Approve works: only in the built-in sandbox.
func (a *Authorization) CanApprove() bool { return a.p.target.IsSandbox() }

// Approve approves the consent page on the user's behalf, in the built-in
// sandbox only, and reads the redirect as the listener would: the state
// must be this authorization's, and a refusal is an error.
func (a *Authorization) Approve() error {
	if !a.CanApprove() {
		return errors.New("approve: only the built-in sandbox can approve on your behalf; open the URL in a browser")
	}
	back, err := a.p.target.Sandbox.Approve(a.url)
	if err != nil {
		return fmt.Errorf("approve in the sandbox: %w", err)
	}
	code, err := oauthflow.ParsePaste(back.String(), a.state)
	if err != nil {
		return fmt.Errorf("approve in the sandbox: %w", err)
	}
	return a.accept(code)
}

// accept keeps the first code to arrive for the newest authorization.
func (a *Authorization) accept(code string) error {
	p := a.p
	p.red.Add(code)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.auth != a {
		return ErrReplaced
	}
	if p.code == "" {
		p.code = code
	}
	return nil
}

// UseCode takes a grant code obtained elsewhere, or the address the browser
// landed on there: its state belongs to that other authorization, so only
// its shape and the provider's answer are checked.
func (p *Procedure) UseCode(text string) error {
	code, err := oauthflow.ParseForeign(text)
	if err != nil {
		return err
	}
	p.red.Add(code)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.auth, p.code = nil, code
	return nil
}

// Authorized reports whether a grant code waits to be spent by Create.
func (p *Procedure) Authorized() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.code != ""
}
