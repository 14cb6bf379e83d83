package setup

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"

	"hootwire/internal/termsafe"
	"hootwire/oauthflow"
)

// DefaultListenAddr is where hootwire receives events on this machine when
// no address is given: loopback, beside the callback's 4668 and the
// standalone sandbox's 4669.
const DefaultListenAddr = "127.0.0.1:4670"

// FieldSignatureKey names the signature key input.
var FieldSignatureKey = Field{"event signature key", "", "HOOTWIRE_SIGNATURE_KEY"}

// CheckSignatureKey accepts a key of at least 16 characters with no space
// or control character: it is sent in the create body and compared on
// every event.
func CheckSignatureKey(v string) error {
	switch {
	case len(v) < 16:
		return errors.New("shorter than 16 characters: give a longer key, or leave it out for a random one")
	case strings.ContainsAny(v, " \t") || !termsafe.Safe(v):
		return errors.New("holds a space or a control character: a key is one word")
	}
	return nil
}

// CheckListenAddr accepts host:port; a host that is not loopback is the
// user's explicit choice.
func CheckListenAddr(v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil || port == "" || host == "" {
		return errors.New("must be host:port, as in " + DefaultListenAddr)
	}
	return nil
}

// ListenOnLoopback reports whether addr is on this machine only.
func ListenOnLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && oauthflow.IsLoopbackHost(host)
}

// newSignatureKey is a random key: 32 bytes from crypto/rand, base64url.
func newSignatureKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make the event signature key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SignatureKey is the key the instance's events are signed with; empty
// when they are not.
func (p *Procedure) SignatureKey() string { return p.Session().SignatureKey }

// EventsHere reports whether hootwire receives the events itself.
func (p *Procedure) EventsHere() bool { return p.Session().EventsHere }

// ListenAddr is where hootwire receives the events, when it does.
func (p *Procedure) ListenAddr() string { return p.Session().ListenAddr }

// Receive gives the URL events reach hootwire at, once its receiver
// listens, when the setup named none (the sandbox: the receiver's own
// loopback URL).
func (p *Procedure) Receive(url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.session.EventsHere && p.session.EventCallbackURL == "" {
		p.session.EventCallbackURL = url
	}
}

// Registration says what is known of the webhook URL's registration at
// Hootsuite: in the sandbox, hootwire asks its app page, and registers it
// there itself when it is not, so a demo needs no browser; at a real
// Hootsuite nothing can be checked from here.
func (p *Procedure) Registration() (string, error) {
	app := p.target.App
	if app == nil {
		return "hootwire cannot see what is registered at Hootsuite; the Finish step shows the first event if one arrives.", nil
	}
	want := p.WebhookURL()
	if app.AppStatus().WebhookURL == want {
		status, err := app.SendWebhook("ping")
		if err != nil {
			return "", fmt.Errorf("send a ping from the sandbox's app page: %w", err)
		}
		return fmt.Sprintf("The sandbox's app page holds the webhook URL; Send ping webhook answered %d.", status), nil
	}
	if err := app.SaveWebhookURL(want); err != nil {
		return "", fmt.Errorf("save the webhook URL on the sandbox's app page: %w", err)
	}
	status, err := app.SendWebhook("ping")
	if err != nil {
		return "", fmt.Errorf("send a ping from the sandbox's app page: %w", err)
	}
	return fmt.Sprintf("The sandbox's app page had no webhook URL, so hootwire saved it there for you; Send ping webhook answered %d.", status), nil
}

// SendEvent has the sandbox's Hootsuite send a webhook of kind ("ping",
// "message" or "comment"), as its app page's buttons do.
func (p *Procedure) SendEvent(kind string) (int, error) {
	if p.target.App == nil {
		return 0, errors.New("only the sandbox's Hootsuite can be asked to send an event from here: at Hootsuite, press Send ping webhook on your app")
	}
	return p.target.App.SendWebhook(kind)
}
