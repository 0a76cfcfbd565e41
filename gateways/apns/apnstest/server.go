// Package apnstest runs a fake APNs provider API on a local TLS listener.
//
// The fake speaks the real protocol: HTTP/2 over TLS, POST
// /3/device/{token}, the apns-* request headers, provider-token (ES256 JWT)
// or client-certificate authentication, and APNs replies: 200 with an
// apns-id header, or a JSON {"reason": ...} body (410 adds "timestamp").
// The real apns2 client and gateways/apns talk to it unchanged; only the
// host and the trusted root CAs differ.
//
// Requests are checked in this order:
//
//	ResetNext       close the TCP connection (every stream on it fails)
//	SetLatency      wait before answering
//	FailNext        queued status/reason/Retry-After replies
//	request         method, :path, apns-id, topic, push type, priority,
//	                expiration, collapse id (400/404/405 with APNs reasons)
//	authentication  client certificate if presented, else bearer token
//	device token    format (400 BadDeviceToken), then FailToken faults
//	payload         non-empty, <= MaxPayload, JSON with an aps dictionary
//	                consistent with apns-push-type
//
// Everything on the request path is lock-free or holds a lock briefly and
// nothing is logged per request, so the fake sustains tens of thousands of
// requests per second on loopback. Deliveries keeps only the most recent
// Options.KeepDeliveries records; Stats and Count are running totals.
//
// A Server is safe for concurrent use. It is meant for tests, benchmarks and
// the node's dev mode; it never talks to Apple.
package apnstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sideshow/apns2"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/internal/fakes"
)

// Defaults for Options.
const (
	// DefaultMaxConcurrentStreams is the SETTINGS_MAX_CONCURRENT_STREAMS the
	// fake advertises, the value APNs uses.
	DefaultMaxConcurrentStreams = 1000
	// DefaultKeepDeliveries is how many deliveries are kept in full.
	DefaultKeepDeliveries = 1024
	// DefaultMaxPayload is the APNs payload limit for non-VoIP pushes.
	DefaultMaxPayload = 4096
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// Logger receives lifecycle and HTTP server errors; nil discards them.
	Logger *slog.Logger
	// Keys are the provider keys whose tokens the fake accepts.
	Keys []ProviderKey
	// ClientCerts are the client certificates the fake accepts.
	ClientCerts []*x509.Certificate
	// Topics, when non-empty, lists the accepted apns-topic values; others
	// get 400 TopicDisallowed.
	Topics []string
	// ValidToken reports whether a device token is well formed; nil accepts
	// exactly 64 hexadecimal digits. Others get 400 BadDeviceToken.
	ValidToken func(token string) bool
	// MaxConcurrentStreams defaults to DefaultMaxConcurrentStreams.
	MaxConcurrentStreams uint32
	// KeepDeliveries defaults to DefaultKeepDeliveries.
	KeepDeliveries int
	// MaxPayload defaults to DefaultMaxPayload.
	MaxPayload int
}

// Server is a running fake APNs.
type Server struct {
	srv        *httptest.Server // static after construction
	logger     *slog.Logger     // static after construction
	validToken func(string) bool
	topics     map[string]bool // static after construction
	maxPayload int             // static after construction
	auth       *verifier
	log        *fakes.Log[Delivery]
	faults     fakes.Queue[Fault]
	tokens     fakes.PerToken[Fault]
	resets     fakes.Countdown
	holds      fakes.Hold
	latency    atomic.Int64 // time.Duration
	bufs       sync.Pool    // *[]byte of maxPayload+1

	requests, rejected, resetCount atomic.Int64
}

