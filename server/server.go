// Package server is the pnode: the HTTP and websocket API, sessions, auth,
// rate limits and dispatch to the message store.
//
// Request flow: Handler -> handleWS (upgrade) -> newSession -> session.run,
// which owns the read loop; session.writeLoop owns every data write. The read loop
// decodes a wire frame, checks auth and limits, and dispatches with a switch
// on the method; every handler returns (result, error) and toWire maps the
// error to a stable code at one boundary.
//
// Shutdown (Run returns when ctx is done): stop accepting connections, send
// pn_reconnect to every session and close them spread over the lame-duck
// window, wait for all session goroutines, then return. The caller closes the
// store afterwards, so every acknowledged write is already durable.
package server

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

// history is what the server needs of the message store.
type history interface {
	Put(ctx context.Context, envs ...mailstore.Envelope) (int, error)
	Query(ctx context.Context, q mailstore.Query) (mailstore.Page, error)
}

// Deps are the server's collaborators, built and owned by the caller.
type Deps struct {
	// NodeKey is the node's secp256k1 identity.
	NodeKey *ecdsa.PrivateKey
	// Store holds envelopes. Required.
	Store history
	// Logger receives the server's logs. Required.
	Logger *slog.Logger
	// Registry receives the server's metrics and is served on /metrics; nil
	// means a private registry.
	Registry *prometheus.Registry
	// Now is the logical clock (timestamp skew, rate limits, node info);
	// nil means time.Now. Socket deadlines always use the real clock.
	Now func() time.Time
	// Ready reports extra readiness conditions for /readyz; nil means ready.
	Ready func() error
	// Push is the push relay (*push.Service); nil disables the pn_ push
	// methods, the wake endpoint and the relay endpoint.
	Push pusher
	// DevHandler, when set, is served under /v1/dev/ (pnode dev only).
	DevHandler http.Handler
	// Providers is the market's provider listing (*market.RegistryCache);
	// nil disables pn_providers and GET /v1/providers.
	Providers providerLister
	// Ledger is this provider's credit ledger (*market.Ledger); nil
	// disables pn_credit and pn_submitVoucher, and nothing is metered.
	Ledger ledger
}

// Server is one pnode's API surface.
type Server struct {
	cfg       Config            // static after construction
	log       *slog.Logger      // static after construction
	key       *ecdsa.PrivateKey // static after construction
	nodeKey   []byte            // compressed public key; static after construction
	store     history           // static after construction
	push      pusher            // static after construction; nil without push
	dev       http.Handler      // static after construction; nil outside dev mode
	providers providerLister    // static after construction; nil without a market
	ledger    ledger            // static after construction; nil without a market
	now       func() time.Time  // static after construction
	ready     func() error      // static after construction
	metrics   *metrics          // static after construction
	gather    prometheus.Gatherer
	hub       *hub
	limits    *limiter
	work      *workers
	up        websocket.Upgrader // static after construction

	lifetime context.Context // cancelled when shutdown begins; parent of every session ctx
	stop     context.CancelFunc

	closing  atomic.Bool
	sessions sync.WaitGroup // every session goroutine
	nextID   atomic.Uint64

	mu     sync.Mutex
	conns  map[*session]struct{}  // guarded by mu
	perIP  map[string]int         // guarded by mu
	online map[common.Address]int // authenticated sessions per address; guarded by mu
}

// New builds a server. It starts no goroutines; Run or Handler does.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("server config: %w", err)
	}
	if deps.NodeKey == nil || deps.Store == nil || deps.Logger == nil {
		return nil, errors.New("server: NodeKey, Store and Logger are required")
	}
	reg := deps.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:       cfg,
		log:       deps.Logger.With("component", "server"),
		key:       deps.NodeKey,
		nodeKey:   crypto.CompressPubkey(&deps.NodeKey.PublicKey),
		store:     deps.Store,
		push:      deps.Push,
		dev:       deps.DevHandler,
		providers: deps.Providers,
		ledger:    deps.Ledger,
		now:       now,
		ready:     deps.Ready,
		gather:    reg,
		hub:       newHub(),
		work:      newWorkers(ctx),
		lifetime:  ctx,
		stop:      cancel,
		conns:     make(map[*session]struct{}),
		perIP:     make(map[string]int),
		online:    make(map[common.Address]int),
	}
	var err error
	if s.metrics, err = newMetrics(reg); err != nil {
		cancel()
		return nil, err
	}
	if s.ledger != nil {
		s.ledger.Watch(s.creditNotice)
	}
	s.limits = newLimiter(cfg, now)
	s.up = websocket.Upgrader{
		HandshakeTimeout: cfg.AuthTimeout,
		// Idle connections hold no write buffer: it comes from the pool per
		// write. ReadBufferSize 0 makes the library read through the
		// hijacker's small buffer, which the session inspects.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     func(*http.Request) bool { return true }, // auth is by signature, not cookies
	}
	return s, nil
}

