package wire

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// History limits.
const (
	// MaxHistoryTopics caps the content topics of one history query or subscription.
	MaxHistoryTopics = 10
	// MaxHistoryHashes caps a lookup by hashes.
	MaxHistoryHashes = 100
	// MaxCursorLen caps the encoded cursor string.
	MaxCursorLen = 512
)

// Bytes is a byte slice that encodes as 0x-prefixed hex in JSON, as
// Ethereum JSON-RPC does for keys, nonces and signatures.
type Bytes []byte

// MarshalText encodes b as 0x-prefixed hex.
func (b Bytes) MarshalText() ([]byte, error) {
	return []byte("0x" + hex.EncodeToString(b)), nil
}

// UnmarshalText decodes 0x-prefixed hex.
func (b *Bytes) UnmarshalText(t []byte) error {
	s, ok := strings.CutPrefix(string(t), "0x")
	if !ok {
		return errors.New("hex string without 0x prefix")
	}
	if len(s) > 4096 {
		return errors.New("hex string too long")
	}
	out, err := hex.DecodeString(s)
	if err != nil {
		return errors.New("invalid hex string")
	}
	*b = out
	return nil
}

// Cursor is an opaque pagination cursor. It travels as unpadded base64url.
type Cursor []byte

// MarshalText encodes the cursor as unpadded base64url.
func (c Cursor) MarshalText() ([]byte, error) {
	return []byte(base64.RawURLEncoding.EncodeToString(c)), nil
}

// UnmarshalText decodes an unpadded base64url cursor.
func (c *Cursor) UnmarshalText(t []byte) error {
	if len(t) > MaxCursorLen {
		return errors.New("cursor too long")
	}
	out, err := base64.RawURLEncoding.DecodeString(string(t))
	if err != nil {
		return errors.New("cursor is not base64url")
	}
	*c = out
	return nil
}

// Challenge is the params of the pn_challenge notification the node sends
// first on every connection.
type Challenge struct {
	Nonce      Bytes  `json:"nonce"`
	NodeKey    Bytes  `json:"nodeKey"` // compressed secp256k1 public key
	ChainID    uint64 `json:"chainId"`
	ProviderID string `json:"providerId,omitempty"`
	// ExpiresIn is how many seconds the client has to authenticate.
	ExpiresIn int `json:"expiresIn"`
}

// AuthMessage is the text a client signs, EIP-191 personal-message style, to
// authenticate a session. It binds the node's key, the connection's nonce and
// the chain, so a signature is worthless on another connection or node.
func AuthMessage(nonce, nodeKey []byte, chainID uint64) []byte {
	return fmt.Appendf(nil, "pnmarket session auth\nnode: 0x%x\nnonce: 0x%x\nchain: %d", nodeKey, nonce, chainID)
}

// AuthParams is the single param of pn_auth.
type AuthParams struct {
	// Address is the 0x-prefixed address of the session key that signed.
	Address string `json:"address"`
	// Signature is the 65-byte [R || S || V] secp256k1 signature over
	// AuthMessage, hashed as an EIP-191 personal message.
	Signature Bytes `json:"signature"`
}

// AuthResult is the result of pn_auth.
type AuthResult struct {
	// Address is the session key's address as recovered by the node.
	Address string `json:"address"`
	// Session is the connection id, for support and logs.
	Session string `json:"session"`
}

// PublishResult is the result of pn_publish.
type PublishResult struct {
	Hash Hash `json:"hash"`
	// Stored is false for ephemeral envelopes (relayed, never stored).
	Stored bool `json:"stored"`
	// Duplicate is true when the node already held this envelope.
	Duplicate bool `json:"duplicate,omitempty"`
}

// SubscribeParams is the filter param of pn_subscribe.
type SubscribeParams struct {
	ContentTopics []string `json:"contentTopics"`
	PubsubTopic   string   `json:"pubsubTopic,omitempty"`
}

