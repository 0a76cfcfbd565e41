package h2client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// newTLSServer starts the standard library's HTTP/2 server (an independent
// implementation) with h and returns a Transport dialling it.
func newTLSServer(t *testing.T, h http.Handler, cfg Config) (*httptest.Server, *Transport) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	cfg.Dial = DialTLS(srv.Listener.Addr().String(), &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: "example.com"}})
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return srv, tr
}

func do(t *testing.T, tr *Transport, ctx context.Context, method, url string, body []byte, hdr map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestRoundTripAgainstStdServer(t *testing.T) {
	var protos sync.Map
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Path", r.URL.Path)
		w.Header().Set("X-Header", r.Header.Get("X-Token"))
		w.Header().Set("X-Length", fmt.Sprint(r.ContentLength))
		w.Header().Set("X-Method", r.Method)
		w.Header()["X-Multi"] = []string{"a", "b"} // one name, two fields
		switch r.URL.Path {
		case "/empty":
			w.WriteHeader(http.StatusOK)
		case "/gone":
			w.WriteHeader(http.StatusGone)
			w.Write([]byte(`{"reason":"Unregistered"}`))
		default:
			w.Write(append([]byte("echo:"), body...))
		}
	})
	srv, tr := newTLSServer(t, h, Config{NeverIndex: []string{":path", "x-token"}})
	ctx := t.Context()

	resp, body, err := do(t, tr, ctx, "POST", srv.URL+"/echo/1", []byte("hello"), map[string]string{"X-Token": "abc"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(body) != "echo:hello" || resp.Header.Get("X-Path") != "/echo/1" ||
		resp.Header.Get("X-Header") != "abc" || resp.Header.Get("X-Length") != "5" || resp.Proto != "HTTP/2.0" ||
		fmt.Sprint(resp.Header["X-Multi"]) != "[a b]" {
		t.Fatalf("echo: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body, err = do(t, tr, ctx, "GET", srv.URL+"/empty", nil, nil)
	if err != nil || resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("X-Method") != "GET" {
		t.Fatalf("empty: %v %v %q", err, resp, body)
	}
	resp, body, err = do(t, tr, ctx, "POST", srv.URL+"/gone", []byte("{}"), nil)
	if err != nil || resp.StatusCode != 410 || string(body) != `{"reason":"Unregistered"}` {
		t.Fatalf("gone: %v %v %q", err, resp, body)
	}
	if _, ok := protos.Load("HTTP/2.0"); !ok {
		t.Fatal("server did not see HTTP/2")
	}
}

// TestConcurrentStreams sends more concurrent requests than the server's
// stream limit over the one connection, with distinct HPACK values each.
func TestConcurrentStreams(t *testing.T) {
	var inflight, peak atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		// Hold every stream until the server's limit is reached (or the
		// clients have run out).
		for deadline := time.Now().Add(2 * time.Second); peak.Load() < 250 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		inflight.Add(-1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Apns-Id", r.Header.Get("Apns-Id"))
	})
	srv, tr := newTLSServer(t, h, Config{NeverIndex: []string{"apns-id"}})
	srv.Config.SetKeepAlivesEnabled(true)
	const n = 600 // the standard server allows 250 concurrent streams
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("id-%d", i)
			resp, _, err := do(t, tr, t.Context(), "POST", srv.URL+"/3/device/"+id, []byte(`{"aps":{}}`), map[string]string{"apns-id": id})
			if err == nil && resp.Header.Get("Apns-Id") != id {
				err = fmt.Errorf("reply for %s carries %q", id, resp.Header.Get("Apns-Id"))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 250 {
		t.Fatalf("peak concurrency at the server %d, want the server's limit 250", p)
	}
}

// TestFlowControl sends a body far larger than the initial windows, so it
// goes out only as the server's WINDOW_UPDATEs arrive.
func TestFlowControl(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, n)
	})
	srv, tr := newTLSServer(t, h, Config{MaxRequestBody: 8 << 20})
	big := bytes.Repeat([]byte("x"), 5<<20)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			resp, body, err := do(t, tr, t.Context(), "PUT", srv.URL+"/up", big, nil)
			if err != nil || resp.StatusCode != 200 || string(body) != fmt.Sprint(len(big)) {
				t.Errorf("upload: %v %v %q", err, resp, body)
			}
		})
	}
	wg.Wait()
	if _, _, err := do(t, tr, t.Context(), "PUT", srv.URL+"/up", make([]byte, 8<<20+1), nil); err == nil || !strings.Contains(err.Error(), "request body over") {
		t.Fatalf("over-cap body: %v", err)
	}
}

