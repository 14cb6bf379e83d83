// Package api is hootwire's client for the SAP Open Connectors platform API:
// the redirect URL, creating, reading, patching and deleting connector
// instances, and the Hootsuite webhook URL. It knows nothing of terminals.
//
// Every call takes a context, has a time-out, and is retried only where a
// retry cannot duplicate anything: POST /instances is sent exactly once,
// because the grant code it carries is single-use.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hootwire/internal/redact"
)

// Operation names, used in errors and logs so a person knows which call failed.
const (
	OpOAuthURL       = "get redirect URL"
	OpCheckAccount   = "check account"
	OpCreateInstance = "create instance"
	OpGetInstance    = "read instance"
	OpListInstances  = "list instances"
	OpPatchInstance  = "update instance"
	OpDeleteInstance = "delete instance"
)

// Defaults for Options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultCreateTimeout = 60 * time.Second // the platform exchanges the code with Hootsuite first
	DefaultMaxAttempts   = 3
	MaxRetryAfter        = 30 * time.Second // a longer Retry-After is reported, not waited out
	maxBodyBytes         = 4 << 20
	// smallBodyBytes bounds what is read of an answer that hootwire only
	// needs the status of (the account check): enough for the platform's
	// error JSON, and the rest is never read.
	smallBodyBytes = 16 << 10
	// pageSnippet is how much of a proxy's or gateway's error page an
	// error quotes (see pageExcerpt).
	pageSnippet = 120
)

// Options tune a Client. The zero value is ready to use.
type Options struct {
	HTTPClient    *http.Client     // nil: a client that honours HTTPS_PROXY and NO_PROXY
	Timeout       time.Duration    // per attempt; 0 means DefaultTimeout
	CreateTimeout time.Duration    // for POST /instances; 0 means DefaultCreateTimeout
	MaxAttempts   int              // for retried calls; 0 means DefaultMaxAttempts
	Redactor      *redact.Redactor // shared with the caller's logs; nil: a new one
	Debug         *slog.Logger     // every request and answer, redacted; nil: none
	UserAgent     string

	// Sleep waits between attempts; nil means a timer that honours ctx.
	// Tests replace it to count and skip the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client talks to one Open Connectors tenant with one user's secrets.
type Client struct {
	baseURL    string
	userSecret string
	orgSecret  string
	http       *http.Client
	opts       Options
	redactor   *redact.Redactor
}

// New returns a Client for baseURL (for example
// https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2).
func New(baseURL, userSecret, orgSecret string, opts Options) (*Client, error) {
	base, err := NormalizeBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(userSecret) == "" || strings.TrimSpace(orgSecret) == "" {
		return nil, errors.New("the User secret and the Organization secret are both needed: find them in Open Connectors under your profile, Secrets")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.CreateTimeout <= 0 {
		opts.CreateTimeout = DefaultCreateTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "hootwire"
	}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		hc = &copied
	}
	// Every request carries the secrets (in its header, and for a create in
	// its body): a redirect is answered as an error, never followed.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	red := opts.Redactor
	if red == nil {
		red = redact.New()
	}
	red.Add(userSecret, orgSecret)
	return &Client{baseURL: base, userSecret: userSecret, orgSecret: orgSecret, http: hc, opts: opts, redactor: red}, nil
}

// BaseURL is the platform base URL the client talks to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// Redactor is the client's redactor, which knows every secret the client has seen.
func (c *Client) Redactor() *redact.Redactor { return c.redactor }

// Authorization is the platform's header value for this client, with the
// instance token appended when one is given.
func (c *Client) authorization(token string) string {
	v := "User " + c.userSecret + ", Organization " + c.orgSecret
	if token != "" {
		v += ", Element " + token
	}
	return v
}

// call describes one API request.
type call struct {
	op     string
	method string
	path   string // under the base URL, already escaped
	query  url.Values
	body   any
	token  string // Element token for the Authorization header
	retry  bool
	out    any // decoded from a 2xx answer; nil: body ignored
	// limit is the most read of the answer; 0 means maxBodyBytes. With a
	// limit and no out, a longer 2xx answer is fine: only its status counts.
	limit int64
	// private answers may hold other connectors' instances: the debug log
	// keeps their status and size only, whatever the status.
	private bool
	// deleteOK404 treats a 404 on a repeated DELETE as success: the first
	// attempt did delete, only its answer was lost.
	deleteOK404 bool
}

func (c *Client) do(ctx context.Context, k call) error {
	var payload []byte
	if k.body != nil {
		var err error
		if payload, err = json.Marshal(k.body); err != nil {
			return fmt.Errorf("%s: encode request: %w", k.op, err)
		}
	}
	target := c.baseURL + k.path
	if len(k.query) > 0 {
		target += "?" + k.query.Encode()
	}
	timeout := c.opts.Timeout
	if k.op == OpCreateInstance {
		timeout = c.opts.CreateTimeout
	}
	attempts := 1
	if k.retry {
		attempts = c.opts.MaxAttempts
	}
	var last error
	for attempt := 1; attempt <= attempts; attempt++ {
		wait, err := c.attempt(ctx, k, target, payload, timeout, attempt)
		if err == nil {
			return nil
		}
		last = err
		if wait < 0 || attempt == attempts {
			break
		}
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", k.op, err)
		}
	}
	return last
}

