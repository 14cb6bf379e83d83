package sandbox

import (
	"cmp"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
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

// oauthRequest holds the parameters of oauth/url, from the query or a JSON body.
type oauthRequest struct {
	APIKey      string `json:"apiKey"`
	APISecret   string `json:"apiSecret"`
	CallbackURL string `json:"callbackUrl"`
	State       string `json:"state"`
	Scope       string `json:"scope"`
	SiteAddress string `json:"siteAddress"` // accepted and unused, as by Hootsuite
}

// oauthURL answers GET and POST {APIPath}/elements/{key}/oauth/url.
func (s *Sandbox) oauthURL(w http.ResponseWriter, r *http.Request, key string) {
	if key != ElementKey {
		writeError(w, http.StatusNotFound, fmt.Sprintf("No element with key '%s' exists.", key), "")
		return
	}
	var req oauthRequest
	if r.Method == http.MethodPost {
		if !isJSON(r) {
			writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json for POST "+r.URL.Path+".", "")
			return
		}
		if err := decodeJSON(w, r, &req); err != nil {
			writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error()+".", "")
			return
		}
	} else {
		q := r.URL.Query()
		req = oauthRequest{
			APIKey:      q.Get("apiKey"),
			APISecret:   q.Get("apiSecret"),
			CallbackURL: q.Get("callbackUrl"),
			State:       q.Get("state"),
			Scope:       q.Get("scope"),
		}
	}
	for _, p := range []struct{ name, value, what string }{
		{"apiKey", req.APIKey, "the Hootsuite REST API client id"},
		{"apiSecret", req.APISecret, "the Hootsuite REST API client secret"},
		{"callbackUrl", req.CallbackURL, "the API callback URL registered on the Hootsuite app"},
	} {
		if p.value == "" {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Missing required parameter '%s' (%s).", p.name, p.what), "")
			return
		}
	}
	state := req.State
	if state == "" {
		state = ElementKey // what the platform does; Hootsuite then sees a guessable state
	} else if len(state) < minStateLen {
		writeError(w, http.StatusBadRequest, "state must be at least 8 characters", "")
		return
	}
	scope := req.Scope
	if scope == "" {
		scope = "offline"
	}
	u := rootURL(r)
	u.Path = authPath
	// Built by hand to keep Hootsuite's parameter order.
	u.RawQuery = "response_type=code" +
		"&client_id=" + url.QueryEscape(req.APIKey) +
		"&redirect_uri=" + url.QueryEscape(req.CallbackURL) +
		"&state=" + url.QueryEscape(state) +
		"&scope=" + url.QueryEscape(scope)
	writeJSON(w, http.StatusOK, map[string]string{"element": ElementKey, "oauthUrl": u.String()})
}

// createRequest is the body of POST /instances, as the reference doc shows it.
type createRequest struct {
	Element *struct {
		Key string `json:"key"`
	} `json:"element"`
	ProviderData *struct {
		Code string `json:"code"`
	} `json:"providerData"`
	Configuration map[string]json.RawMessage `json:"configuration"`
	Tags          []string                   `json:"tags"`
	Name          string                     `json:"name"`
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

// createInstance answers POST /instances: validate the body, exchange the
// grant code as Hootsuite would, store the instance.
func (s *Sandbox) createInstance(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json for POST /instances.", "")
		return
	}
	var req createRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error()+".", "")
		return
	}
	switch {
	case req.Element == nil || req.Element.Key == "":
		writeError(w, http.StatusBadRequest, `Missing "element": {"key": "hootsuite"} in the request body.`, "")
		return
	case req.Element.Key != ElementKey:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("No element with key '%s' exists.", req.Element.Key), "")
		return
	case req.ProviderData == nil || req.ProviderData.Code == "":
		writeError(w, http.StatusBadRequest, "You must provide an OAuth code in order to create an instance of this element", "")
		return
	case req.Name == "":
		writeError(w, http.StatusBadRequest, `Missing "name": give the instance a name.`, "")
		return
	}
	config, msg := configValues(req.Configuration)
	if msg == "" {
		msg = checkSignatureKey(req.Configuration)
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "")
		return
	}
	for _, k := range []string{keyCallbackURL, keyAPIKey, keyAPISecret} {
		if v := config[k]; v == nil || *v == "" {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Missing required configuration value '%s'.", k), "")
			return
		}
	}
	eventsEnabled := false
	if v, ok := config[keyEventsEnabled]; ok {
		b, msg := parseEnabled(v)
		if msg != "" {
			writeError(w, http.StatusBadRequest, msg, "")
			return
		}
		eventsEnabled = b
	}

	view, msg, provider := s.create(req.Name, req.Tags, req.ProviderData.Code, config, eventsEnabled)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, provider)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// create exchanges the code and stores the instance; on failure it returns
