package api

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"hootwire/internal/termsafe"
)

// ParseHTTPURL checks that raw, exactly as given, is an absolute http or
// https URL that can be used as it is: a host, no user name or password,
// a port (when given) of digits from 1 to 65535, no fragment, and no
// space, control, bidi or other invisible character anywhere (a leading
// or trailing space is refused too, never trimmed, so the value checked is
// the value used). Its errors say what is wrong and what to do, and never
// repeat any part of raw: it may hold a password.
func ParseHTTPURL(raw string) (*url.URL, error) {
	switch {
	case raw == "":
		return nil, errors.New("is empty: give an http:// or https:// URL")
	case !termsafe.Safe(raw) || strings.ContainsFunc(raw, invisible):
		return nil, errors.New("holds a control character, a line break, a bidi mark or another invisible character, which no URL has: type it again rather than pasting it")
	case strings.TrimSpace(raw) != raw:
		return nil, errors.New("starts or ends with a space: remove it")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || !(strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
		return nil, errors.New("must be an http:// or https:// URL")
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	switch {
	case strings.Contains(authority, "@"):
		return nil, errors.New("carries a user name or password (the part before @), which must not be in a URL here: remove it")
	case strings.ContainsFunc(raw, unicode.IsSpace):
		return nil, errors.New("holds a space, which a URL cannot: remove it (write %20 for a space in a path)")
	case strings.Contains(raw, "#"):
		return nil, errors.New("carries a #fragment, which is never sent to a server: remove it")
	}
	host, err := checkAuthority(authority)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return nil, errors.New("has no host: give it as http(s)://host/path")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		// url.Error repeats the URL: its text is not shown.
		return nil, errors.New("cannot be read as a URL (a stray %, [ or ] ?): check how it is written")
	}
	return u, nil
}

// invisible reports the characters that show as nothing, or as something
// else, in a URL: format characters (zero-width spaces and joiners, bidi
// marks, a byte order mark) and Unicode spaces other than the ASCII space.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ')
}

// checkAuthority checks the host and port of a URL's authority and
// returns the host.
func checkAuthority(authority string) (string, error) {
	host, port := authority, ""
	hasPort := false
	if strings.HasPrefix(authority, "[") {
		end := strings.Index(authority, "]")
		if end < 0 {
			return "", errors.New("opens an IPv6 address with [ but does not close it with ]")
		}
		host = authority[1:end]
		switch after := authority[end+1:]; {
		case after == "":
		case strings.HasPrefix(after, ":"):
			port, hasPort = after[1:], true
		default:
			return "", errors.New("has something after the ] of its IPv6 address that is not a :port")
		}
	} else if i := strings.LastIndex(authority, ":"); i >= 0 {
		if strings.Count(authority, ":") > 1 {
			return "", errors.New("has an IPv6 address that is not in brackets: write it as [address]:port")
		}
		host, port, hasPort = authority[:i], authority[i+1:], true
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return "", errors.New("has a port that is not a number from 1 to 65535: correct it, or leave the :port out")
		}
	}
	return host, nil
}

// NormalizeBaseURL checks a platform base URL and returns it as it will be
// used: space around it is dropped, then it must pass ParseHTTPURL and have
// no query and no . or .. segment in its path; a bare host gets
// /elements/api-v2 appended; a trailing slash is dropped. The scheme is
// kept, lower-cased: plain http is accepted here, and a caller that allows
// it only on loopback reads it from the result. Its errors never repeat the
// URL: a user name in it may be a token.
func NormalizeBaseURL(raw string) (string, error) {
	const howTo = "give it as https://<host>/elements/api-v2"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("the base URL is empty: give the platform URL, for example https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2")
	}
	u, err := ParseHTTPURL(raw)
	if err != nil {
		return "", fmt.Errorf("the base URL %v (%s)", err, howTo)
	}
	if strings.Contains(raw, "?") {
		return "", fmt.Errorf("the base URL must not carry a query (?...): %s", howTo)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			// Refused, not cleaned: the URL would then point elsewhere
			// than it reads, and the secrets go wherever it points.
			return "", fmt.Errorf("the base URL has a . or .. segment in its path, which would make it point elsewhere than it reads: write the path out, %s", howTo)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/elements/api-v2"
	}
	u.RawPath = ""
	return u.String(), nil
}
