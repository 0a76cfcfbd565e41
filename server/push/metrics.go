package push

import (
	"github.com/cockroachdb/pebble/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// Label values: closed sets, every combination pre-set to 0.
const (
	sourceWake  = "wake"
	sourceTopic = "topic"
	sourceRelay = "relay"

	refusedUnknown   = "unknown_token"
	refusedRateToken = "rate_token"
	refusedRateIP    = "rate_ip"
	refusedRateRelay = "rate_relay"
	refusedQueueFull = "queue_full"
	refusedShutdown  = "shutting_down"

	reasonAttempts     = "attempts"
	reasonAge          = "age"
	reasonBadRequest   = "bad_request"
	reasonUnregistered = "unregistered"
)

type metrics struct {
	accepted         *prometheus.CounterVec // source
	refused          *prometheus.CounterVec // reason
	coalesced        prometheus.Counter
	sends            *prometheus.CounterVec // gateway, class
	wakeups          *prometheus.CounterVec // gateway, outcome
	failed           *prometheus.CounterVec // gateway, reason
	dropped          *prometheus.CounterVec // reason
	latency          *prometheus.HistogramVec
	deadTokens       *prometheus.CounterVec // gateway
	quotaBackoffs    *prometheus.CounterVec // gateway
	credentialErrors *prometheus.CounterVec // gateway
	registrations    prometheus.Gauge
	receiptsPruned   prometheus.Counter

	// Resolved children of the per-wakeup series, to keep label hashing
	// off the hot path.
	acceptedWake prometheus.Counter
	sendsBy      [numPools][]prometheus.Counter // by gateways.Class
	latencyBy    [numPools]prometheus.Observer
	wakeupsBy    [numPools]map[string]prometheus.Counter // by outcome; read-only after newMetrics
}

var outcomes = []string{pushwire.OutcomeDelivered, pushwire.OutcomeRelayed, pushwire.OutcomeDeadToken, pushwire.OutcomeFailed}

func newMetrics(reg prometheus.Registerer, s *Service) (*metrics, error) {
	m := &metrics{
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_accepted_total", Help: "Wakeups durably queued, by source (wake, topic, relay).",
		}, []string{"source"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_refused_total", Help: "Wake and relay requests refused, by reason.",
		}, []string{"reason"}),
		receiptsPruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_push_receipts_pruned_total", Help: "Receipts dropped past push-receipt-retention.",
		}),
		coalesced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_push_coalesced_total", Help: "Topic triggers absorbed by a wakeup already scheduled in the coalescing window.",
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_sends_total", Help: "Send attempts by gateway and outcome class.",
		}, []string{"gateway", "class"}),
		wakeups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_wakeups_total", Help: "Wakeups finished, by gateway and final outcome (the receipt's).",
		}, []string{"gateway", "outcome"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_failed_total", Help: "Wakeups that finally failed, by gateway and reason.",
		}, []string{"gateway", "reason"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_dropped_total", Help: "Queued wakeups dropped unsent because their installation went away.",
		}, []string{"reason"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pnode_push_gateway_seconds", Help: "Round trip of one send to the push service or last hop.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"gateway"}),
		deadTokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_dead_tokens_total", Help: "Device tokens found dead (registration disabled).",
		}, []string{"gateway"}),
		quotaBackoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_quota_backoffs_total", Help: "Times an app credential was paused for a quota refusal.",
		}, []string{"gateway"}),
		credentialErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_push_credential_errors_total", Help: "Sends refused for the credential or configuration (app stopped).",
		}, []string{"gateway"}),
		registrations: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pnode_push_registrations", Help: "Enabled push registrations.",
		}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pnode_push_queue_depth", Help: "Wakeups accepted and not finished (ready, in flight, waiting to retry).",
	}, func() float64 { return float64(s.pending.Load()) })
	oldest := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pnode_push_queue_oldest_seconds", Help: "Age of the oldest queued wakeup.",
	}, s.oldestAge)
	for _, src := range []string{sourceWake, sourceTopic, sourceRelay} {
		m.accepted.WithLabelValues(src)
	}
	for _, r := range []string{refusedUnknown, refusedRateToken, refusedRateIP, refusedRateRelay, refusedQueueFull, refusedShutdown} {
		m.refused.WithLabelValues(r)
	}
	m.dropped.WithLabelValues(reasonUnregistered)
	m.acceptedWake = m.accepted.WithLabelValues(sourceWake)
	for p, g := range poolNames {
		for _, c := range gateways.Classes() {
			m.sendsBy[p] = append(m.sendsBy[p], m.sends.WithLabelValues(g, c.String()))
		}
		m.latencyBy[p] = m.latency.WithLabelValues(g)
		m.wakeupsBy[p] = make(map[string]prometheus.Counter)
		for _, o := range outcomes {
			m.wakeupsBy[p][o] = m.wakeups.WithLabelValues(g, o)
		}
		for _, r := range []string{reasonAttempts, reasonAge, reasonBadRequest} {
			m.failed.WithLabelValues(g, r)
		}
		m.latency.WithLabelValues(g)
		m.deadTokens.WithLabelValues(g)
		m.quotaBackoffs.WithLabelValues(g)
		m.credentialErrors.WithLabelValues(g)
	}
	for _, c := range []prometheus.Collector{m.accepted, m.refused, m.coalesced, m.sends, m.wakeups, m.failed, m.dropped,
		m.latency, m.deadTokens, m.quotaBackoffs, m.credentialErrors, m.registrations, m.receiptsPruned, depth, oldest} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// oldestAge reads the first queued job (jobs are keyed in acceptance
// order) at scrape time.
func (s *Service) oldestAge() float64 {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closing {
		return 0
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famJob}, UpperBound: []byte{famJob + 1}})
	if err != nil {
		return 0
	}
	defer it.Close()
	if !it.First() {
		return 0
	}
	j, err := decodeJob(beUint64(it.Key()[1:]), it.Value())
	if err != nil {
		return 0
	}
	return max(0, float64(s.now().UnixMilli()-j.created)/1000)
}
