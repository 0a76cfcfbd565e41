package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pnmarket/pnmarket/server/push"
)

// The wake fast path. POST /v1/wake/{token} is the push relay's hot path,
// and net/http's own per-request work (a map per request and per response
// header, a context, a background-read goroutine, Date formatting, a bufio
// flush) costs more CPU than the handler. wakeFront sits in front of
// net/http as its listener: it accepts every connection itself and serves
// requests for as long as each is a plain wake request; the first request
// that is anything else, or anything unusual, is left unread in the buffer
// and the connection is handed to net/http through Accept, with a wrapper
// whose Read returns the buffered bytes before reading the socket. net/http
// then serves it exactly as if it had accepted it (websockets included:
// the wrapper survives Hijack). net/http is the reference behaviour: the
// fast path accepts only requests that net/http would parse identically and
// route to handleWake, and answers with the bytes net/http would write
// (Date aside), through the decision code handleWake shares (runWake,
// httpErrorParts). TestWakeFrontDifferential holds it to that.
//
// Choices where the fast path could have answered itself but does not, or
// where it differs on purpose:
//   - A Content-Length over the wake body cap is handed off, not answered
//     413 and closed: net/http answers 413, drains a body of up to 256 KiB
//     and keeps the connection, and a fast-path 413 would differ in its
//     Connection header and in connection reuse. It is not the hot path.
//   - A request refused before its body is read (push disabled, node
//     shutting down) is handed off too, for the same reason.
//   - The body is read under the head's read deadline; net/http, without a
//     ReadTimeout, would wait for it forever.
//   - Responses are written under a write deadline (Config.WriteTimeout),
//     where net/http, without a WriteTimeout, sets none.
//   - Pipelined requests are served in groups. net/http serves them one at
//     a time; the fast path takes the wake requests that a read brought in
//     whole (up to frontGroupMax) and queues them with one synced write
//     (push WakeBatch), then writes their answers, in order, with one
//     write. Each request gets the decisions and the answer it would get
//     alone; a bulk sender that pipelines saves the node an fsync wait, a
//     write and a read per request.
//   - On Linux, a connection idle after a fast-path answer is handed to
//     the wake poller (wakepoll_linux.go), which serves the idle
//     connections of senders that send one request at a time from one
//     epoll set, with one commit for all that were ready at once, and gives
//     a connection back to a goroutine of its own for anything else.

const (
	// frontBufSize is the read buffer of a fast-path connection. A request
	// head that does not fit is handed to net/http (which answers 431 past
	// its own, much larger, limit).
	frontBufSize = 4096
	// maxFrontHeaders caps the header lines of a fast-path request; more
	// are handed off.
	maxFrontHeaders = 64
	// maxFrontToken caps the token of a fast-path request. Wakeup tokens
	// are 24 base64url characters (push.NewWakeToken) and push.Wake refuses
	// anything over pushwire.MaxWakeTokenLen; longer ones are handed off.
	maxFrontToken = 128
	// maxFrontTTL caps the length of a TTL header value the fast path
	// handles; longer (leading zeros, say) ones are handed off.
	maxFrontTTL = 32
	// frontGroupMax caps the pipelined wake requests served as one group.
	frontGroupMax = 64
	// frontWriteTimeout bounds a fast-path response write when the config
	// sets no WriteTimeout. net/http's server here sets none; a bound keeps
	// a peer that never reads from pinning the goroutine.
	frontWriteTimeout = 10 * time.Second
)

// wakeFrontHook, when set (by tests), is called with each wakeFront Run
// creates.
var wakeFrontHook func(*wakeFront)

// wakeFront is a net.Listener for net/http that serves wake requests itself
// and hands every other connection to net/http (see the comment above).
type wakeFront struct {
	s            *Server
	ln           net.Listener  // the real listener
	maxBody      int           // push.MaxWakeBody, static
	writeTimeout time.Duration // static
	handoff      chan net.Conn // connections for net/http; unbuffered
	errc         chan error    // accept errors for net/http; unbuffered
	closed       chan struct{} // closed by Close
	closeOnce    sync.Once
	closeErr     error
	stopping     atomic.Bool    // set by Close: answer with Connection: close and end conns after their request
	wg           sync.WaitGroup // the accept loop and every fast-path connection goroutine

	mu    sync.Mutex
	conns map[*frontConn]struct{} // fast-path connections; guarded by mu

	poll      *wakePoller  // nil: no poller on this system
	served    atomic.Int64 // requests answered by the fast path
	polled    atomic.Int64 // of which by the poller
	adopted   atomic.Int64 // connections the poller took over
	released  atomic.Int64 // connections the poller gave back to a goroutine
	handedOff atomic.Int64 // connections handed to net/http
}

