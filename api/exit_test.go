package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"hootwire/api"
	"hootwire/internal/setup"
)

// TestUnusableAnswersExitAsTheAPIs: an authorization URL that is not http
// or https, and a created instance with an id that is not positive, are
// the API answering wrongly: exit status 4, as documented.
func TestUnusableAnswersExitAsTheAPIs(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		answer string
		call   func(*api.Client) error
	}{
		"authorization URL": {`{"element":"hootsuite","oauthUrl":"javascript:alert(1)"}`, func(c *api.Client) error {
			_, err := c.OAuthURL(ctx, api.OAuthURLRequest{APIKey: "cid", APISecret: "cLient/Secret+3=", CallbackURL: "http://localhost:4668/callback", State: "state1234"})
			return err
		}},
		"negative id": {`{"id":-7,"token":"tOken/Value+4="}`, func(c *api.Client) error {
			_, err := c.CreateInstance(ctx, api.HootsuiteInstance{Name: "x", Code: "c0de-c0de", ClientSecret: "cLient/Secret+3="}.Request())
			return err
		}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tc.answer)
			}))
			t.Cleanup(srv.Close)
			c, err := api.New(srv.URL, "uSer/Secret+1=", "oRg/Secret+2==", api.Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if got := setup.ExitStatus(ctx, err); got != setup.ExitAPI {
				t.Errorf("ExitStatus(%v) = %d, want %d (the API answered wrongly)", err, got, setup.ExitAPI)
			}
		})
	}
}
