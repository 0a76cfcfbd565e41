package mailstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// putRequest is one Put call waiting for the committer.
type putRequest struct {
	envs    []Envelope
	bytes   int
	checked uint64         // s.applied when the caller's dedup lookups began
	existed []bool         // per envelope: already stored at that point
	visible func(int)      // PutNotify's callback, or nil; the committer calls it once the batch is visible
	done    chan putResult // buffered; receives exactly one result
}

type putResult struct {
	stored int
	err    error
}

// Put stores envelopes durably; see Store.Put. Envelopes are validated first (ErrBadEnvelope), and
// the caller looks each one up (the dedup pre-check, see commit), then the call is queued for the
// committer goroutine, which gathers every queued call into one pebble batch. Put returns once that
// batch's WAL write is fsynced. ctx bounds the wait for a place in the queue; once queued, Put waits
// for its batch (normally one or two fsyncs) even if ctx ends, so envs is never read after Put returns.
func (s *PebbleStore) Put(ctx context.Context, envs ...Envelope) (int, error) {
	return s.put(ctx, nil, envs)
}

// PutNotify is Put that calls visible once the batch holding envs is applied, which makes it visible
// to Query; see EarlyVisible. The committer goroutine makes the call, before it builds the next batch,
// so visible must be quick and must not block; it happens before PutNotify returns.
func (s *PebbleStore) PutNotify(ctx context.Context, visible func(stored int), envs ...Envelope) (int, error) {
	return s.put(ctx, visible, envs)
}

func (s *PebbleStore) put(ctx context.Context, visible func(int), envs []Envelope) (int, error) {
	size := 0
	for i := range envs {
		if err := validateEnvelope(&envs[i]); err != nil {
			return 0, fmt.Errorf("%w: envelope %d: %s", ErrBadEnvelope, i, err)
		}
		size += int(envs[i].Size())
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("mailstore: put: %w", err)
	}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return 0, ErrClosed
	}
	if len(envs) == 0 {
		s.closeMu.RUnlock()
		return 0, nil
	}
	req := &putRequest{envs: envs, bytes: size, existed: make([]bool, len(envs)), visible: visible, done: make(chan putResult, 1)}
	req.checked = s.applied.Load() // before the lookups: every batch up to here is visible to them
	var key []byte
	now := time.Now().UnixNano()
	for i := range envs {
		e := &envs[i]
		if s.recent.absent(e.Timestamp, &e.Hash, now) {
			continue // req.existed[i] stays false
		}
		key = appendDataKey(key[:0], s.lay.bucketOf(e.Timestamp), e.ContentTopic, e.Timestamp, &e.Hash)
		var err error
		if req.existed[i], err = s.exists(key); err != nil {
			s.closeMu.RUnlock()
			return 0, fmt.Errorf("mailstore: put: dedup lookup: %w", err)
		}
	}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		s.closeMu.RUnlock()
		return 0, fmt.Errorf("mailstore: put: %w", ctx.Err())
	}
	s.closeMu.RUnlock()
	r := <-req.done
	return r.stored, r.err
}

func validateEnvelope(e *Envelope) error {
	switch {
	case e.ContentTopic == "" || len(e.ContentTopic) > MaxTopicLen:
		return fmt.Errorf("content topic must be 1..%d bytes", MaxTopicLen)
	case len(e.PubsubTopic) > MaxTopicLen:
		return fmt.Errorf("pubsub topic longer than %d bytes", MaxTopicLen)
	case e.Timestamp < 0 || e.Timestamp == math.MaxInt64:
		return errors.New("timestamp outside [0, MaxInt64)")
	}
	return nil
}

// commitLoop is the group committer. It owns batch building; it returns when Close closes reqs and
// every queued request has been answered.
func (s *PebbleStore) commitLoop() {
	c := &committer{
		seen:   make(map[Hash]struct{}),
		deltas: make(map[uint64]bucketCounter),
	}
	synced := make(chan *inflight, maxInflight)
	idle := make(chan struct{}, 1) // syncLoop signals here whenever it has caught up with the committer
	var wg sync.WaitGroup
	wg.Go(func() { s.syncLoop(synced, idle) })
	defer wg.Wait()
	defer close(synced)
	var (
		reqs    []*putRequest
		pending uint64 // applied batches not yet synced, as of the last look
	)
	// gather bounds how long a batch is held open while the WAL syncs an earlier one.
	gather := time.NewTimer(time.Hour)
	gather.Stop()
	for {
		req, ok := <-s.reqs
		if !ok {
			return
		}
		reqs = append(reqs[:0], req)
		n, size := len(req.envs), req.bytes
		open, armed := true, false
		// While the WAL is still syncing an earlier batch, keep gathering calls, up to maxGather
		// after the first: this batch could not be synced before that one anyway, so waiting makes
		// batches (and fsyncs) fewer and larger, and the cap keeps a slow fsync from holding back
		// the moment the batch becomes visible (when PutNotify callers deliver it live). Once the
		// WAL is idle, take only what is queued.
	gathering:
		for open && n < s.cfg.MaxBatchEnvelopes && size < s.cfg.MaxBatchBytes {
			var r *putRequest
			if pending == 0 {
				select {
				case r, open = <-s.reqs:
				default:
				}
				if r == nil {
					break
				}
			} else {
				if !armed {
					gather.Reset(maxGather)
					armed = true
				}
				select {
				case r, open = <-s.reqs:
				case <-idle:
					pending = s.applied.Load() - s.synced.Load()
				case <-gather.C:
					break gathering
				}
			}
			if r != nil {
				reqs = append(reqs, r)
				n += len(r.envs)
				size += r.bytes
			}
		}
		if armed {
			gather.Stop()
		}
		f := s.commit(c, reqs)
		if f.err == nil {
			f.signalApplied()
		}
		synced <- f
		pending = s.applied.Load() - s.synced.Load()
		clear(reqs)
		if !open {
			return
		}
	}
}

