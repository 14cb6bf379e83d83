package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"hootwire/internal/events"
	"hootwire/internal/setup"
)

// finishPage is step 8: PATCH the event callback URL, read it back, the
// summary, and, when hootwire receives the events, each event as it
// arrives, its signature checked.
type finishPage struct {
	common
	proc     *setup.Procedure
	width    int
	working  bool
	err      error
	receiver *events.Server // hootwire's own receiver, while it listens
	arrived  []events.Event // the newest last
	sent     string         // what the last p or m asked the sandbox for
}

// maxShown is how many events the step lists: the newest.
const maxShown = 8

type (
	patchedMsg struct {
		proc *setup.Procedure
		err  error
	}
	receiverMsg struct {
		proc *setup.Procedure
		srv  *events.Server
		err  error
	}
	eventMsg struct {
		srv *events.Server
		ev  events.Event
	}
	sentMsg struct {
		what   string
		status int
		err    error
	}
)

func newFinishPage(c common) finishPage { return finishPage{common: c} }

func (f finishPage) Title() string         { return setup.StepFinish.String() }
func (f finishPage) Typing() bool          { return false }
func (f finishPage) SetSize(w, _ int) page { f.width = w; return f }

// canSend reports whether p and m ask the sandbox's Hootsuite for an event.
func (f finishPage) canSend() bool {
	return f.proc.Done() && f.receiver != nil && f.proc.Target().App != nil
}

func (f finishPage) ping() key.Binding {
	return key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "ping"))
}

func (f finishPage) message() key.Binding {
	return key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "message event"))
}

func (f finishPage) Keys() []key.Binding {
	switch {
	case f.working:
		return nil
	case f.proc.Done() && f.canSend():
		return []key.Binding{as(f.keys.Next, "exit"), f.ping(), f.message()}
	case f.proc.Done():
		return []key.Binding{as(f.keys.Next, "exit")}
	}
	return []key.Binding{as(f.keys.Next, "try again")}
}

func (f finishPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		f.proc = msg.proc
		return f, f.start()
	case receiverMsg:
		if msg.proc != f.proc {
			return f, nil
		}
		if msg.err != nil {
			f.working, f.err = false, msg.err
			return f, nil
		}
		f.receiver = msg.srv
		f.proc.Receive(msg.srv.URL)
		return f, tea.Batch(f.patch(), f.next())
	case patchedMsg:
		if msg.proc == f.proc {
			f.working, f.err = false, msg.err
		}
	case eventMsg:
		if msg.srv != f.receiver {
			return f, nil
		}
		f.arrived = append(f.arrived, msg.ev)
		if len(f.arrived) > maxShown {
			f.arrived = slices.Clone(f.arrived[len(f.arrived)-maxShown:])
		}
		return f, f.next()
	case sentMsg:
		f.sent = fmt.Sprintf("Asked the sandbox's Hootsuite for %s: its webhook was answered %d.", msg.what, msg.status)
		if msg.err != nil {
			f.sent = fmt.Sprintf("The sandbox's Hootsuite could not send %s: %v", msg.what, msg.err)
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, f.keys.Next) && f.proc.Done():
			return f, func() tea.Msg { return finishedMsg{} }
		case key.Matches(msg, f.keys.Next):
			return f, f.start()
		case f.canSend() && key.Matches(msg, f.ping()):
			return f, f.send("ping", "a ping")
		case f.canSend() && key.Matches(msg, f.message()):
			return f, f.send("message", "a message event")
		}
	}
	return f, nil
}

// start patches the callback, after starting hootwire's receiver when the
// events come here (the callback is then the receiver's URL).
func (f *finishPage) start() tea.Cmd {
	f.working, f.err = true, nil
	if !f.proc.EventsHere() || f.receiver != nil {
		return f.patch()
	}
	proc, ctx := f.proc, f.ctx
	return func() tea.Msg {
		srv, err := events.Listen(ctx, proc.ListenAddr(), events.Options{Key: []byte(proc.SignatureKey())})
		return receiverMsg{proc, srv, err}
	}
}

func (f *finishPage) patch() tea.Cmd {
	proc, ctx := f.proc, f.ctx
	return func() tea.Msg {
		_, err := proc.Finish(ctx)
		return patchedMsg{proc, err}
	}
}