// frontConn is one connection served by the fast path.
type frontConn struct {
	conn net.Conn
	raw  syscall.RawConn // nil: an idle connection waits in Read, holding its buffer (see readIdle)
	ip   string          // as remoteIP would give it
	idle bool            // waiting for a request, holding no buffer; guarded by wakeFront.mu

	// readIdle's state: readFn (c.idleRead, bound once) is what it passes
	// to raw.Read, so that a wait allocates no closure.
	readFn func(uintptr) bool
	rb     *frontBuf
	rn     int
	rerr   error
}

// idleRead is readIdle's raw read: it reads into a pooled buffer, or
// returns the buffer and asks to park when the socket has nothing.
func (c *frontConn) idleRead(fd uintptr) bool {
	if c.rb == nil {
		c.rb = frontBufs.Get().(*frontBuf)
	}
	c.rn, c.rerr = readFD(fd, c.rb.src.buf[:])
	if c.rerr == syscall.EAGAIN {
		// Nothing yet: park without the buffer.
		frontBufs.Put(c.rb)
		c.rb = nil
		return false
	}
	return true
}

// frontBuf is the read buffer, and the response buffer, a fast-path
// connection holds while a request is in flight; between requests it goes
// back to frontBufs, so an idle keep-alive connection pins none.
type frontBuf struct {
	br    *bufio.Reader
	w     []byte
	src   primedReader // what br reads: bytes read while idle, then the socket
	group []frontReq   // the requests being served
	batch []push.WakeReq
}

// frontReq is one wake request of a group: what its head said, then its
// outcome.
type frontReq struct {
	token  string
	ip     string // the sender's, as remoteIP gives it
	ttl    [maxFrontTTL]byte
	ttlLen int

	id   string
	secs int64
	err  error
}

// primedReader returns the bytes of first, then reads from conn.
type primedReader struct {
	first []byte // a slice of buf
	buf   [frontBufSize]byte
	conn  net.Conn
}

// Read implements io.Reader.
func (r *primedReader) Read(p []byte) (int, error) {
	if len(r.first) > 0 {
		n := copy(p, r.first)
		r.first = r.first[n:]
		return n, nil
	}
	return r.conn.Read(p)
}

// frontBufs holds frontBufs between requests.
var frontBufs = sync.Pool{New: func() any {
	b := &frontBuf{w: make([]byte, 0, 512)}
	b.br = bufio.NewReaderSize(&b.src, frontBufSize)
	return b
}}

// getFrontBuf returns a pooled buffer reading from c.
func getFrontBuf(c net.Conn) *frontBuf {
	b := frontBufs.Get().(*frontBuf)
	b.src.conn = c
	b.src.first = nil
	b.br.Reset(&b.src)
	return b
}

// putFrontBuf returns b to the pool; its buffered bytes are dropped.
func putFrontBuf(b *frontBuf) {
	b.br.Reset(&b.src)
	b.src.conn = nil
	b.src.first = nil
	b.w = b.w[:0]
	clear(b.group)
	b.group = b.group[:0]
	clear(b.batch)
	b.batch = b.batch[:0]
	frontBufs.Put(b)
}

// readIdle waits, holding no buffer, until an idle connection's next
// request starts arriving, and returns a buffer holding its first bytes.
// It reads them with the read that finds them, so waking an idle
// connection costs no extra syscall. Without a raw socket it returns a
// buffer at once (the first read then waits with it).
func readIdle(c *frontConn) (*frontBuf, error) {
	if c.raw == nil || !rawIdleRead {
		return getFrontBuf(c.conn), nil
	}
	err := c.raw.Read(c.readFn)
	b, n, rerr := c.rb, c.rn, c.rerr
	c.rb, c.rerr = nil, nil
	if err == nil {
		err = rerr
	}
	if err == nil && n <= 0 {
		err = io.EOF
	}
	if err != nil {
		if b != nil {
			frontBufs.Put(b)
		}
		return nil, err
	}
	b.src.conn = c.conn
	b.src.first = b.src.buf[:n]
	b.br.Reset(&b.src)
	return b, nil
}

