// Package store keeps setup sessions on disk, one file per setup, so a run
// that stops halfway can be resumed without creating a second instance.
// Files are private to the user (directory 0700, files 0600) and written
// atomically: a reader sees the old file or the new one, never half of one.
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
	"time"

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
	return filepath.Join(base, "hootwire"), nil
}

// Store is a directory of session files.
type Store struct {
	dir string
	now func() time.Time
}

// Open makes sure dir exists and its sessions folder is private to the
// user. A directory that existed keeps its mode (it may be the user's
// own, such as a home directory); the sessions folder is always made 0700.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	sessions := filepath.Join(dir, "sessions")
	if err := os.MkdirAll(sessions, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", sessions, err)
	}
	if err := os.Chmod(sessions, 0o700); err != nil {
		return nil, fmt.Errorf("make %s private: %w", sessions, err)
	}
	return &Store{dir: dir, now: time.Now}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Path is the file of a session.
func (s *Store) Path(id string) string {
	return filepath.Join(s.dir, "sessions", id+".json")
}

// Save writes a session atomically: a temporary file in the same
// directory, synced to disk, then renamed over the old one.
func (s *Store) Save(sess setup.Session) error {
	if sess.ID == "" || strings.ContainsAny(sess.ID, `/\.`) {
		return fmt.Errorf("save session: invalid session id %q", sess.ID)
	}
	data, err := json.MarshalIndent(sess, "", "  ")
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return writeAtomic(s.Path(sess.ID), append(data, '\n'))
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600 already; say so for the reader.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
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
	return fmt.Sprintf("the session file %s could not be read (%v); it was kept as %s", a.From, a.Err, a.To)
}

// Entry is a saved session and where it is.
type Entry struct {
	Session setup.Session
	Path    string
}

// List reads every session, newest first. Files that cannot be read are
// set aside and reported.
func (s *Store) List() ([]Entry, []SetAside, error) {
	dir := filepath.Join(s.dir, "sessions")
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
	data, err := os.ReadFile(path)
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