// attempt sends the request once. It returns how long to wait before the
// next attempt, or a negative wait when another attempt must not be made.
func (c *Client) attempt(ctx context.Context, k call, target string, payload []byte, timeout time.Duration, n int) (time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, k.method, target, body)
	if err != nil {
		return -1, fmt.Errorf("%s: build request: %s", k.op, inert(c.redactor.String(err.Error()), 300))
	}
	req.Header.Set("Authorization", c.authorization(k.token))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// The caller gave up (ctrl+c, or its own deadline): not the network's fault.
			return -1, fmt.Errorf("%s: %w", k.op, ctx.Err())
		}
		c.logExchange(k, req, payload, nil, nil, false, time.Since(start), err)
		ne := &NetworkError{Op: k.op, Host: req.URL.Host, Attempts: n, Err: c.cause(err)}
		ne.Timeout = errors.Is(err, context.DeadlineExceeded) || isTimeout(err)
		return c.backoff(n, 0), ne
	}
	defer resp.Body.Close()
	limit := k.limit
	if limit <= 0 {
		limit = maxBodyBytes
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	tooLong := int64(len(data)) > limit
	if tooLong {
		data = data[:limit]
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	c.logExchange(k, req, payload, resp, data, tooLong, time.Since(start), readErr)
	if readErr != nil && !(ok && k.out == nil) {
		if ctx.Err() != nil {
			return -1, fmt.Errorf("%s: %w", k.op, ctx.Err())
		}
		ne := &NetworkError{Op: k.op, Host: req.URL.Host, Attempts: n, Err: c.cause(readErr)}
		ne.Timeout = errors.Is(readErr, context.DeadlineExceeded) || isTimeout(readErr)
		return c.backoff(n, 0), ne
	}
	if ok {
		switch {
		case k.out == nil:
			// Only the status counts: the body, whole or not, is not read.
			return -1, nil
		case tooLong:
			return -1, &DecodeError{Op: k.op, StatusCode: resp.StatusCode, Size: len(data), Err: fmt.Errorf("answer larger than %s", sizeText(limit))}
		case len(bytes.TrimSpace(data)) == 0:
			return -1, &DecodeError{Op: k.op, StatusCode: resp.StatusCode}
		}
		if err := json.Unmarshal(data, k.out); err != nil {
			return -1, &DecodeError{Op: k.op, StatusCode: resp.StatusCode, Size: len(data), Err: decodeProblem(err)}
		}
		return -1, nil
	}
	if k.deleteOK404 && n > 1 && resp.StatusCode == http.StatusNotFound {
		return -1, nil
	}
	apiErr := c.decodeError(k.op, resp, data)
	apiErr.Attempts = n
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if apiErr.RetryAfter > MaxRetryAfter {
			return -1, apiErr
		}
		return c.backoff(n, apiErr.RetryAfter), apiErr
	}
	return -1, apiErr
}

// backoff is the wait before attempt n+1: the server's Retry-After when it
// gave one, else 0.5s, 1s, 2s... with a little jitter so clients that failed
// together do not come back together.
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	d := 500 * time.Millisecond << (n - 1)
	return d + time.Duration(rand.Int64N(int64(d/5)))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
