package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sizeText is a read limit as a person reads it: 4 MiB, 16 KiB.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// decodeError reads a non-2xx answer. Of its body, only the platform's
// message, providerMessage and requestId are shown, masked and made inert:
// any other JSON may hold other connectors' data and is never quoted. A
// body that is clearly not JSON (a proxy's or gateway's HTML page) is
// quoted in a short excerpt of its text, see pageExcerpt.
func (c *Client) decodeError(op string, resp *http.Response, data []byte) *Error {
	e := &Error{Op: op, StatusCode: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), BodyBytes: len(data)}
	var body struct {
		RequestID       string          `json:"requestId"`
		Message         string          `json:"message"`
		ProviderMessage json.RawMessage `json:"providerMessage"`
	}
	if err := json.Unmarshal(data, &body); err != nil || (body.Message == "" && body.RequestID == "") {
		e.Body = c.pageExcerpt(data)
		return e
	}
	e.RequestID = inert(c.redactor.String(body.RequestID), 80)
	e.Message = inert(c.redactor.String(body.Message), 500)
	e.ProviderMessage = inert(c.redactor.String(providerText(body.ProviderMessage)), 500)
	return e
}

// providerText reads providerMessage, which is a string in most answers but
// may hold the provider's own JSON object.
func providerText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// pageExcerpt is the start of the text of an error page that is clearly
// not JSON, for an error message; "" for anything else. Such a page comes
// from a proxy, a gateway or a load balancer ("502 Bad Gateway nginx"),
// which has no connector's data to show, and its first words are often
// the only clue to what answered. Anything that could be JSON (it starts
// with { or [, or is a JSON string or number) could be the platform's and
// hold other connectors' data, and is never quoted. The text is masked
// before it is cut (a secret cut in two would no longer be recognised) and
// made inert.
func (c *Client) pageExcerpt(data []byte) string {
	text := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(text) == 0 || text[0] == '{' || text[0] == '[' || json.Valid(text) {
		return ""
	}
	s := string(text)
	if text[0] == '<' {
		s = pageText(s)
	}
	return inert(c.redactor.String(s), pageSnippet)
}

// cause is an error's text without the request URL that url.Error puts in
// front (the GET redirect-URL call carries the client secret in its query),
// and without any part of an answer that Go's HTTP client quotes.
func (c *Client) cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("time-out")
	}
	text := err.Error()
	if strings.Contains(text, "malformed HTTP") {
		// net/http quotes the start of what came back.
		return errors.New("the answer was not HTTP")
	}
	return errors.New(inert(c.redactor.String(text), 300))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func (c *Client) logExchange(k call, req *http.Request, payload []byte, resp *http.Response, data []byte, cut bool, took time.Duration, err error) {
	if c.opts.Debug == nil {
		return
	}
	r := c.redactor
	attrs := []any{
		slog.String("op", k.op),
		slog.String("method", req.Method),
		slog.String("url", r.String(req.URL.String())),
		slog.Duration("took", took),
		slog.Any("request_headers", r.Header(req.Header)),
		slog.String("request_body", r.String(string(payload))),
	}
	if resp != nil {
		attrs = append(attrs,
			slog.Int("status", resp.StatusCode),
			slog.Any("response_headers", r.Header(resp.Header)))
		// An answer that may list other connectors' instances (the account
		// check, a look-up by tag), and a successful answer that hootwire
		// does not read, are logged by size only.
		if k.private || k.out == nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
			attrs = append(attrs, slog.Int("response_bytes", len(data)))
			if cut {
				attrs = append(attrs, slog.Bool("response_not_read_to_its_end", true))
			}
		} else {
			attrs = append(attrs, slog.String("response_body", r.String(string(data))))
		}
	}
	if err != nil {
		// As errors say it: masked, without the URL (logged above) nor
		// any part of an answer that Go's client quotes.
		attrs = append(attrs, slog.String("error", c.cause(err).Error()))
	}
	c.opts.Debug.Debug("http", attrs...)
}
