package h2client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// conn is one HTTP/2 connection. Writers append frames to wbuf under mu;
// the first writer that finds no write in progress becomes the flusher and
// writes wbuf until it is empty. One reader goroutine owns the Framer.
type conn struct {
	t  *Transport // static
	nc net.Conn   // static

	mu         sync.Mutex
	hdr        *headerEncoder     // guarded by mu
	wbuf       []byte             // guarded by mu; frames not yet written
	spare      []byte             // guarded by mu; the other write buffer
	flushing   bool               // guarded by mu; a goroutine is writing wbuf
	streams    map[uint32]*stream // guarded by mu; open streams
	nextID     uint32             // guarded by mu
	maxStreams uint32             // guarded by mu; server's MAX_CONCURRENT_STREAMS
	maxFrame   int                // guarded by mu; server's MAX_FRAME_SIZE
	maxHeaders uint32             // guarded by mu; server's MAX_HEADER_LIST_SIZE (0: no limit)
	initWindow int32              // guarded by mu; server's INITIAL_WINDOW_SIZE
	sendWindow int32              // guarded by mu; connection send window
	changed    chan struct{}      // guarded by mu; closed and replaced when a stream ends or a window grows, if waiting
	waiting    bool               // guarded by mu; someone holds changed
	goingAway  bool               // guarded by mu; GOAWAY received
	err        error              // guarded by mu; why the connection closed
	idle       *time.Timer        // guarded by mu; closes the connection once idle
	closed     chan struct{}      // closed once, by close

	frames  atomic.Uint64 // frames received, for the health and stall checks
	pingAck chan struct{} // reader -> health: a PING ack arrived

	// The stall check (Config.StallAfter): the frame count last seen with
	// streams open, and since when it has not moved.
	seenFrames uint64    // guarded by mu
	quietSince time.Time // guarded by mu
}

// stream is one request/response exchange.
type stream struct {
	id       uint32
	window   int32     // guarded by conn.mu: send window
	sendEnd  bool      // guarded by conn.mu: our END_STREAM is written
	deadline time.Time // static: the request's deadline (zero: none)
	done     chan result

	// Reader-owned until done is sent.
	status int
	header http.Header
	body   []byte
	gotEnd bool
}

type result struct {
	resp *http.Response
	err  error
}

func newConn(t *Transport, nc net.Conn) (*conn, error) {
	c := &conn{
		t:          t,
		nc:         nc,
		streams:    make(map[uint32]*stream),
		nextID:     1,
		maxStreams: assumedMaxStreams,
		maxFrame:   16384,
		initWindow: 65535,
		sendWindow: 65535,
		changed:    make(chan struct{}),
		closed:     make(chan struct{}),
		pingAck:    make(chan struct{}, 1),
	}
	c.hdr = newHeaderEncoder()
	// Preface, our SETTINGS and a larger connection window, in one write.
	b := []byte(http2.ClientPreface)
	b = appendFrameHeader(b, 3*6, http2.FrameSettings, 0, 0)
	b = appendSetting(b, http2.SettingEnablePush, 0)
	b = appendSetting(b, http2.SettingInitialWindowSize, initialStreamWindow)
	b = appendSetting(b, http2.SettingMaxHeaderListSize, maxHeaderListSize)
	b = appendWindowUpdate(b, 0, connWindow-65535)
	nc.SetWriteDeadline(time.Now().Add(t.cfg.WriteTimeout))
	if _, err := nc.Write(b); err != nil {
		nc.Close()
		return nil, fmt.Errorf("h2client: writing preface: %w", err)
	}
	c.idle = time.AfterFunc(t.cfg.IdleTimeout, c.closeIfIdle)
	go c.readLoop()
	go c.healthLoop()
	if t.tick > 0 {
		go c.deadlineLoop()
	}
	return c, nil
}

// usable reports whether a new stream may start on c.
func (c *conn) usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err == nil && !c.goingAway && c.nextID < maxStreamID
}

