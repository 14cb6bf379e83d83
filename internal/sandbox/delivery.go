package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What a delivery to an instance's event.notification.callback.url carries,
// as Open Connectors sends it.
const (
	// deliveryUserAgent marks the sandbox's deliveries, so that a delivery
	// that reaches the sandbox's own events endpoint or its app page's
	// buttons is never delivered or sent on again.
	deliveryUserAgent = "hootwire-sandbox"

	// HeaderWebhookID carries a delivery's id, the same on every attempt.
	HeaderWebhookID = "Elements-Webhook-Id"
	// HeaderWebhookSignature carries "sha256=" and the standard base64 of the
	// HMAC-SHA256 of the raw body under the instance's
	// event.notification.signature.key; it is left out when the instance has
	// no key.
	HeaderWebhookSignature = "Elements-Webhook-Signature"

	// DeliveryTimeout bounds one delivery attempt.
	DeliveryTimeout = 10 * time.Second

	// maxDeliveries is how many deliveries the sandbox remembers; older ones
	// are forgotten first.
	maxDeliveries = 1000
)

// DeliveryWaits returns the waits before the second, third and fourth
// attempt of a delivery whose attempt failed (a network error or a status
// other than 2xx). A delivery makes at most len(DeliveryWaits())+1
// attempts.
func DeliveryWaits() []time.Duration {
	return []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second}
}

// DeliveryState is where a delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending   DeliveryState = "pending"   // an attempt is under way or the next one is waiting
	DeliveryDelivered DeliveryState = "delivered" // an attempt was answered 2xx
	DeliveryFailed    DeliveryState = "failed"    // every attempt failed
	DeliveryStopped   DeliveryState = "stopped"   // the sandbox stopped before it was delivered
)

// Delivery is one webhook the platform received and posts on to the
// instance's event.notification.callback.url, with every attempt so far.
type Delivery struct {
	ID         string        `json:"id"`         // the Elements-Webhook-Id header and the body's eventId
	InstanceID int64         `json:"instanceId"` // the instance the webhook was for
	URL        string        `json:"url"`        // the event.notification.callback.url it goes to
	Type       string        `json:"type"`       // its events' objectType ("ping", "messages", "comments", "apps"), comma-separated when they differ; "" for none
	Received   time.Time     `json:"received"`   // when the webhook reached the platform
	State      DeliveryState `json:"state"`
	Attempts   []Attempt     `json:"attempts"`
}

// Attempt is one POST: of a delivery, or of a webhook the Hootsuite app sent.
type Attempt struct {
	At     time.Time `json:"at"`
	Status int       `json:"status"`          // the answer's status code; 0 when there was none
	Err    string    `json:"error,omitempty"` // why there was no answer, "" when there was one
}

// OK reports whether the attempt was answered 2xx.
func (a Attempt) OK() bool { return a.Err == "" && a.Status >= 200 && a.Status < 300 }

// Deliveries returns every delivery the sandbox remembers, oldest first.
func (s *Sandbox) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.deliveries))
	for _, d := range s.deliveries {
		out = append(out, d.copy())
	}
	return out
}

func (d *Delivery) copy() Delivery {
	c := *d
	c.Attempts = append([]Attempt{}, d.Attempts...)
	return c
}

// Stop ends the sandbox's background work: it cancels the deliveries in
// flight (and their waits) and any webhook SendWebhook is sending, and
// waits until every delivery has returned. Webhooks received afterwards
// are still answered, and recorded as stopped deliveries. Server.Close
// calls it; a Sandbox served some other way (httptest) should be stopped
// when it is done with. It is safe to call more than once.
func (s *Sandbox) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.stopLife()
	s.running.Wait()
}

