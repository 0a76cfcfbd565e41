package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// pusher is what the server needs of the push relay (*push.Service).
type pusher interface {
	Register(ctx context.Context, owner common.Address, sealed []byte) (pushwire.RegisterResult, error)
	Unregister(ctx context.Context, owner common.Address, installationID string) error
	NewWakeToken(ctx context.Context, owner common.Address, installationID string) (pushwire.WakeupToken, error)
	RevokeWakeToken(ctx context.Context, owner common.Address, token string) error
	Status(ctx context.Context, owner common.Address) (pushwire.Status, error)
	HasDisabled(ctx context.Context, owner common.Address) bool
	Receipts(ctx context.Context, payer common.Address, fromSeq uint64, limit int) ([]pushwire.Receipt, error)
	Info() pushwire.Info
	MaxWakeBody() int
	EnvelopeStored(ctx context.Context, contentTopic string, online func(common.Address) bool) error
	Wake(ctx context.Context, token, ip string, ttl time.Duration) (string, error)
	WakeBatch(ctx context.Context, reqs []push.WakeReq)
	Relay(ctx context.Context, nodeKey, signature string, body []byte) (string, error)
}

// handlePush serves the pn_ push methods.
func (c *session) handlePush(method string, params json.RawMessage) (any, error) {
	s := c.srv
	if s.push == nil {
		return nil, errCode(CodeServiceNotEnabled)
	}
	if method == pushwire.MethodPushInfo {
		if err := wire.DecodeParams(params); err != nil {
			return nil, err
		}
		return s.push.Info(), nil
	}
	switch method {
	case pushwire.MethodRegisterPush, pushwire.MethodUnregisterPush, pushwire.MethodWakeupToken, pushwire.MethodRevokeWakeupToken:
		// Each of these is a synced write: share the history bucket.
		if err := s.limits.allow(limitHistory, c.addrKey, c.ip); err != nil {
			return nil, err
		}
	}
	var res any
	var err error
	switch method {
	case pushwire.MethodRegisterPush:
		var p pushwire.SealedParams
		if err := wire.DecodeParams(params, &p); err != nil {
			return nil, err
		}
		res, err = s.push.Register(c.ctx, c.addr, p.Sealed)
	case pushwire.MethodUnregisterPush:
		var inst string
		if err := wire.DecodeParams(params, &inst); err != nil {
			return nil, err
		}
		res, err = true, s.push.Unregister(c.ctx, c.addr, inst)
	case pushwire.MethodWakeupToken:
		var inst string
		if err := wire.DecodeParams(params, &inst); err != nil {
			return nil, err
		}
		res, err = s.push.NewWakeToken(c.ctx, c.addr, inst)
	case pushwire.MethodRevokeWakeupToken:
		var tok string
		if err := wire.DecodeParams(params, &tok); err != nil {
			return nil, err
		}
		res, err = true, s.push.RevokeWakeToken(c.ctx, c.addr, tok)
	case pushwire.MethodPushStatus:
		if err := wire.DecodeParams(params); err != nil {
			return nil, err
		}
		res, err = s.push.Status(c.ctx, c.addr)
	case pushwire.MethodReceipts:
		var payer string
		var from uint64
		var limit int
		if err := wire.DecodeParams(params, &payer, &from, &limit); err != nil {
			return nil, err
		}
		if !common.IsHexAddress(payer) {
			return nil, errf(CodeInvalidParams, "payer must be a 0x address")
		}
		if common.HexToAddress(payer) != c.addr {
			return nil, errCode(CodeNotPayer)
		}
		res, err = s.push.Receipts(c.ctx, c.addr, from, limit)
	}
	if err != nil {
		return nil, pushError(err)
	}
	return res, nil
}

