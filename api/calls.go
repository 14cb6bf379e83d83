package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// OAuthURL gets the provider's authorization URL with POST, which keeps the
// client secret out of URLs and access logs. A platform that does not know
// the POST form (404 or 405) is asked again with GET.
func (c *Client) OAuthURL(ctx context.Context, req OAuthURLRequest) (OAuthURL, error) {
	got, err := c.OAuthURLPost(ctx, req)
	if code := StatusCode(err); code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
		return c.OAuthURLGet(ctx, req)
	}
	return got, err
}

// OAuthURLPost is POST /elements/{key}/oauth/url with a JSON body.
func (c *Client) OAuthURLPost(ctx context.Context, req OAuthURLRequest) (OAuthURL, error) {
	if err := c.checkOAuthRequest(req); err != nil {
		return OAuthURL{}, err
	}
	var out OAuthURL
	// It creates nothing on the platform, so unlike POST /instances it may be retried.
	err := c.do(ctx, call{op: OpOAuthURL, method: http.MethodPost, path: oauthPath(req.Element), body: req, retry: true, out: &out})
	if err != nil {
		return OAuthURL{}, err
	}
	return out, checkOAuthURL(out)
}

// OAuthURLGet is GET /elements/{key}/oauth/url with a query string, as the
// doc shows it. It is safe to retry: it creates nothing.
func (c *Client) OAuthURLGet(ctx context.Context, req OAuthURLRequest) (OAuthURL, error) {
	if err := c.checkOAuthRequest(req); err != nil {
		return OAuthURL{}, err
	}
	q := url.Values{}
	q.Set("apiKey", req.APIKey)
	q.Set("apiSecret", req.APISecret)
	q.Set("callbackUrl", req.CallbackURL)
	q.Set("state", req.State)
	if req.Scope != "" {
		q.Set("scope", req.Scope)
	}
	var out OAuthURL
	err := c.do(ctx, call{op: OpOAuthURL, method: http.MethodGet, path: oauthPath(req.Element), query: q, retry: true, out: &out})
	if err != nil {
		return OAuthURL{}, err
	}
	return out, checkOAuthURL(out)
}

func oauthPath(element string) string {
	if element == "" {
		element = ElementKey
	}
	return "/elements/" + url.PathEscape(element) + "/oauth/url"
}

func (c *Client) checkOAuthRequest(req OAuthURLRequest) error {
	c.redactor.Add(req.APISecret)
	var missing []string
	if req.APIKey == "" {
		missing = append(missing, "the Hootsuite client id")
	}
	if req.APISecret == "" {
		missing = append(missing, "the Hootsuite client secret")
	}
	if req.CallbackURL == "" {
		missing = append(missing, "the callback URL")
	}
	if len(req.State) < 8 {
		missing = append(missing, "a state of at least 8 characters")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing %s", OpOAuthURL, strings.Join(missing, ", "))
	}
	return nil
}

// checkOAuthURL refuses an authorization URL that a browser should not be
// sent to: anything but an absolute http or https URL. The refusal is a
// *DecodeError wrapping ErrUnusableAnswer (the API answered wrongly), and
// quotes at most the URL's scheme: the rest is the platform's to build and
// may carry the client id, the state or worse.
func checkOAuthURL(got OAuthURL) error {
	u, err := url.Parse(got.OAuthURL)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	what := "it is not an absolute URL"
	switch {
	case got.OAuthURL == "":
		what = "it is empty"
	case err == nil && knownSchemes[u.Scheme]:
		what = fmt.Sprintf("its scheme is %q", u.Scheme)
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		what = "it has no host"
	case err == nil && u.Scheme == "":
		what = "it has no scheme"
	}
	return &DecodeError{Op: OpOAuthURL, StatusCode: http.StatusOK, Size: len(got.OAuthURL),
		Err: unusable(fmt.Sprintf("the platform answered with an authorization URL that is not http or https (%s); it will not be opened", what))}
}

// knownSchemes are the schemes an error may name; any other is part of
// the answer, and is not quoted.
var knownSchemes = map[string]bool{"file": true, "javascript": true, "data": true, "vbscript": true, "ftp": true,
	"mailto": true, "about": true, "blob": true, "ws": true, "wss": true, "ssh": true, "smb": true}