// the platform's message and Hootsuite's answer.
func (s *Sandbox) create(name string, tags []string, code string, config map[string]*string, eventsEnabled bool) (view instanceJSON, message, providerMessage string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg, provider := s.exchange(code, *config[keyAPIKey], *config[keyAPISecret], *config[keyCallbackURL]); msg != "" {
		return instanceJSON{}, msg, provider
	}
	now := s.now()
	in := &instance{
		id:            s.nextID,
		token:         newToken(),
		name:          name,
		tags:          append([]string{}, tags...),
		config:        defaultConfig(),
		eventsEnabled: eventsEnabled,
		created:       now,
		updated:       now,
	}
	s.nextID++
	for k, v := range config {
		in.config[k] = v
	}
	in.config[keyEventsEnabled] = strPtr(strconv.FormatBool(eventsEnabled))
	s.instances[in.id] = in
	s.byToken[in.token] = in.id
	s.learnSecret(in.token)
	if v := in.config[keySignatureKey]; v != nil {
		s.learnSecret(*v)
	}
	return in.view(), "", ""
}

// exchange does what Hootsuite's token endpoint does with a grant code. Any
// attempt consumes the code. It returns the platform's message and
// Hootsuite's answer on failure, "" on success. s.mu must be held.
func (s *Sandbox) exchange(code, clientID, clientSecret, redirectURI string) (message, providerMessage string) {
	g, found := s.codes[code]
	delete(s.codes, code)
	rejected := func(errCode, description string) (string, string) {
		b, _ := json.Marshal(map[string]string{"error": errCode, "error_description": description})
		return "Failed to create instance: the provider rejected the authorization code.", string(b)
	}
	switch {
	case clientID != DemoClientID || subtle.ConstantTimeCompare([]byte(clientSecret), []byte(DemoClientSecret)) != 1:
		b, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "Client authentication failed: check the client id and client secret."})
		return "Failed to create instance: the provider rejected the client credentials (oauth.api.key, oauth.api.secret).", string(b)
	case !found:
		return rejected("invalid_grant", "The authorization code is invalid or has already been used.")
	case s.now().After(g.issued.Add(CodeLifetime)):
		return rejected("invalid_grant", "The authorization code has expired.")
	case g.clientID != clientID:
		return rejected("invalid_grant", "The authorization code was issued to another client.")
	case g.redirectURI != redirectURI:
		return rejected("invalid_grant", "The redirect_uri does not match the redirection URI used in the authorization request.")
	}
	return "", ""
}

// defaultConfig is the configuration every new instance starts from; some
// values are null, as on the real platform.
func defaultConfig() map[string]*string {
	return map[string]*string{
		"base.url":                         strPtr("https://platform.hootsuite.com/v1"),
		"event.vendor.type":                strPtr("webhook"),
		"event.notification.enabled":       strPtr("false"),
		"event.notification.callback.url":  nil,
		"event.notification.signature.key": nil,
		"event.poller.configuration":       nil,
		"filter.response.nulls":            strPtr("true"),
	}
}

func strPtr(s string) *string { return &s }

// configValues converts a JSON configuration object to stored values:
// strings as they are, booleans and numbers as their text, null as nil.
// On failure it returns the platform's message, "" on success.
func configValues(raw map[string]json.RawMessage) (values map[string]*string, message string) {
	out := make(map[string]*string, len(raw))
	for k, v := range raw {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, fmt.Sprintf("Invalid configuration value for '%s': %v.", k, err)
		}
		switch x := x.(type) {
		case nil:
			out[k] = nil
		case string:
			out[k] = strPtr(x)
		case bool:
			out[k] = strPtr(strconv.FormatBool(x))
		case float64:
			out[k] = strPtr(string(v)) // the number as sent, not reformatted
		default:
			return nil, fmt.Sprintf("Invalid configuration value for '%s': use a string, number, boolean or null.", k)
		}
	}
	return out, ""
}

