package push

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// collapseID coalesces wakeups on the device (APNs apns-collapse-id, FCM
// collapse_key). It is the same for every wakeup, so it identifies nothing.
const collapseID = "pnwake"

// target is a job resolved for sending.
type target struct {
	app     *appState
	n       gateways.Notification
	sealed  []byte         // upstream apps: the token sealed to the last hop
	payer   common.Address // receipt chain
	inst    [32]byte       // receipt installation hash
	version uint64         // registration version sent to, for disabling
}

// workLoop is one worker of pool p; it runs until Close cancels s.ctx.
func (s *Service) workLoop(p poolID) {
	// A send's deadline context (FCM and relayed sends; APNs sends are
	// bounded by their transport) registers with its parent until the send
	// ends. A parent per worker keeps that off s.ctx, which every worker
	// would otherwise lock on every send.
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// The send's target, reused from job to job: nothing keeps it once
	// process returns.
	t := new(target)
	for {
		select {
		case j := <-s.pools[p]:
			s.busy.Add(1)
			s.process(ctx, p, j, t)
			s.busy.Add(-1)
		case <-s.ctx.Done():
			return
		}
	}
}

// process sends one job and decides what happens to it; t is storage for
// the job's target.
func (s *Service) process(ctx context.Context, p poolID, j *job, t *target) {
	now := s.now()
	if now.UnixMilli()-j.created > s.cfg.MaxAge.Milliseconds() {
		s.finalFail(j, p, t, reasonAge)
		return
	}
	err := s.resolve(j, t)
	switch {
	case errors.Is(err, ErrUnknownInstallation):
		// Unregistered or disabled since it was queued: nothing to send
		// and nobody to bill.
		s.metrics.dropped.WithLabelValues(reasonUnregistered).Inc()
		s.acks.put(ack{j: j})
		return
	case errors.Is(err, ErrUnknownApp):
		// The app left the configuration: keep the job in the store, where
		// the next start with the app configured finds it.
		s.metrics.credentialErrors.WithLabelValues(p.String()).Inc()
		if _, seen := s.missingApps.LoadOrStore(err.Error(), true); !seen {
			s.log.Error("queued wakeups for an app that is not configured are kept for the next start", "gateway", p.String(), "err", err)
		}
		return
	case err != nil:
		s.finalFail(j, p, t, reasonBadRequest)
		return
	}
	if t.app.pool != p {
		j.pool = t.app.pool // the installation moved to another gateway
		s.dispatch(j)
		return
	}
	if !s.paid(j, t.payer, now) {
		return // held for credit
	}
	if until, park := t.app.admit(now, j); park {
		return
	} else if !until.IsZero() {
		s.sched.add(until.UnixMilli()+rand.Int64N(1000), j)
		return
	}
	start := time.Now()
	if p == poolRelay {
		err = s.forward(ctx, t, j)
	} else {
		err = t.app.Sender.Send(ctx, t.n)
	}
	s.metrics.latencyBy[p].Observe(time.Since(start).Seconds())
	if s.ctx.Err() != nil {
		return // shutting down mid-send: the job stays queued for the next start
	}
	class := gateways.ClassOf(err)
	s.metrics.sendsBy[p][class].Inc()
	rej, _ := errors.AsType[*gateways.RejectedError](err)
	var ra time.Duration
	if rej != nil {
		ra = rej.RetryAfter
	}
	now = s.now()
	s.credentialResult(t.app, j, class, ra, now)
	switch class {
	case gateways.ClassDelivered:
		outcome := pushwire.OutcomeDelivered
		if p == poolRelay {
			outcome = pushwire.OutcomeRelayed
		}
		s.finish(j, t, p, outcome, nil)
	case gateways.ClassDeadToken:
		// A registration replaced since the send (new version) is not
		// disabled: the acknowledger compares versions.
		s.metrics.deadTokens.WithLabelValues(p.String()).Inc()
		s.log.Debug("dead device token", "gateway", p.String(), "token", gateways.TokenPrefix(t.n.Token), "err", err)
		s.finish(j, t, p, pushwire.OutcomeDeadToken, &dead{version: t.version})
	case gateways.ClassRetryable:
		j.attempts++
		if j.attempts >= s.cfg.MaxAttempts {
			s.log.Debug("wakeup failed after retries", "gateway", p.String(), "attempts", j.attempts, "err", err)
			s.finish(j, t, p, pushwire.OutcomeFailed, nil)
			s.metrics.failed.WithLabelValues(p.String(), reasonAttempts).Inc()
			return
		}
		j.notBefore = now.Add(backoff(j.attempts, s.cfg.RetryMin, s.cfg.RetryMax, ra)).UnixMilli()
		// The attempt count need not survive a crash: no sync.
		j.rewritten = true
		_ = s.db.Set(jobKey(j.seq), j.encode(), pebble.NoSync)
		s.sched.add(j.notBefore, j)
	case gateways.ClassQuota:
		// credentialResult paused the app; the job waits with it.
		s.dispatch(j)
	case gateways.ClassAuth:
		// credentialResult parked the job with the app.
	default: // bad request: retrying cannot help
		s.log.Warn("wakeup refused as malformed", "gateway", p.String(), "err", err)
		s.finish(j, t, p, pushwire.OutcomeFailed, nil)
		s.metrics.failed.WithLabelValues(p.String(), reasonBadRequest).Inc()
	}
}

