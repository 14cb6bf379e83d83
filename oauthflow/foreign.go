package oauthflow

import (
	"net/url"
	"strings"
)

// ParseForeign reads a code obtained by an authorization made elsewhere (on
// another machine, or by another program): a bare code, the whole address
// the browser was sent to, or its query string. The address's state belongs
// to that other authorization, so it is not compared with anything here;
// everything else is read as ParsePaste reads it, a denial included.
func ParseForeign(input string) (string, error) {
	query, isQuery, err := pastedQuery(strings.TrimSpace(input))
	if err == nil && isQuery {
		if v, perr := url.ParseQuery(query); perr == nil && len(v["state"]) == 1 {
			return ParsePaste(input, v["state"][0])
		}
	}
	return ParsePaste(input, "")
}