// Validate checks the topic count and each topic.
func (p *SubscribeParams) Validate() error {
	if len(p.ContentTopics) == 0 {
		return fmt.Errorf("%w: contentTopics is required", ErrInvalidParams)
	}
	if len(p.ContentTopics) > MaxHistoryTopics {
		return ErrTooManyTopics
	}
	for _, t := range p.ContentTopics {
		if err := ValidateTopic(t); err != nil {
			return err
		}
	}
	if p.PubsubTopic != "" {
		return ValidateTopic(p.PubsubTopic)
	}
	return nil
}

// SubscriptionEvent is the params of a pn_subscription notification.
type SubscriptionEvent struct {
	Subscription string    `json:"subscription"`
	Result       *Envelope `json:"result"`
}

// ErrTooManyTopics is returned for more than MaxHistoryTopics content topics.
var ErrTooManyTopics = errors.New("wire: too many content topics")

// HistoryParams is the query param of pn_history. Times are unix
// nanoseconds; StartTime is inclusive and EndTime exclusive (0 = now+skew).
type HistoryParams struct {
	ContentTopics []string `json:"contentTopics,omitempty"`
	PubsubTopic   string   `json:"pubsubTopic,omitempty"`
	StartTime     int64    `json:"startTime,omitempty"`
	EndTime       int64    `json:"endTime,omitempty"`
	Hashes        []Hash   `json:"hashes,omitempty"`
	Cursor        Cursor   `json:"cursor,omitempty"`
	Forward       bool     `json:"forward,omitempty"`
	Limit         int      `json:"limit,omitempty"`
	HashesOnly    bool     `json:"hashesOnly,omitempty"`
}

// Validate checks the query's shape; the store checks the cursor.
func (p *HistoryParams) Validate() error {
	if len(p.ContentTopics) > MaxHistoryTopics {
		return ErrTooManyTopics
	}
	if len(p.Hashes) > MaxHistoryHashes {
		return fmt.Errorf("%w: at most %d hashes", ErrInvalidParams, MaxHistoryHashes)
	}
	if len(p.ContentTopics) == 0 && len(p.Hashes) == 0 {
		return fmt.Errorf("%w: contentTopics or hashes is required", ErrInvalidParams)
	}
	for _, t := range p.ContentTopics {
		if err := ValidateTopic(t); err != nil {
			return err
		}
	}
	if p.PubsubTopic != "" {
		if err := ValidateTopic(p.PubsubTopic); err != nil {
			return err
		}
	}
	if p.StartTime < 0 || p.EndTime < 0 || (p.EndTime != 0 && p.StartTime > p.EndTime) {
		return fmt.Errorf("%w: bad time range", ErrInvalidParams)
	}
	if p.Limit < 0 {
		return fmt.Errorf("%w: negative limit", ErrInvalidParams)
	}
	return nil
}

// HistoryResult is the result of pn_history. Envelopes come in the query's
// direction; Cursor is absent when there is nothing more.
type HistoryResult struct {
	Envelopes []Envelope `json:"envelopes"`
	Cursor    Cursor     `json:"cursor,omitempty"`
}

// NodeInfo is the result of pn_nodeInfo.
type NodeInfo struct {
	Version    string   `json:"version"`
	NodeKey    Bytes    `json:"nodeKey"`
	ChainID    uint64   `json:"chainId"`
	ProviderID string   `json:"providerId,omitempty"`
	Services   []string `json:"services"`
	MaxPayload int      `json:"maxPayload"`
	MaxSkewMs  int64    `json:"maxSkewMs"`
	MaxLimit   int      `json:"maxLimit"`
	Time       int64    `json:"time"` // node clock, unix ns
}

// Reconnect is the params of a pn_reconnect notification: the node is going
// away and the client should reconnect (to this node after AfterMs, or to
// another provider).
type Reconnect struct {
	Reason  string `json:"reason"`
	AfterMs int64  `json:"afterMs"`
}
