package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

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
