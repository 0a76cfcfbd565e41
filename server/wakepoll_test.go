//go:build linux

package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pnmarket/pnmarket/server/push"
)

// dialWoken dials addr and has one wake request answered on the new
// connection.
func dialWoken(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c := dialTest(t, addr)
	br := bufio.NewReader(c)
	io.WriteString(c, wakeReq("good", "", ""))
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("first wake: %v %v", resp, err)
	}
	return c, br
}

// dialAdopted is dialWoken that then waits until the poller has taken the
// connection over.
func dialAdopted(t *testing.T, f *wakeFront, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	adopted := f.adopted.Load()
	c, br := dialWoken(t, addr)
	waitFor(t, "the poller to adopt the connection", func() bool { return f.adopted.Load() > adopted })
	return c, br
}

// exchangeAfterWake is exchange with one wake request answered first on
// the connection (and left out of the result).
func exchangeAfterWake(t *testing.T, addr, raw string) string {
	t.Helper()
	c, br := dialWoken(t, addr)
	return exchangeOn(t, c, br, raw)
}

// TestWakePollerDifferential: every request sequence of the differential
// test, sent on a connection the poller has taken over, gets exactly the
// bytes net/http alone writes on a connection that served a wake request
// before, with the same push calls.
func TestWakePollerDifferential(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	if n.front.poll == nil {
		t.Fatal("no poller on linux")
	}
	for _, tc := range frontCases() {
		t.Run(tc.name, func(t *testing.T) {
			n.push.takeCalls()
			adopted := n.front.adopted.Load()
			got := withoutDate(exchangeAfterWake(t, n.fast, tc.raw))
			fastCalls := n.push.takeCalls()
			if n.front.adopted.Load() == adopted {
				t.Error("the poller never took the connection over")
			}
			n.checkSame(t, got, fastCalls, func(addr string) string { return exchangeAfterWake(t, addr, tc.raw) })
		})
	}
	if n.front.polled.Load() == 0 {
		t.Error("the poller answered no request")
	}
}

