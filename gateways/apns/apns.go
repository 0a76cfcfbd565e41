// Package apns sends content-free wakeups to Apple Push Notification service
// with github.com/sideshow/apns2.
//
// One Sender holds one app credential (a provider-token key or a client
// certificate) and its HTTP/2 connection pool: Config.Connections apns2
// Clients, each on its own connection. apns2 builds every request and reads
// every reply; underneath, the HTTP/2 transport is
// gateways/internal/h2client rather than x/net/http2's, for CPU (see that
// package and docs/decisions.md). Each connection multiplexes up to the
// server's SETTINGS_MAX_CONCURRENT_STREAMS (1000 at APNs) requests, so a
// pool of one already carries 1000 in-flight sends.
//
// Config.Concurrency caps in-flight requests per Sender, and each
// connection takes an even share of it. A send takes the first connection
// that has a free stream, fewer requests in flight than its share, and has
// not stalled (requests in flight and nothing received for stallAfter), so
// the load fills one connection before it spreads: each write and each
// read then carries as many requests and replies as possible, which is
// where h2client saves its CPU (spreading the peak load over two
// connections cost the node ~12 % more per wakeup; docs/decisions.md). The
// second connection of the default two (500 sends each) is dialled when
// the first has its share in flight or has stalled: a connection that goes
// quiet stops taking new sends after stallAfter, well before the ping
// timeout closes it. An operator who wants the load spread wider sets more
// connections. When no connection qualifies, sends go round robin.
//
// Send flow:
//
//	Notification -> local checks (token hex, sizes, header values)
//	  -> payload {"aps": {...}, "n": nonce}          content-free, <= 4 KiB
//	  -> wait for a concurrency slot (ctx)
//	  -> apns2 PushWithContext under Config.Timeout
//	  -> reply status + reason (+ Retry-After, captured by the transport)
//	  -> nil or an error of one gateways class
//
// A Background wakeup is {"aps":{"content-available":1},"n":...} with
// apns-push-type background and priority 5. An Alert wakeup is
// {"aps":{"alert":{"title":...,"body":...},"mutable-content":1},"n":...}
// with push type alert and priority 10, so the app's notification service
// extension can fetch the real message and replace the generic text.
//
// Provider tokens (ES256 JWTs) are made and refreshed every 50 minutes by
// apns2's token package under its own mutex, so a Sender is safe for
// concurrent use. On 403 ExpiredProviderToken the Sender forces a new token
// for the next send.
//
// Metrics are left to the caller: every Send result maps onto one
// gateways.Class (gateways.ClassOf), which the server's push workers count
// per gateway, with the latency they measure around Send. That keeps one
// owner for the push metrics however many credentials a node loads.
package apns

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/payload"
	"github.com/sideshow/apns2/token"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/internal/h2client"
)

// idleConnTimeout closes a connection that carried no request for this long.
const idleConnTimeout = 5 * time.Minute

// stallAfter is how long a connection with sends in flight may receive
// nothing before new sends go to another connection (h2client's
// Config.StallAfter). APNs answers in tens of milliseconds; a second of
// silence under load means the connection is stuck, and the ping check
// takes PingInterval and its timeout to close it. A variable for tests.
var stallAfter = time.Second

// Sender sends wakeups with one APNs credential. It is safe for concurrent
// use and satisfies gateways.Sender.
type Sender struct {
	logger  *slog.Logger          // static after construction
	clients []*apns2.Client       // static after construction; one per connection, each safe for concurrent use
	conns   []*h2client.Transport // static after construction; clients[i]'s connection
	token   *token.Token          // static after construction; nil with certificate auth; guarded by its own mutex
	topic   string                // static after construction
	slots   chan struct{}         // semaphore of Config.Concurrency in-flight sends
	next    atomic.Uint64         // round-robin index into clients when no connection qualifies
}

var _ gateways.Sender = (*Sender)(nil)

