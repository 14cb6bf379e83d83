package setup

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/oauthflow"
)

// recordingSaver keeps every session it is asked to save.
type recordingSaver struct {
	mu    sync.Mutex
	saved []Session
}

func (r *recordingSaver) Save(s Session) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.saved = append(r.saved, s)
	return nil
}

func (r *recordingSaver) Path(id string) string { return "/saved/" + id + ".json" }

func (r *recordingSaver) last() Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.saved[len(r.saved)-1]
}

type fixture struct {
	sb    *sandbox.Server
	proc  *Procedure
	saver *recordingSaver
	in    Inputs
}

func demoInputs(base string) Inputs {
	return Inputs{
		BaseURL: base, UserSecret: sandbox.DemoUserSecret, OrgSecret: sandbox.DemoOrgSecret,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret,
		CallbackURL: DefaultCallbackURL, Name: "Test instance", Tags: []string{"team-a"},
	}
}

func testOptions(saver Saver) Options {
	return Options{
		Saver: saver,
		API: api.Options{
			MaxAttempts: 2,
			Sleep:       func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		},
	}
}

// newFixture is a setup on the sandbox reached as a real platform would be
// (so it is saved), with every input set and the account checked.
func newFixture(t *testing.T, mutate func(*Inputs)) *fixture {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	in := demoInputs(sb.BaseURL)
	if mutate != nil {
		mutate(&in)
	}
	saver := &recordingSaver{}
	f := &fixture{sb: sb, saver: saver, in: in}
	f.proc = f.start(t, saver)
	return f
}