// next waits for the receiver's next event.
func (f *finishPage) next() tea.Cmd {
	srv, ctx := f.receiver, f.ctx
	return func() tea.Msg {
		select {
		case ev, ok := <-srv.Events():
			if !ok {
				return nil
			}
			return eventMsg{srv, ev}
		case <-ctx.Done():
			return nil
		}
	}
}

func (f *finishPage) send(kind, what string) tea.Cmd {
	proc := f.proc
	f.sent = fmt.Sprintf("Asking the sandbox's Hootsuite for %s…", what)
	return func() tea.Msg {
		status, err := proc.SendEvent(kind)
		return sentMsg{what, status, err}
	}
}

func (f finishPage) View() pageView {
	st := f.styles
	w := max(10, f.width)
	p := f.proc
	v := pageView{Purpose: "Point the instance's event callback at the webhook URL, and confirm it.", Busy: f.working, Err: f.err}
	switch {
	case p.EventsHere():
		v.Purpose = "Point the instance's event callback at hootwire on this machine, and confirm it."
	case p.EventsToApp():
		v.Purpose = "Point the instance's event callback at your app's URL, and confirm it."
	}
	if !p.Done() {
		v.Body = prose(st.Muted, fmt.Sprintf("PATCH /instances/%d with the new event callback URL, then GET to confirm it.", p.Session().InstanceID), w)
		switch {
		case f.working && p.EventsHere() && f.receiver == nil:
			v.Status = "Starting hootwire's event receiver on " + p.ListenAddr() + "…"
		case f.working:
			v.Status = "Updating event.notification.callback.url, then reading it back…"
		case f.err != nil:
			v.Status = errorBox(st, p, f.err, "Press enter to try again.", w)
		}
		return v
	}
	v.Purpose = "The setup is done."
	summary := Summary(st, p.Result(), p.NextCallCurl(), w)
	if f.receiver != nil {
		// The events come first: in a small window they are what the
		// step is waiting for, and the summary stays in the terminal.
		v.Body = f.eventsView(w) + "\n\n" + summary
	} else {
		v.Body = summary + "\n\n" + f.eventsView(w)
	}
	v.Body += "\n\n" + prose(st.Muted, "Press enter to exit; this summary stays in your terminal.", w)
	switch {
	case f.err != nil:
		// The platform has it all; only hootwire's own record lags.
		v.Status = errorBox(st, p, f.err, "The instance is set up; only hootwire's saved record of it still says it is unfinished, so a later run may offer to resume it (which does no harm). Press enter to exit.", w)
	case f.receiver != nil && len(f.arrived) == 0:
		v.Spin = true
		v.Status = "Waiting for the first event at " + f.receiver.URL
		if f.canSend() {
			v.Status += " (p has the sandbox's Hootsuite send a ping)"
		} else {
			v.Status += " (press Send ping webhook on your Hootsuite app)"
		}
	case len(f.arrived) > 0:
		last := f.arrived[len(f.arrived)-1]
		if last.Signature.Bad() {
			v.Status = prose(st.Error, "An event arrived, but its signature was "+last.Signature.String()+": it was refused.", w)
		} else {
			v.Status = prose(st.Success, "Done: an event arrived ("+last.Signature.String()+" signature), so the events are wired end to end.", w)
		}
	default:
		v.Status = prose(st.Success, "Done: the instance is set up and its events are wired.", w)
	}
	return v
}

// eventsView lists the events that arrived, or says how to see one.
func (f finishPage) eventsView(w int) string {
	st := f.styles
	p := f.proc
	if f.receiver == nil {
		how := "To see an event flow: at Hootsuite, press Send ping webhook on your app, then look at where the events go"
		if p.EventsToApp() {
			how += " (your app)"
		}
		return prose(st.Muted, how+"; or send the events to this machine and run hootwire listen.", w)
	}
	lines := []string{st.Label.Render("Events") + st.Muted.Render("  (at "+f.receiver.URL+")")}
	if f.sent != "" {
		lines = append(lines, prose(st.Muted, f.sent, w))
	}
	if len(f.arrived) == 0 {
		lines = append(lines, prose(st.Muted, "None yet.", w))
	}
	for _, ev := range f.arrived {
		style := st.Value
		if ev.Signature.Bad() {
			style = st.Error
		}
		// Later lines of an event hang under its text, clear of the time.
		at, rest, _ := strings.Cut(ev.Line(), "  ")
		lines = append(lines, style.Render(hang(at+"  ", rest, w)))
	}
	return strings.Join(lines, "\n")
}