func TestResponseBodyCap(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("y"), 100<<10))
	})
	srv, tr := newTLSServer(t, h, Config{})
	if _, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/big", nil, nil); err == nil || !strings.Contains(err.Error(), "reply body over") {
		t.Fatalf("big reply: %v", err)
	}
	// The connection still serves.
	h2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	_ = h2
	resp, _, err := do(t, tr, t.Context(), "HEAD", srv.URL+"/big", nil, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after reset: %v %v", err, resp)
	}
}

// TestCancelResetsStream checks that a request whose context ends is reset
// at the server and frees its stream.
func TestCancelResetsStream(t *testing.T) {
	cancelled := make(chan struct{}, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/block" {
			<-r.Context().Done()
			cancelled <- struct{}{}
			return
		}
	})
	srv, tr := newTLSServer(t, h, Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, _, err := do(t, tr, ctx, "POST", srv.URL+"/block", []byte("x"), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("server never saw the stream reset")
	}
	if _, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/ok", nil, nil); err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	open := len(tr.cc.streams)
	tr.mu.Unlock()
	if open != 0 {
		t.Fatalf("%d streams still open", open)
	}
}

// TestReconnect checks that requests fail when the server drops the
// connection and that the next request dials a new one.
func TestReconnect(t *testing.T) {
	var dials atomic.Int32
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			<-release
		}
	})
	srv, tr := newTLSServer(t, h, Config{})
	dial := tr.cfg.Dial
	tr.cfg.Dial = func(ctx context.Context) (net.Conn, error) { dials.Add(1); return dial(ctx) }
	if _, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/", nil, nil); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/hang", nil, nil)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	srv.CloseClientConnections()
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "connection closed") {
		t.Fatalf("in-flight request: %v", err)
	}
	close(release)
	if _, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := dials.Load(); d != 2 {
		t.Fatalf("%d dials, want 2", d)
	}
}

func TestIdleTimeout(t *testing.T) {
	var dials atomic.Int32
	srv, tr := newTLSServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), Config{IdleTimeout: 50 * time.Millisecond})
	dial := tr.cfg.Dial
	tr.cfg.Dial = func(ctx context.Context) (net.Conn, error) { dials.Add(1); return dial(ctx) }
	for range 2 {
		if _, _, err := do(t, tr, t.Context(), "GET", srv.URL+"/", nil, nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if d := dials.Load(); d != 2 {
		t.Fatalf("%d dials, want 2 (the idle connection should have closed)", d)
	}
	tr.CloseIdleConnections()
}

func TestDialTLSRequiresH2(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})) // HTTP/1.1 only
	defer srv.Close()
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	dial := DialTLS(srv.Listener.Addr().String(), &tls.Dialer{Config: &tls.Config{RootCAs: pool, ServerName: "example.com"}})
	// Go's server refuses the handshake (no_application_protocol); others
	// may complete it without ALPN, which DialTLS refuses.
	if _, err := dial(t.Context()); err == nil || !strings.Contains(err.Error(), "did not negotiate h2") && !strings.Contains(err.Error(), "no application protocol") {
		t.Fatalf("err = %v", err)
	}
}

// scripted is a raw HTTP/2 server over loopback TCP whose behaviour a
// test writes frame by frame.
type scripted struct {
	ln    net.Listener
	conns chan *serverConn
}

type serverConn struct {
	net.Conn
	fr *http2.Framer
}

func newScripted(t *testing.T, settings ...http2.Setting) (*scripted, *Transport) {
	t.Helper()
	return newScriptedWith(t, nil, settings...)
}

// newScriptedWith is newScripted with the Transport's Config changed by
// edit (nil: none).
func newScriptedWith(t *testing.T, edit func(*Config), settings ...http2.Setting) (*scripted, *Transport) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{ln: ln, conns: make(chan *serverConn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			preface := make([]byte, len(http2.ClientPreface))
			if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
				c.Close()
				continue
			}
			sc := &serverConn{Conn: c, fr: http2.NewFramer(c, c)}
			sc.fr.ReadMetaHeaders = hpackDecoder()
			sc.fr.WriteSettings(settings...)
			s.conns <- sc
		}
	}()
	t.Cleanup(func() { ln.Close() })
	cfg := Config{Dial: func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", ln.Addr().String())
	}, PingInterval: 100 * time.Millisecond, PingTimeout: 100 * time.Millisecond}
	if edit != nil {
		edit(&cfg)
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return s, tr
}