// pushError maps the push relay's errors to client codes.
func pushError(err error) error {
	detail := strings.TrimPrefix(err.Error(), "push: ")
	if re, ok := errors.AsType[*push.RateError](err); ok {
		msg := "rate limit exceeded for this wakeup token"
		if re.PerIP {
			msg = "rate limit exceeded for this address"
		}
		return &Error{Code: CodeRateLimited, Msg: msg, RetryAfter: re.RetryAfter}
	}
	for _, m := range []struct {
		err    error
		code   Code
		detail bool
	}{
		{push.ErrBadRegistration, CodeBadRegistration, true},
		{push.ErrUnknownApp, CodeUnknownApp, true},
		{push.ErrBadDeviceToken, CodeBadDeviceToken, true},
		{push.ErrStaleVersion, CodeStaleVersion, true},
		{push.ErrUnknownInstallation, CodeUnknownInstallation, false},
		{push.ErrTooManyInstallations, CodeTooManyInstallations, false},
		{push.ErrTooManyWakeTokens, CodeTooManyWakeTokens, false},
		{push.ErrUnknownWakeToken, CodeUnknownWakeToken, false},
		{push.ErrShuttingDown, CodeShuttingDown, false},
		{push.ErrUnavailable, CodePushUnavailable, false},
		{push.ErrBadRelay, CodeBadRelayRequest, true},
		{push.ErrRelayAuth, CodeRelayAuthFailed, true},
		{push.ErrRelayForbidden, CodeRelayForbidden, false},
		{push.ErrUnknownRelayApp, CodeUnknownRelayApp, false},
		{push.ErrDeadToken, CodeDeadDeviceToken, false},
		{push.ErrRelaySkew, CodeTimestampSkew, true},
	} {
		if errors.Is(err, m.err) {
			if m.detail {
				return errf(m.code, "%s", detail)
			}
			return errCode(m.code)
		}
	}
	if errors.Is(err, push.ErrQueueFull) {
		return &Error{Code: CodeQueueFull, RetryAfter: push.QueueFullRetryAfter}
	}
	return err
}

// afterAuth tells a freshly authenticated session, with a pn_pushStatus
// notification, that some of its owner's installations were disabled
// because their device tokens died. It follows the pn_auth response.
func (c *session) afterAuth() {
	s := c.srv
	if s.push == nil || !c.authed.Load() || !s.push.HasDisabled(c.ctx, c.addr) {
		return
	}
	st, err := s.push.Status(c.ctx, c.addr)
	if err != nil {
		c.log.Warn("push status for a new session", "err", err)
		return
	}
	if frame, err := wire.EncodeNotification(pushwire.MethodPushStatus, st); err == nil {
		c.send(frame)
	}
}

// setOnlineLocked counts an authenticated session of addr (delta +1 or -1).
// s.mu is held.
func (s *Server) setOnlineLocked(addr common.Address, delta int) {
	if n := s.online[addr] + delta; n > 0 {
		s.online[addr] = n
	} else {
		delete(s.online, addr)
	}
}

// sessionAuthed records that c authenticated.
func (s *Server) sessionAuthed(c *session) {
	s.mu.Lock()
	s.setOnlineLocked(c.addr, 1)
	s.mu.Unlock()
}

// isOnline reports whether addr has an authenticated session on this node.
func (s *Server) isOnline(addr common.Address) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online[addr] > 0
}

// envelopeStored runs the push topic trigger for a newly stored envelope.
// A wakeup that cannot be queued is counted by the push relay; the
// envelope itself is stored and acknowledged regardless.
func (c *session) envelopeStored(topic string) {
	s := c.srv
	if s.push == nil {
		return
	}
	if err := s.push.EnvelopeStored(c.ctx, topic, s.isOnline); err != nil {
		c.log.Debug("push trigger not queued", "err", err)
	}
}

// handleWake serves POST /v1/wake/{token}, shaped like an RFC 8030 push
// endpoint: 201 Created once the wakeup is durably queued, with its id in
// Location; 404 for an unknown or revoked token; 413 for a body over the
// cap (the body is ignored); 429 and 503 with Retry-After. Plain wake
// requests seldom get here: the wake fast path (wakefront.go) serves them
// with the same decisions (wakeRefusal, runWake, httpErrorParts).
func (s *Server) handleWake(w http.ResponseWriter, r *http.Request) {
	if err := s.wakeRefusal(); err != nil {
		writeHTTPError(w, err)
		return
	}
	if err := readCappedBody(r, s.push.MaxWakeBody()); err != nil {
		writeHTTPError(w, errCode(CodeWakeBodyTooLarge))
		return
	}
	id, ttl, err := runWake(r.Context(), s, r.PathValue("token"), remoteIP(r), r.Header.Get("TTL"))
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	w.Header().Set("Location", wakeLocationPrefix+id)
	w.Header().Set("TTL", strconv.FormatInt(ttl, 10))
	w.WriteHeader(http.StatusCreated)
}

