package market

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// fakeEscrow is a hand-written EscrowReader.
type fakeEscrow struct {
	mu        sync.Mutex
	balance   *big.Int
	thawing   *big.Int
	collected map[uint64]*big.Int
	signers   map[common.Address]bool
	down      bool
	calls     int
}

func newFakeEscrow(balance int64) *fakeEscrow {
	return &fakeEscrow{balance: big.NewInt(balance), thawing: new(big.Int), collected: map[uint64]*big.Int{}, signers: map[common.Address]bool{}}
}

var errDown = errors.New("connection refused")

func (f *fakeEscrow) Account(context.Context, common.Address, uint64, common.Address) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return Account{}, errDown
	}
	return Account{Balance: new(big.Int).Set(f.balance), Thawing: new(big.Int).Set(f.thawing)}, nil
}

func (f *fakeEscrow) Collected(_ context.Context, _ common.Address, _ uint64, _ common.Address, lane uint64) (*big.Int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return nil, errDown
	}
	if c := f.collected[lane]; c != nil {
		return new(big.Int).Set(c), nil
	}
	return new(big.Int), nil
}

func (f *fakeEscrow) IsAuthorisedSigner(_ context.Context, _, signer common.Address) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return false, errDown
	}
	return f.signers[signer], nil
}

// ledgerEnv is a ledger over a fake escrow with a settable clock and price.
type ledgerEnv struct {
	t       *testing.T
	dir     string
	cfg     LedgerConfig
	deps    LedgerDeps
	esc     *fakeEscrow
	l       *Ledger
	clock   time.Time
	price   Price
	payer   *ecdsa.PrivateKey
	notices []CreditNotice
}

var (
	ledgerToken  = common.HexToAddress("0x00000000000000000000000000000000000000aa")
	ledgerEscrow = common.HexToAddress("0x00000000000000000000000000000000000000ee")
)