func (s *scripted) accept(t *testing.T) *serverConn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection")
		return nil
	}
}

// readHeaders reads frames until a request's HEADERS, answering SETTINGS.
func (c *serverConn) readHeaders(t *testing.T) *http2.MetaHeadersFrame {
	t.Helper()
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			t.Errorf("server read: %v", err)
			return nil
		}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			return f
		case *http2.SettingsFrame:
			if !f.IsAck() {
				c.fr.WriteSettingsAck()
			}
		}
	}
}

func (c *serverConn) reply(t *testing.T, id uint32, status string, end bool, extra ...string) {
	t.Helper()
	block := encodeHeaders(append([]string{":status", status}, extra...)...)
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndStream: end, EndHeaders: true}); err != nil {
		t.Error(err)
	}
}

func async(t *testing.T, tr *Transport, path string) chan error {
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://fake"+path, nil)
		resp, err := tr.RoundTrip(req)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		errc <- err
	}()
	return errc
}

func wait(t *testing.T, errc chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("request did not finish")
		return nil
	}
}

// TestGoAwayRetriesUnprocessed: a GOAWAY whose last stream id is below a
// request's stream sends that request again on a new connection; the
// processed one completes on the old connection.
func TestGoAwayRetriesUnprocessed(t *testing.T) {
	s, tr := newScripted(t)
	first := async(t, tr, "/a")
	c1 := s.accept(t)
	h1 := c1.readHeaders(t)
	second := async(t, tr, "/b")
	h2 := c1.readHeaders(t)
	c1.fr.WriteGoAway(h1.StreamID, http2.ErrCodeNo, nil)
	c2 := s.accept(t)
	h3 := c2.readHeaders(t)
	if h3.PseudoValue("path") != h2.PseudoValue("path") {
		t.Fatalf("retried %q, want %q", h3.PseudoValue("path"), h2.PseudoValue("path"))
	}
	c2.reply(t, h3.StreamID, "200", true)
	if err := wait(t, second); err != nil {
		t.Fatal(err)
	}
	c1.reply(t, h1.StreamID, "200", true)
	if err := wait(t, first); err != nil {
		t.Fatal(err)
	}
}

// TestRefusedStreamRetried: REFUSED_STREAM means unprocessed.
func TestRefusedStreamRetried(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	c.fr.WriteRSTStream(h.StreamID, http2.ErrCodeRefusedStream)
	// The retry may go to the same connection or a new one.
	var h2 *http2.MetaHeadersFrame
	select {
	case c2 := <-s.conns:
		defer c2.Close()
		c = c2
	default:
	}
	h2 = c.readHeaders(t)
	c.reply(t, h2.StreamID, "200", true)
	if err := wait(t, errc); err != nil {
		t.Fatal(err)
	}
}

// TestResetFails: other reset codes fail the request without retry.
func TestResetFails(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	c.fr.WriteRSTStream(h.StreamID, http2.ErrCodeInternal)
	if err := wait(t, errc); err == nil || !strings.Contains(err.Error(), "INTERNAL_ERROR") {
		t.Fatalf("err = %v", err)
	}
}

// TestInformationalTrailersContinuation: a 100 reply is skipped, headers
// split over CONTINUATION frames are joined, trailers end the stream.
func TestInformationalTrailersContinuation(t *testing.T) {
	s, tr := newScripted(t)
	done := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://fake/x", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	c := s.accept(t)
	h := c.readHeaders(t)
	c.reply(t, h.StreamID, "100", false)
	block := encodeHeaders(":status", "201", "x-long", strings.Repeat("v", 40000))
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: block[:10000]})
	c.fr.WriteContinuation(h.StreamID, false, block[10000:20000])
	c.fr.WriteContinuation(h.StreamID, true, block[20000:])
	c.fr.WriteData(h.StreamID, false, []byte("body"))
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: encodeHeaders("x-trailer", "t"), EndStream: true, EndHeaders: true})
	var resp *http.Response
	select {
	case resp = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no reply")
	}
	if resp == nil {
		t.FailNow()
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || len(resp.Header.Get("X-Long")) != 40000 || string(b) != "body" {
		t.Fatalf("reply %d, %d header bytes, body %q", resp.StatusCode, len(resp.Header.Get("X-Long")), b)
	}
}

