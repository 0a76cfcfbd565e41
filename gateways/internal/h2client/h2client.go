// Package h2client is a lean HTTP/2 client transport (an http.RoundTripper)
// for the push gateways' request pattern: many small concurrent requests to
// one host over one long-lived TLS connection, with small replies.
//
// It exists for CPU, not features. golang.org/x/net/http2's client starts a
// goroutine per request to write it (whose stack grows on every send),
// flushes each request with its own TLS record and write syscall, and
// copies each reply through a pipe. Here the goroutine that calls RoundTrip
// encodes its request into a shared buffer under the connection's write
// lock, and whichever caller finds no write in progress yields once (so
// that the other senders ready to run append theirs) and then writes
// everything buffered in one go; a single reader goroutine per connection
// parses replies and hands each to its waiting caller. Under load one write
// carries many requests and one read many replies.
//
// What it does: the client connection preface and SETTINGS exchange,
// HPACK (golang.org/x/net/http2/hpack; chosen header names can be sent
// never-indexed so unique values do not churn the dynamic table, and fields
// that repeat are sent from memory: see headerEncoder), stream
// concurrency up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (callers
// wait for a free stream; the transport keeps one connection and does not
// dial more), send flow control on stream and connection windows, receive
// flow control with a large connection window, CONTINUATION, trailers and
// 1xx replies, RST_STREAM, GOAWAY (requests the server did not process are
// retried on a new connection, as are refused streams), PING-based health
// checks of a silent connection, an idle timeout, an optional bound on each
// request (RequestTimeout, checked on a coarse tick rather than with a timer
// per request), and cancellation of a request's stream when its context
// ends. Frames are parsed by
// golang.org/x/net/http2's Framer.
//
// What it does not: server push (disabled in SETTINGS), request bodies
// larger than MaxRequestBody (they are read into memory first, which is
// what lets an unprocessed request be retried), streaming replies (a reply
// body is read whole, up to MaxResponseBody), HTTP/1 fallback. It is meant
// for a known HTTP/2 server such as APNs, not for general browsing.
package h2client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Defaults for the zero values of Config.
const (
	DefaultPingInterval    = 15 * time.Second
	DefaultPingTimeout     = 15 * time.Second
	DefaultIdleTimeout     = 5 * time.Minute
	DefaultWriteTimeout    = 10 * time.Second
	DefaultMaxRequestBody  = 64 << 10
	DefaultMaxResponseBody = 64 << 10
)

const (
	// initialStreamWindow is the receive window advertised per stream. A
	// reply over MaxResponseBody is reset long before it fills it, so stream
	// windows are never refilled.
	initialStreamWindow = 1 << 20
	// connWindow is the connection receive window; consumed credit is
	// returned once half of it is used.
	connWindow = 4 << 20
	// maxHeaderListSize is advertised and enforced on replies.
	maxHeaderListSize = 64 << 10
	// assumedMaxStreams applies until the server's SETTINGS arrive.
	assumedMaxStreams = 100
	// maxStreamID is the last client stream id a connection may use before
	// a new connection is needed.
	maxStreamID = 1<<31 - 1
	// retries is how many times a request the server did not process is
	// sent again on a new connection.
	retries = 2
)