// newWakeFront starts serving ln's connections; net/http serves what the
// returned listener's Accept hands it.
func newWakeFront(s *Server, ln net.Listener) *wakeFront {
	f := &wakeFront{
		s:            s,
		ln:           ln,
		maxBody:      s.push.MaxWakeBody(),
		writeTimeout: s.cfg.WriteTimeout,
		handoff:      make(chan net.Conn),
		errc:         make(chan error),
		closed:       make(chan struct{}),
		conns:        make(map[*frontConn]struct{}),
	}
	if f.writeTimeout <= 0 {
		f.writeTimeout = frontWriteTimeout
	}
	f.poll = newWakePoller(f)
	if wakeFrontHook != nil {
		wakeFrontHook(f)
	}
	f.wg.Add(1)
	go f.acceptLoop()
	return f
}

// Accept returns the next connection handed to net/http, or an accept
// error of the real listener, or net.ErrClosed once closed.
func (f *wakeFront) Accept() (net.Conn, error) {
	select {
	case c := <-f.handoff:
		return c, nil
	case err := <-f.errc:
		return nil, err
	case <-f.closed:
		return nil, &net.OpError{Op: "accept", Net: f.ln.Addr().Network(), Addr: f.ln.Addr(), Err: net.ErrClosed}
	}
}

// Close closes the real listener, which stops the accept loop, and closes
// the idle fast-path connections; one serving a request closes after its
// response. It is idempotent (net/http closes the listener more than once).
func (f *wakeFront) Close() error {
	f.closeOnce.Do(func() {
		f.stopping.Store(true)
		close(f.closed)
		if f.poll != nil {
			f.poll.close()
		}
		if err := f.ln.Close(); err != nil {
			f.closeErr = err
		}
		f.mu.Lock()
		for c := range f.conns {
			if c.idle {
				c.conn.Close()
			}
		}
		f.mu.Unlock()
	})
	return f.closeErr
}

// Addr is the real listener's address.
func (f *wakeFront) Addr() net.Addr { return f.ln.Addr() }

// shutdown closes f and waits for every fast-path goroutine: requests in
// flight finish unless ctx ends first, in which case their connections are
// closed under them. Nil-safe, for a Run without push.
func (f *wakeFront) shutdown(ctx context.Context) {
	if f == nil {
		return
	}
	f.Close()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	f.mu.Lock()
	for c := range f.conns {
		c.conn.Close()
	}
	f.mu.Unlock()
	<-done
}

// abort closes f and every fast-path connection and waits for their
// goroutines. Nil-safe.
func (f *wakeFront) abort() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.shutdown(ctx)
}

// acceptLoop accepts connections until the real listener is closed and
// serves each on a goroutine of its own. Accept errors go to net/http's
// Serve, which decides as always: it retries temporary ones after a pause
// (the unbuffered errc holds the loop until it asks again) and on any
// other closes the listener, which ends this loop.
func (f *wakeFront) acceptLoop() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			select {
			case <-f.closed:
				return
			default:
			}
			select {
			case f.errc <- err:
				continue
			case <-f.closed:
				return
			}
		}
		if fc := f.track(c); fc != nil {
			go f.serveConn(fc)
		}
	}
}

// newFrontConn is c as a fast-path connection, idle.
func newFrontConn(c net.Conn) *frontConn {
	fc := &frontConn{conn: c, ip: addrIP(c.RemoteAddr().String()), idle: true}
	if sc, ok := c.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			fc.raw = raw
			fc.readFn = fc.idleRead
		}
	}
	return fc
}

// track registers a new connection for serveConn, which must run next. It
// returns nil, having closed c, once f is closing.
func (f *wakeFront) track(c net.Conn) *frontConn {
	fc := newFrontConn(c)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopping.Load() {
		c.Close()
		return nil
	}
	f.conns[fc] = struct{}{}
	f.wg.Add(1)
	return fc
}

// trackReleased registers a connection the poller gives back in the middle
// of a request, or with answers to write: busy, so that Close leaves it to
// finish, even once f is closing. It runs on a goroutine f.wg counts.
func (f *wakeFront) trackReleased(c net.Conn) *frontConn {
	fc := newFrontConn(c)
	fc.idle = false
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conns[fc] = struct{}{}
	f.wg.Add(1)
	return fc
}

// setState moves c between idle and busy. It reports false, having closed
// and forgotten c, once f is closing and c is no longer needed.
func (f *wakeFront) setState(c *frontConn, idle bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopping.Load() {
		delete(f.conns, c)
		c.conn.Close()
		return false
	}
	c.idle = idle
	return true
}

// forget forgets c, which is no longer the fast path's to close.
func (f *wakeFront) forget(c *frontConn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}

// drop closes and forgets c.
func (f *wakeFront) drop(c *frontConn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	c.conn.Close()
}