// NewServer starts a fake APNs. Close it when done.
func NewServer(opts Options) (*Server, error) {
	s := &Server{
		logger:     opts.Logger,
		validToken: opts.ValidToken,
		topics:     make(map[string]bool),
		maxPayload: opts.MaxPayload,
		auth:       newVerifier(),
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.logger = s.logger.With("component", "apnstest")
	if s.validToken == nil {
		s.validToken = isHex64
	}
	if s.maxPayload <= 0 {
		s.maxPayload = DefaultMaxPayload
	}
	keep := opts.KeepDeliveries
	if keep <= 0 {
		keep = DefaultKeepDeliveries
	}
	s.log = fakes.NewLog[Delivery](keep)
	streams := opts.MaxConcurrentStreams
	if streams == 0 {
		streams = DefaultMaxConcurrentStreams
	}
	for _, t := range opts.Topics {
		s.topics[t] = true
	}
	for _, k := range opts.Keys {
		s.auth.addKey(k)
	}
	for _, c := range opts.ClientCerts {
		s.auth.addCert(c)
	}
	s.bufs.New = func() any { b := make([]byte, s.maxPayload+1); return &b }

	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if opts.Addr != "" {
		ln, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return nil, fmt.Errorf("apnstest: %w", err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: int(streams)}
	srv.Config.ErrorLog = slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug)
	srv.Config.ConnContext = fakes.ConnContext
	srv.StartTLS()
	s.srv = srv
	s.logger.Info("fake APNs listening", "addr", srv.Listener.Addr().String())
	return s, nil
}

// URL returns the base URL ("https://127.0.0.1:port") to use as the APNs host.
func (s *Server) URL() string { return s.srv.URL }

// CertPool returns a pool trusting the fake's TLS certificate.
func (s *Server) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.srv.Certificate())
	return p
}

// Close shuts the fake down, waiting for in-flight requests.
func (s *Server) Close() {
	s.srv.Close()
	s.logger.Info("fake APNs closed")
}

// AddKey makes the fake accept provider tokens signed with k.
func (s *Server) AddKey(k ProviderKey) { s.auth.addKey(k) }

// AddClientCert makes the fake accept connections authenticated with c.
func (s *Server) AddClientCert(c *x509.Certificate) { s.auth.addCert(c) }

// FailToken makes every request for token fail with f until ClearToken.
func (s *Server) FailToken(token string, f Fault) { s.tokens.Set(token, &f) }

// ClearToken removes a FailToken fault.
func (s *Server) ClearToken(token string) { s.tokens.Set(token, nil) }

// Unregister makes token answer 410 Unregistered with a timestamp, as APNs
// does for an uninstalled app.
func (s *Server) Unregister(token string) {
	s.FailToken(token, Fault{Status: http.StatusGone, Reason: apns2.ReasonUnregistered})
}

// MarkBadDeviceToken makes token answer 400 BadDeviceToken.
func (s *Server) MarkBadDeviceToken(token string) {
	s.FailToken(token, Fault{Status: http.StatusBadRequest, Reason: apns2.ReasonBadDeviceToken})
}

// FailNext makes the next n requests fail with f. Calls queue up in order.
func (s *Server) FailNext(n int, f Fault) { s.faults.Add(n, f) }

// ResetNext makes the next n requests close their TCP connection instead of
// answering. Every stream in flight on that connection fails too.
func (s *Server) ResetNext(n int) { s.resets.Add(n) }

// HoldNext makes the next n requests wait, unanswered, until Release (or
// until the client resets their streams): with nothing else in flight on
// its connection, that connection goes quiet, as a stuck one does.
func (s *Server) HoldNext(n int) { s.holds.Add(n) }

// Release answers every request held by HoldNext.
func (s *Server) Release() { s.holds.Release() }

// SetLatency delays every later reply by d (0 disables).
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// Deliveries returns the most recent accepted notifications, oldest first.
func (s *Server) Deliveries() []Delivery { return s.log.Snapshot() }

// Count returns how many notifications the fake accepted.
func (s *Server) Count() int64 { return s.log.Total() }

// Stats returns the running totals.
func (s *Server) Stats() Stats {
	return Stats{
		Requests:  s.requests.Load(),
		Delivered: s.log.Total(),
		Rejected:  s.rejected.Load(),
		Resets:    s.resetCount.Load(),
	}
}

