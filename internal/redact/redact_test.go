package redact

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	userSecret   = "uS3cr/et+A="
	orgSecret    = "oRg/S3cret+B=="
	clientSecret = "cl1ent/Secret+C="
	token        = "t0ken/Value+D="
	grantCode    = "xoz8AFqScK2ngM04kSSM"
)

func allSecrets() []string {
	return []string{userSecret, orgSecret, clientSecret, token, grantCode}
}

func assertNoSecret(t *testing.T, got string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("output still holds secret %q:\n%s", s, got)
		}
	}
}

func TestStringMasksKnownSecretsInEverySpelling(t *testing.T) {
	r := New(allSecrets()...)
	for _, s := range allSecrets() {
		for name, spelling := range map[string]string{"as sent": s, "query-escaped": url.QueryEscape(s), "path-escaped": url.PathEscape(s)} {
			got := r.String("before " + spelling + " after")
			if strings.Contains(got, spelling) || !strings.Contains(got, Mask) {
				t.Errorf("%s %q: got %q", name, spelling, got)
			}
		}
	}
}

func TestStringMasksSecretShapedValuesItWasNotToldAbout(t *testing.T) {
	r := New() // knows nothing
	cases := map[string]string{
		"authorization header": `authorization: User abc/def=, Organization ghi+jkl=, Element tok123`,
		"json body":            `{"providerData":{"code":"abc123"},"configuration":{"oauth.api.secret":"s3cr\"et","oauth.api.key":"visible","oauth.user.refresh_token":"rrrr"},"token":"tttt"}`,
		"query string":         `GET /oauth/url?apiKey=visible&apiSecret=hidden123&callbackUrl=x&code=abc123`,
	}
	hidden := []string{"abc/def=", "ghi+jkl=", "tok123", "abc123", `s3cr\"et`, "tttt", "rrrr", "hidden123"}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			got := r.String(in)
			assertNoSecret(t, got, hidden...)
			if strings.Contains(in, "visible") && !strings.Contains(got, "visible") {
				t.Errorf("client id is not a secret and should stay readable: %s", got)
			}
		})
	}
}

func TestStringLeavesOrdinaryProseAlone(t *testing.T) {
	r := New(allSecrets()...)
	in := "The User secret or the Organization secret is wrong: check OC_USER_SECRET."
	if got := r.String(in); got != in {
		t.Errorf("String(%q) = %q; prose without secrets must not change", in, got)
	}
}

func TestAuthorizationKeepsShape(t *testing.T) {
	r := New()
	got := r.Authorization("User " + userSecret + ", Organization " + orgSecret + ", Element " + token)
	want := "User ********, Organization ********, Element ********"
	if got != want {
		t.Errorf("Authorization() = %q, want %q", got, want)
	}
	if got := r.Authorization("Element " + token); got != "Element ********" {
		t.Errorf("lone Element token: got %q", got)
	}
}

func TestHeaderMasksCopy(t *testing.T) {
	r := New(token)
	h := http.Header{}
	h.Set("Authorization", "User "+userSecret+", Organization "+orgSecret)
	h.Set("Cookie", "session=abc")
	h.Set("X-Echo", "token is "+token)
	got := r.Header(h)
	for k, vs := range got {
		for _, v := range vs {
			assertNoSecret(t, k+": "+v, userSecret, orgSecret, token, "abc")
		}
	}
	if h.Get("Authorization") == got.Get("Authorization") {
		t.Error("Header must return a masked copy and leave the original intact")
	}
	if !strings.Contains(h.Get("Authorization"), userSecret) {
		t.Error("the original header was modified")
	}
}

func TestAddLearnsSecretsLater(t *testing.T) {
	r := New(userSecret)
	before := r.String("token " + token)
	if !strings.Contains(before, token) {
		t.Fatalf("token masked before it was known: %q", before)
	}
	r.Add(token, "")
	assertNoSecret(t, r.String("token "+token), token)
}

func TestNilRedactorStillMasksShapes(t *testing.T) {
	var r *Redactor
	got := r.String(`{"token":"abc"}`)
	assertNoSecret(t, got, `"abc"`)
}

// TestJSONSpellingsAndCutValuesAreMasked: a known secret written inside a
// JSON string (escaped, or with "/" as "\/"), and a secret-named JSON value
// cut off before its closing quote, are masked.
func TestJSONSpellingsAndCutValuesAreMasked(t *testing.T) {
	odd := `a&b<c>/d"e`
	r := New(odd, token)
	escaped := `{"x":"a\u0026b\u003cc\u003e/d\"e","y":"t0ken\/Value+D="}`
	got := r.String(escaped)
	assertNoSecret(t, got, `a\u0026b\u003cc\u003e/d\"e`, `t0ken\/Value+D=`)

	cut := New()
	for _, in := range []string{`{"id":7,"token":"abcdefghijkl`, `{"token":"abc\`} {
		if got := cut.String(in); strings.Contains(got, "abc") {
			t.Errorf("a cut-off secret value shows: %q", got)
		}
	}
}
