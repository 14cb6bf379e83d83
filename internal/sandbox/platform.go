package sandbox

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// route is a platform API route: the operation it performs and how.
type route struct {
	op      Op
	auth    bool // needs the User/Organization Authorization header
	handler func(w http.ResponseWriter, r *http.Request, elementID int64)
}

// servePlatform routes a request under APIPath: unknown path 404, known path
// with the wrong method 405, then faults, then authorization, then the
// operation.
func (s *Sandbox) servePlatform(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, APIPath)
	var parts []string
	if rest != "" {
		parts = strings.Split(rest[1:], "/")
	}
	routes, ok := s.platformRoutes(parts)
	if !ok {
		writeError(w, http.StatusNotFound, "No resource found at "+r.URL.Path+".", "")
		return
	}
	rt, ok := routes[r.Method]
	if !ok {
		allowed := make([]string, 0, len(routes))
		for m := range routes {
			allowed = append(allowed, m)
		}
		slices.Sort(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed,
			fmt.Sprintf("Method %s is not allowed on %s; use %s.", r.Method, r.URL.Path, strings.Join(allowed, " or ")), "")
		return
	}
	s.withFaults(w, r, rt.op, func(w http.ResponseWriter, r *http.Request) {
		var elementID int64
		if rt.auth {
			id, ok := s.authorize(r)
			if !ok {
				writeError(w, http.StatusUnauthorized, authFailed, "")
				return
			}
			elementID = id
		}
		rt.handler(w, r, elementID)
	})
}

// platformRoutes returns the routes of a path, split at "/" below APIPath.
func (s *Sandbox) platformRoutes(parts []string) (map[string]route, bool) {
	switch {
	case len(parts) == 4 && parts[0] == "elements" && parts[1] != "" && parts[2] == "oauth" && parts[3] == "url":
		h := func(w http.ResponseWriter, r *http.Request, _ int64) { s.oauthURL(w, r, parts[1]) }
		return map[string]route{
			http.MethodGet:  {OpOAuthURL, true, h},
			http.MethodPost: {OpOAuthURL, true, h},
		}, true
	case len(parts) == 1 && parts[0] == "instances":
		return map[string]route{
			http.MethodGet:   {OpListInstances, true, func(w http.ResponseWriter, r *http.Request, _ int64) { s.listInstances(w, r) }},
			http.MethodPost:  {OpCreateInstance, true, func(w http.ResponseWriter, r *http.Request, _ int64) { s.createInstance(w, r) }},
			http.MethodPatch: {OpPatchInstance, true, s.patchByToken},
		}, true
	case len(parts) == 2 && parts[0] == "instances" && parts[1] != "":
		id := parts[1]
		return map[string]route{
			http.MethodGet:    {OpGetInstance, true, func(w http.ResponseWriter, r *http.Request, _ int64) { s.getInstance(w, r, id) }},
			http.MethodPatch:  {OpPatchInstance, true, func(w http.ResponseWriter, r *http.Request, _ int64) { s.patchByID(w, r, id) }},
			http.MethodDelete: {OpDeleteInstance, true, func(w http.ResponseWriter, r *http.Request, _ int64) { s.deleteInstance(w, r, id) }},
		}, true
	case (len(parts) == 2 || len(parts) == 3) && parts[0] == "events" && parts[1] != "":
		encoded := ""
		if len(parts) == 3 {
			encoded = parts[2]
		}
		key := parts[1]
		return map[string]route{
			http.MethodPost: {OpEvents, false, func(w http.ResponseWriter, r *http.Request, _ int64) { s.receiveEvent(w, r, key, encoded) }},
		}, true
	}
	return nil, false
}

// authPrefix is the only User/Organization part the sandbox accepts.
const authPrefix = "User " + DemoUserSecret + ", Organization " + DemoOrgSecret

// authorize checks the Authorization header: exactly
// "User <secret>, Organization <secret>", optionally followed by
// ", Element <token>" naming an existing instance. It returns that
// instance's id, or 0 when the header carries no Element token.
func (s *Sandbox) authorize(r *http.Request) (elementID int64, ok bool) {
	h := r.Header.Get("Authorization")
	if len(h) < len(authPrefix) || subtle.ConstantTimeCompare([]byte(h[:len(authPrefix)]), []byte(authPrefix)) != 1 {
		return 0, false
	}
	rest := h[len(authPrefix):]
	if rest == "" {
		return 0, true
	}
	const element = ", Element "
	token, found := strings.CutPrefix(rest, element)
	if !found || token == "" {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, found := s.byToken[token]
	return id, found
}

// Configuration keys the sandbox gives meaning to.
const (
	keyCallbackURL      = "oauth.callback.url"
	keyAPIKey           = "oauth.api.key"
	keyAPISecret        = "oauth.api.secret"
	keyEventsEnabled    = "event.notification.enabled"
	keyEventCallbackURL = "event.notification.callback.url"
	keySignatureKey     = "event.notification.signature.key"
)

// receiveEvent answers POST /events/{key}/{base64 id}, where Hootsuite
// delivers webhooks: 404 unless the id names an instance with events
// enabled; 400 when the body is not Hootsuite's JSON array of events; else
// 200 at once, and the webhook is delivered in the background to the
// instance's event callback URL (see deliveryTarget).
func (s *Sandbox) receiveEvent(w http.ResponseWriter, r *http.Request, key, encoded string) {
	// Read the body whole before answering, so the sender can finish writing.
	raw, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	notFound := func() {
		writeError(w, http.StatusNotFound, "No instance with events enabled matches this webhook URL.", "")
	}
	if key != ElementKey || encoded == "" {
		notFound()
		return
	}
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(decoded) == 0 || strings.TrimLeft(string(decoded), "0123456789") != "" {
		notFound()
		return
	}
	id, err := strconv.ParseInt(string(decoded), 10, 64)
	if err != nil {
		notFound()
		return
	}
	received := s.now()
	var events []eventJSON
	var bodyErr error
	if readErr == nil {
		events, bodyErr = mapEvents(raw, received)
	}

	s.mu.Lock()
	in, found := s.instances[id]
	if !found || !in.eventsEnabled {
		s.mu.Unlock()
		notFound()
		return
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(readErr, &tooBig):
		s.mu.Unlock()
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The webhook body is larger than %d bytes.", maxBodyBytes), "")
		return
	case readErr != nil:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "The webhook body could not be read.", "")
		return
	case bodyErr != nil:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "Invalid webhook: "+bodyErr.Error()+".", "")
		return
	}
	in.eventsReceived++
	var out *outgoing
	// A delivery that reached an events endpoint is not delivered again:
	// two instances pointing at each other's webhook URL would loop.
	if target := deliveryTarget(in); target != "" && r.Header.Get("User-Agent") != deliveryUserAgent {
		d := &Delivery{
			ID:         newDeliveryID(),
			InstanceID: in.id,
			URL:        target,
			Type:       objectTypes(events),
			Received:   received,
			State:      DeliveryPending,
			Attempts:   []Attempt{},
		}
		o := outgoing{d: d, body: deliveryBody(d.ID, in.id, in.name, events, raw)}
		if k := in.config[keySignatureKey]; k != nil && *k != "" {
			o.signature = sign(o.body, *k)
		}
		if s.stopped {
			d.State = DeliveryStopped
		} else {
			s.running.Add(1)
			out = &o
		}
		s.recordDelivery(d)
	}
	s.mu.Unlock()
	if out != nil {
		go s.deliver(*out)
	}
	writeJSON(w, http.StatusOK, struct{}{})
}
