// Package e2e holds the end-to-end tests of hootwire: the built binary in a
// real terminal (tmux), with a real headless Chromium as the user's browser,
// against `hootwire sandbox` in a process of its own, and against a fake of
// the Open Connectors platform written here. It has no code of its own: the
// terminal harness is in term_test.go, the tests in the other _test files.
package e2e
