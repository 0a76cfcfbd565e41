package push

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiterIdle is how long an untouched bucket lives before it is swept.
const limiterIdle = 10 * time.Minute

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// limiter holds token buckets by key, created on demand and swept when idle.
type limiter struct {
	now func() time.Time // static after construction

	mu        sync.Mutex
	buckets   map[string]*bucket // guarded by mu
	lastSweep time.Time          // guarded by mu
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: make(map[string]*bucket), lastSweep: now()}
}

// allow takes one token from the bucket of kind and key (rate r per
// second, burst b) or returns the wait until one is available. kind keeps
// different limits on one limiter apart.
func (l *limiter) allow(kind byte, key string, r float64, b int) (time.Duration, bool) {
	return l.allowAt(l.now(), kind, key, r, b)
}

// allowAt is allow at now, a clock reading the caller shares with others.
func (l *limiter) allowAt(now time.Time, kind byte, key string, r float64, b int) (time.Duration, bool) {
	var kb [72]byte
	k := append(append(kb[:0], kind), key...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > limiterIdle {
		for k, bk := range l.buckets {
			if now.Sub(bk.used) > limiterIdle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	bk := l.buckets[string(k)] // no allocation for the lookup
	if bk == nil {
		bk = &bucket{lim: rate.NewLimiter(rate.Limit(r), b)}
		l.buckets[string(k)] = bk
	}
	bk.used = now
	if bk.lim.AllowN(now, 1) {
		return 0, true
	}
	res := bk.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	res.CancelAt(now)
	return max(d, time.Nanosecond), false
}

// instKey names an installation in memory.
type instKey struct {
	owner [20]byte
	inst  string
}

// coalescer keeps, per installation, when its latest topic-triggered
// wakeup is scheduled (unix ms).
type coalescer struct {
	mu        sync.Mutex
	m         map[instKey]int64 // guarded by mu
	lastSweep int64             // guarded by mu
}

// slot decides whether a trigger at now (unix ms) yields a wakeup and when:
// at most one wakeup per installation per window, and the last trigger is
// always followed by a wakeup within one window. It returns the time to
// send at and false when the trigger is absorbed by one already scheduled.
func (c *coalescer) slot(k instKey, now, window int64) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now-c.lastSweep > 10*window+60_000 {
		for key, at := range c.m {
			if at+window <= now {
				delete(c.m, key)
			}
		}
		c.lastSweep = now
	}
	last, ok := c.m[k]
	switch {
	case !ok || last+window <= now:
		c.m[k] = now
		return now, true
	case last > now:
		return 0, false // a trailing wakeup is already scheduled
	default:
		at := last + window
		c.m[k] = at
		return at, true
	}
}

// scheduler holds jobs until their time and then hands them to dispatch.
// One goroutine (run) owns the timer.
type scheduler struct {
	now      func() time.Time // static after construction
	dispatch func(*job)       // static after construction

	mu   sync.Mutex
	h    jobHeap       // guarded by mu
	seq  uint64        // last entry number; guarded by mu
	kick chan struct{} // capacity 1: the earliest time changed
}

func newScheduler(now func() time.Time, dispatch func(*job)) *scheduler {
	return &scheduler{now: now, dispatch: dispatch, kick: make(chan struct{}, 1)}
}

type timed struct {
	at  int64 // unix ms
	j   *job
	fn  func() // instead of a job: a callback (credential probes)
	seq uint64 // FIFO among equal times
}

type jobHeap []timed

func (h jobHeap) Len() int { return len(h) }
func (h jobHeap) Less(i, k int) bool {
	if h[i].at != h[k].at {
		return h[i].at < h[k].at
	}
	return h[i].seq < h[k].seq
}
func (h jobHeap) Swap(i, k int) { h[i], h[k] = h[k], h[i] }
func (h *jobHeap) Push(x any)   { *h = append(*h, x.(timed)) }
func (h *jobHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = timed{}
	*h = old[:len(old)-1]
	return x
}

// add holds j until at (unix ms).
func (s *scheduler) add(at int64, j *job) { s.push(timed{at: at, j: j}) }

// after runs fn on the scheduler goroutine at at (unix ms).
func (s *scheduler) after(at int64, fn func()) { s.push(timed{at: at, fn: fn}) }

func (s *scheduler) push(t timed) {
	s.mu.Lock()
	s.seq++
	t.seq = s.seq
	heap.Push(&s.h, t)
	first := s.h[0].seq == t.seq
	s.mu.Unlock()
	if first {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// len returns the number of held entries.
func (s *scheduler) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.h)
}

// run releases entries as they come due until ctx is done.
func (s *scheduler) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := s.now().UnixMilli()
		var due []timed
		wait := time.Hour
		s.mu.Lock()
		for len(s.h) > 0 && s.h[0].at <= now {
			due = append(due, heap.Pop(&s.h).(timed))
		}
		if len(s.h) > 0 {
			wait = time.Duration(s.h[0].at-now) * time.Millisecond
		}
		s.mu.Unlock()
		for _, t := range due {
			if t.fn != nil {
				t.fn()
			} else {
				s.dispatch(t.j)
			}
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-timer.C:
		}
	}
}
