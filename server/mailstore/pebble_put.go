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
	envs  []Envelope
	bytes int
	done  chan putResult // buffered; receives exactly one result
}

type putResult struct {
	stored int
	err    error
}

// Put stores envelopes durably; see Store.Put. Envelopes are validated first (ErrBadEnvelope), then the
// call is queued for the committer goroutine, which gathers every queued call into one pebble batch,
// commits it with a synced WAL write and then answers all of them. ctx bounds the wait for a place in the
// queue; once queued, Put waits for its batch's commit (one fsync) even if ctx ends, so envs is never
// read after Put returns.
func (s *PebbleStore) Put(ctx context.Context, envs ...Envelope) (int, error) {
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
	req := &putRequest{envs: envs, bytes: size, done: make(chan putResult, 1)}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return 0, ErrClosed
	}
	if len(envs) == 0 {
		s.closeMu.RUnlock()
		return 0, nil
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
	var wg sync.WaitGroup
	wg.Go(func() { s.syncLoop(synced) })
	defer wg.Wait()
	defer close(synced)
	var reqs []*putRequest
	for {
		req, ok := <-s.reqs
		if !ok {
			return
		}
		reqs = append(reqs[:0], req)
		n, size := len(req.envs), req.bytes
		open := true
	gather:
		for n < s.cfg.MaxBatchEnvelopes && size < s.cfg.MaxBatchBytes {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					open = false
					break gather
				}
				reqs = append(reqs, r)
				n += len(r.envs)
				size += r.bytes
			default:
				break gather
			}
		}
		synced <- s.commit(c, reqs)
		clear(reqs)
		if !open {
			return
		}
	}
}

// maxInflight bounds the batches applied but not yet known to be synced.
const maxInflight = 8

// committer holds the committer goroutine's reusable scratch state.
type committer struct {
	seen    map[Hash]struct{}        // hashes already in the batch being built
	deltas  map[uint64]bucketCounter // per-bucket additions in the batch being built
	key     []byte
	ival    []byte
	touched []uint64
}

// inflight is an applied batch waiting for its WAL sync, with the requests it answers.
type inflight struct {
	batch  *pebble.Batch // nil if the requests stored nothing new
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
// Deduplication costs one pebble Get per envelope, on its data key, which is a pure function of the
// envelope (bucket, content topic, timestamp, hash). Bloom filters on every level make the usual miss
// cheap: it rarely reads a data block. Within a batch, duplicates are caught by a map. Only this
// goroutine writes envelopes, and each batch is visible before the next is built, so the counters never
// count a duplicate. A duplicate of an envelope whose batch is still syncing is answered after that
// batch is synced, because syncLoop answers in order.
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
			if _, dup := c.seen[e.Hash]; dup {
				continue
			}
			c.seen[e.Hash] = struct{}{}
			c.key = appendDataKey(c.key[:0], bucket, e.ContentTopic, e.Timestamp, &e.Hash)
			exists, err := s.exists(c.key)
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
			stored++
		}
		f.stored[i] = stored
		added += stored
	}
	if added == 0 {
		b.Close()
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
	f.batch = b
	return f
}

// syncLoop answers applied batches in order, each once its WAL sync is done. It returns when
// commitLoop closes synced.
func (s *PebbleStore) syncLoop(synced <-chan *inflight) {
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
