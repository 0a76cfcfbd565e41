// Package pushwire defines what a client, a pnode and a last-hop pnode
// exchange about push wakeups: the parameters and results of the pn_ push
// methods, the sealed registration, the wake and relay HTTP bodies, and the
// receipt with its canonical encoding and batch-signature proof.
//
// Protocol flow:
//
//	client -> node   pn_registerPush [{sealed}]   ECIES(nodeKey, Registration JSON)
//	client -> node   pn_wakeupToken [installationId] -> capability token
//	anyone -> node   POST /v1/wake/{token}        -> 201 (durably queued)
//	node   -> APNs/FCM content-free wakeup, or
//	node   -> last hop  POST /v1/relay {RelayRequest} signed by the node key
//	client -> node   pn_receipts [payer, fromSeq, limit] -> signed hash chain
//
// Like server/wire, the package imports only the standard library (and
// server/wire), so the client SDK can use it without pulling in the node.
// Hashing and signatures are the caller's: functions that need keccak256 take
// it as a parameter.
package pushwire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pnmarket/pnmarket/server/wire"
)

// Request methods served by the node.
const (
	MethodRegisterPush      = "pn_registerPush"
	MethodUnregisterPush    = "pn_unregisterPush"
	MethodWakeupToken       = "pn_wakeupToken"
	MethodRevokeWakeupToken = "pn_revokeWakeupToken"
	MethodPushStatus        = "pn_pushStatus"
	MethodReceipts          = "pn_receipts"
	MethodPushInfo          = "pn_pushInfo"
)

// Gateways and push types as they appear on the wire.
const (
	GatewayAPNs = "apns"
	GatewayFCM  = "fcm"

	PushTypeBackground = "background"
	PushTypeAlert      = "alert"
)

// Limits of a registration.
const (
	// MaxSealed caps the sealed registration (ciphertext bytes).
	MaxSealed = 32 << 10
	// MaxTopics caps the watched content topics of one registration.
	MaxTopics = 50
	// MaxInstallationIDLen caps an installation id.
	MaxInstallationIDLen = 64
	// MaxAppIDLen caps an app id.
	MaxAppIDLen = 128
	// MaxTokenLen caps a device token (or a token sealed for a last hop,
	// base64-encoded).
	MaxTokenLen = 4096
	// MaxAPNsTopicLen caps the APNs topic (bundle id).
	MaxAPNsTopicLen = 255
	// MaxReceipts caps one pn_receipts page.
	MaxReceipts = 1000
	// MaxWakeTokenLen caps a wakeup token as presented in a URL.
	MaxWakeTokenLen = 64
)

// ErrInvalid wraps every validation failure of this package.
var ErrInvalid = errors.New("pushwire: invalid")

var (
	idPattern    = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)
	topicPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// SealedParams is the single param of pn_registerPush: the Registration
// JSON encrypted to the node's public key with ECIES (go-ethereum
// crypto/ecies, secp256k1, no shared info).
type SealedParams struct {
	Sealed []byte `json:"sealed"` // base64 in JSON
}

// Registration is the plaintext a client seals in pn_registerPush.
type Registration struct {
	// Owner is the 0x address of the session key that registers; the node
	// refuses a registration sealed for another session (a captured
	// ciphertext is useless to anyone else).
	Owner string `json:"owner"`
	// InstallationID names the device installation, unique per owner.
	InstallationID string `json:"installationId"`
	// Gateway is "apns" or "fcm".
	Gateway string `json:"gateway"`
	// AppID selects the app credential on the node (pn_pushInfo lists them).
	AppID string `json:"appId"`
	// Token is the device token; for an app served in upstream mode, the
	// device token sealed to the last hop's node key (base64 ECIES).
	Token string `json:"token"`
	// APNsTopic overrides the app's APNs topic (bundle id); APNs only.
	APNsTopic string `json:"apnsTopic,omitempty"`
	// PushType is "background" (default) or "alert".
	PushType string `json:"pushType,omitempty"`
	// Topics are the content topics whose stored envelopes wake this
	// installation while its owner has no session on the node.
	Topics []string `json:"topics,omitempty"`
	// Version must exceed the version stored for (owner, installationId).
	Version uint64 `json:"version"`
	// Payer is the 0x address whose receipt chain records the wakeups;
	// empty means the owner.
	Payer string `json:"payer,omitempty"`
}

