package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// publicMethods may be called before authentication.
var publicMethods = map[string]bool{
	wire.MethodAuth:         true,
	wire.MethodNodeInfo:     true,
	pushwire.MethodPushInfo: true,
	wire.MethodProviders:    true,
}

// authedMethods need an authenticated session.
var authedMethods = map[string]bool{
	wire.MethodPublish:     true,
	wire.MethodSubscribe:   true,
	wire.MethodUnsubscribe: true,
	wire.MethodHistory:     true,

	pushwire.MethodRegisterPush:      true,
	pushwire.MethodUnregisterPush:    true,
	pushwire.MethodWakeupToken:       true,
	pushwire.MethodRevokeWakeupToken: true,
	pushwire.MethodPushStatus:        true,
	pushwire.MethodReceipts:          true,

	market.MethodCredit:        true,
	market.MethodSubmitVoucher: true,
}

// call validates and dispatches one request.
func (c *session) call(r *wire.Request) outcome {
	if err := r.Check(); err != nil {
		return outcome{err: err}
	}
	if !publicMethods[r.Method] && !authedMethods[r.Method] {
		return outcome{err: errf(CodeMethodNotFound, "method %q not found", truncate(r.Method, wire.MaxMethodLen))}
	}
	if authedMethods[r.Method] && !c.authed.Load() {
		return outcome{err: errCode(CodeAuthRequired)}
	}
	var res any
	var err error
	switch r.Method {
	case wire.MethodAuth:
		res, err = c.handleAuth(r.Params)
	case wire.MethodNodeInfo:
		res, err = c.srv.nodeInfo(), nil
	case wire.MethodPublish:
		res, err = c.meteredPublish(r.Params)
	case wire.MethodSubscribe:
		res, err = c.handleSubscribe(r.Params)
	case wire.MethodUnsubscribe:
		res, err = c.handleUnsubscribe(r.Params)
	case wire.MethodHistory:
		res, err = c.meteredHistory(r.Params)
	case wire.MethodProviders, market.MethodCredit, market.MethodSubmitVoucher:
		res, err = c.handleMarket(r.Method, r.Params)
	default:
		res, err = c.handlePush(r.Method, r.Params)
	}
	return outcome{result: res, err: err}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// handleAuth checks the EIP-191 signature over this connection's challenge.
// The client names the address it signs for; a signature replayed from
// another connection recovers to a different address and is refused.
func (c *session) handleAuth(params json.RawMessage) (any, error) {
	var p wire.AuthParams
	if err := wire.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if c.authed.Load() {
		return nil, errCode(CodeAlreadyAuthed)
	}
	if len(p.Signature) != crypto.SignatureLength || !common.IsHexAddress(p.Address) {
		return nil, errf(CodeAuthFailed, "want a 65-byte signature and the signing address")
	}
	msg := wire.AuthMessage(c.nonce, c.srv.nodeKey, c.srv.cfg.ChainID)
	addr, err := recoverPersonal(msg, p.Signature)
	if err != nil || addr != common.HexToAddress(p.Address) {
		c.srv.metrics.auth.WithLabelValues("fail").Inc()
		return nil, errCode(CodeAuthFailed)
	}
	c.addr = addr
	c.addrKey = addr.Hex()
	c.authed.Store(true)
	c.srv.sessionAuthed(c)
	c.keepAlive()
	c.srv.metrics.auth.WithLabelValues("ok").Inc()
	c.log.Debug("session authenticated", "peer", addr.Hex()[:10])
	return wire.AuthResult{Address: c.addrKey, Session: c.id}, nil
}

// recoverPersonal recovers the signer of an EIP-191 personal message. It
// accepts v as 0/1 or 27/28 and refuses malleable (high-s) signatures.
func recoverPersonal(msg, sig []byte) (common.Address, error) {
	s := make([]byte, len(sig))
	copy(s, sig)
	if s[64] >= 27 {
		s[64] -= 27
	}
	r, ss := new(big.Int).SetBytes(s[:32]), new(big.Int).SetBytes(s[32:64])
	if !crypto.ValidateSignatureValues(s[64], r, ss, true) {
		return common.Address{}, fmt.Errorf("invalid signature values")
	}
	pub, err := crypto.SigToPub(accounts.TextHash(msg), s)
	if err != nil {
		return common.Address{}, err
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// nodeInfo is the public description of this node.
func (s *Server) nodeInfo() wire.NodeInfo {
	services := []string{"store"}
	if s.push != nil {
		services = append(services, "push")
	}
	return wire.NodeInfo{
		Version:    s.cfg.Version,
		NodeKey:    s.nodeKey,
		ChainID:    s.cfg.ChainID,
		ProviderID: s.cfg.ProviderID,
		Services:   services,
		MaxPayload: s.cfg.MaxPayload,
		MaxSkewMs:  s.cfg.MaxSkew.Milliseconds(),
		MaxLimit:   s.cfg.HistoryMaxLimit,
		Time:       s.now().UnixNano(),
	}
}

// handleSubscribe adds a live subscription for the session.
func (c *session) handleSubscribe(params json.RawMessage) (any, error) {
	var p wire.SubscribeParams
	if err := wire.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var idb [16]byte
	rand.Read(idb[:])
	sub := &subscription{id: "0x" + hex.EncodeToString(idb[:]), sess: c, topics: dedupe(p.ContentTopics), pubsub: p.PubsubTopic}
	c.subMu.Lock()
	if len(c.subs) >= c.srv.cfg.MaxSubsPerSession {
		c.subMu.Unlock()
		return nil, errCode(CodeTooManySubs)
	}
	if c.subs == nil {
		c.subs = make(map[string]*subscription)
	}
	c.subs[sub.id] = sub
	c.subMu.Unlock()
	c.srv.hub.add(sub)
	return sub.id, nil
}

// handleUnsubscribe removes one subscription by id.
func (c *session) handleUnsubscribe(params json.RawMessage) (any, error) {
	var id string
	if err := wire.DecodeParams(params, &id); err != nil {
		return nil, err
	}
	c.subMu.Lock()
	sub, ok := c.subs[id]
	delete(c.subs, id)
	c.subMu.Unlock()
	if !ok {
		return nil, errCode(CodeUnknownSub)
	}
	c.srv.hub.remove(sub)
	return true, nil
}

func dedupe(ts []string) []string {
	seen := make(map[string]bool, len(ts))
	out := ts[:0:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// checkSkew refuses timestamps too far from the node clock.
func (s *Server) checkSkew(ts int64) error {
	d := time.Duration(ts - s.now().UnixNano())
	if d > s.cfg.MaxSkew || d < -s.cfg.MaxSkew {
		return errf(CodeTimestampSkew, "timestamp is %v from the node clock (max %v)", d.Round(time.Millisecond), s.cfg.MaxSkew)
	}
	return nil
}
