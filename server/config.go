package server

import (
	"errors"
	"fmt"
	"time"

	"github.com/pnmarket/pnmarket/server/wire"
)

// Defaults for Config.
const (
	DefaultListen            = "127.0.0.1:8549"
	DefaultMaxFrameBytes     = wire.DefaultMaxFrameBytes
	DefaultMaxBatch          = wire.DefaultMaxBatch
	DefaultMaxPayload        = wire.DefaultMaxPayload
	DefaultMaxSkew           = 20 * time.Second
	DefaultAuthTimeout       = 10 * time.Second
	DefaultPingInterval      = 30 * time.Second
	DefaultWriteTimeout      = 10 * time.Second
	DefaultSendQueueFrames   = 1024
	DefaultSendQueueBytes    = 4 << 20
	DefaultMaxSubsPerSession = 64
	DefaultMaxInflight       = 64
	DefaultHistoryLimit      = 100
	DefaultHistoryMaxLimit   = 1000
	DefaultPublishRate       = 200.0 // per second per session key
	DefaultPublishBurst      = 400
	DefaultHistoryRate       = 20.0 // pages per second per session key
	DefaultHistoryBurst      = 40
	DefaultIPRateFactor      = 5.0 // per-IP limits are this multiple of the per-key limits
	DefaultMaxConnsPerIP     = 1000
	DefaultLameDuckDuration  = 5 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultReconnectAfter    = 2 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
)

// Config holds the server's settings. It never changes after New.
type Config struct {
	// Listen is the address of the HTTP + websocket listener.
	Listen string
	// MetricsListen, when set, serves /metrics on a separate listener
	// instead of the main one.
	MetricsListen string

	// MaxFrameBytes caps one incoming websocket message.
	MaxFrameBytes int
	// MaxBatch caps the requests of one batch frame.
	MaxBatch int
	// MaxPayload caps an envelope payload (raw bytes).
	MaxPayload int
	// MaxSkew is how far an envelope timestamp may be from the node clock.
	MaxSkew time.Duration

	// AuthTimeout is how long a new connection has to authenticate.
	AuthTimeout time.Duration
	// PingInterval is the websocket keepalive period; a peer silent for two
	// intervals is dropped.
	PingInterval time.Duration
	// WriteTimeout bounds every websocket write.
	WriteTimeout time.Duration
	// SendQueueFrames and SendQueueBytes bound a session's pending outgoing
	// frames; a session over either bound is disconnected as a slow consumer.
	SendQueueFrames int
	SendQueueBytes  int
	// MaxSubsPerSession caps live subscriptions per session.
	MaxSubsPerSession int
	// MaxInflight caps concurrently executing requests per session.
	MaxInflight int

	// HistoryLimit is the page size when a query gives none; HistoryMaxLimit caps it.
	HistoryLimit    int
	HistoryMaxLimit int

	// Rate limits per session key; per-IP limits are IPRateFactor times these.
	PublishRate  float64
	PublishBurst int
	HistoryRate  float64
	HistoryBurst int
	IPRateFactor float64
	// MaxConnsPerIP caps concurrent websocket connections from one IP.
	MaxConnsPerIP int

	// LameDuckDuration spreads session closes over this window on shutdown.
	LameDuckDuration time.Duration
	// ShutdownTimeout bounds the whole shutdown.
	ShutdownTimeout time.Duration

	// ChainID and ProviderID are announced in the auth challenge.
	ChainID    uint64
	ProviderID string
	// Version is reported by pn_nodeInfo.
	Version string
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Listen:            DefaultListen,
		MaxFrameBytes:     DefaultMaxFrameBytes,
		MaxBatch:          DefaultMaxBatch,
		MaxPayload:        DefaultMaxPayload,
		MaxSkew:           DefaultMaxSkew,
		AuthTimeout:       DefaultAuthTimeout,
		PingInterval:      DefaultPingInterval,
		WriteTimeout:      DefaultWriteTimeout,
		SendQueueFrames:   DefaultSendQueueFrames,
		SendQueueBytes:    DefaultSendQueueBytes,
		MaxSubsPerSession: DefaultMaxSubsPerSession,
		MaxInflight:       DefaultMaxInflight,
		HistoryLimit:      DefaultHistoryLimit,
		HistoryMaxLimit:   DefaultHistoryMaxLimit,
		PublishRate:       DefaultPublishRate,
		PublishBurst:      DefaultPublishBurst,
		HistoryRate:       DefaultHistoryRate,
		HistoryBurst:      DefaultHistoryBurst,
		IPRateFactor:      DefaultIPRateFactor,
		MaxConnsPerIP:     DefaultMaxConnsPerIP,
		LameDuckDuration:  DefaultLameDuckDuration,
		ShutdownTimeout:   DefaultShutdownTimeout,
		Version:           "dev",
	}
}

// Validate checks every field and the relations between them.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Listen != "", "listen: required")
	check(c.MaxFrameBytes >= 1024 && c.MaxFrameBytes <= 64<<20, "max-frame-bytes: %d not in [1024, 64MiB]", c.MaxFrameBytes)
	check(c.MaxBatch >= 1 && c.MaxBatch <= 1000, "max-batch: %d not in [1, 1000]", c.MaxBatch)
	check(c.MaxPayload >= 1 && c.MaxPayload <= 16<<20, "max-payload: %d not in [1, 16MiB]", c.MaxPayload)
	check(c.MaxPayload*4/3+4096 <= c.MaxFrameBytes, "max-payload: %d does not fit in max-frame-bytes %d once base64-encoded", c.MaxPayload, c.MaxFrameBytes)
	check(c.MaxSkew >= time.Second, "max-skew: %v below 1s", c.MaxSkew)
	check(c.AuthTimeout >= 100*time.Millisecond, "auth-timeout: %v below 100ms", c.AuthTimeout)
	check(c.PingInterval >= 100*time.Millisecond, "ping-interval: %v below 100ms", c.PingInterval)
	check(c.WriteTimeout >= 100*time.Millisecond, "write-timeout: %v below 100ms", c.WriteTimeout)
	check(c.SendQueueFrames >= 16, "send-queue-frames: %d below 16", c.SendQueueFrames)
	check(c.SendQueueBytes >= c.MaxFrameBytes, "send-queue-bytes: %d below max-frame-bytes", c.SendQueueBytes)
	check(c.MaxSubsPerSession >= 1, "max-subs-per-session: must be >= 1")
	check(c.MaxInflight >= 1, "max-inflight: must be >= 1")
	check(c.HistoryLimit >= 1 && c.HistoryLimit <= c.HistoryMaxLimit, "history-limit: %d not in [1, history-max-limit]", c.HistoryLimit)
	check(c.HistoryMaxLimit >= 1 && c.HistoryMaxLimit <= 10000, "history-max-limit: %d not in [1, 10000]", c.HistoryMaxLimit)
	check(c.PublishRate > 0 && c.PublishBurst >= 1, "publish-rate/burst: must be positive")
	check(c.HistoryRate > 0 && c.HistoryBurst >= 1, "history-rate/burst: must be positive")
	check(c.IPRateFactor >= 1, "ip-rate-factor: must be >= 1")
	check(c.MaxConnsPerIP >= 1, "max-conns-per-ip: must be >= 1")
	check(c.LameDuckDuration >= 0 && c.ShutdownTimeout > c.LameDuckDuration, "shutdown-timeout must exceed lame-duck-duration")
	return errors.Join(errs...)
}
