package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hootwire/internal/sandbox"
	"hootwire/internal/sandbox/sandboxtest"
	"hootwire/internal/setup"
	"hootwire/internal/store"
	"hootwire/oauthflow"
)

// procAt is a setup on a sandbox reached as a real platform, saved in a
// store, taken as far as upTo says.
func procAt(t *testing.T, upTo func(p *setup.Procedure, sb *sandbox.Server)) *setup.Procedure {
	t.Helper()
	sb := sandboxtest.Start(t, sandbox.Options{})
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	target, _ := setup.NewTarget(sb.BaseURL)
	p, err := setup.New(target, setup.Options{Saver: st})
	if err != nil {
		t.Fatal(err)
	}
	in := setup.SandboxTarget(sb).Demo(setup.Inputs{CallbackURL: setup.DefaultCallbackURL, Name: "Hootsuite webhooks"})
	for _, err := range []error{p.SetAccount(in.Account()), p.CheckAccount(t.Context()), p.SetApp(in.App()), p.SetInstance(in.Instance())} {
		if err != nil {
			t.Fatal(err)
		}
	}
	upTo(p, sb)
	return p
}

func authorized(t *testing.T) func(*setup.Procedure, *sandbox.Server) {
	return func(p *setup.Procedure, sb *sandbox.Server) {
		a, err := p.Authorize(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		back, _ := sb.Approve(a.URL())
		if err := a.Paste(back.String()); err != nil {
			t.Fatal(err)
		}
	}
}

func created(t *testing.T) func(*setup.Procedure, *sandbox.Server) {
	return func(p *setup.Procedure, sb *sandbox.Server) {
		authorized(t)(p, sb)
		if _, err := p.Create(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHowAWizardRunEnds: what the wizard and the plain prompts print when
// they end, and their exit status, for every way a run ends.
func TestHowAWizardRunEnds(t *testing.T) {
	type outcome struct {
		proc    *setup.Procedure
		lastErr error // the failure on show when the user quit
	}
	cases := []struct {
		name    string
		run     func(t *testing.T) outcome
		status  int
		stdout  string
		stderr  string
		nowhere []string
	}{
		{"done", func(t *testing.T) outcome {
			return outcome{proc: procAt(t, func(p *setup.Procedure, sb *sandbox.Server) {
				created(t)(p, sb)
				p.MarkRegistered()
				if _, err := p.Finish(t.Context()); err != nil {
					t.Fatal(err)
				}
			})}
		}, setup.ExitOK, "hootwire: setup done.", "", []string{"hootwire listen"}},
		{"done, its events to this machine", func(t *testing.T) outcome {
			return outcome{proc: procAt(t, func(p *setup.Procedure, sb *sandbox.Server) {
				if err := p.SetInstance(setup.InstanceSettings{Name: "Hootsuite webhooks", EventsHere: true,
					ListenAddr: "127.0.0.1:4670", EventCallbackURL: "https://tunnel.example/events"}); err != nil {
					t.Fatal(err)
				}
				created(t)(p, sb)
				p.MarkRegistered()
				if _, err := p.Finish(t.Context()); err != nil {
					t.Fatal(err)
				}
			})}
		}, setup.ExitOK, "To go on receiving them:\nhootwire listen --session ", "", nil},
		{"deleted and quit", func(t *testing.T) outcome {
			return outcome{proc: procAt(t, func(p *setup.Procedure, sb *sandbox.Server) {
				created(t)(p, sb)
				if err := p.Delete(t.Context()); err != nil {
					t.Fatal(err)
				}
			})}
		}, setup.ExitInterrupted, "", "Instance 427236 was deleted", []string{"setup done", "Token saved", "Next call", "Resume"}},
		{"quit with a saved instance", func(t *testing.T) outcome {
			return outcome{proc: procAt(t, created(t))}
		}, setup.ExitInterrupted, "", "Resume with: hootwire --resume ", []string{"setup done"}},
		{"quit on a refused create", func(t *testing.T) outcome {
			var refused error
			p := procAt(t, func(p *setup.Procedure, sb *sandbox.Server) {
				authorized(t)(p, sb)
				sb.InjectFault(sandbox.Fault{Op: sandbox.OpCreateInstance, Status: 400, Message: "Failed to create instance", Times: 1})
				_, refused = p.Create(t.Context())
			})
			return outcome{p, refused}
		}, setup.ExitAPI, "", "", []string{"may exist", "Resume"}},
		{"quit on a denial", func(t *testing.T) outcome {
			return outcome{procAt(t, func(*setup.Procedure, *sandbox.Server) {}), &oauthflow.DeniedError{Err: "access_denied"}}
		}, setup.ExitAuthorization, "", "", nil},
		{"quit before a target", func(*testing.T) outcome { return outcome{} }, setup.ExitInterrupted, "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := c.run(t)
			var stdout, stderr bytes.Buffer
			got := ended(context.Background(), options{}, Env{Stdout: &stdout, Stderr: &stderr}, out.proc, out.lastErr)
			if got != c.status {
				t.Errorf("exit %d, want %d", got, c.status)
			}
			if c.stdout != "" && !strings.Contains(stdout.String(), c.stdout) || c.stdout == "" && stdout.Len() > 0 {
				t.Errorf("stdout %q, want %q", stdout.String(), c.stdout)
			}
			if strings.ContainsRune(stdout.String()+stderr.String(), '\x1b') {
				t.Errorf("an escape sequence in what a run prints at its end:\n%q", stdout.String())
			}
			if c.stderr != "" && !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), c.stderr)
			}
			for _, not := range c.nowhere {
				if strings.Contains(stdout.String()+stderr.String(), not) {
					t.Errorf("%q printed:\n%s%s", not, stdout.String(), stderr.String())
				}
			}
		})
	}
}