// Config configures a Transport.
type Config struct {
	// Dial opens a connection to the server that speaks HTTP/2 at once:
	// normally a TLS connection that negotiated ALPN "h2" (DialTLS does
	// that). Required.
	Dial func(ctx context.Context) (net.Conn, error)
	// PingInterval is how long a connection may receive nothing before a
	// PING checks it; PingTimeout is how long that PING may go unanswered
	// before the connection is closed and its requests fail.
	PingInterval, PingTimeout time.Duration
	// IdleTimeout closes a connection that had no request for this long.
	IdleTimeout time.Duration
	// WriteTimeout bounds one write to the connection; a connection that
	// cannot take its buffered frames in this time is closed.
	WriteTimeout time.Duration
	// MaxRequestBody and MaxResponseBody cap bodies in bytes; a larger
	// request is refused, a larger reply is reset and fails.
	MaxRequestBody, MaxResponseBody int
	// RequestTimeout, when positive, bounds each request from RoundTrip
	// to its reply, waits for a free stream and for flow control included.
	// A request past it fails with an error that matches
	// context.DeadlineExceeded and is a net.Error whose Timeout is true,
	// and its stream is reset. Replies are checked on a coarse tick of an
	// eighth of RequestTimeout (at least 5 ms), so a request may run up to
	// that much longer; in exchange a request costs no timer of its own, as
	// a context deadline would.
	RequestTimeout time.Duration
	// NeverIndex lists request header names (lower case, pseudo-headers
	// such as ":path" included) whose values are unique per request and are
	// therefore sent as HPACK literals that are never indexed.
	NeverIndex []string
	// StallAfter, when positive, is how long a connection with requests in
	// flight may receive nothing before Free reports it busy, so that a
	// pool of Transports sends elsewhere. The connection stays open: the
	// PING health check decides whether it is dead.
	StallAfter time.Duration
	// BusyStreams, when positive, is how many requests in flight make a
	// connection busy for Free although the server allows more, so that a
	// pool of Transports spreads the load past it. RoundTrip still uses
	// every stream the server allows.
	BusyStreams int
}

// Addr returns the "host:port" to dial for the https URL u: its host, with
// port 443 when it names none.
func Addr(u *url.URL) string {
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return u.Host
}

// DialTLS returns a Config.Dial that dials addr ("host:port") over TLS with
// ALPN "h2" and fails unless the server agreed to HTTP/2.
func DialTLS(addr string, d *tls.Dialer) func(ctx context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		dd := *d
		cfg := &tls.Config{}
		if d.Config != nil {
			cfg = d.Config.Clone()
		}
		cfg.NextProtos = []string{"h2"}
		if cfg.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			cfg.ServerName = host
		}
		dd.Config = cfg
		c, err := dd.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		tc := c.(*tls.Conn)
		if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
			tc.Close()
			return nil, fmt.Errorf("h2client: server at %s did not negotiate h2 (ALPN %q)", addr, p)
		}
		return tc, nil
	}
}

// Transport is an http.RoundTripper that sends every request over one
// HTTP/2 connection at a time, dialling a new one when the current one is
// closed, going away or out of stream ids. It is safe for concurrent use.
type Transport struct {
	cfg        Config          // static after New
	neverIndex map[string]bool // static after New
	tick       time.Duration   // static after New; how often a connection checks its requests' deadlines (0: never)

	// fields caches what prepare derives from each request header key
	// (copy on write: readers load it without a lock).
	fields   atomic.Pointer[map[string]fieldInfo]
	fieldsMu sync.Mutex // serialises writers of fields

	mu      sync.Mutex
	cc      *conn         // guarded by mu; the connection new requests use
	dialing chan struct{} // guarded by mu; closed when the dial in progress ends
	dialErr error         // guarded by mu; the result of the last dial
	closed  bool          // guarded by mu
}

// New returns a Transport; it does not dial until the first request.
func New(cfg Config) (*Transport, error) {
	if cfg.Dial == nil {
		return nil, errors.New("h2client: Config.Dial is required")
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.PingInterval, DefaultPingInterval)
	def(&cfg.PingTimeout, DefaultPingTimeout)
	def(&cfg.IdleTimeout, DefaultIdleTimeout)
	def(&cfg.WriteTimeout, DefaultWriteTimeout)
	if cfg.MaxRequestBody <= 0 {
		cfg.MaxRequestBody = DefaultMaxRequestBody
	}
	if cfg.MaxResponseBody <= 0 {
		cfg.MaxResponseBody = DefaultMaxResponseBody
	}
	if cfg.RequestTimeout < 0 {
		cfg.RequestTimeout = 0
	}
	t := &Transport{cfg: cfg, neverIndex: make(map[string]bool)}
	if cfg.RequestTimeout > 0 {
		t.tick = max(cfg.RequestTimeout/8, 5*time.Millisecond)
	}
	for _, n := range cfg.NeverIndex {
		t.neverIndex[strings.ToLower(n)] = true
	}
	return t, nil
}

