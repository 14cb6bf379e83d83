// Package e2e holds the end-to-end tests of hootwire: the built binary in a
// real terminal (tmux), with a real headless Chromium as the user's browser,
// against the sandbox. It has no code of its own; see e2e_test.go.
package e2e
