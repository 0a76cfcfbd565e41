// Package fcmtest runs a fake Firebase Cloud Messaging HTTP v1 API and the
// Google OAuth2 token endpoint in front of it, on one local TLS listener
// (HTTP/2).
//
//	POST /token                                 OAuth2 JWT-bearer grant: the
//	    assertion must be RS256-signed by a registered service account, with
//	    aud = token_uri and a messaging scope; replies {"access_token", ...}.
//	POST /v1/projects/{project}/messages:send   needs "Bearer <access token>"
//	    issued for that project; validates the message like FCM (one target,
//	    string-only data, no reserved keys, priority, ttl, 4 KiB data) and
//	    replies {"name": "projects/p/messages/<id>"} or FCM's error JSON,
//	    whose details carry type.googleapis.com/google.firebase.fcm.v1.FcmError
//	    with the errorCode the firebase-admin-go IsUnregistered etc. read.
//
// The real firebase-admin-go SDK and golang.org/x/oauth2 talk to it
// unchanged: the service-account JSON from NewServiceAccount names the
// fake's token endpoint as token_uri, and the messaging client is pointed at
// Endpoint(). Only the trusted roots differ (CertPool).
//
// Message requests are handled in this order: ResetNext (close the TCP
// connection), SetLatency, FailNext, authentication, validation, FailToken
// faults, delivery. Nothing is logged per request; Deliveries keeps only the
// most recent Options.KeepDeliveries records. A Server is safe for
// concurrent use. It never talks to Google.
package fcmtest

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
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pnmarket/pnmarket/gateways/internal/fakes"
)

// Defaults and limits.
const (
	// DefaultKeepDeliveries is how many deliveries are kept in full.
	DefaultKeepDeliveries = 1024
	// DefaultMaxConcurrentStreams is the HTTP/2 stream limit advertised.
	DefaultMaxConcurrentStreams = 1000
	// DefaultTokenLifetime is the lifetime of issued access tokens.
	DefaultTokenLifetime = time.Hour
	// MaxDataBytes is FCM's limit on a message's data payload.
	MaxDataBytes = 4096
	// MaxTTL is FCM's longest android ttl (28 days).
	MaxTTL = 28 * 24 * time.Hour
	// maxBody caps a request body.
	maxBody = 64 << 10
)

// FCM error codes (FcmError.errorCode), as the HTTP v1 API sends them.
const (
	CodeUnregistered        = "UNREGISTERED"
	CodeInvalidArgument     = "INVALID_ARGUMENT"
	CodeQuotaExceeded       = "QUOTA_EXCEEDED"
	CodeUnavailable         = "UNAVAILABLE"
	CodeInternal            = "INTERNAL"
	CodeSenderIDMismatch    = "SENDER_ID_MISMATCH"
	CodeThirdPartyAuthError = "THIRD_PARTY_AUTH_ERROR"
)

