package sandbox_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"hootwire/internal/sandbox"
)

func TestAuthorizationHeaderIsEnforced(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	u, o := sandbox.DemoUserSecret, sandbox.DemoOrgSecret
	cases := map[string]string{
		"missing":                      "",
		"bearer":                       "Bearer " + u,
		"lowercase keywords":           "user " + u + ", organization " + o,
		"wrong user secret":            "User wrongUser/secret+=, Organization " + o,
		"wrong organization secret":    "User " + u + ", Organization wrongOrg/secret+==",
		"swapped order":                "Organization " + o + ", User " + u,
		"secrets swapped":              "User " + o + ", Organization " + u,
		"double space":                 "User  " + u + ", Organization " + o,
		"no comma":                     "User " + u + " Organization " + o,
		"url-encoded secret":           "User " + url.QueryEscape(u) + ", Organization " + o,
		"trailing comma":               authHeader + ",",
		"empty element token":          authHeader + ", Element ",
		"unknown element token":        authHeader + ", Element bm90LWEtdG9rZW4=",
		"element keyword misspelt":     authHeader + ", Elemnt x",
		"truncated organization":       authHeader[:len(authHeader)-1],
		"organization secret appended": authHeader + "x",
	}
	for name, header := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.do("GET", sandbox.APIPath+"/instances", jsonHeader(header), "")
			wantError(t, r, http.StatusUnauthorized, "Invalid Organization or User secret, or invalid Element token provided.")
			for _, secret := range []string{u, o, "wrongUser/secret+=", "wrongOrg/secret+=="} {
				if strings.Contains(string(r.body), secret) {
					t.Errorf("the 401 body echoes a secret: %s", r.body)
				}
			}
		})
	}
	if r := e.api("GET", "/instances", ""); r.status != 200 {
		t.Fatalf("the exact header is refused: %v", r)
	}
}

func TestEveryPlatformCallNeedsAuthorization(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	id := strconv.FormatInt(in.ID, 10)
	calls := []struct{ method, path, body string }{
		{"GET", "/elements/hootsuite/oauth/url?apiKey=a&apiSecret=b&callbackUrl=c&state=12345678", ""},
		{"POST", "/elements/hootsuite/oauth/url", `{"apiKey":"a","apiSecret":"b","callbackUrl":"c"}`},
		{"GET", "/instances", ""},
		{"POST", "/instances", mustJSON(t, createBody("x"))},
		{"GET", "/instances/" + id, ""},
		{"PATCH", "/instances/" + id, `{"name":"x"}`},
		{"PATCH", "/instances", `{"name":"x"}`},
		{"DELETE", "/instances/" + id, ""},
	}
	for _, c := range calls {
		r := e.do(c.method, sandbox.APIPath+c.path, jsonHeader(""), c.body)
		wantError(t, r, http.StatusUnauthorized, "Invalid Organization or User secret")
	}
	got := e.sb.Instances()
	if len(got) != 1 || got[0].Name != "API Instance" || got[0].Patches != 0 {
		t.Fatalf("an unauthorized call changed the instances: %+v", got)
	}
}

func TestUnknownRoutesAndWrongMethods(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, path := range []string{
		sandbox.APIPath + "/nope",
		sandbox.APIPath,
		sandbox.APIPath + "/instances/1/extra",
		sandbox.APIPath + "/elements/hootsuite/oauth",
		"/nothing/here",
	} {
		wantError(t, e.do("GET", path, jsonHeader(authHeader), ""), http.StatusNotFound, "")
	}
	for _, c := range []struct{ method, path, allow string }{
		{"PUT", "/instances", "GET, PATCH, POST"},
		{"DELETE", "/instances", "GET, PATCH, POST"},
		{"POST", "/instances/1", "DELETE, GET, PATCH"},
		{"DELETE", "/elements/hootsuite/oauth/url", "GET, POST"},
		{"GET", "/events/hootsuite/NDI3MjM2", "POST"},
	} {
		r := e.do(c.method, sandbox.APIPath+c.path, jsonHeader(authHeader), "")
		wantError(t, r, http.StatusMethodNotAllowed, c.method)
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, got, c.allow)
		}
	}
}

