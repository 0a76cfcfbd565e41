package mailstore

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// storeMetrics are the store's Prometheus collectors; Collectors exposes them for registration.
type storeMetrics struct {
	envelopes      prometheus.GaugeFunc
	bytes          prometheus.GaugeFunc
	buckets        prometheus.GaugeFunc
	batchSize      prometheus.Histogram
	commitSeconds  prometheus.Histogram
	skipped        prometheus.Counter
	prunedBuckets  prometheus.Counter
	prunedEnvelope prometheus.Counter
	lookupsSpared  prometheus.CounterFunc
}

func newStoreMetrics(stats func() Stats, spared func() int64) *storeMetrics {
	return &storeMetrics{
		lookupsSpared: prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pnode_store_dedup_lookups_spared_total",
			Help: "Put dedup lookups answered by the recent-envelope filter instead of the database.",
		}, func() float64 { return float64(spared()) }),
		envelopes: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pnode_store_envelopes",
			Help: "Envelopes currently stored.",
		}, func() float64 { return float64(stats().Envelopes) }),
		bytes: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pnode_store_bytes",
			Help: "Bytes of stored envelopes (topics, payload, meta, hash, timestamp), excluding index overhead.",
		}, func() float64 { return float64(stats().Bytes) }),
		buckets: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pnode_store_buckets",
			Help: "Non-empty time buckets.",
		}, func() float64 { return float64(stats().Buckets) }),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pnode_store_put_batch_envelopes",
			Help:    "Envelopes per group-committed (synced) batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8), // 1 .. 16384
		}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pnode_store_put_commit_seconds",
			Help:    "Time to build and sync one group-committed batch.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14), // 100µs .. ~0.8s
		}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_store_put_skipped_envelopes_total",
			Help: "Envelopes not stored because they were duplicates or older than the pruning horizon.",
		}),
		prunedBuckets: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_store_pruned_buckets_total",
			Help: "Time buckets dropped by retention.",
		}),
		prunedEnvelope: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_store_pruned_envelopes_total",
			Help: "Envelopes dropped by retention.",
		}),
	}
}

func (m *storeMetrics) observeCommit(envs, stored int, d time.Duration) {
	m.batchSize.Observe(float64(envs))
	m.commitSeconds.Observe(d.Seconds())
	m.skipped.Add(float64(envs - stored))
}

func (m *storeMetrics) observePrune(r PruneResult) {
	m.prunedBuckets.Add(float64(r.Buckets))
	m.prunedEnvelope.Add(float64(r.Envelopes))
}

// Collectors returns the store's Prometheus collectors (all named pnode_store_*), for the caller to
// register once: reg.MustRegister(store.Collectors()...).
func (s *PebbleStore) Collectors() []prometheus.Collector {
	m := s.metrics
	return []prometheus.Collector{
		m.envelopes, m.bytes, m.buckets, m.batchSize, m.commitSeconds, m.skipped, m.prunedBuckets, m.prunedEnvelope,
		m.lookupsSpared,
		newLSMCollector(s),
	}
}

// LSM describes the state of the pebble database under the store: what an
// operator watches to tell a healthy store from one falling behind on
// compactions.
type LSM struct {
	CompactionDebt     uint64 // estimated bytes still to compact
	CompactionsRunning int64
	ReadAmp            int   // L0 sublevels plus non-empty lower levels
	L0Files            int64 // sstables in L0
	BlockCacheHits     int64
	BlockCacheMisses   int64
	BlockCacheBytes    int64
	WriteStalls        int64         // times pebble delayed writes for flushes or compactions
	WriteStallTime     time.Duration // their total length
	// WALFsync is the WAL fsync latency histogram: cumulative counts at the
	// bounds of walFsyncBounds, then the total count and sum.
	WALFsync      [len(walFsyncBounds)]uint64
	WALFsyncCount uint64
	WALFsyncSum   time.Duration
}

