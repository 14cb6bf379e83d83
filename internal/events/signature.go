package events

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"strings"
)

// Header names Open Connectors sends with every event.
const (
	HeaderID        = "Elements-Webhook-Id"
	HeaderSignature = "Elements-Webhook-Signature"
)

// Why Verify refused a signature. Each is distinct, so a caller can say
// which; none quotes the header, which the sender chose.
var (
	// ErrNoKey: Verify was given no key, and an empty key proves nothing
	// (anyone can compute an HMAC with it).
	ErrNoKey = errors.New("no signature key to verify with")
	// ErrNoSignature: the event carries no Elements-Webhook-Signature.
	ErrNoSignature = errors.New("no " + HeaderSignature + " header")
	// ErrUnknownAlgorithm: the value does not begin with sha256= or sha1=.
	ErrUnknownAlgorithm = errors.New("the signature names an algorithm other than sha256 or sha1")
	// ErrMalformedSignature: the value after the algorithm is not the
	// standard base64 of a digest of that algorithm's size, or there is
	// more than one signature header.
	ErrMalformedSignature = errors.New("the signature is not base64 of a digest of the right size")
	// ErrBadSignature: well formed, but not the body's HMAC under the key:
	// another key, or a body changed on the way.
	ErrBadSignature = errors.New("the signature does not match the body and the key")
)

// Sign is the Elements-Webhook-Signature value Open Connectors sends for
// body under key: "sha256=" and the standard base64 of HMAC-SHA256(body, key).
func Sign(key, body []byte) string {
	return "sha256=" + base64.StdEncoding.EncodeToString(mac(sha256.New, key, body))
}

// Verify checks header, an Elements-Webhook-Signature value, against the raw
// body as received: "sha256=<base64>" or, from older platform versions,
// "sha1=<base64>" (the algorithm's name in any case). The digests are
// compared in constant time. It returns nil, or one of ErrNoKey,
// ErrNoSignature, ErrUnknownAlgorithm, ErrMalformedSignature and
// ErrBadSignature.
func Verify(key, body []byte, header string) error {
	if len(key) == 0 {
		return ErrNoKey
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrNoSignature
	}
	alg, value, ok := strings.Cut(header, "=")
	if !ok {
		return ErrMalformedSignature
	}
	var h func() hash.Hash
	switch {
	case strings.EqualFold(alg, "sha256"):
		h = sha256.New
	case strings.EqualFold(alg, "sha1"):
		h = sha1.New
	default:
		return ErrUnknownAlgorithm
	}
	want := mac(h, key, body)
	got, err := base64.StdEncoding.Strict().DecodeString(value)
	if err != nil || len(got) != len(want) {
		// The length of a digest is no secret: it says only which
		// algorithm the value claims to be.
		return ErrMalformedSignature
	}
	if !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	return nil
}

func mac(h func() hash.Hash, key, body []byte) []byte {
	m := hmac.New(h, key)
	m.Write(body)
	return m.Sum(nil)
}
