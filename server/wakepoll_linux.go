package server

import (
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pnmarket/pnmarket/server/push"
)

// The wake poller. A sender that sends one wake request at a time on each
// of its connections costs the goroutine-per-connection fast path, per
// request, a goroutine wake-up, a read that finds the request and one that
// finds nothing, its own synced commit (and a wait for it), and deadline
// updates. The poller takes those connections over once they are idle
// between requests: it waits for all of them in one epoll set, reads the
// ones that are ready, and queues the complete wake requests it finds with
// one synced write (push WakeBatch), whose goroutine then writes each
// connection its answers. One wake-up, one commit and one fsync wait are
// shared by every connection that was ready at once.
//
// The poller serves only what it can serve whole: a read that brings
// complete, plain wake requests (as parseWakeHead decides). Anything else
// (a request cut across reads, a request for net/http, an answer the socket
// cannot take at once) goes back to a goroutine of its own, with the bytes
// read so far, and serveConn carries on exactly as if it had read them.

// pollReadSize is the poller's read buffer. A read that fills it may have
// left more behind; the connection is read again after its answers.
const pollReadSize = frontBufSize

// wakePoller serves idle fast-path connections from one epoll set.
type wakePoller struct {
	f     *wakeFront
	epfd  int
	epf   *os.File        // epfd, registered with the runtime's poller
	raw   syscall.RawConn // epf's
	wait  func(uintptr) bool
	nev   int
	evs   []unix.EpollEvent
	evfd  int // eventfd: wakes the loop for kicks and Close
	rbuf  [pollReadSize]byte
	evbuf [8]byte

	mu     sync.Mutex
	conns  map[int32]*pollConn // by fd; guarded by mu
	kicked []*pollConn         // to read again; guarded by mu
	shut   bool                // Close was called; guarded by mu
	done   bool                // epfd and evfd are closed; guarded by mu
	nextID int32               // guarded by mu
}

// pollConn is a connection the poller owns: fd is a socket no longer
// registered with the runtime's poller.
type pollConn struct {
	fd int
	id int32 // tells a reused fd's events from this one's
	ip string

	// guarded by wakePoller.mu
	busy  bool   // requests in flight: the loop does not read it
	again bool   // to read again once idle
	rest  []byte // bytes after the served requests, for serveConn
	close bool   // close after the answers (Connection: close)
}

// pollGroup is what one loop turn read: requests, by connection, in order.
type pollGroup struct {
	reqs  []frontReq
	conns []pollEntry
	batch []push.WakeReq
	w     []byte
}

// pollEntry is a connection's span of a group's requests.
type pollEntry struct {
	pc         *pollConn
	start, end int
}

var pollGroups = sync.Pool{New: func() any { return &pollGroup{w: make([]byte, 0, 512)} }}

// newWakePoller starts f's poller, or returns nil when the system has no
// epoll to give it.
func newWakePoller(f *wakeFront) *wakePoller {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	evfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(evfd), Pad: -1}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(evfd)
		return nil
	}
	// The loop waits for the epoll set on the runtime's own poller, as a
	// goroutine waits for a socket, rather than in a blocking syscall.
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		unix.Close(evfd)
		return nil
	}
	epf := os.NewFile(uintptr(epfd), "wake-epoll")
	raw, err := epf.SyscallConn()
	if err != nil {
		epf.Close()
		unix.Close(evfd)
		return nil
	}
	p := &wakePoller{f: f, epfd: epfd, epf: epf, raw: raw, evfd: evfd, conns: make(map[int32]*pollConn)}
	f.wg.Add(1)
	go p.loop()
	return p
}

// adopt takes c over, idle with nothing buffered, and reports whether it
// did; if not, c is c's goroutine's as before.
func (p *wakePoller) adopt(c *frontConn) bool {
	if c.raw == nil {
		return false
	}
	fd := -1
	if err := c.raw.Control(func(s uintptr) {
		fd, _ = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil || fd < 0 {
		return false
	}
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		unix.Close(fd)
		return false
	}
	p.nextID++
	pc := &pollConn{fd: fd, id: p.nextID, ip: c.ip}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(fd), Pad: pc.id}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		p.mu.Unlock()
		unix.Close(fd)
		return false
	}
	p.conns[int32(fd)] = pc
	p.f.adopted.Add(1) // before the loop can see it
	p.f.s.metrics.wakePollConns.Inc()
	p.mu.Unlock()
	// The duplicate keeps the socket open; closing the original takes it
	// out of the runtime's poller.
	p.f.forget(c)
	c.conn.Close()
	return true
}