// maxGather caps how long the committer gathers calls into one batch while the WAL is syncing.
const maxGather = time.Millisecond

// maxInflight bounds the batches applied but not yet known to be synced. It is large so that a slow
// fsync does not stop batches from being applied (and seen) meanwhile; the memory they hold is bounded
// by the Put callers waiting for them.
const maxInflight = 1024

// recentBatches is how many applied batches' hashes the committer remembers for the dedup recheck.
const recentBatches = 64

// committer holds the committer goroutine's state.
type committer struct {
	seen    map[Hash]struct{}                // hashes in the batch being built
	recent  [recentBatches]map[Hash]struct{} // hashes of applied batch g at recent[g%recentBatches]
	gen     uint64                           // applied batches so far; published in PebbleStore.applied
	deltas  map[uint64]bucketCounter         // per-bucket additions in the batch being built
	written []stamped                        // envelopes in the batch being built, for PebbleStore.recent
	key     []byte
	ival    []byte
	touched []uint64
}

// inflight is an applied batch waiting for its WAL sync, with the requests it answers.
type inflight struct {
	batch  *pebble.Batch // nil if the requests stored nothing new
	gen    uint64        // the batch's generation (see PebbleStore.applied); 0 if batch is nil
	reqs   []*putRequest
	stored []int // per request
	envs   int
	err    error // set if building or applying failed; the requests get it after earlier batches synced
	start  time.Time
}

