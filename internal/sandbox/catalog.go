package sandbox

import "time"

// NamedFault is a fault with a name a person reads in a test table or a demo.
type NamedFault struct {
	Name  string
	Fault Fault
}

// Catalog is every way the sandbox can make op fail, each applying to times
// requests: the platform's error statuses, a slow answer, dropped
// connections, bodies that are not the platform's JSON, and for creates the
// provider refusing a spent or expired grant code.
func Catalog(op Op, times int) []NamedFault {
	status := func(code int) Fault { return Fault{Op: op, Times: times, Status: code} }
	rows := []NamedFault{
		{"500", status(500)},
		{"502", status(502)},
		{"503", status(503)},
		{"504", status(504)},
		{"429 with Retry-After", Fault{Op: op, Times: times, Status: 429, RetryAfter: "1"}},
		{"401", status(401)},
		{"403", status(403)},
		{"404", status(404)},
		{"400 with the platform's JSON", Fault{Op: op, Times: times, Status: 400, Message: "Bad request: something is off"}},
		{"slow past the time-out", Fault{Op: op, Times: times, Delay: 5 * time.Second}},
		{"dropped before the request", Fault{Op: op, Times: times, DropBefore: true}},
		{"dropped after the request", Fault{Op: op, Times: times, DropAfter: true}},
		{"malformed JSON", Fault{Op: op, Times: times, MalformedJSON: true}},
		{"HTML error page", Fault{Op: op, Times: times, Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", ContentType: "text/html"}},
		{"empty body with 200", Fault{Op: op, Times: times, EmptyBody: true}},
	}
	if op == OpCreateInstance {
		rows = append(rows,
			NamedFault{"400 spent grant code", Fault{Op: op, Times: times, Status: 400, Message: "Failed to create instance",
				ProviderMessage: `{"error":"invalid_grant","error_description":"The authorization code has already been used."}`}},
			NamedFault{"400 expired grant code", Fault{Op: op, Times: times, Status: 400, Message: "Failed to create instance",
				ProviderMessage: `{"error":"invalid_grant","error_description":"The authorization code has expired."}`}})
	}
	return rows
}