// start is a new setup with f's inputs on f's platform.
func (f *fixture) start(t *testing.T, saver Saver) *Procedure {
	t.Helper()
	target, err := NewTarget(f.sb.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(target, testOptions(saver))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{p.SetAccount(f.in.Account()), p.SetApp(f.in.App()), p.SetInstance(f.in.Instance()), p.CheckAccount(context.Background())} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// authorize runs the doc's first two steps for p: the redirect URL, then the
// consent page approved in a "browser" whose landing address is pasted.
func (f *fixture) authorize(t *testing.T, p *Procedure) string {
	t.Helper()
	a, err := p.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	back, err := f.sb.Approve(a.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Paste(back.String()); err != nil {
		t.Fatal(err)
	}
	return back.Query().Get("code")
}

func TestWholeProcedure(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if got := f.proc.Next(); got != StepAuthorize {
		t.Fatalf("with every input set Next = %v, want Authorize", got)
	}
	f.authorize(t, f.proc)
	if got := f.proc.Next(); got != StepCreate {
		t.Fatalf("with a code Next = %v, want Create", got)
	}
	inst, err := f.proc.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Saved twice: before the POST (create sent), and with the id and token.
	if f.proc.Session().Stage != StageCreated || len(f.saver.saved) != 2 || !f.saver.saved[0].CreateSent || f.saver.saved[0].InstanceID != 0 ||
		f.saver.saved[1].InstanceID != inst.ID || f.saver.saved[1].Token != inst.Token {
		t.Fatalf("after create, saved %+v", f.saver.saved)
	}
	if got := f.proc.Next(); got != StepRegister {
		t.Fatalf("after the create Next = %v", got)
	}
	if err := f.proc.MarkRegistered(); err != nil {
		t.Fatal(err)
	}
	res, err := f.proc.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantWebhook := f.sb.BaseURL + "/events/hootsuite/" + api.EncodeID(inst.ID)
	if res.WebhookURL != wantWebhook || res.EventCallbackURL != wantWebhook || !res.Patched || res.ID != inst.ID || res.SavedTo == "" {
		t.Errorf("result = %+v", res)
	}
	if !f.proc.Done() || f.proc.Next() != StepDone || f.proc.StopNote("x") != "" {
		t.Error("a finished setup is done, with nothing to tell on stopping")
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
	var stages []Stage
	for _, s := range f.saver.saved {
		stages = append(stages, s.Stage)
	}
	if len(stages) != 4 || stages[0] != StageNew || stages[1] != StageCreated || stages[2] != StageRegistered || stages[3] != StagePatched {
		t.Errorf("saved stages %v, want create sent, created, registered, done", stages)
	}
}

func TestStepsComeInOrderAndBackReopensThem(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{})
	in := demoInputs(sb.BaseURL)
	target, _ := NewTarget(sb.BaseURL)
	p, err := New(target, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := func(s Step) {
		t.Helper()
		if got := p.Next(); got != s {
			t.Fatalf("Next = %v, want %v", got, s)
		}
	}
	want(StepAccount)
	if err := p.SetAccount(in.Account()); err != nil {
		t.Fatal(err)
	}
	want(StepAccount) // set, not yet checked
	if err := p.CheckAccount(context.Background()); err != nil {
		t.Fatal(err)
	}
	want(StepApp)
	if err := p.SetApp(in.App()); err != nil {
		t.Fatal(err)
	}
	want(StepInstance)
	if err := p.SetInstance(in.Instance()); err != nil {
		t.Fatal(err)
	}
	want(StepAuthorize)
	// Going back to the app step drops the instance's settings too: the
	// user goes through the instance step again on the way forward.
	p.Back(StepApp)
	want(StepApp)
	p.SetApp(in.App())
	want(StepInstance)
	p.Back(StepAccount)
	want(StepAccount)
}

func TestEventsToTheUsersApp(t *testing.T) {
	f := newFixture(t, func(in *Inputs) { in.EventCallbackURL = "https://app.example.com/hooks/oc" })
	ctx := context.Background()
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := f.proc.Finish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.EventCallbackURL != "https://app.example.com/hooks/oc" || res.WebhookURL == res.EventCallbackURL || !f.proc.EventsToApp() {
		t.Errorf("result = %+v", res)
	}
	if v := f.sb.Instances()[0].Config[api.KeyEventCallbackURL]; v != "https://app.example.com/hooks/oc" {
		t.Errorf("patched to %q", v)
	}
}

func TestSessionsNeverHoldSecrets(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	code := f.authorize(t, f.proc)
	if _, err := f.proc.Create(ctx); err != nil {
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

// TestTheSandboxIsNeverSaved: setups in the built-in sandbox end with it, so
// nothing is saved, whatever saver the caller gave.
func TestTheSandboxIsNeverSaved(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{})
	saver := &recordingSaver{}
	p, err := New(SandboxTarget(sb), testOptions(saver))
	if err != nil {
		t.Fatal(err)
	}
	in := SandboxTarget(sb).Demo(Inputs{CallbackURL: DefaultCallbackURL, Name: "demo"})
	for _, err := range []error{p.SetAccount(in.Account()), p.SetApp(in.App()), p.SetInstance(in.Instance())} {
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := p.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Approve(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.Saves() || len(saver.saved) != 0 || p.Result().SavedTo != "" {
		t.Errorf("a sandbox setup was saved: %d saves", len(saver.saved))
	}
	if note := p.StopNote("hootwire --resume"); !strings.Contains(note, "sandbox") || strings.Contains(note, "Resume") {
		t.Errorf("stop note = %q", note)
	}
}

// TestApprovalChecksTheState: an approval, a paste or a listener's code for
// an authorization that a newer one replaced is not used, and approving is
// for the sandbox only.
func TestApprovalChecksTheState(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{})
	p, _ := New(SandboxTarget(sb), testOptions(nil))
	in := SandboxTarget(sb).Demo(Inputs{CallbackURL: DefaultCallbackURL, Name: "demo"})
	p.SetAccount(in.Account())
	p.SetApp(in.App())
	p.SetInstance(in.Instance())
	first, err := p.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Approve(); !errors.Is(err, ErrReplaced) {
		t.Errorf("approving a replaced authorization: %v", err)
	}
	if p.Authorized() {
		t.Fatal("a replaced authorization's code was kept")
	}
	// The second's address pasted into... the second: its state matches.
	back, _ := sb.Approve(second.URL())
	if err := first.Paste(back.String()); !errors.Is(err, oauthflow.ErrStateMismatch) {
		t.Errorf("a paste from another attempt: %v", err)
	}
	if err := second.Paste(back.String()); err != nil {
		t.Fatal(err)
	}
	// The first code wins: a second, from the listener, say, is ignored.
	if err := second.Approve(); err != nil || !p.Authorized() {
		t.Errorf("second arrival: %v", err)
	}

	real := newFixture(t, nil)
	a, err := real.proc.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.CanApprove() || a.Approve() == nil {
		t.Error("a real platform cannot approve on the user's behalf")
	}
}

func TestAmbiguousCreateFindsTheInstanceByItsTag(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	inst, err := f.proc.Create(context.Background())
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
	f.authorize(t, f.proc)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropBefore: true, Times: 1})
	_, err := f.proc.Create(context.Background())
	if !errors.Is(err, ErrNeedsAuthorization) {
		t.Fatalf("err = %v, want ErrNeedsAuthorization", err)
	}
	if got := f.proc.Next(); got != StepAuthorize {
		t.Errorf("Next = %v, want a fresh authorization", got)
	}
	if len(f.sb.Instances()) != 0 {
		t.Error("no instance should exist")
	}
	for _, s := range f.saver.saved {
		if s.InstanceID != 0 || !s.CreateSent {
			t.Errorf("saved %+v: the create was sent, and no instance kept", s)
		}
	}
	if note := f.proc.StopNote("hootwire --resume"); !strings.Contains(note, "may exist") {
		t.Errorf("stop note = %q", note)
	}
}

// TestRefusedCreateLeavesNothingToLookFor: a create the platform refused
// clearly made no instance: the setup no longer says it may exist, and the
// user may go back to correct the inputs.
func TestRefusedCreateLeavesNothingToLookFor(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", ProviderMessage: "invalid_grant", Times: 1})
	_, err := f.proc.Create(context.Background())
	if !errors.Is(err, ErrNeedsAuthorization) || ExitStatus(context.Background(), err) != ExitAPI {
		t.Fatalf("err = %v", err)
	}
	if f.proc.CreateSent() || f.saver.last().CreateSent {
		t.Error("a refused create is remembered as possibly made")
	}
	if note := f.proc.StopNote("hootwire --resume"); note != "" {
		t.Errorf("stop note after a refusal = %q, want nothing", note)
	}
	if !f.proc.CanGoBack() || f.proc.Next() != StepAuthorize {
		t.Errorf("after a refusal: back %v, next %v", f.proc.CanGoBack(), f.proc.Next())
	}
}

func TestSpentCodeAsksForAFreshAuthorization(t *testing.T) {
	f := newFixture(t, nil)
	code := f.authorize(t, f.proc)
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second setup on the same platform, using the same, now spent, code.
	second := f.start(t, nil)
	if err := second.UseCode(code); err != nil {
		t.Fatal(err)
	}
	_, err := second.Create(context.Background())
	if !errors.Is(err, ErrNeedsAuthorization) || !api.GrantRejected(err) {
		t.Fatalf("err = %v, want a rejected grant needing authorization", err)
	}
	if !strings.Contains(err.Error(), "works once") {
		t.Errorf("message does not say why: %v", err)
	}
	if second.Authorized() {
		t.Error("the spent code is still offered to Create")
	}
	if n := len(f.sb.Instances()); n != 1 {
		t.Errorf("sandbox holds %d instances, want 1", n)
	}
}

func TestCreateRefusesASecondInstance(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.proc.UseCode("another-code")
	if _, err := f.proc.Create(context.Background()); err == nil {
		t.Fatal("a setup must never create a second instance")
	}
}

func TestFinishRetriesAndResumes(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(ctx); err != nil {
		t.Fatal(err)
	}
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Status: 500, Times: 1})
	if _, err := f.proc.Finish(ctx); api.StatusCode(err) != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	// A new run with the saved session picks up where this one stopped.
	resumed := f.resume(t, f.saver.last())
	if got := resumed.Next(); got != StepRegister {
		t.Fatalf("resumed Next = %v", got)
	}
	res, err := resumed.Finish(ctx)
	if err != nil || !res.Patched {
		t.Fatalf("resumed finish: %+v, %v", res, err)
	}
	if n := len(f.sb.Instances()); n != 1 {
		t.Errorf("sandbox holds %d instances, want 1", n)
	}
}

// resume is a new run, with its own secrets, continuing saved.
func (f *fixture) resume(t *testing.T, saved Session) *Procedure {
	t.Helper()
	target, _ := NewTarget(f.sb.BaseURL)
	p, err := New(target, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetAccount(f.in.Account()); err != nil {
		t.Fatal(err)
	}
	if err := p.Resume(saved); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckAccount(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestResumeRefusesAnotherPlatform: a saved setup holds an instance on its
// own platform; resuming it on another would patch or delete an instance id
// that means something else there.
func TestResumeRefusesAnotherPlatform(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := sandboxtest.Start(t, sandbox.Options{})
	target, _ := NewTarget(other.BaseURL)
	p, _ := New(target, testOptions(nil))
	err := p.Resume(f.saver.last())
	if err == nil || !strings.Contains(err.Error(), f.sb.BaseURL) || !strings.Contains(err.Error(), "choose that platform") {
		t.Fatalf("err = %v, want a refusal naming the saved platform", err)
	}
}

// TestResumeWithoutTheClientSecretAsksForTheApp: a resumed setup whose
// create got no clear answer needs a fresh grant code, and so the client
// secret, which is never saved: it goes to the app step, not to a dead end.
func TestResumeWithoutTheClientSecretAsksForTheApp(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropBefore: true, Times: 1})
	if _, err := f.proc.Create(context.Background()); err == nil {
		t.Fatal("want an error")
	}
	p := f.resume(t, f.saver.last())
	if got := p.Next(); got != StepApp {
		t.Fatalf("Next = %v, want the app step for the client secret", got)
	}
	app := p.Inputs().App()
	if app.ClientID != sandbox.DemoClientID || app.CallbackURL != DefaultCallbackURL {
		t.Errorf("the saved app settings were not kept: %+v", app)
	}
	if p.CanGoBack() {
		t.Error("a setup whose create may have made an instance must not start over")
	}
	app.ClientSecret = sandbox.DemoClientSecret
	if err := p.SetApp(app); err != nil {
		t.Fatal(err)
	}
	if got := p.Next(); got != StepAuthorize {
		t.Fatalf("Next = %v, want Authorize", got)
	}
	f.authorize(t, p)
	if _, err := p.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sb.Instances()); n != 1 {
		t.Errorf("%d instances", n)
	}
}

func TestPreviewMasksSecrets(t *testing.T) {
	f := newFixture(t, nil)
	code := f.authorize(t, f.proc)
	body, curl := f.proc.Preview()
	for _, s := range []string{code, sandbox.DemoClientSecret, sandbox.DemoUserSecret, sandbox.DemoOrgSecret} {
		if strings.Contains(body+curl, s) {
			t.Errorf("preview shows %q:\n%s\n%s", s, body, curl)
		}
	}
	for _, want := range []string{`"oauth.callback.url": "http://localhost:4668/callback"`, `"event.notification.enabled": true`, `"name": "Test instance"`, sandbox.DemoClientID} {
		if !strings.Contains(body, want) {
			t.Errorf("preview body lacks %s:\n%s", want, body)
		}
	}
	if !strings.Contains(curl, "POST "+ShellQuote(f.sb.BaseURL+"/instances")+" \\") {
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
	f.authorize(t, f.proc)
	// The create's answer is lost, and so is the look-up that follows it.
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 500, Times: 1})
	if _, err := f.proc.Create(context.Background()); err == nil || !strings.Contains(err.Error(), "looks for the instance again") {
		t.Fatalf("err = %v", err)
	}
	if got := f.proc.Next(); got != StepCreate {
		t.Fatalf("Next = %v: trying again should look the instance up", got)
	}
	// Trying again looks the instance up rather than spending the code twice.
	inst, err := f.proc.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if all := f.sb.Instances(); len(all) != 1 || all[0].ID != inst.ID {
		t.Errorf("sandbox holds %+v", all)
	}
}

func TestSaveFailureAfterCreateKeepsTheInstance(t *testing.T) {
	f := newFixture(t, nil)
	p := f.start(t, &failAfter{n: 1}) // the "create sent" save works, the next fails
	f.authorize(t, p)
	inst, err := p.Create(context.Background())
	if !errors.Is(err, ErrNotSaved) || inst == nil || inst.Token == "" {
		t.Fatalf("Create = %+v, %v: the instance must come back with ErrNotSaved", inst, err)
	}
	if note := p.StopNote("hootwire --resume"); !strings.Contains(note, "could not save") || strings.Contains(note, "Resume with") {
		t.Errorf("stop note = %q", note)
	}
	if p.Result().SavedTo != "" {
		t.Error("the result names a file that holds nothing")
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

func (f *failAfter) Path(id string) string { return "/saved/" + id }

// TestASecondRunLooksForTheInstanceFirst: a create without a clear answer,
// whose look-up failed too, then a new run of the same session with a
// fresh code finds the instance instead of making a second one.
func TestASecondRunLooksForTheInstanceFirst(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, DropAfter: true, Times: 1})
	f.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Status: 503, Times: 2})
	if _, err := f.proc.Create(context.Background()); err == nil {
		t.Fatal("want an error")
	}
	saved := f.saver.last()
	if !saved.CreateSent || saved.InstanceID != 0 {
		t.Fatalf("saved %+v", saved)
	}
	next := f.resume(t, saved)
	next.SetApp(f.in.App())
	f.authorize(t, next)
	inst, err := next.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if all := f.sb.Instances(); len(all) != 1 || all[0].ID != inst.ID {
		t.Errorf("sandbox holds %+v", all)
	}
}