// codeReply gives, per FcmError code, the HTTP status and google.rpc status
// FCM pairs it with.
var codeReply = map[string]struct {
	status  int
	rpc     string
	message string
}{
	CodeUnregistered:        {404, "NOT_FOUND", "Requested entity was not found."},
	CodeInvalidArgument:     {400, "INVALID_ARGUMENT", "Request contains an invalid argument."},
	CodeQuotaExceeded:       {429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send requests'."},
	CodeUnavailable:         {503, "UNAVAILABLE", "The service is currently unavailable."},
	CodeInternal:            {500, "INTERNAL", "Internal error encountered."},
	CodeSenderIDMismatch:    {403, "PERMISSION_DENIED", "SenderId mismatch"},
	CodeThirdPartyAuthError: {401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"},
}

// rpcStatus maps HTTP statuses onto google.rpc status names for faults
// without an FcmError code.
var rpcStatus = map[int]string{
	400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
	429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}

// Fault is a reply the fake sends instead of processing a request.
type Fault struct {
	// Code is the FcmError errorCode (CodeUnregistered, ...). With a Code
	// and no Status, the status FCM pairs with the code is used.
	Code string
	// Status is the HTTP status. With a Status and no Code, the reply is a
	// plain Google API error without FcmError details (as for a bad OAuth
	// token).
	Status int
	// RetryAfter, when positive, is sent as Retry-After (seconds, rounded up).
	RetryAfter time.Duration
}

// Delivery is one message the fake accepted.
type Delivery struct {
	Token       string            // message.token
	Project     string            // project from the URL
	Data        map[string]string // message.data
	Priority    string            // android.priority
	CollapseKey string            // android.collapse_key
	TTL         string            // android.ttl, as sent ("3600s")
	Message     []byte            // the raw "message" JSON object
	Name        string            // the name replied
	At          time.Time         // when the fake accepted it
	Remote      string            // the client's address: which connection carried it
}

// Stats are the fake's running totals.
type Stats struct {
	Requests     int64 // messages:send requests, including reset ones
	Delivered    int64 // 200 replies to messages:send (validate_only excluded)
	Rejected     int64 // error replies to messages:send
	Resets       int64 // connections closed by ResetNext
	TokensIssued int64 // OAuth2 access tokens issued
}

// Options configures a Server. The zero value is usable.
type Options struct {
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// Logger receives lifecycle and HTTP server errors; nil discards them.
	Logger *slog.Logger
	// ValidToken reports whether a registration token is well formed; nil
	// accepts 32 to 4096 characters of [A-Za-z0-9_:-].
	ValidToken func(token string) bool
	// KeepDeliveries defaults to DefaultKeepDeliveries.
	KeepDeliveries int
	// MaxConcurrentStreams defaults to DefaultMaxConcurrentStreams.
	MaxConcurrentStreams uint32
	// TokenLifetime defaults to DefaultTokenLifetime.
	TokenLifetime time.Duration
}

// Server is a running fake FCM.
type Server struct {
	srv        *httptest.Server  // static after construction
	logger     *slog.Logger      // static after construction
	validToken func(string) bool // static after construction
	issuer     *issuer
	log        *fakes.Log[Delivery]
	faults     fakes.Queue[Fault]
	tokens     fakes.PerToken[Fault]
	resets     fakes.Countdown
	holds      fakes.Hold
	latency    atomic.Int64 // time.Duration

	requests, rejected, resetCount, nextID atomic.Int64
}

// NewServer starts a fake FCM. Close it when done.
func NewServer(opts Options) (*Server, error) {
	s := &Server{logger: opts.Logger, validToken: opts.ValidToken}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.logger = s.logger.With("component", "fcmtest")
	if s.validToken == nil {
		s.validToken = defaultValidToken
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
	lifetime := opts.TokenLifetime
	if lifetime <= 0 {
		lifetime = DefaultTokenLifetime
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1<<40))
	s.nextID.Store(n.Int64())

	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	if opts.Addr != "" {
		ln, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return nil, fmt.Errorf("fcmtest: %w", err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	srv.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: int(streams)}
	srv.Config.ErrorLog = slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug)
	srv.Config.ConnContext = fakes.ConnContext
	srv.StartTLS()
	s.srv = srv
	s.issuer = &issuer{tokenURI: srv.URL + "/token", lifetime: lifetime, accounts: make(map[string]account)}
	mux.HandleFunc("POST /token", s.issuer.serveToken)
	mux.HandleFunc("POST /v1/projects/{project}/messages:send", s.serveSend)
	s.logger.Info("fake FCM listening", "addr", srv.Listener.Addr().String())
	return s, nil
}

// URL returns the base URL ("https://127.0.0.1:port").
func (s *Server) URL() string { return s.srv.URL }

// Endpoint returns the messaging endpoint to pass to option.WithEndpoint
// (URL()+"/v1").
func (s *Server) Endpoint() string { return s.srv.URL + "/v1" }

// TokenURL returns the OAuth2 token endpoint (the service accounts'
// token_uri).
func (s *Server) TokenURL() string { return s.issuer.tokenURI }

// CertPool returns a pool trusting the fake's TLS certificate.
func (s *Server) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.srv.Certificate())
	return p
}

// Close shuts the fake down, waiting for in-flight requests.
func (s *Server) Close() {
	s.srv.Close()
	s.logger.Info("fake FCM closed")
}

// NewServiceAccount generates a service account for projectID whose
// token_uri is this fake, registers it and returns its JSON key file.
func (s *Server) NewServiceAccount(projectID string) ([]byte, error) {
	sa, err := GenerateServiceAccount(projectID, s.TokenURL())
	if err != nil {
		return nil, err
	}
	s.AddServiceAccount(sa)
	return sa.JSON, nil
}

// AddServiceAccount makes the token endpoint accept assertions signed by
// sa's key for sa.ClientEmail.
func (s *Server) AddServiceAccount(sa ServiceAccount) { s.issuer.add(sa) }

// FailToken makes every message to token fail with f until ClearToken.
func (s *Server) FailToken(token string, f Fault) { s.tokens.Set(token, &f) }

// ClearToken removes a FailToken fault.
func (s *Server) ClearToken(token string) { s.tokens.Set(token, nil) }

