package market

import (
	"crypto/ecdsa"
	"errors"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"go.uber.org/goleak"
)

// collectEnv is a registered provider (account 1) with a ledger and a collector on a dev chain.
type collectEnv struct {
	*mkt
	id  uint64
	l   *Ledger
	col *Collector
	cfg CollectorConfig
}

func newCollectEnv(t *testing.T, cfg CollectorConfig) *collectEnv {
	t.Helper()
	m := newMkt(t, 5)
	e := &collectEnv{mkt: m, cfg: cfg}
	e.id = m.register(1, 1000, "ws://p.example/ws")
	lcfg := DefaultLedgerConfig()
	lcfg.FreeWakeups = 0
	l, err := OpenLedger(filepath.Join(t.TempDir(), "ledger"), lcfg, LedgerDeps{
		ProviderID: e.id, Token: m.dm.Addresses.Token, Domain: m.c.Domain(), Escrow: m.c,
		Price: func() Price { return Price{PerKWakeups: big.NewInt(1000)} }, Logger: testLog(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	e.l = l
	e.col, err = NewCollector(cfg, CollectorDeps{
		Ledger: l, Chain: m.c, Operator: m.dm.Transactor(1), GasPrice: m.dm.Backend().SuggestGasPrice,
		Head: m.dm.Backend(), Logger: testLog(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *collectEnv) deposit(i int, amount int64) {
	e.t.Helper()
	if _, err := e.c.Deposit(e.t.Context(), e.dm.Transactor(i), e.id, e.dm.Addresses.Token, big.NewInt(amount)); err != nil {
		e.t.Fatal(err)
	}
}

// sign has account i (or key, when set) sign for account i's payer on lane.
func (e *collectEnv) sign(i int, key *ecdsa.PrivateKey, lane uint64, cum int64) SignedVoucher {
	e.t.Helper()
	v := Voucher{Payer: e.dm.Address(i), ProviderID: e.id, Token: e.dm.Addresses.Token, Lane: lane, Cumulative: big.NewInt(cum)}
	k := e.dm.Keys[i]
	if key != nil {
		k = key
	}
	sig, err := SignVoucher(k, e.c.Domain(), v)
	if err != nil {
		e.t.Fatal(err)
	}
	sv := SignedVoucher{Voucher: v, Signature: sig}
	if _, err := e.l.SubmitVoucher(e.t.Context(), sv); err != nil {
		e.t.Fatal(err)
	}
	return sv
}

func (e *collectEnv) escrowBalance(i int) int64 {
	e.t.Helper()
	a, err := e.c.Account(e.t.Context(), e.dm.Address(i), e.id, e.dm.Addresses.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return a.Balance.Int64()
}

func (e *collectEnv) tokenBalance(i int) *big.Int {
	e.t.Helper()
	b, err := e.c.BalanceOf(e.t.Context(), e.dm.Addresses.Token, e.dm.Address(i))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func TestCollectorThresholdAndThaw(t *testing.T) {
	cfg := DefaultCollectorConfig()
	cfg.GasMultiple = 1e30 // the gas threshold is never met unless lowered
	cfg.ThawMargin = 3 * time.Hour
	e := newCollectEnv(t, cfg)
	ctx := t.Context()
	operator0 := e.tokenBalance(1)
	e.deposit(2, 1000)
	e.deposit(3, 500)
	e.sign(2, nil, 0, 300)
	e.sign(3, nil, 1, 200)

	rep, err := e.col.Run(ctx, false)
	if err != nil || rep.Txs != 0 {
		t.Fatalf("below threshold, no thaw: %+v %v", rep, err)
	}
	// Payer 3 starts a thaw that ends within the margin: only its voucher is collected.
	if _, err := e.c.Thaw(ctx, e.dm.Transactor(3), e.id, e.dm.Addresses.Token, big.NewInt(100)); err != nil {
		t.Fatal(err)
	}
	rep, err = e.col.Run(ctx, false)
	if err != nil || rep.Reason != "thaw" || rep.Vouchers != 1 || rep.Paid.Int64() != 200 {
		t.Fatalf("thaw round: %+v %v", rep, err)
	}
	if got := e.escrowBalance(3); got != 300 {
		t.Fatalf("payer 3 escrow: %d", got)
	}
	// A cheap threshold collects the rest in one batch.
	e.col.cfg.GasMultiple = 0
	rep, err = e.col.Run(ctx, false)
	if err != nil || rep.Reason != "threshold" || rep.Vouchers != 1 || rep.Paid.Int64() != 300 {
		t.Fatalf("threshold round: %+v %v", rep, err)
	}
	// A later voucher on a lane pays only the difference.
	e.sign(2, nil, 0, 450)
	if rep, err = e.col.Run(ctx, false); err != nil || rep.Paid.Int64() != 150 {
		t.Fatalf("top-up round: %+v %v", rep, err)
	}
	if rep, err = e.col.Run(ctx, false); err != nil || rep.Txs != 0 {
		t.Fatalf("nothing owed: %+v %v", rep, err)
	}
	// Chain and ledger agree to the unit.
	_, signed, collected := e.l.Totals()
	received := new(big.Int).Sub(e.tokenBalance(1), operator0)
	drained := (1000 - e.escrowBalance(2)) + (500 - e.escrowBalance(3))
	if collected.Int64() != 650 || signed.Int64() != 650 || received.Int64() != 650 || drained != 650 {
		t.Fatalf("ledger collected %v signed %v, operator received %v, escrows drained %d", collected, signed, received, drained)
	}
}

func TestCollectorSkipsAndDrops(t *testing.T) {
	cfg := DefaultCollectorConfig()
	e := newCollectEnv(t, cfg)
	ctx := t.Context()
	e.deposit(2, 1000)
	e.deposit(3, 1000)
	// Payer 2's voucher gets collected behind the collector's back (a run whose wait was cut).
	sv := e.sign(2, nil, 0, 100)
	if _, _, err := e.c.Collect(ctx, e.dm.Transactor(1), sv); err != nil {
		t.Fatal(err)
	}
	// Payer 3 authorises a device key, which signs; the key is then revoked and the delay passes.
	dev, _ := crypto.GenerateKey()
	if _, err := e.c.AuthoriseSigner(ctx, e.dm.Transactor(3), crypto.PubkeyToAddress(dev.PublicKey)); err != nil {
		t.Fatal(err)
	}
	e.sign(3, dev, 5, 70)
	v := Voucher{Payer: e.dm.Address(4), ProviderID: e.id, Token: e.dm.Addresses.Token, Cumulative: big.NewInt(1)}
	sig, _ := SignVoucher(e.dm.Keys[4], e.c.Domain(), v)
	if _, err := e.l.SubmitVoucher(ctx, SignedVoucher{Voucher: v, Signature: sig}); !errors.Is(err, ErrInsufficientEscrow) {
		t.Fatalf("voucher without a deposit: %v", err)
	}
	if _, err := e.c.RevokeSigner(ctx, e.dm.Transactor(3), crypto.PubkeyToAddress(dev.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if err := e.dm.AdjustTime(mktParams().RevokeDelay + time.Minute); err != nil {
		t.Fatal(err)
	}
	rep, err := e.col.Run(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dropped != 1 || rep.Skipped != 1 || rep.Vouchers != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if cl := e.l.Claims(); len(cl) != 0 {
		t.Fatalf("claims left: %+v", cl)
	}
	c := e.l.Credit(e.dm.Address(2))
	if amt(c.Collected) != 100 {
		t.Fatalf("collected counter learnt from the chain: %+v", c)
	}
	if c := e.l.Credit(e.dm.Address(3)); amt(c.Signed) != 0 {
		t.Fatalf("dropped voucher still counted as credit: %+v", c)
	}
}

func TestCollectorLoopNoLeak(t *testing.T) {
	e := newCollectEnv(t, func() CollectorConfig {
		c := DefaultCollectorConfig()
		c.Interval, c.ThawMargin, c.GasMultiple = 10*time.Millisecond, time.Hour, 0
		return c
	}())
	e.deposit(2, 100)
	e.sign(2, nil, 0, 10)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	e.col.Start()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.l.Claims()) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("loop never collected")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := e.col.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCollectorConfigValidate(t *testing.T) {
	c := DefaultCollectorConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.ThawMargin = time.Second
	if c.Validate() == nil {
		t.Fatal("thaw margin below the interval accepted")
	}
	if _, err := NewCollector(DefaultCollectorConfig(), CollectorDeps{}); err == nil {
		t.Fatal("missing deps accepted")
	}
}
