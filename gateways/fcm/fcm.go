// Package fcm sends content-free wakeups to Firebase Cloud Messaging with
// the firebase-admin-go SDK (firebase.google.com/go/v4/messaging) over the
// FCM HTTP v1 API.
//
// One Sender holds one service account and one pool of HTTP/2 connections
// (sendPool: gateways/internal/h2client transports, filled one at a time
// and added as the server's stream limit is reached). A wakeup is a
// data-only message with Android priority high:
//
//	{"message": {"token": ..., "data": {"n": nonce, "id": id},
//	             "android": {"priority": "high", "collapse_key": ..., "ttl": "3600s"}}}
//
// No notification block is ever sent, for Alert wakeups either: the app
// shows whatever it wants after fetching from the mailserver.
//
// # HTTP client and OAuth2
//
// The SDK runs its production code path; only the HTTP client is ours,
// passed with option.WithHTTPClient (which makes the SDK use it as is):
//
//	attemptTransport                records status, Retry-After and error body
//	  -> oauth2.Transport           adds "Authorization: Bearer <access token>"
//	       -> sentTransport         marks that the token step passed
//	            -> sendPool         h2client connections to the endpoint's host
//	                                (http.Transport when a proxy applies)
//
// h2client is there for CPU, as under apns2: x/net/http2's client writes
// every request with a goroutine of its own and flushes it with its own TLS
// record and write syscall, where h2client's senders share writes. The
// http.Transport (HTTP/2, Config.RootCAs, dial timeout, proxies from the
// environment) still carries the token fetches, and the sends as well when
// the environment names a proxy for the endpoint, which h2client does not
// tunnel through.
//
// The oauth2 token source comes from google.CredentialsFromJSONWithType
// (service accounts only), so the real JWT-bearer exchange runs against the
// key's token_uri. Its token fetches use a second http.Client over the same
// base transport, handed over through the oauth2.HTTPClient context value,
// so a fake's token endpoint is trusted through Config.RootCAs too, and
// bounded by Config.Timeout: oauth2 fetches do not see the send's context,
// so a Send that has to wait for a token fetch can take up to twice
// Config.Timeout.
// Tokens are cached and refreshed by oauth2.ReuseTokenSource, which is safe
// for concurrent use.
//
// # Retries
//
// The SDK retries network errors and 503 internally (up to 4 times, 0-4 s
// apart, honouring Retry-After). The node has its own retry policy with
// jitter and budget, so the gateway cuts the SDK's retry short: when an
// attempt fails with a transport error or 5xx, attemptTransport cancels the
// send's context, the SDK's retry wait returns at once, and Send reports the
// first failure with its Retry-After. Every Send is also bounded by
// Config.Timeout: on the pool's connections by the transport
// (h2client.Config.RequestTimeout: a deadline checked on a coarse tick,
// rather than a timer per send, which was 2-3 % of the FCM path's CPU), on
// the proxied http.Transport by a context deadline.
//
// # Metrics
//
// Metrics are left to the caller: every Send result maps onto one
// gateways.Class (gateways.ClassOf), which the server's push workers count.
package fcm

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"

	"github.com/pnmarket/pnmarket/gateways"
)

// Sender sends wakeups with one FCM service account. It is safe for
// concurrent use and satisfies gateways.Sender.
type Sender struct {
	logger  *slog.Logger      // static after construction
	client  *messaging.Client // static after construction; safe for concurrent use
	base    *http.Transport   // static after construction
	pool    *sendPool         // static after construction; nil when sends go through a proxy
	tokens  *tokenTransport   // static after construction; carries OAuth2 token fetches
	timeout time.Duration     // static after construction; each send's context deadline, 0 when the pool's transports bound the sends
	slots   chan struct{}     // semaphore of Config.Concurrency in-flight sends
}

var _ gateways.Sender = (*Sender)(nil)