// NodeKey returns the node's compressed public key.
func (s *Server) NodeKey() []byte { return s.nodeKey }

// Run serves on ln until ctx is cancelled, then shuts down in order and
// returns. The returned error is nil after a clean shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	// The wake fast path serves plain POST /v1/wake/{token} requests in
	// front of net/http and hands it every other connection (wakefront.go).
	var front *wakeFront
	if s.push != nil {
		front = newWakeFront(s, ln)
		ln = front
	}
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return s.lifetime },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	pingDone := make(chan struct{})
	go func() { defer close(pingDone); s.pingLoop() }()
	defer func() { s.stop(); <-pingDone }()
	select {
	case err := <-errc:
		s.stop()
		front.abort()
		return fmt.Errorf("http serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "sessions", s.sessionCount())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	// Stop accepting; hijacked websocket conns are not tracked by http.Server.
	_ = hs.Shutdown(sctx)
	<-errc
	// hs.Shutdown closed the fast path's listener and its idle connections;
	// wait for the requests it still serves.
	front.shutdown(sctx)
	return s.Shutdown(sctx)
}

// Shutdown enters lame-duck mode: it tells every session to reconnect, closes
// them spread over the lame-duck window and waits for their goroutines. It is
// called by Run; call it directly only when serving Handler yourself.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.closing.CompareAndSwap(false, true) {
		return nil
	}
	s.mu.Lock()
	list := make([]*session, 0, len(s.conns))
	for c := range s.conns {
		list = append(list, c)
	}
	s.mu.Unlock()
	step := time.Duration(0)
	if n := len(list); n > 1 && s.cfg.LameDuckDuration > 0 {
		step = s.cfg.LameDuckDuration / time.Duration(n)
	}
	for i, c := range list {
		c.goAway("node shutting down", s.cfg.LameDuckDuration-time.Duration(i)*step+DefaultReconnectAfter)
		if step > 0 {
			select {
			case <-time.After(step):
			case <-ctx.Done():
				step = 0
			}
		}
	}
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.stop() // hard-close whatever is left
		<-done
	}
	s.stop()
	return nil
}

func (s *Server) sessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// addSession registers a session and enforces the per-IP connection cap.
func (s *Server) addSession(c *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return errCode(CodeShuttingDown)
	}
	if s.perIP[c.ip] >= s.cfg.MaxConnsPerIP {
		return errf(CodeRateLimited, "too many connections from this address")
	}
	s.perIP[c.ip]++
	s.conns[c] = struct{}{}
	s.sessions.Add(1)
	s.metrics.sessions.Inc()
	return nil
}

func (s *Server) removeSession(c *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; !ok {
		return
	}
	delete(s.conns, c)
	if s.perIP[c.ip]--; s.perIP[c.ip] <= 0 {
		delete(s.perIP, c.ip)
	}
	if c.authed.Load() {
		s.setOnlineLocked(c.addr, -1)
	}
	s.metrics.sessions.Dec()
}

// pingLoop pings every idle session each PingInterval until shutdown. One
// loop for all sessions keeps idle sessions free of timers and goroutines.
func (s *Server) pingLoop() {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.lifetime.Done():
			return
		}
		s.mu.Lock()
		list := make([]*session, 0, len(s.conns))
		for c := range s.conns {
			list = append(list, c)
		}
		s.mu.Unlock()
		for _, c := range list {
			c.ping()
		}
	}
}
