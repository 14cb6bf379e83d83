// Package store keeps setup sessions on disk, one file per setup, so a run
// that stops halfway can be resumed without creating a second instance.
//
// # Files
//
// A session file holds the instance token, so every file is private to the
// user (0600) and written atomically: a temporary file named after its
// session (.tmp-<id>-<random>, created 0600) is written, synced and renamed
// over the old file, so a reader sees the old session or the new one, never
// half of one. The temporary file is removed on every way out of Save. One
// left behind by a run that was killed is removed by the next Open, once no
// live process holds its session (see Claims); an unnamed one left by an
// older hootwire (.tmp-<random>) is removed once it is a minute old.
//
// # Claims
//
// A run that drives a setup claims it: an exclusive advisory lock
// (github.com/gofrs/flock) on sessions/<id>.lock, which holds the run's
// process id, kept for the life of the Store. A second run that tries to
// drive the same setup gets a *HeldError naming the first one's pid, so two
// runs never resume the same setup at once. Save claims the session it
// writes; a run that resumes a saved setup calls Claim before it does
// anything with it. The kernel releases the lock when the process ends, even
// when it is killed, so a lock is never stale; Close releases the locks and
// removes the lock files. Lock files are opened close-on-exec, so a browser
// started by hootwire, which outlives it, holds none. Reading (List) takes
// no lock. (On Windows a lock also bars reading the bytes it covers, so
// there a HeldError names no pid, and a lock file stays after Close, since
// an open file cannot be removed; it is harmless.)
//
// # Directories
//
// Open checks the config directory, then its sessions directory, with lstat
// and then through a descriptor opened without following links. Each must
// be a real directory (not a symbolic link) owned by the user running
// hootwire. Beyond that:
//
//   - sessions is always hootwire's own: created 0700, and tightened to 0700
//     when it is found looser; but refused when group or others can write
//     in it, since a session file of theirs could be in it.
//   - The config directory is tightened to 0700 only when it is hootwire's
//     own: created by this Open, or named "hootwire" (as the default,
//     <user config dir>/hootwire, is). Any other directory given with
//     --config-dir or HOOTWIRE_CONFIG_DIR, such as a home directory, keeps
//     its mode, since hootwire changes nothing it did not make; but it is
//     refused when group or others can write to it, since they could then
//     put a link or a folder of their own in place of sessions.
//
// Nothing that fails these checks is changed or written through: Open
// returns an error that names the directory, what is wrong and what to do.
//
// On Windows, owners and modes are not Unix ones: Open refuses links (and
// other reparse points) and anything that is not a directory, and relies on
// the ACLs of the user's profile, which it neither checks nor changes.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"hootwire/internal/setup"
)

// EnvDir names the environment variable that overrides the directory.
const EnvDir = "HOOTWIRE_CONFIG_DIR"

// DefaultDir is hootwire's directory under the user's config directory.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w (set %s or --config-dir)", err, EnvDir)
	}
	return filepath.Join(base, ownName), nil
}

// ownName is the name that marks a config directory as hootwire's own.
const ownName = "hootwire"

// Store is a directory of session files, and the sessions this process
// has claimed in it. Keep it for as long as the run drives a setup, and
// Close it at the end. Its methods may be called from several goroutines.
type Store struct {
	dir string
	now func() time.Time

	mu     sync.Mutex
	claims map[string]*flock.Flock // by session id
}

// Open makes sure dir and its sessions folder exist and are safe to keep
// secrets in (see the package comment for the rules), and removes the
// temporary files that a killed run left there.
func Open(dir string) (*Store, error) {
	if err := prepare(dir); err != nil {
		return nil, err
	}
	s := &Store{dir: dir, now: time.Now, claims: make(map[string]*flock.Flock)}
	s.removeStaleTemps()
	return s, nil
}

// prepare creates what is missing and checks both directories, the config
// directory first: once it is known that no one else can write in it, no
// one else can replace sessions between the check and its use.
func prepare(dir string) error {
	clean := filepath.Clean(dir)
	created := false
	if _, err := os.Lstat(clean); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(clean, 0o700); err != nil {
			return fmt.Errorf("create the config directory %s: %w (create it yourself, or choose another with --config-dir or %s)", clean, err, EnvDir)
		}
		created = true
	}
	if err := checkDir(clean, configDir, created || filepath.Base(clean) == ownName); err != nil {
		return err
	}
	sessions := filepath.Join(clean, "sessions")
	if err := os.Mkdir(sessions, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w (check that %s is yours and writable)", sessions, err, clean)
	}
	return checkDir(sessions, sessionsDir, true)
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Path is the file of a session.
func (s *Store) Path(id string) string {
	return filepath.Join(s.sessions(), id+".json")
}

