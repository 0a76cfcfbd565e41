package server

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/wire"
)

// closeGrace is how long a session waits for the peer's close frame after
// sending its own before it drops the TCP connection.
const closeGrace = time.Second

// hardReadLimitFactor: frames up to MaxFrameBytes are served, frames up to
// this multiple are read, discarded and answered with FrameTooLarge (the
// session stays usable), larger ones make the websocket library close the
// connection with status 1009.
const hardReadLimitFactor = 4

// session is one websocket connection. The read loop (run) is the only
// reader. Data frames are written by one writer goroutine (writeLoop) that
// runs only while there is something to send, so an idle session holds one
// goroutine and no write buffer. Other goroutines hand frames to the writer
// through the bounded queue in send. Keepalive pings for idle sessions come
// from the server-wide pingLoop.
type session struct {
	srv  *Server         // static after construction
	conn *websocket.Conn // reads owned by run, data writes owned by writeLoop
	rd   reader          // the buffer under conn; static after construction
	id   string          // static after construction
	ip   string          // static after construction
	log  sessionLog      // static after construction

	ctx    context.Context // cancelled when the session ends
	cancel context.CancelFunc

	nonce  []byte      // auth challenge nonce; static after construction
	authed atomic.Bool // set once by run after a good pn_auth
	addr   common.Address
	// addrKey is addr.Hex(), the rate-limit key, computed once at pn_auth.
	addrKey string

	inflight chan struct{}  // semaphore for concurrently executing requests
	handlers sync.WaitGroup // request goroutines; Add only under qmu while !draining

	qmu      sync.Mutex
	queue    [][]byte       // pending frames; guarded by qmu
	qbytes   int            // sum of len(queue); guarded by qmu
	draining bool           // no new requests; close pending; guarded by qmu
	closeMsg []byte         // close frame to send after the queue drains; guarded by qmu
	closed   bool           // the session is over: no more writes; guarded by qmu
	writing  bool           // a writeLoop goroutine is running; guarded by qmu
	writers  sync.WaitGroup // writeLoop goroutines; Add only under qmu while !closed
	slow     bool           // queue overflowed: drop everything but the close; guarded by qmu
	// wdeadline is the write deadline last set by writeFrames; owned by the
	// one running writeLoop.
	wdeadline time.Time

	subMu sync.Mutex
	subs  map[string]*subscription // guarded by subMu

}

func (s *Server) newSession(conn *websocket.Conn, rd reader, ip string) *session {
	id := strconv.FormatUint(s.nextID.Add(1), 36)
	ctx, cancel := context.WithCancel(s.lifetime)
	nonce := make([]byte, 32)
	rand.Read(nonce)
	return &session{
		srv:      s,
		conn:     conn,
		rd:       rd,
		id:       id,
		ip:       ip,
		log:      sessionLog{base: s.log, id: id},
		ctx:      ctx,
		cancel:   cancel,
		nonce:    nonce,
		inflight: make(chan struct{}, s.cfg.MaxInflight),
	}
}

// run serves the session until the peer goes away or the server shuts down.
// It is the read loop; before returning it awaits every goroutine the
// session started. While idle it is parked in waitReadable (see idleread.go).
// greet must have been called first, on another goroutine.
func (c *session) run() {
	defer c.srv.removeSession(c)
	defer c.finish()
	for {
		if err := c.rd.waitReadable(); err != nil {
			c.readFailed(err)
			return
		}
		done := make(chan error, 1)
		c.srv.work.Go(func() { done <- c.readOne() })
		if err := <-done; err != nil {
			c.readFailed(err)
			return
		}
	}
}

// greet sets the read limits and deadlines and sends the auth challenge.
// Encoding grows a stack, so it runs before run, on the HTTP handler's
// goroutine.
func (c *session) greet() {
	cfg := &c.srv.cfg
	c.conn.SetReadLimit(int64(cfg.MaxFrameBytes) * hardReadLimitFactor)
	c.conn.SetReadDeadline(time.Now().Add(cfg.AuthTimeout))
	c.conn.SetPongHandler(func(string) error { c.keepAlive(); return nil })
	ch := wire.Challenge{
		Nonce:      c.nonce,
		NodeKey:    c.srv.nodeKey,
		ChainID:    cfg.ChainID,
		ProviderID: cfg.ProviderID,
		ExpiresIn:  int(cfg.AuthTimeout / time.Second),
	}
	if frame, err := wire.EncodeNotification(wire.MethodChallenge, ch); err == nil {
		c.send(frame)
	}
}

