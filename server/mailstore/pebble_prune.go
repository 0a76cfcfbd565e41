package mailstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Prune applies cfg.Retention as of now; see Retention for the exact rule. It drops a prefix of the
// time axis with three range deletions (data, counters, whole hash-index buckets) and moves the horizon,
// all in one synced batch; it never deletes envelopes one by one. It holds up Puts for the duration
// of that one commit.
func (s *PebbleStore) Prune(ctx context.Context, now time.Time) (PruneResult, error) {
	if err := ctx.Err(); err != nil {
		return PruneResult{}, fmt.Errorf("mailstore: prune: %w", err)
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return PruneResult{}, ErrClosed
	}
	return s.prune(now)
}

func (s *PebbleStore) prune(now time.Time) (PruneResult, error) {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()

	s.stateMu.RLock()
	oldH := s.horizon
	newH := oldH
	r := s.cfg.Retention
	if r.MaxAge > 0 {
		if cut := now.UnixNano() - int64(r.MaxAge); cut > 0 {
			// Buckets below cut/B end at or before cut.
			newH = max(newH, s.lay.bucketOf(cut))
		}
	}
	var res PruneResult
	remaining := s.total
	i := 0
	for ; i < len(s.buckets) && s.buckets[i] < newH; i++ {
		c := s.counters[s.buckets[i]]
		res.add(c)
		remaining.count -= c.count
		remaining.bytes -= c.bytes
	}
	current := uint64(0)
	if n := now.UnixNano(); n > 0 {
		current = s.lay.bucketOf(n)
	}
	over := func() bool {
		return (r.MaxCount > 0 && remaining.count > r.MaxCount) || (r.MaxBytes > 0 && remaining.bytes > r.MaxBytes)
	}
	for ; i < len(s.buckets) && s.buckets[i] < current && over(); i++ {
		b := s.buckets[i]
		c := s.counters[b]
		res.add(c)
		remaining.count -= c.count
		remaining.bytes -= c.bytes
		newH = b + 1
	}
	s.stateMu.RUnlock()

	if newH == oldH {
		res.Horizon = s.horizonTime()
		return res, nil
	}

	per := s.lay.bucketsPerIndex()
	b := s.db.NewBatch()
	defer b.Close()
	err := errors.Join(
		b.DeleteRange(familyBucketKey(famData, oldH), familyBucketKey(famData, newH), nil),
		b.DeleteRange(familyBucketKey(famCounter, oldH), familyBucketKey(famCounter, newH), nil),
		b.Set(horizonKey, binary.BigEndian.AppendUint64(nil, newH), nil),
	)
	if oldIB, newIB := oldH/per, newH/per; newIB > oldIB {
		// Only index buckets that lie wholly below the new horizon; entries left in a partly
		// pruned index bucket are ignored by lookups because their bucket is below the horizon.
		err = errors.Join(err, b.DeleteRange(familyBucketKey(famIndex, oldIB), familyBucketKey(famIndex, newIB), nil))
	}
	if err == nil {
		err = b.Commit(pebble.Sync)
	}
	if err != nil {
		return PruneResult{}, fmt.Errorf("mailstore: prune: %w", err)
	}

	s.stateMu.Lock()
	k, _ := slices.BinarySearch(s.buckets, newH)
	for _, dropped := range s.buckets[:k] {
		delete(s.counters, dropped)
	}
	s.buckets = slices.Delete(s.buckets, 0, k)
	s.total.count -= res.Envelopes
	s.total.bytes -= res.Bytes
	s.horizon = newH
	s.stateMu.Unlock()

	res.Horizon = s.horizonTime()
	s.metrics.observePrune(res)
	s.log.Info("pruned", "buckets", res.Buckets, "envelopes", res.Envelopes, "bytes", res.Bytes, "horizon", res.Horizon)
	return res, nil
}

func (r *PruneResult) add(c bucketCounter) {
	r.Buckets++
	r.Envelopes += c.count
	r.Bytes += c.bytes
}

// runPruner calls prune once at start and then every interval until ctx ends.
func runPruner(ctx context.Context, interval time.Duration, now func() time.Time, prune func(context.Context, time.Time)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		prune(ctx, now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// backgroundPrune is the pruner goroutine's prune step: errors have no caller, so they are logged.
func (s *PebbleStore) backgroundPrune(ctx context.Context, now time.Time) {
	if _, err := s.Prune(ctx, now); err != nil && !errors.Is(err, ErrClosed) && ctx.Err() == nil {
		s.log.Error("prune failed", "err", err)
	}
}