func TestOAuthURL(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	check := func(t *testing.T, r response, state, scope string) {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("oauth/url: %v", r)
		}
		var out struct {
			Element  string `json:"element"`
			OAuthURL string `json:"oauthUrl"`
		}
		decode(t, r.body, &out)
		if out.Element != "hootsuite" {
			t.Errorf("element = %q", out.Element)
		}
		prefix := e.url + "/hootsuite/oauth2/auth?response_type=code&client_id="
		if !strings.HasPrefix(out.OAuthURL, prefix) {
			t.Fatalf("oauthUrl = %q, want it to start with %q", out.OAuthURL, prefix)
		}
		u, _ := url.Parse(out.OAuthURL)
		q := u.Query()
		want := map[string]string{"response_type": "code", "client_id": sandbox.DemoClientID, "redirect_uri": callback + "?x=1", "state": state, "scope": scope}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("oauthUrl %s = %q, want %q", k, q.Get(k), v)
			}
		}
		if strings.Contains(string(r.body), url.QueryEscape(sandbox.DemoClientSecret)) || strings.Contains(string(r.body), sandbox.DemoClientSecret) {
			t.Errorf("the client secret leaks into the answer: %s", r.body)
		}
	}
	q := url.Values{"apiKey": {sandbox.DemoClientID}, "apiSecret": {sandbox.DemoClientSecret}, "callbackUrl": {callback + "?x=1"}}

	t.Run("GET", func(t *testing.T) {
		v := url.Values{"state": {"s3cure-random-state"}}
		for k, vs := range q {
			v[k] = vs
		}
		check(t, e.api("GET", "/elements/hootsuite/oauth/url?"+v.Encode(), ""), "s3cure-random-state", "offline")
	})
	t.Run("POST", func(t *testing.T) {
		body := mustJSON(t, map[string]string{"apiKey": sandbox.DemoClientID, "apiSecret": sandbox.DemoClientSecret,
			"callbackUrl": callback + "?x=1", "state": "12345678", "scope": "offline manage"})
		check(t, e.api("POST", "/elements/hootsuite/oauth/url", body), "12345678", "offline manage")
	})
	t.Run("state absent means the element key", func(t *testing.T) {
		check(t, e.api("GET", "/elements/hootsuite/oauth/url?"+q.Encode(), ""), "hootsuite", "offline")
	})
	t.Run("short state", func(t *testing.T) {
		v := url.Values{"state": {"1234567"}}
		for k, vs := range q {
			v[k] = vs
		}
		pe := wantError(t, e.api("GET", "/elements/hootsuite/oauth/url?"+v.Encode(), ""), 400, "")
		if pe.Message != "state must be at least 8 characters" {
			t.Errorf("message = %q", pe.Message)
		}
		body := mustJSON(t, map[string]string{"apiKey": "a", "apiSecret": "b", "callbackUrl": "c", "state": "short"})
		wantError(t, e.api("POST", "/elements/hootsuite/oauth/url", body), 400, "state must be at least 8 characters")
	})
	t.Run("missing parameters", func(t *testing.T) {
		for _, missing := range []string{"apiKey", "apiSecret", "callbackUrl"} {
			v := url.Values{}
			fields := map[string]string{"state": "12345678"}
			for k := range q {
				if k != missing {
					v.Set(k, q.Get(k))
					fields[k] = q.Get(k)
				}
			}
			r := e.api("GET", "/elements/hootsuite/oauth/url?"+v.Encode(), "")
			wantError(t, r, 400, "'"+missing+"'")
			r = e.api("POST", "/elements/hootsuite/oauth/url", mustJSON(t, fields))
			wantError(t, r, 400, "'"+missing+"'")
			if strings.Contains(string(r.body), sandbox.DemoClientSecret) {
				t.Errorf("error echoes the client secret: %s", r.body)
			}
		}
	})
	t.Run("unknown element", func(t *testing.T) {
		wantError(t, e.api("GET", "/elements/twitter/oauth/url?"+q.Encode(), ""), 404, "twitter")
	})
	t.Run("POST needs JSON", func(t *testing.T) {
		h := jsonHeader(authHeader)
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		r := e.do("POST", sandbox.APIPath+"/elements/hootsuite/oauth/url", h, q.Encode())
		wantError(t, r, http.StatusUnsupportedMediaType, "application/json")
		wantError(t, e.api("POST", "/elements/hootsuite/oauth/url", `{"apiKey":`), 400, "JSON")
	})
}

