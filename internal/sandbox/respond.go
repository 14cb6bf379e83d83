package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// platformError is the platform's error body.
type platformError struct {
	RequestID       string `json:"requestId"`
	Message         string `json:"message"`
	ProviderMessage string `json:"providerMessage,omitempty"`
}

// authFailed is the platform's answer to any bad Authorization header. It
// never says which part was wrong, and never echoes the secrets.
const authFailed = "Invalid Organization or User secret, or invalid Element token provided."

// writeError answers with the platform's error JSON.
func writeError(w http.ResponseWriter, status int, message, providerMessage string) {
	if message == "" {
		message = defaultMessage(status)
	}
	writeJSON(w, status, platformError{
		RequestID:       requestID(),
		Message:         message,
		ProviderMessage: providerMessage,
	})
}

// defaultMessage is the message of an error the caller did not word.
func defaultMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return authFailed
	case http.StatusTooManyRequests:
		return "Too many requests: slow down and retry later."
	case http.StatusInternalServerError:
		return "An internal error occurred on the platform. Retry later."
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "The platform is temporarily unavailable. Retry later."
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return fmt.Sprintf("Error %d", status)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own types are marshalled; this is a bug, say so.
		status = http.StatusInternalServerError
		body = []byte(`{"requestId":"` + requestID() + `","message":"sandbox: cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte("\n"))
}

// requestID is a fresh random id like the platform's.
func requestID() string {
	return hex.EncodeToString(randomBytes(12))
}

// randomBytes returns n bytes from crypto/rand, which never fails on the
// platforms Go supports (it crashes the program instead).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// newToken returns an instance token: 44 characters of standard base64.
func newToken() string {
	return base64.StdEncoding.EncodeToString(randomBytes(32))
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newCode returns a grant code like Hootsuite's: 20 random alphanumeric characters.
func newCode() string {
	out := make([]byte, 0, 20)
	for len(out) < 20 {
		for _, b := range randomBytes(32) {
			// Reject the top of the byte range so every character is equally likely.
			if int(b) < 256-256%len(alphanumeric) && len(out) < 20 {
				out = append(out, alphanumeric[int(b)%len(alphanumeric)])
			}
		}
	}
	return string(out)
}

// isJSON reports whether the request says its body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// decodeJSON reads exactly one JSON value from the request body into v. Its
// error is worded for the person who sent the body.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return fmt.Errorf("the request body is larger than %d bytes", maxBodyBytes)
		case errors.Is(err, io.EOF):
			return errors.New("the request body is empty: send a JSON object")
		}
		return fmt.Errorf("the request body is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the request body has data after the JSON value: send one JSON object")
	}
	return nil
}
