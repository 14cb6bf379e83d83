package sandbox_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"hootwire/internal/sandbox"
)

// logBuffer is a log the sandbox writes to from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSuffix(b.buf.String(), "\n"), "\n")
}

var (
	requestLine  = regexp.MustCompile(`^\d\d:\d\d:\d\d [A-Z]+ /\S* (\d{3}|no answer)$`)
	deliveryLine = regexp.MustCompile(`^\d\d:\d\d:\d\d delivery [0-9a-f]{8}… to \S+: (\d{3}|error: .+) \(attempt [1-4]\)$|^\d\d:\d\d:\d\d delivery [0-9a-f]{8}… to \S+: gave up after 4 attempts$`)
	webhookLine  = regexp.MustCompile(`^\d\d:\d\d:\d\d webhook (ping|message|comment) to \S+: (\d{3}|error: .+)$`)
)

func TestLogHasOneLinePerRequestAndDeliveryAndNoSecret(t *testing.T) {
	log := &logBuffer{}
	rc := newReceiver(t, func(n int) int {
		if n == 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	e := newEnv(t, sandbox.Options{Log: log, DeliveryWait: (&waits{}).wait})

	// The whole procedure, with every secret a request can carry.
	code := e.code(callback) // GET oauth/url with apiSecret in the query, and the consent form
	const sigKey = "signing-key-c2lnbmluZw"
	body := createBody(code)
	configOf(body)["event.notification.signature.key"] = sigKey
	configOf(body)["event.notification.callback.url"] = rc.URL + "/events?token=t0k3n-in-query"
	r := e.create(body)
	var in instanceJSON
	decode(t, r.body, &in)
	e.api("GET", "/elements/hootsuite/oauth/url?"+url.Values{"apiKey": {sandbox.DemoClientID}, "apiSecret": {sandbox.DemoClientSecret}, "callbackUrl": {callback}}.Encode(), "")
	e.do("PATCH", sandbox.APIPath+"/instances", jsonHeader(authHeader+", Element "+in.Token), `{"name":"by token"}`)
	e.api("GET", "/instances/"+url.PathEscape(in.Token), "")                // a token in a path
	e.api("GET", "/instances/"+url.PathEscape(code), "")                    // a spent code in a path
	e.api("GET", "/instances/"+url.PathEscape(sigKey), "")                  // the signature key in a path
	e.do("GET", sandbox.APIPath+"/instances/%0A12:00:00%20forged", nil, "") // a line break in a path
	e.saveWebhook(e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID))
	e.press("ping") // delivered at once
	settled(t, e.sb)
	e.press("message") // 503, then delivered
	settled(t, e.sb)
	e.sb.InjectFault(sandbox.Fault{Op: sandbox.OpListInstances, Times: 1, DropBefore: true})
	e.send("GET", sandbox.APIPath+"/instances", jsonHeader(authHeader), "")

	// A dropped connection's line is written once the handler returns,
	// which may be after the client saw the connection close.
	const dropped = "09:26:53 GET " + sandbox.APIPath + "/instances no answer"
	waitFor(t, "the dropped request's line", func() bool { return contains(log.lines(), dropped) })
	lines := log.lines()
	text := strings.Join(lines, "\n")
	for _, secret := range []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret, in.Token,
		url.PathEscape(in.Token), code, sigKey, "t0k3n-in-query", "Authorization", "User ", "Organization "} {
		if strings.Contains(text, secret) {
			t.Errorf("the log shows %q:\n%s", secret, text)
		}
	}
	for _, l := range lines {
		if !requestLine.MatchString(l) && !deliveryLine.MatchString(l) && !webhookLine.MatchString(l) {
			t.Errorf("log line %q is not a request, delivery or webhook line", l)
		}
	}
	deliveries := e.sb.Deliveries()
	short := func(i int) string { return deliveries[i].ID[:8] + "…" }
	hook := rc.URL + "/events?…"
	for _, want := range []string{
		"09:26:53 GET " + sandbox.APIPath + "/elements/hootsuite/oauth/url 200",
		"09:26:53 POST /hootsuite/oauth2/consent 303",
		"09:26:53 POST " + sandbox.APIPath + "/instances 200",
		"09:26:53 PATCH " + sandbox.APIPath + "/instances 200",
		"09:26:53 GET " + sandbox.APIPath + "/instances/%0A12:00:00%20forged 401",
		"09:26:53 POST /hootsuite/app 303",
		"09:26:53 POST " + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID) + " 200",
		"09:26:53 webhook ping to " + e.url + sandbox.APIPath + "/events/hootsuite/" + encodeID(in.ID) + ": 200",
		"09:26:53 POST /hootsuite/app/ping 200",
		"09:26:53 delivery " + short(0) + " to " + hook + ": 200 (attempt 1)",
		"09:26:53 delivery " + short(1) + " to " + hook + ": 503 (attempt 1)",
		"09:26:53 delivery " + short(1) + " to " + hook + ": 200 (attempt 2)",
	} {
		if !contains(lines, want) {
			t.Errorf("the log lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "GET "+sandbox.APIPath+"/instances/******** 400") && !strings.Contains(text, "GET "+sandbox.APIPath+"/instances/******** 404") {
		t.Errorf("a token in a path is not masked:\n%s", text)
	}
	// One line per request: count the requests this test sent.
	if n := countPrefix(lines, "09:26:53 GET "+sandbox.APIPath+"/instances/"); n != 5-1 {
		// token, code, key, forged; id is never fetched
		t.Errorf("%d lines of GET /instances/..., want 4:\n%s", n, text)
	}
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}