func TestCreateInstanceValidatesTheBody(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	cases := []struct {
		name   string
		mutate func(b map[string]any)
		msg    string
	}{
		{"element missing", func(b map[string]any) { delete(b, "element") }, "element"},
		{"element key wrong", func(b map[string]any) { b["element"] = map[string]any{"key": "twitter"} }, "No element with key 'twitter'"},
		{"providerData missing", func(b map[string]any) { delete(b, "providerData") }, "You must provide an OAuth code in order to create an instance of this element"},
		{"code empty", func(b map[string]any) { b["providerData"] = map[string]any{"code": ""} }, "You must provide an OAuth code in order to create an instance of this element"},
		{"name missing", func(b map[string]any) { delete(b, "name") }, "name"},
		{"configuration missing", func(b map[string]any) { delete(b, "configuration") }, "oauth.callback.url"},
		{"callback url missing", func(b map[string]any) { delete(configOf(b), "oauth.callback.url") }, "'oauth.callback.url'"},
		{"api key missing", func(b map[string]any) { delete(configOf(b), "oauth.api.key") }, "'oauth.api.key'"},
		{"api secret empty", func(b map[string]any) { configOf(b)["oauth.api.secret"] = "" }, "'oauth.api.secret'"},
		{"events enabled not a boolean", func(b map[string]any) { configOf(b)["event.notification.enabled"] = "yes" }, "Invalid configuration value for 'event.notification.enabled': use true or false."},
		{"events enabled a number", func(b map[string]any) { configOf(b)["event.notification.enabled"] = 1 }, "Invalid configuration value for 'event.notification.enabled': use true or false."},
		{"configuration value an object", func(b map[string]any) { configOf(b)["event.poller.configuration"] = map[string]any{} }, "Invalid configuration value for 'event.poller.configuration': use a string, number, boolean or null."},
		{"tags as objects", func(b map[string]any) { b["tags"] = []any{map[string]any{"name": "x"}} }, "JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := createBody(code)
			c.mutate(b)
			wantError(t, e.create(b), 400, c.msg)
		})
	}
	h := jsonHeader(authHeader)
	h.Set("Content-Type", "text/plain")
	wantError(t, e.do("POST", sandbox.APIPath+"/instances", h, mustJSON(t, createBody(code))), http.StatusUnsupportedMediaType, "application/json")
	wantError(t, e.api("POST", "/instances", `{"element":`), 400, "JSON")
	wantError(t, e.api("POST", "/instances", `{} {}`), 400, "")

	if n := len(e.sb.Instances()); n != 0 {
		t.Fatalf("a refused body created %d instances", n)
	}
	// A body refused before the exchange does not spend the code.
	if r := e.create(createBody(code)); r.status != 200 {
		t.Fatalf("the code no longer works after refused bodies: %v", r)
	}
}