// ErrClosed is returned by RoundTrip after Close.
var ErrClosed = errors.New("h2client: transport closed")

// errUnprocessed marks a request the server is known not to have processed
// (refused stream, or above a GOAWAY's last stream id): safe to send again.
var errUnprocessed = errors.New("request not processed by the server")

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r, err := t.prepare(req)
	if req.Body != nil {
		req.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	defer r.release()
	ctx := req.Context()
	if t.cfg.RequestTimeout > 0 {
		r.deadline = time.Now().Add(t.cfg.RequestTimeout)
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 && r.expired() {
			return nil, timeoutError{t.cfg.RequestTimeout}
		}
		cc, err := t.conn(ctx, r)
		if err != nil {
			return nil, err
		}
		resp, err := cc.roundTrip(ctx, r)
		if err != nil && errors.Is(err, errUnprocessed) && attempt < retries && ctx.Err() == nil {
			continue
		}
		return resp, err
	}
}

// Free reports whether a request sent now would start at once rather than
// wait: the transport is open and has no connection yet, or its connection
// can take another stream under the server's SETTINGS_MAX_CONCURRENT_STREAMS,
// has fewer than Config.BusyStreams requests in flight (when set) and has
// not stalled (Config.StallAfter). A pool of Transports uses it to fill one
// connection before the next.
func (t *Transport) Free() bool {
	t.mu.Lock()
	cc, closed := t.cc, t.closed
	t.mu.Unlock()
	return !closed && (cc == nil || cc.free())
}

// CloseIdleConnections closes the connection if no request is using it.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	cc := t.cc
	t.mu.Unlock()
	if cc != nil {
		cc.closeIfIdle()
	}
}

// Close closes the connection, failing requests in flight, and makes
// later requests fail with ErrClosed.
func (t *Transport) Close() error {
	t.mu.Lock()
	t.closed = true
	cc := t.cc
	t.cc = nil
	t.mu.Unlock()
	if cc != nil {
		cc.close(ErrClosed)
	}
	return nil
}

// conn returns a connection that can take a new stream, dialling one if
// needed. Concurrent callers share one dial.
func (t *Transport) conn(ctx context.Context, r *request) (*conn, error) {
	for {
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			return nil, ErrClosed
		}
		if cc := t.cc; cc != nil && cc.usable() {
			t.mu.Unlock()
			return cc, nil
		}
		if ch := t.dialing; ch != nil {
			t.mu.Unlock()
			if err := t.wait(ctx, ch, nil, r); err != nil {
				return nil, err
			}
			t.mu.Lock()
			err := t.dialErr
			t.mu.Unlock()
			if err != nil {
				return nil, err
			}
			continue
		}
		ch := make(chan struct{})
		t.dialing = ch
		t.mu.Unlock()

		// The dial outlives a caller that gives up: others may wait on it.
		nc, err := t.cfg.Dial(context.WithoutCancel(ctx))
		var cc *conn
		if err == nil {
			cc, err = newConn(t, nc)
		}
		t.mu.Lock()
		t.dialing = nil
		t.dialErr = err
		if err == nil {
			if t.closed {
				err = ErrClosed
			} else {
				t.cc = cc
			}
		}
		t.mu.Unlock()
		close(ch)
		if err != nil {
			if cc != nil {
				cc.close(err)
			}
			return nil, err
		}
	}
}

// request is a request prepared for sending: its header fields and body,
// so that it can be sent again after an unprocessed attempt.
type request struct {
	req      *http.Request
	fields   []hpack.HeaderField // in fieldBuf when they fit
	fieldBuf [16]hpack.HeaderField
	body     []byte
	buf      *[]byte   // pooled storage of body, or nil
	deadline time.Time // from Config.RequestTimeout; zero: none
}