// TestMaxConcurrentStreamsWaits: with the server's limit at 1, a second
// request waits for the first stream to end; Free tells the two states
// apart.
func TestMaxConcurrentStreamsWaits(t *testing.T) {
	s, tr := newScripted(t, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1})
	if !tr.Free() {
		t.Fatal("Free is false before the first connection")
	}
	first := async(t, tr, "/a")
	c := s.accept(t)
	h1 := c.readHeaders(t)
	// Let the client see the SETTINGS before the second request.
	time.Sleep(50 * time.Millisecond)
	if tr.Free() {
		t.Fatal("Free is true with the server's one stream in use")
	}
	second := async(t, tr, "/b")
	time.Sleep(50 * time.Millisecond)
	tr.mu.Lock()
	open := len(tr.cc.streams)
	tr.mu.Unlock()
	if open != 1 {
		t.Fatalf("%d streams open, server allows 1", open)
	}
	c.reply(t, h1.StreamID, "200", true)
	if err := wait(t, first); err != nil {
		t.Fatal(err)
	}
	h2 := c.readHeaders(t)
	c.reply(t, h2.StreamID, "200", true)
	if err := wait(t, second); err != nil {
		t.Fatal(err)
	}
	if !tr.Free() {
		t.Error("Free is false with no stream in use")
	}
	tr.Close()
	if tr.Free() {
		t.Error("Free is true after Close")
	}
}

// TestStalledConnectionNotFree: a connection with a request in flight that
// receives nothing for StallAfter is not Free, and is Free again once a
// frame arrives. The silence of an idle connection does not count.
func TestStalledConnectionNotFree(t *testing.T) {
	const stall = 100 * time.Millisecond
	s, tr := newScriptedWith(t, func(c *Config) { c.StallAfter = stall; c.PingInterval = time.Hour })
	first := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	time.Sleep(50 * time.Millisecond) // the SETTINGS exchange is over
	if !tr.Free() {
		t.Fatal("Free is false with a request just sent")
	}
	time.Sleep(stall + 50*time.Millisecond)
	if tr.Free() {
		t.Fatalf("Free is true after %v without a frame, a request in flight", stall+50*time.Millisecond)
	}
	c.reply(t, h.StreamID, "200", false) // a frame; the stream stays open
	waitFree(t, tr, true)
	if err := c.fr.WriteData(h.StreamID, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, first); err != nil {
		t.Fatal(err)
	}
	// Idle for longer than stall, then a request: quiet time starts with it.
	time.Sleep(stall + 50*time.Millisecond)
	second := async(t, tr, "/b")
	h = c.readHeaders(t)
	if !tr.Free() {
		t.Fatal("Free is false right after a request on a connection that was idle")
	}
	c.reply(t, h.StreamID, "200", true)
	if err := wait(t, second); err != nil {
		t.Fatal(err)
	}
}

// TestBusyStreams: with BusyStreams requests in flight a connection is not
// Free although the server allows more streams, and further requests still
// go out on it at once.
func TestBusyStreams(t *testing.T) {
	s, tr := newScriptedWith(t, func(c *Config) { c.BusyStreams = 2 })
	first := async(t, tr, "/a")
	c := s.accept(t)
	h1 := c.readHeaders(t)
	waitFree(t, tr, true)
	second := async(t, tr, "/b")
	h2 := c.readHeaders(t)
	if tr.Free() {
		t.Fatal("Free is true with BusyStreams requests in flight")
	}
	third := async(t, tr, "/c") // not held back: the server allows it
	h3 := c.readHeaders(t)
	for _, h := range []*http2.MetaHeadersFrame{h1, h2, h3} {
		c.reply(t, h.StreamID, "200", true)
	}
	for _, errc := range []chan error{first, second, third} {
		if err := wait(t, errc); err != nil {
			t.Fatal(err)
		}
	}
	waitFree(t, tr, true)
}