// finish ends the session: no new requests, the running ones answered, the
// writer done, the connection closed.
func (c *session) finish() {
	c.srv.hub.removeSession(c)
	c.stopAccepting()
	c.handlers.Wait()
	c.cancel()
	// No new writer after this; a running one finishes what is queued
	// (a close frame included), bounded by the write deadline.
	c.qmu.Lock()
	c.closed = true
	c.qmu.Unlock()
	c.writers.Wait()
	c.conn.Close()
}

// readOne reads and handles one message, or answers one keepalive control
// frame. It runs on a worker (workers.go): reading, decoding and inline
// handlers grow a stack that the long-lived reader should not keep.
func (c *session) readOne() error {
	if ok, err := c.controlFrame(); ok || err != nil {
		return err
	}
	cfg := &c.srv.cfg
	_, r, err := c.conn.NextReader()
	if err != nil {
		return err
	}
	bp := readBufs.Get().(*[]byte)
	buf, err := readCapped(r, (*bp)[:0], cfg.MaxFrameBytes)
	*bp = buf
	if err != nil {
		putReadBuf(bp)
		if errors.Is(err, wire.ErrFrameTooLarge) {
			c.srv.metrics.dropped.WithLabelValues(dropFrameTooLarge).Inc()
			c.send(wire.EncodeError(nil, toWire(err)))
			return nil
		}
		return err
	}
	c.keepAlive()
	c.handleFrame(buf, bp)
	return nil
}

// putReadBuf returns a frame buffer to readBufs; large ones are dropped.
func putReadBuf(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		*bp = (*bp)[:0]
		readBufs.Put(bp)
	}
}

// readCapped reads one message into buf; a message over max is discarded
// (up to the hard read limit) and reported as ErrFrameTooLarge.
func readCapped(r io.Reader, buf []byte, max int) ([]byte, error) {
	lr := io.LimitedReader{R: r, N: int64(max) + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, err
		}
	}
	if len(buf) > max {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return buf, err
		}
		return buf, wire.ErrFrameTooLarge
	}
	return buf, nil
}

// readFailed decides how to end the session after a read error.
func (c *session) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout() && !c.authed.Load():
		c.srv.metrics.dropped.WithLabelValues(dropAuthTimeout).Inc()
		c.closeWith(websocket.ClosePolicyViolation, CodeAuthTimeout)
	case errors.Is(err, websocket.ErrReadLimit):
		c.srv.metrics.dropped.WithLabelValues(dropFrameTooLarge).Inc()
	case errors.As(err, &ne) && ne.Timeout():
		c.srv.metrics.dropped.WithLabelValues(dropKeepalive).Inc()
	}
	c.log.Debug("session read ended", "err", err)
}

// handleFrame decodes one frame and runs its requests. Requests that touch
// the store run concurrently (bounded by MaxInflight); the rest run inline so
// that pn_auth takes effect before the next frame is read. The decoded
// requests alias b, so handleFrame owns bp (the buffer b lives in) and
// returns it to readBufs once no request uses it.
func (c *session) handleFrame(b []byte, bp *[]byte) {
	release := func() { putReadBuf(bp) }
	f, err := wire.DecodeFrame(b, c.srv.cfg.MaxFrameBytes, c.srv.cfg.MaxBatch)
	if err != nil {
		release()
		c.srv.metrics.requests.WithLabelValues(methodLabel(""), codeLabel(err)).Inc()
		c.send(wire.EncodeError(nil, toWire(err)))
		return
	}
	if !f.Batch {
		r := &f.Requests[0]
		if r.Method != wire.MethodPublish && r.Method != wire.MethodHistory {
			o := c.call(r)
			c.respond(r, o)
			release()
			if r.Method == wire.MethodAuth && o.err == nil {
				c.afterAuth()
			}
			return
		}
		c.spawn(func() { c.respond(r, c.call(r)) }, release)
		return
	}
	c.spawn(func() {
		out := make([]byte, 0, 256)
		out = append(out, '[')
		n := 0
		for i := range f.Requests {
			r := &f.Requests[i]
			frame := c.encode(r, c.call(r))
			if frame == nil {
				continue
			}
			if n > 0 {
				out = append(out, ',')
			}
			out = append(out, frame...)
			n++
		}
		if n > 0 {
			c.send(append(out, ']'))
		}
	}, release)
}

