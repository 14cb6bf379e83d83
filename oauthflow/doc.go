// Package oauthflow catches an OAuth 2.0 authorization grant code for a
// command-line program, with a browser or without one:
//
//   - NewState makes the random state that ties a redirect to its request,
//     and StatesEqual compares two states in constant time;
//   - Launch serves a one-time start link on the loopback interface that
//     redirects the browser to the authorization URL, so that URL, state
//     and all, never appears in a process's arguments;
//   - Listen serves the callback URL on the loopback interface (RFC 8252,
//     section 7.3) and hands over the code, or the provider's denial, once;
//   - ParsePaste reads a code the user pastes instead: a bare code, the whole
//     redirected address, or its query string;
//   - Opener opens a URL (the start link) in a browser without any child
//     process ever writing into the terminal.
//
// The package knows nothing of terminals or of any one provider's API, so an
// interactive wizard and a scripted run can both use it.
//
// # The state and other users of the machine
//
// The authorization URL carries the state, and anyone who has the state can
// deliver a grant code of their own (for their own account) to the loopback
// listener. A command's arguments are public to every user of the machine
// (ps, /proc/PID/cmdline), so the browser must never be started with the
// authorization URL as an argument. The flow is:
//
//	state, _ := oauthflow.NewState()
//	// ... get authURL for state from the platform ...
//	l, _ := oauthflow.Listen(ctx, callbackURL, state, oauthflow.ListenOptions{})
//	link, _ := oauthflow.Launch(ctx, authURL, oauthflow.LaunchOptions{})
//	defer link.Close()
//	oauthflow.Opener{}.Open(context.WithoutCancel(ctx), link.URL())
//	code, err := l.Wait(ctx)
//	// ... then, before spending the code:
//	if err := link.Settle(ctx); err != nil { /* refuse; authorize afresh */ }
//
// What this protects against: the state no longer appears in any process's
// arguments, only the start link's random token does, and the link works
// once. Another local user who reads the link from the process list and
// fetches it before the user's browser does still learns the state, but the
// user's browser then gets a page saying the link was already used, and the
// Launcher reports the second fetch (Reuse, Reused, Settle), so the caller
// refuses the authorization, whichever code arrives, and starts a new one.
// The attack is no longer silent, and its code is never spent.
//
// Settle, called once the code is in and before it is spent, waits for the
// watch to end (15 seconds after Launch by default), because another user
// can deliver a code before the user's browser has even fetched the link.
// On Linux it need not wait when the first fetch came from a socket of
// hootwire's own user (the kernel lists each socket's owner in
// /proc/net/tcp): no other user can then have had the link first.
//
// What it does not protect against: outside that Linux case it cannot tell
// which fetch was the user's browser, so it cannot stop another user from
// winning the race, only reveal it. The reveal needs the user's browser to
// fetch the link while the Launcher still watches: a browser that fetches
// later than the watch, or never (a command that fails after starting, a
// browser that crashes), or finds the server already stopped, gives nothing
// away. A program that fetches the link on the user's side as well (a link
// checker, a prefetch) makes an honest authorization look stolen; that
// fails safe, and the authorization URL shown to the user still works when
// copied into a browser by hand. Nothing here protects against a program
// running as the same user, which can read hootwire's memory, nor against
// the authorization URL pasted onto some other command line.
package oauthflow
