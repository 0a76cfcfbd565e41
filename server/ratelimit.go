package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limitKind names what a limit applies to.
type limitKind uint8

const (
	limitPublish limitKind = iota
	limitHistory
)

// limiterIdle is how long an untouched bucket lives before it is swept.
const limiterIdle = 10 * time.Minute

type limitKey struct {
	kind limitKind
	ip   bool
	who  string
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// limiter holds token buckets per session key and per IP, for publish and
// history. Buckets are created on demand and swept when idle.
type limiter struct {
	cfg Config           // static after construction
	now func() time.Time // static after construction

	mu        sync.Mutex
	buckets   map[limitKey]*bucket // guarded by mu
	lastSweep time.Time            // guarded by mu
}

func newLimiter(cfg Config, now func() time.Time) *limiter {
	return &limiter{cfg: cfg, now: now, buckets: make(map[limitKey]*bucket), lastSweep: now()}
}

// allow takes one token from both the key's and the IP's bucket, or returns
// a RateLimited error with the time until a token is available.
func (l *limiter) allow(kind limitKind, key, ip string) error {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > limiterIdle {
		l.sweepLocked(now)
	}
	kr := l.bucketLocked(limitKey{kind, false, key}, now).ReserveN(now, 1)
	if d := kr.DelayFrom(now); d > 0 {
		kr.CancelAt(now)
		return &Error{Code: CodeRateLimited, RetryAfter: d}
	}
	ir := l.bucketLocked(limitKey{kind, true, ip}, now).ReserveN(now, 1)
	if d := ir.DelayFrom(now); d > 0 {
		ir.CancelAt(now)
		kr.CancelAt(now)
		return &Error{Code: CodeRateLimited, Msg: "rate limit exceeded for this address", RetryAfter: d}
	}
	return nil
}

func (l *limiter) bucketLocked(k limitKey, now time.Time) *rate.Limiter {
	b := l.buckets[k]
	if b == nil {
		r, burst := l.cfg.PublishRate, l.cfg.PublishBurst
		if k.kind == limitHistory {
			r, burst = l.cfg.HistoryRate, l.cfg.HistoryBurst
		}
		if k.ip {
			r *= l.cfg.IPRateFactor
			burst = int(float64(burst) * l.cfg.IPRateFactor)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Limit(r), burst)}
		l.buckets[k] = b
	}
	b.used = now
	return b.lim
}

func (l *limiter) sweepLocked(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.used) > limiterIdle {
			delete(l.buckets, k)
		}
	}
	l.lastSweep = now
}