// TestDeletedIsNotDone: an abandoned setup whose instance was deleted is
// over, but not done, and says so.
func TestDeletedIsNotDone(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.proc.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.proc.Done() || f.proc.InstanceExists() || f.proc.Result().Patched {
		t.Error("a deleted setup counts as done")
	}
	if note := f.proc.StopNote("x"); !strings.Contains(note, "was deleted") {
		t.Errorf("stop note = %q", note)
	}
	if s := f.saver.last(); s.Stage != StageDeleted || s.Token != "" {
		t.Errorf("saved %+v", s)
	}
}

func TestExitStatuses(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"done", ctx, nil, ExitOK},
		{"interrupted", cancelled, errors.New("whatever"), ExitInterrupted},
		{"bad input", ctx, Problems{{FieldName, errors.New("missing")}}, ExitUsage},
		{"usage", ctx, errors.Join(ErrBadInput, errors.New("--x")), ExitUsage},
		{"denied", ctx, &oauthflow.DeniedError{Err: "access_denied"}, ExitAuthorization},
		{"timed out", ctx, oauthflow.ErrTimeout, ExitAuthorization},
		{"api", ctx, &api.Error{StatusCode: 400}, ExitAPI},
		{"needs authorization", ctx, ErrNeedsAuthorization, ExitAPI},
		{"network", ctx, &api.NetworkError{Err: errors.New("refused")}, ExitNetwork},
		{"disk", ctx, errors.New("disk full"), ExitFailure},
		{"a create timed out, no instance made", ctx, spentError{&api.NetworkError{Timeout: true, Err: errors.New("timeout")}}, ExitNetwork},
		{"a create failed, no instance made", ctx, spentError{&api.Error{StatusCode: 503}}, ExitAPI},
	}
	for _, c := range cases {
		if got := ExitStatus(c.ctx, c.err); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestTheRedirectShowsAsTheBrowserGoesThere: a redirect_uri that hides
// an escape sequence shows it percent-encoded, and one that is not the
// callback URL is told apart.
func TestTheRedirectShowsAsTheBrowserGoesThere(t *testing.T) {
	a := &Authorization{callback: "http://localhost:4668/callback"}
	a.url = "https://hootsuite.example/oauth2/auth?redirect_uri=http%3A%2F%2Fevil.example%2F%1b%5B8m%2F%2Flocalhost&state=x"
	if got := a.RedirectURI(); strings.ContainsRune(got, '\x1b') || !strings.Contains(got, "evil.example") {
		t.Errorf("RedirectURI = %q", got)
	}
	if a.RedirectMatches() {
		t.Error("a redirect elsewhere matches the callback")
	}
	a.url = "https://hootsuite.example/oauth2/auth?redirect_uri=http%3A%2F%2Flocalhost%3A4668%2Fcallback&state=x"
	if a.RedirectURI() != a.callback || !a.RedirectMatches() {
		t.Errorf("RedirectURI = %q", a.RedirectURI())
	}
}

// TestPlainHTTPStaysOnThisMachine: plain http:// is accepted for loopback
// hosts only, unless the user explicitly allowed it.
func TestPlainHTTPStaysOnThisMachine(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1:5130/elements/api-v2", "http://localhost/elements/api-v2", "http://[::1]:80/elements/api-v2", "https://192.0.2.2/elements/api-v2"} {
		target, err := NewTarget(raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(target, Options{}); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	target, _ := NewTarget("http://192.0.2.2:5130/elements/api-v2")
	_, err := New(target, Options{})
	var plain *PlainHTTPError
	if !errors.As(err, &plain) || !strings.Contains(err.Error(), "--allow-plain-http") || ExitStatus(context.Background(), err) != ExitUsage {
		t.Fatalf("plain http to another machine: %v", err)
	}
	target.AllowPlainHTTP = true
	if _, err := New(target, Options{}); err != nil {
		t.Errorf("allowed plain http: %v", err)
	}
}

// TestAStolenLinkSpendsNoCode: when the browser's one-time link was fetched
// twice, someone else may know the state: the code that comes back for it
// is refused, whichever way it comes, and nothing is created.
func TestAStolenLinkSpendsNoCode(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.proc.Authorize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	link, reused, err := a.StartLink(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(link, a.state) {
		t.Fatal("the link carries the state")
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 2 { // the thief, then the user's browser
		resp, err := noRedirect.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	<-reused
	back, _ := f.sb.Approve(a.URL())
	if err := a.Paste(back.String()); !errors.Is(err, oauthflow.ErrLinkReused) || ExitStatus(context.Background(), err) != ExitAuthorization {
		t.Fatalf("a code for a stolen link: %v", err)
	}
	if f.proc.Authorized() || len(f.sb.Instances()) != 0 {
		t.Error("the code was kept")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.example.com/elements/api-v2": "https://api.example.com/elements/api-v2",
		"/tmp/my setups": "'/tmp/my setups'",
		"/tmp/it's":      `'/tmp/it'\''s'`,
		"":               "''",
		"a;rm -rf ~":     "'a;rm -rf ~'",
		"$(x)":           "'$(x)'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestTheSignatureKeyIsMaskedLikeASecret: the key made for a new instance
// is masked in the request preview and in every error, and so is a key a
// resumed setup brings from its saved file.
func TestTheSignatureKeyIsMaskedLikeASecret(t *testing.T) {
	f := newFixture(t, nil)
	f.authorize(t, f.proc)
	key := f.proc.SignatureKey()
	if len(key) < 32 {
		t.Fatalf("the signature key %q is not a random key", key)
	}
	body, curl := f.proc.Preview()
	if strings.Contains(body+curl, key) || !strings.Contains(body, `"event.notification.signature.key": "********"`) {
		t.Errorf("the preview shows the key, or not its place:\n%s", body)
	}
	if got := f.proc.Redactor().String("the key " + key); strings.Contains(got, key) {
		t.Errorf("the redactor shows the key: %s", got)
	}
	if _, err := f.proc.Create(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved := f.saver.last()
	if saved.SignatureKey != key {
		t.Fatalf("the saved setup holds key %q, want the instance's", saved.SignatureKey)
	}
	resumed := f.resume(t, saved)
	if got := resumed.Redactor().String("the key " + key); strings.Contains(got, key) {
		t.Errorf("a resumed setup's redactor shows its key: %s", got)
	}
}
