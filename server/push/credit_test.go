package push_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// countingCredit pays every wakeup and records each charge.
type countingCredit struct {
	mu    sync.Mutex
	calls []charge
}

type charge struct {
	id      string
	created time.Time
	fresh   bool
}

func (c *countingCredit) ChargeWakeup(_ context.Context, _, _ common.Address, id string, created time.Time, fresh bool) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, charge{id, created, fresh})
	return true, nil
}

func (c *countingCredit) HasCredit(common.Address, common.Address) bool { return true }

func (c *countingCredit) charges() []charge {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]charge(nil), c.calls...)
}

// TestCreditChargedOncePerWakeup: a wakeup retried by the node that created
// it is charged once, as fresh (no dedup lookup needed); one reloaded from
// the queue after a restart is charged with the lookup.
func TestCreditChargedOncePerWakeup(t *testing.T) {
	t.Run("retries", func(t *testing.T) {
		f := newFakes(t)
		cr := &countingCredit{}
		n := newNode(t, f.apps, opts{credit: cr})
		wakeAfterTwoFailures(t, f, n)
		if c := cr.charges(); len(c) != 1 || !c[0].fresh {
			t.Fatalf("charges = %+v, want one fresh charge", c)
		}
	})
	t.Run("restart", func(t *testing.T) {
		f := newFakes(t)
		cr := &countingCredit{}
		dir := t.TempDir()
		n := newNode(t, f.apps, opts{credit: cr, dir: dir, noStart: true})
		owner := newOwner()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		accepted := time.Now()
		n.close(t)
		newNode(t, f.apps, opts{credit: cr, dir: dir, key: n.key})
		if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
			t.Fatal(err)
		}
		if c := cr.charges(); len(c) != 1 || c[0].fresh {
			t.Fatalf("charges = %+v, want one charge with the dedup lookup", c)
		}
		// The ledger finds an earlier charge by the wakeup's id and creation
		// time: the reloaded wakeup carries the time it was accepted.
		if c := cr.charges()[0]; c.created.IsZero() || c.created.After(accepted) {
			t.Fatalf("charged as created at %v, accepted by %v", c.created, accepted)
		}
	})
}