// free reports whether a new stream would open on c without waiting, on a
// connection that has not stalled. A connection that cannot take one any
// more (closed, going away) is free: the transport replaces it.
func (c *conn) free() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || c.goingAway || c.nextID >= maxStreamID {
		return true
	}
	n := len(c.streams)
	if busy := c.t.cfg.BusyStreams; busy > 0 && n >= busy {
		return false
	}
	return uint32(n) < c.maxStreams && !c.stalledLocked()
}

// stalledLocked reports whether c has had streams open and received no
// frame for Config.StallAfter. It is timed from when the first of the open
// streams opened, or from the last frame seen since (seen by this check:
// a frame is noticed at the next call, which under load is the next send).
func (c *conn) stalledLocked() bool {
	stall := c.t.cfg.StallAfter
	if stall <= 0 || len(c.streams) == 0 {
		return false
	}
	now := time.Now()
	if n := c.frames.Load(); n != c.seenFrames {
		c.seenFrames, c.quietSince = n, now
		return false
	}
	return now.Sub(c.quietSince) >= stall
}

// roundTrip sends r on a new stream and waits for its reply.
func (c *conn) roundTrip(ctx context.Context, r *request) (*http.Response, error) {
	st, err := c.open(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(r.body) > 0 {
		if err := c.writeBody(ctx, st, r); err != nil {
			c.cancel(st, http2.ErrCodeCancel)
			return nil, err
		}
	}
	select {
	case res := <-st.done:
		if res.resp != nil {
			res.resp.Request = r.req
		}
		return res.resp, res.err
	case <-ctx.Done():
		c.cancel(st, http2.ErrCodeCancel)
		// The reply may have won the race.
		select {
		case res := <-st.done:
			if res.resp != nil {
				res.resp.Request = r.req
				return res.resp, nil
			}
		default:
		}
		return nil, context.Cause(ctx)
	}
}

// open waits for a free stream, then writes the request's HEADERS (with
// END_STREAM when there is no body).
func (c *conn) open(ctx context.Context, r *request) (*stream, error) {
	c.mu.Lock()
	for {
		if c.err != nil {
			err := c.err
			c.mu.Unlock()
			return nil, fmt.Errorf("%w: %w", errUnprocessed, err)
		}
		if c.goingAway || c.nextID >= maxStreamID {
			c.mu.Unlock()
			return nil, fmt.Errorf("%w: connection going away", errUnprocessed)
		}
		if uint32(len(c.streams)) < c.maxStreams {
			break
		}
		ch := c.waitLocked()
		c.mu.Unlock()
		if err := c.t.wait(ctx, ch, nil, r); err != nil {
			return nil, err
		}
		c.mu.Lock()
	}
	// Checked before encoding: encoding updates the HPACK table, after
	// which the block must be sent.
	size := uint32(0)
	for _, f := range r.fields {
		size += f.Size()
	}
	if c.maxHeaders != 0 && size > c.maxHeaders {
		max := c.maxHeaders
		c.mu.Unlock()
		return nil, fmt.Errorf("h2client: request headers of %d bytes over the server's limit of %d", size, max)
	}
	c.hdr.reset()
	for _, f := range r.fields {
		c.hdr.writeField(f)
	}
	st := &stream{id: c.nextID, window: c.initWindow, deadline: r.deadline, done: make(chan result, 1)}
	c.nextID += 2
	c.streams[st.id] = st
	if len(c.streams) == 1 {
		c.idle.Stop()
		if c.t.cfg.StallAfter > 0 {
			// Quiet time counts from here: an idle connection has been
			// silent, not stalled.
			c.seenFrames, c.quietSince = c.frames.Load(), time.Now()
		}
	}
	block := c.hdr.block()
	endStream := len(r.body) == 0
	first := true
	for first || len(block) > 0 {
		n := min(len(block), c.maxFrame)
		var flags http2.Flags
		if n == len(block) {
			flags |= http2.FlagHeadersEndHeaders
		}
		typ := http2.FrameContinuation
		if first {
			typ = http2.FrameHeaders
			if endStream {
				flags |= http2.FlagHeadersEndStream
			}
		}
		c.wbuf = appendFrameHeader(c.wbuf, n, typ, flags, st.id)
		c.wbuf = append(c.wbuf, block[:n]...)
		block = block[n:]
		first = false
	}
	st.sendEnd = endStream
	if endStream {
		c.flushLocked(false)
	} else {
		// writeBody flushes HEADERS and the first DATA together.
		c.mu.Unlock()
	}
	return st, nil
}

// writeBody writes DATA frames as the flow-control windows allow.
func (c *conn) writeBody(ctx context.Context, st *stream, r *request) error {
	body := r.body
	c.mu.Lock()
	for len(body) > 0 {
		if c.err != nil {
			err := c.err
			c.mu.Unlock()
			return err
		}
		if _, open := c.streams[st.id]; !open {
			// Answered or reset before the body was sent.
			c.mu.Unlock()
			return nil
		}
		n := min(len(body), c.maxFrame, int(c.sendWindow), int(st.window))
		if n <= 0 {
			// Send what the windows allowed so far, then wait for more.
			ch := c.waitLocked()
			c.flushLocked(false)
			if err := c.t.wait(ctx, ch, c.closed, r); err != nil {
				return err
			}
			c.mu.Lock()
			continue
		}
		var flags http2.Flags
		if n == len(body) {
			flags = http2.FlagDataEndStream
			st.sendEnd = true
		}
		c.wbuf = appendFrameHeader(c.wbuf, n, http2.FrameData, flags, st.id)
		c.wbuf = append(c.wbuf, body[:n]...)
		c.sendWindow -= int32(n)
		st.window -= int32(n)
		body = body[n:]
	}
	c.flushLocked(false)
	return nil
}

// flushLocked writes wbuf unless another goroutine is already doing so (it
// will write what was just added). It is called with mu held and returns
// with mu released. With async the write happens on a new goroutine: the
// reader goroutine must never block in a write, or a server that is itself
// blocked writing to us would deadlock with it.
func (c *conn) flushLocked(async bool) {
	if c.flushing || c.err != nil || len(c.wbuf) == 0 {
		c.mu.Unlock()
		return
	}
	c.flushing = true
	if async {
		c.mu.Unlock()
		go func() {
			c.mu.Lock()
			c.writeLocked()
		}()
		return
	}
	// Let the goroutines that are ready to run append their frames first:
	// requests come in bursts (the push queue releases a group of jobs per
	// commit) and one write then carries the burst. If nothing else is
	// runnable this returns at once.
	c.mu.Unlock()
	runtime.Gosched()
	c.mu.Lock()
	c.writeLocked()
}

// writeLocked writes wbuf until it stays empty, releasing mu during each
// write so other goroutines can append; it returns with mu released.
func (c *conn) writeLocked() {
	for len(c.wbuf) > 0 && c.err == nil {
		buf := c.wbuf
		c.wbuf = c.spare[:0]
		c.mu.Unlock()
		c.nc.SetWriteDeadline(time.Now().Add(c.t.cfg.WriteTimeout))
		_, err := c.nc.Write(buf)
		c.mu.Lock()
		c.spare = buf[:0]
		if err != nil {
			c.flushing = false
			c.mu.Unlock()
			c.close(fmt.Errorf("h2client: write: %w", err))
			return
		}
	}
	c.flushing = false
	c.mu.Unlock()
}

// queue appends control frames and flushes them from a new goroutine (it
// is used by the reader and the health check).
func (c *conn) queue(b func([]byte) []byte) {
	c.mu.Lock()
	c.wbuf = b(c.wbuf)
	c.flushLocked(true)
}

// cancel ends a stream the caller gave up on, resetting it at the server
// unless it is already closed.
func (c *conn) cancel(st *stream, code http2.ErrCode) {
	c.mu.Lock()
	if _, open := c.streams[st.id]; !open || c.err != nil {
		c.mu.Unlock()
		return
	}
	c.removeLocked(st)
	c.wbuf = appendRSTStream(c.wbuf, st.id, code)
	c.flushLocked(false)
}

// removeLocked forgets a stream and wakes callers waiting for a free one.
func (c *conn) removeLocked(st *stream) {
	delete(c.streams, st.id)
	c.signalLocked()
	if len(c.streams) == 0 {
		if c.goingAway {
			go c.close(errors.New("h2client: server sent GOAWAY"))
		} else {
			c.idle.Reset(c.t.cfg.IdleTimeout)
		}
	}
}

func (c *conn) signalLocked() {
	if c.waiting {
		close(c.changed)
		c.changed = make(chan struct{})
		c.waiting = false
	}
}

// waitLocked returns the channel the next signalLocked closes.
func (c *conn) waitLocked() <-chan struct{} {
	c.waiting = true
	return c.changed
}

// finish completes a stream with a reply or an error.
func (c *conn) finish(st *stream, res result) {
	c.mu.Lock()
	if _, open := c.streams[st.id]; !open {
		c.mu.Unlock()
		return
	}
	c.removeLocked(st)
	if !st.sendEnd && res.err == nil && c.err == nil {
		// The server answered before our body was done: stop sending.
		c.wbuf = appendRSTStream(c.wbuf, st.id, http2.ErrCodeNo)
		c.flushLocked(true) // releases mu
	} else {
		c.mu.Unlock()
	}
	st.done <- res
}

// closeIfIdle closes the connection when no stream is open.
func (c *conn) closeIfIdle() {
	c.mu.Lock()
	idle := len(c.streams) == 0
	c.mu.Unlock()
	if idle {
		c.close(errors.New("h2client: connection idle"))
	}
}

// close fails every open stream with err and closes the socket. The first
// call wins.
func (c *conn) close(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	streams := c.streams
	c.streams = make(map[uint32]*stream)
	c.idle.Stop()
	c.signalLocked()
	c.mu.Unlock()
	close(c.closed)
	c.nc.Close()
	for _, st := range streams {
		st.done <- result{err: fmt.Errorf("h2client: connection closed: %w", err)}
	}
	c.t.mu.Lock()
	if c.t.cc == c {
		c.t.cc = nil
	}
	c.t.mu.Unlock()
}

// healthLoop pings a connection that has received nothing for
// PingInterval and closes it when the ping goes unanswered.
func (c *conn) healthLoop() {
	tick := time.NewTicker(c.t.cfg.PingInterval)
	defer tick.Stop()
	last := c.frames.Load()
	for {
		select {
		case <-c.closed:
			return
		case <-tick.C:
		}
		if n := c.frames.Load(); n != last {
			last = n
			continue
		}
		select {
		case <-c.pingAck:
		default:
		}
		c.queue(func(b []byte) []byte { return appendPing(b, false, [8]byte{'h', '2', 'c', 'l', 'i', 'e', 'n', 't'}) })
		timer := time.NewTimer(c.t.cfg.PingTimeout)
		select {
		case <-c.closed:
			timer.Stop()
			return
		case <-c.pingAck:
			timer.Stop()
			last = c.frames.Load()
		case <-timer.C:
			c.close(errors.New("h2client: ping timed out"))
			return
		}
	}
}

// deadlineLoop fails and resets the streams whose requests outlived
// Config.RequestTimeout, checking every Transport.tick.
func (c *conn) deadlineLoop() {
	tick := time.NewTicker(c.t.tick)
	defer tick.Stop()
	var expired []*stream
	for {
		var now time.Time
		select {
		case <-c.closed:
			return
		case now = <-tick.C:
		}
		c.mu.Lock()
		for _, st := range c.streams {
			if !st.deadline.IsZero() && !now.Before(st.deadline) {
				expired = append(expired, st)
			}
		}
		if len(expired) == 0 || c.err != nil {
			c.mu.Unlock()
			expired = expired[:0]
			continue
		}
		for _, st := range expired {
			c.removeLocked(st)
			c.wbuf = appendRSTStream(c.wbuf, st.id, http2.ErrCodeCancel)
		}
		c.flushLocked(true) // releases mu
		for _, st := range expired {
			st.done <- result{err: timeoutError{c.t.cfg.RequestTimeout}}
		}
		clear(expired)
		expired = expired[:0]
	}
}

// readLoop reads frames until the connection fails.
func (c *conn) readLoop() {
	// A large read buffer: one read takes many replies.
	fr := http2.NewFramer(nil, bufio.NewReaderSize(c.nc, 64<<10))
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	fr.MaxHeaderListSize = maxHeaderListSize
	var unacked int // connection receive credit consumed and not yet returned
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			if se, ok := errors.AsType[http2.StreamError](err); ok {
				c.failStream(se.StreamID, fmt.Errorf("h2client: malformed reply: %w", se), se.Code)
				continue
			}
			if ce, ok := errors.AsType[http2.ConnectionError](err); ok {
				c.goAway(http2.ErrCode(ce))
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			c.close(fmt.Errorf("h2client: read: %w", err))
			return
		}
		c.frames.Add(1)
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			c.onHeaders(f)
		case *http2.DataFrame:
			unacked += int(f.Length)
			c.onData(f)
			if unacked >= connWindow/2 {
				n := unacked
				unacked = 0
				c.queue(func(b []byte) []byte { return appendWindowUpdate(b, 0, uint32(n)) })
			}
		case *http2.SettingsFrame:
			if f.IsAck() {
				continue
			}
			if err := c.onSettings(f); err != nil {
				c.goAway(http2.ErrCodeFlowControl)
				c.close(err)
				return
			}
		case *http2.WindowUpdateFrame:
			if err := c.onWindowUpdate(f); err != nil {
				c.goAway(http2.ErrCodeFlowControl)
				c.close(err)
				return
			}
		case *http2.RSTStreamFrame:
			c.onReset(f)
		case *http2.PingFrame:
			if f.IsAck() {
				select {
				case c.pingAck <- struct{}{}:
				default:
				}
				continue
			}
			data := f.Data
			c.queue(func(b []byte) []byte { return appendPing(b, true, data) })
		case *http2.GoAwayFrame:
			c.onGoAway(f)
		case *http2.PushPromiseFrame:
			c.goAway(http2.ErrCodeProtocol)
			c.close(errors.New("h2client: PUSH_PROMISE although push is disabled"))
			return
		}
	}
}

