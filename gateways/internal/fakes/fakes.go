// Package fakes holds the machinery shared by the fake push services
// apnstest and fcmtest: queued "fail the next N requests" faults, per-token
// faults, and a bounded log of deliveries with running totals. Everything
// is safe for concurrent use and cheap on the request path: hot reads are
// atomic loads, and locks are held for a few instructions.
package fakes

import (
	"context"
	"sync"
	"sync/atomic"
)

// Log keeps the last len(ring) records in full plus a running total, so a
// benchmark can push millions of requests through a fake in bounded memory.
type Log[D any] struct {
	total atomic.Int64

	mu      sync.Mutex
	ring    []D      // guarded by mu
	next    int      // guarded by mu; index of the next write
	full    bool     // guarded by mu; ring has wrapped
	waiters []waiter // guarded by mu
}

type waiter struct {
	n    int64
	done chan struct{}
}

// NewLog returns a Log keeping the last keep records (at least 1).
func NewLog[D any](keep int) *Log[D] {
	return &Log[D]{ring: make([]D, max(keep, 1))}
}

// Record appends d and wakes the waiters it satisfies.
func (l *Log[D]) Record(d D) {
	l.mu.Lock()
	l.ring[l.next] = d
	l.next++
	if l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
	n := l.total.Add(1)
	if len(l.waiters) > 0 {
		l.wakeLocked(n)
	}
	l.mu.Unlock()
}

func (l *Log[D]) wakeLocked(n int64) {
	kept := l.waiters[:0]
	for _, w := range l.waiters {
		if n >= w.n {
			close(w.done)
		} else {
			kept = append(kept, w)
		}
	}
	l.waiters = kept
}

// Total returns how many records were ever appended.
func (l *Log[D]) Total() int64 { return l.total.Load() }

// Snapshot returns the kept records, oldest first.
func (l *Log[D]) Snapshot() []D {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]D(nil), l.ring[:l.next]...)
	}
	out := make([]D, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

// WaitFor blocks until Total() >= n or ctx is done.
func (l *Log[D]) WaitFor(ctx context.Context, n int64) error {
	l.mu.Lock()
	if l.total.Load() >= n {
		l.mu.Unlock()
		return nil
	}
	w := waiter{n: n, done: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for i, x := range l.waiters {
			if x.done == w.done {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// Queue holds batches of "fail the next N requests with F", served in the
// order they were added.
type Queue[F any] struct {
	pending atomic.Int64 // total queued; lets the hot path skip the lock

	mu      sync.Mutex
	batches []batch[F] // guarded by mu
}

type batch[F any] struct {
	left  int
	fault F
}

// Add queues f for the next n requests.
func (q *Queue[F]) Add(n int, f F) {
	if n <= 0 {
		return
	}
	q.mu.Lock()
	q.batches = append(q.batches, batch[F]{left: n, fault: f})
	q.pending.Add(int64(n))
	q.mu.Unlock()
}

// Take pops one queued fault, if any.
func (q *Queue[F]) Take() (F, bool) {
	var zero F
	if q.pending.Load() == 0 {
		return zero, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.batches) == 0 {
		return zero, false
	}
	b := &q.batches[0]
	f := b.fault
	b.left--
	if b.left == 0 {
		q.batches = q.batches[1:]
	}
	q.pending.Add(-1)
	return f, true
}

// Countdown is a "next N requests" counter.
type Countdown struct{ n atomic.Int64 }

// Add adds n requests to the countdown.
func (c *Countdown) Add(n int) { c.n.Add(int64(n)) }

// Take consumes one request from the countdown, reporting whether there was
// one.
func (c *Countdown) Take() bool {
	for {
		n := c.n.Load()
		if n <= 0 {
			return false
		}
		if c.n.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// PerToken maps device tokens to the fault every request for them gets. It
// is copy-on-write: readers take no lock, writers copy the map.
type PerToken[F any] struct {
	mu sync.Mutex // serialises writers
	m  atomic.Pointer[map[string]F]
}

// Get returns the fault set for token.
func (p *PerToken[F]) Get(token string) (F, bool) {
	m := p.m.Load()
	if m == nil {
		var zero F
		return zero, false
	}
	f, ok := (*m)[token]
	return f, ok
}

// Set sets the fault for token; nil removes it.
func (p *PerToken[F]) Set(token string, f *F) {
	p.mu.Lock()
	defer p.mu.Unlock()
	next := make(map[string]F)
	if old := p.m.Load(); old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	if f == nil {
		delete(next, token)
	} else {
		next[token] = *f
	}
	p.m.Store(&next)
}
