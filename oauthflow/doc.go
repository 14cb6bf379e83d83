// Package oauthflow catches an OAuth 2.0 authorization grant code for a
// command-line program, with a browser or without one:
//
//   - NewState makes the random state that ties a redirect to its request,
//     and StatesEqual compares two states in constant time;
//   - Listen serves the callback URL on the loopback interface (RFC 8252,
//     section 7.3) and hands over the code, or the provider's denial, once;
//   - ParsePaste reads a code the user pastes instead: a bare code, the whole
//     redirected address, or its query string;
//   - Opener opens the authorization URL in a browser without any child
//     process ever writing into the terminal.
//
// The package knows nothing of terminals or of any one provider's API, so an
// interactive wizard and a scripted run can both use it.
package oauthflow