// spawn runs fn as a request goroutine, waiting for a free inflight slot,
// and then calls done; done is called as well when fn does not run. During
// draining it answers nothing more: the peer is being told to go.
func (c *session) spawn(fn, done func()) {
	select {
	case c.inflight <- struct{}{}:
	case <-c.ctx.Done():
		done()
		return
	}
	c.qmu.Lock()
	if c.draining {
		c.qmu.Unlock()
		<-c.inflight
		done()
		return
	}
	c.handlers.Add(1)
	c.qmu.Unlock()
	c.srv.work.Go(func() {
		defer c.handlers.Done()
		defer func() { <-c.inflight }()
		defer done()
		fn()
	})
}

// outcome is a handler's result or error.
type outcome struct {
	result any
	err    error
}

func (c *session) respond(r *wire.Request, o outcome) {
	if frame := c.encode(r, o); frame != nil {
		c.send(frame)
	}
}

// encode builds the response frame; nil for notifications (no id).
func (c *session) encode(r *wire.Request, o outcome) []byte {
	c.srv.metrics.requests.WithLabelValues(methodLabel(r.Method), codeLabel(o.err)).Inc()
	if o.err != nil {
		if we := toWire(o.err); we.Data.Code == int(CodeInternal) {
			c.log.Error("request failed", "method", methodLabel(r.Method), "err", o.err)
		}
	}
	if r.IsNotification() && r.Check() == nil {
		return nil
	}
	if o.err != nil {
		return wire.EncodeError(r.ID, toWire(o.err))
	}
	frame, err := wire.EncodeResult(r.ID, o.result)
	if err != nil {
		c.log.Error("encode result", "method", r.Method, "err", err)
		return wire.EncodeError(r.ID, toWire(errCode(CodeInternal)))
	}
	return frame
}

// send queues a frame for the writer without blocking. A session whose queue
// is over its bounds is closed as a slow consumer; send then returns false.
func (c *session) send(frame []byte) bool {
	cfg := &c.srv.cfg
	c.qmu.Lock()
	if c.closed || c.slow {
		c.qmu.Unlock()
		return false
	}
	if len(c.queue) >= cfg.SendQueueFrames || c.qbytes+len(frame) > cfg.SendQueueBytes {
		c.queue, c.qbytes, c.slow = nil, 0, true
		c.setCloseLocked(websocket.ClosePolicyViolation, CodeSlowConsumer)
		c.startWriterLocked()
		c.qmu.Unlock()
		c.srv.metrics.dropped.WithLabelValues(dropSlowConsumer).Inc()
		return false
	}
	c.queue = append(c.queue, frame)
	c.qbytes += len(frame)
	c.startWriterLocked()
	c.qmu.Unlock()
	return true
}

// startWriterLocked starts writeLoop unless one runs or the session is over.
func (c *session) startWriterLocked() {
	if c.writing || c.closed {
		return
	}
	c.writing = true
	c.writers.Add(1)
	c.srv.work.Go(c.writeLoop)
}

// idle reports whether nothing is queued or being written, so that a
// keepalive ping cannot block behind data.
func (c *session) idle() bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return !c.writing && !c.closed && len(c.queue) == 0
}

// closeWith asks the writer to finish pending responses and close the
// connection with the given websocket status and error code as the reason.
func (c *session) closeWith(status int, code Code) {
	c.qmu.Lock()
	c.setCloseLocked(status, code)
	c.startWriterLocked()
	c.qmu.Unlock()
}

func (c *session) setCloseLocked(status int, code Code) {
	c.draining = true
	if c.closeMsg == nil {
		reason := strconv.Itoa(int(code)) + " " + errorTable[code].Message
		c.closeMsg = websocket.FormatCloseMessage(status, reason)
	}
}

