package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
)

// startServer runs a sandbox with Start, closed at the end of the test.
func startServer(t *testing.T, opts sandbox.Options) (*sandbox.Server, *env) {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	srv := sandboxtest.Start(t, opts)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return srv, &env{t: t, sb: srv.Sandbox, url: srv.URL, clock: clk, client: client}
}

func TestStatusFault(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, Status: 503,
		Message: "Down for maintenance", ProviderMessage: "upstream said no", RetryAfter: "7"})
	r := e.create(createBody(code))
	pe := wantError(t, r, 503, "Down for maintenance")
	if pe.ProviderMessage == nil || *pe.ProviderMessage != "upstream said no" || r.header.Get("Retry-After") != "7" {
		t.Errorf("fault answer: %v, Retry-After %q", r, r.header.Get("Retry-After"))
	}
	if n := len(e.sb.Instances()); n != 0 {
		t.Fatalf("a Status fault performed the operation")
	}
	// Not performed: the code was not spent, and the fault was used up.
	if r := e.create(createBody(code)); r.status != 200 {
		t.Errorf("after the fault: %v", r)
	}
}

func TestStatusFaultDefaultMessagesAndRawBody(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, status := range []int{400, 401, 403, 404, 409, 415, 429, 500, 502, 503} {
		e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Times: 1, Status: status})
		pe := wantError(t, e.api("GET", "/instances", ""), status, "")
		if pe.Message == "" {
			t.Errorf("status %d: empty default message", status)
		}
		if status == 401 && pe.Message != "Invalid Organization or User secret, or invalid Element token provided." {
			t.Errorf("401 default message = %q", pe.Message)
		}
	}
	const page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpGetInstance, Times: 1, Status: 502, Body: page, ContentType: "text/html"})
	r := e.api("GET", "/instances/1", "")
	if r.status != 502 || string(r.body) != page || r.header.Get("Content-Type") != "text/html" {
		t.Errorf("raw body fault: %v (%s)", r, r.header.Get("Content-Type"))
	}
}

func TestFaultsApplyInOrderAndCountDown(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Times: 2, Status: 500})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Times: 1, Status: 503})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpGetInstance, Status: 418})
	var got []int
	for range 4 {
		got = append(got, e.api("GET", "/instances", "").status)
	}
	if fmt.Sprint(got) != "[500 500 503 200]" {
		t.Errorf("statuses = %v, want [500 500 503 200]", got)
	}
	// Times 0 applies until cleared.
	for range 3 {
		if s := e.api("GET", "/instances/1", "").status; s != 418 {
			t.Fatalf("a lasting fault stopped applying: %d", s)
		}
	}
	e.sb.ClearFaults()
	if s := e.api("GET", "/instances/1", "").status; s != 404 {
		t.Errorf("after ClearFaults: %d, want 404", s)
	}
}

func TestDropBeforeDoesNotPerformTheOperation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, DropBefore: true})
	if r, err := e.send("POST", sandbox.APIPath+"/instances", jsonHeader(authHeader), mustJSON(t, createBody(code))); err == nil {
		t.Fatalf("the client got an answer: %v", r)
	}
	if n := len(e.sb.Instances()); n != 0 {
		t.Fatal("DropBefore performed the operation")
	}
	if r := e.create(createBody(code)); r.status != 200 {
		t.Errorf("the code was spent by a dropped request: %v", r)
	}
}

func TestDropAfterPerformsTheOperation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, DropAfter: true})
	if r, err := e.send("POST", sandbox.APIPath+"/instances", jsonHeader(authHeader), mustJSON(t, createBody(code))); err == nil {
		t.Fatalf("the client got an answer: %v", r)
	}
	if got := e.sb.Instances(); len(got) != 1 || got[0].Name != "API Instance" {
		t.Fatalf("DropAfter did not perform the operation: %+v", got)
	}
	// As with the real service, retrying with the same code fails.
	wantError(t, e.create(createBody(code)), 400, "rejected the authorization code")
}

