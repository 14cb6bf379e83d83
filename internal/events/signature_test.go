package events

import (
	"errors"
	"testing"
)

// The vectors below were computed outside Go, not with Sign:
//
//   - RFC 4231 test case 2 (key "Jefe") and RFC 2202 test case 2 for SHA-1,
//     whose hex digests the RFCs publish, turned into base64 with
//     `echo <hex> | xxd -r -p | base64`;
//   - hootwire's own, with OpenSSL 3.0:
//     printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$KEY" -binary | base64
//     printf '%s' "$BODY" | openssl dgst -sha1 -hmac "$KEY" -binary | base64
const (
	rfcKey    = "Jefe"
	rfcBody   = "what do ya want for nothing?"
	rfcSHA256 = "sha256=W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=" // 5bdcc146...64ec3843
	rfcSHA1   = "sha1=7/zfauXrL6LSdBbV8YTfnCWafHk="                   // effcdf6a...259a7c79

	testKey     = "hootwire-test-key-0001"
	testBody    = `{"message":{"eventId":"ev-1","raw":[]}}`
	testSHA256  = "sha256=7OT/hygN3AvwngMPmv0lz1QQdsKXcY3mGN6eqRCVLmU="
	testSHA1    = "sha1=vp8+GSz0/NGfLoA9LzgySaXqyt8="
	otherKey    = "another-key-entirely"
	otherSHA256 = "sha256=JxOY+VgCK272orVRaDN0u2SakE4DtdQEmvkkRkXiCZ4=" // testBody under otherKey
	emptySHA256 = "sha256=X8ypZGNrzgANGPHRrXEGmwqoBpzPXfKybV9FJzkW7Y8=" // the empty body under testKey
)

func TestSignMatchesFixedVectors(t *testing.T) {
	for _, c := range []struct{ key, body, want string }{
		{rfcKey, rfcBody, rfcSHA256},
		{testKey, testBody, testSHA256},
		{otherKey, testBody, otherSHA256},
		{testKey, "", emptySHA256},
	} {
		if got := Sign([]byte(c.key), []byte(c.body)); got != c.want {
			t.Errorf("Sign(%q, %q) = %s, want %s", c.key, c.body, got, c.want)
		}
	}
}

func TestVerifyAcceptsSHA256AndSHA1(t *testing.T) {
	for _, c := range []struct{ key, body, header string }{
		{rfcKey, rfcBody, rfcSHA256},
		{rfcKey, rfcBody, rfcSHA1},
		{testKey, testBody, testSHA256},
		{testKey, testBody, testSHA1},
		{testKey, "", emptySHA256},
		{testKey, testBody, "SHA256=7OT/hygN3AvwngMPmv0lz1QQdsKXcY3mGN6eqRCVLmU="}, // the name in any case
		{testKey, testBody, " " + testSHA256 + " "},                                // space around, as a header may carry
	} {
		if err := Verify([]byte(c.key), []byte(c.body), c.header); err != nil {
			t.Errorf("Verify(%q, %q, %q) = %v, want nil", c.key, c.body, c.header, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	for _, c := range []struct {
		name, key, body, header string
		want                    error
	}{
		{"tampered body", testKey, `{"message":{"eventId":"ev-2","raw":[]}}`, testSHA256, ErrBadSignature},
		{"tampered body, sha1", testKey, testBody + " ", testSHA1, ErrBadSignature},
		{"wrong key", otherKey, testBody, testSHA256, ErrBadSignature},
		{"signed with another key", testKey, testBody, otherSHA256, ErrBadSignature},
		{"missing header", testKey, testBody, "", ErrNoSignature},
		{"blank header", testKey, testBody, "   ", ErrNoSignature},
		{"no key", "", testBody, testSHA256, ErrNoKey},
		{"md5", testKey, testBody, "md5=1B2M2Y8AsgTpgAmY7PhCfg==", ErrUnknownAlgorithm},
		{"sha512", testKey, testBody, "sha512=" + testSHA256[7:], ErrUnknownAlgorithm},
		{"no algorithm", testKey, testBody, "=" + testSHA256[7:], ErrUnknownAlgorithm},
		{"bare digest", testKey, testBody, testSHA256[7:], ErrUnknownAlgorithm}, // base64 holds '=' padding
		{"no equals sign", testKey, testBody, "sha256", ErrMalformedSignature},
		{"not base64", testKey, testBody, "sha256=not base64!", ErrMalformedSignature},
		{"hex, not base64", testKey, testBody, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", ErrMalformedSignature},
		{"padding left out", testKey, testBody, "sha256=7OT/hygN3AvwngMPmv0lz1QQdsKXcY3mGN6eqRCVLmU", ErrMalformedSignature},
		{"url-safe alphabet", testKey, testBody, "sha256=7OT_hygN3AvwngMPmv0lz1QQdsKXcY3mGN6eqRCVLmU=", ErrMalformedSignature},
		{"a sha1 digest called sha256", testKey, testBody, "sha256=" + testSHA1[5:], ErrMalformedSignature},
		{"a sha256 digest called sha1", testKey, testBody, "sha1=" + testSHA256[7:], ErrMalformedSignature},
		{"empty value", testKey, testBody, "sha256=", ErrMalformedSignature},
		{"two values", testKey, testBody, testSHA256 + "," + testSHA1, ErrMalformedSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Verify([]byte(c.key), []byte(c.body), c.header)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestVerifyErrorsAreDistinct(t *testing.T) {
	all := []error{ErrNoKey, ErrNoSignature, ErrUnknownAlgorithm, ErrMalformedSignature, ErrBadSignature}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v is %v", a, b)
			}
		}
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte(testKey), []byte(testBody), testSHA256)
	f.Add([]byte(testKey), []byte(testBody), testSHA1)
	f.Add([]byte("k"), []byte{}, "sha1==")
	f.Add([]byte(""), []byte("x"), "")
	f.Fuzz(func(t *testing.T, key, body []byte, header string) {
		err := Verify(key, body, header)
		if err == nil && len(key) == 0 {
			t.Fatal("verified with no key")
		}
		if len(key) > 0 {
			if err := Verify(key, body, Sign(key, body)); err != nil {
				t.Fatalf("own signature refused: %v", err)
			}
		}
	})
}
