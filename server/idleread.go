package server

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// An idle websocket session costs one parked goroutine. Parked inside the
// websocket library's frame reader its stack needs about 1.7 KiB, so the
// runtime keeps it at 4 KiB; parked in waitReadable it needs a few hundred
// bytes and stays at the minimum 2 KiB. So the session's long-lived reader
// only waits for the socket to become readable; reading, decoding and
// handling the frame happen on a pooled worker goroutine (readOne). Keepalive
// pongs and pings are answered there too, without entering the library's
// reader, which would otherwise park deep inside it until the next data
// frame.

// readBufferSize is the per-connection read buffer. Larger frames take more
// reads.
const readBufferSize = 512

// readBufs holds frame buffers between frames, so an idle session pins none.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, readBufferSize); return &b }}

// hijacker gives the websocket library (through Hijack) a read buffer that
// the session can inspect: with it the session knows whether a frame is
// already buffered before it waits on the socket.
type hijacker struct {
	http.ResponseWriter
	br   *bufio.Reader
	conn net.Conn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: response does not support hijacking")
	}
	conn, brw, err := hj.Hijack()
	if err != nil || brw.Reader.Buffered() > 0 {
		return conn, brw, err // the library refuses data sent before the handshake
	}
	h.conn = conn
	h.br = bufio.NewReaderSize(conn, readBufferSize)
	// The writer only carries the 101 response.
	return conn, bufio.NewReadWriter(h.br, bufio.NewWriterSize(conn, 256)), nil
}

// reader is what a session reads through: the library's connection, the
// buffer under it and the raw socket for readiness waits.
type reader struct {
	br  *bufio.Reader
	raw syscall.RawConn // nil: no readiness wait, read directly
}

func newReader(h *hijacker) reader {
	r := reader{br: h.br}
	if sc, ok := h.conn.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			r.raw = raw
		}
	}
	return r
}

// waitReadable parks until the connection has bytes to read (or the read
// deadline passes, or it is closed). It keeps the calling goroutine's stack
// small.
func (r *reader) waitReadable() error {
	if r.raw == nil || r.br.Buffered() > 0 {
		return nil
	}
	return waitSocketReadable(r.raw)
}

// WebSocket frame header bits (RFC 6455 §5.2).
const (
	wsFinBit  = 0x80
	wsMaskBit = 0x80
	wsOpPing  = 0x9
	wsOpPong  = 0xA
	wsMaxCtl  = 125
)

// controlFrame answers a keepalive pong or ping at the head of the buffer
// itself. It reports false, consuming nothing, for anything else, including
// frames the library must refuse (unmasked, fragmented, reserved bits): the
// caller then hands the stream to the library's reader, which still owns
// frame validation. It is called only between messages, so the buffer
// starts at a frame boundary.
func (c *session) controlFrame() (bool, error) {
	br := c.rd.br
	h, err := br.Peek(2)
	if err != nil {
		return false, nil // let the library's reader report it
	}
	op := h[0]
	if op != wsFinBit|wsOpPong && op != wsFinBit|wsOpPing || h[1]&wsMaskBit == 0 || int(h[1]&^wsMaskBit) > wsMaxCtl {
		return false, nil
	}
	n := int(h[1] &^ wsMaskBit)
	f, err := br.Peek(2 + 4 + n)
	if err != nil {
		return false, nil
	}
	if op == wsFinBit|wsOpPong {
		br.Discard(len(f))
		c.keepAlive()
		return true, nil
	}
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = f[6+i] ^ f[2+i%4]
	}
	br.Discard(len(f))
	// As the library's default ping handler: a close already sent or a
	// temporary error is not fatal.
	err = c.conn.WriteControl(websocket.PongMessage, payload, time.Now().Add(c.srv.cfg.WriteTimeout))
	if err == websocket.ErrCloseSent {
		err = nil
	}
	return true, err
}

// keepAlive extends an authenticated session's read deadline to two ping
// intervals: on authentication, and on every pong or frame after it.
func (c *session) keepAlive() {
	if c.authed.Load() {
		c.conn.SetReadDeadline(time.Now().Add(2 * c.srv.cfg.PingInterval))
	}
}
