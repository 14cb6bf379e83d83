package setup

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// recordingSaver keeps every session it is asked to save.
type recordingSaver struct{ saved []Session }

func (r *recordingSaver) Save(s Session) error {
	r.saved = append(r.saved, s)
	return nil
}

type fixture struct {
	sb    *sandbox.Server
	proc  *Procedure
	saver *recordingSaver
}

func demoInputs(base string) Inputs {
	return Inputs{
		BaseURL: base, UserSecret: sandbox.DemoUserSecret, OrgSecret: sandbox.DemoOrgSecret,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret,
		CallbackURL: DefaultCallbackURL, Name: "Test instance", Tags: []string{"team-a"},
	}
}

func newFixture(t *testing.T, mutate func(*Inputs)) *fixture {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	in := demoInputs(sb.BaseURL)
	if mutate != nil {
		mutate(&in)
	}
	client, err := api.New(in.BaseURL, in.UserSecret, in.OrgSecret, api.Options{
		MaxAttempts: 2,
		Sleep:       func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	saver := &recordingSaver{}
	proc, err := New(client, in, Options{Saver: saver})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{sb: sb, proc: proc, saver: saver}
}

// grantCode runs step 1 and approves on the sandbox's consent page.
func (f *fixture) grantCode(t *testing.T) string {
	t.Helper()
	authz, err := f.proc.Authorize(context.Background(), "state-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	back, err := f.sb.Approve(authz.URL)
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("state") != authz.State {
		t.Fatalf("state came back as %q", back.Query().Get("state"))
	}
	return back.Query().Get("code")
}

func TestWholeProcedure(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if err := f.proc.CheckAccount(ctx); err != nil {
		t.Fatal(err)
	}
	code := f.grantCode(t)
	inst, err := f.proc.Create(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	// Saved twice: before the POST (create sent), and with the id and token.
	if f.proc.Session().Stage != StageCreated || len(f.saver.saved) != 2 || !f.saver.saved[0].CreateSent || f.saver.saved[0].InstanceID != 0 ||
		f.saver.saved[1].InstanceID != inst.ID || f.saver.saved[1].Token != inst.Token {
		t.Fatalf("after create, saved %+v", f.saver.saved)
	}
	if err := f.proc.MarkRegistered(); err != nil {
		t.Fatal(err)
	}
	res, err := f.proc.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantWebhook := f.sb.BaseURL + "/events/hootsuite/" + api.EncodeID(inst.ID)
	if res.WebhookURL != wantWebhook || res.EventCallbackURL != wantWebhook || !res.Patched || res.ID != inst.ID {
		t.Errorf("result = %+v", res)
	}
	got := f.sb.Instances()
	if len(got) != 1 {
		t.Fatalf("sandbox holds %d instances, want 1", len(got))
	}
	if got[0].Config[api.KeyEventCallbackURL] != wantWebhook || got[0].Patches != 1 {
		t.Errorf("sandbox instance = %+v", got[0])
	}
	wantTags := []string{"team-a", f.proc.Session().Tag()}
	if strings.Join(got[0].Tags, ",") != strings.Join(wantTags, ",") {
		t.Errorf("tags = %v, want %v", got[0].Tags, wantTags)
	}
	stages := []Stage{}
	for _, s := range f.saver.saved {
		stages = append(stages, s.Stage)
	}
	if len(stages) != 4 || stages[0] != StageNew || stages[1] != StageCreated || stages[2] != StageRegistered || stages[3] != StagePatched {
		t.Errorf("saved stages %v, want create sent, created, registered, done", stages)
	}
}

func TestEventsToTheUsersApp(t *testing.T) {
	f := newFixture(t, func(in *Inputs) { in.EventCallbackURL = "https://app.example.com/hooks/oc" })
	ctx := context.Background()
	if _, err := f.proc.Create(ctx, f.grantCode(t)); err != nil {
		t.Fatal(err)
	}
	res, err := f.proc.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.EventCallbackURL != "https://app.example.com/hooks/oc" || res.WebhookURL == res.EventCallbackURL {
		t.Errorf("result = %+v", res)
	}
	if v := f.sb.Instances()[0].Config[api.KeyEventCallbackURL]; v != "https://app.example.com/hooks/oc" {
		t.Errorf("patched to %q", v)
	}
}

func TestSessionsNeverHoldSecrets(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	code := f.grantCode(t)
	if _, err := f.proc.Create(ctx, code); err != nil {
		t.Fatal(err)
	}
	if _, err := f.proc.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.saver.saved {
		data, _ := json.Marshal(s)
		for _, secret := range []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret, code} {
			if strings.Contains(string(data), secret) {
				t.Errorf("saved session holds a secret: %s", data)
			}
		}
	}
}

func TestAmbiguousCreateFindsTheInstanceByItsTag(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	inst, err := f.proc.Create(context.Background(), f.grantCode(t))
	if err != nil {
		t.Fatalf("create whose answer was lost: %v", err)
	}
	all := f.sb.Instances()
	if len(all) != 1 || all[0].ID != inst.ID || all[0].Token != inst.Token {
		t.Fatalf("sandbox holds %+v; continued with %+v", all, inst)
	}
	if f.proc.Session().InstanceID != inst.ID {
		t.Error("the found instance was not kept")
	}
}

func TestAmbiguousCreateWithNoInstanceAsksForAFreshAuthorization(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropBefore: true, Times: 1})
	_, err := f.proc.Create(context.Background(), f.grantCode(t))
	if !errors.Is(err, ErrNeedsAuthorization) {
		t.Fatalf("err = %v, want ErrNeedsAuthorization", err)
	}
	if len(f.sb.Instances()) != 0 {
		t.Error("no instance should exist")
	}
	for _, s := range f.saver.saved {
		if s.InstanceID != 0 || !s.CreateSent {
			t.Errorf("saved %+v: the create was sent, and no instance kept", s)
		}
	}
}

func TestSpentCodeAsksForAFreshAuthorization(t *testing.T) {
	f := newFixture(t, nil)
	code := f.grantCode(t)
	if _, err := f.proc.Create(context.Background(), code); err != nil {
		t.Fatal(err)
	}
	// A second setup on the same platform, using the same, now spent, code.
	client, _ := api.New(f.sb.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, api.Options{})
	second, err := New(client, demoInputs(f.sb.BaseURL), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = second.Create(context.Background(), code)
	if !errors.Is(err, ErrNeedsAuthorization) || !api.GrantRejected(err) {
		t.Fatalf("err = %v, want a rejected grant needing authorization", err)
	}
	if !strings.Contains(err.Error(), "works once") {
		t.Errorf("message does not say why: %v", err)
	}
	if n := len(f.sb.Instances()); n != 1 {
		t.Errorf("sandbox holds %d instances, want 1", n)
	}
}

func TestCreateRefusesASecondInstance(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.proc.Create(context.Background(), f.grantCode(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.proc.Create(context.Background(), "another-code"); err == nil {
		t.Fatal("a setup must never create a second instance")
	}
}

func TestFinishRetriesAndResumes(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.proc.Create(ctx, f.grantCode(t)); err != nil {
		t.Fatal(err)
	}
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Status: 500, Times: 1})
	if _, err := f.proc.Finish(ctx); api.StatusCode(err) != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	// A new run with the saved session picks up where this one stopped.
	saved := f.saver.saved[len(f.saver.saved)-1]
	client, _ := api.New(f.sb.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, api.Options{})
	resumed, err := Resume(client, demoInputs(f.sb.BaseURL), saved, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := resumed.Finish(ctx)
	if err != nil || !res.Patched {
		t.Fatalf("resumed finish: %+v, %v", res, err)
	}
	if n := len(f.sb.Instances()); n != 1 {
		t.Errorf("sandbox holds %d instances, want 1", n)
	}
}

// TestResumeRefusesAnotherPlatform: a saved setup holds an instance on its
// own platform; resuming it with a client for another would patch or delete
// an instance id that means something else there.
func TestResumeRefusesAnotherPlatform(t *testing.T) {
	f := newFixture(t, nil)
	if _, err := f.proc.Create(context.Background(), f.grantCode(t)); err != nil {
		t.Fatal(err)
	}
	saved := f.saver.saved[len(f.saver.saved)-1]
	other := sandboxtest.Start(t, sandbox.Options{})
	client, _ := api.New(other.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, api.Options{})
	_, err := Resume(client, demoInputs(other.BaseURL), saved, Options{})
	if err == nil || !strings.Contains(err.Error(), f.sb.BaseURL) || !strings.Contains(err.Error(), "choose that platform") {
		t.Fatalf("err = %v, want a refusal naming the saved platform", err)
	}
}

func TestPreviewMasksSecrets(t *testing.T) {
	f := newFixture(t, nil)
	body, curl := f.proc.Preview("the-grant-code-123")
	for _, s := range []string{"the-grant-code-123", sandbox.DemoClientSecret, sandbox.DemoUserSecret, sandbox.DemoOrgSecret} {
		if strings.Contains(body+curl, s) {
			t.Errorf("preview shows %q:\n%s\n%s", s, body, curl)
		}
	}
	for _, want := range []string{`"oauth.callback.url": "http://localhost:4668/callback"`, `"event.notification.enabled": true`, `"name": "Test instance"`, sandbox.DemoClientID} {
		if !strings.Contains(body, want) {
			t.Errorf("preview body lacks %s:\n%s", want, body)
		}
	}
	if !strings.Contains(curl, "POST '"+f.sb.BaseURL+"/instances'") {
		t.Errorf("curl = %s", curl)
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	err := Inputs{BaseURL: "ftp://x", CallbackURL: "http://example.com/cb", EventCallbackURL: "nope"}.Validate()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"--base-url or OC_BASE_URL", "OC_USER_SECRET", "OC_ORG_SECRET", "--client-id or HOOTSUITE_CLIENT_ID",
		"HOOTSUITE_CLIENT_SECRET", "https:// or http://localhost", "--name", "--event-callback-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
	if len(ps) != 8 {
		t.Errorf("%d problems, want 8:\n%s", len(ps), msg)
	}
}

func TestCheckCallbackURL(t *testing.T) {
	for _, ok := range []string{"http://localhost:4668/callback", "http://127.0.0.1:9/cb", "http://[::1]:80/", "https://app.example.com/oauth"} {
		if err := CheckCallbackURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "localhost:4668", "http://example.com/cb", "ftp://localhost/"} {
		if err := CheckCallbackURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSecretCheckNeverEchoes(t *testing.T) {
	err := CheckSecret("abc def")
	if err == nil || strings.Contains(err.Error(), "abc") {
		t.Errorf("err = %v", err)
	}
}

func TestAnUnclearCreateIsNeverSentAgain(t *testing.T) {
	f := newFixture(t, nil)
	code := f.grantCode(t)
	// The create's answer is lost, and so is the look-up that follows it.
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 500, Times: 1})
	if _, err := f.proc.Create(context.Background(), code); err == nil || !strings.Contains(err.Error(), "looks for the instance again") {
		t.Fatalf("err = %v", err)
	}
	// Trying again looks the instance up rather than spending the code twice.
	inst, err := f.proc.Create(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if all := f.sb.Instances(); len(all) != 1 || all[0].ID != inst.ID {
		t.Errorf("sandbox holds %+v", all)
	}
}

func TestSaveFailureAfterCreateKeepsTheInstance(t *testing.T) {
	f := newFixture(t, nil)
	code := f.grantCode(t)
	f.proc.saver = &failAfter{n: 1} // the "create sent" save works, the next fails
	inst, err := f.proc.Create(context.Background(), code)
	if !errors.Is(err, ErrNotSaved) || inst == nil || inst.Token == "" {
		t.Fatalf("Create = %+v, %v: the instance must come back with ErrNotSaved", inst, err)
	}
}

type failAfter struct{ n int }

func (f *failAfter) Save(Session) error {
	if f.n > 0 {
		f.n--
		return nil
	}
	return errors.New("disk full")
}

// TestASecondRunLooksForTheInstanceFirst: a create without a clear answer,
// whose look-up failed too, then a new run of the same session with a
// fresh code finds the instance instead of making a second one.
func TestASecondRunLooksForTheInstanceFirst(t *testing.T) {
	f := newFixture(t, nil)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 503, Times: 2})
	if _, err := f.proc.Create(context.Background(), f.grantCode(t)); err == nil {
		t.Fatal("want an error")
	}
	saved := f.saver.saved[len(f.saver.saved)-1]
	if !saved.CreateSent || saved.InstanceID != 0 {
		t.Fatalf("saved %+v", saved)
	}
	client, _ := api.New(f.sb.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, api.Options{})
	next, err := Resume(client, demoInputs(f.sb.BaseURL), saved, Options{})
	if err != nil {
		t.Fatal(err)
	}
	authz, _ := next.Authorize(context.Background(), "state-again-123456")
	back, _ := f.sb.Approve(authz.URL)
	inst, err := next.Create(context.Background(), back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if all := f.sb.Instances(); len(all) != 1 || all[0].ID != inst.ID {
		t.Errorf("sandbox holds %+v", all)
	}
}
