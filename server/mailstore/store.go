package mailstore

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

// Query limits shared by every Store implementation.
const (
	// MaxTopics is the largest number of content topics one Query may name.
	MaxTopics = 10
	// MaxHashes is the largest number of hashes one Query may look up.
	MaxHashes = 100
	// DefaultLimit is the page size used when Query.Limit is 0.
	DefaultLimit = 100
	// MaxLimit is the largest page size; larger Query.Limit values are capped to it.
	MaxLimit = 1000
	// MaxTopicLen is the longest content or pubsub topic, in bytes, that a Store accepts.
	MaxTopicLen = 255
)

// Sentinel errors. Callers branch on them with errors.Is and map them to client error codes;
// the returned errors wrap them with detail.
var (
	// ErrBadCursor reports a malformed cursor, or a cursor that belongs to a different query.
	ErrBadCursor = errors.New("mailstore: bad cursor")
	// ErrTooManyTopics reports a Query naming more than MaxTopics content topics.
	ErrTooManyTopics = errors.New("mailstore: too many content topics")
	// ErrBadQuery reports an invalid Query: bad time range, no topics and no hashes, too many hashes, bad limit.
	ErrBadQuery = errors.New("mailstore: bad query")
	// ErrBadEnvelope reports an envelope the store cannot hold (empty or oversized topic, negative timestamp).
	ErrBadEnvelope = errors.New("mailstore: bad envelope")
	// ErrClosed reports a call on a closed Store.
	ErrClosed = errors.New("mailstore: closed")
)

// Hash identifies an envelope: sha256(pubsubTopic ‖ payload ‖ contentTopic ‖ meta ‖ timestamp as 8 bytes
// big-endian), as in 14/WAKU2-MESSAGE. The caller computes it; a Store takes it as given.
type Hash [32]byte

// String returns the hash in lowercase hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Short returns the first 8 hex digits of the hash, for logs.
func (h Hash) Short() string { return hex.EncodeToString(h[:4]) }

// Envelope is one stored message. The store never looks inside Payload or Meta.
type Envelope struct {
	Hash         Hash   // identity, computed by the caller
	PubsubTopic  string // optional, at most MaxTopicLen bytes
	ContentTopic string // required, 1..MaxTopicLen bytes
	Payload      []byte // opaque ciphertext; nil in hashes-only results
	Meta         []byte // opaque; nil in hashes-only results
	Timestamp    int64  // unix nanoseconds, >= 0
}

// ComputeHash returns the envelope's deterministic hash as defined by 14/WAKU2-MESSAGE:
// sha256(pubsubTopic ‖ payload ‖ contentTopic ‖ meta ‖ timestamp as 8 bytes big-endian).
// Stores do not call it; it is for callers and tests.
func (e *Envelope) ComputeHash() Hash {
	h := sha256.New()
	h.Write([]byte(e.PubsubTopic))
	h.Write(e.Payload)
	h.Write([]byte(e.ContentTopic))
	h.Write(e.Meta)
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(e.Timestamp))
	h.Write(ts[:])
	var out Hash
	h.Sum(out[:0])
	return out
}

// Size is the number of bytes an envelope counts for in Stats and in Retention.MaxBytes: its topics,
// payload and meta plus 40 bytes for the hash and timestamp. It does not include index or storage overhead.
func (e *Envelope) Size() int64 {
	return int64(len(e.PubsubTopic) + len(e.ContentTopic) + len(e.Payload) + len(e.Meta) + len(e.Hash) + 8)
}

// Position returns the envelope's place in the store order.
func (e *Envelope) Position() Position { return Position{Timestamp: e.Timestamp, Hash: e.Hash} }

// Position is a place in the one store order, (Timestamp, Hash) ascending. Cursors encode a Position.
type Position struct {
	Timestamp int64
	Hash      Hash
}

// Compare orders positions by timestamp, then hash bytes; it returns -1, 0 or +1.
func (p Position) Compare(o Position) int {
	if c := cmp.Compare(p.Timestamp, o.Timestamp); c != 0 {
		return c
	}
	return bytes.Compare(p.Hash[:], o.Hash[:])
}

