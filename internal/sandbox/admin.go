package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// serveAdmin serves /_sandbox/..., which lets tests and demos steer a
// sandbox running in another process. Errors use the platform's error JSON.
func (s *Sandbox) serveAdmin(w http.ResponseWriter, r *http.Request) {
	var methods string
	switch r.URL.Path {
	case "/_sandbox/faults":
		methods = "DELETE, POST"
	case "/_sandbox/instances":
		methods = "GET, HEAD"
	case "/_sandbox/auto-approve":
		methods = "POST"
	case "/_sandbox/stats":
		methods = "GET"
	case "/_sandbox/deliveries":
		methods = "GET, HEAD"
	default:
		writeError(w, http.StatusNotFound, "No admin endpoint at "+r.URL.Path+": use /_sandbox/faults, /_sandbox/instances, /_sandbox/deliveries, /_sandbox/auto-approve or /_sandbox/stats.", "")
		return
	}
	if !strings.Contains(", "+methods+",", ", "+r.Method+",") {
		w.Header().Set("Allow", methods)
		writeError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed on "+r.URL.Path+"; use "+methods+".", "")
		return
	}
	// A web page in the user's browser must not be able to steer the sandbox.
	if err := s.csrf.Check(r); err != nil {
		writeError(w, http.StatusForbidden, "Cross-origin requests to the admin endpoints are refused.", "")
		return
	}
	switch r.URL.Path + " " + r.Method {
	case "/_sandbox/faults POST":
		s.adminInjectFault(w, r)
	case "/_sandbox/faults DELETE":
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]int{"active": 0})
	case "/_sandbox/stats GET":
		writeJSON(w, http.StatusOK, s.Stats())
	case "/_sandbox/instances GET", "/_sandbox/instances HEAD":
		writeJSON(w, http.StatusOK, s.Instances())
	case "/_sandbox/deliveries GET", "/_sandbox/deliveries HEAD":
		writeJSON(w, http.StatusOK, s.Deliveries())
	case "/_sandbox/auto-approve POST":
		on, err := strconv.ParseBool(r.URL.Query().Get("on"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "Query parameter 'on' must be true or false.", "")
			return
		}
		s.SetAutoApprove(on)
		writeJSON(w, http.StatusOK, map[string]bool{"autoApprove": on})
	}
}

// adminInjectFault serves POST /_sandbox/faults with a Fault as JSON.
func (s *Sandbox) adminInjectFault(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json: send a Fault as JSON.", "")
		return
	}
	var req faultRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields() // a misspelt field would otherwise inject a fault that does nothing
	if err := dec.Decode(&req); err != nil {
		msg := "Invalid fault: the body is not a Fault as JSON: " + err.Error() + "."
		if errors.Is(err, io.EOF) {
			msg = "Invalid fault: the request body is empty: send a Fault as JSON."
		}
		writeError(w, http.StatusBadRequest, msg, "")
		return
	}
	f, err := req.fault()
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid fault: "+err.Error()+".", "")
		return
	}
	s.InjectFault(f)
	writeJSON(w, http.StatusOK, map[string]int{"active": s.activeFaults()})
}
