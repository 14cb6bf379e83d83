// Package sandbox is a faithful, offline stand-in for the two remote parties
// hootwire talks to: the SAP Open Connectors platform API (under APIPath) and
// Hootsuite's OAuth consent page and app settings page. It runs on loopback
// with demo credentials, so the wizard can be tried, demonstrated and tested
// with no account and no network.
//
// It enforces what the real services enforce (the Authorization header, the
// demo secrets, state length, redirect URIs, single-use grant codes that
// expire, the request body shape, masked secrets in responses, the error JSON
// shape) and it can inject faults (error statuses, delays, dropped
// connections, malformed JSON) to demonstrate and test recovery.
//
// Routes:
//
//	{APIPath}/elements/{key}/oauth/url        GET, POST   redirect URL (Op "oauth-url")
//	{APIPath}/instances                       GET         list, filtered by repeated tags[] (Op "list-instances")
//	{APIPath}/instances                       POST        create (Op "create-instance")
//	{APIPath}/instances                       PATCH       patch the instance of the Element token (Op "patch-instance")
//	{APIPath}/instances/{id}                  GET, PATCH, DELETE
//	{APIPath}/events/hootsuite/{base64 id}    POST        webhook receiver, no auth (Op "events"); delivers to the event callback URL
//	/hootsuite/oauth2/auth                    GET         Hootsuite's consent page
//	/hootsuite/oauth2/consent                 POST        the consent page's Allow / Deny
//	/hootsuite/app                            GET, POST   Hootsuite's app settings page (Webhook URL)
//	/hootsuite/app/ping                       POST        "Send ping webhook"
//	/hootsuite/app/message                    POST        "Send a message event"
//	/hootsuite/app/comment                    POST        "Send a comment event"
//	/_sandbox/faults                          POST, DELETE  inject (Fault as JSON) or clear faults
//	/_sandbox/instances                       GET         the instances, tokens included
//	/_sandbox/deliveries                      GET         every delivery to an event callback URL, with its attempts
//	/_sandbox/auto-approve?on=true|false      POST        approve consent without showing the page
//
// Delivery: a webhook that reaches the events endpoint of an instance with
// events enabled, whose event.notification.callback.url is an http(s) URL
// other than the platform's events endpoint or the instance's own webhook
// URL, is answered 200 at once and posted on in the background, as Open
// Connectors does, with Elements-Webhook-Id and (when the instance has an
// event.notification.signature.key) Elements-Webhook-Signature headers and
// the body {"message":{"eventId","elementKey","instanceId","instanceName",
// "events":[{"eventType","objectType","objectId","date"}],"raw"}}. A failed
// attempt (a network error or a status other than 2xx) is tried again
// after each of DeliveryWaits. Deliveries and GET /_sandbox/deliveries show
// every attempt.
//
// The admin endpoint POST /_sandbox/faults takes a Fault as JSON, e.g.
// {"op":"create-instance","times":1,"status":503,"retryAfter":"2"}; its
// "delay" is a Go duration string ("2s", "150ms") or a number of nanoseconds
// (what encoding/json makes of a Fault). Unknown fields are refused, so a typo
// does not silently inject nothing.
package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	"hootwire/internal/redact"
)

const (
	// APIPath is where the platform API lives on the sandbox's host, as on the real hosts.
	APIPath = "/elements/api-v2"
	// ElementKey is the connector key of Hootsuite, the only element the sandbox knows.
	ElementKey = "hootsuite"
	// DemoUserSecret is the only User secret the sandbox accepts. Like real
	// secrets it contains / + = on purpose, so clients prove they send it verbatim.
	DemoUserSecret = "demoUser/c2FuZGJveC11c2Vy+k1="
	// DemoOrgSecret is the only Organization secret the sandbox accepts.
	DemoOrgSecret = "demoOrg/c2FuZGJveC1vcmc+k2=="
	// DemoClientID is the REST API client id of the sandbox's Hootsuite app.
	DemoClientID = "sandbox-hootsuite-client-id"
	// DemoClientSecret is the REST API client secret of the sandbox's Hootsuite app.
	DemoClientSecret = "demoClient/c2VjcmV0+k3="
	// CodeLifetime is how long a grant code can be exchanged after it was issued.
	CodeLifetime = 10 * time.Minute
)