// lookup returns the open stream id, or nil.
func (c *conn) lookup(id uint32) *stream {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams[id]
}

// knownReplyHeaders maps the header names push services reply with to their
// canonical form, which http.CanonicalHeaderKey would allocate anew for
// each reply.
var knownReplyHeaders = map[string]string{
	"apns-id":        "Apns-Id",
	"apns-unique-id": "Apns-Unique-Id",
	"content-type":   "Content-Type",
	"content-length": "Content-Length",
	"retry-after":    "Retry-After",
	"date":           "Date",
	"server":         "Server",
}

func (c *conn) onHeaders(f *http2.MetaHeadersFrame) {
	st := c.lookup(f.StreamID)
	if st == nil {
		return // a stream we reset; the decoder state was kept by the Framer
	}
	if st.status != 0 {
		// Trailers: their content is not needed.
		if !f.StreamEnded() {
			c.failStream(st.id, errors.New("h2client: trailers without END_STREAM"), http2.ErrCodeProtocol)
			return
		}
		c.complete(st)
		return
	}
	if f.Truncated {
		c.failStream(st.id, errors.New("h2client: reply headers over the size limit"), http2.ErrCodeCancel)
		return
	}
	status, err := parseStatus(f.PseudoValue("status"))
	if err != nil {
		c.failStream(st.id, err, http2.ErrCodeProtocol)
		return
	}
	if status < 200 {
		if f.StreamEnded() {
			c.failStream(st.id, errors.New("h2client: informational reply ended the stream"), http2.ErrCodeProtocol)
		}
		return // 1xx: the final reply follows
	}
	st.status = status
	fields := f.RegularFields()
	st.header = make(http.Header, len(fields))
	// One backing array for the values: most names appear once, and a
	// value slice per name would be an allocation each. A repeated name
	// appends past its capped slice, which copies.
	vals := make([]string, len(fields))
	for i, hf := range fields {
		k, ok := knownReplyHeaders[hf.Name]
		if !ok {
			k = http.CanonicalHeaderKey(hf.Name)
		}
		if vv := st.header[k]; vv != nil {
			st.header[k] = append(vv, hf.Value)
			continue
		}
		vals[i] = hf.Value
		st.header[k] = vals[i : i+1 : i+1]
	}
	if f.StreamEnded() {
		c.complete(st)
	}
}

