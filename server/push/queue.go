package push

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// newJob makes a job with a fresh idempotency key (a UUID, so APNs uses it
// as apns-id unchanged) and a fresh random nonce (32 hex digits), both
// from one string.
func (s *Service) newJob(kind jobKind) *job { return s.newJobAt(kind, s.now()) }

// newJobAt is newJob created at now.
func (s *Service) newJobAt(kind jobKind, now time.Time) *job {
	var b [32]byte
	rand.Read(b[:])
	var buf [36 + 32]byte
	gateways.AppendUUID(buf[:0], [16]byte(b[:16]), 4)
	hex.Encode(buf[36:], b[16:])
	str := string(buf[:])
	return &job{kind: kind, id: str[:36], nonce: str[36:], created: now.UnixMilli(), fresh: true}
}

// enqueue writes jobs to the queue in one synced batch, so they survive a
// crash once it returns, then hands them to the workers. Concurrent callers'
// synced commits share fsyncs in pebble's commit pipeline. ErrQueueFull
// when the queue would exceed QueueSize.
func (s *Service) enqueue(jobs ...*job) error {
	if len(jobs) == 0 {
		return nil
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closing {
		return ErrShuttingDown
	}
	if !s.reserve(int64(len(jobs))) {
		return ErrQueueFull
	}
	return s.commitJobs(jobs)
}

// reserve takes n slots of the queue, or none when fewer are free.
func (s *Service) reserve(n int64) bool {
	if s.pending.Add(n) > int64(s.cfg.QueueSize) {
		s.pending.Add(-n)
		return false
	}
	return true
}

// commitJobs writes jobs, whose queue slots are reserved, in one synced
// batch and schedules them. On failure it gives the slots back. The caller
// holds closeMu's read lock.
func (s *Service) commitJobs(jobs []*job) error {
	b := s.db.NewBatch()
	var kb [9]byte
	vb := make([]byte, 0, 256)
	for _, j := range jobs {
		j.seq = s.nextSeq.Add(1)
		vb = j.appendTo(vb[:0])
		b.Set(appendJobKey(kb[:0], j.seq), vb, nil) // Set copies both
	}
	s.spacer.commit()
	err := b.Commit(pebble.Sync)
	b.Close()
	if err != nil {
		s.pending.Add(-int64(len(jobs)))
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	for _, j := range jobs {
		s.schedule(j)
	}
	return nil
}

// schedule hands j to its pool, or to the scheduler until its time.
func (s *Service) schedule(j *job) {
	if j.notBefore > 0 && j.notBefore > s.now().UnixMilli() { // 0: now, without reading the clock
		s.sched.add(j.notBefore, j)
		return
	}
	s.dispatch(j)
}

// dispatch hands a due job to its pool without blocking: every pool's
// channel holds more jobs than can exist.
func (s *Service) dispatch(j *job) {
	select {
	case s.pools[j.pool] <- j:
	default:
		s.sched.add(s.now().UnixMilli()+100, j)
	}
}

// poolOf returns the pool that sends for reg.
func (s *Service) poolOf(reg *regRecord) poolID {
	if app := s.apps[reg.AppID]; app != nil {
		return app.pool
	}
	if reg.Gateway == pushwire.GatewayFCM {
		return poolFCM
	}
	return poolAPNs
}

// Wake queues a wakeup for the installation a wakeup token names, durably,
// and returns its idempotency id. ip is the requester's address for the
// per-IP rate limit; ttl (0 = none) bounds how long the push service keeps
// the wakeup for an offline device.
func (s *Service) Wake(ctx context.Context, tok, ip string, ttl time.Duration) (string, error) {
	j, payer, err := s.prepareWake(tok, ip, ttl, s.now())
	if err != nil {
		return "", err
	}
	if err := s.enqueue(j); err != nil {
		s.countRefusal(err)
		return "", err
	}
	return s.wakeQueued(j, payer)
}

// WakeReq is one wake request of a group for WakeBatch: Token, IP and TTL
// in, ID and Err out, as Wake returns them.
type WakeReq struct {
	Token, IP string
	TTL       time.Duration
	ID        string
	Err       error

	j     *job
	payer common.Address
}

// WakeBatch decides each of reqs, in order, as Wake would (rate limits,
// token, registration, a queue slot) and queues the accepted ones with one
// synced write: a group of pipelined wake requests shares one commit and
// one fsync wait. A request refused alone (queue full, say) does not fail
// the others; a failed write fails every request it held.
func (s *Service) WakeBatch(ctx context.Context, reqs []WakeReq) {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	jobs := make([]*job, 0, len(reqs))
	now := s.now() // one reading of the clock for the group
	for i := range reqs {
		r := &reqs[i]
		r.ID = ""
		r.j, r.payer, r.Err = s.prepareWake(r.Token, r.IP, r.TTL, now)
		switch {
		case r.Err != nil:
		case s.closing:
			r.Err = ErrShuttingDown
		case !s.reserve(1):
			r.Err = ErrQueueFull
		default:
			jobs = append(jobs, r.j)
			continue
		}
		r.j = nil
		s.countRefusal(r.Err)
	}
	var err error
	if len(jobs) > 0 {
		err = s.commitJobs(jobs)
	}
	for i := range reqs {
		r := &reqs[i]
		if r.j == nil {
			continue
		}
		if err != nil {
			r.Err = err
		} else {
			r.ID, r.Err = s.wakeQueued(r.j, r.payer)
		}
		r.j = nil
	}
}

func (s *Service) wakeQueued(j *job, payer common.Address) (string, error) {
	s.metrics.acceptedWake.Inc()
	if s.credit != nil && !s.credit.HasCredit(j.owner, payer) {
		return j.id, heldError(j.id)
	}
	return j.id, nil
}

func (s *Service) prepareWake(tok, ip string, ttl time.Duration, now time.Time) (*job, common.Address, error) {
	if d, ok := s.wakeLimits.allowAt(now, 'i', ip, s.cfg.WakeIPRate, s.cfg.WakeIPBurst); !ok {
		s.metrics.refused.WithLabelValues(refusedRateIP).Inc()
		return nil, common.Address{}, &RateError{RetryAfter: d, PerIP: true}
	}
	if tok == "" || len(tok) > pushwire.MaxWakeTokenLen {
		s.metrics.refused.WithLabelValues(refusedUnknown).Inc()
		return nil, common.Address{}, ErrUnknownWakeToken
	}
	h := sha256.Sum256([]byte(tok))
	owner, inst, err := s.lookupWake(h)
	if err != nil {
		if err == ErrUnknownWakeToken {
			s.metrics.refused.WithLabelValues(refusedUnknown).Inc()
		}
		return nil, common.Address{}, err
	}
	if d, ok := s.wakeLimits.allowAt(now, 't', string(h[:]), s.cfg.WakeRate, s.cfg.WakeBurst); !ok {
		s.metrics.refused.WithLabelValues(refusedRateToken).Inc()
		return nil, common.Address{}, &RateError{RetryAfter: d}
	}
	reg, err := s.liveReg(owner, inst, true)
	if err != nil {
		if err == ErrUnknownInstallation {
			s.metrics.refused.WithLabelValues(refusedUnknown).Inc()
			return nil, common.Address{}, ErrUnknownWakeToken
		}
		return nil, common.Address{}, err
	}
	j := s.newJobAt(kindWake, now)
	j.owner, j.inst, j.pool = owner, inst, s.poolOf(reg)
	if ttl > 0 {
		j.expires = j.created + min(ttl, s.cfg.MaxWakeTTL).Milliseconds()
	}
	return j, reg.Payer, nil
}

func (s *Service) countRefusal(err error) {
	switch err {
	case ErrQueueFull:
		s.metrics.refused.WithLabelValues(refusedQueueFull).Inc()
	case ErrShuttingDown:
		s.metrics.refused.WithLabelValues(refusedShutdown).Inc()
	}
}

// EnvelopeStored is called after an envelope is stored (not a duplicate)
// on contentTopic. Every installation watching the topic whose owner has no
// session (online reports false) gets a coalesced wakeup, queued durably
// before EnvelopeStored returns.
func (s *Service) EnvelopeStored(ctx context.Context, contentTopic string, online func(common.Address) bool) error {
	prefix := topicPrefix(contentTopic)
	type watcher struct {
		owner common.Address
		inst  string
	}
	var ws []watcher
	err := s.scan(prefix, func(k, _ []byte) error {
		if len(k) <= len(prefix)+20 {
			return errCorrupt
		}
		ws = append(ws, watcher{common.BytesToAddress(k[len(prefix) : len(prefix)+20]), string(k[len(prefix)+20:])})
		return nil
	})
	if err != nil || len(ws) == 0 {
		return err
	}
	now := s.now().UnixMilli()
	window := s.cfg.CoalesceWindow.Milliseconds()
	var jobs []*job
	for _, w := range ws {
		if online(w.owner) {
			continue
		}
		reg, err := s.liveReg(w.owner, w.inst, true)
		if err != nil {
			continue // unregistered or disabled since the scan
		}
		at, ok := s.coalesce.slot(instKey{w.owner, w.inst}, now, window)
		if !ok {
			s.metrics.coalesced.Inc()
			continue
		}
		j := s.newJob(kindTrigger)
		j.owner, j.inst, j.pool = w.owner, w.inst, s.poolOf(reg)
		if at > now {
			j.notBefore = at
		}
		jobs = append(jobs, j)
	}
	if err := s.enqueue(jobs...); err != nil {
		s.countRefusal(err)
		return err
	}
	s.metrics.accepted.WithLabelValues(sourceTopic).Add(float64(len(jobs)))
	return nil
}
