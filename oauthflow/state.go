package oauthflow

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// stateBytes is the state's entropy: 256 bits cannot be guessed.
const stateBytes = 32

// NewState returns a fresh state: 32 bytes from crypto/rand, base64url
// without padding, so it goes into a URL as it is.
func NewState() (string, error) {
	b := make([]byte, stateBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// StatesEqual reports whether two states are equal, in constant time, so the
// time a comparison takes tells a forger nothing about how close a guess was.
func StatesEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