// Unregister makes token answer 404 UNREGISTERED, as for an app that was
// uninstalled.
func (s *Server) Unregister(token string) { s.FailToken(token, Fault{Code: CodeUnregistered}) }

// FailNext makes the next n message requests fail with f.
func (s *Server) FailNext(n int, f Fault) { s.faults.Add(n, f) }

// ResetNext makes the next n message requests close their TCP connection
// instead of answering (every stream on that connection fails).
func (s *Server) ResetNext(n int) { s.resets.Add(n) }

// HoldNext makes the next n message requests wait, unanswered, until
// Release (or until the client resets their streams): with nothing else in
// flight on its connection, that connection goes quiet, as a stuck one
// does.
func (s *Server) HoldNext(n int) { s.holds.Add(n) }

// Release answers every request held by HoldNext.
func (s *Server) Release() { s.holds.Release() }

// SetLatency delays every later message reply by d (0 disables).
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// Deliveries returns the most recent accepted messages, oldest first.
func (s *Server) Deliveries() []Delivery { return s.log.Snapshot() }

// Count returns how many messages the fake accepted.
func (s *Server) Count() int64 { return s.log.Total() }

// WaitFor blocks until the fake has accepted at least n messages in total,
// or ctx is done.
func (s *Server) WaitFor(ctx context.Context, n int64) error { return s.log.WaitFor(ctx, n) }

// Stats returns the running totals.
func (s *Server) Stats() Stats {
	return Stats{
		Requests:     s.requests.Load(),
		Delivered:    s.log.Total(),
		Rejected:     s.rejected.Load(),
		Resets:       s.resetCount.Load(),
		TokensIssued: s.issuer.issued.Load(),
	}
}

// sendRequest is the body of messages:send. Unknown fields are refused, as
// FCM does ("Invalid JSON payload received. Unknown name").
type sendRequest struct {
	ValidateOnly bool            `json:"validate_only"`
	Message      json.RawMessage `json:"message"`
}

type message struct {
	Name         string          `json:"name"`
	Token        string          `json:"token"`
	Topic        string          `json:"topic"`
	Condition    string          `json:"condition"`
	Data         map[string]any  `json:"data"`
	Notification json.RawMessage `json:"notification"`
	Android      *struct {
		CollapseKey           string          `json:"collapse_key"`
		Priority              string          `json:"priority"`
		TTL                   string          `json:"ttl"`
		RestrictedPackageName string          `json:"restricted_package_name"`
		Data                  map[string]any  `json:"data"`
		Notification          json.RawMessage `json:"notification"`
		FCMOptions            json.RawMessage `json:"fcm_options"`
		DirectBootOK          bool            `json:"direct_boot_ok"`
	} `json:"android"`
	Webpush    json.RawMessage `json:"webpush"`
	APNS       json.RawMessage `json:"apns"`
	FCMOptions json.RawMessage `json:"fcm_options"`
}

// invalid is a 400 INVALID_ARGUMENT with a field violation.
type invalid struct {
	field, description string
}

func (s *Server) serveSend(w http.ResponseWriter, r *http.Request) {
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
		s.fail(w, f, nil)
		return
	}
	project, ok := s.issuer.checkBearer(r.Header.Get("Authorization"), time.Now())
	if !ok {
		s.fail(w, Fault{Status: http.StatusUnauthorized}, nil)
		return
	}
	if project != r.PathValue("project") {
		s.fail(w, Fault{Status: http.StatusForbidden}, nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.fail(w, Fault{Code: CodeInvalidArgument}, &invalid{"", "request too large"})
		return
	}
	var req sendRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || len(req.Message) == 0 {
		s.fail(w, Fault{Code: CodeInvalidArgument}, &invalid{"message", "Invalid JSON payload received."})
		return
	}
	var m message
	dec = json.NewDecoder(bytes.NewReader(req.Message))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		s.fail(w, Fault{Code: CodeInvalidArgument}, &invalid{"message", "Invalid JSON payload received. " + err.Error()})
		return
	}
	d, bad := s.check(&m)
	if bad != nil {
		s.fail(w, Fault{Code: CodeInvalidArgument}, bad)
		return
	}
	if f, ok := s.tokens.Get(m.Token); ok {
		s.fail(w, f, nil)
		return
	}
	d.Project = project
	d.Name = "projects/" + project + "/messages/" + strconv.FormatInt(s.nextID.Add(1), 10)
	if req.ValidateOnly {
		d.Name = "projects/" + project + "/messages/fake_message_id"
	}
	if !req.ValidateOnly {
		// Record before replying, so a client that got its 200 finds the
		// delivery in Deliveries and Count.
		d.Message = req.Message
		d.At = time.Now()
		d.Remote = r.RemoteAddr
		s.log.Record(d)
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": d.Name})
}

