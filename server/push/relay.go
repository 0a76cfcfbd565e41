package push

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// MaxRelayBody caps a relay request body.
const MaxRelayBody = 16 << 10

// forward sends a wakeup for an upstream app to its last hop: POST the
// still-sealed token and the wakeup's fields to the last hop's /v1/relay,
// signed with this node's key. The reply is classified like a push service
// reply: 202 accepted; 410 dead token; 429 quota; 401/403/404 credential or
// configuration; 400/413 malformed; anything else retryable.
func (s *Service) forward(ctx context.Context, t *target, j *job) error {
	up := t.app.Upstream
	req := pushwire.RelayRequest{
		SealedToken: t.sealed,
		Gateway:     t.app.Gateway,
		AppID:       t.app.ID,
		APNsTopic:   t.n.Topic,
		CollapseID:  t.n.CollapseID,
		ID:          t.n.ID,
		Nonce:       t.n.Nonce,
		Expires:     j.expires,
		Time:        s.now().UnixMilli(),
	}
	if t.n.PushType == gateways.Alert {
		req.PushType = pushwire.PushTypeAlert
	}
	body, err := json.Marshal(req)
	if err != nil {
		return &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: err.Error()}
	}
	sig, err := crypto.Sign(keccak(pushwire.RelaySigningPayload(body)), s.key)
	if err != nil {
		return &gateways.RejectedError{Class: gateways.ErrAuth, Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, up.URL, bytes.NewReader(body))
	if err != nil {
		return &gateways.RejectedError{Class: gateways.ErrAuth, Reason: "bad upstream URL"}
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set(pushwire.HeaderNodeKey, "0x"+common.Bytes2Hex(crypto.CompressPubkey(&s.key.PublicKey)))
	hr.Header.Set(pushwire.HeaderSignature, "0x"+common.Bytes2Hex(sig))
	resp, err := up.Client.Do(hr)
	if err != nil {
		return fmt.Errorf("relay to %s: %w: %w", t.app.ID, gateways.ErrRetryable, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	rej := &gateways.RejectedError{Status: resp.StatusCode, Reason: "relay " + resp.Status,
		RetryAfter: gateways.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	switch st := resp.StatusCode; {
	case st == http.StatusAccepted || st == http.StatusOK || st == http.StatusCreated:
		return nil
	case st == http.StatusGone:
		rej.Class = gateways.ErrUnregistered
	case st == http.StatusTooManyRequests:
		rej.Class = gateways.ErrQuota
	case st == http.StatusUnauthorized || st == http.StatusForbidden || st == http.StatusNotFound:
		rej.Class = gateways.ErrAuth
	case st == http.StatusBadRequest || st == http.StatusRequestEntityTooLarge:
		rej.Class = gateways.ErrBadRequest
	default:
		rej.Class = gateways.ErrRetryable
	}
	return rej
}

// Relay accepts a wakeup forwarded by another node for an app this node
// holds the credential of: it checks the node's signature (and the
// allow-list), rate-limits per forwarding node, checks that the sealed token
// opens with this node's key, and queues the wakeup durably. It returns the
// wakeup's idempotency id, the forwarder's.
func (s *Service) Relay(ctx context.Context, nodeKey, signature string, body []byte) (string, error) {
	if len(body) > MaxRelayBody {
		return "", fmt.Errorf("%w: body too large", ErrBadRelay)
	}
	var sig wire.Bytes
	if err := sig.UnmarshalText([]byte(strings.TrimSpace(signature))); err != nil || len(sig) != crypto.SignatureLength {
		return "", fmt.Errorf("%w: %s header must be a 65-byte 0x signature", ErrRelayAuth, pushwire.HeaderSignature)
	}
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	pub, err := crypto.SigToPub(keccak(pushwire.RelaySigningPayload(body)), sig)
	if err != nil {
		return "", ErrRelayAuth
	}
	var claimed wire.Bytes
	if err := claimed.UnmarshalText([]byte(strings.TrimSpace(nodeKey))); err != nil || !bytes.Equal(claimed, crypto.CompressPubkey(pub)) {
		return "", fmt.Errorf("%w: signature does not match %s", ErrRelayAuth, pushwire.HeaderNodeKey)
	}
	from := crypto.PubkeyToAddress(*pub)
	if len(s.allow) > 0 && !s.allow[from] {
		return "", ErrRelayForbidden
	}
	if d, ok := s.relayLimits.allow('n', string(from[:]), s.cfg.RelayRate, s.cfg.RelayBurst); !ok {
		s.metrics.refused.WithLabelValues(refusedRateRelay).Inc()
		return "", &RateError{RetryAfter: d}
	}
	var req pushwire.RelayRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadRelay, err)
	}
	if d := time.Duration(req.Time-s.now().UnixMilli()) * time.Millisecond; d > s.cfg.RelaySkew || d < -s.cfg.RelaySkew {
		return "", ErrRelaySkew
	}
	app := s.apps[req.AppID]
	if app == nil || app.Upstream != nil || app.Gateway != req.Gateway {
		return "", ErrUnknownRelayApp
	}
	switch {
	case !isUUID(req.ID):
		return "", fmt.Errorf("%w: id must be a UUID", ErrBadRelay)
	case req.Nonce == "" || len(req.Nonce) > gateways.MaxNonceLen:
		return "", fmt.Errorf("%w: nonce", ErrBadRelay)
	case len(req.CollapseID) > 64 || len(req.APNsTopic) > pushwire.MaxAPNsTopicLen:
		return "", fmt.Errorf("%w: collapseId or apnsTopic too long", ErrBadRelay)
	case req.PushType != "" && req.PushType != pushwire.PushTypeAlert && req.PushType != pushwire.PushTypeBackground:
		return "", fmt.Errorf("%w: pushType", ErrBadRelay)
	case len(req.SealedToken) <= eciesOverhead || len(req.SealedToken) > eciesOverhead+pushwire.MaxTokenLen:
		return "", fmt.Errorf("%w: sealedToken size", ErrBadRelay)
	}
	h := sha256.Sum256(req.SealedToken)
	if _, closer, err := s.db.Get(deadKey(h)); err == nil {
		closer.Close()
		return "", ErrDeadToken
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return "", fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	tok, err := s.eciesKey.Decrypt(req.SealedToken, nil, nil)
	if err != nil || !validToken(app.Gateway, string(tok)) {
		return "", fmt.Errorf("%w: sealedToken does not open with this node's key to a %s token", ErrBadRelay, app.Gateway)
	}
	j := s.newJob(kindRelay)
	j.id, j.nonce, j.expires = strings.ToLower(req.ID), req.Nonce, req.Expires
	j.from, j.sealed, j.pool = from, req.SealedToken, app.pool
	j.gateway, j.appID, j.apnsTopic, j.pushType, j.collapseID = req.Gateway, req.AppID, req.APNsTopic, req.PushType, req.CollapseID
	if err := s.enqueue(j); err != nil {
		s.countRefusal(err)
		return "", err
	}
	s.metrics.accepted.WithLabelValues(sourceRelay).Inc()
	return j.id, nil
}

// isUUID reports whether s has the canonical 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// isHexAddress reports whether s is a 0x-prefixed 20-byte hex address.
func isHexAddress(s string) bool {
	return strings.HasPrefix(s, "0x") && common.IsHexAddress(s)
}