func TestCreatedInstanceLooksLikeThePlatformsAndMasksSecrets(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	code := e.code(callback)
	r := e.create(createBody(code))
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("create: %v (%s)", r, r.header.Get("Content-Type"))
	}
	for _, secret := range []string{sandbox.DemoClientSecret, sandbox.DemoClientID, code} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("the instance JSON shows %q unmasked", secret)
		}
	}
	var raw map[string]any
	decode(t, r.body, &raw)
	if raw["id"] != float64(427236) {
		t.Errorf("id = %v, want 427236 (the first of the sequence)", raw["id"])
	}
	tok, _ := raw["token"].(string)
	if b, err := base64.StdEncoding.DecodeString(tok); len(tok) != 44 || err != nil || len(b) < 32 {
		t.Errorf("token = %q, want 44 characters of base64", tok)
	}
	el, _ := raw["element"].(map[string]any)
	if el["id"] != float64(1234) || el["key"] != "hootsuite" || el["name"] != "Hootsuite" {
		t.Errorf("element = %v", el)
	}
	if tags, _ := raw["tags"].([]any); len(tags) != 1 || tags[0] != "hootwire" {
		t.Errorf("tags = %v", raw["tags"])
	}
	for k, want := range map[string]any{"name": "API Instance", "valid": true, "disabled": false, "eventsEnabled": true,
		"externalAuthentication": "none", "cacheTimeToLive": float64(0)} {
		if raw[k] != want {
			t.Errorf("%s = %v, want %v", k, raw[k], want)
		}
	}
	for _, k := range []string{"createdDate", "updatedDate"} {
		d, err := time.Parse(time.RFC3339, raw[k].(string))
		if err != nil || !d.Equal(e.clock.Now()) {
			t.Errorf("%s = %v, want %s in RFC 3339", k, raw[k], e.clock.Now().Format(time.RFC3339))
		}
	}
	cfg, _ := raw["configuration"].(map[string]any)
	for k, want := range map[string]any{
		"oauth.api.key": "********", "oauth.api.secret": "********", "oauth.callback.url": callback,
		"event.notification.enabled": "true", "event.notification.signature.key": nil, "event.poller.configuration": nil,
	} {
		if v, ok := cfg[k]; !ok || v != want {
			t.Errorf("configuration[%q] = %v (present %v), want %v", k, v, ok, want)
		}
	}
	for k, v := range cfg {
		if _, isString := v.(string); v != nil && !isString {
			t.Errorf("configuration[%q] = %v (%T): values must be strings or null", k, v, v)
		}
	}

	got := e.sb.Instances()
	if len(got) != 1 {
		t.Fatalf("Instances() = %+v", got)
	}
	in := got[0]
	if in.ID != 427236 || in.Token != tok || !in.EventsEnabled || in.Config["oauth.api.secret"] != sandbox.DemoClientSecret ||
		in.Config["oauth.api.key"] != sandbox.DemoClientID || in.Patches != 0 || !in.Created.Equal(e.clock.Now()) {
		t.Errorf("snapshot = %+v", in)
	}
	if second := e.newInstance(nil); second.ID != 427237 {
		t.Errorf("second id = %d, want 427237", second.ID)
	}
}

func TestEventsEnabledAcceptsBooleansAndStrings(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, c := range []struct {
		value any
		want  bool
	}{{true, true}, {"true", true}, {false, false}, {"false", false}, {nil, false}} {
		in := e.newInstance(func(b map[string]any) {
			if c.value == nil {
				delete(configOf(b), "event.notification.enabled")
			} else {
				configOf(b)["event.notification.enabled"] = c.value
			}
		})
		if in.EventsEnabled != c.want || *in.Configuration["event.notification.enabled"] != strconv.FormatBool(c.want) {
			t.Errorf("event.notification.enabled %#v: eventsEnabled %v, configuration %q", c.value, in.EventsEnabled, *in.Configuration["event.notification.enabled"])
		}
		status := e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(in.ID), nil, "[]").status
		if (status == 200) != c.want {
			t.Errorf("event.notification.enabled %#v: events endpoint answered %d", c.value, status)
		}
	}
}