// TestWakePollerOneAtATime: connections that send one wake request at a
// time are served by the poller after their first, and their answers come
// back in order on the right connection.
func TestWakePollerOneAtATime(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody, record: true}
	srv := newFrontServer(t, p)
	f, addr, stop := runWithFront(t, srv)
	const conns, each = 8, 20
	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	cs := make([]client, conns)
	for i := range cs {
		cs[i].c, cs[i].br = dialAdopted(t, f, addr)
	}
	polled := f.polled.Load()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i, cl := range cs {
		wg.Go(func() {
			for j := range each {
				// Token "good<i>-<j>", TTL j: the answer says which request
				// it answers.
				io.WriteString(cl.c, wakeReq(fmt.Sprintf("good%d-%d", i, j), fmt.Sprintf("TTL: %d\r\n", j), ""))
				resp, err := http.ReadResponse(cl.br, nil)
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 201 || resp.Header.Get("Ttl") != fmt.Sprint(j) {
					errs <- fmt.Errorf("conn %d request %d: %d ttl %q", i, j, resp.StatusCode, resp.Header.Get("Ttl"))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if d := f.polled.Load() - polled; d != conns*each {
		t.Errorf("poller answered %d, want %d", d, conns*each)
	}
	if r := f.released.Load(); r != 0 {
		t.Errorf("poller gave back %d connections, want 0", r)
	}
	m := srv.metrics
	if got := testutil.ToFloat64(m.wakePolled); got != float64(f.polled.Load()) {
		t.Errorf("pnode_wake_polled_requests_total %v, want %d", got, f.polled.Load())
	}
	waitFor(t, "every connection back in the poller", func() bool { return testutil.ToFloat64(m.wakePollConns) == conns })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.wakePollConns); got != 0 {
		t.Errorf("pnode_wake_poller_connections %v after shutdown, want 0", got)
	}
	seen := map[string]bool{}
	for _, c := range p.takeCalls() {
		seen[c.token] = true
		if c.ip != "127.0.0.1" {
			t.Errorf("call %v: wrong IP", c)
		}
	}
	if len(seen) != conns*each+1 {
		t.Errorf("%d distinct tokens reached the relay, want %d", len(seen), conns*each+1)
	}
}

// TestWakePollerSplitRequest: a request that reaches an adopted connection
// in two pieces is finished by a goroutine of its own, with its head's
// timeout, and the connection goes back to the poller afterwards.
func TestWakePollerSplitRequest(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	f, addr, _ := runWithFront(t, newFrontServer(t, p))
	c, br := dialAdopted(t, f, addr)
	req := wakeReq("good", "TTL: 7\r\nContent-Length: 4\r\n", "body")
	io.WriteString(c, req[:20])
	waitFor(t, "the poller to give the connection back", func() bool { return f.released.Load() == 1 })
	io.WriteString(c, req[20:])
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 201 || resp.Header.Get("Ttl") != "7" {
		t.Fatalf("split request: %v %v", resp, err)
	}
	waitFor(t, "the poller to adopt it again", func() bool { return f.adopted.Load() == 2 })
	polled := f.polled.Load()
	io.WriteString(c, wakeReq("good", "", ""))
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("next request: %v %v", resp, err)
	}
	if d := f.polled.Load() - polled; d != 1 {
		t.Fatalf("poller answered %d of the next request", d)
	}
}

// TestWakePollerBackpressure: a sender that pipelines far more than it
// reads fills the socket; the poller gives the connection to a goroutine
// that writes the rest of its answers as the sender reads, and no answer
// is lost or reordered.
func TestWakePollerBackpressure(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	f, addr, _ := runWithFront(t, newFrontServer(t, p))
	adopted := f.adopted.Load()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		// A small receive window: the node's answers pile up in its
		// socket.
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	br := bufio.NewReaderSize(c, 4096)
	io.WriteString(c, wakeReq("good", "", ""))
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 201 {
		t.Fatalf("first wake: %v %v", resp, err)
	}
	waitFor(t, "the poller to adopt the connection", func() bool { return f.adopted.Load() > adopted })
	// Each request's TTL is its number, so the answers' order shows.
	const total = 60000
	wrote := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(c, 64<<10)
		for i := range total {
			fmt.Fprintf(bw, "POST /v1/wake/good HTTP/1.1\r\nHost: x\r\nTTL: %d\r\n\r\n", i)
		}
		wrote <- bw.Flush()
	}()
	waitFor(t, "the poller to give the connection back", func() bool { return f.released.Load() > 0 })
	for i := range total {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		if resp.StatusCode != 201 || resp.Header.Get("Ttl") != fmt.Sprint(i) {
			t.Fatalf("answer %d: %d ttl %q", i, resp.StatusCode, resp.Header.Get("Ttl"))
		}
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}

// TestWakePollerShutdownInFlight: shutdown waits for a request the poller
// is serving, which is answered with Connection: close, and closes the
// poller's idle connections.
func TestWakePollerShutdownInFlight(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody, entered: make(chan struct{}, 1), unblock: make(chan struct{})}
	f, addr, stop := runWithFront(t, newFrontServer(t, p))
	c, _ := dialAdopted(t, f, addr)
	idle, idleBr := dialAdopted(t, f, addr)
	polled := f.polled.Load()
	io.WriteString(c, wakeReq("block", "", ""))
	<-p.entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	if _, err := idleBr.ReadByte(); err != io.EOF {
		t.Fatalf("idle adopted connection at shutdown: %v, want EOF", err)
	}
	idle.Close()
	finishInFlight(t, p, c, stopped)
	if d := f.polled.Load() - polled; d != 1 {
		t.Fatalf("poller answered %d, want 1", d)
	}
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after the closing answer: %v, want EOF", err)
	}
}

// TestWakePollerHandoff: after the poller took a connection over, a
// websocket-less GET and then a non-plain wake request both reach
// net/http, which keeps the connection.
func TestWakePollerHandoff(t *testing.T) {
	n := newFrontNode(t, push.DefaultMaxWakeBody)
	c, br := dialAdopted(t, n.front, n.fast)
	for _, raw := range []string{
		"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
		wakeReq("good", "Transfer-Encoding: chunked\r\n", "0\r\n\r\n"),
	} {
		io.WriteString(c, raw)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%.30q: %d", raw, resp.StatusCode)
		}
	}
	if h := n.front.handedOff.Load(); h != 1 {
		t.Fatalf("handed off %d, want 1", h)
	}
	if r := n.front.released.Load(); r != 1 {
		t.Fatalf("released %d, want 1", r)
	}
}