// CheckAccount makes one authenticated call so that wrong secrets fail
// before the browser is involved: GET /instances?pageSize=1, the smallest
// list the platform gives. Only its status counts: at most smallBodyBytes
// of the answer are read, none of it is kept, shown or logged (the debug
// log has its status and size), since it holds another connector's
// configuration whenever the organization has one.
func (c *Client) CheckAccount(ctx context.Context) error {
	q := url.Values{"pageSize": {"1"}}
	return c.do(ctx, call{op: OpCheckAccount, method: http.MethodGet, path: "/instances", query: q, retry: true, limit: smallBodyBytes, private: true})
}

// errNoID is a create or list answer without a usable instance: a
// platform that answers so has misbehaved.
func errNoID(op, what string) error {
	return &DecodeError{Op: op, StatusCode: http.StatusOK, Err: unusable("the answer has an instance " + what)}
}

// CreateInstance is POST /instances. It is sent exactly once, never retried:
// the grant code in it is single-use, and a second use revokes the first.
func (c *Client) CreateInstance(ctx context.Context, req CreateInstanceRequest) (*Instance, error) {
	c.redactor.Add(req.ProviderData.Code, req.Configuration.APISecret)
	var out Instance
	if err := c.do(ctx, call{op: OpCreateInstance, method: http.MethodPost, path: "/instances", body: req, out: &out}); err != nil {
		return nil, err
	}
	if out.ID <= 0 || out.Token == "" {
		return nil, errNoID(OpCreateInstance, "without a positive id or without a token")
	}
	c.redactor.Add(out.Token)
	return &out, nil
}

// GetInstance is GET /instances/{id}.
func (c *Client) GetInstance(ctx context.Context, id int64) (*Instance, error) {
	var out Instance
	if err := c.do(ctx, call{op: OpGetInstance, method: http.MethodGet, path: instancePath(id), retry: true, out: &out}); err != nil {
		return nil, err
	}
	c.redactor.Add(out.Token)
	return &out, nil
}

// ListInstances is GET /instances, filtered to the instances carrying every
// given tag (tags[]=...). Its answer is logged by size only: a platform that
// ignored the filter would list other connectors' instances. An instance
// without a positive id makes the answer unusable.
func (c *Client) ListInstances(ctx context.Context, tags ...string) ([]Instance, error) {
	q := url.Values{}
	for _, t := range tags {
		q.Add("tags[]", t)
	}
	var out []Instance
	if err := c.do(ctx, call{op: OpListInstances, method: http.MethodGet, path: "/instances", query: q, retry: true, out: &out, private: true}); err != nil {
		return nil, err
	}
	for _, in := range out {
		c.redactor.Add(in.Token)
	}
	for _, in := range out {
		if in.ID <= 0 {
			return nil, errNoID(OpListInstances, "without a positive id")
		}
	}
	return out, nil
}

// PatchInstance is PATCH /instances/{id} with the User and Organization
// secrets. Setting a value twice changes nothing, so it is retried.
func (c *Client) PatchInstance(ctx context.Context, id int64, patch InstancePatch) (*Instance, error) {
	var out Instance
	if err := c.do(ctx, call{op: OpPatchInstance, method: http.MethodPatch, path: instancePath(id), body: patch, retry: true, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// PatchInstanceByToken is PATCH /instances, the form the doc names: the
// instance is the one whose token is in the Authorization header.
func (c *Client) PatchInstanceByToken(ctx context.Context, token string, patch InstancePatch) (*Instance, error) {
	if token == "" {
		return nil, fmt.Errorf("%s: the instance token is needed for PATCH /instances", OpPatchInstance)
	}
	c.redactor.Add(token)
	var out Instance
	if err := c.do(ctx, call{op: OpPatchInstance, method: http.MethodPatch, path: "/instances", token: token, body: patch, retry: true, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteInstance is DELETE /instances/{id}. A 404 on a repeated attempt
// counts as done: the earlier attempt deleted it and only the answer was lost.
func (c *Client) DeleteInstance(ctx context.Context, id int64) error {
	return c.do(ctx, call{op: OpDeleteInstance, method: http.MethodDelete, path: instancePath(id), retry: true, deleteOK404: true})
}

func instancePath(id int64) string {
	return "/instances/" + strconv.FormatInt(id, 10)
}
