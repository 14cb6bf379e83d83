package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"hootwire/internal/events"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/internal/termsafe"
)

const (
	listenKey  = "listen-test-key-0123456789"
	listenBody = `{"message":{"eventId":"ev-1","elementKey":"hootsuite","instanceId":427236,"instanceName":"Hootsuite demo",` +
		`"events":[{"eventType":"UPDATED","objectType":"messages","objectId":"msg-7","date":"2026-12-02T12:00:00Z"}],` +
		`"raw":[{"seq_no":1,"type":"com.hootsuite.messages.event.v1","data":{}}]}}`
)

// listenRun is `hootwire listen` running in this process.
type listenRun struct {
	t              *testing.T
	url            string // where events go
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan int
}

// listenBound is how long a test waits for listen before it fails: far
// past anything listen takes, even on a busy machine.
const listenBound = time.Minute

// startListen runs hootwire listen with args and env (besides a private
// config directory) until the test stops it, and waits for its banner.
func startListen(t *testing.T, env map[string]string, args ...string) *listenRun {
	t.Helper()
	r := runListenAsync(t, env, args...)
	re := regexp.MustCompile(`receiving Open Connectors events on (http://\S+)`)
	deadline := time.Now().Add(listenBound)
	for {
		if m := re.FindStringSubmatch(r.stderr.String()); m != nil {
			r.url = m[1]
			return r
		}
		select {
		case code := <-r.done:
			t.Fatalf("listen exited %d before listening\nstderr: %s", code, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner within %v\nstderr: %s", listenBound, r.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runListenAsync(t *testing.T, env map[string]string, args ...string) *listenRun {
	t.Helper()
	if _, ok := env[store.EnvDir]; !ok {
		env = cloneEnv(env)
		env[store.EnvDir] = filepath.Join(t.TempDir(), "config")
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &listenRun{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	e := Env{Stdin: strings.NewReader(""), Stdout: r.stdout, Stderr: r.stderr, Getenv: func(k string) string { return env[k] }}
	go func() { r.done <- Main(ctx, append([]string{"listen"}, args...), e) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(listenBound):
			t.Errorf("listen did not stop within %v of its cancel", listenBound)
		}
	})
	return r
}

func cloneEnv(env map[string]string) map[string]string {
	c := map[string]string{}
	for k, v := range env {
		c[k] = v
	}
	return c
}

// runListenToEnd runs hootwire listen with args and returns its status and
// stderr once it exits by itself (bad usage).
func runListenToEnd(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	r := runListenAsync(t, env, args...)
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code, r.stderr.String()
	case <-time.After(listenBound):
		t.Fatalf("listen %v kept running\nstderr: %s", args, r.stderr)
	}
	return 0, ""
}

// stop interrupts it (ctrl+c) and returns its exit status.
func (r *listenRun) stop() int {
	r.t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(listenBound):
		r.t.Fatalf("listen did not stop within %v", listenBound)
	}
	return 0
}

// lines waits until stdout holds n lines and returns them.
func (r *listenRun) lines(n int) []string {
	r.t.Helper()
	deadline := time.Now().Add(listenBound)
	for {
		out := strings.TrimSuffix(r.stdout.String(), "\n")
		var ls []string
		if out != "" {
			ls = strings.Split(out, "\n")
		}
		if len(ls) >= n {
			return ls
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%d lines on stdout within %v, want %d:\n%s", len(ls), listenBound, n, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// send makes one request to the listener and returns its status.
func (r *listenRun) send(method, body string, headers ...string) int {
	r.t.Helper()
	req, err := http.NewRequest(method, r.url, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func signedBy(key, id, body string) []string {
	return []string{events.HeaderID, id, events.HeaderSignature, events.Sign([]byte(key), []byte(body))}
}

// TestListenShowsEveryArrivalAndCountsThemOnStop sends a good event, its
// repeat, and the hostile requests; each is answered with its status and
// shown on its own line, and ctrl+c stops listen with the counts, status 0.
func TestListenShowsEveryArrivalAndCountsThemOnStop(t *testing.T) {
	r := startListen(t, map[string]string{envSignatureKey: listenKey}, "--addr", "127.0.0.1:0")
	if !strings.Contains(r.stderr.String(), "Signatures are checked with the key from "+envSignatureKey) {
		t.Errorf("the banner does not say signatures are checked:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr.String(), "event.notification.callback.url") {
		t.Errorf("the banner does not say how to point Open Connectors at it:\n%s", r.stderr)
	}
	forged := []string{events.HeaderID, "wh-forged", events.HeaderSignature, "sha256=" + strings.Repeat("A", 43) + "="}
	steps := []struct {
		name   string
		send   func() int
		status int
		line   string
	}{
		{"a signed event", func() int { return r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...) }, 200,
			`UPDATED messages msg-7  instance 427236 "Hootsuite demo"  signature valid  answered 200`},
		{"its repeat", func() int { return r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...) }, 200,
			`signature valid  REPEAT  answered 200`},
		{"a forged signature", func() int { return r.send("POST", listenBody, forged...) }, 401,
			`signature INVALID  answered 401  - signature refused: the signature does not match`},
		{"no signature", func() int { return r.send("POST", listenBody, events.HeaderID, "wh-2") }, 401,
			`signature MISSING  answered 401`},
		{"bad JSON", func() int { return r.send("POST", "{", signedBy(listenKey, "wh-3", "{")...) }, 400,
			`POST /events  signature valid  answered 400  - the body is not a JSON object`},
		{"the wrong method", func() int { return r.send("GET", "") }, 405,
			`GET /events  answered 405  - only POST`},
		{"a huge body", func() int {
			big := strings.Repeat("x", 2<<20)
			return r.send("POST", big, signedBy(listenKey, "wh-4", big)...)
		}, 413, `POST /events  answered 413  - the body is over 1 MiB`},
		{"a terminal escape", func() int {
			b := `{"message":{"instanceName":"\u001b]0;pwned\u0007\u001b[2J","events":[{"eventType":"\r\nhootwire: stopped"}]}}`
			return r.send("POST", b, signedBy(listenKey, "wh-5", b)...)
		}, 200, `  hootwire: stopped  instance "\uFFFD]0;pwned\uFFFD\uFFFD[2J"`},
	}
	for i, s := range steps {
		if got := s.send(); got != s.status {
			t.Errorf("%s: answered %d, want %d", s.name, got, s.status)
		}
		line := r.lines(i + 1)[i]
		want := strings.ReplaceAll(s.line, `\uFFFD`, "\uFFFD")
		if !strings.Contains(line, want) {
			t.Errorf("%s: line\n %q\ndoes not hold\n %q", s.name, line, want)
		}
		if !termsafe.Safe(line) {
			t.Errorf("%s: line not inert (nor plain, with stdout no terminal): %q", s.name, line)
		}
	}
	if code := r.stop(); code != 0 {
		t.Errorf("exit status %d after ctrl+c, want 0", code)
	}
	want := "stopped. 6 events arrived: 4 valid, 2 invalid (1 without a signature), 1 repeat, 1 not JSON; 2 other requests refused."
	if !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr does not end with the counts %q:\n%s", want, r.stderr)
	}
}

// TestListenHoldsForNoSlowClient: a client that stalls inside its request
// holds neither the events behind it nor the stop.
func TestListenHoldsForNoSlowClient(t *testing.T) {
	r := startListen(t, map[string]string{envSignatureKey: listenKey}, "--addr", "127.0.0.1:0", "--read-timeout", "300ms")
	host := strings.TrimPrefix(strings.TrimSuffix(r.url, "/events"), "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /events HTTP/1.1\r\nHost: %s\r\nContent-Length: 500\r\n\r\n{\"message\":", host)
	if got := r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...); got != 200 {
		t.Errorf("an event beside the slow client: %d", got)
	}
	lines := r.lines(2)
	if !strings.Contains(lines[0], "answered 200") || !strings.Contains(lines[1], "answered 408  - the body did not arrive whole: the sender was too slow") {
		t.Errorf("lines:\n%s", strings.Join(lines, "\n"))
	}
	conn.SetReadDeadline(time.Now().Add(listenBound))
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("the slow client was answered %d, want 408", resp.StatusCode)
		}
	}
	if code := r.stop(); code != 0 {
		t.Errorf("exit status %d", code)
	}
	if !strings.Contains(r.stderr.String(), "1 event arrived: 1 valid, 0 invalid, 0 repeats; 1 other request refused.") {
		t.Errorf("counts:\n%s", r.stderr)
	}

	// Another stalls in its headers while listen stops: with a read time
	// far longer than the test's bound, stop returns only if it does not
	// wait for that client.
	r = startListen(t, nil, "--addr", "127.0.0.1:0", "--read-timeout", "1h")
	host = strings.TrimPrefix(strings.TrimSuffix(r.url, "/events"), "http://")
	conn2, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprintf(conn2, "POST /events HTTP/1.1\r\nHost: %s\r\n", host)
	if code := r.stop(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestListenJSON(t *testing.T) {
	r := startListen(t, map[string]string{envSignatureKey: listenKey}, "--addr", "127.0.0.1:0", "--json", "--path", "/hooks/oc")
	if !strings.HasSuffix(r.url, "/hooks/oc") {
		t.Fatalf("listens on %s", r.url)
	}
	r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...)
	r.send("POST", listenBody, events.HeaderID, "wh-2", events.HeaderSignature, "sha1=AAAA")
	lines := r.lines(2)
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not one JSON object per line: %q: %v", l, err)
		}
		got = append(got, m)
	}
	if got[0]["signature"] != "valid" || got[0]["id"] != "wh-1" || got[0]["type"] != "UPDATED" || got[0]["instance_id"] != 427236.0 ||
		got[0]["status"] != 200.0 || got[0]["raw"] == nil {
		t.Errorf("first: %v", got[0])
	}
	if got[1]["signature"] != "invalid" || got[1]["status"] != 401.0 {
		t.Errorf("second: %v", got[1])
	}
	r.stop()
	if strings.Contains(r.stdout.String(), "stopped") || strings.Contains(r.stdout.String(), "receiving") {
		t.Errorf("stdout holds more than the events:\n%s", r.stdout)
	}
}