// FuzzWakePoller sends raw bytes on a connection the poller has adopted
// (after one wake request) and on one net/http alone serves: the answers
// must be the same bytes (Date values aside), with the same push calls,
// and the connection must end when the sender is done (or be reset, when
// the answer leaves bytes unread).
func FuzzWakePoller(f *testing.F) {
	for _, tc := range frontCases() {
		f.Add([]byte(tc.raw))
	}
	n := newFrontNode(f, push.DefaultMaxWakeBody)
	f.Fuzz(func(t *testing.T, data []byte) {
		n.push.takeCalls()
		got, err := wokenExchange(n.fast, data)
		if err != nil {
			t.Fatalf("fast path: %v (got %q)", err, got)
		}
		fastCalls := n.push.takeCalls()
		n.checkSame(t, withoutDate(got), fastCalls, func(addr string) string {
			out, err := wokenExchange(addr, data)
			if err != nil {
				t.Fatalf("net/http: %v (got %q)", err, out)
			}
			return out
		})
	})
}

// wokenExchange is exchangeAfterWake for a fuzz target: errors are
// returned, and a server that does not close within 5 s is one.
func wokenExchange(addr string, data []byte) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	io.WriteString(c, wakeReq("good", "", ""))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 201 {
		return "", fmt.Errorf("first wake: %d", resp.StatusCode)
	}
	if _, err := c.Write(data); err != nil {
		return "", err
	}
	c.(*net.TCPConn).CloseWrite()
	out, err := io.ReadAll(br)
	if errors.Is(err, syscall.ECONNRESET) {
		// Closing with unread bytes resets the connection: net/http's
		// answer to a request it refuses before its body does that.
		err = nil
	}
	return string(out), err
}

// TestWakePollerShutdownRace: a request that reaches an adopted connection
// as shutdown begins is answered or the connection is closed unanswered;
// either way the connection ends, and is never left open.
func TestWakePollerShutdownRace(t *testing.T) {
	for i := range 20 {
		p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
		f, addr, stop := runWithFront(t, newFrontServer(t, p))
		c, br := dialAdopted(t, f, addr)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, wakeReq("good", "", ""))
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		// An answer, if the request was read (with or without
		// Connection: close, as net/http's would be, depending on whether
		// shutdown had begun), then the end of the stream.
		resp, err := http.ReadResponse(br, nil)
		if err == nil {
			if resp.StatusCode != 201 {
				t.Fatalf("round %d: answer %d", i, resp.StatusCode)
			}
			_, err = br.ReadByte()
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("round %d: %v, want the end of the stream", i, err)
		}
	}
}

// TestWakePollerFullReads: pipelined requests that fill the poller's read
// buffer exactly (64 requests of 64 bytes) leave more in the socket with no
// edge left to announce it; the poller reads the connection again after
// answering, and serves all of it itself.
func TestWakePollerFullReads(t *testing.T) {
	p := &stubPusher{maxBody: push.DefaultMaxWakeBody}
	f, addr, _ := runWithFront(t, newFrontServer(t, p))
	c, br := dialAdopted(t, f, addr)
	polled := f.polled.Load()
	const total = 10 * pollReadSize / 64
	var sb strings.Builder
	for i := range total {
		req := fmt.Sprintf("POST /v1/wake/good%024d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		if len(req) != 64 {
			t.Fatalf("request of %d bytes", len(req))
		}
		sb.WriteString(req)
	}
	io.WriteString(c, sb.String())
	for i := range total {
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("answer %d: %v %v", i, resp, err)
		}
	}
	if d := f.polled.Load() - polled; d != total {
		t.Errorf("poller answered %d of %d", d, total)
	}
	if r := f.released.Load(); r != 0 {
		t.Errorf("poller gave the connection back %d times, want 0", r)
	}
}
