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

// TestEscapedJSONKeysAreDecoded: a secret-named JSON key is recognised
// after its escapes are decoded, however it is spelled, and so is a value
// that is a number.
func TestEscapedJSONKeysAreDecoded(t *testing.T) {
	r := New() // knows nothing: the shape alone must catch these
	cases := map[string]string{
		`{"to\u006ben": "hidden-one-value"}`:                "hidden-one-value",
		`{"\u0074oken":"hidden-two-value"}`:                 "hidden-two-value",
		`{"oauth.api.s\u0065cret" : "hidden-three"}`:        "hidden-three",
		`{"\u0063ode":"hidden-code"}`:                       "hidden-code",
		`{"REFRESH_\u0054OKEN":"hidden-upper"}`:             "hidden-upper",
		`{"x":1,"pass\u0077ord":"hidden-pw","y":"visible"}`: "hidden-pw",
		`{"code":   98765432}`:                              "98765432",
		`{"to\u006ben":"cut-off-hidden`:                     "cut-off-hidden",
		`{"to\/ken":"not-a-token-key-but-visible"}`:         "",
	}
	for in, hidden := range cases {
		got := r.String(in)
		if hidden != "" && strings.Contains(got, hidden) {
			t.Errorf("String(%s) = %s: the value shows", in, got)
		}
		if hidden != "" && !strings.Contains(got, Mask) {
			t.Errorf("String(%s) = %s: nothing masked", in, got)
		}
	}
	if got := r.String(`{"x":1,"pass\u0077ord":"hidden-pw","y":"visible"}`); !strings.Contains(got, `"y":"visible"`) {
		t.Errorf("a field that is not a secret was touched: %s", got)
	}
	if got := r.String(`{"token":null,"code":true}`); got != `{"token":null,"code":true}` {
		t.Errorf("null and true are not secrets: %s", got)
	}
}

// TestKnownSecretsAreFoundInDecodedJSON: a known secret written with
// escapes that no encoder in Add's list produces is still masked.
func TestKnownSecretsAreFoundInDecodedJSON(t *testing.T) {
	r := New(token)
	for _, in := range []string{
		`{"x":"\u0074\u0030ken/Value+D="}`,
		`{"x":"t0ken\u002FValue\u002bD\u003d and more"}`,
		`["t0ken\/Value\u002BD="]`,
	} {
		got := r.String(in)
		if strings.Contains(unescape(got), token) {
			t.Errorf("String(%s) = %s: the token shows once decoded", in, got)
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("String(%s) = %s: nothing masked", in, got)
		}
	}
}

// TestShortSecretsAreMaskedOnlyAsWholeValues: a secret shorter than
// MinSecretLen is masked where it is a whole value (a JSON string, a query
// value, a header value, the whole text) and nowhere else, so a one-letter
// token does not mask every "a" of the log.
func TestShortSecretsAreMaskedOnlyAsWholeValues(t *testing.T) {
	r := New("a", "7", "x+y")
	prose := "a banana and a cat: request 7 of 17 took 70ms"
	if got := r.String(prose); got != prose {
		t.Errorf("String(%q) = %q: a short secret garbled ordinary text", prose, got)
	}
	masked := map[string]string{
		`{"name":"a","n":"7"}`:           `{"name":"` + Mask + `","n":"` + Mask + `"}`,
		`["x","a"]`:                      `["x","` + Mask + `"]`,
		`{"a":"b"}`:                      `{"a":"b"}`, // a key is not a value
		`GET /x?k=a&b=banana`:            `GET /x?k=` + Mask + `&b=banana`,
		`POST k=x%2By&other=x+yz`:        `POST k=` + Mask + `&other=x+yz`,
		`a`:                              Mask,
		`{"v":"\u0061"}`:                 `{"v":"` + Mask + `"}`,
		`User a, Organization 7`:         `User ` + Mask + `, Organization ` + Mask,
		`{"message":"a is not allowed"}`: `{"message":"a is not allowed"}`,
	}
	for in, want := range masked {
		if got := r.String(in); got != want {
			t.Errorf("String(%s) = %s, want %s", in, got, want)
		}
	}
	h := http.Header{"X-Whole": {"a"}, "X-Part": {"a banana"}}
	got := r.Header(h)
	if got.Get("X-Whole") != Mask || got.Get("X-Part") != "a banana" {
		t.Errorf("Header = %v: want only the whole value masked", got)
	}
	// A secret of MinSecretLen is masked inside text as before.
	long := strings.Repeat("k", MinSecretLen)
	r.Add(long)
	if got := r.String("x" + long + "x"); strings.Contains(got, long) {
		t.Errorf("a secret of %d characters shows inside text: %q", MinSecretLen, got)
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:        "plain",
		`to\u006ben`:   "token",
		`a\"b\\c\/d\n`: "a\"b\\c/d\n",
		`\ud83d\ude00`: "\U0001F600",
		`cut\u00`:      `cut\u00`,
		`bad\q`:        `bad\q`,
		`end\`:         `end\`,
		`\ud83dx`:      "\uFFFDx",
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}