// New builds a Sender from cfg; a nil logger discards. It does not connect:
// the first Send fetches an access token and dials. ctx is used only while
// building the SDK client; later token refreshes run detached from it.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: cfg.DialTimeout,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
		HTTP2:               &http.HTTP2Config{SendPingTimeout: 15 * time.Second, PingTimeout: 15 * time.Second},
	}
	tokens := &tokenTransport{next: base}
	tokenClient := &http.Client{Transport: tokens, Timeout: cfg.Timeout}
	tokenCtx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, tokenClient)
	creds, err := google.CredentialsFromJSONWithType(tokenCtx, cfg.CredentialsJSON, google.ServiceAccount, Scope)
	if err != nil {
		return nil, fmt.Errorf("fcm credentials: %w", err)
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	var sends http.RoundTripper = base
	pool, err := newSendPool(endpoint, cfg, base, base.Proxy)
	if err != nil {
		return nil, fmt.Errorf("fcm endpoint: %w", err)
	}
	timeout := cfg.Timeout
	if pool != nil {
		sends = pool
		timeout = 0 // the pool's transports bound each request (RequestTimeout)
	}
	hc := &http.Client{Transport: &attemptTransport{next: &oauth2.Transport{
		Source: creds.TokenSource,
		Base:   &sentTransport{next: sends},
	}}}
	client, err := newClient(ctx, cfg.projectID(), cfg.Endpoint, hc)
	if err != nil {
		return nil, err
	}
	s := &Sender{
		logger:  logger.With("component", "fcm", "project", cfg.projectID()),
		client:  client,
		base:    base,
		pool:    pool,
		tokens:  tokens,
		timeout: timeout,
		slots:   make(chan struct{}, cfg.Concurrency),
	}
	s.logger.Info("fcm sender ready", "config", cfg)
	return s, nil
}

// newClient builds the SDK's messaging client on hc.
func newClient(ctx context.Context, projectID, endpoint string, hc *http.Client) (*messaging.Client, error) {
	opts := []option.ClientOption{option.WithHTTPClient(hc)}
	if endpoint != "" {
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: projectID}, opts...)
	if err != nil {
		return nil, fmt.Errorf("fcm app: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("fcm messaging client: %w", err)
	}
	return client, nil
}

// Close closes idle connections. In-flight sends finish; a Send after Close
// dials again.
func (s *Sender) Close() error {
	if s.pool != nil {
		s.pool.CloseIdleConnections()
	}
	s.base.CloseIdleConnections()
	return nil
}

// Send delivers one wakeup. It returns nil when FCM accepted it, otherwise
// an error matching one gateways class: *gateways.RejectedError for replies,
// OAuth2 refusals and local refusals, or a wrapped transport error with
// gateways.ErrRetryable (timeouts, resets) or gateways.ErrAuth (TLS trust).
func (s *Sender) Send(ctx context.Context, n gateways.Notification) error {
	prefix := gateways.TokenPrefix(n.Token)
	msg, err := build(n, time.Now())
	if err != nil {
		return fmt.Errorf("fcm push to %s: %w", prefix, err)
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("fcm push to %s: %w: waiting for a slot: %w", prefix, gateways.ErrRetryable, context.Cause(ctx))
	}
	defer func() { <-s.slots }()
	if err := send(ctx, s.client, msg, s.timeout, s.tokens); err != nil {
		return fmt.Errorf("fcm push to %s: %w", prefix, err)
	}
	return nil
}

// send runs one SDK send under timeout (0: none; the transport bounds the
// request) and classifies the outcome.
func send(ctx context.Context, client *messaging.Client, msg *messaging.Message, timeout time.Duration, tokens *tokenTransport) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	a := &attempt{stop: stop}
	ctx = context.WithValue(ctx, attemptKey{}, a)
	_, err := client.Send(ctx, msg)
	return classify(ctx, err, a, tokens)
}

// build checks n and turns it into a data-only FCM message.
func build(n gateways.Notification, now time.Time) (*messaging.Message, error) {
	switch {
	case !validToken(n.Token):
		return nil, &gateways.RejectedError{Class: gateways.ErrUnregistered, Reason: "invalid registration token"}
	case len(n.Nonce) > gateways.MaxNonceLen:
		return nil, &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: "nonce too long"}
	case len(n.ID) > gateways.MaxIDLen:
		return nil, &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: "id too long"}
	}
	data := make(map[string]string, 2)
	if n.Nonce != "" {
		data["n"] = n.Nonce
	}
	if n.ID != "" {
		data["id"] = n.ID
	}
	android := &messaging.AndroidConfig{Priority: "high", CollapseKey: n.CollapseID}
	if !n.Expiration.IsZero() {
		ttl := min(max(n.Expiration.Sub(now), 0), MaxTTL).Round(time.Second)
		android.TTL = &ttl
	}
	return &messaging.Message{Token: n.Token, Data: data, Android: android}, nil
}

// validToken reports whether token is a plausible registration token: not
// empty, at most MaxTokenLen bytes, printable ASCII without spaces.
func validToken(token string) bool {
	if token == "" || len(token) > MaxTokenLen {
		return false
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}