// commit builds one group of requests into one batch and applies it with pebble's ApplyNoSyncWait:
// it is in the memtable and visible when commit returns, and its WAL sync is pending. The returned
// inflight goes to syncLoop, which waits for the sync before answering, so no Put is acknowledged
// before its data is durable, while the next group is already being built (pipelining).
//
// Deduplication keeps the counters exact without a read on the committer's critical path. The data key
// is a pure function of the envelope (bucket, content topic, timestamp, hash), so each Put caller,
// concurrently, looks its envelopes' data keys up with pebble Gets (bloom filters on every level make
// the usual miss cheap) after noting how many batches had been applied. Only this goroutine writes
// envelopes, and each batch is visible before the next is built, so an envelope the caller did not find
// can only have been written by a batch applied since: the committer checks the hash sets of those
// batches (it keeps the last recentBatches; an older pre-check falls back to a Get here), and a map
// catches duplicates within the batch. A duplicate of an envelope whose batch is still syncing is
// answered after that batch is synced, because syncLoop answers in order.
func (s *PebbleStore) commit(c *committer, reqs []*putRequest) *inflight {
	f := &inflight{reqs: slices.Clone(reqs), stored: make([]int, len(reqs)), start: time.Now()}
	for _, r := range reqs {
		f.envs += len(r.envs)
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	s.stateMu.RLock()
	horizon := s.horizon // changes only under commitMu
	s.stateMu.RUnlock()

	clear(c.seen)
	clear(c.deltas)
	c.written = c.written[:0]
	added := 0
	b := s.db.NewBatch()
	fail := func(err error) *inflight {
		b.Close()
		f.err = err
		return f
	}
	for i, r := range reqs {
		stored := 0
		for j := range r.envs {
			e := &r.envs[j]
			bucket := s.lay.bucketOf(e.Timestamp)
			if bucket < horizon {
				continue // older than what retention already dropped
			}
			if r.existed[j] {
				continue
			}
			if _, dup := c.seen[e.Hash]; dup {
				continue
			}
			c.seen[e.Hash] = struct{}{}
			c.key = appendDataKey(c.key[:0], bucket, e.ContentTopic, e.Timestamp, &e.Hash)
			exists, err := c.appliedSince(s, r.checked, &e.Hash, c.key)
			if err != nil {
				return fail(fmt.Errorf("mailstore: put: dedup lookup: %w", err))
			}
			if exists {
				continue
			}
			op := b.SetDeferred(len(c.key), dataValueLen(e))
			copy(op.Key, c.key)
			appendDataValue(op.Value[:0], e)
			if err := op.Finish(); err != nil {
				return fail(fmt.Errorf("mailstore: put: %w", err))
			}
			c.key = appendIndexKey(c.key[:0], s.lay.indexBucketOf(e.Timestamp), &e.Hash)
			c.ival = appendIndexValue(c.ival[:0], e)
			if err := b.Set(c.key, c.ival, nil); err != nil {
				return fail(fmt.Errorf("mailstore: put: %w", err))
			}
			d := c.deltas[bucket]
			d.add(e.Timestamp, e.Size())
			c.deltas[bucket] = d
			c.written = append(c.written, stamped{e.Timestamp, e.Hash})
			stored++
		}
		f.stored[i] = stored
		added += stored
	}
	if added == 0 {
		b.Close() // every envelope was already stored, and so visible
		return f
	}

	c.touched = c.touched[:0]
	s.stateMu.RLock()
	for bucket, d := range c.deltas {
		cur := s.counters[bucket]
		cur.merge(d)
		c.key = append(c.key[:0], famCounter)
		c.key = binary.BigEndian.AppendUint64(c.key, bucket)
		c.ival = appendCounterValue(c.ival[:0], cur)
		if err := b.Set(c.key, c.ival, nil); err != nil {
			s.stateMu.RUnlock()
			return fail(fmt.Errorf("mailstore: put: %w", err))
		}
		c.touched = append(c.touched, bucket)
	}
	s.stateMu.RUnlock()
	if err := s.db.ApplyNoSyncWait(b, pebble.Sync); err != nil {
		return fail(fmt.Errorf("mailstore: put: apply: %w", err))
	}
	s.applyDeltas(c)
	s.recent.add(c.written) // before applied moves: see recentFilter
	c.gen++
	slot := c.gen % recentBatches
	c.recent[slot], c.seen = c.seen, c.recent[slot]
	if c.seen == nil {
		c.seen = make(map[Hash]struct{})
	}
	s.applied.Store(c.gen)
	f.batch, f.gen = b, c.gen
	return f
}

// signalApplied tells the PutNotify callers of an applied batch how many of their envelopes it stored.
// The committer calls it outside commitMu, before the batch goes to syncLoop (which answers the calls).
func (f *inflight) signalApplied() {
	for i, r := range f.reqs {
		if r.visible != nil {
			r.visible(f.stored[i])
		}
	}
}

// appliedSince reports whether an envelope was written by a batch applied after generation checked,
// when its caller's lookup could not have seen it.
func (c *committer) appliedSince(s *PebbleStore, checked uint64, h *Hash, key []byte) (bool, error) {
	if c.gen-checked > recentBatches {
		return s.exists(key)
	}
	for g := checked + 1; g <= c.gen; g++ {
		if _, ok := c.recent[g%recentBatches][*h]; ok {
			return true, nil
		}
	}
	return false, nil
}

// syncLoop answers applied batches in order, each once its WAL sync is done. It returns when
// commitLoop closes synced.
func (s *PebbleStore) syncLoop(synced <-chan *inflight, idle chan<- struct{}) {
	for f := range synced {
		err := f.err
		if f.batch != nil {
			if serr := f.batch.SyncWait(); serr != nil {
				err = fmt.Errorf("mailstore: put: wal sync: %w", serr)
				s.log.Error("wal sync failed; the store is no longer durable", "err", serr)
			}
			f.batch.Close()
		}
		added := 0
		for i, r := range f.reqs {
			if err != nil {
				r.done <- putResult{err: err}
				continue
			}
			added += f.stored[i]
			r.done <- putResult{stored: f.stored[i]}
		}
		s.metrics.observeCommit(f.envs, added, time.Since(f.start))
		if f.gen > 0 {
			s.synced.Store(f.gen)
		}
		select {
		case idle <- struct{}{}:
		default:
		}
	}
}

// applyDeltas publishes a committed batch's counters. The caller holds commitMu.
func (s *PebbleStore) applyDeltas(c *committer) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	for _, bucket := range c.touched {
		d := c.deltas[bucket]
		cur, ok := s.counters[bucket]
		if !ok {
			i, _ := slices.BinarySearch(s.buckets, bucket)
			s.buckets = slices.Insert(s.buckets, i, bucket)
		}
		cur.merge(d)
		s.counters[bucket] = cur
		s.total.count += d.count
		s.total.bytes += d.bytes
	}
}

// exists reports whether key is stored.
func (s *PebbleStore) exists(key []byte) (bool, error) {
	_, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, closer.Close()
}
