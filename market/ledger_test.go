package market

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
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
	start   time.Time // the clock at first; the creation time of every wakeup charged
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
	e.start = e.clock
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
	e.openWith(ledgerOptions{flushInterval: flushInterval, flushMaxPending: flushMaxPending})
}

// manualFlush never flushes on its own: only flush, a voucher or collection write, or Close.
var manualFlush = ledgerOptions{flushInterval: time.Hour, flushMaxPending: math.MaxInt}

func (e *ledgerEnv) openWith(o ledgerOptions) {
	e.t.Helper()
	l, err := openLedger(e.dir, e.cfg, e.deps, o)
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
	ok, err := e.l.ChargeWakeup(e.t.Context(), e.addr(), e.addr(), id, e.start, false)
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

// Wakeup charges are stored under their wakeup's creation time: a retry after a restart
// finds its id under that time, the pruning of old ids deletes by range, and ids stored by id
// alone (as every wakeup was before) still count.
func TestLedgerWakeupChargesByTime(t *testing.T) {
	e := newLedgerEnv(t, 100)
	e.cfg.FreeWakeups = 0
	e.l.Close()
	e.open()
	if _, err := e.submit(e.payer, 0, 50); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	charge := func(id string, created time.Time, fresh bool) {
		t.Helper()
		if ok, err := e.l.ChargeWakeup(ctx, e.addr(), e.addr(), id, created, fresh); err != nil || !ok {
			t.Fatal(id, ok, err)
		}
	}
	old, recent := e.clock.Add(-e.cfg.DedupWindow-time.Minute), e.clock.Add(-time.Minute)
	charge("old", old, true)
	charge("recent", recent, true)
	charge("now", e.clock, true)
	// A wakeup charged by an older version: its id under 'd', with its by-time key.
	legacy := binary.BigEndian.AppendUint64(nil, uint64(e.clock.UnixMilli()))
	if err := e.l.db.Set(appendChargeKey(nil, "w:legacy"), legacy, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := e.l.db.Set(append(append([]byte{famByTime}, legacy...), "w:legacy"...), nil, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := e.l.flush(); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]time.Time{"old": old, "recent": recent, "now": e.clock} {
		if got := storedWakes(t, e.l, "w:"+id); len(got) != 1 || got[0] != want.UnixMilli() {
			t.Fatalf("%s stored at %v, want [%d]", id, got, want.UnixMilli())
		}
	}
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening prunes: "old" was created before the dedup window.
	e.open()
	if got := storedWakes(t, e.l, "w:old"); len(got) != 0 {
		t.Fatalf("old id kept past the dedup window at %v", got)
	}
	spent := e.spentMilli()
	// Reloaded wakeups (not fresh) with their creation times: charged once.
	charge("recent", recent, false)
	charge("now", e.clock, false)
	charge("legacy", e.clock, false)
	if got := e.spentMilli(); got != spent {
		t.Fatalf("spent %d after retries, want %d", got, spent)
	}
	// The pruned one is charged again.
	charge("old", old, false)
	if got := e.spentMilli(); got != spent+1000 {
		t.Fatalf("spent %d after the pruned id, want %d", got, spent+1000)
	}
	// Later, both layouts are pruned.
	if err := e.l.flush(); err != nil {
		t.Fatal(err)
	}
	e.clock = e.clock.Add(e.cfg.DedupWindow + time.Hour)
	e.l.pruneDedup(e.clock)
	if n := storedIDs(t, e.l, "w:recent", "w:now", "w:old", "w:legacy"); n != 0 {
		t.Fatalf("%d ids kept past the dedup window", n)
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

// ---------------------------------------------------------------- write-behind

// spentMilli is payer's spend in memory.
func (e *ledgerEnv) spentMilli() int64 {
	e.l.mu.Lock()
	defer e.l.mu.Unlock()
	if a := e.l.accounts[e.addr()]; a != nil {
		return a.SpentMilli.Int64()
	}
	return 0
}

// storedSpentMilli is payer's spend as the store holds it (-1: no account stored).
func (e *ledgerEnv) storedSpentMilli(l *Ledger) int64 {
	e.t.Helper()
	v, closer, err := l.db.Get(append([]byte{famAccount}, e.addr().Bytes()...))
	if errors.Is(err, pebble.ErrNotFound) {
		return -1
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer closer.Close()
	a := newAccount()
	if err := json.Unmarshal(v, a); err != nil {
		e.t.Fatal(err)
	}
	return a.SpentMilli.Int64()
}

// storedIDs counts which of ids the store holds: a wakeup's ("w:" and its id) under its
// creation time, any other under both the charge and the by-time keys.
func storedIDs(t *testing.T, l *Ledger, ids ...string) int {
	t.Helper()
	n := 0
	for _, id := range ids {
		if _, ok := strings.CutPrefix(id, "w:"); ok {
			if len(storedWakes(t, l, id)) > 0 {
				n++
			}
			continue
		}
		v, closer, err := l.db.Get(appendChargeKey(nil, id))
		if errors.Is(err, pebble.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		tk := append(append([]byte{famByTime}, v...), id...)
		closer.Close()
		if _, closer, err := l.db.Get(tk); err != nil {
			t.Fatalf("id %s stored without its by-time key: %v", id, err)
		} else {
			closer.Close()
		}
		n++
	}
	return n
}

// storedWakes returns the creation times (unix ms) under which wakeup charge id is stored.
func storedWakes(t *testing.T, l *Ledger, id string) []int64 {
	t.Helper()
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famWake}, UpperBound: []byte{famWake + 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var at []int64
	for ok := it.First(); ok; ok = it.Next() {
		if k := it.Key(); len(k) > 9 && "w:"+string(k[9:]) == id {
			at = append(at, int64(binary.BigEndian.Uint64(k[1:9])))
		}
	}
	return at
}

func (e *ledgerEnv) pending() int {
	e.l.mu.Lock()
	defer e.l.mu.Unlock()
	return len(e.l.pending) + len(e.l.flushing)
}

// newManualLedger is a ledger env whose flusher writes only when a test says so, with
// freeWakeups free wakeups a day and one signed voucher for signed on lane 0 of an escrow
// holding balance.
func newManualLedger(t *testing.T, balance, freeWakeups, signed int64) *ledgerEnv {
	t.Helper()
	e := newLedgerEnv(t, balance)
	e.cfg.FreeWakeups = freeWakeups
	e.l.Close()
	e.openWith(manualFlush)
	if _, err := e.submit(e.payer, 0, signed); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLedgerDedupAcrossWriteBehind(t *testing.T) {
	e := newManualLedger(t, 1000, 0, 100)
	ctx := t.Context()
	store := func() {
		t.Helper()
		if _, err := e.l.Charge(ctx, e.addr(), Usage{StorageBytes: 1 << 20}, "s:h", true); err != nil {
			t.Fatal(err)
		}
	}
	// Before a flush: the second charge of an id finds it pending, also when
	// the first was booked fresh (without its lookup).
	if ok, err := e.l.ChargeWakeup(ctx, e.addr(), e.addr(), "a", e.start, true); err != nil || !ok {
		t.Fatal(ok, err)
	}
	e.wake("a")
	store()
	store()
	const want = 1000 + 1 // a wakeup, and 1 MiB for a month at 1 per GiB-month (0.977, rounded up)
	if got := e.spentMilli(); got != want {
		t.Fatalf("spent %d before the flush, want %d", got, want)
	}
	if n := storedIDs(t, e.l, "w:a", "s:h"); n != 0 || e.pending() != 2 {
		t.Fatalf("before the flush: %d ids stored, %d pending", n, e.pending())
	}
	if err := e.l.flush(); err != nil {
		t.Fatal(err)
	}
	if n := storedIDs(t, e.l, "w:a", "s:h"); n != 2 || e.pending() != 0 || e.storedSpentMilli(e.l) != want {
		t.Fatalf("after the flush: %d ids stored, %d pending, spent %d stored", n, e.pending(), e.storedSpentMilli(e.l))
	}
	// After it: the store answers.
	e.wake("a")
	store()
	if got := e.spentMilli(); got != want || e.pending() != 0 {
		t.Fatalf("spent %d after the flush (%d pending), want %d", got, e.pending(), want)
	}
	// And after a restart.
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	e.open()
	e.wake("a")
	store()
	if got := e.spentMilli(); got != want {
		t.Fatalf("spent %d after a restart, want %d", got, want)
	}
}

func TestLedgerCloseWritesPendingCharges(t *testing.T) {
	e := newManualLedger(t, 100_000, 2, 50_000)
	var ids []string
	for i := range 300 {
		ids = append(ids, fmt.Sprintf("w:%d", i))
		e.wake(fmt.Sprint(i))
	}
	// A charge without id (a history page) is pending too.
	if _, err := e.l.Charge(t.Context(), e.addr(), Usage{History: 8}, "", true); err != nil {
		t.Fatal(err)
	}
	const want = 298*1000 + 4*500 // 2 free wakeups; 4 free history envelopes
	if got, stored := e.spentMilli(), e.storedSpentMilli(e.l); got != want || stored != 0 {
		t.Fatalf("spent %d in memory, %d stored; want %d, 0", got, stored, want)
	}
	before := e.l.Credit(e.addr())
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.l.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	if _, err := e.l.ChargeWakeup(t.Context(), e.addr(), e.addr(), "late", e.start, false); err == nil {
		t.Fatal("charge after Close")
	}
	e.openWith(manualFlush)
	if n := storedIDs(t, e.l, ids...); n != len(ids) {
		t.Fatalf("%d of %d charge ids stored at Close", n, len(ids))
	}
	after := e.l.Credit(e.addr())
	if got := e.spentMilli(); got != want || amt(after.Spent) != amt(before.Spent) || after.Free != before.Free {
		t.Fatalf("spent %d after reopening, want %d\nbefore %+v\nafter  %+v", got, want, before, after)
	}
	for i := range 300 {
		e.wake(fmt.Sprint(i))
	}
	if got := e.spentMilli(); got != want {
		t.Fatalf("reloaded wakeups charged again: spent %d, want %d", got, want)
	}
	if spent, _, _ := e.l.Totals(); spent.Int64() != amt(before.Spent) {
		t.Fatalf("totals %s, want %d", spent, amt(before.Spent))
	}
}

// TestLedgerCrashLosesChargesWithTheirIDs takes images of the store as a machine crash would
// leave it (the files as written so far, the process still running) and checks that every
// charge is persisted with its id or not at all.
func TestLedgerCrashLosesChargesWithTheirIDs(t *testing.T) {
	e := newManualLedger(t, 1000, 0, 100)
	e.wake("a")
	e.wake("b")
	image := func() string {
		t.Helper()
		// Make what was committed reach the files, as the OS eventually would.
		if err := e.l.db.LogData(nil, pebble.Sync); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "image")
		if err := os.CopyFS(dir, os.DirFS(e.dir)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	reopen := func(dir string) *ledgerEnv {
		t.Helper()
		c := *e
		c.dir, c.notices = dir, nil
		c.open()
		return &c
	}
	pendingImage := image()
	if err := e.l.flush(); err != nil {
		t.Fatal(err)
	}
	e.wake("c") // pending again, with a flushed account
	flushedImage := image()

	// Crash before the flush: both charges and both ids lost; retried, each is charged once.
	c := reopen(pendingImage)
	if c.spentMilli() != 0 || storedIDs(t, c.l, "w:a", "w:b") != 0 {
		t.Fatalf("crash before the flush: spent %d, ids %d", c.spentMilli(), storedIDs(t, c.l, "w:a", "w:b"))
	}
	c.wake("a")
	c.wake("b")
	c.wake("a")
	if c.spentMilli() != 2000 {
		t.Fatalf("retries after the crash: spent %d, want 2000", c.spentMilli())
	}
	c.l.Close()

	// Crash after it: a and b persisted with their ids, c lost with its id.
	c = reopen(flushedImage)
	if c.spentMilli() != 2000 || storedIDs(t, c.l, "w:a", "w:b") != 2 || storedIDs(t, c.l, "w:c") != 0 {
		t.Fatalf("crash after the flush: spent %d", c.spentMilli())
	}
	for _, id := range []string{"a", "b", "c", "c"} {
		c.wake(id)
	}
	if c.spentMilli() != 3000 {
		t.Fatalf("retries after the crash: spent %d, want 3000", c.spentMilli())
	}
	c.l.Close()
}

// TestLedgerAccountWritesCarryPendingCharges: a voucher, a collection or a dropped voucher
// writes the account with its pending charges, so the ids must go in the same batch; and no
// pending charge may be lost or overwritten by them.
func TestLedgerAccountWritesCarryPendingCharges(t *testing.T) {
	e := newManualLedger(t, 1000, 0, 100)
	check := func(step string, spent int64, ids ...string) {
		t.Helper()
		if got, stored := e.spentMilli(), e.storedSpentMilli(e.l); got != spent || stored != spent {
			t.Fatalf("%s: spent %d in memory, %d stored; want %d", step, got, stored, spent)
		}
		if n := storedIDs(t, e.l, ids...); n != len(ids) || e.pending() != 0 {
			t.Fatalf("%s: %d of %d ids stored, %d pending", step, n, len(ids), e.pending())
		}
		// The stored account is the one in memory, lanes included.
		v, closer, err := e.l.db.Get(append([]byte{famAccount}, e.addr().Bytes()...))
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		e.l.mu.Lock()
		mem, err := json.Marshal(e.l.accounts[e.addr()])
		e.l.mu.Unlock()
		if err != nil || string(mem) != string(v) {
			t.Fatalf("%s: stored account\n%s\nin memory\n%s (%v)", step, v, mem, err)
		}
	}
	e.wake("a")
	e.wake("b")
	if _, err := e.submit(e.payer, 1, 10); err != nil {
		t.Fatal(err)
	}
	check("voucher", 2000, "w:a", "w:b")
	e.wake("c")
	if err := e.l.RecordCollected(e.addr(), 1, big.NewInt(4)); err != nil {
		t.Fatal(err)
	}
	check("collection", 3000, "w:a", "w:b", "w:c")
	e.wake("d")
	if err := e.l.DropVoucher(e.addr(), 1, errors.New("signer revoked")); err != nil {
		t.Fatal(err)
	}
	check("drop", 4000, "w:a", "w:b", "w:c", "w:d")
	e.wake("e")
	before := e.l.Credit(e.addr())
	e.l.Close()
	e.open()
	after := e.l.Credit(e.addr())
	if amt(after.Spent) != 5 || amt(after.Signed) != 104 || amt(after.Collected) != 4 || amt(before.Available) != amt(after.Available) {
		t.Fatalf("before %+v\nafter %+v", before, after)
	}
}

func TestLedgerFlusherWrites(t *testing.T) {
	for name, o := range map[string]ledgerOptions{
		"interval":    {flushInterval: time.Millisecond, flushMaxPending: math.MaxInt},
		"max pending": {flushInterval: time.Hour, flushMaxPending: 8},
	} {
		t.Run(name, func(t *testing.T) {
			e := newLedgerEnv(t, 1000)
			e.l.Close()
			e.openWith(o)
			if _, err := e.submit(e.payer, 0, 100); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i := range 8 {
				if !e.wake(fmt.Sprint(i)) {
					t.Fatal("refused")
				}
				ids = append(ids, fmt.Sprintf("w:%d", i))
			}
			for deadline := time.Now().Add(10 * time.Second); storedIDs(t, e.l, ids...) != len(ids); {
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d ids written", storedIDs(t, e.l, ids...), len(ids))
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// TestLedgerConcurrentWriteBehind charges from many goroutines, duplicates included, while the
// flusher writes often and vouchers and collections are written, then checks every charge was
// booked once and persisted.
func TestLedgerConcurrentWriteBehind(t *testing.T) {
	e := newLedgerEnv(t, 1_000_000)
	e.cfg.FreeWakeups = 0
	e.l.Close()
	e.openWith(ledgerOptions{flushInterval: 200 * time.Microsecond, flushMaxPending: 16})
	if _, err := e.submit(e.payer, 0, 100_000); err != nil {
		t.Fatal(err)
	}
	const workers, perWorker = 4, 300
	vouchers := make([]SignedVoucher, 20)
	for i := range vouchers {
		vouchers[i] = e.voucher(e.payer, 1, int64(10+i))
	}
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Workers share ids pairwise: each id is charged twice.
				id := fmt.Sprintf("%d-%d", w/2, i)
				if ok, err := e.l.ChargeWakeup(ctx, e.addr(), e.addr(), id, e.start, false); err != nil || !ok {
					errs <- fmt.Errorf("charge %s: %v %v", id, ok, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i, sv := range vouchers {
			if _, err := e.l.SubmitVoucher(ctx, sv); err != nil {
				errs <- err
				return
			}
			if err := e.l.RecordCollected(e.addr(), 1, big.NewInt(int64(i))); err != nil {
				errs <- err
				return
			}
			e.l.Credit(e.addr())
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	const want = workers / 2 * perWorker * 1000
	if got := e.spentMilli(); got != want {
		t.Fatalf("spent %d, want %d", got, want)
	}
	before := e.l.Credit(e.addr())
	if err := e.l.Close(); err != nil {
		t.Fatal(err)
	}
	e.openWith(manualFlush)
	after := e.l.Credit(e.addr())
	if e.spentMilli() != want || e.storedSpentMilli(e.l) != want || amt(after.Signed) != amt(before.Signed) || amt(after.Collected) != 19 {
		t.Fatalf("after reopening: spent %d (stored %d)\nbefore %+v\nafter  %+v", e.spentMilli(), e.storedSpentMilli(e.l), before, after)
	}
	for w := range workers / 2 {
		for i := range perWorker {
			e.wake(fmt.Sprintf("%d-%d", w, i))
		}
	}
	if got := e.spentMilli(); got != want {
		t.Fatalf("reloaded wakeups charged again: spent %d, want %d", got, want)
	}
}