// firstInstanceID is where the id sequence starts: the reference's worked
// example (427236 -> NDI3MjM2), so screens and docs line up.
const firstInstanceID = 427236

// appName is the name of the sandbox's Hootsuite app, shown on its pages.
const appName = "hootwire sandbox app"

// maxBodyBytes bounds every request body the sandbox reads.
const maxBodyBytes = 1 << 20

// Options configures a Sandbox.
type Options struct {
	Now         func() time.Time // clock for code expiry and dates; nil means time.Now
	AutoApprove bool             // the consent page approves at once (302 to the callback with a code) instead of showing Allow/Deny
	HTTPClient  *http.Client     // used by the app page's buttons and SendWebhook; nil means a client with a 10s timeout

	// DeliveryClient posts deliveries to event callback URLs; nil means the
	// sandbox's own: no proxy for loopback targets, DeliveryTimeout per
	// attempt, no redirect followed.
	DeliveryClient *http.Client
	// DeliveryWait waits between two attempts of a delivery (d is one of
	// DeliveryWaits) and returns ctx.Err() if ctx is done first; nil means a
	// timer. Tests inject one to run retries without waiting.
	DeliveryWait func(ctx context.Context, d time.Duration) error
	// Log receives one line per request answered and per delivery attempt,
	// with no secret in it (see log.go); nil means no log.
	Log io.Writer
}

// Sandbox is the stand-in for Open Connectors and Hootsuite. It implements
// http.Handler; all its state is behind one mutex, so it is safe for
// concurrent use.
type Sandbox struct {
	now      func() time.Time
	client   *http.Client
	delivery *http.Client
	wait     func(context.Context, time.Duration) error
	waits    []time.Duration
	csrf     *http.CrossOriginProtection
	pages    pages

	// life ends with Stop: deliveries and SendWebhook run under it.
	life     context.Context
	stopLife context.CancelFunc
	running  sync.WaitGroup // deliveries under way; Add under mu while !stopped

	logw     io.Writer
	logMu    sync.Mutex
	redactor *redact.Redactor

	mu          sync.Mutex
	autoApprove bool
	nextID      int64
	instances   map[int64]*instance
	byToken     map[string]int64
	codes       map[string]grant
	faults      []*activeFault
	webhookURL  string
	stopped     bool
	deliveries  []*Delivery // oldest first, at most maxDeliveries
	seqNo       int         // the last seq_no the app sent
	lastPing    *Attempt
	lastSent    *SentWebhook

	// Time spent answering the platform and Hootsuite routes: the floor
	// under any client's own time (GET /_sandbox/stats).
	served       int64
	servingNanos int64
}

// instance is the stored state of one connector instance.
type instance struct {
	id             int64
	token          string
	name           string
	tags           []string
	config         map[string]*string // nil value: JSON null
	eventsEnabled  bool
	created        time.Time
	updated        time.Time
	patches        int
	eventsReceived int
}

// grant is what a grant code was issued for.
type grant struct {
	clientID    string
	redirectURI string
	issued      time.Time
}

