package push

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Credit meters wakeups against their payer's signed credit (the market ledger,
// *market.Ledger). It is optional: without it every wakeup is sent.
type Credit interface {
	// ChargeWakeup books one wakeup of owner's installation, whose
	// registration names payer, idempotently by the wakeup's id and its
	// creation time (both stored with the wakeup, so a retry after a
	// restart passes the same). fresh promises that id was never charged
	// before (the ledger then skips its dedup lookup). It returns false
	// when the credit does not cover it: the wakeup is held.
	ChargeWakeup(ctx context.Context, owner, payer common.Address, id string, created time.Time, fresh bool) (bool, error)
	// HasCredit reports whether such a wakeup could be paid now.
	HasCredit(owner, payer common.Address) bool
}

// ErrPaymentRequired reports a wakeup accepted and held until its payer adds
// credit (the server answers 402 with code 40201).
var ErrPaymentRequired = errors.New("push: payment required")

// HeldRecheck is how often a wakeup held for credit asks the ledger again. A
// held wakeup stays in the durable queue (it survives restarts) until it is
// paid for and sent, or until MaxAge.
const HeldRecheck = time.Second

// paid charges j's wakeup before its first send. A retry of a job charged
// by this process is not charged again; a job loaded from the queue after a
// restart is charged idempotently by its id (it may have been charged before
// the crash). It returns false when the job was held for credit and
// rescheduled. Relayed wakeups are paid to the forwarding node and not
// metered here.
func (s *Service) paid(j *job, payer common.Address, now time.Time) bool {
	if s.credit == nil || j.kind == kindRelay || j.charged {
		return true
	}
	ok, err := s.credit.ChargeWakeup(s.ctx, j.owner, payer, j.id, time.UnixMilli(j.created), j.fresh)
	if err == nil && ok {
		j.charged = true
		return true
	}
	if err != nil {
		s.log.Warn("credit check failed; wakeup held", "err", err)
	}
	s.sched.add(now.Add(HeldRecheck).UnixMilli(), j)
	return false
}

// heldError is the error Wake returns for a wakeup queued while its payer has
// no credit: the wakeup waits for credit.
func heldError(id string) error {
	return fmt.Errorf("%w: wakeup %s is held until the payer signs more credit", ErrPaymentRequired, id)
}
