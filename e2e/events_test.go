//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// received is one line of `hootwire listen --json`, the fields this test reads.
type received struct {
	Delivery   bool   `json:"delivery"`
	Type       string `json:"type"`
	Object     string `json:"object"`
	InstanceID int64  `json:"instance_id"`
	Signature  string `json:"signature"`
	Status     int    `json:"status"`
	Forward    *struct {
		Status int `json:"status"`
	} `json:"forward"`
}

// forwarded is what the test app got from hootwire listen.
type forwarded struct {
	signature string
	body      []byte
}

// TestEventsReachListenAndTheApp is the whole path of an event: a scripted
// setup on the sandbox process whose events go to `hootwire listen`; the
// webhook URL saved on the sandbox's Hootsuite app page, which then sends a
// ping and a message event; Open Connectors (the sandbox) signs each and
// delivers it to the receiver, which checks the signature and forwards it,
// headers and all, to the user's app.
func TestEventsReachListenAndTheApp(t *testing.T) {
	needTools(t)
	sb := startSandbox(t, "--auto-approve")
	const key = "e2e-signature-key-0123456789abcdef"

	var mu sync.Mutex
	var toApp []forwarded
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		toApp = append(toApp, forwarded{r.Header.Get("Elements-Webhook-Signature"), body})
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(app.Close)

	// The receiver, on a port free a moment ago.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	listen := exec.Command(binary, "listen", "--addr", addr, "--forward-to", app.URL, "--json")
	listen.Env = append(cleanEnv(), "HOOTWIRE_SIGNATURE_KEY="+key)
	events, err := listen.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var listenErr bytes.Buffer
	listen.Stderr = &listenErr
	if err := listen.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listen.Process.Kill(); listen.Wait() })
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(events)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitListening(t, addr)

	// The scripted setup; the test binary is the browser, approving at once.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	setupRun := exec.Command(binary, "--non-interactive", "--json", "--base-url", sb.base,
		"--event-callback-url", "http://"+addr+"/events")
	setupRun.Env = append(cleanEnv(),
		"OC_USER_SECRET="+sb.demo.user, "OC_ORG_SECRET="+sb.demo.org,
		"HOOTSUITE_CLIENT_ID="+sb.demo.clientID, "HOOTSUITE_CLIENT_SECRET="+sb.demo.clientSecret,
		"HOOTSUITE_CALLBACK_URL="+freeCallbackURL(t), "HOOTWIRE_CONFIG_DIR="+t.TempDir(),
		"HOOTWIRE_SIGNATURE_KEY="+key, "BROWSER="+self, fetchEnv+"="+filepath.Join(t.TempDir(), "browser.log"))
	var out, errOut bytes.Buffer
	setupRun.Stdout, setupRun.Stderr = &out, &errOut
	if err := setupRun.Run(); err != nil {
		t.Fatalf("the scripted setup: %v\n%s", err, errOut.String())
	}
	var result struct {
		ID               int64  `json:"id"`
		WebhookURL       string `json:"webhook_url"`
		EventCallbackURL string `json:"event_callback_url"`
		SignatureKey     string `json:"signature_key"`
	}
	if err := json.Unmarshal(out.Bytes(), &result); err != nil {
		t.Fatalf("the setup's --json: %v\n%s", err, out.String())
	}
	if result.SignatureKey != key || result.EventCallbackURL != "http://"+addr+"/events" {
		t.Fatalf("the setup's result %+v, want the given key and the receiver's URL", result)
	}

	// At Hootsuite: save the webhook URL, then send a ping and a message event.
	page := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) {
		t.Helper()
		resp, err := page.PostForm(sb.root+path, form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			t.Fatalf("POST %s: %s\n%s", path, resp.Status, body)
		}
	}
	post("/hootsuite/app", url.Values{"webhook_url": {result.WebhookURL}})
	post("/hootsuite/app/ping", nil)
	post("/hootsuite/app/message", nil)

	var got []received
	deadline := time.After(stableDeadline)
	for len(got) < 2 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("hootwire listen ended:\n%s", listenErr.String())
			}
			var ev received
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("not one JSON object a line: %q", line)
			}
			got = append(got, ev)
		case <-deadline:
			t.Fatalf("after %v, %d of 2 events reached hootwire listen: %+v\n%s", stableDeadline, len(got), got, listenErr.String())
		}
	}
	// Deliveries may overtake each other, as Open Connectors' do.
	kinds := map[string]bool{}
	for i, ev := range got {
		if !ev.Delivery || ev.Signature != "valid" || ev.InstanceID != result.ID || ev.Status/100 != 2 {
			t.Errorf("event %d: %+v, want a delivery for instance %d with a valid signature, answered 2xx", i, ev, result.ID)
		}
		kinds[strings.ToLower(ev.Object)] = true
		if ev.Forward == nil || ev.Forward.Status != http.StatusAccepted {
			t.Errorf("event %d: the app's answer is not shown: %+v", i, ev.Forward)
		}
	}
	if !kinds["ping"] || !kinds["messages"] {
		t.Errorf("the events' objects are %v, want the ping and the message event", kinds)
	}

	mu.Lock()
	if len(toApp) != 2 {
		t.Errorf("the app got %d events, want 2", len(toApp))
	}
	for _, f := range toApp {
		if !strings.HasPrefix(f.signature, "sha256=") || !json.Valid(f.body) {
			t.Errorf("the app got %q with signature %q: want the signed JSON body as delivered", f.body, f.signature)
		}
	}
	mu.Unlock()

	listen.Process.Signal(syscall.SIGINT)
	if err := listen.Wait(); err != nil {
		t.Errorf("hootwire listen on ctrl+c: %v", err)
	}
	if want := "2 events arrived: 2 valid, 0 invalid"; !strings.Contains(listenErr.String(), want) {
		t.Errorf("hootwire listen's last word lacks %q:\n%s", want, listenErr.String())
	}
	if strings.Contains(listenErr.String()+errOut.String(), key) {
		t.Error("the signature key was printed")
	}
}

// waitListening waits until something accepts connections at addr.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(stableDeadline); ; time.Sleep(stableGap) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens at %s after %v", addr, stableDeadline)
		}
	}
}