func (s *Store) sessions() string { return filepath.Join(s.dir, "sessions") }

// checkID refuses an id that could name a file outside sessions, or make
// the store's own file names ambiguous.
func checkID(id string) error {
	if id == "" || strings.ContainsAny(id, `/\.:`) || strings.ContainsFunc(id, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("invalid session id %q", id)
	}
	return nil
}

// Save writes a session atomically: a temporary file in the same
// directory, synced to disk, then renamed over the old one. It first claims
// the session for this Store, if it has not already (a new setup's id is
// known to no one else); when another process holds it, Save writes
// nothing and returns its *HeldError.
func (s *Store) Save(sess setup.Session) error {
	if err := checkID(sess.ID); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	data, err := json.MarshalIndent(sess, "", "  ")
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.claim(sess.ID); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return writeAtomic(s.Path(sess.ID), tempPrefix+sess.ID+"-*", append(data, '\n'))
}

// tempPrefix begins the name of every temporary file the store writes.
const tempPrefix = ".tmp-"

// beforeRename, when set by a test, runs once the temporary file is
// written and closed, before it is renamed; an error it returns fails the
// save there.
var beforeRename func(tmp string) error

func writeAtomic(path, pattern string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, pattern) // O_EXCL, mode 0600
	if err != nil {
		return fmt.Errorf("save %s: %w (check that %s is yours and writable)", path, err, dir)
	}
	renamed := false
	defer func() {
		// Every way out but a rename, a panic included, removes the
		// temporary file: it holds the token.
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if beforeRename != nil {
		if err = beforeRename(tmp.Name()); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	renamed = true
	// The rename is durable once the directory entry is.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// SetAside is a session file that could not be read, moved out of the way
// under another name so nothing is lost or overwritten.
type SetAside struct {
	From, To string
	Err      error
}

func (a SetAside) String() string {
	// Quoted: a file name is text anyone who can write in the directory
	// chose, and must not read as a line of hootwire's.
	return fmt.Sprintf("the session file %q could not be read (%v); it was kept as %q", a.From, a.Err, a.To)
}

// Entry is a saved session and where it is.
type Entry struct {
	Session setup.Session
	Path    string
}

// List reads every session, newest first. Files that cannot be read are
// set aside and reported. It takes no lock, so it lists the setups other
// runs are driving too; it reads only *.json files (never a lock or a
// temporary file), which are always whole since they are only ever renamed
// into place.
func (s *Store) List() ([]Entry, []SetAside, error) {
	dir := s.sessions()
	files, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("list sessions: %w", err)
	}
	var entries []Entry
	var aside []SetAside
	for _, f := range files {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".json") || strings.HasPrefix(f.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, f.Name())
		sess, err := readSession(path)
		if err != nil {
			to := path + ".unreadable-" + s.now().UTC().Format("20060102T150405Z")
			if rerr := os.Rename(path, to); rerr != nil {
				return nil, aside, fmt.Errorf("set aside unreadable %s: %w", path, rerr)
			}
			aside = append(aside, SetAside{From: path, To: to, Err: err})
			continue
		}
		entries = append(entries, Entry{Session: sess, Path: path})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Session.Updated.After(entries[j].Session.Updated) })
	return entries, aside, nil
}

func readSession(path string) (setup.Session, error) {
	var sess setup.Session
	data, err := readOwnFile(path)
	if err != nil {
		return sess, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&sess); err != nil {
		return sess, fmt.Errorf("not a session: %w", err)
	}
	if sess.ID == "" || sess.BaseURL == "" || filepath.Base(path) != sess.ID+".json" {
		return sess, errors.New("not a session: id or base URL missing or not matching the file name")
	}
	if sess.Stage >= setup.StageCreated && sess.Stage < setup.StageDeleted && (sess.InstanceID == 0 || sess.Token == "") {
		return sess, errors.New("the session says the instance exists but has no id or token")
	}
	return sess, nil
}

// Unfinished is the newest session for baseURL whose instance exists, or
// may exist (its create got no clear answer), and is not yet done: what
// --resume continues.
func Unfinished(entries []Entry, baseURL string) (Entry, bool) {
	for _, e := range entries {
		if e.Session.BaseURL == baseURL && e.Session.Unfinished() {
			return e, true
		}
	}
	return Entry{}, false
}