func TestListInstancesFiltersByAllTags(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	ab := e.newInstance(func(b map[string]any) { b["tags"] = []string{"a", "b"} })
	a := e.newInstance(func(b map[string]any) { b["tags"] = []string{"a"} })
	c := e.newInstance(func(b map[string]any) { b["tags"] = []string{"c"} })
	for query, want := range map[string][]int64{
		"":                       {ab.ID, a.ID, c.ID},
		"?tags[]=a":              {ab.ID, a.ID},
		"?tags[]=a&tags[]=b":     {ab.ID},
		"?tags%5B%5D=c":          {c.ID},
		"?tags[]=zzz":            {},
		"?tags[]=a&tags[]=c":     {},
		"?tags[]=b&other=ignore": {ab.ID},
	} {
		r := e.api("GET", "/instances"+query, "")
		if r.status != 200 || r.body[0] != '[' {
			t.Fatalf("GET /instances%s: %v", query, r)
		}
		var list []instanceJSON
		decode(t, r.body, &list)
		var ids []int64
		for _, in := range list {
			ids = append(ids, in.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("GET /instances%s = %v, want %v (sorted by id)", query, ids, want)
		}
	}
}

func TestGetInstance(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	r := e.api("GET", "/instances/"+strconv.FormatInt(in.ID, 10), "")
	var got instanceJSON
	decode(t, r.body, &got)
	if r.status != 200 || got.ID != in.ID || got.Token != in.Token || *got.Configuration["oauth.api.secret"] != "********" {
		t.Fatalf("GET instance: %v", r)
	}
	wantError(t, e.api("GET", "/instances/abc", ""), 400, "abc")
	wantError(t, e.api("GET", "/instances/999", ""), 404, "999")
}

func TestPatchInstanceByID(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	other := e.newInstance(nil)
	path := "/instances/" + strconv.FormatInt(in.ID, 10)
	e.clock.Advance(time.Minute)

	r := e.api("PATCH", path, `{"configuration":{"event.notification.callback.url":"https://app.example/hook"},"name":"renamed","tags":["x","y"]}`)
	if r.status != 200 {
		t.Fatalf("PATCH: %v", r)
	}
	var got instanceJSON
	decode(t, r.body, &got)
	if *got.Configuration["event.notification.callback.url"] != "https://app.example/hook" ||
		*got.Configuration["oauth.callback.url"] != callback || // merged, not replaced
		*got.Configuration["oauth.api.secret"] != "********" ||
		got.Name != "renamed" || strings.Join(got.Tags, ",") != "x,y" ||
		got.CreatedDate != in.CreatedDate || got.UpdatedDate != e.clock.Now().Format(time.RFC3339) {
		t.Errorf("patched instance = %+v", got)
	}
	snap := e.sb.Instances()
	if snap[0].Patches != 1 || snap[1].Patches != 0 || snap[1].ID != other.ID {
		t.Errorf("Patches = %d and %d, want 1 and 0", snap[0].Patches, snap[1].Patches)
	}

	// Disabling events through the configuration turns eventsEnabled off, and back.
	events := sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID)
	r = e.api("PATCH", path, `{"configuration":{"event.notification.enabled":false}}`)
	decode(t, r.body, &got)
	if got.EventsEnabled || e.do("POST", events, nil, "[]").status != 404 {
		t.Errorf("events still enabled after PATCH false: %+v", got)
	}
	r = e.api("PATCH", path, `{"configuration":{"event.notification.enabled":"true"}}`)
	decode(t, r.body, &got)
	if !got.EventsEnabled || e.do("POST", events, nil, "[]").status != 200 {
		t.Errorf("events not enabled after PATCH \"true\": %+v", got)
	}

	h := jsonHeader(authHeader)
	h.Set("Content-Type", "text/plain")
	wantError(t, e.do("PATCH", sandbox.APIPath+path, h, `{"name":"x"}`), http.StatusUnsupportedMediaType, "application/json")
	wantError(t, e.api("PATCH", path, `{"configuration":`), 400, "JSON")
	wantError(t, e.api("PATCH", path, `{}`), 400, "configuration")
	wantError(t, e.api("PATCH", path, `{"name":""}`), 400, "name")
	wantError(t, e.api("PATCH", path, `{"configuration":{"event.notification.enabled":"maybe"}}`), 400, "Invalid configuration value for 'event.notification.enabled': use true or false.")
	wantError(t, e.api("PATCH", path, `{"configuration":{"event.poller.configuration":[]}}`), 400, "Invalid configuration value for 'event.poller.configuration': use a string, number, boolean or null.")
	wantError(t, e.api("PATCH", "/instances/abc", `{"name":"x"}`), 400, "abc")
	wantError(t, e.api("PATCH", "/instances/999", `{"name":"x"}`), 404, "999")
	if n := e.sb.Instances()[0].Patches; n != 3 {
		t.Errorf("Patches = %d after 3 good and 8 refused PATCHes", n)
	}
}

