package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/wire"
)

// providerLister is what the server needs of the registry cache (*market.RegistryCache).
type providerLister interface {
	Listing() market.Listing
}

// ledger is what the server needs of the credit ledger (*market.Ledger).
type ledger interface {
	SubmitVoucher(ctx context.Context, sv market.SignedVoucher) (market.Credit, error)
	Credit(payer common.Address) market.Credit
	Check(payer common.Address, u market.Usage) error
	Book(ctx context.Context, payer common.Address, u market.Usage, id string, overdraft bool) error
	PayerFor(addr common.Address) common.Address
	MaySpend(addr, payer common.Address) bool
	Watch(fn func(market.CreditNotice))
}

// chainRetryAfter is the Retry-After sent when the chain cannot be read.
const chainRetryAfter = 5 * time.Second

// handleMarket serves pn_providers, pn_credit and pn_submitVoucher.
func (c *session) handleMarket(method string, params json.RawMessage) (any, error) {
	s := c.srv
	switch method {
	case wire.MethodProviders:
		if err := wire.DecodeParams(params); err != nil {
			return nil, err
		}
		if s.providers == nil {
			return nil, errCode(CodeServiceNotEnabled)
		}
		return s.providers.Listing(), nil
	case market.MethodCredit:
		var payer string
		if err := wire.DecodeParams(params, &payer); err != nil {
			return nil, err
		}
		if s.ledger == nil {
			return nil, errCode(CodeServiceNotEnabled)
		}
		who := s.ledger.PayerFor(c.addr)
		if payer != "" {
			if !common.IsHexAddress(payer) {
				return nil, errf(CodeInvalidParams, "payer must be a 0x address")
			}
			who = common.HexToAddress(payer)
			if !s.ledger.MaySpend(c.addr, who) {
				return nil, errf(CodeNotPayer, "credit is readable by its payer and the payer's device signers only")
			}
		}
		return s.ledger.Credit(who), nil
	case market.MethodSubmitVoucher:
		var p market.SignedVoucherJSON
		if err := wire.DecodeParams(params, &p); err != nil {
			return nil, err
		}
		if s.ledger == nil {
			return nil, errCode(CodeServiceNotEnabled)
		}
		// Each voucher costs chain reads: share the history bucket.
		if err := s.limits.allow(limitHistory, c.addrKey, c.ip); err != nil {
			return nil, err
		}
		sv, err := p.SignedVoucher()
		if err != nil {
			return nil, marketError(err)
		}
		cr, err := s.ledger.SubmitVoucher(c.ctx, sv)
		if err != nil {
			return nil, marketError(err)
		}
		return cr, nil
	}
	return nil, errCode(CodeMethodNotFound)
}

// meteredHistory serves pn_history, charging the envelopes served beyond the free allowance
// to the session's payer. A page is refused with 40201 when the payer cannot pay for one
// envelope; a page allowed is charged in full (it may overdraw by at most one page).
func (c *session) meteredHistory(params json.RawMessage) (any, error) {
	s := c.srv
	if s.ledger == nil {
		return c.handleHistory(params)
	}
	payer := s.ledger.PayerFor(c.addr)
	if err := s.ledger.Check(payer, market.Usage{History: 1}); err != nil {
		return nil, marketError(err)
	}
	res, err := c.handleHistory(params)
	if err != nil {
		return res, err
	}
	if page, ok := res.(wire.HistoryResult); ok {
		n := 0
		for i := range page.Envelopes {
			if page.Envelopes[i].Payload != nil {
				n++ // hashes-only results are not charged
			}
		}
		if n > 0 {
			if err := s.ledger.Book(c.ctx, payer, market.Usage{History: int64(n)}, "", true); err != nil {
				c.log.Warn("charging a history page", "err", err)
			}
		}
	}
	return res, nil
}

// meteredPublish serves pn_publish, charging stored bytes beyond the free allowance to the
// session's payer, once per envelope: the store says whether it was new, so the charge needs
// no id of its own (a crash between storing and charging leaves the envelope uncharged, in
// the payer's favour). A publish is refused with 40201 when the payer cannot pay for one byte.
func (c *session) meteredPublish(params json.RawMessage) (any, error) {
	s := c.srv
	if s.ledger == nil {
		return c.handlePublish(params)
	}
	payer := s.ledger.PayerFor(c.addr)
	if err := s.ledger.Check(payer, market.Usage{StorageBytes: 1}); err != nil {
		return nil, marketError(err)
	}
	res, size, err := c.publish(params)
	if err != nil {
		return nil, err
	}
	if res.Stored && !res.Duplicate {
		if err := s.ledger.Book(c.ctx, payer, market.Usage{StorageBytes: size}, "", true); err != nil {
			c.log.Warn("charging a stored envelope", "err", err)
		}
	}
	return res, nil
}

// creditNotice sends pn_creditLow to every session of the payer and of its device signers.
// It runs under the ledger's lock: it only enqueues frames.
func (s *Server) creditNotice(n market.CreditNotice) {
	frame, err := wire.EncodeNotification(market.MethodCreditLow, market.CreditLowParams{Reason: n.Reason, Credit: n.Credit})
	if err != nil {
		return
	}
	to := make(map[common.Address]bool, 1+len(n.Signers))
	to[n.Payer] = true
	for _, a := range n.Signers {
		to[a] = true
	}
	s.mu.Lock()
	var list []*session
	for c := range s.conns {
		if c.authed.Load() && to[c.addr] {
			list = append(list, c)
		}
	}
	s.mu.Unlock()
	for _, c := range list {
		c.send(frame)
	}
}

// handleProviders serves GET /v1/providers: the cached listing as JSON.
func (s *Server) handleProviders(w http.ResponseWriter, _ *http.Request) {
	if s.providers == nil {
		writeHTTPError(w, errCode(CodeServiceNotEnabled))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=15")
	json.NewEncoder(w).Encode(s.providers.Listing())
}

// marketError maps the market's (and the push relay's payment) errors to client codes; other
// errors pass through.
func marketError(err error) error {
	if err == nil {
		return nil
	}
	detail := strings.TrimPrefix(err.Error(), "market: ")
	if pr, ok := errors.AsType[*market.PaymentRequiredError](err); ok {
		return errf(CodePaymentRequired, "%s", strings.TrimPrefix(pr.Error(), "market: "))
	}
	switch {
	case errors.Is(err, push.ErrPaymentRequired):
		return errf(CodePaymentRequired, "%s", strings.TrimPrefix(err.Error(), "push: "))
	case errors.Is(err, market.ErrVoucherMismatch), errors.Is(err, market.ErrBadVoucher), errors.Is(err, market.ErrBadSignature):
		return errf(CodeBadVoucher, "%s", detail)
	case errors.Is(err, market.ErrUnauthorisedSigner):
		return errf(CodeUnauthorisedSigner, "%s", detail)
	case errors.Is(err, market.ErrVoucherNotIncreasing):
		return errf(CodeVoucherNotIncreasing, "%s", detail)
	case errors.Is(err, market.ErrInsufficientEscrow):
		return errf(CodeInsufficientEscrow, "%s", detail)
	case errors.Is(err, market.ErrChainUnavailable):
		return &Error{Code: CodeChainUnavailable, RetryAfter: chainRetryAfter}
	}
	return err
}

// classifyMarket is classify's hook for market and payment errors that reach the boundary
// unmapped (the wake endpoint's held wakeups); nil when err is none of them.
func classifyMarket(err error) *Error {
	if e, ok := errors.AsType[*Error](marketError(err)); ok {
		return e
	}
	return nil
}
