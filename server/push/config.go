package push

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for Config.
const (
	// DefaultQueueSize bounds the wakeups accepted but not yet finished
	// (queued, in flight or waiting for a retry). Beyond it, wake requests
	// get 503 with Retry-After.
	DefaultQueueSize = 100_000
	// DefaultWorkers is the fixed number of sending goroutines per gateway
	// (apns, fcm, relay). With a 20 ms provider round trip, 512 workers
	// carry about 25,000 wakeups/s.
	DefaultWorkers = 512
	// DefaultCoalesceWindow: at most one topic-triggered wakeup per
	// installation per window.
	DefaultCoalesceWindow = 30 * time.Second
	// DefaultMaxAttempts bounds the sends of one wakeup that keep failing
	// with retryable errors.
	DefaultMaxAttempts = 10
	// DefaultMaxAge: a wakeup not delivered this long after it was accepted
	// fails finally (a stale wakeup wakes nobody usefully).
	DefaultMaxAge = 24 * time.Hour
	// DefaultRetryMin and DefaultRetryMax bound the exponential backoff.
	DefaultRetryMin = time.Second
	DefaultRetryMax = 5 * time.Minute
	// DefaultQuotaBackoff is how long an app credential rests after a quota
	// refusal that named no Retry-After.
	DefaultQuotaBackoff = 30 * time.Second
	// DefaultAuthRetry is how often a credential refused as invalid is
	// probed again with one queued wakeup.
	DefaultAuthRetry = 10 * time.Minute
	// DefaultSendTimeout bounds one relay POST; the gateways have their own.
	DefaultSendTimeout = 10 * time.Second
	// DefaultWakeRate and DefaultWakeBurst limit wake requests per wakeup
	// token; DefaultWakeIPRate and DefaultWakeIPBurst per client IP.
	DefaultWakeRate    = 1.0
	DefaultWakeBurst   = 10
	DefaultWakeIPRate  = 100.0
	DefaultWakeIPBurst = 200
	// DefaultMaxWakeBody caps a wake request body; the body is ignored.
	DefaultMaxWakeBody = 4096
	// DefaultMaxWakeTTL caps the TTL header of a wake request.
	DefaultMaxWakeTTL = 24 * time.Hour
	// DefaultMaxInstallations caps registrations per owner.
	DefaultMaxInstallations = 20
	// DefaultMaxWakeTokens caps live wakeup tokens per installation.
	DefaultMaxWakeTokens = 20
	// DefaultRelayRate and DefaultRelayBurst limit relay requests per
	// forwarding node.
	DefaultRelayRate  = 2000.0
	DefaultRelayBurst = 4000
	// DefaultRelaySkew is how far a relay request's time may be from the
	// last hop's clock.
	DefaultRelaySkew = 5 * time.Minute
	// DefaultDrainTimeout bounds how long Close waits for queued wakeups to
	// be sent before it stops the workers (what is left is sent after the
	// next start).
	DefaultDrainTimeout = 5 * time.Second
	// DefaultReceiptRetention: receipts are the evidence of what a payer
	// was billed for; three months outlast a billing period and its
	// disputes.
	DefaultReceiptRetention = 90 * 24 * time.Hour
)

