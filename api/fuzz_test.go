package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"hootwire/internal/termsafe"
)

// described is every way decodeProblem may word a body that did not
// decode: an offset, a JSON kind and a Go type, or a fixed sentence.
var described = regexp.MustCompile(`^(malformed JSON at byte \d+|a JSON [a-z]+ where [\w.\[\]*]+ was expected|unexpected content|` +
	`a configuration value is not a valid JSON string|a tag is an object without a string name|a tag is neither a string, an object nor null|` +
	`a tag is not a valid JSON string|the configuration is not an object|the tags are not a list)$`)

// FuzzDecodeAnswers feeds arbitrary bodies to what reads the platform's
// answers: an instance, and an error. Nothing panics, and an error's text
// is always inert for a terminal and free of the client's secrets.
func FuzzDecodeAnswers(f *testing.F) {
	for _, s := range []string{
		instanceJSON,
		`{"requestId":"r","message":"bad \u001b[2J","providerMessage":{"error":"invalid_grant"}}`,
		`{"tags":[{"name":1}],"configuration":{"a":[1]}}`,
		`<html>502</html>`,
		`{"id":"12","token":null}`,
		`{"message":"User ` + testUser + `, Organization ` + testOrg + `"}`,
		`[{"id":1.5e3,"tags":[-7]}]`,
		`{"message":"a \u202e bidi"}`,
		"\ufeff{\"x\":1}",
	} {
		f.Add(s, 400)
	}
	c, err := New("http://127.0.0.1:1", testUser, testOrg, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string, status int) {
		var in []Instance
		if err := json.Unmarshal([]byte(body), &in); err != nil {
			// A body that does not decode is described, never quoted.
			de := &DecodeError{Op: OpListInstances, StatusCode: 200, Size: len(body), Err: decodeProblem(err)}
			if why := de.Err.Error(); !described.MatchString(why) {
				t.Fatalf("a decoding error says %q, which may quote the body", why)
			}
		}
		if status < 100 || status > 999 {
			status = 500
		}
		e := c.decodeError(OpCreateInstance, &http.Response{StatusCode: status, Header: http.Header{}}, []byte(body))
		text := e.Error()
		for _, r := range text {
			if unicode.IsControl(r) {
				t.Fatalf("error text carries control character %U: %q", r, text)
			}
		}
		if !termsafe.Safe(text) {
			t.Fatalf("error text is not safe for a terminal: %q", text)
		}
		if trimmed := strings.TrimSpace(body); e.Body != "" && (json.Valid([]byte(trimmed)) || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) {
			t.Fatalf("an error quotes a JSON answer: %q", text)
		}
		for _, s := range []string{testUser, testOrg} {
			if strings.Contains(text, s) {
				t.Fatalf("error text holds a secret: %q", text)
			}
		}
	})
}
