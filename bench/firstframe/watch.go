package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// request is a command the watcher has sent to tmux; tmux answers commands
// in the order it got them, each with one %begin ... %end (or %error) block.
type request int

const (
	requestNone    request = iota // nothing to send
	requestRespawn                // start the measured command
	requestCapture                // the pane's screen
	requestStatus                 // whether the pane's command has exited
)

// statusFormat makes tmux answer a requestStatus with "dead:status:signal",
// for example "0::" while the command runs, "1:3:" when it exited with 3 and
// "1::9" when signal 9 killed it.
const statusFormat = "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}"

// watcher reads a tmux control-mode stream and decides what to ask next:
// the screen once after the pane writes, never two captures at a time, one
// more if the pane wrote while a capture was under way, and the pane's
// status when asked to check it.
type watcher struct {
	marker     string
	pending    []request // sent and not yet answered, oldest first
	inBlock    bool
	blockEnd   string // the %end line that closes the open block
	block      []string
	dirty      bool // the pane wrote since the pending capture was sent
	lastScreen string
	// exited says how the command ended, once a status answer has said so;
	// the watcher concludes only after one more capture, since the marker
	// may have been drawn just before the end.
	exited   error
	unreaped int // see deadStatus
	// Set with outcomeFailed or outcomeExited.
	err error
}

// outcome is what the watcher concludes from a line.
type outcome int

const (
	outcomeWaiting outcome = iota // nothing yet
	outcomeFound                  // the marker is on the screen
	outcomeFailed                 // tmux refused a command; see err
	outcomeExited                 // the command exited first; see err
)

func newWatcher(marker string) *watcher { return &watcher{marker: marker} }

// sent records that a request went to tmux, so its answer is known.
func (w *watcher) sent(r request) { w.pending = append(w.pending, r) }

// feed takes one line from the control client and returns the outcome so
// far and what to send next: requestCapture when the screen should be
// looked at, requestNone otherwise.
func (w *watcher) feed(line string) (outcome, request) {
	if !w.inBlock {
		switch {
		case strings.HasPrefix(line, "%begin "):
			// The block ends with %end (or %error) and the same time,
			// number and flags: a captured line that merely starts with
			// "%end " does not end it.
			w.inBlock = true
			w.blockEnd = strings.TrimPrefix(line, "%begin ")
			w.block = w.block[:0]
		case strings.HasPrefix(line, "%output "):
			if slices.Contains(w.pending, requestCapture) {
				w.dirty = true
				return outcomeWaiting, requestNone
			}
			return outcomeWaiting, requestCapture
		}
		return outcomeWaiting, requestNone
	}
	failed := line == "%error "+w.blockEnd
	if !failed && line != "%end "+w.blockEnd {
		w.block = append(w.block, line)
		return outcomeWaiting, requestNone
	}
	w.inBlock = false
	text := strings.Join(w.block, "\n")
	if len(w.pending) == 0 {
		// The answer to the attach itself.
		return outcomeWaiting, requestNone
	}
	answered := w.pending[0]
	w.pending = w.pending[1:]
	if failed {
		w.err = fmt.Errorf("tmux refused a command: %s", text)
		return outcomeFailed, requestNone
	}
	switch answered {
	case requestCapture:
		w.lastScreen = text
		if strings.Contains(text, w.marker) {
			return outcomeFound, requestNone
		}
		if w.dirty {
			w.dirty = false
			return outcomeWaiting, requestCapture
		}
		if w.exited != nil && !slices.Contains(w.pending, requestCapture) {
			w.err = w.exited
			return outcomeExited, requestNone
		}
	case requestStatus:
		if w.exited != nil {
			break
		}
		if w.exited = deadStatus(strings.TrimSpace(text), &w.unreaped); w.exited != nil && !slices.Contains(w.pending, requestCapture) {
			// One last look: the screen, history included, as the
			// command left it.
			return outcomeWaiting, requestCapture
		}
	}
	return outcomeWaiting, requestNone
}

// unreapedChecks is how many status answers in a row may have the pane
// closed without a status before the watcher concludes it ended anyway.
const unreapedChecks = 3

// deadStatus reads an answer to statusFormat: nil while the command runs,
// else how it ended. unreaped counts answers in a row that had the pane
// closed but no status yet.
func deadStatus(answer string, unreaped *int) error {
	dead, rest, _ := strings.Cut(answer, ":")
	if dead != "1" {
		return nil
	}
	status, signal, _ := strings.Cut(rest, ":")
	if status == "" && signal == "" {
		// The pane has closed, so the command has ended; tmux fills in
		// the status once it has reaped it, but on a busy machine it
		// sometimes never does. Give it a few checks.
		if *unreaped++; *unreaped < unreapedChecks {
			return nil
		}
		return errors.New("the command ended (its pane closed; tmux gave no exit status)")
	}
	if signal != "" {
		return fmt.Errorf("the command was killed by signal %s", signal)
	}
	return fmt.Errorf("the command exited with status %s", status)
}