var ttlPattern = regexp.MustCompile(`^\d+(\.\d{1,9})?s$`)

// check validates a decoded message the way FCM does and extracts the
// delivery record.
func (s *Server) check(m *message) (Delivery, *invalid) {
	targets := 0
	for _, t := range []string{m.Token, m.Topic, m.Condition} {
		if t != "" {
			targets++
		}
	}
	if targets != 1 {
		return Delivery{}, &invalid{"message", "Exactly one of token, topic or condition must be set."}
	}
	if m.Token == "" {
		return Delivery{}, &invalid{"message.token", "this fake only delivers to tokens"}
	}
	if !s.validToken(m.Token) {
		return Delivery{}, &invalid{"message.token", "The registration token is not a valid FCM registration token"}
	}
	d := Delivery{Token: m.Token}
	data, bad := checkData("message.data", m.Data)
	if bad != nil {
		return Delivery{}, bad
	}
	d.Data = data
	if a := m.Android; a != nil {
		switch strings.ToLower(a.Priority) {
		case "", "normal", "high":
		default:
			return Delivery{}, &invalid{"message.android.priority", "Invalid value " + strconv.Quote(a.Priority)}
		}
		if a.TTL != "" {
			if !ttlPattern.MatchString(a.TTL) {
				return Delivery{}, &invalid{"message.android.ttl", "Invalid duration " + strconv.Quote(a.TTL)}
			}
			secs, _ := strconv.ParseFloat(strings.TrimSuffix(a.TTL, "s"), 64)
			if secs > MaxTTL.Seconds() {
				return Delivery{}, &invalid{"message.android.ttl", "TTL exceeds 28 days"}
			}
		}
		if _, bad := checkData("message.android.data", a.Data); bad != nil {
			return Delivery{}, bad
		}
		d.Priority, d.CollapseKey, d.TTL = a.Priority, a.CollapseKey, a.TTL
	}
	return d, nil
}

// checkData checks FCM's data rules: string values only, no reserved keys,
// at most MaxDataBytes of keys and values.
func checkData(field string, data map[string]any) (map[string]string, *invalid) {
	if data == nil {
		return nil, nil
	}
	out := make(map[string]string, len(data))
	size := 0
	for k, v := range data {
		str, ok := v.(string)
		if !ok {
			return nil, &invalid{field + "[" + k + "]", "Invalid value: data values must be strings"}
		}
		if k == "from" || k == "notification" || k == "message_type" ||
			strings.HasPrefix(k, "google.") || strings.HasPrefix(k, "gcm.") {
			return nil, &invalid{field + "[" + k + "]", "Invalid data key: reserved"}
		}
		size += len(k) + len(str)
		out[k] = str
	}
	if size > MaxDataBytes {
		return nil, &invalid{field, "Message is too big"}
	}
	return out, nil
}

// errorBody is the Google API error JSON FCM replies with.
type errorBody struct {
	Error struct {
		Code    int              `json:"code"`
		Message string           `json:"message"`
		Status  string           `json:"status"`
		Details []map[string]any `json:"details,omitempty"`
	} `json:"error"`
}

// fail writes f as FCM would; bad adds a google.rpc.BadRequest detail.
func (s *Server) fail(w http.ResponseWriter, f Fault, bad *invalid) {
	s.rejected.Add(1)
	var body errorBody
	status := f.Status
	if cr, ok := codeReply[f.Code]; ok {
		if status == 0 {
			status = cr.status
		}
		body.Error.Status, body.Error.Message = cr.rpc, cr.message
		body.Error.Details = append(body.Error.Details, map[string]any{
			"@type":     "type.googleapis.com/google.firebase.fcm.v1.FcmError",
			"errorCode": f.Code,
		})
	} else {
		if status == 0 {
			status = http.StatusInternalServerError
		}
		body.Error.Status = rpcStatus[status]
		body.Error.Message = http.StatusText(status)
		if status == http.StatusUnauthorized {
			body.Error.Message = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
		}
	}
	if bad != nil {
		body.Error.Message = bad.description
		body.Error.Details = append(body.Error.Details, map[string]any{
			"@type":           "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []map[string]string{{"field": bad.field, "description": bad.description}},
		})
	}
	body.Error.Code = status
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
	}
	writeJSON(w, status, body)
}

// defaultValidToken accepts 32 to 4096 characters of [A-Za-z0-9_:-], the
// alphabet of FCM registration tokens.
func defaultValidToken(token string) bool {
	if len(token) < 32 || len(token) > 4096 {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}
