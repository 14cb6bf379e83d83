// Package buildinfo says which hootwire a binary is, for --version and for
// bug reports: the release version a release build stamps in at link time,
// else what the go command recorded when it built the binary (the module
// version, the git commit, whether the work tree had uncommitted changes,
// the toolchain and the target). Two binaries that print the same line were
// built from the same source with the same toolchain.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Info identifies one build of hootwire. An empty field is unknown.
type Info struct {
	// Version is the release version stamped in at link time, else the
	// main module's version as the go command recorded it, else "dev".
	Version string
	// Commit is the full git commit the binary was built from.
	Commit string
	// Modified is true when the work tree had uncommitted changes, so
	// Commit alone does not say what was built.
	Modified bool
	// Date is when a release was built, as stamped in at link time.
	Date string
	// CommitTime is when Commit was made; a plain go build records it.
	CommitTime string
	// GoVersion is the toolchain that compiled the binary, which decides
	// which standard-library fixes it carries.
	GoVersion string
	// OS and Arch are the target the binary was built for.
	OS, Arch string
}

// Read describes the running binary. version and date are what a release
// build stamps in with -ldflags "-X main.version=... -X main.date=...";
// pass "" for either when it was not set.
func Read(version, date string) Info {
	// bi is nil only for a binary built without module support; the
	// runtime still knows the toolchain and the target then.
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi, version, date)
}

// fromBuildInfo is Read over a given build info (nil when there is none),
// so that every kind of build can be tested.
func fromBuildInfo(bi *debug.BuildInfo, version, date string) Info {
	i := Info{
		Version:   releaseVersion(version),
		Date:      date,
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
	}
	if bi == nil {
		if i.Version == "" {
			i.Version = "dev"
		}
		return i
	}
	if i.Version == "" {
		// "(devel)" is what go build records when it could not tell a
		// version (no VCS, or -buildvcs=false); it reads as a placeholder,
		// so it is shown as "dev" like any other unversioned build.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			i.Version = v
		} else {
			i.Version = "dev"
		}
	}
	if bi.GoVersion != "" {
		i.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			i.Commit = s.Value
		case "vcs.modified":
			i.Modified = s.Value == "true"
		case "vcs.time":
			i.CommitTime = s.Value
		case "GOOS":
			i.OS = s.Value
		case "GOARCH":
			i.Arch = s.Value
		}
	}
	return i
}

// releaseVersion gives a version stamped at link time the "v" that Go
// module versions and git tags carry: release tooling commonly stamps the
// tag without it (1.2.3 for v1.2.3), and --version should print the tag.
func releaseVersion(v string) string {
	v = strings.TrimSpace(v)
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		return "v" + v
	}
	return v
}

// shortCommit is as many hex digits as a module pseudo-version carries, so
// the two can be compared by eye and fed to git as they are.
const shortCommit = 12

// String is the line hootwire --version prints, such as
//
//	hootwire v1.2.3 (commit 0123456789ab, modified, built 2026-12-02T08:00:00Z, go1.27.3 linux/amd64)
//
// Unknown parts are left out rather than shown as "unknown". The build date
// is shown when a release stamped one; otherwise the commit's time is, and
// it is labelled as such, since it is not when the binary was built.
func (i Info) String() string {
	var parts []string
	if i.Commit != "" {
		c := i.Commit
		if len(c) > shortCommit {
			c = c[:shortCommit]
		}
		parts = append(parts, "commit "+c)
	}
	if i.Modified {
		parts = append(parts, "modified")
	}
	switch {
	case i.Date != "":
		parts = append(parts, "built "+i.Date)
	case i.CommitTime != "":
		parts = append(parts, "committed "+i.CommitTime)
	}
	target := ""
	if i.OS != "" && i.Arch != "" {
		target = i.OS + "/" + i.Arch
	}
	if tool := strings.TrimSpace(i.GoVersion + " " + target); tool != "" {
		parts = append(parts, tool)
	}
	version := i.Version
	if version == "" {
		version = "dev"
	}
	s := "hootwire " + version
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}
