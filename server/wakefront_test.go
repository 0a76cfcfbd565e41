package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// stubWakeID is the id stubPusher gives every queued wakeup.
const stubWakeID = "0190b7c5-6f1e-4a8e-9c3d-2b1a0f9e8d7c"

// stubPusher is a push relay whose Wake answers by token: "good..." is
// queued, "limited" and "limitedip" are rate limited, "full" finds the
// queue full, "held" is held for payment, "block" waits for unblock, and
// anything else is unknown. Its other methods, but for those a bare
// websocket session calls, panic (the embedded interface is nil).
type stubPusher struct {
	pusher
	maxBody int
	record  bool          // keep calls
	entered chan struct{} // "block" signals here, then waits on unblock
	unblock chan struct{}

	mu      sync.Mutex
	calls   []wakeCall // guarded by mu
	batches int        // WakeBatch calls; guarded by mu
}

// wakeCall is one Wake call a stubPusher saw.
type wakeCall struct {
	token, ip string
	ttl       time.Duration
}

// Relay refuses every relay request.
func (p *stubPusher) Relay(context.Context, string, string, []byte) (string, error) {
	return "", push.ErrRelayAuth
}

// MaxWakeBody is the configured cap.
func (p *stubPusher) MaxWakeBody() int { return p.maxBody }

// Info is empty.
func (p *stubPusher) Info() pushwire.Info { return pushwire.Info{} }

// HasDisabled reports none.
func (p *stubPusher) HasDisabled(context.Context, common.Address) bool { return false }

// Wake answers by token (see stubPusher) and records the call when asked.
func (p *stubPusher) Wake(_ context.Context, tok, ip string, ttl time.Duration) (string, error) {
	if p.record {
		p.mu.Lock()
		p.calls = append(p.calls, wakeCall{tok, ip, ttl})
		p.mu.Unlock()
	}
	switch {
	case strings.HasPrefix(tok, "good"):
		return stubWakeID, nil
	case tok == "limited":
		return "", &push.RateError{RetryAfter: 1500 * time.Millisecond}
	case tok == "limitedip":
		return "", &push.RateError{RetryAfter: 3 * time.Second, PerIP: true}
	case tok == "full":
		return "", push.ErrQueueFull
	case tok == "held":
		return stubWakeID, fmt.Errorf("%w: wakeup %s is held", push.ErrPaymentRequired, stubWakeID)
	case tok == "block" && p.unblock != nil:
		p.entered <- struct{}{}
		<-p.unblock
		return stubWakeID, nil
	}
	return "", push.ErrUnknownWakeToken
}

// WakeBatch answers each request as Wake does, in order.
func (p *stubPusher) WakeBatch(ctx context.Context, reqs []push.WakeReq) {
	p.mu.Lock()
	p.batches++
	p.mu.Unlock()
	for i := range reqs {
		r := &reqs[i]
		r.ID, r.Err = p.Wake(ctx, r.Token, r.IP, r.TTL)
	}
}

// takeCalls returns and forgets the calls seen so far.
func (p *stubPusher) takeCalls() []wakeCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls
	p.calls = nil
	return c
}

// stubStore is a message store no test here reaches.
type stubStore struct{ history }

// frontNode is a server with a stub push relay run by Run, so with the
// wake fast path, and the same server served by net/http alone on a
// second listener: the reference.
type frontNode struct {
	srv   *Server
	push  *stubPusher
	front *wakeFront
	fast  string // address served by Run
	plain string // address served by net/http alone
	stop  func() // cancels Run and waits for it
}

// newFrontServer builds a server with p as its push relay.
func newFrontServer(t testing.TB, p *stubPusher) *Server {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen, cfg.LameDuckDuration, cfg.ShutdownTimeout = "127.0.0.1:0", 0, 5*time.Second
	key, _ := crypto.GenerateKey()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(cfg, Deps{NodeKey: key, Store: stubStore{}, Logger: logger, Push: p})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// runWithFront starts srv.Run on a new loopback listener and returns the
// wakeFront it made, the address and a function that stops Run and
// reports its error.
func runWithFront(t testing.TB, srv *Server) (*wakeFront, string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *wakeFront, 1)
	wakeFrontHook = func(f *wakeFront) { got <- f }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	front := <-got
	wakeFrontHook = nil
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return front, ln.Addr().String(), stop
}

// servePlain serves srv's handler with net/http alone, configured as Run
// configures it.
func servePlain(t testing.TB, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return srv.lifetime },
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan struct{})
	go func() { defer close(done); hs.Serve(ln) }()
	t.Cleanup(func() { hs.Close(); <-done })
	return ln.Addr().String()
}

// checkSame runs exchange on the plain server and fails t unless it
// answers got (Date values aside) with the push calls fastCalls, which the
// fast path answered and made; it returns the plain server's answer.
func (n *frontNode) checkSame(t *testing.T, got string, fastCalls []wakeCall, exchange func(addr string) string) string {
	t.Helper()
	want := withoutDate(exchange(n.plain))
	plainCalls := n.push.takeCalls()
	if got != want {
		t.Errorf("answers differ\nfast path: %q\nnet/http:  %q", got, want)
	}
	if fmt.Sprint(fastCalls) != fmt.Sprint(plainCalls) {
		t.Errorf("push calls differ\nfast path: %v\nnet/http:  %v", fastCalls, plainCalls)
	}
	return want
}

