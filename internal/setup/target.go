package setup

import (
	"fmt"
	"net/url"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/oauthflow"
)

// PresetHosts are the Open Connectors platforms seen in public material,
// the doc's us2 first. No official list exists: any URL is accepted too.
var PresetHosts = []string{
	"https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.eu10.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.us10.ext.hana.ondemand.com/elements/api-v2",
	"https://api.openconnectors.ext.hana.ondemand.com/elements/api-v2",
	"https://api.cloud-elements.com/elements/api-v2",
}

// Approver approves the consent page on the user's behalf and returns
// where the provider sends the browser back to: the built-in sandbox can,
// so a demo runs where no browser opens. A real provider cannot.
type Approver interface {
	Approve(authURL string) (*url.URL, error)
}

// Target is the platform a setup runs on: its base URL and, for the built-in
// sandbox, the sandbox itself. Everything that differs in the sandbox (the
// badge, the approve key, the demo credentials, nothing saved) follows from
// the target, so it cannot outlive the choice of it.
type Target struct {
	BaseURL string   // normalized: ends in /elements/api-v2
	Sandbox Approver // non-nil for the built-in sandbox
	// Root is the sandbox's own address, for its Hootsuite app page.
	Root string
	// App is the sandbox's stand-in for the Hootsuite app page, which a demo
	// drives on the user's behalf; nil for a real platform.
	App SandboxApp
	// AllowPlainHTTP is the user's explicit yes to a plain http:// platform
	// that is not on this machine (--allow-plain-http, or the wizard's
	// question answered).
	AllowPlainHTTP bool
}

// PlainHTTP reports whether the target is plain http:// on another
// machine: every secret of the setup would cross the network unencrypted.
// Plain http:// on this machine (the sandbox, a local test platform)
// stays on the loopback interface.
func (t Target) PlainHTTP() bool {
	u, err := url.Parse(t.BaseURL)
	return err == nil && u.Scheme == "http" && !oauthflow.IsLoopbackHost(u.Hostname())
}

// PlainHTTPError refuses a plain http:// platform on another machine that
// the user did not explicitly allow.
type PlainHTTPError struct{ Host string }

func (e *PlainHTTPError) Error() string {
	return fmt.Sprintf("the platform URL is plain http:// on %s: the User and Organization secrets, the client secret and the grant code would cross the network unencrypted. Use its https:// URL, or, if you mean it (a test platform on your own network), allow it with --allow-plain-http", e.Host)
}

// Warning is the question a front end asks before it allows the platform.
func (e *PlainHTTPError) Warning() string {
	return fmt.Sprintf("This platform URL is plain http:// on %s, another machine: the User and Organization secrets, the client secret and the grant code would cross the network unencrypted. Use it anyway?", e.Host)
}

// Host is the platform's host and port.
func (t Target) Host() string {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return t.BaseURL
	}
	return u.Host
}

// Is makes the refusal bad input: exit status 2.
func (e *PlainHTTPError) Is(target error) bool { return target == ErrBadInput }

// NewTarget is the platform at raw, a base URL as a user gives it.
func NewTarget(raw string) (Target, error) {
	base, err := api.NormalizeBaseURL(raw)
	if err != nil {
		return Target{}, err
	}
	return Target{BaseURL: base}, nil
}

// SandboxTarget is the built-in sandbox running at srv.
func SandboxTarget(srv *sandbox.Server) Target {
	return Target{BaseURL: srv.BaseURL, Sandbox: srv, Root: srv.URL, App: srv}
}

// SandboxApp is what the sandbox's Hootsuite app page does, called in
// process: save the webhook URL, send a webhook, say what it holds.
type SandboxApp interface {
	SaveWebhookURL(u string) error
	SendWebhook(kind string) (status int, err error)
	AppStatus() sandbox.AppStatus
}

// IsSandbox reports whether the target is the built-in sandbox.
func (t Target) IsSandbox() bool { return t.Sandbox != nil }

// AppPage is the sandbox's stand-in for the Hootsuite app settings page,
// where the webhook URL is registered; empty for a real platform.
func (t Target) AppPage() string {
	if !t.IsSandbox() {
		return ""
	}
	return t.Root + "/hootsuite/app"
}

// Demo gives the inputs the sandbox's demo credentials; on a real
// platform it changes nothing. They replace what the environment gave: a
// real secret has no business in the sandbox, which would refuse it.
func (t Target) Demo(in Inputs) Inputs {
	if !t.IsSandbox() {
		return in
	}
	demo := DemoInputs()
	in.UserSecret, in.OrgSecret, in.ClientID, in.ClientSecret = demo.UserSecret, demo.OrgSecret, demo.ClientID, demo.ClientSecret
	return in
}

// DemoInputs are the sandbox's demo credentials, which a front end also
// drops from its fields when the user turns from the sandbox to a real
// platform.
func DemoInputs() Inputs {
	return Inputs{
		UserSecret: sandbox.DemoUserSecret, OrgSecret: sandbox.DemoOrgSecret,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret,
	}
}