// New builds a Sender from cfg; a nil logger discards. It does not
// connect: the first Send dials.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Sender{
		logger: logger.With("component", "apns", "topic", cfg.Topic),
		topic:  cfg.Topic,
		slots:  make(chan struct{}, cfg.Concurrency),
	}
	tlsConfig := &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	var cert tls.Certificate
	if cfg.tokenAuth() {
		key, err := token.AuthKeyFromBytes(cfg.KeyPEM)
		if err != nil {
			return nil, fmt.Errorf("apns key: %w", err)
		}
		s.token = &token.Token{AuthKey: key, KeyID: cfg.KeyID, TeamID: cfg.TeamID}
		if _, err := s.token.Generate(); err != nil {
			return nil, fmt.Errorf("apns provider token: %w", err)
		}
	} else {
		var err error
		if cert, err = cfg.loadCertificate(); err != nil {
			return nil, fmt.Errorf("apns certificate: %w", err)
		}
		tlsConfig.Certificates = []tls.Certificate{cert}
	}
	host := cfg.Host
	switch {
	case host != "":
		host = strings.TrimSuffix(host, "/")
	case cfg.Production:
		host = apns2.HostProduction
	default:
		host = apns2.HostDevelopment
	}
	addr, err := hostAddr(host)
	if err != nil {
		return nil, err
	}
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: apns2.TCPKeepAlive}, Config: tlsConfig}
	for range cfg.Connections {
		transport, err := h2client.New(h2client.Config{
			Dial:         h2client.DialTLS(addr, dialer),
			PingInterval: cfg.PingInterval,
			IdleTimeout:  idleConnTimeout,
			// Bounds every send, as a context deadline would, without a
			// timer per send.
			RequestTimeout: cfg.Timeout,
			// Unique per wakeup (or per device): literals that never enter
			// the HPACK table, so they do not evict the repeated ones (the
			// provider token, topic, push type).
			NeverIndex:      []string{":path", "apns-id", "apns-expiration", "apns-collapse-id"},
			MaxRequestBody:  MaxPayloadBytes + 1024,
			MaxResponseBody: 64 << 10,
			StallAfter:      stallAfter,
			// Each connection's share of the Sender's in-flight cap: past
			// it, the next connection takes the sends.
			BusyStreams: (cfg.Concurrency + cfg.Connections - 1) / cfg.Connections,
		})
		if err != nil {
			return nil, err
		}
		s.conns = append(s.conns, transport)
		s.clients = append(s.clients, &apns2.Client{
			Host:        host,
			Certificate: cert,
			Token:       s.token,
			// No http.Client.Timeout: the transport bounds every request.
			HTTPClient: &http.Client{Transport: &replyTransport{next: transport}},
		})
	}
	s.logger.Info("apns sender ready", "config", cfg, "host", host)
	return s, nil
}

// Close closes idle connections. In-flight sends finish; a Send after Close
// dials again.
func (s *Sender) Close() error {
	for _, c := range s.clients {
		c.CloseIdleConnections()
	}
	return nil
}

// Send delivers one wakeup. It returns nil when APNs accepted it, otherwise
// an error matching one gateways class: *gateways.RejectedError for replies
// and local refusals, or a wrapped transport error with
// gateways.ErrRetryable (timeouts, resets) or gateways.ErrAuth (TLS trust
// or handshake failures).
func (s *Sender) Send(ctx context.Context, n gateways.Notification) error {
	notif, err := s.build(n)
	if err != nil {
		return fmt.Errorf("apns push to %s: %w", gateways.TokenPrefix(n.Token), err)
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("apns push: %w: waiting for a slot: %w", gateways.ErrRetryable, context.Cause(ctx))
	}
	defer func() { <-s.slots }()
	return s.push(ctx, notif)
}

// push performs the request and classifies its outcome.
func (s *Sender) push(ctx context.Context, notif *apns2.Notification) error {
	// The transport bounds the send by Config.Timeout (h2client's
	// RequestTimeout).
	var rep reply
	ctx = context.WithValue(ctx, replyKey{}, &rep)
	res, err := s.client().PushWithContext(ctx, notif)
	switch {
	case err == nil && res.StatusCode == apns2.StatusSent:
		return nil
	case err == nil:
		if res.Reason == apns2.ReasonExpiredProviderToken {
			s.refreshToken(rep.bearer)
		}
		rerr := classify(res.StatusCode, res.Reason, gateways.ParseRetryAfter(rep.retryAfter, time.Now()))
		rerr.Timestamp = res.Timestamp.Time
		return fmt.Errorf("apns push to %s: %w", gateways.TokenPrefix(notif.DeviceToken), rerr)
	case rep.status == apns2.StatusSent:
		// APNs accepted it; only the (normally empty) body was odd.
		return nil
	case rep.status != 0:
		// A reply whose body apns2 could not decode: classify the status.
		rerr := classify(rep.status, "", gateways.ParseRetryAfter(rep.retryAfter, time.Now()))
		return fmt.Errorf("apns push to %s: %w", gateways.TokenPrefix(notif.DeviceToken), rerr)
	default:
		return transportError(ctx, gateways.TokenPrefix(notif.DeviceToken), err)
	}
}

// client returns the client for the next send: the first whose connection
// would start a stream at once, is under its share of the in-flight cap and
// has not stalled, or, when none is, the next one round robin.
func (s *Sender) client() *apns2.Client {
	for i, t := range s.conns {
		if t.Free() {
			return s.clients[i]
		}
	}
	return s.clients[s.next.Add(1)%uint64(len(s.clients))]
}

// refreshToken makes the next send sign a new provider token, unless
// another send already replaced the rejected one.
func (s *Sender) refreshToken(sent string) {
	if s.token == nil {
		return
	}
	s.token.Lock()
	defer s.token.Unlock()
	if "bearer "+s.token.Bearer == sent {
		s.token.IssuedAt = 0
		s.logger.Debug("apns provider token expired early; forcing a refresh")
	}
}

