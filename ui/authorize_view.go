package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"hootwire/api"
	"hootwire/internal/setup"
	"hootwire/oauthflow"
)

func authHint(err error) string {
	switch {
	case api.StatusCode(err) == 401:
		return "The secrets were refused: press esc until the Account step and correct them."
	case api.IsNetwork(err):
		return "Press enter to try again."
	}
	return "Press enter to try again, or esc to correct the Hootsuite app settings."
}

func codeHint(err error) string {
	var denied *oauthflow.DeniedError
	switch {
	case errors.As(err, &denied):
		return "Press enter to authorize again with a fresh URL, if you meant to allow it."
	case errors.Is(err, oauthflow.ErrTimeout):
		return "The grant code would have expired: press enter to authorize again."
	case errors.Is(err, setup.ErrReplaced):
		return "Press enter to authorize again."
	case errors.Is(err, oauthflow.ErrLinkReused):
		return "Someone else on this machine may have read it; no code of this authorization will be used. Press enter to authorize again."
	}
	return "Press enter to authorize again, or p to paste the code."
}

func (a authorizePage) View() pageView {
	st := a.styles
	w := max(10, a.width)
	v := pageView{Purpose: "Approve access at Hootsuite; the grant code comes back to this machine.", Err: a.err}
	if a.auth == nil {
		if a.requesting {
			v.Busy, v.Status = true, "Getting the authorization URL from Open Connectors…"
		}
		v.Body = prose(st.Muted, "hootwire asks Open Connectors for Hootsuite's authorization URL, with a fresh random state, then opens it in your browser.", w)
		if a.err != nil {
			v.Status = errorBox(st, a.proc, a.err, a.hint, w)
		}
		return v
	}
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }
	add(st.Label.Render("Authorization URL"))
	add(urlBlock(st.URL, a.auth.URL(), w))
	if r := a.auth.RedirectURI(); r != "" {
		add(prose(st.Muted, "Hootsuite will send the browser back to "+r, w))
	}
	if !a.auth.RedirectMatches() {
		add(prose(st.Error, "That is not your callback URL, "+a.auth.CallbackURL()+": the platform did not ask for what hootwire sent. Do not approve unless you expected it.", w))
	}
	add("")
	if a.pasting {
		body, cur, _ := a.paste.view(st)
		if cur != nil {
			cur.Position.Y += len(lines)
			v.Cursor = cur
		}
		add(body)
	} else {
		if a.browser != "" {
			add(prose(st.Value, a.browser, w))
		}
		tip := "Browser on another machine? Press p and paste the URL it lands on."
		if a.remote {
			tip = "The callback URL is not on this machine, so hootwire cannot catch the code: once you have approved, press p and paste the URL the browser lands on."
		}
		if a.auth.CanApprove() {
			tip += " No browser at all? Press a to approve on the sandbox's consent page from here."
		}
		add(prose(st.Muted, tip, w))
	}
	v.Body = strings.Join(lines, "\n")
	left := max(0, a.deadline.Sub(a.now()).Round(time.Second))
	switch {
	case a.err != nil && a.notice != "":
		v.Status = errorBox(st, a.proc, a.err, a.hint, w) + "\n" + prose(st.Success, a.notice, w)
	case a.err != nil:
		v.Status = errorBox(st, a.proc, a.err, a.hint, w)
	case a.notice != "":
		v.Status = prose(st.Success, a.notice, w)
	case a.listening:
		v.Spin = true
		v.Status = fmt.Sprintf("Waiting for Hootsuite to send the grant code to %s (%s left)", a.auth.CallbackURL(), formatLeft(left))
	case a.remote && !a.pasting:
		v.Spin = true
		v.Status = fmt.Sprintf("Waiting for the URL the browser lands on (%s left before the code expires)", formatLeft(left))
	case !a.pasting:
		v.Spin = true
		v.Status = "Starting the local listener…"
	}
	return v
}

func formatLeft(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