// serveConn serves c's wake requests until it closes, or hands it to
// net/http at the first request that is not one.
//
// Read deadlines follow net/http's with ReadHeaderTimeout set and
// ReadTimeout and IdleTimeout unset: a new connection has
// DefaultReadHeaderTimeout for its first request's head; between requests
// there is no deadline, and the next head's timeout starts when its first
// bytes arrive. One deliberate difference: the (capped) body is read under
// the head's deadline too, where net/http would wait for it forever.
func (f *wakeFront) serveConn(c *frontConn) {
	c.conn.SetReadDeadline(time.Now().Add(DefaultReadHeaderTimeout))
	f.serveFrom(c, nil, true)
}

// serveReleased serves a connection the poller gave back: it writes
// unwritten, the rest of the poller's answers (and then closes, if
// closeAfter), then serves read, bytes the poller read past the requests it
// answered, as the start of the next request.
func (f *wakeFront) serveReleased(c *frontConn, read, unwritten []byte, closeAfter bool) {
	if len(unwritten) > 0 || closeAfter {
		c.conn.SetWriteDeadline(time.Now().Add(f.writeTimeout))
		if _, err := c.conn.Write(unwritten); err != nil || closeAfter {
			f.drop(c)
			f.wg.Done()
			return
		}
	}
	var buf *frontBuf
	if len(read) > 0 {
		buf = getFrontBuf(c.conn)
		buf.src.first = buf.src.buf[:copy(buf.src.buf[:], read)]
		c.conn.SetReadDeadline(time.Now().Add(DefaultReadHeaderTimeout))
	} else if !f.setState(c, true) {
		f.wg.Done()
		return
	}
	f.serveFrom(c, buf, false)
}

// serveFrom is serveConn's loop, from buf (nil: idle) and first (the
// connection's first request is next).
func (f *wakeFront) serveFrom(c *frontConn, buf *frontBuf, first bool) {
	defer f.wg.Done()
	conn := c.conn
	for {
		if buf == nil {
			// Idle: park until the socket is readable, holding no buffer.
			var err error
			if buf, err = readIdle(c); err != nil {
				f.drop(c)
				return
			}
			if !f.setState(c, false) {
				putFrontBuf(buf)
				return
			}
			if !first {
				conn.SetReadDeadline(time.Now().Add(DefaultReadHeaderTimeout))
			}
		}
		if !first {
			// As net/http between requests: it waits for four bytes and
			// closes, answering nothing, if the stream ends (or fails)
			// first; then, after a POST, it skips up to four CR or LF
			// bytes some old clients send after a body (RFC 7230 §3.5).
			peek, err := buf.br.Peek(4)
			if err != nil {
				putFrontBuf(buf)
				f.drop(c)
				return
			}
			buf.br.Discard(numLeadingCRorLF(peek))
		}
		first = false

		var h wakeHead
		v, err := readWakeHead(buf.br, f.maxBody, &h)
		if err != nil {
			putFrontBuf(buf)
			f.drop(c)
			return
		}
		if v == headOK && f.s.wakeRefusal() != nil {
			// Refused before the body is read: net/http answers that and
			// drains the body by its own rules. Rare; let it.
			v = headHandoff
		}
		if v == headHandoff {
			f.handOff(c, buf)
			return
		}
		// Everything the answer needs from the head is taken before the
		// body read refills the buffer.
		buf.group = append(buf.group[:0], frontReq{})
		r := &buf.group[0]
		r.take(buf.br, &h)
		closeAfter := false
		_, err = buf.br.Discard(h.n + h.clen)
		if err == io.EOF {
			// The body ended short: handleWake answers a body it cannot
			// read with 413, and net/http then finds the end of the
			// stream and closes.
			r.err, closeAfter = errCode(CodeWakeBodyTooLarge), true
		} else if err != nil {
			// Timed out or failed: nobody is left to answer.
			putFrontBuf(buf)
			f.drop(c)
			return
		}
		if !closeAfter && !h.close && !f.stopping.Load() {
			f.gather(buf)
		}
		if r.err == nil {
			f.serveGroup(c.ip, buf)
		}
		// As net/http decides when it writes the head: close after a
		// request that asked to (only a group's first may), or once
		// shutting down. The group's last answer says so.
		announce := h.close || f.stopping.Load()
		closeAfter = closeAfter || announce
		now := time.Now()
		buf.w = f.answers(buf.w[:0], now, buf.group, announce, false)
		conn.SetWriteDeadline(now.Add(f.writeTimeout))
		if _, err := conn.Write(buf.w); err != nil || closeAfter {
			putFrontBuf(buf)
			f.drop(c)
			return
		}
		if buf.br.Buffered() > 0 {
			// A pipelined request: its head's timeout starts now, as
			// net/http's would after its Peek.
			conn.SetReadDeadline(time.Now().Add(DefaultReadHeaderTimeout))
			continue
		}
		putFrontBuf(buf)
		buf = nil
		conn.SetReadDeadline(time.Time{})
		if f.poll != nil && !f.stopping.Load() && f.poll.adopt(c) {
			return
		}
		if !f.setState(c, true) {
			return
		}
	}
}

