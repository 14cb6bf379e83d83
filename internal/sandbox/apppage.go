package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// appPage serves Hootsuite's app settings page: GET shows it, POST saves the Webhook URL.
func (s *Sandbox) appPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		notice := ""
		if r.URL.Query().Get("saved") == "1" {
			notice = "Saved."
		}
		s.renderApp(w, http.StatusOK, appView{Notice: notice})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.renderApp(w, http.StatusBadRequest, appView{Error: "The form could not be read: " + err.Error() + "."})
		return
	}
	raw := strings.TrimSpace(r.PostForm.Get("webhook_url"))
	if err := s.SaveWebhookURL(raw); err != nil {
		s.renderApp(w, http.StatusBadRequest, appView{Error: err.Error(), Entered: &raw})
		return
	}
	setPageHeaders(w, "")
	http.Redirect(w, r, appPath+"?saved=1", http.StatusSeeOther)
}

// checkWebhookURL accepts an absolute http or https URL. Otherwise it
// returns the message the settings page shows, "" when raw is accepted.
func checkWebhookURL(raw string) (message string) {
	if raw == "" {
		return "Webhook URL is empty: paste the URL hootwire shows (it ends with the base64-encoded instance id)"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("Webhook URL %q is not valid: it must be an absolute http:// or https:// URL", raw)
	}
	return ""
}

// appView is what the app settings page shows besides the app itself.
type appView struct {
	Notice     string
	Error      string
	Entered    *string // the value to show in the field when it was not saved
	PingResult string
	PingOK     bool
}

func (s *Sandbox) renderApp(w http.ResponseWriter, status int, v appView) {
	st := s.appState()
	field := st.WebhookURL
	if v.Entered != nil {
		field = *v.Entered
	}
	renderPage(w, status, s.pages.app, map[string]any{
		"AppName":       appName,
		"ClientID":      DemoClientID,
		"WebhookURL":    field,
		"Saved":         st.WebhookURL,
		"Action":        appPath,
		"PingAction":    pingPath,
		"MessageAction": messagePath,
		"CommentAction": commentPath,
		"View":          v,
		"Status":        statusView(st),
		"Refresh":       st.LastDelivery != nil && st.LastDelivery.State == DeliveryPending,
	})
}

// sendFromPage serves a button that sends a webhook: it posts the webhook
// to the saved Webhook URL and shows the status code, as Hootsuite does.
func (s *Sandbox) sendFromPage(kind string) func(http.ResponseWriter, *http.Request) {
	label := webhookKinds[kind].label
	return func(w http.ResponseWriter, r *http.Request) {
		// A Webhook URL (or an event callback URL) pointing at a button
		// would make the sandbox post to itself forever.
		if ua := r.Header.Get("User-Agent"); ua == webhookUserAgent || ua == deliveryUserAgent {
			s.writeHTMLError(w, http.StatusLoopDetected, "Loop detected", "The Webhook URL points at a button of the app page itself.")
			return
		}
		a, err := s.sendWebhook(r.Context(), kind)
		switch {
		case errors.Is(err, ErrNoWebhookURL):
			s.renderApp(w, http.StatusBadRequest, appView{Error: "No Webhook URL is saved: enter one and press Save first."})
		case err != nil:
			s.renderApp(w, http.StatusOK, appView{PingResult: label + " failed: " + a.Err})
		default:
			s.renderApp(w, http.StatusOK, appView{PingResult: label + " sent: " + describeAttempt(a), PingOK: a.OK()})
		}
	}
}

// appStatusView is the app page's status lines, worded.
type appStatusView struct {
	LastPing, LastPingClass string // the class is "ok", "fail" or ""
	LastSent, LastSentClass string // LastSent is "" when the last webhook sent was a ping
	Delivery, DeliveryClass string
}

// outcomeClass is the page's class for an outcome: "ok", "fail" or none.
func outcomeClass(ok, failed bool) string {
	switch {
	case ok:
		return "ok"
	case failed:
		return "fail"
	}
	return ""
}

func statusView(st appState) appStatusView {
	var v appStatusView
	answered := func(a Attempt) string {
		if a.Err != "" {
			return "got no answer at " + a.At.Format("15:04:05") + ": " + a.Err + "."
		}
		return "answered " + describeAttempt(a) + " at " + a.At.Format("15:04:05") + "."
	}
	if st.LastPing == nil {
		v.LastPing = "No ping sent yet."
	} else {
		v.LastPing, v.LastPingClass = "The last ping "+answered(*st.LastPing), outcomeClass(st.LastPing.OK(), !st.LastPing.OK())
	}
	if sw := st.LastSent; sw != nil && sw.Kind != "ping" {
		v.LastSent, v.LastSentClass = "The last "+strings.ToLower(webhookKinds[sw.Kind].label)+" "+answered(sw.Attempt), outcomeClass(sw.OK(), !sw.OK())
	}
	id := strconv.FormatInt(st.InstanceID, 10)
	switch d := st.LastDelivery; {
	case st.WebhookURL == "":
		v.Delivery = "Save the Webhook URL hootwire shows: what the platform delivers for the instance it names shows here."
	case st.InstanceID == 0:
		v.Delivery = "The saved Webhook URL names no instance: it should end with /events/hootsuite/ and the base64-encoded instance id."
	case !st.found:
		v.Delivery = "Instance " + id + " does not exist in this sandbox."
	case !st.eventsEnabled:
		v.Delivery = "Instance " + id + " has events disabled: the platform answers its webhooks 404 and delivers nothing."
	case d != nil:
		text, ok, failed := describeDelivery(*d)
		v.Delivery, v.DeliveryClass = text, outcomeClass(ok, failed)
	case st.DeliveryURL == "":
		v.Delivery = "Instance " + id + " delivers nothing: its event.notification.callback.url is not a receiver of yours " +
			"(it is empty, or the platform's own events URL). PATCH it with your receiver's URL."
	default:
		v.Delivery = "Instance " + id + " delivers its events to " + displayURL(st.DeliveryURL) + "; nothing was delivered yet."
	}
	return v
}

// describeDelivery is a delivery's outcome in a sentence.
func describeDelivery(d Delivery) (text string, ok, failed bool) {
	head := "Delivery " + shortID(d.ID) + " of instance " + strconv.FormatInt(d.InstanceID, 10) + "'s events to " + displayURL(d.URL)
	n := len(d.Attempts)
	var last Attempt
	if n > 0 {
		last = d.Attempts[n-1]
	}
	switch d.State {
	case DeliveryDelivered:
		return fmt.Sprintf("%s: delivered, %s (attempt %d, at %s).", head, describeAttempt(last), n, last.At.Format("15:04:05")), true, false
	case DeliveryFailed:
		return fmt.Sprintf("%s: failed after %d attempts; the last: %s.", head, n, describeAttempt(last)), false, true
	case DeliveryStopped:
		return head + ": stopped, the sandbox closed before it was delivered.", false, true
	}
	if n == 0 {
		return head + ": sending…", false, false
	}
	return fmt.Sprintf("%s: attempt %d: %s; trying again…", head, n, describeAttempt(last)), false, false
}