// parseEnabled reads event.notification.enabled, sent as true/false or
// "true"/"false". On failure it returns the platform's message, "" on success.
func parseEnabled(v *string) (enabled bool, message string) {
	if v != nil {
		switch *v {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
	}
	return false, fmt.Sprintf("Invalid configuration value for '%s': use true or false.", keyEventsEnabled)
}

// checkSignatureKey refuses an event.notification.signature.key that is
// neither a string nor null. It returns the platform's message, "" when
// the value is acceptable or absent.
func checkSignatureKey(raw map[string]json.RawMessage) string {
	v, ok := raw[keySignatureKey]
	if !ok {
		return ""
	}
	var x any
	if err := json.Unmarshal(v, &x); err == nil {
		switch x.(type) {
		case nil, string:
			return ""
		}
	}
	return fmt.Sprintf("Invalid configuration value for '%s': use a string (the key deliveries are signed with) or null.", keySignatureKey)
}

// masked reports whether the platform never shows a configuration value.
func masked(key string) bool {
	return key == keyAPIKey || key == keyAPISecret || key == keySignatureKey
}

// instanceJSON is an instance as the platform answers it.
type instanceJSON struct {
	ID                     int64              `json:"id"`
	Name                   string             `json:"name"`
	CreatedDate            string             `json:"createdDate"`
	UpdatedDate            string             `json:"updatedDate"`
	Token                  string             `json:"token"`
	Element                elementJSON        `json:"element"`
	ProvisionInteractions  []string           `json:"provisionInteractions"`
	Valid                  bool               `json:"valid"`
	Disabled               bool               `json:"disabled"`
	MaxCacheSize           int                `json:"maxCacheSize"`
	CacheTimeToLive        int                `json:"cacheTimeToLive"`
	Configuration          map[string]*string `json:"configuration"`
	EventsEnabled          bool               `json:"eventsEnabled"`
	TraceLoggingEnabled    bool               `json:"traceLoggingEnabled"`
	CachingEnabled         bool               `json:"cachingEnabled"`
	ExternalAuthentication string             `json:"externalAuthentication"`
	User                   userJSON           `json:"user"`
	Tags                   []string           `json:"tags"`
	AuthenticationType     string             `json:"authenticationType"`
}

type elementJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
	TypeOauth   bool   `json:"typeOauth"`
	TrialAcct   bool   `json:"trialAccount"`
	Hub         string `json:"hub"`
	Beta        bool   `json:"beta"`
}

