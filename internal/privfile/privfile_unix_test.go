//go:build unix

package privfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func write(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func TestANewFileIsCreatedPrivate(t *testing.T) {
	old := syscall.Umask(0) // 0600 must come from hootwire, not the umask
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "debug.log")
	f, err := OpenAppend(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := modeOf(t, path); got != 0o600 {
		t.Errorf("a new file has mode %v, want 0600", got)
	}
}

// TestAPrivateFileIsAppendedToAndKeptAsItIs: an existing file of the
// user's is neither truncated nor changed.
func TestAPrivateFileIsAppendedToAndKeptAsItIs(t *testing.T) {
	for _, perm := range []os.FileMode{0o600, 0o200} {
		path := filepath.Join(t.TempDir(), "debug.log")
		write(t, path, "before\n", perm)
		f, err := OpenAppend(path)
		if err != nil {
			t.Fatalf("mode %v: %v", perm, err)
		}
		if _, err := io.WriteString(f, "after\n"); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if got := modeOf(t, path); got != perm {
			t.Errorf("the file's mode was changed from %v to %v", perm, got)
		}
		os.Chmod(path, 0o600)
		if data, _ := os.ReadFile(path); string(data) != "before\nafter\n" {
			t.Errorf("mode %v: the file holds %q, want it appended to", perm, data)
		}
	}
}

// TestRefused: every path that is not a private regular file of the
// user's is refused, with a message naming it and what it is, and is left
// as it was.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	own := filepath.Join(dir, "own.log")
	write(t, own, "mine\n", 0o600)

	type check struct {
		name string
		path func(t *testing.T) string
		says string
	}
	checks := []check{
		{"a link to a file of the user's", func(t *testing.T) string {
			link := filepath.Join(t.TempDir(), "link.log")
			if err := os.Symlink(own, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "is a symbolic link (to " + own + ")"},
		{"a link to nowhere", func(t *testing.T) string {
			link := filepath.Join(t.TempDir(), "dangling.log")
			if err := os.Symlink(filepath.Join(dir, "made-through-the-link"), link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "is a symbolic link"},
		{"/dev/null", func(t *testing.T) string { return "/dev/null" }, "is a device"},
		{"/dev/full", func(t *testing.T) string { return "/dev/full" }, "is a device"},
		{"/dev/stderr", func(t *testing.T) string { return "/dev/stderr" }, "/dev/stderr is a"},
		{"a named pipe with no reader", func(t *testing.T) string {
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			return fifo
		}, "is a named pipe"},
		{"a directory", func(t *testing.T) string { return t.TempDir() }, "is a directory"},
		{"a file others can read", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "shared.log")
			write(t, path, "shared\n", 0o644)
			return path
		}, "can be read or written by group or others (mode 0644)"},
		{"a file the group can read", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "group.log")
			write(t, path, "group\n", 0o640)
			return path
		}, "run chmod 600"},
		{"a file others can write", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "open.log")
			write(t, path, "open\n", 0o602)
			return path
		}, "(mode 0602)"},
	}
	if os.Geteuid() == 0 {
		checks = append(checks, check{"another user's file", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "theirs.log")
			write(t, path, "theirs\n", 0o600)
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return path
		}, "belongs to another user (uid 65534"})
	} else {
		t.Log("not root: another user's file is not covered (os.Chown needs root)")
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			path := c.path(t)
			if _, err := os.Lstat(path); err != nil {
				t.Skipf("%s is not on this system: %v", path, err)
			}
			before, _ := os.Lstat(path)
			var data []byte // only a regular file's: reading a pipe would wait for a writer
			if before.Mode().IsRegular() {
				data, _ = os.ReadFile(path)
			}
			f, err := OpenAppend(path)
			if err == nil {
				f.Close()
				t.Fatalf("%s should be refused", path)
			}
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("the refusal should name %s and say %q: %v", path, c.says, err)
			}
			after, _ := os.Lstat(path)
			if after.Mode() != before.Mode() || !os.SameFile(before, after) {
				t.Errorf("%s was changed: %v, was %v", path, after.Mode(), before.Mode())
			}
			if data != nil {
				if now, _ := os.ReadFile(path); string(now) != string(data) {
					t.Errorf("%s was written to: %q", path, now)
				}
			}
		})
	}
	if data, _ := os.ReadFile(own); string(data) != "mine\n" {
		t.Errorf("a file was written through a link: it holds %q", data)
	}
	if _, err := os.Lstat(filepath.Join(dir, "made-through-the-link")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was created through a dangling link: %v", err)
	}
}

// TestAFullDiskIsReported writes to /dev/full, the device that the
// defect's --debug-log named: the write fails, and the Log says so.
func TestAFullDiskIsReported(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	l := NewLog(f, "/dev/full")
	defer f.Close()
	io.WriteString(l, `{"msg":"request"}`+"\n")
	if err := l.Err(); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "/dev/full") {
		t.Errorf("a write to a full disk should be kept and name the log: %v", err)
	}
}
