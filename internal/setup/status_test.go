package setup

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// status checks s on f's platform with f's account, as hootwire status does.
func (f *fixture) status(t *testing.T, s Session) (Report, error) {
	t.Helper()
	return f.statusWith(t, s, f.in.Account(), CheckOptions{API: testOptions(nil).API, Ref: "a1b2c3"})
}

func (f *fixture) statusWith(t *testing.T, s Session, acct Account, opts CheckOptions) (Report, error) {
	t.Helper()
	target, err := NewTarget(f.sb.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	return Check(ctx, target, s, acct, opts)
}

// created runs f's setup up to the create: the instance exists, its event
// callback URL is still the create's placeholder.
func (f *fixture) created(t *testing.T) {
	t.Helper()
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// finished runs f's setup to its end.
func (f *fixture) finished(t *testing.T) {
	t.Helper()
	f.created(t)
	if err := f.proc.MarkRegistered(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.proc.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// client is a platform client of f's account, acting at the platform as
// someone else than hootwire would (in Open Connectors' own pages, say).
func (f *fixture) client(t *testing.T) *api.Client {
	t.Helper()
	c, err := api.New(f.sb.BaseURL, f.in.UserSecret, f.in.OrgSecret, testOptions(nil).API)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// states is each check's name and state, in order: "name=state ...".
func states(r Report) string {
	var out []string
	for _, c := range r.Checks {
		out = append(out, c.Name+"="+string(c.State))
	}
	return strings.Join(out, " ")
}

func wantStates(t *testing.T, r Report, want string) {
	t.Helper()
	if got := states(r); got != strings.Join(strings.Fields(want), " ") {
		t.Errorf("checks:\n  %s\nwant\n  %s\nreport: %+v", got, strings.Join(strings.Fields(want), " "), r)
	}
}

// detail is the named check's detail, or fails the test.
func detail(t *testing.T, r Report, name string) string {
	t.Helper()
	c, ok := r.Find(name)
	if !ok {
		t.Fatalf("no check %s in %+v", name, r)
	}
	return c.Detail
}

func TestStatusOfACompleteSetup(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	r, err := f.status(t, f.proc.Session())
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=ok instance_valid=ok events_enabled=ok callback_not_placeholder=ok
		callback_as_chosen=ok webhook_url=ok signature_key=ok`)
	if !r.OK() {
		t.Errorf("a complete setup should be OK: %+v", r)
	}
	hook, _ := r.Find(StatusWebhookURL)
	if hook.Value != f.proc.WebhookURL() || hook.Required {
		t.Errorf("webhook_url should give the URL to register, for information: %+v", hook)
	}
	as, _ := r.Find(StatusCallbackAsChosen)
	if as.Value != f.proc.WebhookURL() || !strings.Contains(as.Detail, "the doc's choice") {
		t.Errorf("callback_as_chosen should say where events go: %+v", as)
	}
	if r.SessionID != f.proc.Session().ID || r.InstanceID != f.proc.Session().InstanceID {
		t.Errorf("the report should name the setup: %+v", r)
	}

	// The JSON a script reads: ok, and every check by its stable name.
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Name, State string
			Required    bool
		} `json:"checks"`
	}
	if err := json.Unmarshal(data, &decoded); err != nil || !decoded.OK || len(decoded.Checks) != 7 ||
		decoded.Checks[0].Name != "instance_exists" || decoded.Checks[0].State != "ok" || !decoded.Checks[0].Required {
		t.Errorf("JSON %s: %+v, %v", data, decoded, err)
	}
	for _, secret := range []string{f.in.UserSecret, f.in.OrgSecret, f.proc.Session().Token, f.proc.SignatureKey()} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the report holds a secret: %s", data)
		}
	}
	if len(f.sb.Instances()) != 1 || f.sb.Instances()[0].Patches != 1 {
		t.Errorf("status must change nothing at the platform: %+v", f.sb.Instances())
	}
}

// TestStatusOfEventsToTheUsersApp: the chosen URL is the app's, and
// events are unsigned by choice, which still works.
func TestStatusOfEventsToTheUsersApp(t *testing.T) {
	f := newFixture(t, func(in *Inputs) {
		in.EventCallbackURL = "https://app.example.com/hooks/hootsuite"
		in.NoSignatureKey = true
	})
	f.finished(t)
	r, err := f.status(t, f.proc.Session())
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=ok instance_valid=ok events_enabled=ok callback_not_placeholder=ok
		callback_as_chosen=ok webhook_url=ok signature_key=unknown`)
	if !r.OK() {
		t.Errorf("unsigned events are a choice: the setup works: %+v", r)
	}
	if d := detail(t, r, StatusCallbackAsChosen); !strings.Contains(d, "your app, https://app.example.com/hooks/hootsuite") {
		t.Errorf("callback_as_chosen = %q", d)
	}
	if d := detail(t, r, StatusSignatureKey); !strings.Contains(d, "not signed") {
		t.Errorf("signature_key should warn of unsigned events: %q", d)
	}
}

func TestStatusOfAHalfDoneSetup(t *testing.T) {
	f := newFixture(t, nil)
	f.created(t)
	r, err := f.status(t, f.proc.Session())
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=ok instance_valid=ok events_enabled=ok callback_not_placeholder=failed
		callback_as_chosen=failed webhook_url=ok signature_key=ok`)
	if r.OK() {
		t.Error("a setup whose callback is the placeholder does not work")
	}
	if d := detail(t, r, StatusCallbackNotPlaceholder); !strings.Contains(d, "placeholder") || !strings.Contains(d, "hootwire --resume a1b2c3") {
		t.Errorf("callback_not_placeholder should say to finish the setup: %q", d)
	}
	as, _ := r.Find(StatusCallbackAsChosen)
	if as.Value != api.EventsURL(f.sb.BaseURL) || !strings.Contains(as.Detail, f.proc.WebhookURL()) {
		t.Errorf("callback_as_chosen should show what is there and what was chosen: %+v", as)
	}

	// Once finished, the same setup checks out.
	if err := f.proc.MarkRegistered(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.proc.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, err := f.status(t, f.proc.Session()); err != nil || !r.OK() {
		t.Errorf("after Finish: %+v, %v", r, err)
	}
}

// TestStatusAfterChangesAtThePlatform: someone turned events off and
// pointed them elsewhere in Open Connectors after the setup finished.
func TestStatusAfterChangesAtThePlatform(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	s := f.proc.Session()
	patch := api.InstancePatch{Configuration: map[string]string{
		api.KeyEventsEnabled:    "false",
		api.KeyEventCallbackURL: "https://elsewhere.example.com/x",
	}}
	if _, err := f.client(t).PatchInstance(t.Context(), s.InstanceID, patch); err != nil {
		t.Fatal(err)
	}
	r, err := f.status(t, s)
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=ok instance_valid=ok events_enabled=failed callback_not_placeholder=ok
		callback_as_chosen=failed webhook_url=ok signature_key=ok`)
	if d := detail(t, r, StatusEventsEnabled); !strings.Contains(d, "set event.notification.enabled to true") {
		t.Errorf("events_enabled should say what to do: %q", d)
	}
	d := detail(t, r, StatusCallbackAsChosen)
	if !strings.Contains(d, "https://elsewhere.example.com/x") || !strings.Contains(d, "changed at the platform after the setup finished") ||
		!strings.Contains(d, "back to "+f.proc.WebhookURL()) {
		t.Errorf("callback_as_chosen should say what changed and how to set it back: %q", d)
	}
}

func TestStatusOfAnInstanceDeletedAtThePlatform(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	s := f.proc.Session()
	if err := f.client(t).DeleteInstance(t.Context(), s.InstanceID); err != nil {
		t.Fatal(err)
	}
	r, err := f.status(t, s)
	if err != nil {
		t.Fatalf("a deleted instance is reported, not an error: %v", err)
	}
	wantStates(t, r, `instance_exists=failed instance_valid=unknown events_enabled=unknown callback_not_placeholder=unknown
		callback_as_chosen=unknown webhook_url=unknown signature_key=unknown`)
	if d := detail(t, r, StatusInstanceExists); !strings.Contains(d, "deleted at the platform") || !strings.Contains(d, "hootwire sessions rm a1b2c3") {
		t.Errorf("instance_exists should say it was deleted and how to forget it: %q", d)
	}
	if r.OK() {
		t.Error("a deleted instance does not work")
	}
}

// TestStatusDoesNotCallAnInstanceDeletedOnA404Alone: a 404 is also what a
// base URL that is not the platform's answers; unless the account is seen
// to work, it is an error, and the saved token is not called forgettable.
func TestStatusDoesNotCallAnInstanceDeletedOnA404Alone(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpGetInstance, Status: 404})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 404})
	r, err := f.status(t, f.proc.Session())
	if err == nil {
		t.Fatalf("want an error, got %+v", r)
	}
	if ExitStatus(context.Background(), err) != ExitAPI || !strings.Contains(err.Error(), "the account check failed too") ||
		!strings.Contains(err.Error(), "base URL") || strings.Contains(err.Error(), "sessions rm") {
		t.Errorf("the error should say the account check failed and point at the base URL: %v", err)
	}
}

