package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"hootwire/internal/setup"
)

// HeldError says that another process is driving a saved setup: it holds
// the setup's lock. It counts as bad input (setup.ErrBadInput, exit status
// 2): the user asked for something that cannot be done now.
type HeldError struct {
	ID  string // the session's id
	PID int    // the process that holds it; 0 when it could not be read
}

func (e *HeldError) Error() string {
	who := "another hootwire"
	if e.PID > 0 {
		who = fmt.Sprintf("another hootwire (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is driving the saved setup %s; wait for it to end, or stop it, then run this again", who, e.ID)
}

// Is makes a HeldError a setup.ErrBadInput.
func (e *HeldError) Is(target error) bool { return target == setup.ErrBadInput }

// Claim locks the session id for this Store until Close, so that no other
// run drives the same setup at the same time. It does not wait: when
// another process (or another Store in this one) holds the session, it
// returns a *HeldError. Claiming a session this Store holds already does
// nothing. Call it before resuming a saved setup (setup.Procedure.Resume);
// Save claims a new setup's id by itself.
func (s *Store) Claim(id string) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("claim session: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claim(id)
}

// claim is Claim with s.mu held.
func (s *Store) claim(id string) error {
	if _, ok := s.claims[id]; ok {
		return nil
	}
	path := s.lockPath(id)
	fl, ok, err := lockFile(path)
	if err != nil {
		return fmt.Errorf("lock the saved setup %s: %w (check that %s is yours and writable)", id, err, s.sessions())
	}
	if !ok {
		return &HeldError{ID: id, PID: readPID(path)}
	}
	// The pid only tells a user who is in the way; the lock is what
	// counts, so a pid that cannot be written (Windows locks the bytes
	// themselves) is no failure.
	_ = writePID(path, os.Getpid())
	s.claims[id] = fl
	return nil
}

// Close releases every session this Store claimed and removes their lock
// files where it can. A Save after Close claims its session again.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for id, fl := range s.claims {
		// Removed while still locked: a process that opened the file and
		// waits for it then finds it replaced and takes the new one (see
		// lockFile). Windows cannot remove an open file; it stays, harmless.
		_ = os.Remove(fl.Path())
		if err := fl.Unlock(); err != nil {
			errs = append(errs, fmt.Errorf("release the saved setup %s: %w (it is released anyway when this process ends)", id, err))
		}
		delete(s.claims, id)
	}
	return errors.Join(errs...)
}

func (s *Store) lockPath(id string) string {
	return filepath.Join(s.sessions(), id+".lock")
}

// lockFile takes the exclusive lock on path without waiting, creating the
// file 0600 when it is missing; ok is false when someone else holds it.
// Lock files are removed while locked, so a lock taken on a file that was
// removed (or replaced) meanwhile guards nothing: it is let go and the file
// now at path is tried instead.
func lockFile(path string) (*flock.Flock, bool, error) {
	for range 8 {
		fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR|noFollow), flock.SetPermissions(0o600))
		ok, err := fl.TryLock()
		if err != nil || !ok {
			return nil, false, err
		}
		if afterLock != nil {
			afterLock(path)
		}
		held, herr := fl.Stat() // the open file's own
		now, nerr := os.Lstat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			return fl, true, nil
		}
		fl.Unlock()
	}
	return nil, false, fmt.Errorf("%s keeps being replaced while it is locked", path)
}

// afterLock, when set by a test, runs once lockFile holds a lock and before
// it checks that the lock is still on the file at the path.
var afterLock func(path string)

// readPID is the process id written in a lock file, or 0.
func readPID(path string) int {
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return 0
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid < 0 {
		return 0
	}
	return pid
}

// writePID replaces what a lock file says with pid, or with nothing when
// pid is 0. Only the lock's holder calls it.
func writePID(path string, pid int) error {
	f, err := os.OpenFile(path, os.O_WRONLY|noFollow, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(0)
	if err == nil && pid > 0 {
		_, err = f.WriteString(strconv.Itoa(pid) + "\n")
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// staleAge is how old an unnamed temporary file (an older hootwire's,
// which says not whose it is) must be before Open removes it: a write
// takes milliseconds.
const staleAge = time.Minute

// removeStaleTemps removes the temporary files that runs killed halfway
// through a Save left behind (each holds a token). A temporary file names
// its session, and its writer holds that session's lock for as long as the
// file exists; so the files of a session whose lock can be taken have no
// live writer, and are removed while the lock is held, so that no new
// writer can start meanwhile. The files of a session that a live run holds
// are left to it. Failures only leave files where they were, in a directory
// that is private already.
func (s *Store) removeStaleTemps() {
	dir := s.sessions()
	files, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	byID := make(map[string][]string)
	for _, f := range files {
		id, ok := tempOwner(f.Name())
		if !ok || !f.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, f.Name())
		if id == "" {
			if info, err := f.Info(); err == nil && s.now().Sub(info.ModTime()) > staleAge {
				os.Remove(path)
			}
			continue
		}
		byID[id] = append(byID[id], path)
	}
	for id, paths := range byID {
		lock := s.lockPath(id)
		fl, ok, err := lockFile(lock)
		if err != nil || !ok {
			continue
		}
		_ = writePID(lock, 0) // whoever reads it meanwhile: not a dead run's pid
		for _, p := range paths {
			os.Remove(p)
		}
		os.Remove(lock)
		fl.Unlock()
	}
}

// tempOwner tells whether name is one of the store's temporary files
// (.tmp-<id>-<digits>, or an older hootwire's .tmp-<digits>) and, for the
// former, whose.
func tempOwner(name string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return "", false
	}
	random := rest
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		id, random = rest[:i], rest[i+1:]
		if checkID(id) != nil {
			return "", false
		}
	}
	if random == "" || strings.ContainsFunc(random, func(r rune) bool { return r < '0' || r > '9' }) {
		return "", false
	}
	return id, true
}
