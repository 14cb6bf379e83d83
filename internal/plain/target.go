package plain

import (
	"fmt"
	"net/url"
	"strings"

	"hootwire/internal/setup"
	"hootwire/internal/store"
)

func (r *run) target() (setup.Target, error) {
	r.header(setup.StepTarget)
	if r.cfg.ResumeID != "" {
		// A resumed setup knows its platform.
		if target, err := setup.NewTarget(r.cfg.Prefill.BaseURL); err == nil {
			target.AllowPlainHTTP = true // allowed when the setup began
			r.p.say("Resuming a setup on %s.", target.BaseURL)
			return target, nil
		}
	}
	options := []string{"Built-in sandbox: no account, no network"}
	for _, h := range setup.PresetHosts {
		label := h
		if u, err := url.Parse(h); err == nil {
			label = u.Host
		}
		options = append(options, label)
	}
	options[1] += " (the doc's host)"
	options = append(options, "Another URL")
	def := 2
	if r.cfg.Sandbox != nil {
		def = 1
	} else if r.in.BaseURL != "" {
		def = len(options)
		for i, h := range setup.PresetHosts {
			if t, err := setup.NewTarget(r.in.BaseURL); err == nil && t.BaseURL == h {
				def = i + 2
			}
		}
	}
	for {
		i, err := r.p.choose("Where is your Open Connectors tenant?", options, def)
		if err != nil {
			return setup.Target{}, err
		}
		switch {
		case i == 0 && r.cfg.Sandbox != nil:
			return setup.SandboxTarget(r.cfg.Sandbox), nil
		case i == 0 && r.cfg.Deps.StartSandbox == nil:
			r.p.say("The built-in sandbox is not available in this build: choose another target.")
			continue
		case i == 0:
			r.p.say("Starting the sandbox…")
			srv, err := r.cfg.Deps.StartSandbox(r.p.ctx)
			if err != nil {
				r.p.say("Error: start the sandbox: %v", err)
				continue
			}
			return setup.SandboxTarget(srv), nil
		case i == len(options)-1:
			raw, err := r.p.ask("Platform base URL", "ends in /elements/api-v2", r.in.BaseURL, false, setup.CheckBaseURL)
			if err != nil {
				return setup.Target{}, err
			}
			target, err := setup.NewTarget(raw)
			if err != nil || !target.PlainHTTP() {
				return target, err
			}
			if !r.cfg.AllowPlainHTTP {
				r.p.say("%s", (&setup.PlainHTTPError{Host: target.Host()}).Warning())
				fmt.Fprint(r.p.out, "Type yes to use it unencrypted, or press Enter to choose another: ")
				v, err := r.p.read(false)
				if err != nil {
					return setup.Target{}, err
				}
				if v != "yes" {
					continue
				}
			}
			target.AllowPlainHTTP = true
			return target, nil
		}
		return setup.Target{BaseURL: setup.PresetHosts[i-1]}, nil
	}
}

func (r *run) offerResume() error {
	if r.cfg.Store == nil || !r.proc.Saves() {
		return nil
	}
	entries, aside, err := r.cfg.Store.List()
	for _, a := range aside {
		r.p.say("%s", a)
	}
	if err != nil {
		r.p.say("Saved setups could not be read: %v", err)
		return nil
	}
	e, ok := store.Unfinished(entries, r.proc.BaseURL())
	resuming := false
	for _, en := range entries {
		if r.cfg.ResumeID != "" && en.Session.ID == r.cfg.ResumeID && en.Session.BaseURL == r.proc.BaseURL() {
			e, ok, resuming = en, true, true
		}
	}
	if !ok {
		return nil
	}
	if !resuming {
		r.p.say("An unfinished setup exists for this platform: %s, last saved %s.", e.Session.Describe(), e.Session.Updated.Local().Format("2006-01-02 15:04"))
		fmt.Fprint(r.p.out, "Resume it? [Y/n]: ")
		v, err := r.p.read(false)
		if err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToLower(v), "n") {
			return nil
		}
	}
	if err := r.cfg.Store.Claim(e.Session.ID); err != nil {
		return err
	}
	if err := r.proc.Resume(e.Session); err != nil {
		r.p.say("This saved setup cannot be resumed: %v. Starting a new one.", err)
		return nil
	}
	r.p.say("Resuming setup %s, %q, saved in %s.", e.Session.ShortID(), e.Session.Name, e.Path)
	return nil
}