// TestStatusOfASetupAbandonedByHootwire: the user chose to delete it.
func TestStatusOfASetupAbandonedByHootwire(t *testing.T) {
	f := newFixture(t, nil)
	f.created(t)
	if err := f.proc.Delete(t.Context()); err != nil {
		t.Fatal(err)
	}
	r, err := f.status(t, f.proc.Session())
	if err != nil {
		t.Fatal(err)
	}
	if d := detail(t, r, StatusInstanceExists); !strings.Contains(d, "is gone: hootwire deleted it (hootwire delete") {
		t.Errorf("instance_exists = %q", d)
	}
}

// TestStatusOfASetupWithNoInstance needs neither the platform nor the
// account: there is nothing to read.
func TestStatusOfASetupWithNoInstance(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpGetInstance, Status: 500})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 500})
	s := f.proc.Session()
	r, err := f.statusWith(t, s, Account{}, CheckOptions{Ref: "a1b2c3"})
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=failed instance_valid=unknown events_enabled=unknown callback_not_placeholder=unknown
		callback_as_chosen=unknown webhook_url=unknown signature_key=unknown`)
	if d := detail(t, r, StatusInstanceExists); d != "not created yet: hootwire --resume a1b2c3" {
		t.Errorf("instance_exists = %q", d)
	}

	s.CreateSent = true
	r, err = f.statusWith(t, s, Account{}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := detail(t, r, StatusInstanceExists); !strings.Contains(d, "may exist") || !strings.Contains(d, "hootwire --resume "+s.ID) {
		t.Errorf("a create without a clear answer may have made the instance: %q", d)
	}
}

// TestStatusErrorsNeverShowASecret runs into every way reading the
// instance can fail, and into a platform that quotes the secrets back:
// each is an error with the documented exit status, saying what failed,
// with no secret in it. A 404 is the one answer that makes a report.
func TestStatusErrorsNeverShowASecret(t *testing.T) {
	type row struct {
		name  string
		fault sandbox.Fault
		says  string
	}
	var rows []row
	for _, nf := range sandbox.Catalog(sandbox.OpGetInstance, 6) {
		rows = append(rows, row{nf.Name, nf.Fault, sandboxtest.FaultSays(t, nf.Name)})
	}
	const quoting = "the platform quotes the secrets"
	rows = append(rows, row{name: quoting, says: "HTTP 500"}, row{name: quoting + " in a page", says: "HTTP 502"})

	for _, rw := range rows {
		t.Run(rw.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			f.finished(t)
			s := f.proc.Session()
			secrets := []string{f.in.UserSecret, f.in.OrgSecret, s.Token, s.SignatureKey}
			// Not in the shape of an Authorization header, which is
			// masked by its shape alone: only knowing them masks these.
			echo := "key " + s.SignatureKey + "; token " + s.Token + "; secrets " + f.in.UserSecret + " and " + f.in.OrgSecret
			switch rw.name {
			case quoting:
				rw.fault = sandbox.Fault{Op: sandbox.OpGetInstance, Status: 500, Message: "failed for " + echo, ProviderMessage: echo}
			case quoting + " in a page":
				rw.fault = sandbox.Fault{Op: sandbox.OpGetInstance, Status: 502, Body: "<html><body>" + echo + "</body></html>", ContentType: "text/html"}
			}
			f.sb.InjectFault(rw.fault)
			opts := CheckOptions{API: testOptions(nil).API}
			opts.API.Timeout = 500 * time.Millisecond // the slow fault waits past it
			r, err := f.statusWith(t, s, f.in.Account(), opts)
			if rw.name == "404" {
				if err != nil || r.Checks[0].State != CheckFailed {
					t.Fatalf("a 404 with a working account is a deleted instance: %+v, %v", r, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error, got %+v", r)
			}
			msg := err.Error()
			for _, secret := range secrets {
				if strings.Contains(msg, secret) {
					t.Errorf("the error shows a secret: %s", msg)
				}
			}
			if !strings.HasPrefix(msg, "status: instance ") || !strings.Contains(msg, "read instance") || !strings.Contains(msg, rw.says) {
				t.Errorf("the error should say it was the status's read of the instance, and %q: %s", rw.says, msg)
			}
			want := ExitAPI
			if api.IsNetwork(err) {
				want = ExitNetwork
			}
			switch rw.name {
			case "slow past the time-out", "dropped before the request", "dropped after the request":
				if want != ExitNetwork {
					t.Errorf("no answer is a network failure: %v", err)
				}
			}
			if got := ExitStatus(context.Background(), err); got != want {
				t.Errorf("exit status %d, want %d: %s", got, want, msg)
			}
		})
	}
}

// TestStatusWithWrongSecrets: refused secrets are an error, masked, and
// malformed ones are refused before anything is sent.
func TestStatusWithWrongSecrets(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	s := f.proc.Session()
	wrong := Account{UserSecret: "wrong-user-secret-0123456789", OrgSecret: "wrong-org-secret-0123456789"}
	_, err := f.statusWith(t, s, wrong, CheckOptions{API: testOptions(nil).API})
	if err == nil || ExitStatus(context.Background(), err) != ExitAPI || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("refused secrets: %v", err)
	}
	if strings.Contains(err.Error(), wrong.UserSecret) || strings.Contains(err.Error(), wrong.OrgSecret) {
		t.Errorf("the error shows a secret: %v", err)
	}
	_, err = f.statusWith(t, s, Account{}, CheckOptions{})
	var ps Problems
	if !errors.As(err, &ps) || ExitStatus(context.Background(), err) != ExitUsage {
		t.Errorf("missing secrets are the user's to give: %v", err)
	}
}

// TestStatusOnAnotherPlatformIsRefused: the secrets go only to the
// platform the setup is on.
func TestStatusOnAnotherPlatformIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	f.finished(t)
	s := f.proc.Session()
	other := sandboxtest.Start(t, sandbox.Options{})
	target, err := NewTarget(other.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Check(t.Context(), target, s, f.in.Account(), CheckOptions{})
	if err == nil || ExitStatus(context.Background(), err) != ExitUsage || !strings.Contains(err.Error(), "the saved setup is on "+f.sb.BaseURL) {
		t.Errorf("another platform: %v", err)
	}
	if len(other.Instances()) != 0 || other.Stats().Requests != 0 {
		t.Errorf("nothing may be sent to another platform: %+v", other.Stats())
	}
}

// TestStatusOfAnInvalidDisabledInstance: a platform whose instance lost
// its authorization and was disabled, with events off and no callback
// URL; the sandbox's instances are always valid, so a small platform of
// its own answers here.
func TestStatusOfAnInvalidDisabledInstance(t *testing.T) {
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/elements/api-v2/instances/7" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":7,"name":"Hootsuite \u001b[31mwebhooks","valid":false,"disabled":true,"eventsEnabled":false,
			"configuration":{"event.notification.enabled":"false","event.notification.callback.url":null}}`))
	}))
	defer platform.Close()
	target, err := NewTarget(platform.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := Session{ID: "a1b2c3d4e5f6", BaseURL: target.BaseURL, InstanceID: 7, Token: "instance-token-0123456789", Stage: StagePatched}
	acct := Account{UserSecret: "user-secret-0123456789", OrgSecret: "org-secret-0123456789"}
	r, err := Check(t.Context(), target, s, acct, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantStates(t, r, `instance_exists=ok instance_valid=failed events_enabled=failed callback_not_placeholder=failed
		callback_as_chosen=failed webhook_url=ok signature_key=unknown`)
	d := detail(t, r, StatusInstanceValid)
	if !strings.Contains(d, "invalid") || !strings.Contains(d, "reauthorize") || !strings.Contains(d, "disabled") {
		t.Errorf("instance_valid should name both problems and what to do: %q", d)
	}
	if d := detail(t, r, StatusCallbackNotPlaceholder); !strings.Contains(d, "no event callback URL is set") {
		t.Errorf("callback_not_placeholder = %q", d)
	}
	if d := detail(t, r, StatusInstanceExists); strings.Contains(d, "\x1b") {
		t.Errorf("a name from the platform must not act on the terminal: %q", d)
	}
}