// Config holds the push relay's settings. It never changes after New.
type Config struct {
	QueueSize      int
	Workers        int
	CoalesceWindow time.Duration
	MaxAttempts    int
	MaxAge         time.Duration
	RetryMin       time.Duration
	RetryMax       time.Duration
	QuotaBackoff   time.Duration
	AuthRetry      time.Duration
	SendTimeout    time.Duration

	WakeRate    float64
	WakeBurst   int
	WakeIPRate  float64
	WakeIPBurst int
	MaxWakeBody int
	MaxWakeTTL  time.Duration

	MaxInstallations int
	MaxWakeTokens    int

	RelayRate  float64
	RelayBurst int
	RelaySkew  time.Duration
	// RelayAllow lists the forwarding nodes (0x addresses of their node
	// keys) this node relays for when it is a last hop; empty accepts any
	// node that signs its requests.
	RelayAllow []string

	DrainTimeout time.Duration

	// ReceiptRetention is how long receipts are kept (0: forever).
	ReceiptRetention time.Duration
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		QueueSize:        DefaultQueueSize,
		Workers:          DefaultWorkers,
		CoalesceWindow:   DefaultCoalesceWindow,
		MaxAttempts:      DefaultMaxAttempts,
		MaxAge:           DefaultMaxAge,
		RetryMin:         DefaultRetryMin,
		RetryMax:         DefaultRetryMax,
		QuotaBackoff:     DefaultQuotaBackoff,
		AuthRetry:        DefaultAuthRetry,
		SendTimeout:      DefaultSendTimeout,
		WakeRate:         DefaultWakeRate,
		WakeBurst:        DefaultWakeBurst,
		WakeIPRate:       DefaultWakeIPRate,
		WakeIPBurst:      DefaultWakeIPBurst,
		MaxWakeBody:      DefaultMaxWakeBody,
		MaxWakeTTL:       DefaultMaxWakeTTL,
		MaxInstallations: DefaultMaxInstallations,
		MaxWakeTokens:    DefaultMaxWakeTokens,
		RelayRate:        DefaultRelayRate,
		RelayBurst:       DefaultRelayBurst,
		RelaySkew:        DefaultRelaySkew,
		DrainTimeout:     DefaultDrainTimeout,
		ReceiptRetention: DefaultReceiptRetention,
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
	check(c.QueueSize >= 1 && c.QueueSize <= 10_000_000, "push-queue-size: %d not in [1, 10000000]", c.QueueSize)
	check(c.Workers >= 1 && c.Workers <= 100_000, "push-workers: %d not in [1, 100000]", c.Workers)
	check(c.CoalesceWindow >= 0, "push-coalesce-window: must not be negative")
	check(c.MaxAttempts >= 1, "push-max-attempts: must be >= 1")
	check(c.MaxAge >= time.Second, "push-max-age: %v below 1s", c.MaxAge)
	check(c.RetryMin > 0 && c.RetryMax >= c.RetryMin, "push-retry-min/max: want 0 < min <= max")
	check(c.QuotaBackoff > 0, "push-quota-backoff: must be positive")
	check(c.AuthRetry > 0, "push-auth-retry: must be positive")
	check(c.SendTimeout > 0, "push-send-timeout: must be positive")
	check(c.WakeRate > 0 && c.WakeBurst >= 1, "push-wake-rate/burst: must be positive")
	check(c.WakeIPRate > 0 && c.WakeIPBurst >= 1, "push-wake-ip-rate/burst: must be positive")
	check(c.MaxWakeBody >= 0 && c.MaxWakeBody <= 1<<20, "push-max-wake-body: %d not in [0, 1MiB]", c.MaxWakeBody)
	check(c.MaxWakeTTL >= time.Second, "push-max-wake-ttl: below 1s")
	check(c.MaxInstallations >= 1, "push-max-installations: must be >= 1")
	check(c.MaxWakeTokens >= 1, "push-max-wake-tokens: must be >= 1")
	check(c.RelayRate > 0 && c.RelayBurst >= 1, "push-relay-rate/burst: must be positive")
	check(c.RelaySkew >= time.Second, "push-relay-skew: below 1s")
	for _, a := range c.RelayAllow {
		check(isHexAddress(a), "push-relay-allow: %q is not a 0x address", a)
	}
	check(c.DrainTimeout >= 0, "push-drain-timeout: must not be negative")
	check(c.ReceiptRetention == 0 || c.ReceiptRetention >= time.Hour, "push-receipt-retention: %v: 0 (keep) or at least 1h", c.ReceiptRetention)
	return errors.Join(errs...)
}