// loop waits for readable connections and serves what they sent, until
// Close.
func (p *wakePoller) loop() {
	defer p.f.wg.Done()
	p.evs = make([]unix.EpollEvent, 128)
	events := p.evs
	var werr error
	p.wait = func(fd uintptr) bool {
		p.nev, werr = unix.EpollWait(int(fd), p.evs, 0)
		for werr == unix.EINTR {
			p.nev, werr = unix.EpollWait(int(fd), p.evs, 0)
		}
		return p.nev > 0 || werr != nil
	}
	for {
		err := p.raw.Read(p.wait)
		if err == nil {
			err = werr
		}
		if err != nil {
			p.closeIdle()
			return
		}
		n := p.nev
		var g *pollGroup
		shut := false
		for i := range n {
			ev := &events[i]
			if ev.Fd == int32(p.evfd) {
				unix.Read(p.evfd, p.evbuf[:])
				p.mu.Lock()
				shut = p.shut
				kicked := p.kicked
				p.kicked = nil
				p.mu.Unlock()
				if shut {
					// Requests already read are still answered (closing).
					break
				}
				for _, pc := range kicked {
					if p.claim(pc.fd, pc.id) != nil {
						g = p.read(pc, g, 0)
					}
				}
				continue
			}
			if pc := p.claim(int(ev.Fd), ev.Pad); pc != nil {
				g = p.read(pc, g, ev.Events)
			}
		}
		switch {
		case g == nil:
		case len(g.conns) == 0:
			pollGroups.Put(g)
		default:
			p.f.wg.Add(1)
			go p.serve(g)
		}
		if shut {
			p.closeIdle()
			return
		}
	}
}

// claim returns the connection with fd and id for the loop to read, or
// nil: gone, or busy (then it is read again once its answers are written).
func (p *wakePoller) claim(fd int, id int32) *pollConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	pc := p.conns[int32(fd)]
	if pc == nil || pc.id != id {
		return nil
	}
	if pc.busy {
		pc.again = true
		return nil
	}
	return pc
}

// read reads pc, which is idle and had events (0: kicked), and adds the
// requests it brought to g (allocated when nil), or passes pc on: closed at
// end of stream, to a goroutine when the bytes are not complete wake
// requests.
func (p *wakePoller) read(pc *pollConn, g *pollGroup, events uint32) *pollGroup {
	n, err := unix.Read(pc.fd, p.rbuf[:])
	for err == unix.EINTR {
		n, err = unix.Read(pc.fd, p.rbuf[:])
	}
	if err == unix.EAGAIN {
		return g
	}
	if err != nil || n <= 0 {
		p.closeConn(pc)
		return g
	}
	b := p.rbuf[:n]
	if g == nil {
		g = pollGroups.Get().(*pollGroup)
	}
	start := len(g.reqs)
	closeAfter := false
	for len(g.reqs)-start < frontGroupMax {
		// As between any two requests: up to four CR or LF bytes. Bytes
		// that are not taken go on unskipped, for serveConn to skip.
		skip := numLeadingCRorLF(b[:min(len(b), 4)])
		next := b[skip:]
		var h wakeHead
		if len(next) == 0 || parseWakeHead(next, p.f.maxBody, &h) != headOK || h.n+h.clen > len(next) ||
			p.f.s.wakeRefusal() != nil {
			break
		}
		g.reqs = append(g.reqs, frontReq{})
		r := &g.reqs[len(g.reqs)-1]
		r.token = string(next[h.tok0:h.tok1])
		r.ip = pc.ip
		r.ttlLen = copy(r.ttl[:], next[h.ttl0:h.ttl1])
		b = next[h.n+h.clen:]
		if h.close {
			// net/http reads nothing after a request that asks to close.
			closeAfter, b = true, nil
			break
		}
	}
	if len(g.reqs) == start {
		p.release(pc, b, nil, false)
		return g
	}
	p.mu.Lock()
	pc.busy = true
	pc.close = closeAfter
	pc.rest = append(pc.rest[:0], b...)
	// A full read may have left more in the socket, and a hang-up seen
	// with the data is not seen again: the edges that brought them have
	// passed.
	pc.again = n == len(p.rbuf) || events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0
	p.mu.Unlock()
	g.conns = append(g.conns, pollEntry{pc: pc, start: start, end: len(g.reqs)})
	return g
}

