package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
)

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
	} {
		f.Add(s, 400)
	}
	c, err := New("http://127.0.0.1:1", testUser, testOrg, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string, status int) {
		var in Instance
		_ = json.Unmarshal([]byte(body), &in)
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
		for _, s := range []string{testUser, testOrg} {
			if strings.Contains(text, s) {
				t.Fatalf("error text holds a secret: %q", text)
			}
		}
	})
}