// Query selects envelopes by content topic and time range, or by hash, one page at a time.
type Query struct {
	ContentTopics []string // 1..MaxTopics unless Hashes is set; duplicates are ignored
	PubsubTopic   string   // optional filter ("" = any)
	Start, End    int64    // unix ns; Start inclusive, End exclusive; End == 0 means no upper bound
	Hashes        []Hash   // look up by hash (then ContentTopics may be empty and act as a filter); at most MaxHashes
	Cursor        []byte   // opaque, from a previous Page of the same query; nil or empty = first page
	Forward       bool     // true: oldest first; false (default): newest first
	Limit         int      // 1..MaxLimit; 0 means DefaultLimit; larger values are capped to MaxLimit
	HashesOnly    bool     // return Hash, Timestamp and topics only, no Payload or Meta
}

// Page is one page of Query results.
type Page struct {
	Envelopes []Envelope // in the query's direction order
	Cursor    []byte     // pass back in Query.Cursor for the next page; nil when there is nothing more
}

// Stats summarises a Store's contents.
type Stats struct {
	Envelopes int64 // number of stored envelopes
	Bytes     int64 // sum of Envelope.Size over stored envelopes
	Oldest    int64 // smallest stored timestamp (unix ns); 0 when empty
	Newest    int64 // largest stored timestamp (unix ns); 0 when empty
	Buckets   int   // number of non-empty time buckets
}

// PruneResult reports what one Prune dropped.
type PruneResult struct {
	Buckets   int       // whole time buckets dropped
	Envelopes int64     // envelopes in them
	Bytes     int64     // their Envelope.Size total
	Horizon   time.Time // every envelope older than this is gone; zero if nothing was ever pruned
}

// Store is the offline-history store: it keeps opaque envelopes by topic and time.
// Implementations are safe for concurrent use.
type Store interface {
	// Put stores envelopes and returns only when they are durable (the write-ahead log is fsynced).
	// Envelopes already stored (same Hash) are skipped without error, as are envelopes older than
	// what retention has already pruned. stored counts the newly stored envelopes. The envelopes
	// of one call are stored atomically; concurrent callers are group-committed.
	Put(ctx context.Context, envs ...Envelope) (stored int, err error)
	// Query returns one page of envelopes in (timestamp, hash) order, or its reverse.
	Query(ctx context.Context, q Query) (Page, error)
	// Prune applies the retention policy as of now, dropping whole time buckets.
	Prune(ctx context.Context, now time.Time) (PruneResult, error)
	// Stats returns the current counters.
	Stats() Stats
	// Close stops background work and releases the store. Later calls return ErrClosed.
	Close() error
}

// EarlyVisible is implemented by stores whose writes become visible to Query before they are durable.
// A node uses it to deliver a published envelope to live subscribers as soon as history can return it,
// without waiting for the fsync that its acknowledgement waits for.
type EarlyVisible interface {
	// PutNotify is Put, and it also calls visible once, before it returns, as soon as the call's
	// envelopes are visible to Query; stored counts the new ones (as Put's result does). visible may run
	// on another goroutine, one the store's writes wait for, so it must be quick and must not block.
	// visible is not called if the call fails before that point. It may have been called when PutNotify
	// returns an error: the write became visible, but its fsync failed.
	PutNotify(ctx context.Context, visible func(stored int), envs ...Envelope) (stored int, err error)
}

// Putter is the write half of Store.
type Putter interface {
	Put(ctx context.Context, envs ...Envelope) (stored int, err error)
}

// PutNotify stores envelopes like st.Put and calls visible once their new envelopes can be queried: as
// soon as that is true if st implements EarlyVisible, or after Put returns without error otherwise.
func PutNotify(ctx context.Context, st Putter, visible func(stored int), envs ...Envelope) (int, error) {
	if ev, ok := st.(EarlyVisible); ok {
		return ev.PutNotify(ctx, visible, envs...)
	}
	n, err := st.Put(ctx, envs...)
	if err == nil {
		visible(n)
	}
	return n, err
}
