package mailstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Pebble tuning that is not worth a Config field.
const (
	bloomBitsPerKey = 10       // ~1% false positives: the dedup Get on Put and hash lookups rarely touch a data block
	blockSize       = 16 << 10 // data block size; a 100-envelope page spans a handful of blocks
)

// PebbleStore is the embedded Store: one pebble database in one directory, no server.
// It is safe for concurrent use. Open starts the group committer (which runs and awaits its own
// WAL-sync goroutine) and, if Retention.Interval > 0, the pruner; Close stops and awaits them.
//
// Lock order: closeMu, then commitMu, then stateMu.
type PebbleStore struct {
	cfg     Config        // static after construction
	lay     layout        // static after construction
	log     *slog.Logger  // static after construction
	db      *pebble.DB    // static after construction; must not be used once closed is set and callers drained
	stalls  *writeStalls  // static after construction
	metrics *storeMetrics // static after construction

	// closeMu is held for reading by every call that touches db or reqs, and for writing by Close.
	closeMu sync.RWMutex
	closed  bool             // guarded by closeMu
	reqs    chan *putRequest // sent on under closeMu.RLock; closed by Close under closeMu.Lock

	// commitMu serializes the committer's batches with Prune, so bucket counters and the horizon
	// are read and written by one writer at a time.
	commitMu sync.Mutex

	stateMu  sync.RWMutex
	counters map[uint64]bucketCounter // guarded by stateMu (written with commitMu held); non-empty buckets only
	buckets  []uint64                 // guarded by stateMu; sorted keys of counters
	horizon  uint64                   // guarded by stateMu; first live bucket: all buckets below it were pruned
	total    bucketCounter            // guarded by stateMu; sums of counters (oldest/newest unused)

	applied atomic.Uint64 // batches applied by the committer; written only by it (see commit)
	synced  atomic.Uint64 // generation of the last batch known synced; written only by syncLoop

	recent *recentFilter // static after construction; lets Put skip most dedup lookups

	stopPruner context.CancelFunc // static after construction
	wg         sync.WaitGroup     // committer and pruner
}

// bucketCounter is the per-bucket metadata kept in 'c' keys.
type bucketCounter struct {
	count  int64
	bytes  int64
	oldest int64 // smallest timestamp in the bucket; meaningful when count > 0
	newest int64 // largest timestamp in the bucket; meaningful when count > 0
}

// add counts one more envelope.
func (c *bucketCounter) add(ts, size int64) {
	if c.count == 0 || ts < c.oldest {
		c.oldest = ts
	}
	if c.count == 0 || ts > c.newest {
		c.newest = ts
	}
	c.count++
	c.bytes += size
}

// merge adds o's envelopes to c.
func (c *bucketCounter) merge(o bucketCounter) {
	if o.count == 0 {
		return
	}
	if c.count == 0 || o.oldest < c.oldest {
		c.oldest = o.oldest
	}
	if c.count == 0 || o.newest > c.newest {
		c.newest = o.newest
	}
	c.count += o.count
	c.bytes += o.bytes
}

var _ Store = (*PebbleStore)(nil)

// Open opens or creates the store in dir and starts its committer and pruner goroutines.
// cfg.BucketSize and cfg.IndexBucketSize must match the values the store was created with.
func Open(dir string, cfg Config, logger *slog.Logger) (*PebbleStore, error) {
	return OpenFS(dir, cfg, logger, nil)
}

// OpenFS is Open on the file system fs (nil: the operating system's), such as an in-memory one or
// one that injects faults or delays.
func OpenFS(dir string, cfg Config, logger *slog.Logger, fs vfs.FS) (*PebbleStore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		return nil, errors.New("mailstore: nil logger")
	}
	log := logger.With("component", "mailstore")
	stalls := &writeStalls{log: log}
	opts := pebbleOptions(cfg, log, stalls)
	if fs != nil {
		opts.FS = fs
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("mailstore: open %s: %w", dir, err)
	}
	s := &PebbleStore{
		cfg:      cfg,
		log:      log,
		db:       db,
		stalls:   stalls,
		reqs:     make(chan *putRequest, cfg.PutQueue),
		counters: make(map[uint64]bucketCounter),
	}
	if err := s.load(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	st := s.Stats()
	s.recent = newRecentFilter(st.Newest, st.Envelopes > 0)
	s.metrics = newStoreMetrics(s.Stats, s.recent.skipped.Load)
	log.Info("store opened", "dir", dir, "envelopes", st.Envelopes, "bytes", st.Bytes, "buckets", st.Buckets,
		"bucket_size", time.Duration(s.lay.bucketNanos), "horizon", s.horizonTime())

	s.wg.Go(s.commitLoop)
	// The pruner lives as long as the store, not as long as any caller's request, so its context is
	// rooted here and ended by Close.
	ctx, cancel := context.WithCancel(context.Background())
	s.stopPruner = cancel
	if cfg.Retention.Interval > 0 {
		s.wg.Go(func() { runPruner(ctx, cfg.Retention.Interval, time.Now, s.backgroundPrune) })
	}
	return s, nil
}