// newFrontNode starts a frontNode whose push relay caps bodies at maxBody.
func newFrontNode(t testing.TB, maxBody int) *frontNode {
	t.Helper()
	p := &stubPusher{maxBody: maxBody, record: true}
	srv := newFrontServer(t, p)
	n := &frontNode{srv: srv, push: p}
	// Registered first, so it runs last: Run ends the plain server's
	// websocket sessions too.
	n.plain = servePlain(t, srv)
	var stop func() error
	n.front, n.fast, stop = runWithFront(t, srv)
	n.stop = func() { stop() }
	return n
}

// exchange sends raw on a new connection, half-closes it and returns
// everything the server writes until it closes.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c := dialTest(t, addr)
	return exchangeOn(t, c, c, raw)
}

// dialTest dials addr with a 10 s deadline; the test closes it.
func dialTest(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

// exchangeOn sends raw on c, half-closes it and returns everything read
// from r (c, or a reader of c) until the server closes.
func exchangeOn(t *testing.T, c net.Conn, r io.Reader, raw string) string {
	t.Helper()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading the answer: %v (got %q)", err, out)
	}
	return string(out)
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r\n]*\r\n`)

// withoutDate blanks the Date header values of raw responses.
func withoutDate(s string) string { return dateLine.ReplaceAllString(s, "Date: -\r\n") }

// wakeReq is a wake request for token with extra header lines and body.
func wakeReq(token, headers, body string) string {
	return "POST /v1/wake/" + token + " HTTP/1.1\r\nHost: node.example:8549\r\n" + headers + "\r\n" + body
}

// frontCase is one request sequence of the differential test, with how
// many requests the fast path must answer and whether it hands the
// connection to net/http.
type frontCase struct {
	name   string
	raw    string
	fast   int
	handed int
	status string // the first status line expected, "" for none
}

// frontCases are the requests the differential test and the fuzz corpus
// share.
func frontCases() []frontCase {
	long := strings.Repeat("A", 200)
	manyHeaders := ""
	for i := range 65 {
		manyHeaders += "X-H" + strconv.Itoa(i) + ": v\r\n"
	}
	bigHead := ""
	for i := range 60 {
		bigHead += "X-Pad" + strconv.Itoa(i) + ": " + strings.Repeat("p", 70) + "\r\n"
	}
	return []frontCase{
		{name: "wake", raw: wakeReq("good", "", ""), fast: 1, status: "201"},
		{name: "wake with body", raw: wakeReq("good", "Content-Type: text/plain\r\nContent-Length: 12\r\n", "ignored body"), fast: 1, status: "201"},
		{name: "content-length zero", raw: wakeReq("good", "Content-Length: 0\r\n", ""), fast: 1, status: "201"},
		{name: "content-length leading zeros", raw: wakeReq("good", "Content-Length: 007\r\n", "1234567"), fast: 1, status: "201"},
		{name: "body at cap", raw: wakeReq("good", "Content-Length: 4096\r\n", strings.Repeat("b", 4096)), fast: 1, status: "201"},
		{name: "body over cap", raw: wakeReq("good", "Content-Length: 4097\r\n", strings.Repeat("b", 4097)), handed: 1, status: "413"},
		{name: "body too large", raw: wakeReq("good", "Content-Length: 5000\r\n", strings.Repeat("b", 5000)), handed: 1, status: "413"},
		{name: "body too large then wake", raw: wakeReq("good", "Content-Length: 5000\r\n", strings.Repeat("b", 5000)) + wakeReq("good", "", ""), handed: 1, status: "413"},
		{name: "body cut short", raw: wakeReq("good", "Content-Length: 10\r\n", "abc"), fast: 1, status: "413"},
		{name: "ttl", raw: wakeReq("good", "TTL: 60\r\n", ""), fast: 1, status: "201"},
		{name: "ttl plus", raw: wakeReq("good", "TTL: +5\r\n", ""), fast: 1, status: "201"},
		{name: "ttl minus zero", raw: wakeReq("good", "TTL: -0\r\n", ""), fast: 1, status: "201"},
		{name: "ttl huge", raw: wakeReq("good", "TTL: 99999999999\r\n", ""), fast: 1, status: "201"},
		{name: "ttl max int64", raw: wakeReq("good", "TTL: 9223372036854775807\r\n", ""), fast: 1, status: "201"},
		{name: "ttl overflow", raw: wakeReq("good", "TTL: 9223372036854775808\r\n", ""), fast: 1, status: "400"},
		{name: "ttl negative", raw: wakeReq("good", "TTL: -1\r\n", ""), fast: 1, status: "400"},
		{name: "ttl letters", raw: wakeReq("good", "TTL: abc\r\n", ""), fast: 1, status: "400"},
		{name: "ttl fraction", raw: wakeReq("good", "TTL: 1.5\r\n", ""), fast: 1, status: "400"},
		{name: "ttl underscore", raw: wakeReq("good", "TTL: 1_0\r\n", ""), fast: 1, status: "400"},
		{name: "ttl empty", raw: wakeReq("good", "TTL: \r\n", ""), fast: 1, status: "201"},
		{name: "ttl spaces", raw: wakeReq("good", "TTL:  \t 7 \t \r\n", ""), fast: 1, status: "201"},
		{name: "ttl twice", raw: wakeReq("good", "TTL: 5\r\nttl: x\r\n", ""), fast: 1, status: "201"},
		{name: "ttl empty first", raw: wakeReq("good", "TTL:\r\nTTL: x\r\n", ""), fast: 1, status: "201"},
		{name: "ttl too long", raw: wakeReq("good", "TTL: "+strings.Repeat("0", 40)+"5\r\n", ""), handed: 1, status: "201"},
		{name: "unknown token", raw: wakeReq("AAAAAAAAAAAAAAAAAAAAAAAA", "", ""), fast: 1, status: "404"},
		{name: "rate limited", raw: wakeReq("limited", "", ""), fast: 1, status: "429"},
		{name: "rate limited ip", raw: wakeReq("limitedip", "", ""), fast: 1, status: "429"},
		{name: "queue full", raw: wakeReq("full", "", ""), fast: 1, status: "503"},
		{name: "held", raw: wakeReq("held", "", ""), fast: 1, status: "402"},
		{name: "connection close", raw: wakeReq("good", "Connection: close\r\n", "") + wakeReq("good", "", ""), fast: 1, status: "201"},
		{name: "connection close error", raw: wakeReq("nope", "Connection: Close\r\n", ""), fast: 1, status: "404"},
		{name: "connection keep-alive", raw: wakeReq("good", "Connection: keep-alive\r\n", ""), fast: 1, status: "201"},
		{name: "connection upgrade", raw: wakeReq("good", "Connection: upgrade\r\n", ""), handed: 1, status: "201"},
		{name: "connection twice", raw: wakeReq("good", "Connection: keep-alive\r\nConnection: close\r\n", ""), handed: 1, status: "201"},
		{name: "pipelined", raw: wakeReq("good", "", "") + wakeReq("nope", "", ""), fast: 2, status: "201"},
		{name: "pipelined three", raw: wakeReq("good", "Content-Length: 2\r\n", "ab") + wakeReq("good", "TTL: 3\r\n", "") + wakeReq("full", "", ""), fast: 3, status: "201"},
		{name: "pipelined mixed outcomes", raw: wakeReq("good1", "", "") + wakeReq("limited", "", "") + wakeReq("good2", "TTL: x\r\n", "") +
			wakeReq("held", "", "") + wakeReq("limitedip", "", "") + wakeReq("nope", "", "") + wakeReq("full", "", "") + wakeReq("good3", "TTL: 7\r\n", ""), fast: 8, status: "201"},
		{name: "pipelined close in the middle", raw: wakeReq("good", "", "") + wakeReq("good", "", "") + wakeReq("good", "Connection: close\r\n", "") + wakeReq("good", "", ""), fast: 3, status: "201"},
		{name: "pipelined handoff in the middle", raw: wakeReq("good", "", "") + wakeReq("good", "", "") + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + wakeReq("good", "", ""), fast: 2, handed: 1, status: "201"},
		{name: "pipelined body cut short", raw: wakeReq("good", "", "") + wakeReq("good", "Content-Length: 10\r\n", "abc"), fast: 2, status: "201"},
		{name: "pipelined body over cap", raw: wakeReq("good", "", "") + wakeReq("good", "Content-Length: 5000\r\n", strings.Repeat("b", 5000)), fast: 1, handed: 1, status: "201"},
		{name: "pipelined crlf between", raw: wakeReq("good", "", "") + "\r\n\r\n" + wakeReq("good", "Content-Length: 1\r\n", "x") + "\n" + wakeReq("nope", "", ""), fast: 3, status: "201"},
		{name: "crlf after post", raw: wakeReq("good", "Content-Length: 2\r\n", "ab") + "\r\n" + wakeReq("good", "", ""), fast: 2, status: "201"},
		{name: "many crlf after post", raw: wakeReq("good", "", "") + "\r\n\r\n\r\n" + wakeReq("good", "", ""), fast: 1, handed: 1, status: "201"},
		{name: "header case", raw: "POST /v1/wake/good HTTP/1.1\r\nhOsT: x\r\nCONTENT-LENGTH: 3\r\nttl: 9\r\nconnection: CLOSE\r\n\r\nabc", fast: 1, status: "201"},
		{name: "odd header names and values", raw: wakeReq("good", "X-!#$%&'*+.^_`|~: v\ta\"l(u)e\r\nX-Empty:\r\n", ""), fast: 1, status: "201"},
		{name: "missing host", raw: "POST /v1/wake/good HTTP/1.1\r\n\r\n", handed: 1, status: "400"},
		{name: "two hosts", raw: wakeReq("good", "Host: other\r\n", ""), handed: 1, status: "400"},
		{name: "empty host", raw: "POST /v1/wake/good HTTP/1.1\r\nHost:\r\n\r\n", handed: 1, status: "201"},
		{name: "malformed host", raw: "POST /v1/wake/good HTTP/1.1\r\nHost: a b\r\n\r\n", handed: 1, status: "400"},
		{name: "http/1.0", raw: "POST /v1/wake/good HTTP/1.0\r\nHost: x\r\n\r\n", handed: 1, status: "201"},
		{name: "http/2 preface", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", handed: 1},
		{name: "chunked", raw: wakeReq("good", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), handed: 1, status: "201"},
		{name: "chunked and length", raw: wakeReq("good", "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\n\r\n"), handed: 1, status: "201"},
		{name: "unknown transfer encoding", raw: wakeReq("good", "Transfer-Encoding: gzip\r\n", ""), handed: 1, status: "501"},
		{name: "expect", raw: wakeReq("good", "Expect: 100-continue\r\nContent-Length: 3\r\n", "abc"), handed: 1, status: "100"},
		{name: "expect other", raw: wakeReq("good", "Expect: something\r\n", ""), handed: 1, status: "417"},
		{name: "upgrade header", raw: wakeReq("good", "Upgrade: websocket\r\n", ""), handed: 1, status: "201"},
		{name: "two content-lengths", raw: wakeReq("good", "Content-Length: 1\r\nContent-Length: 1\r\n", "x"), handed: 1, status: "201"},
		{name: "conflicting content-lengths", raw: wakeReq("good", "Content-Length: 1\r\nContent-Length: 2\r\n", "xy"), handed: 1, status: "400"},
		{name: "content-length sign", raw: wakeReq("good", "Content-Length: +1\r\n", "x"), handed: 1, status: "400"},
		{name: "content-length empty", raw: wakeReq("good", "Content-Length:\r\n", ""), handed: 1, status: "400"},
		{name: "query", raw: "POST /v1/wake/good?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "201"},
		{name: "empty query", raw: "POST /v1/wake/good? HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "201"},
		{name: "escaped token", raw: "POST /v1/wake/go%6Fd HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "201"},
		{name: "dot segment", raw: "POST /v1/wake/../wake/good HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1},
		{name: "trailing slash", raw: "POST /v1/wake/good/ HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "404"},
		{name: "empty token", raw: "POST /v1/wake/ HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1},
		{name: "token too long", raw: wakeReq(long, "", ""), handed: 1, status: "404"},
		{name: "absolute uri", raw: "POST http://x/v1/wake/good HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "201"},
		{name: "lower-case method", raw: "post /v1/wake/good HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1},
		{name: "get wake", raw: "GET /v1/wake/good HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "405"},
		{name: "double space", raw: "POST  /v1/wake/good HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "400"},
		{name: "healthz", raw: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", handed: 1, status: "200"},
		{name: "wake then healthz", raw: wakeReq("good", "", "") + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", fast: 1, handed: 1, status: "201"},
		{name: "wake then relay", raw: wakeReq("good", "", "") + "POST /v1/relay HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", fast: 1, handed: 1, status: "201"},
		{name: "garbage", raw: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03hello", handed: 1, status: "400"},
		{name: "crlf first", raw: "\r\n" + wakeReq("good", "", ""), handed: 1, status: "400"},
		{name: "bare lf", raw: "POST /v1/wake/good HTTP/1.1\nHost: x\n\n", handed: 1, status: "201"},
		{name: "bare lf in headers", raw: "POST /v1/wake/good HTTP/1.1\r\nHost: x\nTTL: 4\r\n\r\n", handed: 1, status: "201"},
		{name: "cr in value", raw: wakeReq("good", "X-A: a\rb\r\n", ""), handed: 1, status: "400"},
		{name: "obs-fold", raw: wakeReq("good", "TTL: 5\r\n 6\r\n", ""), handed: 1},
		{name: "leading space header", raw: "POST /v1/wake/good HTTP/1.1\r\n Host: x\r\n\r\n", handed: 1, status: "400"},
		{name: "control in value", raw: wakeReq("good", "X-A: a\x01b\r\n", ""), handed: 1, status: "400"},
		{name: "obs-text in value", raw: wakeReq("good", "X-A: caf\xc3\xa9\r\n", ""), handed: 1, status: "201"},
		{name: "space before colon", raw: wakeReq("good", "X-A : b\r\n", ""), handed: 1, status: "400"},
		{name: "no colon", raw: wakeReq("good", "X-A\r\n", ""), handed: 1, status: "400"},
		{name: "empty name", raw: wakeReq("good", ": b\r\n", ""), handed: 1, status: "400"},
		{name: "65 headers", raw: wakeReq("good", manyHeaders, ""), handed: 1, status: "201"},
		{name: "head over buffer", raw: wakeReq("good", bigHead, ""), handed: 1, status: "201"},
		{name: "very long header", raw: wakeReq("good", "X-Long: "+strings.Repeat("l", 20000)+"\r\n", ""), handed: 1, status: "201"},
		{name: "head cut short", raw: "POST /v1/wake/good HTTP/1.1\r\nHost: x\r\n", handed: 1, status: "400"},
		{name: "request line cut short", raw: "POST /v1/wa", handed: 1, status: "400"},
		// After a request, net/http closes without an answer when the
		// stream ends before four bytes of the next.
		{name: "three bytes", raw: "POS", handed: 1, status: "400"},
		{name: "nothing", raw: ""},
		{name: "crlf only", raw: "\r\n\r\n", handed: 1, status: "400"},
	}
}

// TestWakeFrontDifferential: for each request sequence, the server with the
// fast path writes exactly the bytes net/http alone writes (Date values
// aside), makes the same push calls, and the fast path serves what it
// should and hands off the rest.
func TestWakeFrontDifferential(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	for _, tc := range frontCases() {
		t.Run(tc.name, func(t *testing.T) {
			n.push.takeCalls()
			served, handed := n.front.served.Load(), n.front.handedOff.Load()
			got := withoutDate(exchange(t, n.fast, tc.raw))
			fastCalls := n.push.takeCalls()
			if d := n.front.served.Load() - served; d != int64(tc.fast) {
				t.Errorf("fast path answered %d requests, want %d", d, tc.fast)
			}
			if d := n.front.handedOff.Load() - handed; d != int64(tc.handed) {
				t.Errorf("fast path handed off %d connections, want %d", d, tc.handed)
			}
			want := n.checkSame(t, got, fastCalls, func(addr string) string { return exchange(t, addr, tc.raw) })
			if tc.status != "" && !regexp.MustCompile(`^HTTP/1\.[01] `+tc.status+" ").MatchString(want) || tc.raw == "" && want != "" {
				t.Errorf("net/http answered %.60q, want status %q", want, tc.status)
			}
		})
	}
	m := n.srv.metrics
	if fast, handed := testutil.ToFloat64(m.wakeFast), testutil.ToFloat64(m.wakeHandoffs); fast != float64(n.front.served.Load()) || handed != float64(n.front.handedOff.Load()) {
		t.Errorf("metrics: %v answered, %v handed off; the fast path counted %d and %d", fast, handed, n.front.served.Load(), n.front.handedOff.Load())
	}
}

// TestWakeFrontResponseBytes pins the fast path's answers byte for byte.
func TestWakeFrontResponseBytes(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	got := withoutDate(exchange(t, n.fast, wakeReq("good", "TTL: 30\r\n", "")+wakeReq("limited", "Connection: close\r\n", "")))
	want := "HTTP/1.1 201 Created\r\nLocation: /v1/wake/message/" + stubWakeID + "\r\nTtl: 30\r\nDate: -\r\nContent-Length: 0\r\n\r\n" +
		"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 2\r\nDate: -\r\nContent-Length: 79\r\nConnection: close\r\n\r\n" +
		`{"error":{"code":42901,"message":"rate limit exceeded for this wakeup token"}}` + "\n"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if calls := n.push.takeCalls(); len(calls) != 2 || calls[0] != (wakeCall{"good", "127.0.0.1", 30 * time.Second}) {
		t.Fatalf("push calls %v", calls)
	}
	if d := n.front.served.Load(); d != 2 {
		t.Fatalf("fast path answered %d, want 2", d)
	}
}

// TestWakeFrontKeepAliveHandoff: on one keep-alive connection a wake
// request is served by the fast path and the next request, a GET, by
// net/http, which then keeps serving the connection.
func TestWakeFrontKeepAliveHandoff(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	c, err := net.Dial("tcp", n.fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	roundTrip := func(raw string, want int) {
		t.Helper()
		if _, err := io.WriteString(c, raw); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%.30q: status %d, want %d", raw, resp.StatusCode, want)
		}
	}
	roundTrip(wakeReq("good", "", ""), 201)
	roundTrip(wakeReq("good", "Content-Length: 3\r\n", "abc"), 201)
	roundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200)
	roundTrip(wakeReq("good", "", ""), 201) // net/http's now
	roundTrip("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", 200)
	if s, h := n.front.served.Load(), n.front.handedOff.Load(); s != 2 || h != 1 {
		t.Fatalf("fast path answered %d and handed off %d, want 2 and 1", s, h)
	}
}

// TestWakeFrontWebsocket: a websocket dial through the fast path is handed
// to net/http and upgraded as without it, and the session reads through
// the handed-off connection, with readiness waits on its socket.
func TestWakeFrontWebsocket(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	greeting := func(addr string) (http.Header, string) {
		t.Helper()
		ws, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		defer ws.Close()
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Method string }
		if err := json.Unmarshal(msg, &m); err != nil {
			t.Fatal(err)
		}
		// A ping answered shows bytes flow both ways after the hijack.
		pong := make(chan struct{}, 1)
		ws.SetPongHandler(func(string) error { pong <- struct{}{}; return nil })
		if err := ws.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(5*time.Second)); err != nil {
			t.Fatal(err)
		}
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		go ws.ReadMessage()
		select {
		case <-pong:
		case <-time.After(5 * time.Second):
			t.Fatal("no pong")
		}
		h := resp.Header.Clone()
		h.Del("Sec-Websocket-Accept") // differs by key
		return h, m.Method
	}
	fh, fm := greeting(n.fast)
	ph, pm := greeting(n.plain)
	if fm != wire.MethodChallenge || pm != fm {
		t.Fatalf("greetings %q and %q", fm, pm)
	}
	if fmt.Sprint(fh) != fmt.Sprint(ph) {
		t.Fatalf("handshake headers differ: %v vs %v", fh, ph)
	}
	if h := n.front.handedOff.Load(); h != 1 {
		t.Fatalf("handed off %d connections, want 1", h)
	}
	// The session on a handed-off connection waits for readiness on the
	// socket (idleread.go), as it does on a connection net/http accepted.
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+n.fast+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	waitFor(t, "a session", func() bool { return n.srv.sessionCount() > 0 })
	n.srv.mu.Lock()
	for c := range n.srv.conns {
		if c.rd.raw == nil {
			t.Error("session has no raw socket for readiness waits")
		}
	}
	n.srv.mu.Unlock()
}

// dialFront runs a node with the fast path on pusher p and dials it; stop
// ends Run.
func dialFront(t *testing.T, p *stubPusher) (net.Conn, func() error) {
	_, c, stop := dialFrontNode(t, p)
	return c, stop
}

// dialFrontNode is dialFront that also returns the fast path.
func dialFrontNode(t *testing.T, p *stubPusher) (*wakeFront, net.Conn, func() error) {
	t.Helper()
	front, addr, stop := runWithFront(t, newFrontServer(t, p))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return front, c, stop
}

// TestWakeFrontShutdownIdle: an idle keep-alive connection of the fast
// path does not hold up shutdown.
func TestWakeFrontShutdownIdle(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	c, stop := dialFront(t, p)
	br := bufio.NewReader(c)
	io.WriteString(c, wakeReq("good", "", ""))
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("wake: %v %v", resp, err)
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %v with an idle connection", d)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection after shutdown: %v, want EOF", err)
	}
}

// TestWakeFrontShutdownInFlight: shutdown waits for a request the fast
// path is serving, which is answered (with Connection: close) before Run
// returns.
func TestWakeFrontShutdownInFlight(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody, entered: make(chan struct{}, 1), unblock: make(chan struct{})}
	c, stop := dialFront(t, p)
	io.WriteString(c, wakeReq("block", "", ""))
	<-p.entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	finishInFlight(t, p, c, stopped)
}

// finishInFlight checks that Run, stopping on stopped, waits for the
// request blocked in p, then lets it go and expects its closing 201 on c.
func finishInFlight(t *testing.T, p *stubPusher, c net.Conn, stopped <-chan error) {
	t.Helper()
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) with a request in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(p.unblock)
	expectClosing201(t, c, stopped)
}

// expectClosing201 reads a 201 with Connection: close from c, then waits
// for Run to return cleanly on stopped.
func expectClosing201(t *testing.T, c net.Conn, stopped <-chan error) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || !resp.Close {
		t.Fatalf("answer %d, close %v; want 201 and close", resp.StatusCode, resp.Close)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// TestWakeFrontShutdownMidHead: shutdown waits for a connection whose
// request head is arriving, as net/http waits for an active one, and the
// request is answered with Connection: close.
func TestWakeFrontShutdownMidHead(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	front, c, stop := dialFrontNode(t, p)
	// Half a head: the connection is busy, as net/http counts it.
	io.WriteString(c, "POST /v1/wake/good HTTP/1.1\r\n")
	waitFor(t, "a busy connection", func() bool {
		front.mu.Lock()
		defer front.mu.Unlock()
		for fc := range front.conns {
			if !fc.idle {
				return true
			}
		}
		return false
	})
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond)
	io.WriteString(c, "Host: x\r\n\r\n")
	expectClosing201(t, c, stopped)
}

// TestWakeFrontRealPush: with the real push relay, a wake request on a
// keep-alive connection is served by the fast path and delivered, and the
// GET that follows on the same connection is handed to net/http; then a
// pipelined burst is served and delivered.
func TestWakeFrontRealPush(t *testing.T) {
	got := make(chan *wakeFront, 1)
	wakeFrontHook = func(f *wakeFront) { got <- f }
	fake, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}})
	front := <-got
	wakeFrontHook = nil
	key, _ := crypto.GenerateKey()
	cl := dialClient(t, n.url, key, nil)
	if _, err := cl.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "phone", Gateway: "apns", AppID: testApp, Token: hexToken(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, err := cl.WakeupToken(t.Context(), "phone")
	if err != nil {
		t.Fatal(err)
	}
	served, handed := front.served.Load(), front.handedOff.Load()
	c, err := net.Dial("tcp", strings.TrimPrefix(n.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "POST "+wt.Path+" HTTP/1.1\r\nHost: x\r\nTTL: 60\r\nContent-Length: 5\r\n\r\nhello")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 201 || !strings.HasPrefix(loc, "/v1/wake/message/") || resp.Header.Get("TTL") != "60" {
		t.Fatalf("wake = %d %v", resp.StatusCode, resp.Header)
	}
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("ok")) {
		t.Fatalf("healthz = %d %q", resp.StatusCode, body)
	}
	if s, h := front.served.Load()-served, front.handedOff.Load()-handed; s != 1 || h != 1 {
		t.Fatalf("fast path answered %d and handed off %d, want 1 and 1", s, h)
	}
	fakeWait(t, fake, 1)
	if id := fake.Deliveries()[0].ApnsID; "/v1/wake/message/"+id != loc {
		t.Fatalf("delivered apns-id %s, answered %s", id, loc)
	}

	// Pipelined on a second connection: one write carries 11 wake requests
	// (one with an unknown token, one with a bad TTL, and nine that bring
	// the token to its burst of ten); the relay queues the accepted ones as
	// a group, and each is answered in order and delivered.
	c2, err := net.Dial("tcp", strings.TrimPrefix(n.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(10 * time.Second))
	var burst strings.Builder
	for i := range 11 {
		path, ttl := wt.Path, ""
		switch i {
		case 4:
			path = "/v1/wake/AAAAAAAAAAAAAAAAAAAAAAAA"
		case 7:
			ttl = "TTL: soon\r\n"
		}
		burst.WriteString("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + ttl + "\r\n")
	}
	served = front.served.Load()
	io.WriteString(c2, burst.String())
	br2 := bufio.NewReader(c2)
	ids := map[string]bool{}
	for i := range 11 {
		resp, err := http.ReadResponse(br2, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		want := 201
		switch i {
		case 4:
			want = 404
		case 7:
			want = 400
		}
		if resp.StatusCode != want {
			t.Fatalf("pipelined request %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want == 201 {
			ids[strings.TrimPrefix(resp.Header.Get("Location"), "/v1/wake/message/")] = true
		}
	}
	if s := front.served.Load() - served; s != 11 {
		t.Fatalf("fast path answered %d pipelined requests, want 11", s)
	}
	fakeWait(t, fake, 10)
	for _, d := range fake.Deliveries()[1:] {
		delete(ids, d.ApnsID)
	}
	if len(ids) != 0 {
		t.Fatalf("answered 201 but not delivered: %v", ids)
	}
}

// TestParseTTLSeconds: parseTTLSeconds agrees with strconv.ParseInt.
func TestParseTTLSeconds(t *testing.T) {
	for _, v := range []string{"0", "-0", "+0", "1", "+1", "-1", "", "+", "-", "1_0", "0x10", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "99999999999999999999", "00000000000000000000000001", " 1", "1 ", "١"} {
		checkTTLParse(t, v)
	}
}

// checkTTLParse fails t when parseTTLSeconds and strconv.ParseInt disagree
// on v.
func checkTTLParse(t *testing.T, v string) {
	t.Helper()
	secs, err := strconv.ParseInt(v, 10, 64)
	wantOK := err == nil && secs >= 0
	got, ok := parseTTLSeconds(v)
	if ok != wantOK || ok && got != secs {
		t.Fatalf("parseTTLSeconds(%q) = %d %v, strconv says %d %v", v, got, ok, secs, err)
	}
	if gotB, okB := parseTTLSeconds([]byte(v)); gotB != got || okB != ok {
		t.Fatalf("parseTTLSeconds differs for bytes and string on %q", v)
	}
}

// TestAppendHeaderValue: values are written as net/http writes them.
func TestAppendHeaderValue(t *testing.T) {
	for _, v := range []string{"abc", " abc ", "\tab\r\nc\n", "\r\n", "", "a b"} {
		var buf bytes.Buffer
		http.Header{"Location": {"/p/" + v}}.Write(&buf)
		want := strings.TrimSuffix(strings.TrimPrefix(buf.String(), "Location: "), "\r\n")
		if got := string(appendHeaderValue(nil, "/p/", v)); got != want {
			t.Errorf("appendHeaderValue(%q) = %q, want %q", v, got, want)
		}
	}
	// A leading space comes out too.
	var buf bytes.Buffer
	http.Header{"X": {"\n a"}}.Write(&buf)
	if got, want := string(appendHeaderValue(nil, "", "\n a")), strings.TrimSuffix(strings.TrimPrefix(buf.String(), "X: "), "\r\n"); got != want {
		t.Errorf("leading: %q, want %q", got, want)
	}
}

// TestHTTPDate: the cached Date value is net/http's format of the current
// second.
func TestHTTPDate(t *testing.T) {
	now := time.Now()
	if got, want := string(httpDate(now)), now.UTC().Format(http.TimeFormat); got != want {
		t.Fatalf("httpDate = %q, want %q", got, want)
	}
	later := now.Add(1500 * time.Millisecond)
	if got, want := string(httpDate(later)), later.UTC().Format(http.TimeFormat); got != want {
		t.Fatalf("httpDate a second later = %q, want %q", got, want)
	}
}

// BenchmarkWakeFront compares one keep-alive connection's wake requests
// served by the fast path with the same requests served by net/http
// (Handler) alone, push relay stubbed out. The client allocates nothing,
// so allocs/op are the server's.
func BenchmarkWakeFront(b *testing.B) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	srv := newFrontServer(b, p)
	plain := servePlain(b, srv)
	_, fast, _ := runWithFront(b, srv)
	req := []byte(wakeReq("good_AAAAAAAAAAAAAAAAAAAA", "User-Agent: bench\r\nTTL: 60\r\nContent-Length: 0\r\n", ""))
	for _, bc := range []struct{ name, addr string }{{"front", fast}, {"net-http", plain}} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := net.Dial("tcp", bc.addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			buf := make([]byte, 4096)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				n := 0
				for n < 4 || !bytes.HasSuffix(buf[:n], []byte("\r\n\r\n")) {
					m, err := c.Read(buf[n:])
					if err != nil {
						b.Fatal(err)
					}
					n += m
				}
				if i == 0 && !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 201 ")) {
					b.Fatalf("answer %q", buf[:n])
				}
			}
		})
	}
}

// TestHandoffConn: a handed-off connection reads the buffered bytes first,
// then the socket, and offers its raw socket only once they are read.
func TestHandoffConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	server.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(client, "buffered")
	buf := getFrontBuf(server)
	if _, err := buf.br.Peek(len("buffered")); err != nil {
		t.Fatal(err)
	}
	hc := &handoffConn{Conn: server, buf: buf}
	if _, err := hc.SyscallConn(); err == nil {
		t.Fatal("raw socket offered with bytes still buffered")
	}
	io.WriteString(client, " then socket")
	got := make([]byte, 0, 64)
	for len(got) < len("buffered then socket") {
		p := make([]byte, 5)
		n, err := hc.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p[:n]...)
	}
	if string(got) != "buffered then socket" {
		t.Fatalf("read %q", got)
	}
	if _, err := hc.SyscallConn(); err != nil {
		t.Fatalf("raw socket once drained: %v", err)
	}
	if err := hc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("client read after CloseWrite: %v", err)
	}
}

