package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

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