// serve decides g's requests with one WakeBatch and writes each connection
// its answers.
func (p *wakePoller) serve(g *pollGroup) {
	defer p.f.wg.Done()
	f := p.f
	g.batch = decideWakes(f.s, g.reqs, g.batch)
	now := time.Now()
	announce := f.stopping.Load()
	for _, e := range g.conns {
		pc := e.pc
		p.mu.Lock()
		closeAfter := pc.close || announce
		p.mu.Unlock()
		w := f.answers(g.w[:0], now, g.reqs[e.start:e.end], closeAfter, true)
		g.w = w
		nw, err := unix.Write(pc.fd, w)
		for err == unix.EINTR {
			nw, err = unix.Write(pc.fd, w)
		}
		if err == unix.EAGAIN {
			nw, err = 0, nil
		}
		if err != nil || (closeAfter && nw == len(w)) {
			p.closeConn(pc)
			continue
		}
		p.mu.Lock()
		again, rest := pc.again, pc.rest
		pc.again = false
		switch {
		case nw < len(w):
			// Answers owed: a goroutine writes them as the peer reads.
			// pc is still busy, so the loop leaves it alone.
			p.mu.Unlock()
			p.release(pc, rest, w[nw:], closeAfter)
		case p.shut:
			// The loop is gone: nobody would read pc again.
			p.removeLocked(pc)
			p.mu.Unlock()
			unix.Close(pc.fd)
		case len(rest) > 0:
			p.mu.Unlock()
			p.release(pc, rest, nil, false)
		default:
			pc.busy = false
			if again {
				p.kicked = append(p.kicked, pc)
				p.wakeLocked()
			}
			p.mu.Unlock()
		}
	}
	clear(g.reqs)
	g.reqs = g.reqs[:0]
	g.conns = g.conns[:0]
	clear(g.batch)
	g.batch = g.batch[:0]
	pollGroups.Put(g)
}

// wakeLocked wakes the loop. p.mu must be held.
func (p *wakePoller) wakeLocked() {
	if !p.done {
		one := [8]byte{1}
		unix.Write(p.evfd, one[:])
	}
}

// release gives pc back to a goroutine of its own, which writes unwritten
// first (then closes, if closeAfter), then serves read as the start of the
// next request. pc is busy or being read by the loop, so nothing else
// touches it. An answer owed is written even once the front is stopping.
func (p *wakePoller) release(pc *pollConn, read, unwritten []byte, closeAfter bool) {
	read = append([]byte(nil), read...)
	unwritten = append([]byte(nil), unwritten...)
	p.mu.Lock()
	p.removeLocked(pc)
	if !p.done {
		unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, pc.fd, nil)
	}
	p.mu.Unlock()
	file := os.NewFile(uintptr(pc.fd), "")
	conn, err := net.FileConn(file) // a duplicate, on the runtime's poller
	file.Close()
	if err != nil {
		// Out of descriptors, most likely: the connection is lost, as one
		// net/http could not accept.
		p.f.s.log.Warn("wake poller: connection dropped", "err", err, "unwritten", len(unwritten))
		return
	}
	p.f.released.Add(1)
	fc := p.f.trackReleased(conn)
	go p.f.serveReleased(fc, read, unwritten, closeAfter)
}

// closeConn closes pc and forgets it.
func (p *wakePoller) closeConn(pc *pollConn) {
	p.mu.Lock()
	p.removeLocked(pc)
	p.mu.Unlock()
	unix.Close(pc.fd)
}

// removeLocked forgets pc, if p still holds it. p.mu must be held.
func (p *wakePoller) removeLocked(pc *pollConn) {
	if p.conns[int32(pc.fd)] == pc {
		delete(p.conns, int32(pc.fd))
		p.f.s.metrics.wakePollConns.Dec()
	}
}

// closeIdle closes every connection with nothing in flight, and the
// poller's own descriptors; one in flight closes after its answers (they
// announce it, as the front is stopping).
func (p *wakePoller) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shut = true
	for _, pc := range p.conns {
		if !pc.busy {
			p.removeLocked(pc)
			unix.Close(pc.fd)
		}
	}
	p.done = true
	p.epf.Close()
	unix.Close(p.evfd)
}

// close stops the loop, which closes the idle connections as it goes.
func (p *wakePoller) close() {
	p.mu.Lock()
	p.shut = true
	p.wakeLocked()
	p.mu.Unlock()
}