func (c *conn) onData(f *http2.DataFrame) {
	st := c.lookup(f.StreamID)
	if st == nil {
		return
	}
	if st.status == 0 {
		c.failStream(st.id, errors.New("h2client: DATA before reply headers"), http2.ErrCodeProtocol)
		return
	}
	data := f.Data()
	if len(st.body)+len(data) > c.t.cfg.MaxResponseBody {
		c.failStream(st.id, fmt.Errorf("h2client: reply body over %d bytes", c.t.cfg.MaxResponseBody), http2.ErrCodeCancel)
		return
	}
	st.body = append(st.body, data...)
	if f.StreamEnded() {
		c.complete(st)
	}
}

// complete hands the caller its reply.
func (c *conn) complete(st *stream) {
	status := "200 OK"
	if st.status != 200 {
		status = strconv.Itoa(st.status) + " " + http.StatusText(st.status)
	}
	resp := &http.Response{
		Status:        status,
		StatusCode:    st.status,
		Proto:         "HTTP/2.0",
		ProtoMajor:    2,
		Header:        st.header,
		ContentLength: int64(len(st.body)),
		Body:          http.NoBody,
	}
	if len(st.body) > 0 {
		resp.Body = io.NopCloser(bytes.NewReader(st.body))
	}
	c.finish(st, result{resp: resp})
}

