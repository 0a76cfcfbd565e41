package server

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pnmarket/pnmarket/server/wire"
)

// wsRaw is a websocket client written by hand, to send frames the websocket
// library would never produce.
type wsRaw struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func dialWSRaw(t *testing.T, n *testNode) *wsRaw {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(n.url, "ws://"), "/ws")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = conn.Write([]byte("GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	c := &wsRaw{t: t, conn: conn, br: br}
	if op, p := c.read(); op != 0x1 || !strings.Contains(string(p), wire.MethodChallenge) {
		t.Fatalf("first frame: op %x %s", op, p)
	}
	return c
}

// frame builds a client frame: header byte b0 (FIN, RSV, opcode), masked
// unless told otherwise.
func frame(b0 byte, payload []byte, masked bool) []byte {
	f := []byte{b0}
	var m byte
	if masked {
		m = 0x80
	}
	switch {
	case len(payload) <= 125:
		f = append(f, m|byte(len(payload)))
	default:
		f = append(f, m|126)
		f = binary.BigEndian.AppendUint16(f, uint16(len(payload)))
	}
	if !masked {
		return append(f, payload...)
	}
	key := [4]byte{0x11, 0x22, 0x33, 0x44}
	f = append(f, key[:]...)
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

func (c *wsRaw) write(parts ...[]byte) {
	c.t.Helper()
	for i, p := range parts {
		if i > 0 {
			time.Sleep(30 * time.Millisecond) // arrive in separate segments
		}
		if _, err := c.conn.Write(p); err != nil {
			c.t.Fatal(err)
		}
	}
}

// read returns the next server frame (unmasked, unfragmented).
func (c *wsRaw) read() (byte, []byte) {
	c.t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		io.ReadFull(c.br, l[:])
		n = int(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		io.ReadFull(c.br, l[:])
		n = int(binary.BigEndian.Uint64(l[:]))
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(c.br, p); err != nil {
		c.t.Fatalf("read payload: %v", err)
	}
	return h[0] & 0x0f, p
}

// TestClientPingAnswered: pings are answered with their payload, also when
// a ping arrives in pieces, and the session reads requests afterwards.
func TestClientPingAnswered(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialWSRaw(t, n)
	ping := frame(0x89, []byte("hello"), true)
	c.write(ping[:1], ping[1:3], ping[3:])
	if op, p := c.read(); op != 0xA || string(p) != "hello" {
		t.Fatalf("got op %x %q, want pong hello", op, p)
	}
	c.write(frame(0x89, nil, true), frame(0x8A, []byte("unsolicited"), true))
	if op, p := c.read(); op != 0xA || len(p) != 0 {
		t.Fatalf("got op %x %q, want empty pong", op, p)
	}
	c.write(frame(0x81, []byte(`{"jsonrpc":"2.0","id":7,"method":"pn_history","params":[{}]}`), true))
	op, p := c.read()
	if op != 0x1 || !strings.Contains(string(p), `"id":7`) || !strings.Contains(string(p), "40101") {
		t.Fatalf("request after control frames: op %x %s", op, p)
	}
}

// TestBadControlFramesRefused: control frames the websocket protocol forbids
// from a client end the session with status 1002, as the library decides.
func TestBadControlFramesRefused(t *testing.T) {
	cases := map[string][]byte{
		"unmasked ping":   frame(0x89, []byte("x"), false),
		"reserved bit":    frame(0xC9, []byte("x"), true),
		"long ping":       frame(0x89, make([]byte, 126), true),
		"fragmented ping": frame(0x09, []byte("x"), true),
		"unmasked pong":   frame(0x8A, nil, false),
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			n := newTestNode(t, nil)
			c := dialWSRaw(t, n)
			c.write(f)
			op, p := c.read()
			if op != 0x8 || len(p) < 2 || binary.BigEndian.Uint16(p) != 1002 {
				t.Fatalf("got op %x %q, want close 1002", op, p)
			}
		})
	}
}

// TestKeepalive: an authenticated peer that answers pings stays connected
// past several ping intervals; one that does not is dropped after two.
func TestKeepalive(t *testing.T) {
	// Wide enough that a loaded CI machine does not drop the live peer.
	const interval = 250 * time.Millisecond
	n := newTestNode(t, func(c *Config) { c.PingInterval = interval })
	live := dialAuthed(t, n)
	var pings atomic.Int32
	live.ws.SetPingHandler(func(data string) error {
		pings.Add(1)
		return live.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	silent := dialAuthed(t, n)
	before := testutil.ToFloat64(n.srv.metrics.dropped.WithLabelValues(dropKeepalive))

	// Read on the live client only (its ping handler runs inside reads),
	// for eight ping intervals.
	live.ws.SetReadDeadline(time.Now().Add(8 * interval))
	if _, _, err := live.ws.ReadMessage(); err == nil {
		t.Fatal("unexpected message")
	}
	if got := pings.Load(); got < 4 {
		t.Fatalf("%d pings in eight ping intervals", got)
	}
	// The read deadline error poisons the client connection; a new one
	// is not needed: the node side must still hold the session.
	if got := n.srv.sessionCount(); got != 1 {
		t.Fatalf("%d sessions, want only the live one", got)
	}
	if got := testutil.ToFloat64(n.srv.metrics.dropped.WithLabelValues(dropKeepalive)) - before; got != 1 {
		t.Fatalf("keepalive drops = %v, want 1 (the silent peer)", got)
	}
	silent.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := silent.ws.ReadMessage(); err != nil {
			break // pings were queued, then the node closed the connection
		}
	}
}

// TestIdleSessionStack: a parked session reader keeps the runtime's
// minimum 2 KiB stack (the point of idleread.go).
func TestIdleSessionStack(t *testing.T) {
	if raceEnabled || runtime.GOOS != "linux" {
		t.Skip("the race detector grows stacks (make test runs this without -race); the lean wait is Linux only")
	}
	n := newTestNode(t, nil)
	const sessions = 400
	stackInuse := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.StackInuse
	}
	base := stackInuse()
	clients := make([]*rawClient, 0, sessions)
	for range sessions {
		c := dialAuthed(t, n)
		c.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{"/t/1/a/proto"}})
		clients = append(clients, c)
	}
	time.Sleep(100 * time.Millisecond) // let the request goroutines exit
	per := float64(stackInuse()-base) / sessions
	t.Logf("stack per idle session: %.0f bytes", per)
	if per > 3<<10 {
		t.Fatalf("stack per idle session %.0f bytes, want about 2 KiB", per)
	}
}
