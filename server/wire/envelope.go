package wire

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Envelope limits.
const (
	// DefaultMaxPayload caps the opaque payload (raw bytes, before base64).
	DefaultMaxPayload = 150 << 10
	// MaxMeta caps the meta field, as in 14/WAKU2-MESSAGE.
	MaxMeta = 64
	// MaxTopicLen caps content and pubsub topic strings.
	MaxTopicLen = 255
)

// Envelope validation errors.
var (
	ErrPayloadTooLarge = errors.New("wire: payload too large")
	ErrMetaTooLarge    = errors.New("wire: meta longer than 64 bytes")
	ErrBadTopic        = errors.New("wire: bad topic")
	ErrBadTimestamp    = errors.New("wire: bad timestamp")
	ErrBadHash         = errors.New("wire: bad hash")
)

// Hash is the deterministic identity of an envelope:
// sha256(pubsubTopic ‖ payload ‖ contentTopic ‖ meta ‖ timestamp as 8 bytes
// big-endian), as in 14/WAKU2-MESSAGE.
type Hash [32]byte

// String returns the 0x-prefixed hex form.
func (h Hash) String() string { return "0x" + hex.EncodeToString(h[:]) }

// MarshalText encodes the hash as 0x-prefixed hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes 0x-prefixed (or bare) hex of exactly 32 bytes.
func (h *Hash) UnmarshalText(b []byte) error {
	s := strings.TrimPrefix(string(b), "0x")
	if len(s) != 64 {
		return ErrBadHash
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return ErrBadHash
	}
	return nil
}

// Envelope is a message as clients publish it and as the node stores and
// serves it. Payload is client-encrypted and opaque to the node.
type Envelope struct {
	ContentTopic string `json:"contentTopic"`
	PubsubTopic  string `json:"pubsubTopic,omitempty"`
	Payload      []byte `json:"payload,omitempty"` // base64 in JSON
	Meta         []byte `json:"meta,omitempty"`    // base64 in JSON
	Timestamp    int64  `json:"timestamp"`         // unix nanoseconds
	Ephemeral    bool   `json:"ephemeral,omitempty"`
	// Hash is filled by the node on output; clients may omit it on publish.
	// When a client sets it, the node checks that it matches.
	Hash *Hash `json:"hash,omitempty"`
}

// ComputeHash returns the envelope's deterministic hash.
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

// Validate checks the envelope's fields against the caps. It does not check
// the timestamp against a clock; the node does that with its skew setting.
func (e *Envelope) Validate(maxPayload int) error {
	if err := ValidateTopic(e.ContentTopic); err != nil {
		return fmt.Errorf("contentTopic: %w", err)
	}
	if e.PubsubTopic != "" {
		if err := ValidateTopic(e.PubsubTopic); err != nil {
			return fmt.Errorf("pubsubTopic: %w", err)
		}
	}
	if len(e.Payload) > maxPayload {
		return ErrPayloadTooLarge
	}
	if len(e.Meta) > MaxMeta {
		return ErrMetaTooLarge
	}
	if e.Timestamp <= 0 {
		return ErrBadTimestamp
	}
	if e.Hash != nil && *e.Hash != e.ComputeHash() {
		return fmt.Errorf("%w: does not match the envelope", ErrBadHash)
	}
	return nil
}

// ValidateTopic checks a topic string: non-empty, at most MaxTopicLen bytes,
// valid UTF-8 without control characters.
func ValidateTopic(t string) error {
	if t == "" || len(t) > MaxTopicLen || !utf8.ValidString(t) {
		return ErrBadTopic
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f {
			return ErrBadTopic
		}
	}
	return nil
}

// DecodeEnvelope decodes and validates one envelope object with a size cap on
// the encoded form.
func DecodeEnvelope(b []byte, maxPayload int) (Envelope, error) {
	var e Envelope
	// base64 grows 4/3; leave room for the other fields.
	if len(b) > maxPayload*4/3+4096 {
		return e, ErrPayloadTooLarge
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("%w: %s", ErrInvalidParams, cleanJSONError(err))
	}
	if err := e.Validate(maxPayload); err != nil {
		return e, err
	}
	return e, nil
}
