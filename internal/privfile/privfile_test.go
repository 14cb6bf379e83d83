package privfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// failing fails every write after the first ok bytes.
type failing struct {
	mu     sync.Mutex
	ok     int
	wrote  []byte
	calls  int
	closed bool
}

var errDiskFull = errors.New("no space left on device")

func (f *failing) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(f.wrote)+len(p) > f.ok {
		n := f.ok - len(f.wrote)
		f.wrote = append(f.wrote, p[:n]...)
		return n, errDiskFull
	}
	f.wrote = append(f.wrote, p...)
	return len(p), nil
}

func (f *failing) Close() error { f.closed = true; return nil }

// TestALogKeepsItsFirstWriteError: the defect was --debug-log /dev/full
// failing silently with exit status 0, since slog drops write errors. A
// Log keeps the first one for the end of the run.
func TestALogKeepsItsFirstWriteError(t *testing.T) {
	w := &failing{ok: 10}
	l := NewLog(w, "the test log")
	if _, err := io.WriteString(l, "12345\n"); err != nil || l.Err() != nil {
		t.Fatalf("a write that fits: %v, %v", err, l.Err())
	}
	if _, err := io.WriteString(l, "6789012345\n"); !errors.Is(err, errDiskFull) {
		t.Fatalf("the failing write should return the error: %v", err)
	}
	err := l.Err()
	if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "the test log") || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Err should name the log, the cause and what it means: %v", err)
	}
	// Later writes do not reach the writer: the log has a hole already.
	if _, err := io.WriteString(l, "more\n"); !errors.Is(err, errDiskFull) || w.calls != 2 {
		t.Errorf("a write after a failure: %v, %d calls", err, w.calls)
	}
	if err := l.Close(); !errors.Is(err, errDiskFull) {
		t.Errorf("Close should report the write error: %v", err)
	}
	if w.closed {
		t.Error("Close must not close a writer the caller owns (standard error, say)")
	}
}

func TestAShortWriteIsAnError(t *testing.T) {
	l := NewLog(short{}, "short")
	if _, err := l.Write([]byte("abc")); !errors.Is(err, io.ErrShortWrite) || !errors.Is(l.Err(), io.ErrShortWrite) {
		t.Errorf("a short write: %v, %v", err, l.Err())
	}
}

type short struct{}

func (short) Write(p []byte) (int, error) { return len(p) - 1, nil }

func TestOpenLogAppendsAndCloses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debug.log")
	for _, line := range []string{"one\n", "two\n"} {
		l, err := OpenLog(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(l, line); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "one\ntwo\n" {
		t.Errorf("the log holds %q, %v", data, err)
	}
}