// stopAccepting makes spawn refuse new request goroutines.
func (c *session) stopAccepting() {
	c.qmu.Lock()
	c.draining = true
	c.qmu.Unlock()
}

// goAway tells the peer to reconnect after the given delay and closes the
// session once its in-flight requests are answered.
func (c *session) goAway(reason string, after time.Duration) {
	if frame, err := wire.EncodeNotification(wire.MethodReconnect, wire.Reconnect{Reason: reason, AfterMs: after.Milliseconds()}); err == nil {
		c.send(frame)
	}
	c.closeWith(websocket.CloseGoingAway, CodeShuttingDown)
}

// writeLoop writes queued frames until the queue is empty, then exits; send
// starts it again when there is more. A requested close is written last,
// after the requests in flight have been answered.
func (c *session) writeLoop() {
	defer c.writers.Done()
	for {
		frames, closing := c.take()
		if len(frames) > 0 {
			if !c.writeFrames(frames) {
				c.stopWriting()
				return
			}
			continue
		}
		if !closing {
			c.qmu.Lock()
			if len(c.queue) > 0 || c.closeMsg != nil {
				c.qmu.Unlock()
				continue // more arrived while we looked
			}
			c.writing = false
			c.qmu.Unlock()
			return
		}
		// Answer what is in flight before saying goodbye.
		c.handlers.Wait()
		frames, _ = c.take()
		if !c.writeFrames(frames) {
			c.stopWriting()
			return
		}
		c.qmu.Lock()
		msg := c.closeMsg
		c.closed, c.queue = true, nil
		c.qmu.Unlock()
		_ = c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.srv.cfg.WriteTimeout))
		// The read loop ends when the peer answers the close or the grace passes.
		c.conn.UnderlyingConn().SetReadDeadline(time.Now().Add(closeGrace))
		return
	}
}

// stopWriting marks the session over after a failed write.
func (c *session) stopWriting() {
	c.qmu.Lock()
	c.closed, c.queue, c.qbytes = true, nil, 0
	c.qmu.Unlock()
}

// ping sends a keepalive ping to an idle session; called by the server's
// pingLoop. A peer that cannot take a ping is gone.
func (c *session) ping() {
	if !c.idle() {
		return // data is flowing; the writer's deadlines detect a dead peer
	}
	if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.srv.cfg.WriteTimeout)); err != nil {
		c.conn.Close()
	}
}

// take removes the pending frames; closing reports a requested close.
func (c *session) take() (frames [][]byte, closing bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	frames, c.queue, c.qbytes = c.queue, nil, 0
	return frames, c.closeMsg != nil
}

// writeFrames writes frames in order. Each write gets between half of
// WriteTimeout and all of it: the deadline is moved only when less than half
// is left, because setting it on every frame cost a few percent of the node's
// CPU under fan-out. (Control frames written meanwhile set now+WriteTimeout,
// never an earlier deadline, so wdeadline errs on the early side.)
func (c *session) writeFrames(frames [][]byte) bool {
	timeout := c.srv.cfg.WriteTimeout
	for _, f := range frames {
		if now := time.Now(); c.wdeadline.Sub(now) < timeout/2 {
			c.wdeadline = now.Add(timeout)
			c.conn.SetWriteDeadline(c.wdeadline)
		}
		if err := c.conn.WriteMessage(websocket.TextMessage, f); err != nil {
			c.log.Debug("write failed", "err", err)
			c.conn.Close()
			return false
		}
	}
	return true
}

// sessionLog logs with the session id attached. It builds nothing per
// session up front: an idle session holds only the base logger and its id.
type sessionLog struct {
	base *slog.Logger
	id   string
}

func (l sessionLog) Debug(msg string, args ...any) {
	l.base.Debug(msg, append([]any{"conn", l.id}, args...)...)
}
func (l sessionLog) Info(msg string, args ...any) {
	l.base.Info(msg, append([]any{"conn", l.id}, args...)...)
}
func (l sessionLog) Warn(msg string, args ...any) {
	l.base.Warn(msg, append([]any{"conn", l.id}, args...)...)
}
func (l sessionLog) Error(msg string, args ...any) {
	l.base.Error(msg, append([]any{"conn", l.id}, args...)...)
}
