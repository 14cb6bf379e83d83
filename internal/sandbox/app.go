package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The webhooks the Hootsuite app page's buttons (and SendWebhook) send.
const (
	messagePath = "/hootsuite/app/message"
	commentPath = "/hootsuite/app/comment"
)

// webhookKind is one button of the app page.
type webhookKind struct {
	label     string // what the page says it sent: "Ping sent: 200 OK"
	hootsuite string // the event's type
}

var webhookKinds = map[string]webhookKind{
	"ping":    {"Ping", typePing},
	"message": {"Message event", typeMessages},
	"comment": {"Comment event", typeComments},
}

// ErrNoWebhookURL is SendWebhook's error when no Webhook URL is saved.
var ErrNoWebhookURL = errors.New("no Webhook URL is saved on the Hootsuite app: save one first (the app page's Save, or SaveWebhookURL)")

// SentWebhook is a webhook the Hootsuite app sent, and its answer.
type SentWebhook struct {
	Kind string `json:"kind"` // "ping", "message" or "comment"
	Attempt
}

// AppStatus is what the Hootsuite app settings page shows about webhooks.
type AppStatus struct {
	WebhookURL   string       `json:"webhookUrl"`   // the saved Webhook URL, "" when none is
	InstanceID   int64        `json:"instanceId"`   // the sandbox instance the Webhook URL names, 0 when it names none
	DeliveryURL  string       `json:"deliveryUrl"`  // where that instance's events are delivered, "" when they are not (see deliveryTarget)
	LastPing     *Attempt     `json:"lastPing"`     // the last ping sent, nil when none was
	LastSent     *SentWebhook `json:"lastSent"`     // the last webhook of any kind sent, nil when none was
	LastDelivery *Delivery    `json:"lastDelivery"` // the last delivery of InstanceID's events, nil when none was
}

// SaveWebhookURL does what pasting u into the app page's Webhook URL field
// and pressing Save does: it saves an absolute http(s) URL (spaces around
// it trimmed), or refuses it with the page's message.
func (s *Sandbox) SaveWebhookURL(u string) error {
	raw := strings.TrimSpace(u)
	if msg := checkWebhookURL(raw); msg != "" {
		return errors.New(msg)
	}
	s.mu.Lock()
	s.webhookURL = raw
	s.mu.Unlock()
	return nil
}

// SendWebhook does what the app page's buttons do: it posts a Hootsuite
// webhook of kind "ping", "message" or "comment" to the saved Webhook URL
// and returns the answer's status code. The error is ErrNoWebhookURL when
// no URL is saved, and says what went wrong when no answer came. Stop
// cancels a send under way.
func (s *Sandbox) SendWebhook(kind string) (status int, err error) {
	a, err := s.sendWebhook(context.Background(), kind)
	return a.Status, err
}

// AppStatus reports what the app page shows: the saved Webhook URL, the
// last webhooks sent, and the last delivery of the instance the Webhook URL
// names.
func (s *Sandbox) AppStatus() AppStatus {
	return s.appState().AppStatus
}

// appState is AppStatus and what the page also says about the instance.
type appState struct {
	AppStatus
	found, eventsEnabled bool
}

func (s *Sandbox) appState() appState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := appState{AppStatus: AppStatus{WebhookURL: s.webhookURL}}
	if s.lastPing != nil {
		a := *s.lastPing
		st.LastPing = &a
	}
	if s.lastSent != nil {
		sw := *s.lastSent
		st.LastSent = &sw
	}
	id, ok := webhookInstance(s.webhookURL)
	if !ok {
		return st
	}
	st.InstanceID = id
	if in, found := s.instances[id]; found {
		st.found, st.eventsEnabled = true, in.eventsEnabled
		if in.eventsEnabled {
			st.DeliveryURL = deliveryTarget(in)
		}
	}
	for i := len(s.deliveries) - 1; i >= 0; i-- {
		if d := s.deliveries[i]; d.InstanceID == id {
			c := d.copy()
			st.LastDelivery = &c
			break
		}
	}
	return st
}

// webhookInstance is the instance id a Webhook URL names: its path ends
// with /events/hootsuite/ and the base64 of the id.
func webhookInstance(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, false
	}
	head, last, ok := cutLast(u.Path)
	if !ok || !strings.HasSuffix(head, "/events/"+ElementKey) {
		return 0, false
	}
	decoded, err := base64.StdEncoding.DecodeString(last)
	if err != nil || len(decoded) == 0 || strings.TrimLeft(string(decoded), "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(string(decoded), 10, 64)
	return id, err == nil
}

// sendWebhook posts a webhook of a kind to the saved Webhook URL, under ctx
// and the sandbox's life, and records it.
func (s *Sandbox) sendWebhook(ctx context.Context, kind string) (Attempt, error) {
	k, ok := webhookKinds[kind]
	if !ok {
		return Attempt{}, fmt.Errorf("unknown webhook kind %q: use ping, message or comment", kind)
	}
	s.mu.Lock()
	target := s.webhookURL
	if target == "" {
		s.mu.Unlock()
		return Attempt{}, ErrNoWebhookURL
	}
	s.seqNo++
	seq := s.seqNo
	now := s.now()
	s.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(s.life, cancel)()

	a := Attempt{At: now}
	var sendErr error
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(hootsuiteWebhook(k.hootsuite, seq, now)))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", webhookUserAgent)
		var resp *http.Response
		if resp, err = s.client.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyBytes))
			resp.Body.Close()
			a.Status = resp.StatusCode
		}
	}
	if err != nil {
		a.Err = errText(err)
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message would repeat the URL, query and all
		}
		sendErr = fmt.Errorf("send the %s webhook to %s: %w", kind, displayURL(target), err)
	}
	s.mu.Lock()
	s.lastSent = &SentWebhook{Kind: kind, Attempt: a}
	if kind == "ping" {
		p := a
		s.lastPing = &p
	}
	s.mu.Unlock()
	outcome := strconv.Itoa(a.Status)
	if a.Err != "" {
		outcome = "error: " + a.Err
	}
	s.logf("webhook %s to %s: %s", kind, displayURL(target), outcome)
	return a, sendErr
}

// hookEvent is one event of a Hootsuite webhook.
type hookEvent struct {
	SeqNo string `json:"seq_no"`
	Type  string `json:"type"`
	Data  any    `json:"data"`
}

type idJSON struct {
	ID string `json:"id"`
}

// hootsuiteWebhook is the body Hootsuite posts: a JSON array of one event.
func hootsuiteWebhook(typ string, seq int, now time.Time) []byte {
	ts := now.UTC().Format("2006-01-02T15:04:05.000Z")
	id := strconv.FormatInt(9_000_000_000+int64(seq), 10)
	var data any
	switch typ {
	case typeMessages:
		data = struct {
			State     string `json:"state"`
			Message   idJSON `json:"message"`
			Timestamp string `json:"timestamp"`
		}{"SENT", idJSON{id}, ts}
	case typeComments:
		data = struct {
			Comment   idJSON `json:"comment"`
			Timestamp string `json:"timestamp"`
		}{idJSON{id}, ts}
	default:
		data = map[string]string{"timestamp": ts}
	}
	b, err := json.Marshal([]hookEvent{{SeqNo: strconv.Itoa(seq), Type: typ, Data: data}})
	if err != nil {
		panic("sandbox: cannot encode a webhook: " + err.Error()) // strings only: cannot happen
	}
	return b
}
