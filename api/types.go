package api

import (
	"bytes"
	"encoding/json"
)

// shapeError says how an answer's JSON is not the platform's shape, in
// words that quote none of it: the answer may hold other connectors' data.
type shapeError string

func (e shapeError) Error() string { return string(e) }

// ElementKey is the connector key of Hootsuite on Open Connectors.
const ElementKey = "hootsuite"

// Configuration keys of a Hootsuite instance, as the platform names them.
const (
	KeyCallbackURL      = "oauth.callback.url"
	KeyAPIKey           = "oauth.api.key"
	KeyAPISecret        = "oauth.api.secret"
	KeyEventsEnabled    = "event.notification.enabled"
	KeyEventCallbackURL = "event.notification.callback.url"
	KeySignatureKey     = "event.notification.signature.key"
)

// OAuthURLRequest asks the platform for the provider's authorization URL
// (the doc's "Getting a redirect URL").
type OAuthURLRequest struct {
	Element     string `json:"-"`      // connector key; empty means hootsuite
	APIKey      string `json:"apiKey"` // Hootsuite REST API client id
	APISecret   string `json:"apiSecret"`
	CallbackURL string `json:"callbackUrl"`
	State       string `json:"state"`
	Scope       string `json:"scope,omitempty"`
}

// OAuthURL is the platform's answer: where to send the user's browser.
type OAuthURL struct {
	Element  string `json:"element"`
	OAuthURL string `json:"oauthUrl"`
}

// CreateInstanceRequest is the body of POST /instances, in the doc's shape.
type CreateInstanceRequest struct {
	Element       ElementRef      `json:"element"`
	ProviderData  ProviderData    `json:"providerData"`
	Configuration HootsuiteConfig `json:"configuration"`
	Tags          []string        `json:"tags,omitempty"`
	Name          string          `json:"name"`
}

// ElementRef names the connector an instance is created for.
type ElementRef struct {
	Key string `json:"key"`
}

// ProviderData carries the grant code from the provider's redirect.
type ProviderData struct {
	Code string `json:"code"`
}

// HootsuiteConfig is the configuration block of the doc's body. A struct,
// not a map, so the JSON keeps the doc's order and a preview reads like it.
type HootsuiteConfig struct {
	CallbackURL      string `json:"oauth.callback.url"`
	APIKey           string `json:"oauth.api.key"`
	APISecret        string `json:"oauth.api.secret"`
	EventsEnabled    bool   `json:"event.notification.enabled"`
	EventCallbackURL string `json:"event.notification.callback.url"`
	// SignatureKey makes the platform sign every event it sends
	// (Elements-Webhook-Signature); empty: events go unsigned.
	SignatureKey string `json:"event.notification.signature.key,omitempty"`
}

// HootsuiteInstance holds what a user supplies to create an instance.
type HootsuiteInstance struct {
	Name             string
	Tags             []string
	Code             string // grant code, single use
	CallbackURL      string // oauth.callback.url: the same URL used for the redirect URL
	ClientID         string
	ClientSecret     string
	EventCallbackURL string // where events go; the doc puts a placeholder here first
	SignatureKey     string // the key events are signed with; empty: unsigned
}

// Request builds the doc's POST /instances body, with events enabled.
func (h HootsuiteInstance) Request() CreateInstanceRequest {
	return CreateInstanceRequest{
		Element:      ElementRef{Key: ElementKey},
		ProviderData: ProviderData{Code: h.Code},
		Configuration: HootsuiteConfig{
			CallbackURL:      h.CallbackURL,
			APIKey:           h.ClientID,
			APISecret:        h.ClientSecret,
			EventsEnabled:    true,
			EventCallbackURL: h.EventCallbackURL,
			SignatureKey:     h.SignatureKey,
		},
		Tags: h.Tags,
		Name: h.Name,
	}
}

// InstancePatch is the body of PATCH /instances[/{id}]. Only the fields set
// are sent: whether the platform merges configuration keys is undocumented,
// so hootwire sends just the key it changes and reads the instance back.
type InstancePatch struct {
	Name          string            `json:"name,omitempty"`
	Tags          []string          `json:"tags,omitempty"`
	Configuration map[string]string `json:"configuration,omitempty"`
}

// EventCallbackPatch sets event.notification.callback.url and nothing else.
func EventCallbackPatch(url string) InstancePatch {
	return InstancePatch{Configuration: map[string]string{KeyEventCallbackURL: url}}
}

// Instance is a connector instance as the platform returns it. Unknown
// fields are ignored.
type Instance struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Token         string        `json:"token"`
	Element       Element       `json:"element"`
	Tags          Tags          `json:"tags"`
	Configuration Configuration `json:"configuration"`
	Valid         bool          `json:"valid"`
	Disabled      bool          `json:"disabled"`
	EventsEnabled bool          `json:"eventsEnabled"`
	CreatedDate   string        `json:"createdDate"`
	UpdatedDate   string        `json:"updatedDate"`
}

// Element is the connector an instance belongs to.
type Element struct {
	ID   int64  `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Tags decodes an instance's tags leniently: current responses send an array
// of strings, an old one sent objects with a name.
type Tags []string

// UnmarshalJSON accepts strings, objects with a "name", or null.
func (t *Tags) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return shapeError("the tags are not a list")
	}
	out := make(Tags, 0, len(raw))
	for _, item := range raw {
		item = bytes.TrimSpace(item)
		switch {
		case len(item) > 0 && item[0] == '"':
			var s string
			if err := json.Unmarshal(item, &s); err != nil {
				return shapeError("a tag is not a valid JSON string")
			}
			out = append(out, s)
		case len(item) > 0 && item[0] == '{':
			var obj struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(item, &obj); err != nil {
				return shapeError("a tag is an object without a string name")
			}
			out = append(out, obj.Name)
		case bytes.Equal(item, []byte("null")):
		default:
			return shapeError("a tag is neither a string, an object nor null")
		}
	}
	*t = out
	return nil
}

// Configuration is an instance's configuration. The platform sends its
// values as strings or null; a null value is left out, and a stray number
// or boolean is kept as its text.
type Configuration map[string]string

// UnmarshalJSON accepts string, null, boolean and number values.
func (c *Configuration) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return shapeError("the configuration is not an object")
	}
	out := make(Configuration, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case bytes.Equal(v, []byte("null")):
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return shapeError("a configuration value is not a valid JSON string")
			}
			out[k] = s
		case bytes.Equal(v, []byte("true")), bytes.Equal(v, []byte("false")):
			out[k] = string(v)
		default:
			// Numbers, and objects or arrays that no current answer has:
			// keep their text rather than fail the whole answer.
			out[k] = string(v)
		}
	}
	*c = out
	return nil
}