// New returns a Sandbox with no instances.
func New(opts Options) *Sandbox {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	client := opts.HTTPClient
	if client == nil {
		// No keep-alives: a ping is rare, and idle connections would outlive the sandbox.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		client = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	}
	delivery := opts.DeliveryClient
	if delivery == nil {
		delivery = newDeliveryClient()
	}
	wait := opts.DeliveryWait
	if wait == nil {
		wait = waitTimer
	}
	life, stop := context.WithCancel(context.Background())
	return &Sandbox{
		now:         now,
		client:      client,
		delivery:    delivery,
		wait:        wait,
		waits:       DeliveryWaits(),
		life:        life,
		stopLife:    stop,
		logw:        opts.Log,
		redactor:    newRedactor(),
		csrf:        http.NewCrossOriginProtection(),
		pages:       parsePages(),
		autoApprove: opts.AutoApprove,
		nextID:      firstInstanceID,
		instances:   make(map[int64]*instance),
		byToken:     make(map[string]int64),
		codes:       make(map[string]grant),
	}
}

// SetAutoApprove turns automatic consent on or off.
func (s *Sandbox) SetAutoApprove(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoApprove = on
}

// WebhookURL returns the Webhook URL last saved on the Hootsuite app
// settings page ("" if none), so tests can check what a user saved.
func (s *Sandbox) WebhookURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL
}

// Instance is a snapshot of a connector instance, for tests and for the CLI.
type Instance struct {
	ID             int64             `json:"id"`
	Token          string            `json:"token"`
	Name           string            `json:"name"`
	Tags           []string          `json:"tags"`
	Config         map[string]string `json:"configuration"` // raw stored values (not masked); keys whose value is null are left out
	EventsEnabled  bool              `json:"eventsEnabled"`
	Created        time.Time         `json:"createdDate"`
	Updated        time.Time         `json:"updatedDate"`
	Patches        int               `json:"patches"`        // how many PATCHes were applied
	EventsReceived int               `json:"eventsReceived"` // POSTs to /events/hootsuite/{b64 id} accepted
}

// Instances returns a snapshot of every instance, sorted by ID.
func (s *Sandbox) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.instances))
	for _, in := range s.instances {
		out = append(out, in.snapshot())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (in *instance) snapshot() Instance {
	cfg := make(map[string]string, len(in.config))
	for k, v := range in.config {
		if v != nil {
			cfg[k] = *v
		}
	}
	return Instance{
		ID:             in.id,
		Token:          in.token,
		Name:           in.name,
		Tags:           append([]string{}, in.tags...),
		Config:         cfg,
		EventsEnabled:  in.eventsEnabled,
		Created:        in.created,
		Updated:        in.updated,
		Patches:        in.patches,
		EventsReceived: in.eventsReceived,
	}
}

// ServeHTTP routes a request to the platform API, the Hootsuite pages or the
// admin endpoints.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.logw != nil {
		sw := &statusWriter{ResponseWriter: w}
		defer s.logRequest(r, sw)
		w = sw
	}
	p := r.URL.Path
	switch {
	case p == APIPath || hasPathPrefix(p, APIPath):
		defer s.count(time.Now())
		s.servePlatform(w, r)
	case hasPathPrefix(p, "/hootsuite"):
		defer s.count(time.Now())
		s.serveHootsuite(w, r)
	case hasPathPrefix(p, "/_sandbox"):
		s.serveAdmin(w, r)
	case p == "/":
		s.serveIndex(w, r)
	default:
		writeError(w, http.StatusNotFound, "No resource found at "+p+". The platform API is under "+APIPath+".", "")
	}
}

func (s *Sandbox) count(start time.Time) {
	d := time.Since(start)
	s.mu.Lock()
	s.served++
	s.servingNanos += int64(d)
	s.mu.Unlock()
}

// Stats is how much the sandbox has answered, and how long that took it.
type Stats struct {
	Requests     int64 `json:"requests"`
	ServingNanos int64 `json:"servingNanos"`
}

// Stats reports the requests answered so far and the time spent on them.
func (s *Sandbox) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Requests: s.served, ServingNanos: s.servingNanos}
}

// hasPathPrefix reports whether p is prefix itself or below it.
func hasPathPrefix(p, prefix string) bool {
	return p == prefix || len(p) > len(prefix) && p[:len(prefix)] == prefix && p[len(prefix)] == '/'
}

// rootURL is the scheme and host the request was sent to, e.g. http://127.0.0.1:41234.
func rootURL(r *http.Request) *url.URL {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: r.Host}
}
