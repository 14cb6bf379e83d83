package oauthflow

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
)

// writePage answers with a small page that loads nothing from elsewhere.
// title and message are the package's own words; the provider's text, when
// a page repeats it, comes in detail, cleaned and escaped here.
func writePage(w http.ResponseWriter, status int, title, message, detail string) {
	body := fmt.Sprintf(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hootwire: %s</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}h1{font-size:1.4rem}</style>
</head><body><h1>%s</h1><p>%s</p>%s</body></html>
`, html.EscapeString(title), html.EscapeString(title), html.EscapeString(message), detailHTML(detail))
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func detailHTML(detail string) string {
	if detail == "" {
		return ""
	}
	return "<p>" + html.EscapeString(clean(detail, maxErrorLen+maxDescriptionLen+10)) + "</p>"
}

// setSecurityHeaders goes on every answer: the address holds the code, so
// nothing may cache it or pass it on as a referrer, and the page may not be
// framed, sniffed as another type, or load anything.
func setSecurityHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'")
}