// Validate checks the shape of r; the node checks the app, the token format
// for the gateway and the version.
func (r *Registration) Validate() error {
	switch {
	case !isAddress(r.Owner):
		return fmt.Errorf("%w: owner must be a 0x address", ErrInvalid)
	case !ValidID(r.InstallationID, MaxInstallationIDLen):
		return fmt.Errorf("%w: installationId must be 1-%d characters of [A-Za-z0-9._:-]", ErrInvalid, MaxInstallationIDLen)
	case r.Gateway != GatewayAPNs && r.Gateway != GatewayFCM:
		return fmt.Errorf("%w: gateway must be %q or %q", ErrInvalid, GatewayAPNs, GatewayFCM)
	case !ValidID(r.AppID, MaxAppIDLen):
		return fmt.Errorf("%w: appId must be 1-%d characters of [A-Za-z0-9._:-]", ErrInvalid, MaxAppIDLen)
	case r.Token == "" || len(r.Token) > MaxTokenLen:
		return fmt.Errorf("%w: token must be 1-%d bytes", ErrInvalid, MaxTokenLen)
	case len(r.APNsTopic) > MaxAPNsTopicLen || (r.APNsTopic != "" && !topicPattern.MatchString(r.APNsTopic)):
		return fmt.Errorf("%w: apnsTopic must be a bundle id", ErrInvalid)
	case r.APNsTopic != "" && r.Gateway != GatewayAPNs:
		return fmt.Errorf("%w: apnsTopic is for the apns gateway", ErrInvalid)
	case r.PushType != "" && r.PushType != PushTypeBackground && r.PushType != PushTypeAlert:
		return fmt.Errorf("%w: pushType must be %q or %q", ErrInvalid, PushTypeBackground, PushTypeAlert)
	case len(r.Topics) > MaxTopics:
		return fmt.Errorf("%w: at most %d topics", ErrInvalid, MaxTopics)
	case r.Version == 0:
		return fmt.Errorf("%w: version must be at least 1", ErrInvalid)
	case r.Payer != "" && !isAddress(r.Payer):
		return fmt.Errorf("%w: payer must be a 0x address", ErrInvalid)
	}
	for _, t := range r.Topics {
		if err := wire.ValidateTopic(t); err != nil {
			return fmt.Errorf("%w: topic: %w", ErrInvalid, err)
		}
	}
	return nil
}

// ValidID reports whether s is 1 to max characters of [A-Za-z0-9._:-].
func ValidID(s string, max int) bool {
	return s != "" && len(s) <= max && idPattern.MatchString(s)
}

