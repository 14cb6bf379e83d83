//go:build unix

package oauthflow

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoBrowserArgumentHoldsTheState runs the Opener for real, with a
// BROWSER command that records its arguments as every user of the machine
// sees them (its argv and, where there is one, /proc/PID/cmdline). Opened
// on the start link, the browser's arguments hold the link and nothing of
// the state; the recorded link then takes a browser to the authorization
// URL. Opened on the authorization URL itself, the old way, the same
// recording shows the state: the check can see a leak.
func TestNoBrowserArgumentHoldsTheState(t *testing.T) {
	noLeaks(t)
	dir := t.TempDir()
	seen := filepath.Join(dir, "seen")
	browser := script(t, dir, "record-argv.sh", `{
printf '%s\n' "$0" "$@"
if [ -r /proc/$$/cmdline ]; then tr '\0' '\n' < /proc/$$/cmdline; fi
} > "`+seen+`.tmp"
mv "`+seen+`.tmp" "`+seen+`"
`)
	open := func(u string) string {
		t.Helper()
		os.Remove(seen)
		if err := realOpener(t, browser, 30*time.Second).Open(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(seen)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	l := launch(t, LaunchOptions{})
	argv := open(l.URL())
	if !strings.Contains(argv, l.URL()) {
		t.Fatalf("the browser was not given the start link; its arguments:\n%s", argv)
	}
	for _, leak := range []string{testState, "state=", "oauth2", "hootsuite"} {
		if strings.Contains(argv, leak) {
			t.Errorf("the browser's arguments hold %q:\n%s", leak, argv)
		}
	}
	if _, err := os.Stat("/proc/self/cmdline"); err == nil && strings.Count(argv, l.URL()) < 2 {
		t.Errorf("the script did not see its own /proc cmdline:\n%s", argv)
	}
	// The browser follows the link it was given to the authorization URL.
	var link string
	for _, line := range strings.Split(argv, "\n") {
		if strings.HasPrefix(line, "http://") {
			link = line
		}
	}
	if a := mustFetch(t, "GET", link, ""); a.status != http.StatusSeeOther || a.header.Get("Location") != launchAuthURL {
		t.Errorf("the browser's fetch of %q: %d to %q", link, a.status, a.header.Get("Location"))
	}

	if old := open(launchAuthURL); !strings.Contains(old, testState) {
		t.Errorf("opened on the authorization URL, the recording misses the state, so it proves nothing:\n%s", old)
	}
}
