package ui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/setup"
	"hootwire/oauthflow"
)

// codeLifetime is how long Hootsuite's grant code, and so the wait, lasts.
const codeLifetime = oauthflow.DefaultTimeout

// authorizePage is step 5: the redirect URL, the browser, the listener and
// the paste field, racing for the grant code. The authorization itself
// (its state, the code that wins) is the procedure's.
type authorizePage struct {
	common
	proc  *setup.Procedure
	width int
	// attempt bumps on every new authorization, so that messages of an
	// earlier one are dropped.
	attempt int
	auth    *setup.Authorization
	// ctx lives as long as the attempt: cancelling it stops the listener.
	ctx        context.Context
	cancel     context.CancelFunc
	requesting bool
	listening  bool
	remote     bool // the callback URL is not on this machine: only a paste brings the code
	over       bool // this attempt can bring no code any more (denied, timed out): only a new one helps
	deadline   time.Time
	browser    string // what came of opening the browser
	notice     string // a confirmation, until the next key
	pasting    bool
	paste      form
	err        error
	hint       string
}

// Messages of step 5, each tagged with its attempt.
type (
	authURLMsg struct {
		attempt int
		auth    *setup.Authorization
		err     error
	}
	listenerMsg struct {
		attempt  int
		listener setup.Listener
		err      error
	}
	browserMsg struct {
		attempt int
		err     error
	}
	// linkMsg: the browser was opened on a link that reused tells of.
	linkMsg struct {
		attempt int
		reused  <-chan struct{}
	}
	codeMsg struct {
		attempt int
		err     error
	}
	tickMsg struct{ attempt int }
)

func newAuthorizePage(c common) authorizePage {
	return authorizePage{common: c, paste: newPasteForm(c.styles)}
}

// newPasteForm is the paste field: masked, as the code is a secret until
// it is spent.
func newPasteForm(st Styles) form {
	f := secretField(st, "Paste the grant code, or the whole URL the browser was sent to", "", "", nil)
	f.questionIsHelp = false // a URL holds one
	f.input.Placeholder = "the code, or the URL with ?code=…"
	f.input.CharLimit = 8192
	return newForm(f)
}

func (a authorizePage) Title() string { return setup.StepAuthorize.String() }

func (a authorizePage) Typing() bool { return a.pasting }

func (a authorizePage) SetSize(w, _ int) page {
	a.paste.own()
	a.width = w
	a.paste.setWidth(w)
	return a
}

func (a authorizePage) Keys() []key.Binding {
	k := a.keys
	switch {
	case a.requesting:
		return nil
	case a.pasting:
		keys := []key.Binding{as(k.Next, "use this code"), as(k.Back, "close the paste field")}
		return append(keys, a.paste.keys(k)...)
	case a.auth == nil:
		return []key.Binding{as(k.Next, "try again")}
	}
	var keys []key.Binding
	if a.err != nil || a.over {
		keys = append(keys, as(k.Next, "authorize again"))
	}
	if a.auth.CanApprove() {
		// In the sandbox the demo's way on, where no browser opens.
		keys = append(keys, k.Approve)
	}
	keys = append(keys, k.Copy, k.Paste)
	// The browser opened by itself: opening it again matters least.
	return append(keys, k.Open)
}

func (a authorizePage) Update(msg tea.Msg) (page, tea.Cmd) {
	a.paste.own()
	switch msg := msg.(type) {
	case showMsg:
		a.proc = msg.proc
		return a, a.start()
	case hideMsg:
		// Leaving the step stops the listener and drops what the attempt
		// still sends.
		if a.cancel != nil {
			a.cancel()
		}
		a.attempt++
		return a, nil
	case authURLMsg:
		if msg.attempt != a.attempt {
			return a, nil
		}
		a.requesting = false
		if msg.err != nil {
			a.err, a.hint = msg.err, authHint(msg.err)
			return a, nil
		}
		a.auth = msg.auth
		a.deadline = a.now().Add(codeLifetime)
		needs, err := a.auth.NeedsListener()
		if err != nil {
			a.err, a.hint = err, "Press esc twice for the Hootsuite app step, and correct the callback URL there."
			return a, nil
		}
		if !needs {
			// The callback is not on this machine: the user approves in
			// the browser, then pastes where it lands.
			a.remote = true
			return a, tea.Batch(a.tick(), a.openBrowser())
		}
		return a, tea.Batch(a.listen(), a.tick())
	case listenerMsg:
		if msg.attempt != a.attempt {
			if l := msg.listener; l != nil {
				// Closing waits for the listener to stop: not in Update.
				return a, func() tea.Msg { l.Close(); return nil }
			}
			return a, nil
		}
		if msg.err != nil {
			// No browser is opened: the redirect would go to whatever holds
			// the port.
			a.err, a.hint = msg.err, "Press enter to try again once the port is free. To use another callback URL (it must be registered on the Hootsuite app), press esc twice for the Hootsuite app step."
			return a, nil
		}
		a.listening = true
		return a, tea.Batch(a.wait(msg.listener), a.openBrowser())
	case browserMsg:
		if msg.attempt != a.attempt || a.err != nil {
			return a, nil
		}
		a.browser = "No browser could be opened here: open the URL above yourself, or copy it with c."
		return a, nil
	case linkMsg:
		if msg.attempt != a.attempt || a.err != nil {
			return a, nil
		}
		a.browser = "Opened in your browser: approve hootwire there."
		return a, a.watchLink(msg.reused)
	case codeMsg:
		if msg.attempt != a.attempt {
			return a, nil
		}
		if msg.err != nil {
			a.listening, a.browser, a.notice, a.over = false, "", "", true
			a.err, a.hint = msg.err, codeHint(msg.err)
			return a, nil
		}
		return a, a.done()
	case tickMsg:
		if msg.attempt != a.attempt || a.auth == nil || a.err != nil || !a.listening && !a.remote {
			return a, nil
		}
		return a, a.tick()
	case tea.PasteMsg:
		if a.pasting {
			_, cmd := a.paste.update(msg, a.keys)
			return a, cmd
		}
	case tea.KeyPressMsg:
		if a.pasting {
			return a.pasteKey(msg)
		}
		return a.key(msg)
	}
	return a, nil
}

