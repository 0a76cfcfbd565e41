package server

import (
	"errors"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons: why a session was closed or a frame refused.
const (
	dropSlowConsumer  = "slow_consumer"
	dropFrameTooLarge = "frame_too_large"
	dropAuthTimeout   = "auth_timeout"
	dropKeepalive     = "keepalive_timeout"
)

// Publish outcomes.
const (
	publishStored    = "stored"
	publishDuplicate = "duplicate"
	publishEphemeral = "ephemeral"
)

type metrics struct {
	sessions       prometheus.Gauge
	requests       *prometheus.CounterVec // method, code
	dropped        *prometheus.CounterVec // reason
	auth           *prometheus.CounterVec // result
	published      *prometheus.CounterVec // outcome
	publishSeconds prometheus.Histogram
	historySeconds prometheus.Histogram
	wakeFast       prometheus.Counter // wake requests the fast path answered
	wakeGrouped    prometheus.Counter // of those, answered in a pipelined group of two or more
	wakeHandoffs   prometheus.Counter // connections the fast path handed to net/http
	wakePolled     prometheus.Counter // of the fast path's answers, those the wake poller wrote
	wakePollConns  prometheus.Gauge   // connections the wake poller holds
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pnode_ws_sessions", Help: "Open websocket sessions.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_rpc_requests_total", Help: "JSON-RPC requests by method and result code (0 = ok).",
		}, []string{"method", "code"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_ws_dropped_total", Help: "Sessions closed or frames refused, by reason.",
		}, []string{"reason"}),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_ws_auth_total", Help: "Authentication attempts by result.",
		}, []string{"result"}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pnode_envelopes_published_total", Help: "Envelopes accepted by outcome.",
		}, []string{"outcome"}),
		publishSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pnode_publish_store_seconds", Help: "Durable store time of one publish.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		historySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pnode_history_query_seconds", Help: "Store time of one history page.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		wakeFast: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_wake_fast_requests_total", Help: "Wake requests answered by the HTTP/1.1 fast path.",
		}),
		wakeGrouped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_wake_pipelined_requests_total", Help: "Wake requests the fast path answered in a pipelined group of two or more (one commit, one write).",
		}),
		wakeHandoffs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_wake_handoffs_total", Help: "Connections the wake fast path handed to the general HTTP server.",
		}),
		wakePolled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pnode_wake_polled_requests_total", Help: "Wake requests the fast path answered from the wake poller (keep-alive connections sharing one epoll set).",
		}),
		wakePollConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pnode_wake_poller_connections", Help: "Keep-alive wake connections held by the wake poller.",
		}),
	}
	for _, r := range []string{dropSlowConsumer, dropFrameTooLarge, dropAuthTimeout, dropKeepalive} {
		m.dropped.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "fail"} {
		m.auth.WithLabelValues(r)
	}
	for _, o := range []string{publishStored, publishDuplicate, publishEphemeral} {
		m.published.WithLabelValues(o)
	}
	for _, c := range []prometheus.Collector{m.sessions, m.requests, m.dropped, m.auth, m.published, m.publishSeconds, m.historySeconds,
		m.wakeFast, m.wakeGrouped, m.wakeHandoffs, m.wakePolled, m.wakePollConns} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// methodLabel maps a method to a closed set of label values.
func methodLabel(m string) string {
	if publicMethods[m] || authedMethods[m] {
		return m
	}
	if m == "" {
		return "invalid"
	}
	return "unknown"
}

// codeLabel maps an error to its stable code; "0" is success.
func codeLabel(err error) string {
	if err == nil {
		return "0"
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		e = classify(err)
	}
	if _, known := errorTable[e.Code]; !known {
		return strconv.Itoa(int(CodeInternal))
	}
	return strconv.Itoa(int(e.Code))
}
