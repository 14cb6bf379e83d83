package api_test

import (
	"context"
	"net/url"
	"testing"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// TestEveryCallAgainstTheSandbox runs each call of the client against the
// sandbox, which enforces the real services' rules.
func TestEveryCallAgainstTheSandbox(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	c, err := api.New(sb.BaseURL, sandbox.DemoUserSecret, sandbox.DemoOrgSecret, api.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const callback = "http://localhost:4668/callback"
	req := api.OAuthURLRequest{APIKey: sandbox.DemoClientID, APISecret: sandbox.DemoClientSecret, CallbackURL: callback, State: "state-0123456789"}
	if err := c.CheckAccount(ctx); err != nil {
		t.Fatal(err)
	}
	viaGet, err := c.OAuthURLGet(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	viaPost, err := c.OAuthURLPost(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []api.OAuthURL{viaGet, viaPost} {
		u, _ := url.Parse(got.OAuthURL)
		if got.Element != "hootsuite" || u.Query().Get("redirect_uri") != callback || u.Query().Get("state") != req.State {
			t.Errorf("redirect URL = %+v", got)
		}
	}
	back, err := sb.Approve(viaPost.OAuthURL)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := c.CreateInstance(ctx, api.HootsuiteInstance{
		Name: "api test", Tags: []string{"api-test"}, Code: back.Query().Get("code"), CallbackURL: callback,
		ClientID: sandbox.DemoClientID, ClientSecret: sandbox.DemoClientSecret, EventCallbackURL: api.EventsURL(sb.BaseURL),
	}.Request())
	if err != nil {
		t.Fatal(err)
	}
	if inst.Configuration[api.KeyAPISecret] != "********" || !inst.EventsEnabled {
		t.Errorf("created = %+v", inst)
	}
	list, err := c.ListInstances(ctx, "api-test")
	if err != nil || len(list) != 1 || list[0].ID != inst.ID {
		t.Fatalf("list by tag = %+v, %v", list, err)
	}
	if _, err := c.PatchInstance(ctx, inst.ID, api.EventCallbackPatch("https://app.example.com/one")); err != nil {
		t.Fatal(err)
	}
	webhook := api.WebhookURL(sb.BaseURL, inst.ID)
	if _, err := c.PatchInstanceByToken(ctx, inst.Token, api.EventCallbackPatch(webhook)); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetInstance(ctx, inst.ID)
	if err != nil || got.Configuration[api.KeyEventCallbackURL] != webhook {
		t.Fatalf("read back = %+v, %v", got, err)
	}
	if err := c.DeleteInstance(ctx, inst.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PatchInstanceByToken(ctx, inst.Token, api.EventCallbackPatch(webhook)); api.StatusCode(err) != 401 {
		t.Errorf("the token of a deleted instance: %v, want 401", err)
	}
	if _, err := c.GetInstance(ctx, inst.ID); api.StatusCode(err) != 404 {
		t.Errorf("a deleted instance: %v, want 404", err)
	}
}