func TestPatchInstancesNeedsTheElementToken(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	other := e.newInstance(nil)
	body := `{"configuration":{"event.notification.callback.url":"https://app.example/by-token"}}`
	wantError(t, e.api("PATCH", "/instances", body), 401, "Invalid Organization or User secret, or invalid Element token provided.")
	wantError(t, e.do("PATCH", sandbox.APIPath+"/instances", jsonHeader(authHeader+", Element not-a-token"), body), 401, "Element token")

	r := e.do("PATCH", sandbox.APIPath+"/instances", jsonHeader(authHeader+", Element "+other.Token), body)
	var got instanceJSON
	decode(t, r.body, &got)
	if r.status != 200 || got.ID != other.ID || *got.Configuration["event.notification.callback.url"] != "https://app.example/by-token" {
		t.Fatalf("PATCH /instances with token: %v", r)
	}
	snap := e.sb.Instances()
	if snap[0].ID != in.ID || snap[0].Patches != 0 || snap[1].Patches != 1 {
		t.Errorf("the wrong instance was patched: %+v", snap)
	}
}

func TestDeleteInstance(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	path := "/instances/" + strconv.FormatInt(in.ID, 10)
	r := e.api("DELETE", path, "")
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Fatalf("DELETE: %v", r)
	}
	wantError(t, e.api("GET", path, ""), 404, "")
	wantError(t, e.api("DELETE", path, ""), 404, "")
	wantError(t, e.api("DELETE", "/instances/abc", ""), 400, "abc")
	wantError(t, e.do("PATCH", sandbox.APIPath+"/instances", jsonHeader(authHeader+", Element "+in.Token), `{"name":"x"}`), 401, "Element token")
	wantError(t, e.do("POST", sandbox.APIPath+"/events/hootsuite/"+encodeID(in.ID), nil, "[]"), 404, "")
	if n := len(e.sb.Instances()); n != 0 {
		t.Errorf("%d instances after DELETE", n)
	}
}

func TestEventsEndpoint(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	in := e.newInstance(nil)
	disabled := e.newInstance(func(b map[string]any) { configOf(b)["event.notification.enabled"] = false })
	events := sandbox.APIPath + "/events/hootsuite/"

	if encodeID(in.ID) != "NDI3MjM2" {
		t.Fatalf("first id encodes as %s", encodeID(in.ID))
	}
	r := e.do("POST", events+"NDI3MjM2", http.Header{"Content-Type": {"application/json"}}, `[{"seq_no":"1","type":"com.hootsuite.ping.event.v1","data":{}}]`)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "{}" {
		t.Fatalf("event for an enabled instance: %v", r)
	}
	for name, path := range map[string]string{
		"not base64":          events + "!!!!",
		"base64 of letters":   events + base64.StdEncoding.EncodeToString([]byte("abc")),
		"unknown id":          events + encodeID(1234567),
		"padding dropped":     events + strings.TrimRight(encodeID(1234567), "="),
		"events disabled":     events + encodeID(disabled.ID),
		"no id (placeholder)": sandbox.APIPath + "/events/hootsuite",
		"other element":       sandbox.APIPath + "/events/twitter/" + encodeID(in.ID),
	} {
		t.Run(name, func(t *testing.T) {
			wantError(t, e.do("POST", path, nil, "[]"), 404, "")
		})
	}
	snap := e.sb.Instances()
	if snap[0].EventsReceived != 1 || snap[1].EventsReceived != 0 {
		t.Errorf("EventsReceived = %d, %d; want 1, 0", snap[0].EventsReceived, snap[1].EventsReceived)
	}
}
