package fcm

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pnmarket/pnmarket/gateways/internal/h2client"
)

// maxConns caps a pool's connections. A connection is added only when
// every one has all the streams its server allows in use, so the pool
// grows to Config.Concurrency over the server's stream limit (10 at
// Google's 100 streams and the default concurrency), never past this.
const maxConns = 64

// idleConnTimeout closes a pool connection unused for this long; the
// transport dials again on the next send.
const idleConnTimeout = 90 * time.Second

// stallAfter is how long a pool connection with sends in flight may receive
// nothing before new sends skip it (h2client's Config.StallAfter), as if it
// were full: they go to another connection, one added if need be. FCM
// answers in tens to hundreds of milliseconds; the ping check takes its
// interval and timeout to close a stuck connection. A variable for tests.
var stallAfter = time.Second

// sendPool carries the sends to the FCM endpoint's host over
// gateways/internal/h2client connections, and any other request over base.
// It fills its first connection before it uses the next: a send goes to the
// first transport with a free stream that has not stalled, and a new
// transport (connection) is added only when every one is full or stalled,
// up to max. Filling one connection
// first keeps each write carrying many requests (the CPU saving of
// h2client); spilling over keeps the in-flight sends of a slow round trip
// from queueing behind one connection's stream limit. A connection left
// idle closes after idleConnTimeout and is dialled again when needed.
type sendPool struct {
	host string            // static; the endpoint's host[:port], as in request URLs
	base http.RoundTripper // static; requests for other hosts
	max  int               // static; the most connections
	cfg  h2client.Config   // static; for each new transport

	ts   atomic.Pointer[[]*h2client.Transport] // copy on write, under mu
	mu   sync.Mutex
	next atomic.Uint32 // round robin once every connection is full
}

// newSendPool returns the pool for endpoint (an https URL), or nil when
// proxy (base's Proxy; nil: none) sends requests to it through a proxy,
// which h2client does not tunnel: then base carries the sends too.
func newSendPool(endpoint string, cfg Config, base http.RoundTripper, proxy func(*http.Request) (*url.URL, error)) (*sendPool, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	if proxy != nil {
		if pu, err := proxy(&http.Request{URL: u}); err != nil || pu != nil {
			return nil, err
		}
	}
	dialer := &tls.Dialer{
		NetDialer: &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second},
		Config:    &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
	}
	p := &sendPool{
		host: u.Host,
		base: base,
		max:  min(cfg.Concurrency, maxConns),
		cfg: h2client.Config{
			Dial:        h2client.DialTLS(h2client.Addr(u), dialer),
			IdleTimeout: idleConnTimeout,
			// Bounds every send (Config.Timeout), as a context deadline
			// would, without a timer per send.
			RequestTimeout: cfg.Timeout,
			StallAfter:     stallAfter,
			// The token is in the body; the path, the bearer token and the
			// SDK's headers repeat, so every field may be indexed.
		},
	}
	t, err := h2client.New(p.cfg)
	if err != nil {
		return nil, err
	}
	p.ts.Store(&[]*h2client.Transport{t})
	return p, nil
}

// RoundTrip implements http.RoundTripper.
func (p *sendPool) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != p.host {
		return p.base.RoundTrip(req)
	}
	return p.pick().RoundTrip(req)
}

// pick returns the transport for the next send.
func (p *sendPool) pick() *h2client.Transport {
	ts := *p.ts.Load()
	for _, t := range ts {
		if t.Free() {
			return t
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ts = *p.ts.Load()
	if t := ts[len(ts)-1]; t.Free() { // added while this send waited for mu
		return t
	}
	if len(ts) >= p.max {
		return ts[int(p.next.Add(1))%len(ts)]
	}
	t, err := h2client.New(p.cfg)
	if err != nil { // cannot happen: the first one was made from cfg
		return ts[0]
	}
	grown := append(append(make([]*h2client.Transport, 0, len(ts)+1), ts...), t)
	p.ts.Store(&grown)
	return t
}

// connections is the number of transports in the pool.
func (p *sendPool) connections() int { return len(*p.ts.Load()) }

// CloseIdleConnections closes every connection no send is using.
func (p *sendPool) CloseIdleConnections() {
	for _, t := range *p.ts.Load() {
		t.CloseIdleConnections()
	}
	if c, ok := p.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
