package mailstore

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Key families of the pebble layout; see the package documentation.
const (
	famLayout  = 'L' // "L": layout parameters, written once at creation
	famHorizon = 'W' // "W": first live bucket (everything before it was pruned)
	famCounter = 'c' // 'c' bucket -> count, bytes, oldest, newest
	famIndex   = 'h' // 'h' ibucket hash -> timestamp, content topic, pubsub topic
	famData    = 'm' // 'm' bucket len(topic) topic timestamp hash -> pubsub topic, meta, payload
)

// layoutVersion is bumped on any incompatible change to keys or values.
const layoutVersion = 1

var (
	layoutKey  = []byte{famLayout}
	horizonKey = []byte{famHorizon}
	errCorrupt = errors.New("mailstore: corrupt record")
)

const (
	bucketLen      = 8
	dataSuffixLen  = 8 + len(Hash{}) // timestamp, hash
	indexKeyLen    = 1 + bucketLen + len(Hash{})
	counterKeyLen  = 1 + bucketLen
	counterValLen  = 32
	layoutValueLen = 1 + 8 + 8
)

// appendDataPrefix appends the key prefix shared by one topic's envelopes in one bucket.
func appendDataPrefix(dst []byte, bucket uint64, topic string) []byte {
	dst = append(dst, famData)
	dst = binary.BigEndian.AppendUint64(dst, bucket)
	dst = append(dst, byte(len(topic)))
	return append(dst, topic...)
}

// appendDataKey appends the full data key of an envelope.
func appendDataKey(dst []byte, bucket uint64, topic string, ts int64, h *Hash) []byte {
	dst = appendDataPrefix(dst, bucket, topic)
	dst = binary.BigEndian.AppendUint64(dst, uint64(ts))
	return append(dst, h[:]...)
}

// parseDataSuffix reads the timestamp and hash at the end of a data key whose prefix is prefixLen long.
func parseDataSuffix(key []byte, prefixLen int) (Position, error) {
	if len(key) != prefixLen+dataSuffixLen {
		return Position{}, fmt.Errorf("%w: data key length %d", errCorrupt, len(key))
	}
	var p Position
	p.Timestamp = int64(binary.BigEndian.Uint64(key[prefixLen:]))
	copy(p.Hash[:], key[prefixLen+8:])
	return p, nil
}

// appendDataValue appends the stored value of an envelope: len(pubsub) pubsub uvarint(len(meta)) meta payload.
func appendDataValue(dst []byte, e *Envelope) []byte {
	dst = append(dst, byte(len(e.PubsubTopic)))
	dst = append(dst, e.PubsubTopic...)
	dst = binary.AppendUvarint(dst, uint64(len(e.Meta)))
	dst = append(dst, e.Meta...)
	return append(dst, e.Payload...)
}

// dataValueLen is len(appendDataValue(nil, e)).
func dataValueLen(e *Envelope) int {
	var tmp [binary.MaxVarintLen64]byte
	return 1 + len(e.PubsubTopic) + binary.PutUvarint(tmp[:], uint64(len(e.Meta))) + len(e.Meta) + len(e.Payload)
}

// splitDataValue splits a stored value into its pubsub topic, meta and payload, aliasing v.
func splitDataValue(v []byte) (pubsub, meta, payload []byte, err error) {
	if len(v) < 1 || len(v) < 1+int(v[0]) {
		return nil, nil, nil, fmt.Errorf("%w: short data value", errCorrupt)
	}
	pubsub, v = v[1:1+int(v[0])], v[1+int(v[0]):]
	n, k := binary.Uvarint(v)
	if k <= 0 || n > uint64(len(v)-k) {
		return nil, nil, nil, fmt.Errorf("%w: bad meta length", errCorrupt)
	}
	v = v[k:]
	return pubsub, v[:n:n], v[n:], nil
}

// appendIndexKey appends the hash-index key of a hash in index bucket ib.
func appendIndexKey(dst []byte, ib uint64, h *Hash) []byte {
	dst = append(dst, famIndex)
	dst = binary.BigEndian.AppendUint64(dst, ib)
	return append(dst, h[:]...)
}

// appendIndexValue appends timestamp len(contentTopic) contentTopic pubsubTopic.
func appendIndexValue(dst []byte, e *Envelope) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Timestamp))
	dst = append(dst, byte(len(e.ContentTopic)))
	dst = append(dst, e.ContentTopic...)
	return append(dst, e.PubsubTopic...)
}

// splitIndexValue splits a hash-index value, aliasing v.
func splitIndexValue(v []byte) (ts int64, contentTopic, pubsubTopic []byte, err error) {
	if len(v) < 9 || len(v) < 9+int(v[8]) {
		return 0, nil, nil, fmt.Errorf("%w: short index value", errCorrupt)
	}
	ts = int64(binary.BigEndian.Uint64(v))
	n := int(v[8])
	return ts, v[9 : 9+n], v[9+n:], nil
}

// familyBucketKey returns fam followed by a big-endian bucket number: the start of that bucket's key range.
func familyBucketKey(fam byte, bucket uint64) []byte {
	k := make([]byte, 0, 1+bucketLen)
	k = append(k, fam)
	return binary.BigEndian.AppendUint64(k, bucket)
}

// appendCounterValue appends count, bytes, oldest and newest timestamp, each 8 bytes big-endian.
func appendCounterValue(dst []byte, c bucketCounter) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.count))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.bytes))
	dst = binary.BigEndian.AppendUint64(dst, uint64(c.oldest))
	return binary.BigEndian.AppendUint64(dst, uint64(c.newest))
}

func parseCounter(key, val []byte) (uint64, bucketCounter, error) {
	if len(key) != counterKeyLen || len(val) != counterValLen {
		return 0, bucketCounter{}, fmt.Errorf("%w: counter record", errCorrupt)
	}
	return binary.BigEndian.Uint64(key[1:]), bucketCounter{
		count:  int64(binary.BigEndian.Uint64(val)),
		bytes:  int64(binary.BigEndian.Uint64(val[8:])),
		oldest: int64(binary.BigEndian.Uint64(val[16:])),
		newest: int64(binary.BigEndian.Uint64(val[24:])),
	}, nil
}

// layout holds the parameters fixed at creation.
type layout struct {
	bucketNanos uint64
	indexNanos  uint64
}

func (l layout) encode() []byte {
	b := []byte{layoutVersion}
	b = binary.BigEndian.AppendUint64(b, l.bucketNanos)
	return binary.BigEndian.AppendUint64(b, l.indexNanos)
}

func decodeLayout(b []byte) (layout, error) {
	if len(b) != layoutValueLen {
		return layout{}, fmt.Errorf("%w: layout record", errCorrupt)
	}
	if b[0] != layoutVersion {
		return layout{}, fmt.Errorf("mailstore: unsupported layout version %d (this build reads %d)", b[0], layoutVersion)
	}
	return layout{bucketNanos: binary.BigEndian.Uint64(b[1:]), indexNanos: binary.BigEndian.Uint64(b[9:])}, nil
}

// bucketOf returns the time bucket of a timestamp (>= 0).
func (l layout) bucketOf(ts int64) uint64 { return uint64(ts) / l.bucketNanos }

// indexBucketOf returns the hash-index bucket of a timestamp (>= 0).
func (l layout) indexBucketOf(ts int64) uint64 { return uint64(ts) / l.indexNanos }

// bucketsPerIndex is how many time buckets one index bucket spans.
func (l layout) bucketsPerIndex() uint64 { return l.indexNanos / l.bucketNanos }