// build checks n and turns it into an apns2 Notification with a
// content-free payload.
func (s *Sender) build(n gateways.Notification) (*apns2.Notification, error) {
	if !validToken(n.Token) {
		return nil, &gateways.RejectedError{Class: gateways.ErrUnregistered, Reason: apns2.ReasonBadDeviceToken}
	}
	topic := n.Topic
	if topic == "" {
		topic = s.topic
	}
	switch {
	case len(n.Nonce) > gateways.MaxNonceLen:
		return nil, local("nonce too long")
	case len(n.ID) > gateways.MaxIDLen:
		return nil, local("id too long")
	case len(n.CollapseID) > MaxCollapseIDBytes:
		return nil, &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: apns2.ReasonBadCollapseID}
	case !headerSafe(topic) || !headerSafe(n.CollapseID):
		return nil, local("topic or collapse id is not a valid header value")
	}
	notif := &apns2.Notification{
		ApnsID:      apnsID(n.ID),
		CollapseID:  n.CollapseID,
		DeviceToken: n.Token,
		Topic:       topic,
		Expiration:  n.Expiration,
	}
	// body is built directly for a plain background wakeup; otherwise p, the
	// apns2 builder, makes it.
	var body []byte
	var p *payload.Payload
	switch n.PushType {
	case gateways.Background:
		notif.PushType = apns2.PushTypeBackground
		notif.Priority = apns2.PriorityLow
		var ok bool
		if body, ok = backgroundPayload(n.Nonce); !ok {
			p = payload.NewPayload().ContentAvailable()
		}
	case gateways.Alert:
		if n.AlertTitle == "" && n.AlertBody == "" {
			return nil, local("alert without title or body")
		}
		p = payload.NewPayload().MutableContent()
		if n.AlertTitle != "" {
			p.AlertTitle(n.AlertTitle)
		}
		if n.AlertBody != "" {
			p.AlertBody(n.AlertBody)
		}
		notif.PushType = apns2.PushTypeAlert
		notif.Priority = apns2.PriorityHigh
	default:
		return nil, local("unknown push type")
	}
	if p != nil {
		if n.Nonce != "" {
			p.Custom("n", n.Nonce)
		}
		var err error
		if body, err = p.MarshalJSON(); err != nil {
			return nil, local("payload: " + err.Error())
		}
	}
	if len(body) > MaxPayloadBytes {
		return nil, &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: apns2.ReasonPayloadTooLarge}
	}
	notif.Payload = body
	return notif, nil
}

// backgroundPayload builds the body of a content-free background wakeup,
// {"aps":{"content-available":1},"n":nonce}, byte for byte as apns2's
// payload builder does (TestBackgroundPayload) but without its map and
// reflection: it is built for every wakeup. ok is false for a nonce that
// needs JSON escaping; the builder handles those.
func backgroundPayload(nonce string) (body []byte, ok bool) {
	for i := 0; i < len(nonce); i++ {
		if c := nonce[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return nil, false
		}
	}
	body = make([]byte, 0, 40+len(nonce))
	body = append(body, `{"aps":{"content-available":1}`...)
	if nonce != "" {
		body = append(body, `,"n":"`...)
		body = append(body, nonce...)
		body = append(body, '"')
	}
	return append(body, '}'), true
}

// local is a refusal decided before sending.
func local(reason string) *gateways.RejectedError {
	return &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: reason}
}

// validToken reports whether token is a plausible APNs device token: hex
// digits only (it becomes part of the URL path), 1 to MaxTokenLen of them.
func validToken(token string) bool {
	if token == "" || len(token) > MaxTokenLen {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// headerSafe reports whether v can be sent as an HTTP header value.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// apnsID returns id when it is a canonical UUID, "" when id is empty (APNs
// then assigns one), and otherwise a UUID (version 8) derived from
// SHA-256(id), so every retry of one wakeup carries the same apns-id.
func apnsID(id string) string {
	if id == "" {
		return ""
	}
	if ok, upper := uuidForm(id); ok {
		if upper {
			return strings.ToLower(id)
		}
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return gateways.FormatUUID([16]byte(sum[:16]), 8)
}

// hostAddr turns the APNs base URL into the "host:port" to dial.
func hostAddr(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("apns host %q: want an https URL", base)
	}
	return h2client.Addr(u), nil
}

// uuidForm reports whether s has the canonical 8-4-4-4-12 hex form, and
// whether it has upper-case digits.
func uuidForm(s string) (ok, upper bool) {
	if len(s) != 36 {
		return false, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false, false
			}
		default:
			switch {
			case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
			case 'A' <= c && c <= 'F':
				upper = true
			default:
				return false, false
			}
		}
	}
	return true, upper
}
