package mailstore

import (
	"errors"
	"fmt"
	"time"
)

// Defaults used by DefaultConfig.
const (
	// DefaultMaxAge is how long envelopes are kept.
	DefaultMaxAge = 30 * 24 * time.Hour
	// DefaultPruneInterval is how often the background pruner applies the retention policy.
	DefaultPruneInterval = time.Minute
	// DefaultBucketSize is the width of one time bucket, the unit in which envelopes are pruned.
	DefaultBucketSize = time.Hour
	// DefaultIndexBucketSize is the width of one hash-index bucket (a multiple of the bucket size).
	DefaultIndexBucketSize = 24 * time.Hour
	// DefaultCacheSize is the pebble block cache size in bytes.
	DefaultCacheSize = 256 << 20
	// DefaultMemTableSize is the pebble memtable size in bytes.
	DefaultMemTableSize = 64 << 20
	// DefaultMaxBatchEnvelopes caps how many envelopes one group commit gathers (one Put is never split).
	DefaultMaxBatchEnvelopes = 8192
	// DefaultMaxBatchBytes caps the envelope bytes one group commit gathers (one Put is never split).
	DefaultMaxBatchBytes = 32 << 20
	// DefaultPutQueue is how many Put calls may wait for the committer before callers block.
	DefaultPutQueue = 4096
)

// Bounds checked by Config.Validate.
const (
	minBucketSize   = time.Second
	minCacheSize    = 1 << 20
	minMemTableSize = 1 << 20
	maxMemTableSize = 4 << 30
)

// Retention says what Prune drops. Whole time buckets are dropped, oldest first, so an envelope may
// outlive MaxAge by up to one bucket, and the size limits are met at bucket granularity. The size
// limits never drop the bucket that holds "now" (or later ones), so a store may exceed MaxBytes or
// MaxCount by up to one bucket's worth.
type Retention struct {
	MaxAge   time.Duration // drop buckets that end before now-MaxAge; 0 = keep forever
	MaxBytes int64         // drop oldest buckets while Stats.Bytes exceeds this; 0 = unlimited
	MaxCount int64         // drop oldest buckets while Stats.Envelopes exceeds this; 0 = unlimited
	Interval time.Duration // how often the background pruner runs; 0 disables it (call Prune yourself)
}

// Config configures a PebbleStore. BucketSize and IndexBucketSize are fixed when a store is created;
// opening it later with other values fails.
type Config struct {
	Retention         Retention
	BucketSize        time.Duration // width of a time bucket (the pruning unit); >= 1s
	IndexBucketSize   time.Duration // width of a hash-index bucket; a multiple of BucketSize
	CacheSize         int64         // pebble block cache, bytes
	MemTableSize      uint64        // pebble memtable, bytes
	MaxBatchEnvelopes int           // group commit: envelopes per synced batch (soft cap)
	MaxBatchBytes     int           // group commit: envelope bytes per synced batch (soft cap)
	PutQueue          int           // Put calls that may queue for the committer
}

// DefaultConfig returns the default configuration.
func DefaultConfig() Config {
	return Config{
		Retention: Retention{
			MaxAge:   DefaultMaxAge,
			Interval: DefaultPruneInterval,
		},
		BucketSize:        DefaultBucketSize,
		IndexBucketSize:   DefaultIndexBucketSize,
		CacheSize:         DefaultCacheSize,
		MemTableSize:      DefaultMemTableSize,
		MaxBatchEnvelopes: DefaultMaxBatchEnvelopes,
		MaxBatchBytes:     DefaultMaxBatchBytes,
		PutQueue:          DefaultPutQueue,
	}
}

// Validate checks the configuration, reporting every problem found.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("mailstore config: "+format, args...))
	}
	r := c.Retention
	if r.MaxAge < 0 || r.MaxBytes < 0 || r.MaxCount < 0 || r.Interval < 0 {
		bad("retention values must not be negative")
	}
	if c.BucketSize < minBucketSize {
		bad("bucket size %v is below %v", c.BucketSize, minBucketSize)
	}
	if c.IndexBucketSize < c.BucketSize || (c.BucketSize > 0 && c.IndexBucketSize%c.BucketSize != 0) {
		bad("index bucket size %v must be a multiple of the bucket size %v", c.IndexBucketSize, c.BucketSize)
	}
	if r.MaxAge > 0 && r.MaxAge < c.BucketSize {
		bad("max age %v is shorter than one bucket (%v)", r.MaxAge, c.BucketSize)
	}
	if c.CacheSize < minCacheSize {
		bad("cache size %d is below %d bytes", c.CacheSize, minCacheSize)
	}
	if c.MemTableSize < minMemTableSize || c.MemTableSize > maxMemTableSize {
		bad("memtable size %d must be within [%d, %d] bytes", c.MemTableSize, minMemTableSize, maxMemTableSize)
	}
	if c.MaxBatchEnvelopes < 1 || c.MaxBatchBytes < 1 || c.PutQueue < 1 {
		bad("max batch envelopes, max batch bytes and put queue must be positive")
	}
	return errors.Join(errs...)
}