// waitFree waits up to 2 s for tr.Free() to be want.
func waitFree(t *testing.T, tr *Transport, want bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); tr.Free() != want; {
		if time.Now().After(deadline) {
			t.Fatalf("Free did not become %v", want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPingTimeout: a server that stops answering is detected by PING and
// its requests fail.
func TestPingTimeout(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	c.readHeaders(t) // then never answer anything, PINGs included
	err := wait(t, errc)
	if err == nil || !strings.Contains(err.Error(), "ping timed out") {
		t.Fatalf("err = %v", err)
	}
}

// TestPingAnswered: a live but quiet connection survives the checks.
func TestPingAnswered(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	deadline := time.Now().Add(500 * time.Millisecond)
	pings := 0
	for time.Now().Before(deadline) {
		c.SetReadDeadline(deadline)
		f, err := c.fr.ReadFrame()
		if err != nil {
			break
		}
		if p, ok := f.(*http2.PingFrame); ok && !p.IsAck() {
			pings++
			c.fr.WritePing(true, p.Data)
		}
	}
	c.SetReadDeadline(time.Time{})
	if pings == 0 {
		t.Fatal("no PING in 500 ms with a 100 ms interval")
	}
	c.reply(t, h.StreamID, "200", true)
	if err := wait(t, errc); err != nil {
		t.Fatal(err)
	}
}

// TestPushPromiseIsConnectionError: push was disabled in our SETTINGS.
func TestPushPromiseIsConnectionError(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	c.fr.WritePushPromise(http2.PushPromiseParam{StreamID: h.StreamID, PromiseID: 2, BlockFragment: encodeHeaders(":method", "GET", ":path", "/p", ":scheme", "https", ":authority", "fake"), EndHeaders: true})
	if err := wait(t, errc); err == nil || !strings.Contains(err.Error(), "PUSH_PROMISE") {
		t.Fatalf("err = %v", err)
	}
}

// TestMalformedStatus fails only the stream.
func TestMalformedStatus(t *testing.T) {
	s, tr := newScripted(t)
	errc := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	c.reply(t, h.StreamID, "2x0", true)
	if err := wait(t, errc); err == nil || !strings.Contains(err.Error(), "bad :status") {
		t.Fatalf("err = %v", err)
	}
	errc = async(t, tr, "/b")
	h = c.readHeaders(t)
	c.reply(t, h.StreamID, "200", true)
	if err := wait(t, errc); err != nil {
		t.Fatal(err)
	}
}

// TestHeaderListLimit: a request whose headers exceed the server's
// MAX_HEADER_LIST_SIZE is refused before anything is encoded, and the
// connection goes on serving.
func TestHeaderListLimit(t *testing.T) {
	s, tr := newScripted(t, http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: 300})
	first := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	c.reply(t, h.StreamID, "200", true)
	if err := wait(t, first); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://fake/big", nil)
	req.Header.Set("X-Big", strings.Repeat("b", 400))
	if _, err := tr.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "over the server's limit") {
		t.Fatalf("err = %v", err)
	}
	second := async(t, tr, "/c")
	h = c.readHeaders(t)
	if p := h.PseudoValue("path"); p != "/c" {
		t.Fatalf("server got %q next, want /c", p)
	}
	c.reply(t, h.StreamID, "200", true)
	if err := wait(t, second); err != nil {
		t.Fatal(err)
	}
}

// TestRequestTimeout: with RequestTimeout, a request the server never
// answers fails as a deadline would fail it and its stream is reset, and a
// request waiting for a free stream meanwhile fails the same way. The
// callers' contexts have no deadline.
func TestRequestTimeout(t *testing.T) {
	s, tr := newScripted(t, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 1})
	const timeout = 100 * time.Millisecond
	tr.cfg.RequestTimeout, tr.tick = timeout, timeout/8
	start := time.Now()
	first := async(t, tr, "/a")
	c := s.accept(t)
	h := c.readHeaders(t)
	time.Sleep(20 * time.Millisecond) // the client has the SETTINGS: the second request waits
	second := async(t, tr, "/b")
	for _, errc := range []chan error{first, second} {
		err := wait(t, errc)
		var ne net.Error
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("err = %v, want a timeout", err)
		}
	}
	if d := time.Since(start); d < timeout {
		t.Fatalf("failed after %v, before the %v timeout", d, timeout)
	}
	// The unanswered stream is reset at the server.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			t.Fatalf("no RST_STREAM for the timed-out stream: %v", err)
		}
		if r, ok := f.(*http2.RSTStreamFrame); ok && r.StreamID == h.StreamID {
			if r.ErrCode != http2.ErrCodeCancel {
				t.Fatalf("reset with %v", r.ErrCode)
			}
			break
		}
		if p, ok := f.(*http2.PingFrame); ok && !p.IsAck() {
			c.fr.WritePing(true, p.Data)
		}
	}
	tr.mu.Lock()
	cc := tr.cc
	tr.mu.Unlock()
	if cc == nil {
		return // closed since (the PING check on a slow machine): no stream is left either
	}
	cc.mu.Lock()
	open := len(cc.streams)
	cc.mu.Unlock()
	if open != 0 {
		t.Fatalf("%d streams still open", open)
	}
}

