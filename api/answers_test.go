package api

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingTransport counts the bytes of answers the client reads.
type countingTransport struct {
	read atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, &t.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// otherConnectors is a list answer of a large organization: many
// instances, each with another connector's configuration, past the limit
// of any answer hootwire reads.
func otherConnectors(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
	io.WriteString(w, "[")
	one := `{"id":1,"name":"crm","token":"another-connectors-token","configuration":{"private.key":"another-connectors-key","note":"` + strings.Repeat("n", 1000) + `"}}`
	for i := 0; i < (maxBodyBytes/len(one))+10; i++ {
		if i > 0 {
			io.WriteString(w, ",")
		}
		if _, err := io.WriteString(w, one); err != nil {
			return
		}
	}
	io.WriteString(w, "]")
}

// TestTheAccountCheckAsksForLittleAndReadsLittle: the account check sends
// GET /instances?pageSize=1, reads at most a small bounded part of the
// answer, and passes on the status alone, however large the organization;
// nothing of the answer reaches the debug log but its status and size.
func TestTheAccountCheckAsksForLittleAndReadsLittle(t *testing.T) {
	fake := &fakePlatform{t: t, answers: []func(http.ResponseWriter, *http.Request){otherConnectors}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	counter := &countingTransport{}
	var log bytes.Buffer
	c, err := New(srv.URL, testUser, testOrg, Options{
		HTTPClient: &http.Client{Transport: counter},
		Debug:      slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckAccount(context.Background()); err != nil {
		t.Fatalf("the account check of a large organization fails: %v", err)
	}
	if r := fake.requests()[0]; r.Method != "GET" || r.Path != "/elements/api-v2/instances" || r.RawQuery != "pageSize=1" {
		t.Errorf("sent %s %s?%s, want GET /elements/api-v2/instances?pageSize=1", r.Method, r.Path, r.RawQuery)
	}
	if n := counter.read.Load(); n > smallBodyBytes+1 {
		t.Errorf("read %d bytes of the answer, want at most %d", n, smallBodyBytes+1)
	}
	got := log.String()
	for _, leak := range []string{"another-connectors", "private.key", `"response_body"`} {
		if strings.Contains(got, leak) {
			t.Errorf("debug log holds %q:\n%.500s", leak, got)
		}
	}
	if !strings.Contains(got, `"status":200`) || !strings.Contains(got, `"response_bytes"`) {
		t.Errorf("debug log lacks the status and size:\n%.500s", got)
	}
}

// TestTheAccountCheckRefusalShowsOnlyThePlatformsWords: a refused account
// check says the platform's message and what to do, and neither the error
// nor the debug log holds anything else of the answer.
func TestTheAccountCheckRefusalShowsOnlyThePlatformsWords(t *testing.T) {
	var log bytes.Buffer
	fake := &fakePlatform{t: t, answers: []func(http.ResponseWriter, *http.Request){
		jsonAnswer(401, `{"requestId":"r9","message":"Invalid Organization or User secret","instances":[{"configuration":{"private.key":"another-connectors-key"}}]}`),
		jsonAnswer(403, `[{"id":1,"configuration":{"private.key":"another-connectors-key"}}]`),
	}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, testUser, testOrg, Options{Debug: slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckAccount(context.Background())
	if StatusCode(err) != 401 || !strings.Contains(err.Error(), "Invalid Organization or User secret") || !strings.Contains(err.Error(), "r9") {
		t.Errorf("err = %v", err)
	}
	err = c.CheckAccount(context.Background())
	if StatusCode(err) != 403 || !strings.Contains(err.Error(), "not shown") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), "another-connectors-key") || strings.Contains(log.String(), "another-connectors-key") {
		t.Errorf("the answer's other data shows:\n%v\n%s", err, log.String())
	}
}

// TestNoErrorQuotesAnAnswer: whatever a call's answer holds, an error
// about it quotes none of it: neither a JSON answer that cannot be read,
// nor one too large, nor an error answer that is not the platform's,
// nor the part of a non-HTTP answer that Go's client quotes. Only the
// platform's message fields, and the text of a page that is clearly not
// JSON, are shown.
func TestNoErrorQuotesAnAnswer(t *testing.T) {
	const marker = "MARKER7777777"
	huge := func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(200)
		io.WriteString(w, `[{"id":1,"note":"`+marker+`"`)
		w.Write(bytes.Repeat([]byte(" "), maxBodyBytes))
	}
	calls := map[string]func(*Client) error{
		"read": func(c *Client) error { _, err := c.GetInstance(context.Background(), 1); return err },
		"list": func(c *Client) error { _, err := c.ListInstances(context.Background(), "t"); return err },
		"create": func(c *Client) error {
			_, err := c.CreateInstance(context.Background(), hootsuiteRequest())
			return err
		},
		"patch": func(c *Client) error {
			_, err := c.PatchInstance(context.Background(), 1, EventCallbackPatch("https://x/y"))
			return err
		},
		"redirect URL": func(c *Client) error {
			_, err := c.OAuthURLPost(context.Background(), OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
			return err
		},
	}
	answers := map[string]func(http.ResponseWriter, *http.Request){
		"malformed":                jsonAnswer(200, `{"id":1,"configuration":{"private.key":"`+marker+`"`),
		"a string where a number":  jsonAnswer(200, `{"id":"`+marker+`","oauthUrl":7}`),
		"a number where a string":  jsonAnswer(200, `[{"id":1,"oauthUrl":7777777,"name":7777777}]`),
		"a number id with decimal": jsonAnswer(200, `{"id":7777777.5}`),
		"a tag that is a number":   jsonAnswer(200, `{"id":1,"token":"t","tags":[7777777]}`),
		"too large":                huge,
		"500 with other JSON":      jsonAnswer(500, `{"instances":[{"configuration":{"private.key":"`+marker+`"}}]}`),
		"404 with a JSON list":     jsonAnswer(404, `[{"private.key":"`+marker+`"}]`),
		"400 with a JSON string":   jsonAnswer(400, `"`+marker+`"`),
		"redirect URL not http":    jsonAnswer(200, `{"element":"hootsuite","oauthUrl":"javascript:`+marker+`"}`),
		"redirect URL odd scheme":  jsonAnswer(200, `{"element":"hootsuite","oauthUrl":"`+marker+`://x"}`),
	}
	for cname, call := range calls {
		for aname, answer := range answers {
			t.Run(cname+"/"+aname, func(t *testing.T) {
				c, _, _ := newTestClient(t, answer)
				err := call(c)
				if err == nil {
					return // an answer this call does not read
				}
				if strings.Contains(err.Error(), marker) || strings.Contains(err.Error(), "7777777") {
					t.Errorf("the error quotes the answer: %v", err)
				}
			})
		}
	}
	t.Run("not HTTP", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				bufio.NewReader(conn).ReadString('\n')
				io.WriteString(conn, marker+" private stuff\r\n\r\n")
				conn.Close()
			}
		}()
		c, err := New("http://"+ln.Addr().String(), testUser, testOrg, Options{MaxAttempts: 1, Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetInstance(context.Background(), 1)
		if !IsNetwork(err) || strings.Contains(err.Error(), marker) || !strings.Contains(err.Error(), "not HTTP") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestAProxyPageIsQuotedAsText: an error page that is clearly not JSON is
// quoted by its text, short, masked and inert.
func TestAProxyPageIsQuotedAsText(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Access denied</title><style>body{color:red}</style><script>var k="x"</script></head>` +
		`<body><!-- internal --><h1>Blocked &amp; logged</h1><p>apiSecret=` + testClient + ` ` + "\u202e\x1b[2J" + strings.Repeat("more text ", 100) + `</p></body></html>`
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(403)
		io.WriteString(w, page)
	})
	_, err := c.GetInstance(context.Background(), 1)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(e.Body, "Access denied Blocked & logged") {
		t.Errorf("excerpt = %q, want the page's text", e.Body)
	}
	for _, bad := range []string{"<", "color:red", "var k", "internal", testClient, "\u202e", "\x1b"} {
		if strings.Contains(err.Error(), bad) {
			t.Errorf("the error holds %q: %v", bad, err)
		}
	}
	if n := len([]rune(e.Body)); n > pageSnippet+1 {
		t.Errorf("excerpt of %d characters, want at most %d", n, pageSnippet+1)
	}
}

// TestUnusableAnswersAreDecodeErrors: an answer the platform never sends
// (an authorization URL that is not http or https, an instance id that is
// not positive) is a *DecodeError wrapping ErrUnusableAnswer.
func TestUnusableAnswersAreDecodeErrors(t *testing.T) {
	ctx := context.Background()
	oauth := func(c *Client) error {
		_, err := c.OAuthURL(ctx, OAuthURLRequest{APIKey: "cid", APISecret: testClient, CallbackURL: "http://localhost:4668/callback", State: "state1234"})
		return err
	}
	create := func(c *Client) error { _, err := c.CreateInstance(ctx, hootsuiteRequest()); return err }
	list := func(c *Client) error { _, err := c.ListInstances(ctx, "t"); return err }
	cases := []struct {
		name   string
		answer string
		call   func(*Client) error
		says   string
	}{
		{"file URL", `{"oauthUrl":"file:///etc/passwd"}`, oauth, `its scheme is "file"`},
		{"no scheme", `{"oauthUrl":"//host/x"}`, oauth, "no scheme"},
		{"negative id", `{"id":-5,"token":"` + testToken + `"}`, create, "positive id"},
		{"zero id", `{"id":0,"token":"` + testToken + `"}`, create, "positive id"},
		{"negative id in a list", `[{"id":-5,"token":"x"}]`, list, "positive id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newTestClient(t, jsonAnswer(200, tc.answer))
			err := tc.call(c)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrUnusableAnswer) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v (%T), want a *DecodeError wrapping ErrUnusableAnswer that says %q", err, err, tc.says)
			}
		})
	}
}

func TestPageText(t *testing.T) {
	for in, want := range map[string]string{
		"<html><body><h1>502 Bad Gateway</h1>nginx</body></html>": "502 Bad Gateway nginx",
		"<p>a &lt;b&gt;</p>\n\n<p>c</p>":                          "a <b> c",
		"<SCRIPT>alert(1)</SCRIPT>ok":                             "ok",
	} {
		if got := pageText(in); got != want {
			t.Errorf("pageText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInertKeepsItsLimit(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"0123456789abc", 10, "0123456789…"},
		{"é\u202eé\x1b[0m", 10, "é\uFFFDé\uFFFD[0m"},
		{"  line\nbreak  ", 100, "line break"},
		{"bad \xff", 100, "bad \uFFFD"},
	} {
		if got := inert(tc.in, tc.limit); got != tc.want {
			t.Errorf("inert(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}
