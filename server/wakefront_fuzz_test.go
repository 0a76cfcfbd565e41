package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/pnmarket/pnmarket/server/push"
)

// blockingListener accepts nothing until closed.
type blockingListener struct {
	once   sync.Once
	closed chan struct{}
}

// Accept waits for Close.
func (l *blockingListener) Accept() (net.Conn, error) {
	<-l.closed
	return nil, net.ErrClosed
}

// Close ends Accept.
func (l *blockingListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is a fixed loopback address.
func (l *blockingListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// FuzzWakeFront feeds raw bytes to the wake fast path. The head parser
// must never panic, and a head it accepts must be one net/http parses to
// the same token, Content-Length, TTL and Connection: close, validates as
// its server does, and routes to handleWake with that token. The bytes are
// also served on a connection by the fast path, which must write one
// well-formed response per request it answers.
func FuzzWakeFront(f *testing.F) {
	for _, tc := range frontCases() {
		f.Add([]byte(tc.raw))
	}
	const maxBody = push.DefaultMaxWakeBody

	// The reference: the server's own handler, its push relay recording.
	ref := &stubPusher{maxBody: maxBody, record: true}
	refSrv := newFrontServer(f, ref)
	handler := refSrv.Handler()

	// The connection-level check: a fast path, its handoffs drained.
	srv := newFrontServer(f, &stubPusher{maxBody: maxBody})
	front := newWakeFront(srv, &blockingListener{closed: make(chan struct{})})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			c, err := front.Accept()
			if err != nil {
				return
			}
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	f.Cleanup(func() {
		front.abort()
		<-drained
		srv.Shutdown(context.Background())
		refSrv.Shutdown(context.Background())
	})

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) <= 40 {
			checkTTLParse(t, string(data))
		}
		var h wakeHead
		if parseWakeHead(data, maxBody, &h) == headOK {
			checkAcceptedHead(t, handler, ref, data, &h)
		}
		checkServedConn(t, front, data)
	})
}

// checkAcceptedHead fails t unless net/http agrees with the fast path on a
// head it accepted.
func checkAcceptedHead(t *testing.T, handler http.Handler, ref *stubPusher, data []byte, h *wakeHead) {
	t.Helper()
	if h.n <= 0 || h.n > len(data) || h.tok1 > h.n || h.ttl1 > h.n || h.ttl0 > h.ttl1 || h.clen > push.DefaultMaxWakeBody {
		t.Fatalf("bad offsets %+v for %d bytes", *h, len(data))
	}
	token := string(data[h.tok0:h.tok1])
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatalf("fast path accepts what net/http refuses: %v", err)
	}
	switch {
	case req.Method != http.MethodPost || req.Proto != "HTTP/1.1":
		t.Fatalf("method %q proto %q", req.Method, req.Proto)
	case req.RequestURI != "/v1/wake/"+token || req.URL.Path != "/v1/wake/"+token || req.URL.RawQuery != "" || req.URL.ForceQuery:
		t.Fatalf("token %q, but net/http has URI %q", token, req.RequestURI)
	case req.ContentLength != int64(h.clen) || len(req.TransferEncoding) != 0:
		t.Fatalf("Content-Length %d, net/http %d %v", h.clen, req.ContentLength, req.TransferEncoding)
	case req.Header.Get("TTL") != string(data[h.ttl0:h.ttl1]):
		t.Fatalf("TTL %q, net/http %q", data[h.ttl0:h.ttl1], req.Header.Get("TTL"))
	case req.Close != h.close:
		t.Fatalf("close %v, net/http %v", h.close, req.Close)
	case req.Header.Get("Expect") != "" || req.Header.Get("Upgrade") != "":
		t.Fatal("Expect or Upgrade accepted")
	}
	// What net/http's server checks beyond ReadRequest, on the header as
	// read (ReadRequest moves Host out of it).
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	tp.ReadLine()
	header, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	if hosts := header["Host"]; len(hosts) != 1 || !httpguts.ValidHostHeader(hosts[0]) {
		t.Fatalf("Host %q", hosts)
	}
	for k, vv := range header {
		if !httpguts.ValidHeaderFieldName(k) {
			t.Fatalf("header name %q", k)
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				t.Fatalf("header value %q", v)
			}
		}
	}
	// The head ends where net/http's body starts.
	body, err := io.ReadAll(req.Body)
	complete := len(data) >= h.n+h.clen
	if complete && (err != nil || !bytes.Equal(body, data[h.n:h.n+h.clen])) {
		t.Fatalf("body %q (%v), fast path has %q", body, err, data[h.n:h.n+h.clen])
	}
	// The server's handler routes it to handleWake with the same token.
	req, _ = http.ReadRequest(bufio.NewReader(bytes.NewReader(data)))
	req.RemoteAddr = "192.0.2.1:1234"
	ref.takeCalls()
	handler.ServeHTTP(httptest.NewRecorder(), req)
	calls := ref.takeCalls()
	if complete && (len(calls) != 1 || calls[0].token != token || calls[0].ip != "192.0.2.1") {
		if len(calls) == 0 && h.ttl1 > h.ttl0 {
			if _, ok := parseTTLSeconds(data[h.ttl0:h.ttl1]); !ok {
				return // refused for its TTL before the push relay
			}
		}
		t.Fatalf("handler made push calls %v, want one for %q", calls, token)
	}
}

// memConn is a connection that reads its bytes and then end of stream,
// and keeps what is written to it.
type memConn struct {
	r *bytes.Reader
	w bytes.Buffer
}

// Read reads the connection's bytes, then end of stream.
func (c *memConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write keeps p.
func (c *memConn) Write(p []byte) (int, error) { return c.w.Write(p) }

// Close does nothing.
func (c *memConn) Close() error { return nil }

// LocalAddr is a fixed loopback address.
func (c *memConn) LocalAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8549} }

// RemoteAddr is a fixed documentation address.
func (c *memConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 1234} }

// SetDeadline does nothing: reads never block.
func (c *memConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline does nothing.
func (c *memConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline does nothing.
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// checkServedConn serves data on a connection through front and fails t
// unless what the fast path wrote is one well-formed response for each
// request it answered.
func checkServedConn(t *testing.T, front *wakeFront, data []byte) {
	t.Helper()
	c := &memConn{r: bytes.NewReader(data)}
	fc := front.track(c)
	if fc == nil {
		t.Fatal("front closed")
	}
	served := front.served.Load()
	front.serveConn(fc) // returns once the connection is closed or handed off
	n := front.served.Load() - served
	br := bufio.NewReader(&c.w)
	for i := range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d of %d: %v in %q", i+1, n, err, c.w.Bytes())
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("response %d body: %v", i+1, err)
		}
	}
	if br.Buffered() > 0 {
		t.Fatalf("bytes after %d responses: %q", n, c.w.Bytes())
	}
}
