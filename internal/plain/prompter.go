package plain

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/term"

	"hootwire/internal/termsafe"
)

// prompter reads answers line by line and writes everything else.
type prompter struct {
	ctx context.Context
	in  *bufio.Reader
	fd  int  // the terminal behind in, for reading a secret without echo
	tty bool // in is a terminal
	out io.Writer
}

// errQuit means the input ended (ctrl+d): the user left.
var errQuit = errors.New("the input ended")

// say writes hootwire's text. Its string arguments (from the network, a
// saved file or the user) pass through termsafe on one line each, so that
// nothing in them acts on the terminal or forges a line of its own.
func (p *prompter) say(format string, args ...any) {
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = termsafe.Line(a)
		case error:
			args[i] = termsafe.Line(a.Error())
		case fmt.Stringer:
			args[i] = termsafe.Line(a.String())
		}
	}
	fmt.Fprintln(p.out, termsafe.Text(fmt.Sprintf(format, args...)))
}

// read reads one line; a secret is read without echo on a terminal. An
// interrupt ends the read at once, and leaves the terminal as it was.
func (p *prompter) read(secret bool) (string, error) {
	type answer struct {
		text string
		err  error
	}
	var saved *term.State
	if p.tty {
		saved, _ = term.GetState(p.fd)
	}
	ch := make(chan answer, 1)
	go func() {
		if secret && p.tty {
			b, err := term.ReadPassword(p.fd)
			fmt.Fprintln(p.out)
			ch <- answer{string(b), err}
			return
		}
		s, err := p.in.ReadString('\n')
		if err == io.EOF && s != "" {
			err = nil
		}
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		if a.err == io.EOF {
			return "", errQuit
		}
		return strings.TrimSpace(a.text), a.err
	case <-p.ctx.Done():
		if saved != nil {
			term.Restore(p.fd, saved)
		}
		fmt.Fprintln(p.out)
		return "", p.ctx.Err()
	}
}

// ask asks for one value until check accepts it; Enter alone keeps def.
// A secret's value is never shown: the prompt only says whether one is set.
func (p *prompter) ask(label, hint, def string, secret bool, check func(string) error) (string, error) {
	prompt := label
	if hint != "" {
		prompt += " (" + hint + ")"
	}
	switch {
	case def != "" && secret:
		prompt += " [set; Enter keeps it]"
	case def != "":
		prompt += " [" + def + "]"
	}
	for {
		fmt.Fprint(p.out, prompt+": ")
		v, err := p.read(secret)
		if err != nil {
			return "", err
		}
		if v == "" {
			v = def
		}
		if check == nil {
			return v, nil
		}
		if err := check(v); err != nil {
			p.say("  %s: %v. Try again.", label, err)
			continue
		}
		return v, nil
	}
}

// choose asks for one of options by number; Enter alone keeps def (1-based).
func (p *prompter) choose(question string, options []string, def int) (int, error) {
	p.say("%s", question)
	for i, o := range options {
		p.say("  %d. %s", i+1, o)
	}
	for {
		fmt.Fprintf(p.out, "Choose 1 to %d [%d]: ", len(options), def)
		v, err := p.read(false)
		if err != nil {
			return 0, err
		}
		if v == "" {
			return def - 1, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(options) {
			p.say("  Type a number from 1 to %d.", len(options))
			continue
		}
		return n - 1, nil
	}
}
