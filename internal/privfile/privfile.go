// Package privfile opens files that hootwire writes for the user alone,
// such as the --debug-log file, without being tricked into writing
// somewhere else, and reports a write that fails.
//
// OpenAppend's rules:
//
//   - A path that does not exist is created 0600, exclusively and without
//     following a symbolic link (O_CREAT|O_EXCL|O_NOFOLLOW), so a link or a
//     file put there meanwhile is never written through.
//   - An existing regular file that belongs to the user and that neither
//     group nor others may read or write is appended to. Its mode is never
//     changed.
//   - An existing file that group or others may read or write is refused,
//     with a message to run chmod 600 on it or to give another path. It is
//     not made private silently: it was the user's before hootwire saw it,
//     and it may be shared on purpose; but what hootwire logs, masked as it
//     is, is not for others either. The user decides.
//   - Anything else is refused with a message that names the path and what
//     it is: a symbolic link (even to a file of the user's), a directory, a
//     device (/dev/null, /dev/full, a terminal), a named pipe, a socket, or
//     another user's file. The checks are made on the opened descriptor,
//     not on the name, so what is checked is what is written; a named pipe
//     is opened without waiting for a reader.
//
// Every refusal wraps ErrRefused. Standard error, often asked for as "-",
// is the caller's to handle: wrap it in NewLog.
//
// On Windows, owners and modes are not Unix ones: links, directories and
// devices are refused, and the file's ACLs are neither checked nor changed
// (a new file inherits those of its directory).
package privfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// ErrRefused marks a path that OpenAppend will not write to.
var ErrRefused = errors.New("refused")

// refused is an error that says why a path is refused and what to do; it
// is an ErrRefused.
type refused struct{ msg string }

func (r *refused) Error() string        { return r.msg }
func (r *refused) Is(target error) bool { return target == ErrRefused }

func refuse(format string, args ...any) error {
	return &refused{fmt.Sprintf(format, args...)}
}

// OpenAppend opens path for appending, creating it 0600 when it does not
// exist, and refuses anything that is not a private regular file of the
// user's (see the package comment).
func OpenAppend(path string) (*os.File, error) {
	return openAppend(path)
}

// Kind names what a file is, for a message: "a symbolic link", "a
// directory", "a device", "a regular file".
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "a link or special file"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a regular file"
}

// refuseNotRegular is the refusal for a path that is not a regular file.
func refuseNotRegular(path string, m fs.FileMode) error {
	if m&fs.ModeSymlink != 0 {
		if to, err := os.Readlink(path); err == nil {
			return refuse("%s is a symbolic link (to %s); hootwire writes through no link: give the path of the file itself, or of a new file", path, to)
		}
	}
	return refuse("%s is %s, not a regular file; give the path of a regular file of your own, or of a new one", path, Kind(m))
}

// Log is an io.Writer for a log that must not fail unseen: it remembers
// the first write error, which Err and Close report, and after it writes
// nothing more. slog and log drop write errors; a Log keeps them. It is
// safe for use by several goroutines.
type Log struct {
	name string
	w    io.Writer
	c    io.Closer // the file OpenLog opened; nil when the caller owns w

	mu  sync.Mutex
	err error
}

// OpenLog opens path with OpenAppend, as a Log that owns the file.
func OpenLog(path string) (*Log, error) {
	f, err := OpenAppend(path)
	if err != nil {
		return nil, err
	}
	return &Log{name: path, w: f, c: f}, nil
}

// NewLog makes a Log of w, named name in its errors (say, "standard
// error"). Close does not close w.
func NewLog(w io.Writer, name string) *Log {
	return &Log{name: name, w: w}
}

// Write writes p, or returns the first write error again once there was
// one.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		l.err = fmt.Errorf("write the log %s: %w (what follows this point is missing from it; check the disk, or give another path)", l.name, err)
		return n, l.err
	}
	return n, nil
}

// Err is the first write error, or nil.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close closes the file OpenLog opened, and returns the first write error,
// or else the error closing it.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.err
	if l.c != nil {
		if cerr := l.c.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the log %s: %w (it may be incomplete)", l.name, cerr)
		}
		l.c = nil
	}
	return err
}
