package main

import "strings"

// action is what the watcher asks of the control client after a line.
type action int

const (
	actionNone    action = iota
	actionCapture        // send one capture-pane
	actionFound          // the marker is on the screen
	actionFailed         // tmux answered a command with %error
)

// watcher reads a tmux control-mode stream and decides when to look at the
// screen: once after the pane writes, never twice at a time, and again if
// the pane wrote while a look was under way.
type watcher struct {
	marker     string
	respawned  bool // the respawn's own answer has come
	inBlock    bool
	block      []string
	capturing  bool // a capture-pane is sent and not yet answered
	dirty      bool // the pane wrote since that capture was sent
	lastScreen string
}

func newWatcher(marker string) *watcher { return &watcher{marker: marker} }

func (w *watcher) feed(line string) action {
	if w.inBlock {
		switch {
		case strings.HasPrefix(line, "%end "), strings.HasPrefix(line, "%error "):
			w.inBlock = false
			text := strings.Join(w.block, "\n")
			if strings.HasPrefix(line, "%error ") {
				w.lastScreen = text
				return actionFailed
			}
			if strings.Contains(text, w.marker) {
				return actionFound
			}
			if !w.respawned {
				// Blocks are answered in order: the first is the respawn's.
				w.respawned = true
				return actionNone
			}
			w.capturing = false
			w.lastScreen = text
			if w.dirty {
				w.dirty = false
				w.capturing = true
				return actionCapture
			}
			return actionNone
		default:
			w.block = append(w.block, line)
			return actionNone
		}
	}
	switch {
	case strings.HasPrefix(line, "%begin "):
		w.inBlock = true
		w.block = w.block[:0]
	case strings.HasPrefix(line, "%output "):
		if w.capturing {
			w.dirty = true
			return actionNone
		}
		w.capturing = true
		return actionCapture
	}
	return actionNone
}