// answers appends the answers to reqs, one connection's decided requests
// in order, the last announcing the close when announceClose, and counts
// them (polled: answered by the poller).
func (f *wakeFront) answers(dst []byte, now time.Time, reqs []frontReq, announceClose, polled bool) []byte {
	for i := range reqs {
		r := &reqs[i]
		dst = appendWakeResponse(dst, now, r.id, r.secs, r.err, announceClose && i == len(reqs)-1)
	}
	n := len(reqs)
	f.served.Add(int64(n))
	f.s.metrics.wakeFast.Add(float64(n))
	if n > 1 {
		f.s.metrics.wakeGrouped.Add(float64(n))
	}
	if polled {
		f.polled.Add(int64(n))
		f.s.metrics.wakePolled.Add(float64(n))
	}
	return dst
}

// take copies what the answer needs from the head h, parsed from br's
// buffer, before reading past it refills the buffer.
func (r *frontReq) take(br *bufio.Reader, h *wakeHead) {
	head, _ := br.Peek(h.n)
	r.token = string(head[h.tok0:h.tok1])
	r.ttlLen = copy(r.ttl[:], head[h.ttl0:h.ttl1])
}

// gather adds to buf's group the wake requests after it that are already
// buffered whole, consuming them. It stops at the first that is not a
// plain wake request, asks to close, or is not all there: the connection's
// loop serves that one by itself, as it would without a group.
func (f *wakeFront) gather(buf *frontBuf) {
	for len(buf.group) < frontGroupMax && buf.br.Buffered() > 0 {
		b, _ := buf.br.Peek(buf.br.Buffered())
		// As between any two requests: up to four CR or LF bytes.
		skip := numLeadingCRorLF(b[:min(len(b), 4)])
		b = b[skip:]
		var h wakeHead
		if parseWakeHead(b, f.maxBody, &h) != headOK || h.close || h.n+h.clen > len(b) ||
			f.s.wakeRefusal() != nil {
			return
		}
		buf.br.Discard(skip)
		buf.group = append(buf.group, frontReq{})
		buf.group[len(buf.group)-1].take(buf.br, &h)
		buf.br.Discard(h.n + h.clen)
	}
}

// serveGroup decides buf's group of wake requests, as runWake decides
// each: one alone goes through Wake, more through one WakeBatch.
func (f *wakeFront) serveGroup(ip string, buf *frontBuf) {
	if len(buf.group) == 1 {
		r := &buf.group[0]
		r.id, r.secs, r.err = runWake(f.s.lifetime, f.s, r.token, ip, r.ttl[:r.ttlLen])
		return
	}
	for i := range buf.group {
		buf.group[i].ip = ip
	}
	buf.batch = decideWakes(f.s, buf.group, buf.batch)
}

// decideWakes decides reqs, as runWake decides each, with one WakeBatch.
// batch is scratch space, returned for reuse.
func decideWakes(s *Server, reqs []frontReq, batch []push.WakeReq) []push.WakeReq {
	batch = batch[:0]
	for i := range reqs {
		r := &reqs[i]
		ttl, err := wakeTTL(r.ttl[:r.ttlLen])
		if err != nil {
			r.err = err
			continue
		}
		batch = append(batch, push.WakeReq{Token: r.token, IP: r.ip, TTL: ttl})
	}
	s.push.WakeBatch(s.lifetime, batch)
	k := 0
	for i := range reqs {
		r := &reqs[i]
		if r.err != nil {
			continue
		}
		w := &batch[k]
		k++
		r.id, r.secs, r.err = wakeAnswer(w.ID, w.TTL, w.Err)
	}
	return batch
}