type userJSON struct {
	ID           int64  `json:"id"`
	EmailAddress string `json:"emailAddress"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
}

// view is the instance as the platform shows it, secrets masked.
func (in *instance) view() instanceJSON {
	cfg := make(map[string]*string, len(in.config))
	for k, v := range in.config {
		if v != nil && *v != "" && masked(k) {
			v = strPtr("********")
		}
		cfg[k] = v
	}
	return instanceJSON{
		ID:          in.id,
		Name:        in.name,
		CreatedDate: in.created.UTC().Format(time.RFC3339),
		UpdatedDate: in.updated.UTC().Format(time.RFC3339),
		Token:       in.token,
		Element: elementJSON{
			ID: 1234, Name: "Hootsuite", Key: ElementKey,
			Description: "Hootsuite social media management (sandbox)",
			Active:      true, TypeOauth: true, Hub: "social",
		},
		ProvisionInteractions:  []string{},
		Valid:                  true,
		Configuration:          cfg,
		EventsEnabled:          in.eventsEnabled,
		ExternalAuthentication: "none",
		User:                   userJSON{ID: 1, EmailAddress: "demo@sandbox.invalid", FirstName: "Demo", LastName: "User"},
		Tags:                   append([]string{}, in.tags...),
		AuthenticationType:     "oauth2",
	}
}

// listInstances answers GET /instances, filtered by every tags[] given.
func (s *Sandbox) listInstances(w http.ResponseWriter, r *http.Request) {
	want := r.URL.Query()["tags[]"]
	out := []instanceJSON{}
	s.mu.Lock()
	for _, in := range s.instances {
		if hasAllTags(in.tags, want) {
			out = append(out, in.view())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b instanceJSON) int { return cmp.Compare(a.ID, b.ID) })
	writeJSON(w, http.StatusOK, out)
}

func hasAllTags(have, want []string) bool {
	for _, t := range want {
		if t != "" && !slices.Contains(have, t) {
			return false
		}
	}
	return true
}

// parseID reads an instance id from the path, answering 400 when it is not a number.
func parseID(w http.ResponseWriter, raw string) (int64, bool) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid instance id '%s': expected a number.", raw), "")
		return 0, false
	}
	return id, true
}

func notFound(w http.ResponseWriter, id int64) {
	writeError(w, http.StatusNotFound, fmt.Sprintf("No instance with id %d exists.", id), "")
}

// getInstance answers GET /instances/{id}.
func (s *Sandbox) getInstance(w http.ResponseWriter, r *http.Request, rawID string) {
	id, ok := parseID(w, rawID)
	if !ok {
		return
	}
	s.mu.Lock()
	in, found := s.instances[id]
	var view instanceJSON
	if found {
		view = in.view()
	}
	s.mu.Unlock()
	if !found {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// deleteInstance answers DELETE /instances/{id}; the token dies with it.
func (s *Sandbox) deleteInstance(w http.ResponseWriter, r *http.Request, rawID string) {
	id, ok := parseID(w, rawID)
	if !ok {
		return
	}
	s.mu.Lock()
	in, found := s.instances[id]
	if found {
		delete(s.instances, id)
		delete(s.byToken, in.token)
	}
	s.mu.Unlock()
	if !found {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// patchRequest is the body of PATCH /instances[/{id}].
type patchRequest struct {
	Configuration map[string]json.RawMessage `json:"configuration"`
	Name          *string                    `json:"name"`
	Tags          *[]string                  `json:"tags"`
}

// patchByID answers PATCH /instances/{id}.
func (s *Sandbox) patchByID(w http.ResponseWriter, r *http.Request, rawID string) {
	id, ok := parseID(w, rawID)
	if !ok {
		return
	}
	s.patch(w, r, id)
}

// patchByToken answers PATCH /instances: the instance is the one whose
// token is in the Authorization header.
func (s *Sandbox) patchByToken(w http.ResponseWriter, r *http.Request, elementID int64) {
	if elementID == 0 {
		writeError(w, http.StatusUnauthorized, authFailed, "")
		return
	}
	s.patch(w, r, elementID)
}

// patch merges the given configuration keys, name and tags into an instance.
func (s *Sandbox) patch(w http.ResponseWriter, r *http.Request, id int64) {
	if !isJSON(r) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json for PATCH "+r.URL.Path+".", "")
		return
	}
	var req patchRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error()+".", "")
		return
	}
	if req.Configuration == nil && req.Name == nil && req.Tags == nil {
		writeError(w, http.StatusBadRequest, `Nothing to change: send "configuration", "name" or "tags".`, "")
		return
	}
	if req.Name != nil && *req.Name == "" {
		writeError(w, http.StatusBadRequest, `Invalid "name": an instance name cannot be empty.`, "")
		return
	}
	config, msg := configValues(req.Configuration)
	if msg == "" {
		msg = checkSignatureKey(req.Configuration)
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "")
		return
	}
	var enabled *bool
	if v, ok := config[keyEventsEnabled]; ok {
		b, msg := parseEnabled(v)
		if msg != "" {
			writeError(w, http.StatusBadRequest, msg, "")
			return
		}
		enabled = &b
		config[keyEventsEnabled] = strPtr(strconv.FormatBool(b))
	}

	view, found := s.applyPatch(id, config, enabled, req.Name, req.Tags)
	if !found {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// applyPatch changes the stored instance; found is false when it does not exist.
func (s *Sandbox) applyPatch(id int64, config map[string]*string, enabled *bool, name *string, tags *[]string) (view instanceJSON, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, found := s.instances[id]
	if !found {
		return instanceJSON{}, false
	}
	for k, v := range config {
		in.config[k] = v
	}
	if v := config[keySignatureKey]; v != nil {
		s.learnSecret(*v)
	}
	if enabled != nil {
		in.eventsEnabled = *enabled
	}
	if name != nil {
		in.name = *name
	}
	if tags != nil {
		in.tags = append([]string{}, (*tags)...)
	}
	in.updated = s.now()
	in.patches++
	return in.view(), true
}

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