func TestMalformedJSONAndEmptyBodyPerformTheOperation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, MalformedJSON: true})
	r := e.create(createBody(e.code(callback)))
	var v any
	if r.status != 200 || len(r.body) == 0 || json.Unmarshal(r.body, &v) == nil || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("MalformedJSON answer: %v (%s)", r, r.header.Get("Content-Type"))
	}
	got := e.sb.Instances()
	if len(got) != 1 {
		t.Fatalf("MalformedJSON did not perform the operation")
	}

	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Times: 1, EmptyBody: true})
	r = e.api("PATCH", "/instances/"+strconv.FormatInt(got[0].ID, 10), `{"name":"patched"}`)
	if r.status != 200 || len(r.body) != 0 {
		t.Fatalf("EmptyBody answer: %v", r)
	}
	if in := e.sb.Instances()[0]; in.Name != "patched" || in.Patches != 1 {
		t.Errorf("EmptyBody did not perform the operation: %+v", in)
	}
}

func TestFaultOnEventsAndOAuthURL(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpEvents, Times: 1, Status: 500})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpOAuthURL, Times: 1, Status: 502})
	wantError(t, e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(in.ID), nil, "[]"), 500, "")
	if n := e.sb.Instances()[0].EventsReceived; n != 0 {
		t.Errorf("a faulted event was counted")
	}
	wantError(t, e.api("GET", "/elements/hootsuite/oauth/url?apiKey=a&apiSecret=b&callbackUrl=c", ""), 502, "")
	if r := e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(in.ID), nil, "[]"); r.status != 200 {
		t.Errorf("after the fault: %v", r)
	}
}

func TestDelayFaultAbandonedByTheClientIsNotPerformed(t *testing.T) {
	srv, e := startServer(t, sandbox.Options{})
	code := e.code(callback)
	srv.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, Delay: time.Hour})
	e.client.Timeout = 100 * time.Millisecond // far less than the delay: the client always gives up
	if r, err := e.send("POST", sandbox.APIPath+"/instances", jsonHeader(authHeader), mustJSON(t, createBody(code))); err == nil {
		t.Fatalf("the client got an answer: %v", r)
	}
	e.client.Timeout = 0
	if err := srv.Close(); err != nil { // waits for the delayed handler
		t.Fatal(err)
	}
	if n := len(srv.Instances()); n != 0 {
		t.Fatal("the delayed operation was performed after the client went away")
	}
}

func TestDelayFaultThenAnswers(t *testing.T) {
	_, e := startServer(t, sandbox.Options{})
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Times: 1, Delay: time.Millisecond})
	if r := e.create(createBody(e.code(callback))); r.status != 200 {
		t.Fatalf("delayed create: %v", r)
	}
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Times: 1, Delay: time.Millisecond, Status: 429})
	wantError(t, e.api("GET", "/instances", ""), 429, "")
}