// handOff gives c, with the bytes still in buf, to net/http.
func (f *wakeFront) handOff(c *frontConn, buf *frontBuf) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	hc := &handoffConn{Conn: c.conn}
	if buf.br.Buffered() > 0 {
		hc.buf = buf
	} else {
		putFrontBuf(buf)
	}
	// net/http sets its own read deadline and expects no write deadline
	// (it sets none).
	c.conn.SetReadDeadline(time.Time{})
	c.conn.SetWriteDeadline(time.Time{})
	f.handedOff.Add(1)
	f.s.metrics.wakeHandoffs.Inc()
	select {
	case f.handoff <- hc:
	case <-f.closed:
		hc.Close()
	}
}

// appendWakeResponse appends to b the response handleWake gives, through
// net/http, to a wake request that runWake answered with id and secs or
// err, dated now; announceClose adds Connection: close.
func appendWakeResponse(b []byte, now time.Time, id string, secs int64, err error, announceClose bool) []byte {
	if err != nil {
		return appendErrorResponse(b, now, err, announceClose)
	}
	b = append(b, "HTTP/1.1 201 Created\r\nLocation: "...)
	b = appendHeaderValue(b, wakeLocationPrefix, id)
	b = append(b, "\r\nTtl: "...)
	b = strconv.AppendInt(b, secs, 10)
	b = append(b, "\r\nDate: "...)
	b = append(b, httpDate(now)...)
	b = append(b, "\r\nContent-Length: 0\r\n"...)
	return appendEndOfHead(b, announceClose)
}

// appendErrorResponse appends the response writeHTTPError gives err,
// dated now.
func appendErrorResponse(b []byte, now time.Time, err error, announceClose bool) []byte {
	status, retryAfter, body := httpErrorParts(err)
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	if text := http.StatusText(status); text != "" {
		b = append(b, text...)
	} else {
		b = append(b, "status code "...)
		b = strconv.AppendInt(b, int64(status), 10)
	}
	// net/http writes the handler's headers sorted, then Date and
	// Content-Length.
	b = append(b, "\r\nContent-Type: application/json\r\n"...)
	if retryAfter > 0 {
		b = append(b, "Retry-After: "...)
		b = strconv.AppendInt(b, int64(retryAfter), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "Date: "...)
	b = append(b, httpDate(now)...)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n"...)
	b = appendEndOfHead(b, announceClose)
	return append(b, body...)
}

// appendEndOfHead ends a response head, announcing the close as net/http
// does when the request asked for it or the server is shutting down.
func appendEndOfHead(b []byte, announceClose bool) []byte {
	if announceClose {
		b = append(b, "Connection: close\r\n"...)
	}
	return append(b, "\r\n"...)
}

// appendHeaderValue appends prefix+v as net/http writes a header value:
// CR and LF become spaces, and surrounding spaces and tabs go.
func appendHeaderValue(b []byte, prefix, v string) []byte {
	start := len(b)
	b = append(b, prefix...)
	b = append(b, v...)
	for i := start; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			b[i] = ' '
		}
	}
	end := len(b)
	for end > start && (b[end-1] == ' ' || b[end-1] == '\t') {
		end--
	}
	lead := start
	for lead < end && (b[lead] == ' ' || b[lead] == '\t') {
		lead++
	}
	if lead > start {
		n := copy(b[start:], b[lead:end])
		end = start + n
	}
	return b[:end]
}

// numLeadingCRorLF is net/http's: the number of leading CR or LF bytes.
func numLeadingCRorLF(v []byte) (n int) {
	for _, b := range v {
		if b == '\r' || b == '\n' {
			n++
			continue
		}
		break
	}
	return n
}

// dateValue is a formatted Date header value and the second it is for.
type dateValue struct {
	unix int64
	text []byte
}

// frontDate caches the Date header value, formatted at most once a second.
var frontDate atomic.Pointer[dateValue]

// httpDate returns now as an HTTP Date value (http.TimeFormat). The
// returned bytes must not be modified.
func httpDate(now time.Time) []byte {
	sec := now.Unix()
	if d := frontDate.Load(); d != nil && d.unix == sec {
		return d.text
	}
	d := &dateValue{unix: sec, text: now.UTC().AppendFormat(make([]byte, 0, len(http.TimeFormat)), http.TimeFormat)}
	frontDate.Store(d)
	return d.text
}

// headVerdict is what the fast path makes of the bytes of a request head.
type headVerdict int

const (
	// headMore: a wake request so far; read more.
	headMore headVerdict = iota
	// headOK: a complete wake request head the fast path serves.
	headOK
	// headHandoff: for net/http.
	headHandoff
)

// wakeHead is a parsed wake request head; offsets index the buffer it was
// parsed from.
type wakeHead struct {
	n          int  // length of the head, through the blank line
	tok0, tok1 int  // the token
	ttl0, ttl1 int  // the first TTL header's value, trimmed; empty when absent
	clen       int  // Content-Length; 0 when absent
	close      bool // Connection: close
}