// backoff is the delay before retry n (from 1): exponential from lo,
// capped at hi, with jitter over its upper half, and never shorter than
// what the push service asked for.
func backoff(n int, lo, hi, retryAfter time.Duration) time.Duration {
	d := hi
	if n-1 < 32 {
		if x := lo << (n - 1); x > 0 && x < hi {
			d = x
		}
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, min(retryAfter, gateways.MaxRetryAfter))
}

// admit decides whether j may be sent with app a now. It returns a time to
// hold the job until (quota back-off), or park when the credential is down
// (the job waits in a.parked; one job at a time probes the credential).
func (a *appState) admit(now time.Time, j *job) (until time.Time, park bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.authDown {
		if !a.probing && !now.Before(a.probeAt) {
			a.probing, j.probe = true, true
			return time.Time{}, false
		}
		a.parked = append(a.parked, j)
		return time.Time{}, true
	}
	if now.Before(a.pausedUntil) {
		return a.pausedUntil, false
	}
	return time.Time{}, false
}

// credentialResult updates the app's credential state after a send:
// quota pauses the whole app, an auth refusal parks its jobs and schedules
// a probe, and a probe that is not refused brings the app back.
func (s *Service) credentialResult(a *appState, j *job, class gateways.Class, retryAfter time.Duration, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	wasProbe := j.probe
	if wasProbe {
		j.probe, a.probing = false, false
	}
	switch class {
	case gateways.ClassAuth:
		first := !a.authDown
		a.authDown = true
		a.probeAt = now.Add(s.cfg.AuthRetry)
		a.parked = append(a.parked, j)
		s.metrics.credentialErrors.WithLabelValues(a.pool.String()).Inc()
		if first {
			s.log.Error("push credential refused: app stopped, wakeups kept queued", "app", a.ID, "gateway", a.Gateway, "retry_in", s.cfg.AuthRetry)
		}
		s.sched.after(ceilMilli(a.probeAt), func() { s.unpark(a) })
		return
	case gateways.ClassQuota:
		if now.After(a.pausedUntil) {
			s.metrics.quotaBackoffs.WithLabelValues(a.pool.String()).Inc()
			s.log.Warn("push quota exceeded: app paused", "app", a.ID, "retry_after", retryAfter)
		}
		d := s.cfg.QuotaBackoff
		if retryAfter > 0 {
			d = min(retryAfter, gateways.MaxRetryAfter)
		}
		a.pausedUntil = now.Add(d)
	}
	if !a.authDown || !wasProbe {
		return
	}
	if class == gateways.ClassRetryable {
		// No answer about the credential: probe again later.
		a.probeAt = now.Add(s.cfg.AuthRetry)
		s.sched.after(ceilMilli(a.probeAt), func() { s.unpark(a) })
		return
	}
	a.authDown = false
	s.log.Info("push credential accepted again", "app", a.ID)
	parked := a.parked
	a.parked = nil
	for _, p := range parked {
		s.dispatch(p)
	}
}

// unpark hands an app's parked jobs back to the pool; the first one probes
// the credential, the others park again until it answers.
func (s *Service) unpark(a *appState) {
	a.mu.Lock()
	parked := a.parked
	a.parked = nil
	a.mu.Unlock()
	for _, p := range parked {
		s.dispatch(p)
	}
}