// failStream fails one stream and resets it at the server.
func (c *conn) failStream(id uint32, err error, code http2.ErrCode) {
	c.mu.Lock()
	st, open := c.streams[id]
	if !open || c.err != nil {
		c.mu.Unlock()
		return
	}
	c.removeLocked(st)
	c.wbuf = appendRSTStream(c.wbuf, id, code)
	c.flushLocked(true)
	st.done <- result{err: err}
}

func (c *conn) onReset(f *http2.RSTStreamFrame) {
	st := c.lookup(f.StreamID)
	if st == nil {
		return
	}
	if f.ErrCode == http2.ErrCodeNo && st.status != 0 {
		// RFC 9113 §8.1: a complete reply may be followed by NO_ERROR
		// while the request body is still being sent.
		c.complete(st)
		return
	}
	c.finish(st, result{err: rstError{code: f.ErrCode}})
}

func (c *conn) onSettings(f *http2.SettingsFrame) error {
	c.mu.Lock()
	err := f.ForeachSetting(func(s http2.Setting) error {
		switch s.ID {
		case http2.SettingHeaderTableSize:
			c.hdr.setMaxTableSize(s.Val)
		case http2.SettingMaxConcurrentStreams:
			c.maxStreams = s.Val
		case http2.SettingMaxFrameSize:
			c.maxFrame = int(s.Val) // the Framer checked 2^14..2^24-1
		case http2.SettingMaxHeaderListSize:
			c.maxHeaders = s.Val
		case http2.SettingInitialWindowSize:
			delta := int64(s.Val) - int64(c.initWindow)
			for _, st := range c.streams {
				w := int64(st.window) + delta
				if w > 1<<31-1 {
					return errors.New("h2client: SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window")
				}
				st.window = int32(w)
			}
			c.initWindow = int32(s.Val)
		}
		return nil
	})
	if err == nil {
		c.wbuf = appendFrameHeader(c.wbuf, 0, http2.FrameSettings, http2.FlagSettingsAck, 0)
		c.signalLocked()
		c.flushLocked(true)
		return nil
	}
	c.mu.Unlock()
	return err
}