func (r *request) expired() bool { return !r.deadline.IsZero() && !time.Now().Before(r.deadline) }

// wait blocks until ch (or closed, when not nil) is closed, ctx ends or r's
// deadline passes. The deadline needs a timer here, but only a request
// that has to wait (for a dial, a free stream or flow control) gets one.
func (t *Transport) wait(ctx context.Context, ch, closed <-chan struct{}, r *request) error {
	var expire <-chan time.Time
	if !r.deadline.IsZero() {
		d := time.Until(r.deadline)
		if d <= 0 {
			return timeoutError{t.cfg.RequestTimeout}
		}
		tm := time.NewTimer(d)
		defer tm.Stop()
		expire = tm.C
	}
	select {
	case <-ch:
		return nil
	case <-closed:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-expire:
		return timeoutError{t.cfg.RequestTimeout}
	}
}

// timeoutError fails a request that outlived Config.RequestTimeout.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string { return fmt.Sprintf("h2client: no reply within %v", e.d) }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// Is makes a timed-out request match the errors a context deadline or a
// socket deadline would have given.
func (timeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded || target == os.ErrDeadlineExceeded
}

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (r *request) release() {
	if r.buf != nil {
		*r.buf = r.body[:0]
		bodyPool.Put(r.buf)
	}
	*r = request{}
	requestPool.Put(r)
}

// requestPool holds released requests: a request is some 700 bytes, most
// of them its inline header fields, and one is made per round trip.
var requestPool = sync.Pool{New: func() any { return new(request) }}

// connectionHeaders are not allowed in HTTP/2 (RFC 9113 §8.2.2).
var connectionHeaders = map[string]bool{
	"connection": true, "proxy-connection": true, "keep-alive": true,
	"transfer-encoding": true, "upgrade": true, "host": true,
}

// prepare validates req and collects its header fields and body.
func (t *Transport) prepare(req *http.Request) (*request, error) {
	if req.URL == nil {
		return nil, errors.New("h2client: request without URL")
	}
	if req.URL.Scheme != "https" {
		return nil, fmt.Errorf("h2client: unsupported scheme %q", req.URL.Scheme)
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !httpguts.ValidHostHeader(req.Host) && req.Host != "" {
		return nil, errors.New("h2client: invalid Host")
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	path := req.URL.RequestURI()
	r := requestPool.Get().(*request)
	r.req = req
	if n := 5 + len(req.Header) + 1; n <= len(r.fieldBuf) {
		r.fields = r.fieldBuf[:0]
	} else {
		r.fields = make([]hpack.HeaderField, 0, n)
	}
	r.fields = append(r.fields,
		hpack.HeaderField{Name: ":method", Value: method},
		hpack.HeaderField{Name: ":scheme", Value: "https"},
		hpack.HeaderField{Name: ":authority", Value: host},
		hpack.HeaderField{Name: ":path", Value: path, Sensitive: t.neverIndex[":path"]},
	)
	for k, vv := range req.Header {
		fi := t.fieldInfo(k)
		if fi.drop {
			continue
		}
		if !fi.valid {
			return nil, fmt.Errorf("h2client: invalid header name %q", k)
		}
		for _, v := range vv {
			if fi.name == "te" && v != "trailers" {
				continue
			}
			if !fi.validValue(v) {
				return nil, fmt.Errorf("h2client: invalid value for header %q", k)
			}
			r.fields = append(r.fields, hpack.HeaderField{Name: fi.name, Value: v, Sensitive: fi.never})
		}
	}
	if req.Body != nil && req.Body != http.NoBody {
		buf := bodyPool.Get().(*[]byte)
		b, err := readCapped((*buf)[:0], req.Body, t.cfg.MaxRequestBody)
		if err != nil {
			*buf = b[:0]
			bodyPool.Put(buf)
			return nil, err
		}
		r.body, r.buf = b, buf
	}
	if len(r.body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		r.fields = append(r.fields, hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(r.body))})
	}
	return r, nil
}