func isAddress(s string) bool {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || len(h) != 40 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !isHex(h[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// RegisterResult is the result of pn_registerPush.
type RegisterResult struct {
	InstallationID string `json:"installationId"`
	Version        uint64 `json:"version"`
	// Replaced is true when an earlier registration of the installation
	// was replaced.
	Replaced bool `json:"replaced"`
}

// WakeupToken is the result of pn_wakeupToken.
type WakeupToken struct {
	// Token is the capability: >= 128 random bits, unpadded base64url.
	Token string `json:"token"`
	// Path is where to POST it: /v1/wake/{token}.
	Path string `json:"path"`
}

// Installation is one registration as pn_pushStatus reports it.
type Installation struct {
	InstallationID string   `json:"installationId"`
	Gateway        string   `json:"gateway"`
	AppID          string   `json:"appId"`
	Version        uint64   `json:"version"`
	Topics         int      `json:"topics"`
	WakeupTokens   int      `json:"wakeupTokens"`
	Enabled        bool     `json:"enabled"`
	Disabled       *Disable `json:"disabled,omitempty"`
}

// Disable says why and when the node stopped waking an installation.
type Disable struct {
	// Reason is "dead_token": the push service reported the device token
	// unregistered or invalid. Register again with a fresh token.
	Reason string `json:"reason"`
	// At is unix milliseconds.
	At int64 `json:"at"`
}

// Status is the result of pn_pushStatus and the params of the pn_pushStatus
// notification the node sends after pn_auth when an installation of the
// session's owner was disabled.
type Status struct {
	Installations []Installation `json:"installations"`
}

// App is one app a node can wake.
type App struct {
	AppID   string `json:"appId"`
	Gateway string `json:"gateway"`
	// UpstreamKey is set for apps served in upstream mode: seal the device
	// token to this compressed secp256k1 key (the last hop's node key).
	UpstreamKey wire.Bytes `json:"upstreamKey,omitempty"`
}

// Info is the result of pn_pushInfo.
type Info struct {
	Apps             []App `json:"apps"`
	MaxTopics        int   `json:"maxTopics"`
	CoalesceMs       int64 `json:"coalesceMs"`
	MaxWakeBody      int   `json:"maxWakeBody"`
	MaxWakeTokens    int   `json:"maxWakeTokens"`
	MaxInstallations int   `json:"maxInstallations"`
}

// RelayRequest is the body of POST /v1/relay from a forwarding node to the
// last hop. The forwarding node signs the exact body bytes (see
// RelaySigningHash); the last hop decrypts SealedToken with its node key.
type RelayRequest struct {
	SealedToken []byte `json:"sealedToken"` // base64 in JSON
	Gateway     string `json:"gateway"`
	AppID       string `json:"appId"`
	APNsTopic   string `json:"apnsTopic,omitempty"`
	PushType    string `json:"pushType,omitempty"`
	CollapseID  string `json:"collapseId,omitempty"`
	// ID is the idempotency key (a UUID), reused on every retry.
	ID    string `json:"id"`
	Nonce string `json:"nonce"`
	// Expires is unix milliseconds; 0 means the push service default.
	Expires int64 `json:"expires,omitempty"`
	// Time is the forwarding node's clock, unix milliseconds; the last hop
	// refuses requests too far from its own clock.
	Time int64 `json:"time"`
}

// Relay headers: the forwarding node's compressed public key and its
// signature over RelaySigningHash(body).
const (
	HeaderNodeKey   = "Pn-Node-Key"
	HeaderSignature = "Pn-Signature"
)

// RelaySigningPayload returns the bytes whose keccak256 the forwarding node
// signs: a domain tag and the exact request body.
func RelaySigningPayload(body []byte) []byte {
	out := make([]byte, 0, len(relayDomain)+len(body))
	out = append(out, relayDomain...)
	return append(out, body...)
}

const relayDomain = "pnmarket relay v1\n"

// Receipt outcomes.
const (
	OutcomeDelivered = "delivered" // the push service accepted the wakeup
	OutcomeRelayed   = "relayed"   // the last hop accepted it into its durable queue
	OutcomeDeadToken = "dead_token"
	OutcomeFailed    = "failed" // retries exhausted, refused as malformed, or registration gone
)

// Receipt is one entry of a payer's hash chain. Hash is keccak256 of
// Canonical(); PrevHash is the Hash of the previous receipt (zero for seq 1).
type Receipt struct {
	Payer        string     `json:"payer"`
	Seq          uint64     `json:"seq"`
	Time         int64      `json:"time"`         // unix milliseconds
	Installation wire.Bytes `json:"installation"` // 32 bytes, see docs/protocol.md
	Gateway      string     `json:"gateway"`
	Outcome      string     `json:"outcome"`
	PrevHash     wire.Bytes `json:"prevHash"`
	Hash         wire.Bytes `json:"hash"`
	Sig          BatchSig   `json:"sig"`
}

// BatchSig is the node's signature covering a receipt: the node signs, once
// per commit, the root of a Merkle tree over the receipts of that commit;
// Proof leads from this receipt's leaf to Root.
type BatchSig struct {
	Root wire.Bytes `json:"root"`
	// Index is the receipt's leaf position and Size the number of leaves.
	Index     int          `json:"index"`
	Size      int          `json:"size"`
	Proof     []wire.Bytes `json:"proof"`
	Signature wire.Bytes   `json:"signature"` // 65 bytes [R || S || V], V 0/1
}

const receiptDomain = "pnmarket receipt v1"

// BatchDomain prefixes the root in the signed message:
// signature = secp256k1(keccak256(BatchDomain || root)).
const BatchDomain = "pnmarket receipt batch v1"

// Canonical returns the byte string whose keccak256 is the receipt's hash
// (see AppendCanonical).
func (r *Receipt) Canonical() ([]byte, error) {
	payer, err := decodeHex(r.Payer, 20)
	if err != nil {
		return nil, fmt.Errorf("%w: receipt payer", ErrInvalid)
	}
	if len(r.Installation) != 32 || len(r.PrevHash) != 32 || len(r.Gateway) > 255 || len(r.Outcome) > 255 {
		return nil, fmt.Errorf("%w: receipt field sizes", ErrInvalid)
	}
	return AppendCanonical(nil, payer, r.Seq, r.Time, r.Installation, r.Gateway, r.Outcome, r.PrevHash), nil
}

// AppendCanonical appends a receipt's canonical encoding to dst:
//
//	"pnmarket receipt v1" || payer (20) || seq (8, big-endian) ||
//	time (8, big-endian, unix ms) || installation (32) ||
//	len(gateway) (1) || gateway || len(outcome) (1) || outcome || prevHash (32)
//
// payer is 20 bytes, installation and prevHash 32, gateway and outcome at
// most 255 bytes; the caller checks.
func AppendCanonical(dst, payer []byte, seq uint64, time int64, installation []byte, gateway, outcome string, prevHash []byte) []byte {
	dst = append(dst, receiptDomain...)
	dst = append(dst, payer...)
	dst = binary.BigEndian.AppendUint64(dst, seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(time))
	dst = append(dst, installation...)
	dst = append(dst, byte(len(gateway)))
	dst = append(dst, gateway...)
	dst = append(dst, byte(len(outcome)))
	dst = append(dst, outcome...)
	return append(dst, prevHash...)
}

func decodeHex(s string, n int) ([]byte, error) {
	var b wire.Bytes
	if err := b.UnmarshalText([]byte(s)); err != nil || len(b) != n {
		return nil, ErrInvalid
	}
	return b, nil
}

// Hasher is keccak256 of the concatenation of its arguments.
type Hasher func(data ...[]byte) []byte

// The Merkle leaves are the receipt hashes themselves. They cannot be
// confused with inner nodes: a receipt hash is keccak256 of a string that
// starts with "pnmarket receipt v1", an inner node of one that starts with
// the byte 0x01, and a verifier always recomputes the leaf from a receipt.

// Node is an inner Merkle node: keccak256(0x01 || left || right).
func Node(h Hasher, left, right []byte) []byte { return h([]byte{1}, left, right) }

// MerkleTree returns the root of the tree over the given receipt hashes and
// the proof of each. Levels pair neighbours left to right; an odd last node
// is promoted unchanged to the next level.
func MerkleTree(h Hasher, receiptHashes [][]byte) (root []byte, proofs [][][]byte) {
	n := len(receiptHashes)
	if n == 0 {
		return nil, nil
	}
	level := make([][]byte, n)
	pos := make([]int, n) // position of each leaf's ancestor in the current level
	for i, rh := range receiptHashes {
		level[i] = rh
		pos[i] = i
	}
	proofs = make([][][]byte, n)
	for len(level) > 1 {
		for i := range pos {
			sib := pos[i] ^ 1
			if sib < len(level) {
				proofs[i] = append(proofs[i], level[sib])
			}
			pos[i] /= 2
		}
		level = nextLevel(h, make([][]byte, 0, (len(level)+1)/2), level)
	}
	return level[0], proofs
}

// nextLevel appends to dst the level above level: neighbours paired left
// to right, an odd last node promoted unchanged. dst may be level[:0].
func nextLevel(h Hasher, dst, level [][]byte) [][]byte {
	for j := 0; j < len(level); j += 2 {
		if j+1 < len(level) {
			dst = append(dst, Node(h, level[j], level[j+1]))
		} else {
			dst = append(dst, level[j])
		}
	}
	return dst
}

// MerkleRoot returns MerkleTree's root without building the proofs.
func MerkleRoot(h Hasher, receiptHashes [][]byte) []byte {
	if len(receiptHashes) == 0 {
		return nil
	}
	level := append([][]byte(nil), receiptHashes...)
	for len(level) > 1 {
		level = nextLevel(h, level[:0], level)
	}
	return level[0]
}

// ProofRoot recomputes the root from a receipt hash, its leaf index, the
// number of leaves n and the proof. n tells where a node was promoted
// without a sibling; a wrong n only yields a wrong root.
func ProofRoot(h Hasher, receiptHash []byte, index, n int, proof [][]byte) ([]byte, error) {
	if index < 0 || index >= n {
		return nil, fmt.Errorf("%w: proof index", ErrInvalid)
	}
	cur := receiptHash
	used := 0
	for width := n; width > 1; width = (width + 1) / 2 {
		sib := index ^ 1
		if sib < width {
			if used >= len(proof) {
				return nil, fmt.Errorf("%w: proof too short", ErrInvalid)
			}
			if index&1 == 0 {
				cur = Node(h, cur, proof[used])
			} else {
				cur = Node(h, proof[used], cur)
			}
			used++
		}
		index /= 2
	}
	if used != len(proof) {
		return nil, fmt.Errorf("%w: proof too long", ErrInvalid)
	}
	return cur, nil
}