func TestListenWithoutAKeySaysSignaturesAreNotChecked(t *testing.T) {
	r := startListen(t, map[string]string{}, "--addr", "127.0.0.1:0")
	if !strings.Contains(r.stderr.String(), "Signatures are not checked: no key (set HOOTWIRE_SIGNATURE_KEY or give --session)") {
		t.Errorf("banner:\n%s", r.stderr)
	}
	if got := r.send("POST", listenBody, events.HeaderID, "wh-1"); got != 200 {
		t.Errorf("answered %d", got)
	}
	if l := r.lines(1)[0]; !strings.Contains(l, "signature not checked  answered 200") {
		t.Errorf("line %q", l)
	}
	r.stop()
	if !strings.Contains(r.stderr.String(), "stopped. 1 event arrived: signatures not checked, 0 repeats.") {
		t.Errorf("counts:\n%s", r.stderr)
	}
}

func TestListenForwardsToTheApp(t *testing.T) {
	got := make(chan *http.Request, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != listenBody {
			t.Errorf("the app got %q", b)
		}
		got <- r
		w.WriteHeader(http.StatusAccepted)
	}))
	defer app.Close()
	r := startListen(t, map[string]string{envSignatureKey: listenKey}, "--addr", "127.0.0.1:0", "--forward-to", app.URL+"/hook")
	if !strings.Contains(r.stderr.String(), "forwarded to "+app.URL+"/hook") {
		t.Errorf("banner:\n%s", r.stderr)
	}
	if status := r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...); status != http.StatusAccepted {
		t.Errorf("Open Connectors was answered %d, want the app's 202", status)
	}
	req := <-got
	if req.Header.Get(events.HeaderSignature) != events.Sign([]byte(listenKey), []byte(listenBody)) || req.Header.Get(events.HeaderID) != "wh-1" {
		t.Errorf("the app got headers %v", req.Header)
	}
	if l := r.lines(1)[0]; !strings.Contains(l, "signature valid  answered 202  app 202 in ") {
		t.Errorf("line %q", l)
	}
	r.stop()
	if !strings.Contains(r.stderr.String(), "forwarded: 1 answered by your app, 0 not") {
		t.Errorf("counts:\n%s", r.stderr)
	}
}

