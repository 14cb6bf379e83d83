package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"hootwire/internal/sandbox"
	"hootwire/internal/store"
)

// TestMain lets the scripts run hootwire itself, and fetch-url, a browser
// that follows a URL through its redirects as one approving at once would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hootwire":  main,
		"fetch-url": fetchURL,
	})
}

func fetchURL() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fetch-url URL")
		os.Exit(2)
	}
	client := &http.Client{Timeout: time.Minute}
	resp, err := client.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch-url:", err)
		os.Exit(1)
	}
	resp.Body.Close()
}

// TestScripts runs testdata/script/*.txtar: hootwire's command line as a
// user's shell sees it, against a sandbox of its own reached as a real
// platform (so setups are saved), approving consent at once.
//
// Besides testscript's own commands, a script has:
//
//	fault OP STATUS [TIMES]  the sandbox answers the next TIMES (default 1) OP requests with STATUS
//	fault clear              the sandbox answers as it should again
//	exits N PROGRAM [ARGS]   runs PROGRAM as exec does, and asserts it exits N
//	ids                      sets $ID1, $ID2, … to the saved setups' ids, oldest first
//	instances N              asserts the sandbox holds N instances
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{AutoApprove: true})
			if err != nil {
				return err
			}
			env.Defer(func() { srv.Close() })
			env.Values["sandbox"] = srv
			port, err := freePort()
			if err != nil {
				return err
			}
			for k, v := range map[string]string{
				"OC_BASE_URL":             srv.BaseURL,
				"SANDBOX_HOST":            srv.URL[len("http://"):],
				"OC_USER_SECRET":          sandbox.DemoUserSecret,
				"OC_ORG_SECRET":           sandbox.DemoOrgSecret,
				"HOOTSUITE_CLIENT_ID":     sandbox.DemoClientID,
				"HOOTSUITE_CLIENT_SECRET": sandbox.DemoClientSecret,
				"HOOTSUITE_CALLBACK_URL":  fmt.Sprintf("http://localhost:%d/callback", port),
				"HOOTWIRE_CONFIG_DIR":     env.WorkDir + "/config",
				"BROWSER":                 "fetch-url",
				"NO_COLOR":                "1",
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fault": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) == 1 && args[0] == "clear" {
					sandboxOf(ts).ClearFaults()
					return
				}
				if neg || len(args) < 2 {
					ts.Fatalf("usage: fault OP STATUS [TIMES] | fault clear")
				}
				status, err := strconv.Atoi(args[1])
				ts.Check(err)
				times := 1
				if len(args) > 2 {
					times, err = strconv.Atoi(args[2])
					ts.Check(err)
				}
				sandboxOf(ts).InjectFault(sandbox.Fault{Op: sandbox.Op(args[0]), Status: status, Times: times})
			},
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				var exitErr *exec.ExitError
				if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exitErr) {
					got = exitErr.ExitCode()
				} else if err != nil {
					ts.Fatalf("%s: %v", args[1], err)
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
			"ids": func(ts *testscript.TestScript, neg bool, args []string) {
				st, err := store.Open(ts.Getenv("HOOTWIRE_CONFIG_DIR"))
				ts.Check(err)
				defer st.Close()
				entries, _, err := st.List()
				ts.Check(err)
				sort.Slice(entries, func(i, j int) bool { return entries[i].Session.Started.Before(entries[j].Session.Started) })
				ids := store.DisplayIDs(entries)
				for i, en := range entries {
					ts.Setenv(fmt.Sprintf("ID%d", i+1), ids[en.Session.ID])
				}
			},
			"instances": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: instances N")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				if got := len(sandboxOf(ts).Instances()); (got == want) == neg {
					ts.Fatalf("the sandbox holds %d instances, want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
		},
	})
}

func sandboxOf(ts *testscript.TestScript) *sandbox.Server {
	return ts.Value("sandbox").(*sandbox.Server)
}

// freePort is a loopback port free a moment ago, for the OAuth callback.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
