package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"hootwire/internal/setup"
)

// ShortLen is how many characters of a session id a person is shown: 6 hex
// characters tell some 16 million setups apart, far more than anyone keeps.
const ShortLen = setup.ShortIDLen

// MinRefLen is the shortest prefix Find takes: shorter ones match too much
// to be worth a guess.
const MinRefLen = 4

// ShortID is the first ShortLen characters of a session id, as a person
// reads and types it.
func ShortID(id string) string { return setup.Session{ID: id}.ShortID() }

// DisplayIDs gives each entry's session id the shortest form of at least
// ShortLen characters that no other entry's id starts with, so two setups
// that share their first characters still show ids a person can tell
// apart, and that Find resolves. It is keyed by full session id.
func DisplayIDs(entries []Entry) map[string]string {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Session.ID
	}
	return displayIDs(ids)
}

func displayIDs(ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		n := ShortLen
		for _, other := range ids {
			if other != id {
				n = max(n, commonPrefix(id, other)+1)
			}
		}
		out[id] = id[:min(n, len(id))]
	}
	return out
}

// commonPrefix is how many leading bytes a and b share.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// Find resolves what a person typed to name a saved setup: its full id, or
// a prefix of at least MinRefLen characters that only one saved setup's id
// starts with (case does not matter: ids are hex). It reads only the file
// it finds, and moves nothing aside (List does that): a lookup changes no
// file. Its errors wrap setup.ErrBadInput, since what was typed is wrong.
func (s *Store) Find(ref string) (Entry, error) {
	ids, err := s.ids()
	if err != nil {
		return Entry{}, fmt.Errorf("find the saved setup %q: %w", ref, err)
	}
	var matches []string
	for _, id := range ids {
		if id == ref {
			matches = []string{id}
			break
		}
		if len(ref) >= MinRefLen && strings.HasPrefix(strings.ToLower(id), strings.ToLower(ref)) {
			matches = append(matches, id)
		}
	}
	switch {
	case len(matches) == 0 && len(ref) < MinRefLen:
		return Entry{}, refError(fmt.Sprintf("no saved setup %q (give at least %d characters of its id; hootwire sessions lists them)", ref, MinRefLen))
	case len(matches) == 0:
		return Entry{}, refError(fmt.Sprintf("no saved setup %q (hootwire sessions lists them)", ref))
	case len(matches) > 1:
		shown := displayIDs(matches)
		list := make([]string, len(matches))
		for i, id := range matches {
			list[i] = shown[id]
		}
		return Entry{}, refError(fmt.Sprintf("%q matches %d saved setups: %s; give more of the id", ref, len(matches), strings.Join(list, ", ")))
	}
	path := s.Path(matches[0])
	sess, err := readSession(path)
	if err != nil {
		return Entry{}, fmt.Errorf("read the saved setup %s: %w (hootwire sessions sets an unreadable file aside)", matches[0], err)
	}
	return Entry{Session: sess, Path: path}, nil
}

// refError says that what a person typed names no one saved setup. Like
// a *HeldError it is setup.ErrBadInput (exit status 2), without that
// error's words in its text.
type refError string

func (e refError) Error() string        { return string(e) }
func (e refError) Is(target error) bool { return target == setup.ErrBadInput }

// ids are the session ids that have a file, sorted, without reading any:
// the names List would read.
func (s *Store) ids() ([]string, error) {
	files, err := os.ReadDir(s.sessions())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var ids []string
	for _, f := range files {
		name := f.Name()
		id, ok := strings.CutSuffix(name, ".json")
		if !ok || f.IsDir() || strings.HasPrefix(name, ".") || checkID(id) != nil {
			continue
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// Remove forgets a saved setup: its file, with the instance token in it,
// and its lock file. It claims the setup first, so it never pulls a setup
// from under a run driving it: then it returns that run's *HeldError
// (setup.ErrBadInput), naming its process, and removes nothing. A setup
// this Store holds is released. The instance at the platform is not
// touched: deleting it is the setup's (setup.Procedure.Delete).
func (s *Store) Remove(id string) error {
	if err := checkID(id); err != nil {
		return refError("remove a saved setup: " + err.Error())
	}
	path := s.Path(id)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return refError(fmt.Sprintf("no saved setup %s (hootwire sessions lists them)", id))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, heldBefore := s.claims[id]
	if err := s.claim(id); err != nil {
		return fmt.Errorf("remove the saved setup: %w", err)
	}
	removed := false
	defer func() {
		// A setup that is gone has nothing left to guard; one that could
		// not be removed stays claimed only if this Store drove it before.
		if !removed && heldBefore {
			return
		}
		fl := s.claims[id]
		// Removed while still locked, as Close does, so a run waiting on
		// the old file takes the next one.
		_ = os.Remove(fl.Path())
		_ = fl.Unlock()
		delete(s.claims, id)
	}()
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return refError(fmt.Sprintf("no saved setup %s (hootwire sessions lists them)", id))
		}
		return fmt.Errorf("remove the saved setup %s: %w (check that %s is yours and writable)", id, err, s.sessions())
	}
	removed = true
	// A save that a killed run left halfway holds the token too; with the
	// lock held no live run is writing one. What cannot be removed is left
	// to the next Open, in a directory that is private already.
	if files, err := os.ReadDir(s.sessions()); err == nil {
		for _, f := range files {
			if owner, ok := tempOwner(f.Name()); ok && owner == id && f.Type().IsRegular() {
				os.Remove(filepath.Join(s.sessions(), f.Name()))
			}
		}
	}
	return nil
}