// saveSetup saves a setup in configDir as a run would, with the fields
// listen reads added to its file.
func saveSetup(t *testing.T, configDir string, s setup.Session, extra map[string]any) {
	t.Helper()
	st, err := store.Open(configDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	path := st.Path(s.ID)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		m[k] = v
	}
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestListenTakesTheKeyFromASavedSetup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config")
	now := time.Now()
	saveSetup(t, dir, setup.Session{ID: "s-1", BaseURL: "http://127.0.0.1:1/elements/api-v2", Name: "demo", Stage: setup.StagePatched,
		InstanceID: 427236, Token: "tok", Started: now, Updated: now},
		map[string]any{"signature_key": listenKey, "event_callback_url": "https://example.test/events"})
	saveSetup(t, dir, setup.Session{ID: "s-2", BaseURL: "http://127.0.0.1:1/elements/api-v2", Name: "unsigned", Stage: setup.StagePatched,
		InstanceID: 9, Token: "tok", Started: now, Updated: now}, nil)
	env := map[string]string{store.EnvDir: dir}

	for _, ref := range []string{"s-1", "427236"} {
		t.Run(ref, func(t *testing.T) {
			r := startListen(t, env, "--addr", "127.0.0.1:0", "--session", ref)
			if !strings.Contains(r.stderr.String(), `checked with the key from the saved setup "demo"`) ||
				!strings.Contains(r.stderr.String(), `The saved setup "demo" sends its events to https://example.test/events.`) {
				t.Errorf("banner:\n%s", r.stderr)
			}
			r.send("POST", listenBody, signedBy(listenKey, "wh-1", listenBody)...)
			r.send("POST", listenBody, signedBy("another key", "wh-2", listenBody)...)
			lines := r.lines(2)
			if !strings.Contains(lines[0], "signature valid") || !strings.Contains(lines[1], "signature INVALID") {
				t.Errorf("lines:\n%s", strings.Join(lines, "\n"))
			}
			if strings.Contains(r.stdout.String()+r.stderr.String(), listenKey) {
				t.Error("the key was shown")
			}
			if code := r.stop(); code != 0 {
				t.Errorf("exit %d", code)
			}
		})
	}
	t.Run("a setup without a key", func(t *testing.T) {
		r := startListen(t, env, "--addr", "127.0.0.1:0", "--session", "s-2")
		if !strings.Contains(r.stderr.String(), `the saved setup "unsigned" holds no signature key`) {
			t.Errorf("banner:\n%s", r.stderr)
		}
	})
	t.Run("no such setup", func(t *testing.T) {
		code, stderr := runListenToEnd(t, env, "--addr", "127.0.0.1:0", "--session", "nope")
		if code != setup.ExitUsage || !strings.Contains(stderr, `no saved setup "nope"`) {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})
	t.Run("both a key and a setup", func(t *testing.T) {
		code, stderr := runListenToEnd(t, map[string]string{store.EnvDir: dir, envSignatureKey: "k"}, "--session", "s-1")
		if code != setup.ExitUsage || !strings.Contains(stderr, "give one of them") {
			t.Errorf("exit %d, stderr %s", code, stderr)
		}
	})
}

func TestListenBadUsage(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"extra"}, `unknown command "extra" for "hootwire listen"`},
		{[]string{"--path", "events"}, "--path must be a URL path beginning with /"},
		{[]string{"--path", "/a b"}, "--path must be"},
		{[]string{"--addr", "4669"}, "--addr must be host:port"},
		{[]string{"--read-timeout", "0s"}, "--read-timeout must be positive"},
		{[]string{"--forward-to", "ftp://example.com/"}, "--forward-to must be an http:// or https:// URL"},
		{[]string{"--forward-to", "http://user:pw@example.com/"}, "--forward-to carries a user name or password"},
		{[]string{"--addr", busy.Addr().String()}, "already in use"},
		{[]string{"--addr", "127.0.0.1:0", "--session", "x", "--config-dir", "/proc/self/nope"}, "hootwire listen:"},
	} {
		code, stderr := runListenToEnd(t, map[string]string{}, c.args...)
		if code != setup.ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("listen %v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestListenElsewhereThanLoopbackIsWarnedAbout(t *testing.T) {
	r := startListen(t, map[string]string{}, "--addr", "0.0.0.0:0")
	for _, want := range []string{"Warning: 0.0.0.0:0 is reachable from other machines", "Anyone who can reach it can send events"} {
		if !strings.Contains(r.stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if code := r.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestListenColorsOnlyATerminal(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		terminal bool
		getenv   func(string) string
		want     bool
	}{
		{true, env(), true},
		{false, env(), false},
		{true, env("NO_COLOR", "1"), false},
		{true, env("TERM", "dumb"), false},
	} {
		if got := colorFor(c.terminal, c.getenv); got != c.want {
			t.Errorf("colorFor(%v, ...) = %v, want %v", c.terminal, got, c.want)
		}
	}
	if got := redIf(true)("x"); !strings.Contains(got, "\x1b[") || !strings.Contains(got, "x") {
		t.Errorf("red %q", got)
	}
	if got := redIf(false)("x"); got != "x" {
		t.Errorf("plain %q", got)
	}
}

// TestListenStopsOnInterruptWithStatus0 runs the built binary and sends it
// SIGINT, as ctrl+c does.
func TestListenStopsOnInterruptWithStatus0(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the built binary")
	}
	cmd := exec.Command(hootwireBinary(t), "listen", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "HOOTWIRE_CONFIG_DIR="+t.TempDir(), envSignatureKey+"="+listenKey)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout syncBuffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stderr)
	var url string
	for sc.Scan() {
		if m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		t.Fatal("no banner")
	}
	rest := make(chan string)
	go func() {
		var b strings.Builder
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		rest <- b.String()
	}()
	resp, err := http.Post(url, "application/json", strings.NewReader(listenBody))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("an unsigned event answered %d", resp.StatusCode)
	}
	deadline := time.Now().Add(listenBound)
	for !strings.Contains(stdout.String(), "signature MISSING") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if err != nil {
		t.Errorf("exit: %v, want status 0", err)
	}
	if tail := <-rest; !strings.Contains(tail, "stopped. 1 event arrived: 0 valid, 1 invalid (1 without a signature), 0 repeats.") {
		t.Errorf("stderr after the banner:\n%s", tail)
	}
	if strings.Contains(stdout.String(), "\x1b") {
		t.Errorf("colour on a stdout that is no terminal: %q", stdout.String())
	}
}
