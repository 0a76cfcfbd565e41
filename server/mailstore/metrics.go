package mailstore

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
}

func newStoreMetrics(stats func() Stats) *storeMetrics {
	return &storeMetrics{
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
	}
}