// readCapped appends all of rd to b, failing past max bytes.
func readCapped(b []byte, rd io.Reader, max int) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > max {
			return b, fmt.Errorf("h2client: request body over %d bytes", max)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, fmt.Errorf("h2client: reading request body: %w", err)
		}
	}
}

// commonHeaders maps canonical header keys to their HTTP/2 lower-case form
// without allocating.
var commonHeaders = func() map[string]string {
	m := make(map[string]string)
	for _, k := range []string{
		"Accept", "Accept-Encoding", "Authorization", "Content-Encoding", "Content-Type",
		"User-Agent", "Te", "Apns-Id", "Apns-Topic", "Apns-Priority", "Apns-Push-Type",
		"Apns-Expiration", "Apns-Collapse-Id",
	} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

// fieldInfo is what prepare derives from a request header key.
type fieldInfo struct {
	name  string // the HTTP/2 (lower-case) name
	drop  bool   // not sent: connection-specific, or content-length (set from the body)
	valid bool   // a valid field name
	never bool   // sent never-indexed (Config.NeverIndex)
	// last holds the last value of this name found valid, for names that
	// are not NeverIndex and values of at least minCachedValue bytes: such
	// values repeat (the provider token is ~200 bytes), and comparing is
	// cheaper than checking every byte again.
	last *atomic.Pointer[string]
}

// minCachedValue is the shortest value fieldInfo.last keeps. Shorter values
// cost less to check than to store, and the short ones a sender varies per
// request (apns-id, collapse ids) would replace the cached value each time.
const minCachedValue = 64

// validValue reports whether v is a valid value for fi's field.
func (fi fieldInfo) validValue(v string) bool {
	long := fi.last != nil && len(v) >= minCachedValue
	if long {
		if p := fi.last.Load(); p != nil && *p == v {
			return true
		}
	}
	if !httpguts.ValidHeaderFieldValue(v) {
		return false
	}
	if long {
		kept := v // only this branch allocates: v itself does not escape
		fi.last.Store(&kept)
	}
	return true
}

// maxFieldInfos bounds the cache of fieldInfos; keys past it are derived
// every time.
const maxFieldInfos = 64

// fieldInfo returns k's fieldInfo, from the cache when it is there: the
// same few keys make every request of a sender, and deriving them costs
// three map lookups and a scan of the name.
func (t *Transport) fieldInfo(k string) fieldInfo {
	if m := t.fields.Load(); m != nil {
		if fi, ok := (*m)[k]; ok {
			return fi
		}
	}
	name := lowerHeader(k)
	fi := fieldInfo{
		name:  name,
		drop:  connectionHeaders[name] || name == "content-length",
		valid: httpguts.ValidHeaderFieldName(k),
		never: t.neverIndex[name],
	}
	if !fi.never {
		fi.last = new(atomic.Pointer[string])
	}
	t.fieldsMu.Lock()
	defer t.fieldsMu.Unlock()
	m := map[string]fieldInfo{k: fi}
	if old := t.fields.Load(); old != nil {
		if len(*old) >= maxFieldInfos {
			return fi
		}
		maps.Copy(m, *old)
	}
	t.fields.Store(&m)
	return fi
}

func lowerHeader(k string) string {
	if v, ok := commonHeaders[k]; ok {
		return v
	}
	return strings.ToLower(k)
}

// rstError is a stream reset by the server.
type rstError struct{ code http2.ErrCode }

func (e rstError) Error() string { return "h2client: stream reset by server: " + e.code.String() }

// Is makes a refused stream match errUnprocessed.
func (e rstError) Is(target error) bool {
	return target == errUnprocessed && e.code == http2.ErrCodeRefusedStream
}
