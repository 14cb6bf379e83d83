package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

const rev = "0123456789abcdef0123456789abcdef01234567"

func TestStringFullRelease(t *testing.T) {
	i := Info{
		Version: "v1.2.3", Commit: rev, Modified: true,
		Date: "2026-12-02T08:00:00Z", CommitTime: "2026-12-01T17:00:00Z",
		GoVersion: "go1.27.3", OS: "linux", Arch: "amd64",
	}
	want := "hootwire v1.2.3 (commit 0123456789ab, modified, built 2026-12-02T08:00:00Z, go1.27.3 linux/amd64)"
	if got := i.String(); got != want {
		t.Errorf("String()\n got %q\nwant %q", got, want)
	}
}

func TestStringLeavesOutWhatIsUnknown(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Info
		want string
	}{
		{"nothing known", Info{}, "hootwire dev"},
		{"toolchain only", Info{Version: "dev", GoVersion: "go1.26.8", OS: "darwin", Arch: "arm64"},
			"hootwire dev (go1.26.8 darwin/arm64)"},
		{"plain go build: commit time, not a build date", Info{Version: "v0.0.0-20261201170000-0123456789ab", Commit: rev,
			CommitTime: "2026-12-01T17:00:00Z", GoVersion: "go1.26.8", OS: "linux", Arch: "amd64"},
			"hootwire v0.0.0-20261201170000-0123456789ab (commit 0123456789ab, committed 2026-12-01T17:00:00Z, go1.26.8 linux/amd64)"},
		{"short commit kept whole", Info{Version: "v1.0.0", Commit: "abc123"}, "hootwire v1.0.0 (commit abc123)"},
		{"target without toolchain", Info{Version: "v1.0.0", OS: "windows", Arch: "amd64"}, "hootwire v1.0.0 (windows/amd64)"},
		{"half a target is no target", Info{Version: "v1.0.0", GoVersion: "go1.27.3", OS: "linux"}, "hootwire v1.0.0 (go1.27.3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.String()
			if got != tc.want {
				t.Errorf("String()\n got %q\nwant %q", got, tc.want)
			}
			for _, noise := range []string{"unknown", "(devel)", "()", ", ,", "  "} {
				if strings.Contains(got, noise) {
					t.Errorf("String() = %q contains %q", got, noise)
				}
			}
		})
	}
}