// WaitFor blocks until the fake has accepted at least n notifications in
// total, or ctx is done.
func (s *Server) WaitFor(ctx context.Context, n int64) error { return s.log.WaitFor(ctx, n) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.resets.Take() {
		s.resetCount.Add(1)
		fakes.ResetConn(r)
		return
	}
	if !s.holds.Wait(r) {
		return
	}
	if !fakes.Delay(r, time.Duration(s.latency.Load())) {
		return
	}
	if f, ok := s.faults.Take(); ok {
		s.fail(w, f)
		return
	}
	status, reason := s.serveCheck(w, r)
	if status != http.StatusOK {
		s.fail(w, Fault{Status: status, Reason: reason})
	}
}

// serveCheck validates the request and records it on success. It returns
// the status and reason to reply with; on 200 the reply is already written.
func (s *Server) serveCheck(w http.ResponseWriter, r *http.Request) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, apns2.ReasonMethodNotAllowed
	}
	token, ok := strings.CutPrefix(r.URL.Path, "/3/device/")
	if !ok {
		return http.StatusNotFound, apns2.ReasonBadPath
	}
	if token == "" {
		return http.StatusBadRequest, apns2.ReasonMissingDeviceToken
	}
	h := r.Header
	d := Delivery{
		Token:      token,
		ApnsID:     hget(h, "Apns-Id"),
		CollapseID: hget(h, "Apns-Collapse-Id"),
		PushType:   hget(h, "Apns-Push-Type"),
		Topic:      hget(h, "Apns-Topic"),
		Priority:   apns2.PriorityHigh,
	}
	if d.ApnsID != "" && !isUUID(d.ApnsID) {
		return http.StatusBadRequest, apns2.ReasonBadMessageID
	}
	if len(d.CollapseID) > 64 {
		return http.StatusBadRequest, apns2.ReasonBadCollapseID
	}
	if v := hget(h, "Apns-Priority"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || (p != 1 && p != 5 && p != 10) {
			return http.StatusBadRequest, apns2.ReasonBadPriority
		}
		d.Priority = p
	}
	if v := hget(h, "Apns-Expiration"); v != "" {
		e, err := strconv.ParseInt(v, 10, 64)
		if err != nil || e < 0 {
			return http.StatusBadRequest, apns2.ReasonBadExpirationDate
		}
		d.Expiration = e
	}
	switch apns2.EPushType(d.PushType) {
	case apns2.PushTypeAlert, apns2.PushTypeBackground, apns2.PushTypeVOIP, apns2.PushTypeComplication,
		apns2.PushTypeFileProvider, apns2.PushTypeMDM, apns2.PushTypeLiveActivity, apns2.PushTypePushToTalk, apns2.PushTypeLocation:
	case "":
		d.PushType = string(apns2.PushTypeAlert)
	default:
		return http.StatusBadRequest, apns2.ReasonInvalidPushType
	}
	if d.PushType == string(apns2.PushTypeBackground) && d.Priority == apns2.PriorityHigh {
		return http.StatusBadRequest, apns2.ReasonBadPriority
	}

	certAuth := r.TLS != nil && len(r.TLS.PeerCertificates) > 0
	if certAuth {
		if !s.auth.certOK(r.TLS.PeerCertificates[0].Raw) {
			return http.StatusForbidden, apns2.ReasonBadCertificate
		}
	} else if reason := s.auth.checkBearer(hget(h, "Authorization"), time.Now()); reason != "" {
		return http.StatusForbidden, reason
	}
	if d.Topic == "" && !certAuth {
		return http.StatusBadRequest, apns2.ReasonMissingTopic
	}
	if len(s.topics) > 0 && d.Topic != "" && !s.topics[d.Topic] {
		return http.StatusBadRequest, apns2.ReasonTopicDisallowed
	}
	if !s.validToken(token) {
		return http.StatusBadRequest, apns2.ReasonBadDeviceToken
	}
	if f, ok := s.tokens.Get(token); ok {
		return f.Status, f.Reason
	}

	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	n, err := io.ReadFull(r.Body, *bp)
	switch {
	case err == nil:
		return http.StatusRequestEntityTooLarge, apns2.ReasonPayloadTooLarge
	case err != io.ErrUnexpectedEOF && err != io.EOF:
		return http.StatusBadRequest, "BadPayload"
	case n == 0:
		return http.StatusBadRequest, apns2.ReasonPayloadEmpty
	}
	payload := (*bp)[:n]
	if reason := checkPayload(payload, d.PushType); reason != "" {
		return http.StatusBadRequest, reason
	}

	d.Payload = bytes.Clone(payload)
	d.At = time.Now()
	d.Remote = r.RemoteAddr
	if d.ApnsID == "" {
		d.ApnsID = newUUID()
	}
	// Record before replying, so a client that got its 200 finds the
	// delivery in Deliveries and Count.
	s.log.Record(d)
	w.Header().Set("apns-id", d.ApnsID)
	w.WriteHeader(http.StatusOK)
	return http.StatusOK, ""
}