// TestRequestHeaderFields: connection-specific headers are not sent, a
// header name HTTP does not allow fails the request, every time (the
// per-key cache must not forget it), and the header keys a sender keeps
// using are sent unchanged.
func TestRequestHeaderFields(t *testing.T) {
	seen := make(chan http.Header, 8)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen <- r.Header.Clone() })
	_, tr := newTLSServer(t, h, Config{NeverIndex: []string{"x-token"}})
	ctx := t.Context()
	for i := range 3 {
		req, _ := http.NewRequestWithContext(ctx, "GET", "https://example.com/h", nil)
		req.Header.Set("Connection", "keep-alive")
		req.Header.Set("Keep-Alive", "timeout=5")
		req.Header.Set("Te", "gzip")
		req.Header.Set("X-Token", fmt.Sprint("secret-", i))
		req.Header.Set("Apns-Topic", "org.example.app")
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
		got := <-seen
		if got.Get("X-Token") != fmt.Sprint("secret-", i) || got.Get("Apns-Topic") != "org.example.app" ||
			got.Get("Connection") != "" || got.Get("Keep-Alive") != "" || got.Get("Te") != "" {
			t.Fatalf("request %d: server saw %v", i, got)
		}

		bad, _ := http.NewRequestWithContext(ctx, "GET", "https://example.com/h", nil)
		bad.Header["Bad Name"] = []string{"x"}
		if _, err := tr.RoundTrip(bad); err == nil || !strings.Contains(err.Error(), "invalid header name") {
			t.Fatalf("request %d with a bad header name: %v", i, err)
		}
		// A name whose last valid value is remembered still has a new
		// value checked, as has a NeverIndex name.
		for _, k := range []string{"Apns-Topic", "X-Token"} {
			bad, _ := http.NewRequestWithContext(ctx, "GET", "https://example.com/h", nil)
			bad.Header.Set(k, "org.example.app\r\nX-Injected: 1")
			if _, err := tr.RoundTrip(bad); err == nil || !strings.Contains(err.Error(), "invalid value for header") {
				t.Fatalf("request %d with a bad %s value: %v", i, k, err)
			}
		}
	}
}

// TestValidValueCache: checking a header value allocates nothing, a long
// value is remembered once found valid, and a remembered value never lets
// a different, invalid one through.
func TestValidValueCache(t *testing.T) {
	tr, err := New(Config{Dial: func(context.Context) (net.Conn, error) { return nil, errors.New("no dial") }})
	if err != nil {
		t.Fatal(err)
	}
	fi := tr.fieldInfo("Authorization")
	if fi.last == nil {
		t.Fatal("authorization is not NeverIndex here, so its values should be remembered")
	}
	short := "0a1b2c3d-0000-4000-8000-000000000000"
	long := "bearer " + strings.Repeat("eyJhbGciOiJFUzI1NiJ9.", 9)
	if !fi.validValue(short) || fi.last.Load() != nil {
		t.Fatal("a short value was remembered")
	}
	if !fi.validValue(long) || fi.last.Load() == nil || *fi.last.Load() != long {
		t.Fatal("a long valid value was not remembered")
	}
	if allocs := testing.AllocsPerRun(100, func() { fi.validValue(short); fi.validValue(long) }); allocs != 0 {
		t.Fatalf("checking a short and a remembered long value: %v allocations, want 0", allocs)
	}
	if fi.validValue(long[:70]+"\r\nX-Injected: 1") || fi.validValue(long+"\n") {
		t.Fatal("an invalid long value passed")
	}
	if *fi.last.Load() != long {
		t.Fatal("an invalid value replaced the remembered one")
	}
}