func newLedgerEnv(t *testing.T, balance int64) *ledgerEnv {
	t.Helper()
	e := &ledgerEnv{t: t, dir: filepath.Join(t.TempDir(), "ledger"), esc: newFakeEscrow(balance),
		clock: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	e.payer, _ = crypto.GenerateKey()
	// 1 base unit per wakeup, 0.5 per history envelope, 1 per GiB-month.
	e.price = Price{PerKWakeups: big.NewInt(1000), PerKHistory: big.NewInt(500), PerGBMonth: big.NewInt(1)}
	e.cfg = DefaultLedgerConfig()
	e.cfg.FreeWakeups, e.cfg.FreeHistory, e.cfg.FreeStorageBytes = 2, 4, 0
	e.cfg.BlockWakeups = 10
	e.deps = LedgerDeps{
		ProviderID: 7, Token: ledgerToken, Domain: EscrowDomain(big.NewInt(1337), ledgerEscrow),
		Escrow: e.esc, Price: func() Price { return e.price }, Logger: testLog(t),
		Now: func() time.Time { return e.clock },
	}
	e.open()
	return e
}

func (e *ledgerEnv) open() {
	e.t.Helper()
	l, err := OpenLedger(e.dir, e.cfg, e.deps)
	if err != nil {
		e.t.Fatal(err)
	}
	l.Watch(func(n CreditNotice) { e.notices = append(e.notices, n) })
	e.l = l
	e.t.Cleanup(func() { l.Close() })
}

func (e *ledgerEnv) addr() common.Address { return crypto.PubkeyToAddress(e.payer.PublicKey) }

func (e *ledgerEnv) voucher(key *ecdsa.PrivateKey, lane uint64, cum int64) SignedVoucher {
	e.t.Helper()
	v := Voucher{Payer: e.addr(), ProviderID: 7, Token: ledgerToken, Lane: lane, Cumulative: big.NewInt(cum)}
	sig, err := SignVoucher(key, e.deps.Domain, v)
	if err != nil {
		e.t.Fatal(err)
	}
	return SignedVoucher{Voucher: v, Signature: sig}
}

func (e *ledgerEnv) submit(key *ecdsa.PrivateKey, lane uint64, cum int64) (Credit, error) {
	return e.l.SubmitVoucher(e.t.Context(), e.voucher(key, lane, cum))
}

func (e *ledgerEnv) wake(id string) bool {
	e.t.Helper()
	ok, err := e.l.ChargeWakeup(e.t.Context(), e.addr(), e.addr(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

func amt(a *Amount) int64 { return a.Int().Int64() }

func TestLedgerFreeAllowanceThenCredit(t *testing.T) {
	e := newLedgerEnv(t, 100)
	if !e.wake("1") || !e.wake("2") {
		t.Fatal("free wakeups refused")
	}
	if e.l.HasCredit(e.addr(), e.addr()) {
		t.Fatal("HasCredit with the allowance used and nothing signed")
	}
	if e.wake("3") {
		t.Fatal("third wakeup served without credit")
	}
	if len(e.notices) != 1 || e.notices[0].Reason != "held" || e.notices[0].Credit.Held != 1 {
		t.Fatalf("notices: %+v", e.notices)
	}
	if e.wake("3") || len(e.notices) != 1 {
		t.Fatal("a retry of a held wakeup notified again")
	}
	c := e.l.Credit(e.addr())
	if c.Held != 1 || amt(c.NextBlock) != 10 || !c.Low || amt(c.Signed) != 0 {
		t.Fatalf("credit while held: %+v", c)
	}
	if _, err := e.submit(e.payer, 0, 5); err != nil {
		t.Fatal(err)
	}
	if !e.wake("3") {
		t.Fatal("held wakeup refused after a voucher")
	}
	if !e.wake("3") {
		t.Fatal("retried wakeup refused")
	}
	c = e.l.Credit(e.addr())
	if amt(c.Spent) != 1 || amt(c.Available) != 4 || c.Held != 0 || c.Free.Wakeups != 0 {
		t.Fatalf("after one paid wakeup (charged once): %+v", c)
	}
	// The next UTC day brings a fresh allowance.
	e.clock = e.clock.Add(24 * time.Hour)
	if c := e.l.Credit(e.addr()); c.Free.Wakeups != 2 {
		t.Fatalf("allowance next day: %+v", c.Free)
	}
	e.wake("4")
	if c := e.l.Credit(e.addr()); amt(c.Spent) != 1 {
		t.Fatalf("free wakeup was charged: %+v", c)
	}
}

func TestLedgerPersistsWithoutDoubleCounting(t *testing.T) {
	e := newLedgerEnv(t, 100)
	e.cfg.FreeWakeups = 0
	e.l.Close()
	e.open()
	if _, err := e.submit(e.payer, 3, 50); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if !e.wake(id) {
			t.Fatal("refused")
		}
	}
	before := e.l.Credit(e.addr())
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	for _, id := range []string{"a", "b", "c"} { // reloaded wakeups are charged once
		if !e.wake(id) {
			t.Fatal("refused after restart")
		}
	}
	after := e.l.Credit(e.addr())
	if amt(after.Spent) != 3 || amt(after.Signed) != 50 || amt(before.Spent) != 3 || len(after.Lanes) != 1 || after.Lanes[0].Lane != 3 {
		t.Fatalf("before %+v\nafter %+v", before, after)
	}
	// Charge ids are forgotten after the dedup window, not before.
	e.clock = e.clock.Add(e.cfg.DedupWindow + time.Hour)
	e.l.Close()
	e.open()
	e.wake("a")
	if c := e.l.Credit(e.addr()); amt(c.Spent) != 4 {
		t.Fatalf("an id past the dedup window: %+v", c)
	}
}

func TestLedgerVoucherChecks(t *testing.T) {
	e := newLedgerEnv(t, 100)
	other, _ := crypto.GenerateKey()
	device, _ := crypto.GenerateKey()
	ctx := t.Context()
	sign := func(v Voucher, key *ecdsa.PrivateKey, d Domain) SignedVoucher {
		sig, err := SignVoucher(key, d, v)
		if err != nil {
			t.Fatal(err)
		}
		return SignedVoucher{Voucher: v, Signature: sig}
	}
	base := Voucher{Payer: e.addr(), ProviderID: 7, Token: ledgerToken, Lane: 1, Cumulative: big.NewInt(10)}
	for name, tc := range map[string]struct {
		sv   SignedVoucher
		want error
	}{
		"other provider": {sign(Voucher{Payer: e.addr(), ProviderID: 8, Token: ledgerToken, Lane: 1, Cumulative: big.NewInt(10)}, e.payer, e.deps.Domain), ErrVoucherMismatch},
		"other token":    {sign(Voucher{Payer: e.addr(), ProviderID: 7, Token: common.Address{}, Lane: 1, Cumulative: big.NewInt(10)}, e.payer, e.deps.Domain), ErrVoucherMismatch},
		"other domain":   {sign(base, e.payer, EscrowDomain(big.NewInt(1), ledgerEscrow)), ErrUnauthorisedSigner},
		"other signer":   {sign(base, other, e.deps.Domain), ErrUnauthorisedSigner},
		"over escrow":    {sign(Voucher{Payer: e.addr(), ProviderID: 7, Token: ledgerToken, Lane: 1, Cumulative: big.NewInt(101)}, e.payer, e.deps.Domain), ErrInsufficientEscrow},
		"bad signature":  {SignedVoucher{Voucher: base, Signature: make([]byte, 65)}, ErrBadSignature},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := e.l.SubmitVoucher(ctx, tc.sv); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := e.submit(e.payer, 1, 10); err != nil {
		t.Fatal(err)
	}
	if c, err := e.submit(e.payer, 1, 10); err != nil || amt(c.Signed) != 10 {
		t.Fatalf("resubmitting the best voucher: %v %v", c, err)
	}
	if _, err := e.submit(e.payer, 1, 9); !errors.Is(err, ErrVoucherNotIncreasing) {
		t.Fatalf("lower cumulative: %v", err)
	}
	// Lanes add up against the escrow: 10 on lane 1, then 91 on lane 2 is too much.
	if _, err := e.submit(e.payer, 2, 91); !errors.Is(err, ErrInsufficientEscrow) {
		t.Fatalf("lanes over escrow: %v", err)
	}
	// A thaw lowers what may be promised; what was collected on a lane no longer counts.
	e.esc.thawing.SetInt64(50)
	if _, err := e.submit(e.payer, 2, 41); !errors.Is(err, ErrInsufficientEscrow) {
		t.Fatalf("while thawing: %v", err)
	}
	if _, err := e.submit(e.payer, 2, 40); err != nil {
		t.Fatal(err)
	}
	// A collected lane: a voucher at or under the collected counter is worthless.
	e.esc.collected[5] = big.NewInt(20)
	if _, err := e.submit(e.payer, 5, 20); !errors.Is(err, ErrVoucherNotIncreasing) {
		t.Fatalf("at the collected counter: %v", err)
	}
	// An authorised device signer: accepted, and its session spends the payer's credit.
	e.esc.thawing.SetInt64(0)
	e.esc.signers[crypto.PubkeyToAddress(device.PublicKey)] = true
	c, err := e.submit(device, 9, 45)
	if err != nil {
		t.Fatal(err)
	}
	if amt(c.Signed) != 95 {
		t.Fatalf("signed over three lanes: %+v", c)
	}
	dev := crypto.PubkeyToAddress(device.PublicKey)
	if e.l.PayerFor(dev) != e.addr() || !e.l.MaySpend(dev, e.addr()) || e.l.MaySpend(crypto.PubkeyToAddress(other.PublicKey), e.addr()) {
		t.Fatal("device signer not mapped to its payer")
	}
	// The signer check is cached; the chain is not asked again within SignerTTL.
	calls := e.esc.calls
	if _, err := e.submit(device, 9, 46); err != nil {
		t.Fatal(err)
	}
	if e.esc.calls != calls+1 { // only the balance read
		t.Fatalf("chain calls for a cached signer: %d", e.esc.calls-calls)
	}
	// Chain down: refused as unavailable, nothing recorded.
	e.esc.down = true
	if _, err := e.submit(e.payer, 11, 1); !errors.Is(err, ErrChainUnavailable) {
		t.Fatalf("chain down: %v", err)
	}
}

func TestLedgerLowNoticeAndOverdraft(t *testing.T) {
	e := newLedgerEnv(t, 1000)
	e.cfg.FreeWakeups, e.cfg.FreeHistory = 0, 0
	e.l.Close()
	e.open()
	if _, err := e.submit(e.payer, 0, 10); err != nil { // one block of 10 wakeups
		t.Fatal(err)
	}
	for i := range 8 {
		e.wake(string(rune('a' + i)))
	}
	if len(e.notices) != 0 {
		t.Fatalf("notice with 2 of 10 left: %+v", e.notices)
	}
	e.wake("i") // 1 left < 20% of a block
	if len(e.notices) != 1 || e.notices[0].Reason != "low" || !e.notices[0].Credit.Low {
		t.Fatalf("low notice: %+v", e.notices)
	}
	e.wake("j")
	if len(e.notices) != 1 {
		t.Fatal("low notice repeated before a new voucher")
	}
	if _, err := e.submit(e.payer, 0, 20); err != nil {
		t.Fatal(err)
	}
	if c := e.l.Credit(e.addr()); c.Low || amt(c.Available) != 10 {
		t.Fatalf("after topping up: %+v", c)
	}
	// History: a check refuses what the credit cannot cover; an overdraft charge books it anyway.
	if err := e.l.Check(e.addr(), Usage{History: 21}); !errors.Is(err, ErrPaymentRequired) {
		t.Fatalf("check: %v", err)
	}
	if _, err := e.l.Charge(t.Context(), e.addr(), Usage{History: 30}, "", false); !errors.Is(err, ErrPaymentRequired) {
		t.Fatalf("charge without overdraft: %v", err)
	}
	c, err := e.l.Charge(t.Context(), e.addr(), Usage{History: 30}, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if amt(c.Spent) != 25 || amt(c.Available) != 0 || amt(c.NextBlock) != 15 {
		t.Fatalf("overdraft: %+v (next block must cover the 5 owed)", c)
	}
	var pr *PaymentRequiredError
	if err := e.l.Check(e.addr(), Usage{Wakeups: 1}); !errors.As(err, &pr) || amt(pr.Credit.NextBlock) != 15 {
		t.Fatalf("payment required: %v", err)
	}
}

func TestLedgerStorageAndFractions(t *testing.T) {
	e := newLedgerEnv(t, 1000)
	e.cfg.FreeWakeups, e.cfg.FreeHistory, e.cfg.FreeStorageBytes = 0, 0, 1<<20
	e.price = Price{PerKWakeups: big.NewInt(1), PerKHistory: big.NewInt(0), PerGBMonth: big.NewInt(2000)}
	e.l.Close()
	e.open()
	if _, err := e.submit(e.payer, 0, 10); err != nil {
		t.Fatal(err)
	}
	// 999 wakeups at 1 per 1,000 cost 0.999: spent rounds up to 1, but nothing is lost.
	for i := range 999 {
		e.l.Charge(t.Context(), e.addr(), Usage{Wakeups: 1}, "", false)
		_ = i
	}
	c := e.l.Credit(e.addr())
	if amt(c.Spent) != 1 || amt(c.Available) != 9 {
		t.Fatalf("fractions: %+v", c)
	}
	// 1 MiB free, then 1 GiB at 2000 per GiB-month for one month.
	if _, err := e.l.Charge(t.Context(), e.addr(), Usage{StorageBytes: 1 << 20}, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.l.Charge(t.Context(), e.addr(), Usage{StorageBytes: 1 << 30}, "", false); !errors.Is(err, ErrPaymentRequired) {
		t.Fatalf("1 GiB with 9 available: %v", err)
	}
	if _, err := e.l.Charge(t.Context(), e.addr(), Usage{StorageBytes: 1 << 20}, "", false); err != nil { // 1.95
		t.Fatal(err)
	}
	c = e.l.Credit(e.addr())
	if amt(c.Spent) != 3 { // 0.999 + 1.953... = 2.95 -> 3
		t.Fatalf("storage: %+v", c)
	}
}

func TestLedgerConfigValidate(t *testing.T) {
	for name, mod := range map[string]func(*LedgerConfig){
		"threshold": func(c *LedgerConfig) { c.LowThreshold = 1 },
		"block":     func(c *LedgerConfig) { c.BlockWakeups = 0 },
		"free":      func(c *LedgerConfig) { c.FreeWakeups = -1 },
		"dedup":     func(c *LedgerConfig) { c.DedupWindow = time.Minute },
	} {
		c := DefaultLedgerConfig()
		mod(&c)
		if c.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSignedVoucherJSONRoundTrip(t *testing.T) {
	e := newLedgerEnv(t, 100)
	sv := e.voucher(e.payer, 4, 123456789)
	back, err := sv.JSON().SignedVoucher()
	if err != nil || back.Cumulative.Cmp(sv.Cumulative) != 0 || back.Lane != 4 || back.Payer != sv.Payer {
		t.Fatalf("%+v %v", back, err)
	}
	j := sv.JSON()
	j.Voucher.Cumulative = NewAmount(new(big.Int))
	if _, err := j.SignedVoucher(); !errors.Is(err, ErrBadVoucher) {
		t.Fatalf("zero cumulative: %v", err)
	}
}