// readWakeHead reads from br until it holds a complete request head the
// fast path serves (headOK, consuming nothing), or one it does not
// (headHandoff, consuming nothing). An error means the connection is done
// with no answer owed: it closed or timed out before a byte of a request,
// or failed mid-head (net/http answers neither). A head cut short by end
// of stream is handed off, as net/http answers those.
func readWakeHead(br *bufio.Reader, maxBody int, h *wakeHead) (headVerdict, error) {
	for {
		b, _ := br.Peek(br.Buffered())
		if v := parseWakeHead(b, maxBody, h); v != headMore {
			return v, nil
		}
		if br.Buffered() == br.Size() {
			return headHandoff, nil
		}
		if _, err := br.Peek(br.Buffered() + 1); err != nil {
			if err == io.EOF && br.Buffered() > 0 {
				return headHandoff, nil
			}
			return 0, err
		}
	}
}

const (
	wakeLinePrefix = "POST /v1/wake/"
	wakeLineProto  = " HTTP/1.1\r\n"
)

// parseWakeHead parses the buffered bytes of a request head. It answers
// headOK only for a request net/http would parse to the same method, path,
// token, Content-Length, TTL and Connection: close and route to handleWake,
// and answers headHandoff as soon as the bytes show it is anything else or
// anything doubtful:
//
//   - the request line is exactly "POST /v1/wake/<token> HTTP/1.1", the
//     token 1 to maxFrontToken base64url characters (no query, no escapes);
//   - every line ends in CRLF; a header line is a token name, a colon and a
//     value of visible ASCII, spaces and tabs (no obs-fold, no obs-text);
//   - at most maxFrontHeaders header lines;
//   - exactly one Host, of plain host characters;
//   - at most one Content-Length, decimal, within maxBody (net/http answers
//     413 for a larger one, and drains or closes as it sees fit);
//   - no Transfer-Encoding, Expect or Upgrade; at most one Connection,
//     "close" or "keep-alive";
//   - a TTL header (the first one counts, as Header.Get) of at most
//     maxFrontTTL bytes.
func parseWakeHead(b []byte, maxBody int, h *wakeHead) headVerdict {
	*h = wakeHead{}
	// The request line, checked as it arrives.
	n := min(len(b), len(wakeLinePrefix))
	if string(b[:n]) != wakeLinePrefix[:n] {
		return headHandoff
	}
	if len(b) == n {
		return headMore
	}
	i := len(wakeLinePrefix)
	for i < len(b) && i-len(wakeLinePrefix) <= maxFrontToken && isTokenByte(b[i]) {
		i++
	}
	h.tok0, h.tok1 = len(wakeLinePrefix), i
	if h.tok1-h.tok0 > maxFrontToken {
		return headHandoff
	}
	if i == len(b) {
		return headMore
	}
	if h.tok1 == h.tok0 {
		return headHandoff
	}
	n = min(len(b)-i, len(wakeLineProto))
	if string(b[i:i+n]) != wakeLineProto[:n] {
		return headHandoff
	}
	if n < len(wakeLineProto) {
		return headMore
	}
	i += len(wakeLineProto)

	var lines, hosts, clens, conns int
	ttlSeen := false
	for {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			if len(b)-i > 0 && !isTchar(b[i]) && b[i] != '\r' {
				return headHandoff // obs-fold, leading space, or worse
			}
			return headMore
		}
		next := i + j + 1
		if j == 0 || b[i+j-1] != '\r' {
			return headHandoff // bare LF
		}
		line := b[i : i+j-1]
		if len(line) == 0 {
			h.n = next
			break
		}
		if lines++; lines > maxFrontHeaders {
			return headHandoff
		}
		colon := 0
		for colon < len(line) && isTchar(line[colon]) {
			colon++
		}
		if colon == 0 || colon == len(line) || line[colon] != ':' {
			return headHandoff
		}
		name := line[:colon]
		v0, v1 := colon+1, len(line)
		for k := v0; k < v1; k++ {
			if c := line[k]; (c < ' ' && c != '\t') || c > '~' {
				return headHandoff
			}
		}
		for v0 < v1 && (line[v0] == ' ' || line[v0] == '\t') {
			v0++
		}
		for v1 > v0 && (line[v1-1] == ' ' || line[v1-1] == '\t') {
			v1--
		}
		value := line[v0:v1]
		switch {
		case equalFold(name, "host"):
			if hosts++; hosts > 1 || !plainHost(value) {
				return headHandoff
			}
		case equalFold(name, "content-length"):
			cl, ok := parseContentLength(value)
			if clens++; clens > 1 || !ok || cl > maxBody {
				return headHandoff
			}
			h.clen = cl
		case equalFold(name, "connection"):
			if conns++; conns > 1 {
				return headHandoff
			}
			switch {
			case equalFold(value, "close"):
				h.close = true
			case equalFold(value, "keep-alive"):
			default:
				return headHandoff
			}
		case equalFold(name, "ttl"):
			if !ttlSeen {
				ttlSeen = true
				if len(value) > maxFrontTTL {
					return headHandoff
				}
				h.ttl0, h.ttl1 = i+v0, i+v1
			}
		case equalFold(name, "transfer-encoding"), equalFold(name, "expect"), equalFold(name, "upgrade"):
			return headHandoff
		}
		i = next
	}
	if hosts != 1 {
		return headHandoff
	}
	return headOK
}