// newDeliveryClient is the client deliveries use unless Options says
// otherwise: no proxy for a loopback target, a time-out per attempt, no
// redirect followed (a 3xx is a failed attempt, as on the platform), no
// idle connection left behind.
func newDeliveryClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = proxyExceptLoopback(http.ProxyFromEnvironment)
	tr.DisableKeepAlives = true
	return &http.Client{
		Transport:     tr,
		Timeout:       DeliveryTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// proxyExceptLoopback asks proxy for every target that is not on this
// machine; a loopback target is always reached directly.
func proxyExceptLoopback(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	return func(r *http.Request) (*url.URL, error) {
		if isLoopbackHost(r.URL.Hostname()) {
			return nil, nil
		}
		return proxy(r)
	}
}

func isLoopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// deliveryTarget is where the platform delivers an instance's events: its
// event.notification.callback.url when that is an http(s) URL and not a
// placeholder (the platform's own events endpoint, or the instance's own
// webhook URL, which would loop); "" otherwise. s.mu must be held.
func deliveryTarget(in *instance) string {
	v := in.config[keyEventCallbackURL]
	if v == nil || *v == "" {
		return ""
	}
	u, err := url.Parse(*v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return ""
	}
	p := strings.TrimRight(u.Path, "/")
	const events = "/events/" + ElementKey
	if strings.HasSuffix(p, events) {
		return "" // the platform's events endpoint: the doc's placeholder
	}
	if head, last, ok := cutLast(p); ok && strings.HasSuffix(head, events) {
		if decoded, err := base64.StdEncoding.DecodeString(last); err == nil && string(decoded) == strconv.FormatInt(in.id, 10) {
			return "" // the instance's own webhook URL
		}
	}
	return *v
}

// cutLast splits a path at its last slash.
func cutLast(p string) (head, last string, ok bool) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", "", false
	}
	return p[:i], p[i+1:], true
}

// outgoing is what a delivery sends on every attempt.
type outgoing struct {
	d         *Delivery // recorded in s.deliveries; changed under s.mu only
	body      []byte
	signature string // "" when the instance has no signature key
}

// recordDelivery remembers d, forgetting the oldest beyond maxDeliveries.
// s.mu must be held.
func (s *Sandbox) recordDelivery(d *Delivery) {
	if len(s.deliveries) >= maxDeliveries {
		s.deliveries = append(s.deliveries[:0], s.deliveries[len(s.deliveries)-maxDeliveries+1:]...)
	}
	s.deliveries = append(s.deliveries, d)
}

// deliver makes the attempts of one delivery; s.running counts it.
func (s *Sandbox) deliver(o outgoing) {
	defer s.running.Done()
	for n := 1; ; n++ {
		a := s.attempt(o)
		state := DeliveryPending
		switch {
		case a.OK():
			state = DeliveryDelivered
		case s.life.Err() != nil:
			state = DeliveryStopped
		case n > len(s.waits):
			state = DeliveryFailed
		}
		// Logged before it is recorded: whoever sees the attempt in
		// Deliveries finds its line in the log.
		s.logDelivery(o.d.ID, o.d.URL, a, n)
		if state == DeliveryFailed {
			s.logf("delivery %s to %s: gave up after %d attempts", shortID(o.d.ID), displayURL(o.d.URL), n)
		}
		s.mu.Lock()
		o.d.Attempts = append(o.d.Attempts, a)
		o.d.State = state
		s.mu.Unlock()
		if state != DeliveryPending {
			return
		}
		if err := s.wait(s.life, s.waits[n-1]); err != nil || s.life.Err() != nil {
			s.mu.Lock()
			o.d.State = DeliveryStopped
			s.mu.Unlock()
			return
		}
	}
}

// attempt posts a delivery once.
func (s *Sandbox) attempt(o outgoing) Attempt {
	at := s.now()
	req, err := http.NewRequestWithContext(s.life, http.MethodPost, o.d.URL, bytes.NewReader(o.body))
	if err != nil {
		return Attempt{At: at, Err: errText(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", deliveryUserAgent)
	req.Header.Set(HeaderWebhookID, o.d.ID)
	if o.signature != "" {
		req.Header.Set(HeaderWebhookSignature, o.signature)
	}
	resp, err := s.delivery.Do(req)
	if err != nil {
		if s.life.Err() != nil {
			return Attempt{At: at, Err: "stopped: the sandbox closed before an answer came"}
		}
		return Attempt{At: at, Err: errText(err)}
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return Attempt{At: at, Status: resp.StatusCode}
}

// errText is a request's error without the URL net/http puts in it (a
// URL's query may carry a secret): what went wrong, on one line.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return oneLine(err.Error())
}

// waitTimer waits d, or until ctx is done.
func waitTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// describeAttempt is an attempt's outcome in a few words: "200 OK" or the error.
func describeAttempt(a Attempt) string {
	if a.Err != "" {
		return "error: " + a.Err
	}
	if t := http.StatusText(a.Status); t != "" {
		return fmt.Sprintf("%d %s", a.Status, t)
	}
	return strconv.Itoa(a.Status)
}