// scriptedListener returns a temporary accept error, then the real
// listener's connections, then, on fail, a fatal error.
type scriptedListener struct {
	net.Listener
	temp atomic.Bool   // the temporary error was returned
	fail chan struct{} // closed: Accept fails for good
}

// tempError is a temporary accept error.
type tempError struct{}

func (tempError) Error() string   { return "temporary" }
func (tempError) Timeout() bool   { return false }
func (tempError) Temporary() bool { return true }

// Accept follows the script.
func (l *scriptedListener) Accept() (net.Conn, error) {
	if !l.temp.Swap(true) {
		return nil, tempError{}
	}
	type result struct {
		c   net.Conn
		err error
	}
	res := make(chan result, 1)
	go func() { c, err := l.Listener.Accept(); res <- result{c, err} }()
	select {
	case r := <-res:
		return r.c, r.err
	case <-l.fail:
		l.Listener.Close()
		if r := <-res; r.c != nil {
			r.c.Close()
		}
		return nil, errors.New("listener broke")
	}
}

// TestWakeFrontAcceptErrors: accept errors reach net/http's Serve, which
// retries a temporary one and fails Run on another, and Run then leaves
// no fast-path goroutine or connection behind.
func TestWakeFrontAcceptErrors(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	srv := newFrontServer(t, p)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &scriptedListener{Listener: inner, fail: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- srv.Run(context.Background(), ln) }()
	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, wakeReq("good", "", ""))
	br := bufio.NewReader(c)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("wake after a temporary accept error: %v %v", resp, err)
	}
	close(ln.fail)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "listener broke") {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("fast-path connection after Run: %v, want EOF", err)
	}
}

