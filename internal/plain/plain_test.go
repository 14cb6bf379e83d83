package plain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"hootwire/api"
	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
	"hootwire/ui"
)

// sandboxConfig is `hootwire --sandbox --plain` where no browser opens.
func sandboxConfig(t *testing.T) (ui.Config, *sandbox.Server) {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	return ui.Config{
		Context: t.Context(),
		Sandbox: sb,
		Prefill: setup.Inputs{CallbackURL: sandboxtest.CallbackURL(t)},
		API:     api.Options{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		Deps: ui.Deps{
			Open: func(context.Context, string) error { return errors.New("no browser here") },
		},
	}, sb
}

// answer is the user's lines, one per prompt.
func answer(lines ...string) *strings.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

func TestPlainWalkThroughTheSandbox(t *testing.T) {
	cfg, sb := sandboxConfig(t)
	out := &lockedBuffer{}
	in, answers := io.Pipe()
	done := make(chan struct{})
	var proc *setup.Procedure
	var err error
	go func() {
		defer close(done)
		proc, err = Run(t.Context(), cfg, in, out)
	}()
	for _, line := range []string{
		"",     // target: the sandbox
		"", "", // the demo secrets
		"", "", "", // the app
		"", "", "", // name, tags, where events go (this machine, in the sandbox)
		"a", // approve on the sandbox's consent page
		"",  // create
		"r", // show the token once
		"",  // registered
		"p", // have the sandbox's Hootsuite send a ping
	} {
		fmt.Fprintln(answers, line)
	}
	waitFor(t, out, "Event: ")
	fmt.Fprintln(answers, "") // finish
	<-done
	if err != nil || proc == nil || !proc.Done() {
		t.Fatalf("Run = %v, %v\n%s", proc, err, out.String())
	}
	text := out.String()
	if strings.ContainsRune(text, '\x1b') {
		t.Errorf("the prompts hold an escape sequence:\n%q", text)
	}
	for i := 1; i <= setup.Steps; i++ {
		if want := "Step " + string(rune('0'+i)) + " of 8: "; !strings.Contains(text, want) {
			t.Errorf("no %q:\n%s", want, text)
		}
	}
	for _, want := range []string{"SANDBOX", "Account checked", "Authorization URL:", "Approved on the sandbox's consent page.",
		"Created instance 427236", "NDI3MjM2", "saved it there for you", "signature valid", "Done: the instance is set up"} {
		if !strings.Contains(text, want) {
			t.Errorf("the walk lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{sandbox.DemoUserSecret, sandbox.DemoOrgSecret, sandbox.DemoClientSecret} {
		if strings.Contains(text, secret) {
			t.Errorf("a secret was written: %.6s…", secret)
		}
	}
	token := sb.Instances()[0].Token
	if strings.Count(text, token) != 1 {
		t.Errorf("the token should show once, when asked for")
	}
	if all := sb.Instances(); len(all) != 1 || all[0].Patches != 1 {
		t.Errorf("sandbox = %+v", all)
	}
}

// lockedBuffer is a buffer the prompts write while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, out *lockedBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q:\n%s", text, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPlainAsksAgainForABadAnswer: a wrong answer is explained and asked
// again; nothing is lost.
func TestPlainAsksAgainForABadAnswer(t *testing.T) {
	cfg, _ := sandboxConfig(t)
	var out bytes.Buffer
	in := answer(
		"9", "1", // no such choice, then the sandbox
		"", "",
		"", "", "http://example.com/cb", "", // a callback URL Hootsuite refuses, then the default
		"", "", "2", "not a url", "https://app.example.com/hooks",
		"a", "", "", "", "",
	)
	proc, err := Run(t.Context(), cfg, in, &out)
	if err != nil || !proc.Done() {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Type a number from 1 to 7.", "API callback URL: only https:// or http://localhost callback URLs are accepted by Hootsuite. Try again.",
		"Your app's event URL: must be an http:// or https:// URL. Try again."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q:\n%s", want, out.String())
		}
	}
	if got := proc.Result().EventCallbackURL; got != "https://app.example.com/hooks" {
		t.Errorf("events go to %q", got)
	}
}

// TestPlainLeavingHalfway: the input ends (ctrl+d) after the instance was
// made; the setup is returned as it stands, with no failure on show.
func TestPlainLeavingHalfway(t *testing.T) {
	cfg, sb := sandboxConfig(t)
	var out bytes.Buffer
	proc, err := Run(t.Context(), cfg, answer("", "", "", "", "", "", "", "", "", "a", ""), &out)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if proc == nil || !proc.InstanceExists() || proc.Done() {
		t.Fatalf("the setup should stand with its instance made")
	}
	if len(sb.Instances()) != 1 {
		t.Error("no instance")
	}
}

// TestPlainShowsAFailureAndTriesAgain: a refused call is shown, with what
// to do, and Enter tries again.
func TestPlainShowsAFailureAndTriesAgain(t *testing.T) {
	cfg, sb := sandboxConfig(t)
	sb.InjectFault(sandbox.Fault{Op: sandbox.OpPatchInstance, Status: 403, Times: 1})
	var out bytes.Buffer
	proc, err := Run(t.Context(), cfg, answer("", "", "", "", "", "", "", "", "", "a", "", "", "", "", ""), &out)
	if err != nil || !proc.Done() {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Error: update instance: HTTP 403") || !strings.Contains(out.String(), "Press Enter to try again") {
		t.Errorf("the failure was not shown:\n%s", out.String())
	}
}

// TestPromptsAreInert: what the prompts write from the network or a
// saved file cannot act on the terminal.
func TestPromptsAreInert(t *testing.T) {
	var out bytes.Buffer
	p := &prompter{ctx: t.Context(), out: &out}
	p.say("Created instance %d (%s).", 7, "x\x1b]0;pwned\x07\x1b[2J\u202E\nDone: forged")
	if strings.ContainsAny(out.String(), "\x1b\x07\u202E") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("said %q", out.String())
	}
}