func pebbleOptions(cfg Config, log *slog.Logger, stalls *writeStalls) *pebble.Options {
	o := &pebble.Options{
		CacheSize:          cfg.CacheSize,
		MemTableSize:       cfg.MemTableSize,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebbleLogger{log: log},
		EventListener: &pebble.EventListener{
			WriteStallBegin: stalls.begin,
			WriteStallEnd:   stalls.end,
		},
	}
	for i := range o.Levels {
		o.Levels[i].FilterPolicy = bloom.FilterPolicy(bloomBitsPerKey)
		o.Levels[i].BlockSize = blockSize
	}
	return o
}

// writeStalls counts pebble's write stalls (memtables or L0 waiting for
// flushes and compactions), when every publish waits.
type writeStalls struct {
	log   *slog.Logger
	mu    sync.Mutex
	n     int64
	total time.Duration
	since time.Time // zero when not stalled
	why   string
}

func (w *writeStalls) begin(info pebble.WriteStallBeginInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	w.since, w.why = time.Now(), info.Reason
}

func (w *writeStalls) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since.IsZero() {
		return
	}
	d := time.Since(w.since)
	w.total += d
	w.since = time.Time{}
	w.log.Warn("store writes stalled", "reason", w.why, "for", d)
}

// stats returns the stalls so far and their total time, the current one included.
func (w *writeStalls) stats() (int64, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.total
	if !w.since.IsZero() {
		t += time.Since(w.since)
	}
	return w.n, t
}

// load reads (or, for a new store, writes) the layout record, the horizon and the bucket counters.
func (s *PebbleStore) load() error {
	want := layout{bucketNanos: uint64(s.cfg.BucketSize), indexNanos: uint64(s.cfg.IndexBucketSize)}
	v, closer, err := s.db.Get(layoutKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if err := s.db.Set(layoutKey, want.encode(), pebble.Sync); err != nil {
			return fmt.Errorf("mailstore: write layout: %w", err)
		}
		s.lay = want
	case err != nil:
		return fmt.Errorf("mailstore: read layout: %w", err)
	default:
		s.lay, err = decodeLayout(v)
		closer.Close()
		if err != nil {
			return err
		}
		if s.lay != want {
			return fmt.Errorf("mailstore: store was created with bucket size %v and index bucket size %v; config has %v and %v",
				time.Duration(s.lay.bucketNanos), time.Duration(s.lay.indexNanos), s.cfg.BucketSize, s.cfg.IndexBucketSize)
		}
	}

	v, closer, err = s.db.Get(horizonKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
	case err != nil:
		return fmt.Errorf("mailstore: read horizon: %w", err)
	default:
		if len(v) != bucketLen {
			closer.Close()
			return fmt.Errorf("%w: horizon record", errCorrupt)
		}
		s.horizon = beUint64(v)
		closer.Close()
	}

	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famCounter}, UpperBound: []byte{famCounter + 1}})
	if err != nil {
		return fmt.Errorf("mailstore: read counters: %w", err)
	}
	for ok := it.First(); ok; ok = it.Next() {
		b, c, err := parseCounter(it.Key(), it.Value())
		if err != nil {
			it.Close()
			return err
		}
		if c.count > 0 {
			s.counters[b] = c
			s.buckets = append(s.buckets, b)
			s.total.count += c.count
			s.total.bytes += c.bytes
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return fmt.Errorf("mailstore: read counters: %w", err)
	}
	return nil
}

// Stats returns the current counters. It never blocks on I/O.
func (s *PebbleStore) Stats() Stats {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	st := Stats{Envelopes: s.total.count, Bytes: s.total.bytes, Buckets: len(s.buckets)}
	if len(s.buckets) > 0 {
		st.Oldest = s.counters[s.buckets[0]].oldest
		st.Newest = s.counters[s.buckets[len(s.buckets)-1]].newest
	}
	return st
}

// Close stops accepting calls, waits for queued Puts to be committed and for the pruner to stop, and
// closes the database. It returns ErrClosed if the store was already closed.
func (s *PebbleStore) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.reqs)
	s.closeMu.Unlock()
	s.stopPruner()
	s.wg.Wait()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("mailstore: close: %w", err)
	}
	s.log.Info("store closed")
	return nil
}

// liveBuckets returns the non-empty buckets within [lo, hi], ascending.
func (s *PebbleStore) liveBuckets(lo, hi uint64) []uint64 {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	i, _ := slices.BinarySearch(s.buckets, lo)
	j, found := slices.BinarySearch(s.buckets, hi)
	if found {
		j++
	}
	if i >= j {
		return nil
	}
	return slices.Clone(s.buckets[i:j])
}

func (s *PebbleStore) horizonTime() time.Time {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	if s.horizon == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s.horizon*s.lay.bucketNanos))
}

func beUint64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
}

// pebbleLogger adapts pebble's printf-style logger to slog. Pebble's informational messages go to Debug.
type pebbleLogger struct{ log *slog.Logger }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug("pebble: " + trimNewline(fmt.Sprintf(format, args...)))
}

func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error("pebble: " + trimNewline(fmt.Sprintf(format, args...)))
}

// Fatalf logs and panics: pebble calls it on invariant violations and expects it not to return.
func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := trimNewline(fmt.Sprintf(format, args...))
	l.log.Error("pebble fatal: " + msg)
	panic("pebble: " + msg)
}

func trimNewline(s string) string { return strings.TrimRight(s, "\n") }