func (c *conn) onWindowUpdate(f *http2.WindowUpdateFrame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.StreamID == 0 {
		w := int64(c.sendWindow) + int64(f.Increment)
		if w > 1<<31-1 {
			return errors.New("h2client: connection window overflow")
		}
		c.sendWindow = int32(w)
	} else if st := c.streams[f.StreamID]; st != nil {
		w := int64(st.window) + int64(f.Increment)
		if w > 1<<31-1 {
			return errors.New("h2client: stream window overflow")
		}
		st.window = int32(w)
	}
	c.signalLocked()
	return nil
}

// onGoAway stops new streams and fails the streams the server will not
// process, so that they are sent again on a new connection.
func (c *conn) onGoAway(f *http2.GoAwayFrame) {
	c.mu.Lock()
	c.goingAway = true
	var unprocessed []*stream
	for id, st := range c.streams {
		if id > f.LastStreamID {
			unprocessed = append(unprocessed, st)
		}
	}
	for _, st := range unprocessed {
		delete(c.streams, st.id)
	}
	idle := len(c.streams) == 0
	c.signalLocked()
	c.mu.Unlock()
	for _, st := range unprocessed {
		st.done <- result{err: fmt.Errorf("%w: server sent GOAWAY (%v) with last stream %d", errUnprocessed, f.ErrCode, f.LastStreamID)}
	}
	c.t.mu.Lock()
	if c.t.cc == c {
		c.t.cc = nil
	}
	c.t.mu.Unlock()
	if idle {
		c.close(fmt.Errorf("h2client: server sent GOAWAY (%v)", f.ErrCode))
	}
}

