package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/setup"
	"hootwire/internal/store"
)

// offerResume offers the unfinished setup saved for the chosen platform,
// or with --resume takes it at once; once the saved setups are read.
func (m *Model) offerResume() {
	if !m.sessionsRead || !m.proc.Saves() {
		return
	}
	if id := m.c.cfg.ResumeID; id != "" {
		for _, e := range m.sessions {
			if e.Session.ID == id && e.Session.BaseURL == m.proc.BaseURL() {
				m.resume(e)
				return
			}
		}
	}
	if e, ok := store.Unfinished(m.sessions, m.proc.BaseURL()); ok {
		m.offer = &e
	}
}

// resume continues a saved setup; the account check comes first.
func (m *Model) resume(e store.Entry) {
	m.offer = nil
	if err := m.c.cfg.Store.Claim(e.Session.ID); err != nil {
		// Another run drives it: quitting on this says so with status 2.
		m.notice, m.alert, m.resumeErr = "This saved setup cannot be resumed now: "+err.Error()+" Press enter to start a new setup instead, or ctrl+c to quit.", true, err
		return
	}
	if err := m.proc.Resume(e.Session); err != nil {
		m.notice, m.alert = "This saved setup cannot be resumed: "+err.Error(), true
		return
	}
	m.notice, m.alert = fmt.Sprintf("Resuming setup %s, %q (saved in %s): check the secrets to go on.", store.ShortID(e.Session.ID), e.Session.Name, e.Path), false
}

// resumeNote says where a resumed setup goes on, and why.
func resumeNote(p *setup.Procedure, s setup.Step) string {
	sess := p.Session()
	switch s {
	case setup.StepApp:
		return fmt.Sprintf("Resuming %q: the last run stopped while creating the instance. Give the client secret again; hootwire then authorizes again and looks for the instance before creating one.", sess.Name)
	case setup.StepRegister:
		return fmt.Sprintf("Resuming instance %d (%s): register its webhook URL, then press enter.", sess.InstanceID, sess.Name)
	}
	return fmt.Sprintf("Resuming instance %d (%s).", sess.InstanceID, sess.Name)
}

// quit ends the wizard at once when nothing would be left behind, and asks
// first when an instance exists or is being created.
func (m *Model) quit() tea.Cmd {
	if m.proc != nil && (m.proc.InstanceExists() && !m.proc.Done() || m.creating()) {
		m.dialog = quitDialog
		return nil
	}
	m.ended = true
	return tea.Quit
}

// canDelete reports whether the quit question offers to delete the
// instance: it exists, and the account is set to ask the platform.
func (m Model) canDelete() bool { return m.proc.InstanceExists() && m.proc.Connected() }

func (m Model) creating() bool { return m.step == setup.StepCreate && m.page().View().Busy }

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch m.dialog {
	case quitDialog:
		switch {
		case key.Matches(msg, k.Yes), key.Matches(msg, k.Quit):
			m.ended = true
			return tea.Quit
		case key.Matches(msg, k.Delete) && m.canDelete():
			m.dialog = deleteDialog
		case key.Matches(msg, k.No):
			m.dialog = noDialog
		}
	case deleteDialog:
		switch {
		case key.Matches(msg, k.Quit):
			// Quitting while the delete is under way keeps the instance
			// unless the delete already reached the platform; the stop
			// note says which, from what the procedure recorded.
			m.ended = true
			return tea.Quit
		case m.deleting:
		case key.Matches(msg, k.Yes):
			m.deleting, m.deleteErr = true, nil
			proc, ctx := m.proc, m.c.ctx
			return func() tea.Msg { return deletedMsg{proc.Delete(ctx)} }
		case key.Matches(msg, k.No):
			m.dialog, m.deleteErr = noDialog, nil
		}
	}
	return nil
}

// offerText asks whether to resume s, naming what it holds.
func offerText(s setup.Session) string {
	return fmt.Sprintf("An unfinished setup exists for this platform: %s, last saved %s. Resume it? (y: resume · n: start a new one)",
		s.Describe(), s.Updated.Local().Format("2006-01-02 15:04"))
}

func (m Model) quitQuestion() string {
	s := m.proc.Session()
	switch {
	case !m.proc.InstanceExists() && m.proc.Saves():
		return fmt.Sprintf("Quit now? The instance is being created; hootwire saved that it sent the create, so `hootwire --resume %s` looks for it. (y: quit · n: stay)", store.ShortID(s.ID))
	case !m.proc.InstanceExists():
		return "Quit now? The instance is being created, in the sandbox, which ends with hootwire. (y: quit · n: stay)"
	case m.proc.Target().IsSandbox():
		return fmt.Sprintf("Quit now? Instance %d lives in the sandbox, which ends with hootwire. (y: quit · d: delete it and quit · n: stay)", s.InstanceID)
	case !m.canDelete():
		return fmt.Sprintf("Quit now? Instance %d exists and its progress is saved: resume with `hootwire --resume %s`. (y: quit and keep it · n: stay)", s.InstanceID, store.ShortID(s.ID))
	}
	return fmt.Sprintf("Quit now? Instance %d exists and its progress is saved: resume with `hootwire --resume %s`. (y: quit and keep it · d: delete it and quit · n: stay)", s.InstanceID, store.ShortID(s.ID))
}