// walFsyncBounds are the bucket bounds (seconds) of pnode_store_wal_fsync_seconds.
var walFsyncBounds = [...]float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// walFsync reads pebble's WAL fsync histogram (nanosecond bounds) into
// walFsyncBounds: each count is pebble's at its largest bound not above ours.
func walFsync(h prometheus.Histogram, l *LSM) {
	if h == nil {
		return
	}
	var m dto.Metric
	if h.Write(&m) != nil || m.Histogram == nil {
		return
	}
	l.WALFsyncCount = m.Histogram.GetSampleCount()
	l.WALFsyncSum = time.Duration(m.Histogram.GetSampleSum())
	for i, bound := range walFsyncBounds {
		for _, b := range m.Histogram.GetBucket() {
			if b.GetUpperBound() <= bound*1e9 {
				l.WALFsync[i] = b.GetCumulativeCount()
			}
		}
	}
}

// LSM reports the database's compaction and cache state (zero once closed).
func (s *PebbleStore) LSM() LSM {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return LSM{}
	}
	m := s.db.Metrics()
	n, d := s.stalls.stats()
	l := LSM{
		WriteStalls:        n,
		WriteStallTime:     d,
		CompactionDebt:     m.Compact.EstimatedDebt,
		CompactionsRunning: m.Compact.NumInProgress,
		ReadAmp:            m.ReadAmp(),
		L0Files:            m.Levels[0].TablesCount,
		BlockCacheHits:     m.BlockCache.Hits,
		BlockCacheMisses:   m.BlockCache.Misses,
		BlockCacheBytes:    m.BlockCache.Size,
	}
	walFsync(m.LogWriter.FsyncLatency, &l)
	return l
}

// lsmCollector exports LSM as pnode_store_lsm_* metrics, read once per scrape.
type lsmCollector struct {
	s                                 *PebbleStore
	debt, running, readAmp, l0, cache *prometheus.Desc
	hits, misses, stalls, stallTime   *prometheus.Desc
	fsync                             *prometheus.Desc
}

func newLSMCollector(s *PebbleStore) *lsmCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("pnode_store_lsm_"+name, help, nil, nil)
	}
	return &lsmCollector{
		s:         s,
		debt:      d("compaction_debt_bytes", "Estimated bytes the store's LSM still has to compact."),
		running:   d("compactions_running", "Compactions in progress."),
		readAmp:   d("read_amplification", "L0 sublevels plus non-empty lower levels: tables a point read may visit."),
		l0:        d("l0_tables", "Sstables in L0."),
		cache:     d("block_cache_bytes", "Bytes held by the block cache."),
		hits:      d("block_cache_hits_total", "Block cache hits."),
		misses:    d("block_cache_misses_total", "Block cache misses."),
		stalls:    d("write_stalls_total", "Times writes were delayed for flushes or compactions."),
		stallTime: d("write_stall_seconds_total", "Time writes were delayed for flushes or compactions."),
		fsync: prometheus.NewDesc("pnode_store_wal_fsync_seconds",
			"WAL fsync latency: every acknowledged publish waits for one.", nil, nil),
	}
}

func (c *lsmCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.debt, c.running, c.readAmp, c.l0, c.cache, c.hits, c.misses, c.stalls, c.stallTime, c.fsync} {
		ch <- d
	}
}

func (c *lsmCollector) Collect(ch chan<- prometheus.Metric) {
	l := c.s.LSM()
	ch <- prometheus.MustNewConstMetric(c.debt, prometheus.GaugeValue, float64(l.CompactionDebt))
	ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, float64(l.CompactionsRunning))
	ch <- prometheus.MustNewConstMetric(c.readAmp, prometheus.GaugeValue, float64(l.ReadAmp))
	ch <- prometheus.MustNewConstMetric(c.l0, prometheus.GaugeValue, float64(l.L0Files))
	ch <- prometheus.MustNewConstMetric(c.cache, prometheus.GaugeValue, float64(l.BlockCacheBytes))
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(l.BlockCacheHits))
	ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(l.BlockCacheMisses))
	ch <- prometheus.MustNewConstMetric(c.stalls, prometheus.CounterValue, float64(l.WriteStalls))
	ch <- prometheus.MustNewConstMetric(c.stallTime, prometheus.CounterValue, l.WriteStallTime.Seconds())
	buckets := make(map[float64]uint64, len(walFsyncBounds))
	for i, b := range walFsyncBounds {
		buckets[b] = l.WALFsync[i]
	}
	ch <- prometheus.MustNewConstHistogram(c.fsync, l.WALFsyncCount, l.WALFsyncSum.Seconds(), buckets)
}