// Byte classes of the head parser.
const (
	classToken = 1 << iota // base64url: may appear in a wakeup token
	classTchar             // RFC 9110 tchar: may appear in a header name
	classHost              // may appear in a plain Host value
)

// byteClass holds the classes of every byte.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if alnum || c == '-' || c == '_' {
			t[c] |= classToken | classHost
		}
		if alnum || bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), byte(c)) >= 0 {
			t[c] |= classTchar
		}
		if c == '.' || c == ':' || c == '[' || c == ']' {
			t[c] |= classHost
		}
	}
	return t
}()

// isTokenByte reports whether c may appear in a wakeup token: base64url.
func isTokenByte(c byte) bool { return byteClass[c]&classToken != 0 }

// isTchar reports whether c may appear in a header name (RFC 9110 tchar).
func isTchar(c byte) bool { return byteClass[c]&classTchar != 0 }

// plainHost reports whether v is a non-empty Host value of letters,
// digits and . - _ : [ ] only, all of which net/http accepts.
func plainHost(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if byteClass[c]&classHost == 0 {
			return false
		}
	}
	return true
}

// equalFold reports whether b equals the lower-case ASCII lower, ignoring
// ASCII case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// parseContentLength parses a Content-Length value of 1 to 18 decimal
// digits, the values strconv.ParseUint(v, 10, 63) takes without overflow.
func parseContentLength(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseTTLSeconds parses a TTL header value as handleWake always has:
// strconv.ParseInt(v, 10, 64) and not negative. It allocates nothing.
func parseTTLSeconds[T string | []byte](v T) (int64, bool) {
	i := 0
	neg := false
	if len(v) > 0 && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		i = 1
	}
	if i == len(v) {
		return 0, false
	}
	var n uint64
	for ; i < len(v); i++ {
		d := uint64(v[i]) - '0'
		if d > 9 || n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg && n != 0 {
		return 0, false
	}
	return int64(n), true
}

// handoffConn is a connection handed to net/http: Read returns the bytes
// the fast path buffered, which include the request it did not serve,
// before reading the socket. Everything else is the socket's, so net/http,
// and a websocket session after Hijack, use it as they would the socket.
type handoffConn struct {
	net.Conn
	mu  sync.Mutex
	buf *frontBuf // bytes not yet read; nil once drained
}

// Read reads the buffered bytes first, then the socket.
func (c *handoffConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if b := c.buf; b != nil {
		n, _ := b.br.Read(p) // only buffered bytes: no socket read, no error
		if b.br.Buffered() == 0 {
			c.buf = nil
			putFrontBuf(b)
		}
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	return c.Conn.Read(p)
}

// SyscallConn returns the socket's raw connection, for the session's
// readiness waits (idleread.go), once no buffered bytes are left: a wait
// on the socket would not see those.
func (c *handoffConn) SyscallConn() (syscall.RawConn, error) {
	c.mu.Lock()
	pending := c.buf != nil
	c.mu.Unlock()
	if pending {
		return nil, errors.New("server: handed-off connection still has buffered bytes")
	}
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("server: connection has no raw socket")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("handed-off connection: %w", err)
	}
	return raw, nil
}

// CloseWrite half-closes the socket, as net/http does to a TCP connection
// before closing it after an error answer.
func (c *handoffConn) CloseWrite() error {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !ok {
		return errors.New("server: connection cannot half-close")
	}
	if err := cw.CloseWrite(); err != nil {
		return fmt.Errorf("handed-off connection: %w", err)
	}
	return nil
}
