package fcm

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSendPoolRouting: requests to the endpoint's host take the pool,
// others (an OAuth2 token endpoint elsewhere) take base, and an endpoint
// reached through a proxy gets no pool at all.
func TestSendPoolRouting(t *testing.T) {
	cfg := DefaultConfig()
	errBase := errors.New("base")
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errBase })
	p, err := newSendPool("https://fcm.test/v1", cfg, base, func(*http.Request) (*url.URL, error) { return nil, nil })
	if err != nil || p == nil {
		t.Fatalf("pool %v, err %v", p, err)
	}
	t.Cleanup(p.CloseIdleConnections)
	if p.host != "fcm.test" || p.max != min(cfg.Concurrency, maxConns) || p.connections() != 1 {
		t.Fatalf("host %q, max %d, connections %d", p.host, p.max, p.connections())
	}
	req, _ := http.NewRequest(http.MethodPost, "https://oauth.test/token", nil)
	if _, err := p.RoundTrip(req); err != errBase {
		t.Errorf("a request for another host: %v, want base's error", err)
	}
	proxied := func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy.test:3128") }
	if p, err := newSendPool("https://fcm.test/v1", cfg, base, proxied); p != nil || err != nil {
		t.Errorf("with a proxy: pool %v, err %v; want neither", p, err)
	}
}
