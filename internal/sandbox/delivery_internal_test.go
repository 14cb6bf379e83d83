package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func TestDeliveryClientHasItsOwnRules(t *testing.T) {
	c := New(Options{}).delivery
	if c == http.DefaultClient || c.Timeout != DeliveryTimeout || DeliveryTimeout.Seconds() != 10 {
		t.Errorf("delivery client timeout = %v, want its own client with 10s", c.Timeout)
	}
	if c.CheckRedirect == nil || !errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
		t.Error("the delivery client follows redirects")
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok || !tr.DisableKeepAlives || tr.Proxy == nil || tr == http.DefaultTransport {
		t.Fatalf("delivery transport = %#v, want its own, without keep-alives, with a proxy rule", c.Transport)
	}
	for _, target := range []string{"http://127.0.0.1:4669/events", "http://localhost:4669/x", "http://[::1]:80/", "http://app.localhost/"} {
		req, _ := http.NewRequest("POST", target, nil)
		if p, err := tr.Proxy(req); p != nil || err != nil {
			t.Errorf("%s goes through proxy %v (%v)", target, p, err)
		}
	}

	proxy, _ := url.Parse("http://proxy.example:3128")
	rule := proxyExceptLoopback(func(*http.Request) (*url.URL, error) { return proxy, nil })
	for target, want := range map[string]*url.URL{
		"http://127.0.0.1:4669/events":    nil,
		"http://127.8.9.10/events":        nil,
		"http://LOCALHOST:1/x":            nil,
		"https://[::1]:8443/x":            nil,
		"https://receiver.example/events": proxy,
		"http://10.0.0.1/events":          proxy,
	} {
		req, _ := http.NewRequest("POST", target, nil)
		if got, _ := rule(req); got != want {
			t.Errorf("proxy for %s = %v, want %v", target, got, want)
		}
	}
}

func TestDeliveryWaitsGrow(t *testing.T) {
	waits := DeliveryWaits()
	if len(waits) != 3 {
		t.Fatalf("DeliveryWaits() = %v, want 3 retries", waits)
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1] {
			t.Errorf("DeliveryWaits() = %v, want them growing", waits)
		}
	}
}