func (a authorizePage) pasteKey(msg tea.KeyPressMsg) (page, tea.Cmd) {
	k := a.keys
	switch {
	case key.Matches(msg, k.Next):
		if err := a.auth.Paste(a.paste.value(0)); err != nil {
			a.err, a.hint = err, "Paste the code, or the whole URL the browser was sent to, and press enter."
			var denied *oauthflow.DeniedError
			if errors.As(err, &denied) {
				// The provider's answer: this authorization is over.
				a.pasting, a.listening, a.browser, a.over = false, false, "", true
				a.hint = codeHint(err)
			}
			return a, nil
		}
		return a, a.done()
	case key.Matches(msg, k.Back):
		a.pasting, a.err = false, nil
		return a, nil
	}
	_, cmd := a.paste.update(msg, k)
	return a, cmd
}

func (a authorizePage) key(msg tea.KeyPressMsg) (page, tea.Cmd) {
	k := a.keys
	switch {
	case key.Matches(msg, k.Next) && (a.err != nil || a.over || a.auth == nil):
		return a, a.start()
	case a.auth == nil:
		return a, nil
	case key.Matches(msg, k.Copy):
		a.notice = "Copied the authorization URL to the clipboard."
		return a, tea.SetClipboard(a.auth.URL())
	case key.Matches(msg, k.Open):
		// Asked for: --no-browser only stops the browser opening by itself.
		a.notice = ""
		return a, a.openNow()
	case key.Matches(msg, k.Paste):
		a.pasting, a.err, a.notice = true, nil, ""
		a.paste = newPasteForm(a.styles)
		a.paste.setWidth(a.width)
		return a, a.paste.setFocus(0)
	case key.Matches(msg, k.Approve) && a.auth.CanApprove():
		a.notice = ""
		auth, attempt := a.auth, a.attempt
		return a, func() tea.Msg { return codeMsg{attempt, auth.Approve()} }
	}
	return a, nil
}

// start begins a fresh attempt: a new state and redirect URL.
func (a *authorizePage) start() tea.Cmd {
	if a.cancel != nil {
		a.cancel()
	}
	a.attempt++
	a.ctx, a.cancel = context.WithCancel(a.common.ctx)
	a.auth, a.requesting, a.listening, a.pasting, a.remote, a.over = nil, true, false, false, false, false
	a.browser, a.notice, a.err, a.hint = "", "", nil, ""
	a.paste = newPasteForm(a.styles)
	a.paste.setWidth(a.width)
	attempt, proc, ctx := a.attempt, a.proc, a.ctx
	return func() tea.Msg {
		auth, err := proc.Authorize(ctx)
		return authURLMsg{attempt, auth, err}
	}
}

// done ends the race: the first code won, the listener stops.
func (a *authorizePage) done() tea.Cmd {
	if a.cancel != nil {
		a.cancel()
	}
	a.pasting, a.listening = false, false
	return next(setup.StepAuthorize, "")
}

func (a *authorizePage) listen() tea.Cmd {
	attempt, auth, ctx := a.attempt, a.auth, a.ctx
	return func() tea.Msg {
		l, err := auth.Listen(ctx)
		return listenerMsg{attempt, l, err}
	}
}

func (a *authorizePage) wait(l setup.Listener) tea.Cmd {
	attempt, auth, ctx := a.attempt, a.auth, a.ctx
	return func() tea.Msg {
		err := auth.Wait(ctx, l)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return codeMsg{attempt, err}
	}
}

// openBrowser opens the consent page by itself, unless --no-browser.
func (a *authorizePage) openBrowser() tea.Cmd {
	if a.cfg.NoBrowser {
		a.browser = "Open the URL above in a browser, or copy it with c."
		return nil
	}
	return a.openNow()
}

// openNow opens the browser on a fresh one-time link to the consent page
// (never on its URL, which carries the state), and watches the link for a
// second fetch. The link lives as long as the attempt.
func (a *authorizePage) openNow() tea.Cmd {
	attempt, auth, open, ctx, progCtx := a.attempt, a.auth, a.cfg.Deps.Open, a.ctx, a.common.ctx
	return func() tea.Msg {
		link, reused, err := auth.StartLink(ctx)
		if err != nil {
			return browserMsg{attempt, err}
		}
		// The browser outlives the attempt: it gets the program's context.
		if err := open(progCtx, link); err != nil {
			return browserMsg{attempt, err}
		}
		return linkMsg{attempt, reused}
	}
}

// watchLink reports a second fetch of the link at once, rather than when
// the code comes.
func (a *authorizePage) watchLink(reused <-chan struct{}) tea.Cmd {
	attempt, ctx := a.attempt, a.ctx
	return func() tea.Msg {
		select {
		case <-reused:
			return codeMsg{attempt, oauthflow.ErrLinkReused}
		case <-ctx.Done():
			return nil
		}
	}
}

func (a *authorizePage) tick() tea.Cmd {
	attempt := a.attempt
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{attempt} })
}
