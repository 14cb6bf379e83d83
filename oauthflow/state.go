// Package oauthflow catches an OAuth 2.0 grant code for a command-line
// program: a random state, a loopback listener for the redirect (RFC 8252,
// section 7.3), a browser opener that never writes into the terminal, and a
// parser for a code or redirect URL the user pastes instead. It knows
// nothing of terminals or of any particular provider.
package oauthflow

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// NewState returns 32 random bytes, base64url without padding: unguessable,
// and safe in a URL as it is.
func NewState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// StatesEqual compares two states in constant time, so the comparison does
// not tell an attacker how much of a guess was right.
func StatesEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