// TestWakeFrontGroups: wake requests that arrive pipelined in one read are
// served as groups (WakeBatch), in order, at most frontGroupMax a group,
// each answered as it would be alone.
func TestWakeFrontGroups(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	const total = frontGroupMax + 10
	var raw strings.Builder
	var want []wakeCall
	for i := range total {
		tok := fmt.Sprintf("good%d", i)
		if i%7 == 3 {
			tok = "nope"
		}
		raw.WriteString(wakeReq(tok, "", ""))
		want = append(want, wakeCall{tok, "127.0.0.1", 0})
	}
	got := exchange(t, n.fast, raw.String())
	if c := strings.Count(got, "HTTP/1.1 201 Created"); c != total-(total+3)/7 {
		t.Errorf("%d answers 201, want %d", c, total-(total+3)/7)
	}
	if c := strings.Count(got, "HTTP/1.1 404 "); c != (total+3)/7 {
		t.Errorf("%d answers 404, want %d", c, (total+3)/7)
	}
	if calls := n.push.takeCalls(); fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("push calls %v\nwant %v", calls, want)
	}
	n.push.mu.Lock()
	batches := n.push.batches
	n.push.mu.Unlock()
	// One write of the client's arrives in one read here; its requests
	// need at least two groups, since one holds at most frontGroupMax.
	if batches < 2 {
		t.Errorf("%d WakeBatch calls, want at least 2", batches)
	}
	if d := n.front.served.Load(); d != total {
		t.Errorf("fast path answered %d, want %d", d, total)
	}
	m := n.srv.metrics
	if fast, grouped := testutil.ToFloat64(m.wakeFast), testutil.ToFloat64(m.wakeGrouped); fast != total || grouped < frontGroupMax+2 || grouped > total {
		t.Errorf("metrics: %v answered by the fast path, %v in groups; want %d and at least %d", fast, grouped, total, frontGroupMax+2)
	}
}