// goAway tells the server why the connection is being closed.
// The write is synchronous: the connection is closed right after.
func (c *conn) goAway(code http2.ErrCode) {
	c.mu.Lock()
	c.wbuf = appendFrameHeader(c.wbuf, 8, http2.FrameGoAway, 0, 0)
	c.wbuf = binary.BigEndian.AppendUint32(c.wbuf, 0)
	c.wbuf = binary.BigEndian.AppendUint32(c.wbuf, uint32(code))
	c.flushLocked(false)
}

func parseStatus(s string) (int, error) {
	if len(s) != 3 || s[0] < '1' || s[0] > '5' {
		return 0, fmt.Errorf("h2client: bad :status %q", s)
	}
	n := 0
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("h2client: bad :status %q", s)
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, nil
}

func appendFrameHeader(b []byte, length int, typ http2.FrameType, flags http2.Flags, id uint32) []byte {
	return append(b, byte(length>>16), byte(length>>8), byte(length), byte(typ), byte(flags),
		byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
}

func appendSetting(b []byte, id http2.SettingID, v uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(id))
	return binary.BigEndian.AppendUint32(b, v)
}

func appendWindowUpdate(b []byte, id, incr uint32) []byte {
	b = appendFrameHeader(b, 4, http2.FrameWindowUpdate, 0, id)
	return binary.BigEndian.AppendUint32(b, incr)
}

func appendRSTStream(b []byte, id uint32, code http2.ErrCode) []byte {
	b = appendFrameHeader(b, 4, http2.FrameRSTStream, 0, id)
	return binary.BigEndian.AppendUint32(b, uint32(code))
}

func appendPing(b []byte, ack bool, data [8]byte) []byte {
	var flags http2.Flags
	if ack {
		flags = http2.FlagPingAck
	}
	b = appendFrameHeader(b, 8, http2.FramePing, flags, 0)
	return append(b, data[:]...)
}