// wakeLocationPrefix is the Location of a queued wakeup, before its id.
const wakeLocationPrefix = "/v1/wake/message/"

// wakeRefusal is the error a wake request gets before its body is read:
// push disabled or the node shutting down.
func (s *Server) wakeRefusal() error {
	if s.push == nil {
		return errCode(CodeServiceNotEnabled)
	}
	if s.closing.Load() {
		return &Error{Code: CodeShuttingDown, RetryAfter: DefaultReconnectAfter}
	}
	return nil
}

// runWake runs a wake request whose body has been read: it checks the TTL
// header's value (ttl, empty when absent), queues the wakeup and returns
// its id and the TTL in whole seconds for the answer, or the error to
// answer with. handleWake and the wake fast path share it, so they answer
// alike; the fast path passes the TTL as bytes, without a copy.
func runWake[T string | []byte](ctx context.Context, s *Server, token, ip string, ttl T) (id string, ttlSecs int64, err error) {
	d, err := wakeTTL(ttl)
	if err != nil {
		return "", 0, err
	}
	id, err = s.push.Wake(ctx, token, ip, d)
	return wakeAnswer(id, d, err)
}

// wakeAnswer is what a wake request is answered with once the relay queued
// it as id with TTL d, or refused it with err.
func wakeAnswer(id string, d time.Duration, err error) (string, int64, error) {
	if err != nil {
		return "", 0, pushError(err)
	}
	return id, int64(d / time.Second), nil
}

// wakeTTL parses a wake request's TTL header value (empty: none).
func wakeTTL[T string | []byte](ttl T) (time.Duration, error) {
	if len(ttl) == 0 {
		return 0, nil
	}
	secs, ok := parseTTLSeconds(ttl)
	if !ok {
		return 0, errf(CodeBadRequest, "TTL must be whole seconds")
	}
	return time.Duration(min(secs, 1<<30)) * time.Second, nil
}

// handleRelay serves POST /v1/relay, where a forwarding node hands this
// node (the last hop) a wakeup for an app whose credential it holds.
func (s *Server) handleRelay(w http.ResponseWriter, r *http.Request) {
	if s.push == nil {
		writeHTTPError(w, errCode(CodeServiceNotEnabled))
		return
	}
	if s.closing.Load() {
		writeHTTPError(w, &Error{Code: CodeShuttingDown, RetryAfter: DefaultReconnectAfter})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, push.MaxRelayBody+1))
	if err != nil || len(body) > push.MaxRelayBody {
		writeHTTPError(w, errf(CodeBadRelayRequest, "body over %d bytes", push.MaxRelayBody))
		return
	}
	id, err := s.push.Relay(r.Context(), r.Header.Get(pushwire.HeaderNodeKey), r.Header.Get(pushwire.HeaderSignature), body)
	if err != nil {
		writeHTTPError(w, pushError(err))
		return
	}
	w.Header().Set("Location", "/v1/wake/message/"+id)
	w.WriteHeader(http.StatusAccepted)
}

// readCappedBody discards a request body, failing when it exceeds max.
func readCappedBody(r *http.Request, max int) error {
	if r.ContentLength > int64(max) {
		return errors.New("body too large")
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, int64(max)+1))
	if err != nil {
		return err
	}
	if n > int64(max) {
		return errors.New("body too large")
	}
	return nil
}

// remoteIP is the IP address of a request's client.
func remoteIP(r *http.Request) string { return addrIP(r.RemoteAddr) }

// addrIP is the host part of a host:port address, or addr when it has
// none.
func addrIP(addr string) string {
	ip, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return ip
}

// writeHTTPError answers a plain HTTP request with the error's stable code:
// the HTTP status is the code's first three digits, and the body is
// {"error":{"code":...,"message":...}}, with Retry-After when set.
func writeHTTPError(w http.ResponseWriter, err error) {
	status, retryAfter, body := httpErrorParts(err)
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// httpErrorParts is the status, Retry-After seconds (0: none) and JSON body
// of writeHTTPError's answer to err, which the wake fast path writes too.
func httpErrorParts(err error) (status, retryAfter int, body []byte) {
	we := toWire(err)
	status = we.Data.Code / 100
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(map[string]any{"error": map[string]any{"code": we.Data.Code, "message": we.Message}})
	return status, we.Data.RetryAfter, b.Bytes()
}