// resolve turns a job into what to send: the registration's decrypted token
// (or, upstream, the token sealed to the last hop), or a relayed token
// decrypted with the node key.
func (s *Service) resolve(j *job, t *target) error {
	*t = target{}
	if j.kind == kindRelay {
		app := s.apps[j.appID]
		if app == nil || app.Upstream != nil {
			return fmt.Errorf("%w: %s", ErrUnknownApp, j.appID)
		}
		tok, err := s.eciesKey.Decrypt(j.sealed, nil, nil)
		if err != nil {
			return ErrBadRelay
		}
		t.app, t.payer = app, j.from
		copy(t.inst[:], crypto.Keccak256(j.sealed))
		t.n = s.notification(app, j, string(tok), j.apnsTopic, j.pushType)
		t.n.CollapseID = j.collapseID
		return nil
	}
	reg, err := s.liveReg(j.owner, j.inst, true)
	if err != nil {
		return err
	}
	app := s.apps[reg.AppID]
	if app == nil {
		return fmt.Errorf("%w: %s", ErrUnknownApp, reg.AppID)
	}
	tok := reg.plain
	if tok == "" {
		b, err := s.open(reg.Token, regKey(j.owner, j.inst))
		if err != nil {
			return errCorrupt
		}
		tok = string(b)
	}
	t.app, t.payer, t.version = app, reg.Payer, reg.Version
	if reg.instHash != nil {
		t.inst = *reg.instHash
	} else {
		t.inst = InstallationHash(j.owner, j.inst)
	}
	if app.Upstream != nil {
		if t.sealed, err = base64.StdEncoding.DecodeString(tok); err != nil {
			return errCorrupt
		}
	}
	t.n = s.notification(app, j, tok, reg.APNsTopic, reg.PushType)
	return nil
}

// notification builds the content-free wakeup: the idempotency id, a random
// nonce, the constant collapse id and the app's generic alert text.
func (s *Service) notification(app *appState, j *job, token, apnsTopic, pushType string) gateways.Notification {
	n := gateways.Notification{
		ID:         j.id,
		Token:      token,
		Topic:      apnsTopic,
		PushType:   app.PushType,
		CollapseID: collapseID,
		Nonce:      j.nonce,
	}
	switch pushType {
	case pushwire.PushTypeAlert:
		n.PushType = gateways.Alert
	case pushwire.PushTypeBackground:
		n.PushType = gateways.Background
	}
	if n.PushType == gateways.Alert {
		if app.AlertTitle == "" && app.AlertBody == "" {
			n.PushType = gateways.Background
		}
		n.AlertTitle, n.AlertBody = app.AlertTitle, app.AlertBody
	}
	if j.expires > 0 {
		n.Expiration = time.UnixMilli(j.expires)
	}
	return n
}

// InstallationHash is the installation field of a receipt for a
// registration: keccak256("pnmarket installation" || owner || installationId).
func InstallationHash(owner common.Address, inst string) (h [32]byte) {
	copy(h[:], crypto.Keccak256([]byte("pnmarket installation"), owner[:], []byte(inst)))
	return h
}

// finalFail ends a job that cannot be sent with a failed receipt when its
// payer is known; t is storage for the job's target, as in process.
func (s *Service) finalFail(j *job, p poolID, t *target, reason string) {
	s.metrics.failed.WithLabelValues(p.String(), reason).Inc()
	if err := s.resolve(j, t); err != nil {
		s.acks.put(ack{j: j})
		return
	}
	s.finish(j, t, p, pushwire.OutcomeFailed, nil)
}

// finish hands the job's final outcome to the acknowledger, which deletes
// the job and appends the receipt in one synced batch.
func (s *Service) finish(j *job, t *target, p poolID, outcome string, d *dead) {
	s.metrics.wakeupsBy[p][outcome].Inc()
	a := ack{j: j, outcome: outcome, gateway: t.app.Gateway, payer: t.payer, inst: t.inst}
	if d != nil {
		if j.kind == kindRelay {
			d.sealed = j.sealed
		} else {
			d.owner, d.inst = j.owner, j.inst
		}
		a.dead = d
	}
	s.acks.put(a)
}

// ceilMilli rounds t up to whole milliseconds (the scheduler's unit), so a
// probe scheduled for probeAt never fires before it: a probe that fired
// early would find itself too soon, park again, and nothing would wake it.
func ceilMilli(t time.Time) int64 {
	return (t.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
}