// checkPayload returns "" if payload is a JSON object whose aps dictionary
// fits the push type, else a reason. It walks the JSON by hand after
// json.Valid: reflection-based decoding cost more than the rest of the fake.
func checkPayload(payload []byte, pushType string) string {
	if !json.Valid(payload) {
		return "BadPayload"
	}
	aps, ok := member(payload, "aps")
	if !ok || len(aps) == 0 || aps[0] != '{' {
		return "BadPayload"
	}
	_, alert := member(aps, "alert")
	_, badge := member(aps, "badge")
	_, sound := member(aps, "sound")
	visible := alert || badge || sound
	switch apns2.EPushType(pushType) {
	case apns2.PushTypeBackground:
		if ca, _ := member(aps, "content-available"); string(ca) != "1" || visible {
			return apns2.ReasonInvalidPushType
		}
	case apns2.PushTypeAlert:
		if !visible {
			return apns2.ReasonInvalidPushType
		}
	}
	return ""
}

// member returns the raw value of key in the JSON object obj, which must be
// valid JSON. Keys are compared in their raw (unescaped) form.
func member(obj []byte, key string) ([]byte, bool) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return nil, false // '}' or malformed
		}
		kend := skipValue(obj, i)
		k := obj[i+1 : kend-1]
		i = skipSpace(obj, kend) + 1 // past ':'
		i = skipSpace(obj, i)
		vend := skipValue(obj, i)
		if string(k) == key {
			return obj[i:vend], true
		}
		i = skipSpace(obj, vend)
		if i >= len(obj) || obj[i] != ',' {
			return nil, false
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	depth, inString := 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
				if depth == 0 {
					return i + 1
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i // end of the enclosing container
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

func (s *Server) fail(w http.ResponseWriter, f Fault) {
	s.rejected.Add(1)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("apns-id", newUUID())
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(f.Status)
	body := struct {
		Reason    string `json:"reason"`
		Timestamp int64  `json:"timestamp,omitempty"`
	}{Reason: f.Reason}
	if f.Status == http.StatusGone {
		body.Timestamp = time.Now().UnixMilli()
	}
	json.NewEncoder(w).Encode(body)
}

// hget reads a header by its canonical key without canonicalising it again.
func hget(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// isHex64 reports whether token is 64 hexadecimal digits, the APNs token
// format today.
func isHex64(token string) bool {
	if len(token) != 64 {
		return false
	}
	for i := 0; i < len(token); i++ {
		if !isHexDigit(token[i]) {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isUUID reports whether s has the canonical 8-4-4-4-12 form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHexDigit(s[i]) {
				return false
			}
		}
	}
	return true
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	return gateways.FormatUUID(b, 4)
}