func TestAdminFaults(t *testing.T) {
	_, e := startServer(t, sandbox.Options{})
	post := func(body string) response {
		return e.do("POST", "/_sandbox/faults", jsonHeader(""), body)
	}
	r := post(`{"op":"list-instances","times":1,"status":503,"message":"busy","retryAfter":"2"}`)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"active":1}` {
		t.Fatalf("POST fault: %v", r)
	}
	r = e.api("GET", "/instances", "")
	wantError(t, r, 503, "busy")
	if r.header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	if r := e.api("GET", "/instances", ""); r.status != 200 {
		t.Errorf("the fault outlived its times: %v", r)
	}

	// The delay is read as a Go duration or as nanoseconds: a client with a
	// short time-out gives up while the sandbox waits.
	for _, delay := range []string{`"1h"`, `3600000000000`} {
		if r := post(`{"op":"get-instance","times":1,"delay":` + delay + `}`); r.status != 200 {
			t.Fatalf("delay %s: %v", delay, r)
		}
		e.client.Timeout = 100 * time.Millisecond
		if r, err := e.send("GET", sandbox.APIPath+"/instances/1", jsonHeader(authHeader), ""); err == nil {
			t.Errorf("delay %s was not applied: %v", delay, r)
		}
		e.client.Timeout = 0
	}

	for body, msg := range map[string]string{
		`{"op":"nope","status":500}`:                   "op",
		`{"op":"get-instance","delay":"soon"}`:         "delay",
		`{"op":"get-instance","delay":"-1s"}`:          "delay",
		`{"op":"get-instance","delayMs":100}`:          "delayMs",
		`{"op":"get-instance","status":42}`:            "status",
		`{"op":"get-instance","times":-1}`:             "times",
		`{"op":"get-instance","body":"<html></html>"}`: "status",
		`{"op":`: "JSON",
		``:       "empty",
	} {
		wantError(t, post(body), 400, msg)
	}
	h := jsonHeader("")
	h.Set("Content-Type", "text/plain")
	wantError(t, e.do("POST", "/_sandbox/faults", h, `{"op":"get-instance","status":500}`), 415, "application/json")

	// DELETE clears even a lasting fault.
	post(`{"op":"get-instance","status":418}`)
	wantError(t, e.api("GET", "/instances/1", ""), 418, "")
	if r := e.do("DELETE", "/_sandbox/faults", nil, ""); r.status != 200 {
		t.Fatalf("DELETE faults: %v", r)
	}
	wantError(t, e.api("GET", "/instances/1", ""), 404, "")

	wantError(t, e.do("GET", "/_sandbox/faults", nil, ""), 405, "")
	wantError(t, e.do("GET", "/_sandbox/nothing", nil, ""), 404, "")
	cross := jsonHeader("")
	cross.Set("Sec-Fetch-Site", "cross-site")
	wantError(t, e.do("POST", "/_sandbox/faults", cross, `{"op":"get-instance","status":500}`), 403, "")
	if r := e.api("GET", "/instances/1", ""); r.status != 404 {
		t.Errorf("a cross-site request injected a fault: %v", r)
	}
}

func TestAdminInstancesAndAutoApprove(t *testing.T) {
	_, e := startServer(t, sandbox.Options{})
	in := e.newInstance(nil)
	r := e.do("GET", "/_sandbox/instances", nil, "")
	var list []map[string]any
	decode(t, r.body, &list)
	if r.status != 200 || len(list) != 1 || list[0]["token"] != in.Token || list[0]["id"] != float64(in.ID) {
		t.Fatalf("GET /_sandbox/instances: %v", r)
	}
	if cfg, _ := list[0]["configuration"].(map[string]any); cfg["oauth.api.secret"] != sandbox.DemoClientSecret {
		t.Errorf("admin instances do not carry the raw configuration: %v", list[0])
	}

	auth := e.oauthURL(callback, "admin-auto-approve")
	if r := e.do("POST", "/_sandbox/auto-approve?on=true", nil, ""); r.status != 200 {
		t.Fatalf("auto-approve on: %v", r)
	}
	if r := e.do("GET", auth, nil, ""); r.status != http.StatusFound {
		t.Errorf("consent with auto-approve on: %d", r.status)
	}
	if r := e.do("POST", "/_sandbox/auto-approve?on=false", nil, ""); r.status != 200 {
		t.Fatalf("auto-approve off: %v", r)
	}
	if r := e.do("GET", auth, nil, ""); r.status != 200 {
		t.Errorf("consent with auto-approve off: %d", r.status)
	}
	wantError(t, e.do("POST", "/_sandbox/auto-approve?on=maybe", nil, ""), 400, "on")
	wantError(t, e.do("GET", "/_sandbox/auto-approve?on=true", nil, ""), 405, "")
	if r := e.do("GET", auth, nil, ""); r.status != 200 {
		t.Errorf("a refused request changed auto-approve: %d", r.status)
	}
}