// goBuild is the build info go build records in a git checkout.
func goBuild(mainVersion string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.27.3", Path: "hootwire", Main: debug.Module{Path: "hootwire", Version: mainVersion}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestFromBuildInfo(t *testing.T) {
	vcs := []string{"GOOS", "linux", "GOARCH", "arm64", "vcs", "git", "vcs.revision", rev,
		"vcs.time", "2026-12-01T17:00:00Z", "vcs.modified", "false"}
	for _, tc := range []struct {
		name          string
		bi            *debug.BuildInfo
		version, date string
		want          Info
	}{
		{
			name:    "release build: the stamped version and date win",
			bi:      goBuild("v0.0.0-20261201170000-0123456789ab", vcs...),
			version: "v1.2.3", date: "2026-12-02T08:00:00Z",
			want: Info{Version: "v1.2.3", Commit: rev, Date: "2026-12-02T08:00:00Z", CommitTime: "2026-12-01T17:00:00Z",
				GoVersion: "go1.27.3", OS: "linux", Arch: "arm64"},
		},
		{
			name:    "a version stamped without its v gets one, as the tag has",
			bi:      goBuild("(devel)"),
			version: "1.2.3",
			want:    Info{Version: "v1.2.3", GoVersion: "go1.27.3", OS: runtime.GOOS, Arch: runtime.GOARCH},
		},
		{
			name: "go install of a tagged module: its module version",
			bi:   goBuild("v1.4.0"),
			want: Info{Version: "v1.4.0", GoVersion: "go1.27.3", OS: runtime.GOOS, Arch: runtime.GOARCH},
		},
		{
			name: "go build in a checkout with local changes",
			bi: goBuild("v0.0.0-20261201170000-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true",
				"vcs.time", "2026-12-01T17:00:00Z", "GOOS", "windows", "GOARCH", "amd64"),
			want: Info{Version: "v0.0.0-20261201170000-0123456789ab+dirty", Commit: rev, Modified: true,
				CommitTime: "2026-12-01T17:00:00Z", GoVersion: "go1.27.3", OS: "windows", Arch: "amd64"},
		},
		{
			name: "go build without VCS information: dev, never (devel)",
			bi:   goBuild("(devel)"),
			want: Info{Version: "dev", GoVersion: "go1.27.3", OS: runtime.GOOS, Arch: runtime.GOARCH},
		},
		{
			name: "no build info at all",
			want: Info{Version: "dev", GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fromBuildInfo(tc.bi, tc.version, tc.date); got != tc.want {
				t.Errorf("fromBuildInfo()\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadDescribesThisBinary(t *testing.T) {
	got := Read("v9.9.9", "2026-12-02T08:00:00Z")
	if got.Version != "v9.9.9" || got.Date != "2026-12-02T08:00:00Z" {
		t.Errorf("Read kept version %q date %q, want the stamped ones", got.Version, got.Date)
	}
	if got.GoVersion != runtime.Version() || got.OS != runtime.GOOS || got.Arch != runtime.GOARCH {
		t.Errorf("Read() = %+v, want this test binary's toolchain %s and target %s/%s",
			got, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	if got := Read("", ""); got.Version == "" || got.Version == "(devel)" {
		t.Errorf("unstamped Read().Version = %q, want a version or dev", got.Version)
	}
}

// TestBuiltBinaryNamesItsCommit builds the real hootwire from a clean clone
// of this checkout, as a user or a release would, and checks that the binary
// records the commit it was built from and that --version prints it, so a
// bug report names the exact source. The clone keeps local edits and build
// outputs out of the stamp.
func TestBuiltBinaryNamesItsCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed:", err)
	}
	root := strings.TrimSpace(run(t, "", "go", "env", "GOMOD"))
	if root == "" || root == "/dev/null" {
		t.Fatalf("go env GOMOD = %q: not inside the hootwire module", root)
	}
	root = filepath.Dir(root)
	if out, err := exec.Command("git", "-C", root, "rev-parse", "--verify", "HEAD").CombinedOutput(); err != nil {
		t.Skipf("%s is not a git checkout with a commit, so there is nothing to stamp: %v: %s", root, err, out)
	}

	clone := filepath.Join(t.TempDir(), "hootwire")
	run(t, "", "git", "clone", "--quiet", root, clone)
	head := strings.TrimSpace(run(t, clone, "git", "rev-parse", "HEAD"))

	// -buildvcs=true overrides a GOFLAGS=-buildvcs=false in the go env file
	// or environment, which would leave the commit out; a release build
	// passes it too.
	bin := filepath.Join(t.TempDir(), "hootwire")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	run(t, clone, "go", "build", "-buildvcs=true", "-o", bin, ".")

	meta := run(t, "", "go", "version", "-m", bin)
	settings := map[string]string{}
	for _, line := range strings.Split(meta, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "build" {
			if k, v, ok := strings.Cut(f[1], "="); ok {
				settings[k] = v
			}
		}
	}
	if settings["vcs.revision"] != head {
		t.Errorf("binary records vcs.revision=%q, want the clone's HEAD %s\n%s", settings["vcs.revision"], head, meta)
	}
	if settings["vcs.modified"] != "false" {
		t.Errorf("binary from a clean clone records vcs.modified=%q, want false\n%s", settings["vcs.modified"], meta)
	}

	out := run(t, clone, bin, "--version")
	if !strings.HasPrefix(out, "hootwire ") || !strings.Contains(out, head[:12]) {
		t.Errorf("hootwire --version printed %q, want hootwire and the commit %s", out, head[:12])
	}
}

// run runs name with args in dir and returns its standard output, failing
// the test with its standard error when it fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
