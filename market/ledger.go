package market

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for LedgerConfig.
const (
	// DefaultFreeWakeups is the wakeups per payer per UTC day served without credit.
	DefaultFreeWakeups = 100
	// DefaultFreeHistory is the history envelopes per payer per UTC day served without credit.
	DefaultFreeHistory = 10_000
	// DefaultFreeStorageBytes is the envelope bytes per payer per UTC day stored without credit.
	DefaultFreeStorageBytes = 10 << 20
	// DefaultStorageMonths is how many months of retention a stored byte is billed for.
	DefaultStorageMonths = 1.0
	// DefaultLowThreshold: the client is told to sign the next block once this fraction of a
	// block is used up (less than 1-threshold of a block left).
	DefaultLowThreshold = 0.8
	// DefaultBlockWakeups sizes the suggested prepaid block: the price of this many wakeups.
	DefaultBlockWakeups = 1000
	// DefaultSignerTTL is how long an on-chain signer authorisation is cached. It must stay well
	// below the escrow's revoke delay, during which a revoked signer's vouchers stay collectable.
	DefaultSignerTTL = time.Minute
	// DefaultDedupWindow is how long charge ids are remembered, so a retried or reloaded wakeup
	// is never charged twice. It exceeds the push relay's maximum wakeup age.
	DefaultDedupWindow = 48 * time.Hour
)

// LedgerConfig configures the credit ledger. It never changes after OpenLedger.
type LedgerConfig struct {
	FreeWakeups      int64
	FreeHistory      int64
	FreeStorageBytes int64
	StorageMonths    float64
	LowThreshold     float64
	BlockWakeups     int64
	SignerTTL        time.Duration
	DedupWindow      time.Duration
}

// DefaultLedgerConfig returns the production defaults.
func DefaultLedgerConfig() LedgerConfig {
	return LedgerConfig{
		FreeWakeups:      DefaultFreeWakeups,
		FreeHistory:      DefaultFreeHistory,
		FreeStorageBytes: DefaultFreeStorageBytes,
		StorageMonths:    DefaultStorageMonths,
		LowThreshold:     DefaultLowThreshold,
		BlockWakeups:     DefaultBlockWakeups,
		SignerTTL:        DefaultSignerTTL,
		DedupWindow:      DefaultDedupWindow,
	}
}

// Validate checks the settings.
func (c LedgerConfig) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.FreeWakeups >= 0 && c.FreeHistory >= 0 && c.FreeStorageBytes >= 0, "ledger-free-*: must not be negative")
	check(c.StorageMonths >= 0 && c.StorageMonths <= 1200, "ledger-storage-months: %v not in [0, 1200]", c.StorageMonths)
	check(c.LowThreshold > 0 && c.LowThreshold < 1, "ledger-low-threshold: %v not in (0, 1)", c.LowThreshold)
	check(c.BlockWakeups >= 1, "ledger-block-wakeups: must be >= 1")
	check(c.SignerTTL >= 0 && c.SignerTTL <= time.Hour, "ledger-signer-ttl: %v not in [0, 1h]", c.SignerTTL)
	check(c.DedupWindow >= time.Hour, "ledger-dedup-window: %v below 1h", c.DedupWindow)
	return errors.Join(errs...)
}

// Errors of the ledger. Each comes wrapped with detail; branch with errors.Is.
var (
	// ErrPaymentRequired reports usage beyond the free allowance with too little signed credit.
	// The error is a *PaymentRequiredError that says what to sign.
	ErrPaymentRequired = errors.New("market: payment required")
	// ErrVoucherMismatch reports a voucher for another provider or token.
	ErrVoucherMismatch = errors.New("market: voucher is for another provider or token")
	// ErrVoucherNotIncreasing reports a voucher whose cumulative is not above the lane's best.
	ErrVoucherNotIncreasing = errors.New("market: voucher cumulative does not increase")
	// ErrInsufficientEscrow reports vouchers promising more than the payer's escrow holds.
	ErrInsufficientEscrow = errors.New("market: vouchers exceed the payer's escrow balance")
	// ErrChainUnavailable reports that the chain could not be read to check a voucher.
	ErrChainUnavailable = errors.New("market: chain unavailable")
)

// PaymentRequiredError is ErrPaymentRequired with what the payer must sign.
type PaymentRequiredError struct {
	Kind   string // "wakeup", "history" or "storage"
	Credit Credit // the payer's credit; NextBlock says how much more to sign
}

func (e *PaymentRequiredError) Error() string {
	return fmt.Sprintf("market: payment required for %s: payer %s has %s available; sign a voucher raising its lane's cumulative by %s (see pn_credit)",
		e.Kind, e.Credit.Payer.Hex(), e.Credit.Available, e.Credit.NextBlock)
}

// Is matches ErrPaymentRequired.
func (e *PaymentRequiredError) Is(target error) bool { return target == ErrPaymentRequired }

// EscrowReader is what the ledger reads from the chain; *Chain satisfies it.
type EscrowReader interface {
	Account(ctx context.Context, payer common.Address, providerID uint64, token common.Address) (Account, error)
	Collected(ctx context.Context, payer common.Address, providerID uint64, token common.Address, lane uint64) (*big.Int, error)
	IsAuthorisedSigner(ctx context.Context, payer, signer common.Address) (bool, error)
}

// LedgerDeps are the ledger's collaborators.
type LedgerDeps struct {
	// ProviderID and Token are this provider's id and payment token: vouchers must name them.
	ProviderID uint64
	Token      common.Address
	// Domain is the escrow's EIP-712 domain vouchers are signed in.
	Domain Domain
	// Escrow reads balances, collected counters and signer authorisations. Required.
	Escrow EscrowReader
	// Price returns this provider's price in force; required.
	Price func() Price
	// Logger is required.
	Logger *slog.Logger
	// Registry receives the metrics; nil means none.
	Registry prometheus.Registerer
	// Now is the clock (free-allowance days, caches); nil means time.Now.
	Now func() time.Time
}

// Usage is metered service use.
type Usage struct {
	Wakeups      int64 // push wakeups sent
	History      int64 // history envelopes served
	StorageBytes int64 // envelope bytes stored
}

func (u Usage) kind() string {
	switch {
	case u.Wakeups > 0:
		return "wakeup"
	case u.History > 0:
		return "history"
	}
	return "storage"
}

// Credit is a payer's state on this provider (the pn_credit result). Amounts are in base units
// of the provider's payment token.
type Credit struct {
	Payer      common.Address `json:"payer"`
	ProviderID uint64         `json:"providerId"`
	Token      common.Address `json:"token"`
	// Spent is what metered use beyond the free allowance has cost so far (rounded up).
	Spent *Amount `json:"spent"`
	// Signed is the sum over lanes of the highest cumulative voucher received.
	Signed *Amount `json:"signed"`
	// Available is Signed - Spent (never negative).
	Available *Amount `json:"available"`
	// Collected is what the provider has collected on chain from these vouchers.
	Collected *Amount `json:"collected"`
	// NextBlock is the suggested increase of the next voucher's cumulative (a prepaid block,
	// covering any overdraft).
	NextBlock *Amount `json:"nextBlock"`
	// Low is set when less than (1 - threshold) of a block is left: sign the next block now.
	Low bool `json:"low"`
	// Held counts wakeups waiting for credit.
	Held int `json:"held"`
	// Price is the provider's price in force.
	Price PriceJSON `json:"price"`
	// Free is what is left of today's free allowance (UTC day).
	Free FreeAllowance `json:"free"`
	// Lanes are the best vouchers per lane.
	Lanes []LaneCredit `json:"lanes"`
}

// FreeAllowance is the free use left today.
type FreeAllowance struct {
	Wakeups      int64 `json:"wakeups"`
	History      int64 `json:"history"`
	StorageBytes int64 `json:"storageBytes"`
}

// LaneCredit is one lane's best voucher and what was collected from it.
type LaneCredit struct {
	Lane       uint64         `json:"lane"`
	Cumulative *Amount        `json:"cumulative"`
	Collected  *Amount        `json:"collected"`
	Signer     common.Address `json:"signer"`
}

// CreditNotice tells the payer's sessions to sign the next block (pn_creditLow).
type CreditNotice struct {
	// Payer and Signers: deliver to sessions of the payer and of its device signers.
	Payer   common.Address
	Signers []common.Address
	Reason  string // "low" (less than 1-threshold of a block left) or "held" (a wakeup waits)
	Credit  Credit
}

// Claim is the best voucher of one lane and what is still owed on it; the collector's input.
type Claim struct {
	Voucher SignedVoucher
	Owed    *big.Int
}

// laneState is one lane of an account; persisted.
type laneState struct {
	Cumulative *big.Int       `json:"cumulative"`
	Signature  HexBytes       `json:"signature"`
	Signer     common.Address `json:"signer"`
	Collected  *big.Int       `json:"collected"` // on-chain collected counter as last known
}

// account is a payer's ledger state; persisted as JSON under 'a' || payer.
type account struct {
	SpentMilli  *big.Int              `json:"spentMilli"` // metered cost in 1/1000 base units
	Day         int64                 `json:"day"`        // UTC day of the free counters
	FreeWakeups int64                 `json:"freeWakeups"`
	FreeHistory int64                 `json:"freeHistory"`
	FreeStorage int64                 `json:"freeStorage"`
	Lanes       map[uint64]*laneState `json:"lanes"`
	Signers     []common.Address      `json:"signers,omitempty"` // device keys whose vouchers were accepted

	low  bool                 // a low notice was sent and no voucher came since; in memory
	held map[string]time.Time // wakeup ids refused for credit; in memory
}

func newAccount() *account {
	return &account{SpentMilli: new(big.Int), Lanes: make(map[uint64]*laneState)}
}

// signedMilli returns the sum over lanes of the best cumulative, in 1/1000 units.
func (a *account) signedMilli() *big.Int {
	s := new(big.Int)
	for _, l := range a.Lanes {
		s.Add(s, l.Cumulative)
	}
	return s.Mul(s, big1000)
}

var big1000 = big.NewInt(1000)

// Ledger is the per-payer credit ledger of one provider: it meters wakeups, history and storage
// against a free daily allowance and then against credit the payer signed with cumulative
// vouchers (prepaid blocks), checks vouchers as the Escrow will, tells payers when to sign the
// next block, and hands the best vouchers to the collector. State lives in a pebble store;
// charges carry ids so that nothing is counted twice across retries and restarts.
//
// It is safe for concurrent use. It starts no goroutines.
type Ledger struct {
	cfg    LedgerConfig     // static after construction
	deps   LedgerDeps       // static after construction
	log    *slog.Logger     // static after construction
	now    func() time.Time // static after construction
	db     *pebble.DB
	signMu sync.Mutex
	signed map[[40]byte]signerEntry // on-chain signer checks (payer || signer); guarded by signMu

	mu       sync.Mutex
	accounts map[common.Address]*account       // every account, loaded at open; guarded by mu
	signerOf map[common.Address]common.Address // device signer -> payer; guarded by mu
	watchers []func(CreditNotice)              // guarded by mu
	charges  int                               // since the last dedup prune; guarded by mu
	closed   bool                              // guarded by mu
	metrics  ledgerMetrics
}

type signerEntry struct {
	ok bool
	at time.Time
}

type ledgerMetrics struct {
	vouchers *prometheus.CounterVec
	refused  *prometheus.CounterVec
	metered  *prometheus.CounterVec
}

// Ledger store keys.
const (
	famAccount = 'a' // 'a' payer(20) -> account JSON
	famCharge  = 'd' // 'd' id -> unix ms (8)
	famByTime  = 't' // 't' unix ms (8) id -> ""
)

// OpenLedger opens (or creates) the ledger store in dir and loads every account.
func OpenLedger(dir string, cfg LedgerConfig, deps LedgerDeps) (*Ledger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ledger config: %w", err)
	}
	if deps.Escrow == nil || deps.Price == nil || deps.Logger == nil {
		return nil, errors.New("market: ledger needs Escrow, Price and Logger")
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	l := &Ledger{
		cfg: cfg, deps: deps, now: now,
		log:      deps.Logger.With("component", "ledger"),
		signed:   make(map[[40]byte]signerEntry),
		accounts: make(map[common.Address]*account),
		signerOf: make(map[common.Address]common.Address),
	}
	l.metrics = ledgerMetrics{
		vouchers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_vouchers_total",
			Help: "Vouchers submitted, by outcome."}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_payment_required_total",
			Help: "Uses refused (wakeups held) for lack of credit, by kind."}, []string{"kind"}),
		metered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_metered_total",
			Help: "Metered use beyond the free allowance, by kind (wakeups, envelopes, bytes)."}, []string{"kind"}),
	}
	for _, o := range []string{"accepted", "duplicate", "rejected"} {
		l.metrics.vouchers.WithLabelValues(o)
	}
	for _, k := range []string{"wakeup", "history", "storage"} {
		l.metrics.refused.WithLabelValues(k)
		l.metrics.metered.WithLabelValues(k)
	}
	if deps.Registry != nil {
		for _, c := range []prometheus.Collector{l.metrics.vouchers, l.metrics.refused, l.metrics.metered} {
			if err := deps.Registry.Register(c); err != nil {
				return nil, err
			}
		}
	}
	db, err := pebble.Open(dir, &pebble.Options{FormatMajorVersion: pebble.FormatNewest, Logger: quietPebble{l.log}})
	if err != nil {
		return nil, fmt.Errorf("market: open ledger %s: %w", dir, err)
	}
	l.db = db
	if err := l.load(); err != nil {
		db.Close()
		return nil, err
	}
	l.pruneDedup()
	l.log.Info("ledger opened", "dir", dir, "payers", len(l.accounts), "provider", deps.ProviderID)
	return l, nil
}

func (l *Ledger) load() error {
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famAccount}, UpperBound: []byte{famAccount + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != 21 {
			return fmt.Errorf("market: ledger: bad account key %x", k)
		}
		a := newAccount()
		if err := json.Unmarshal(it.Value(), a); err != nil {
			return fmt.Errorf("market: ledger: account %x: %w", k[1:], err)
		}
		if a.SpentMilli == nil {
			a.SpentMilli = new(big.Int)
		}
		if a.Lanes == nil {
			a.Lanes = make(map[uint64]*laneState)
		}
		payer := common.BytesToAddress(k[1:])
		l.accounts[payer] = a
		for _, s := range a.Signers {
			l.signerOf[s] = payer
		}
	}
	return it.Error()
}

// Close closes the store. Charges after Close fail.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.db.Close()
}

// Watch registers fn for credit notices. fn runs with the ledger's lock held: it must not block
// or call back into the ledger.
func (l *Ledger) Watch(fn func(CreditNotice)) {
	l.mu.Lock()
	l.watchers = append(l.watchers, fn)
	l.mu.Unlock()
}

// ProviderID returns the provider the ledger meters for.
func (l *Ledger) ProviderID() uint64 { return l.deps.ProviderID }

// PayerFor returns whose credit a session key spends: the payer it signed vouchers for as a
// device signer, else itself.
func (l *Ledger) PayerFor(addr common.Address) common.Address {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p, ok := l.signerOf[addr]; ok {
		return p
	}
	return addr
}

// MaySpend reports whether a session key may spend (and read) payer's credit: it is the payer
// or a device signer whose vouchers for the payer were accepted.
func (l *Ledger) MaySpend(addr, payer common.Address) bool {
	if addr == payer {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.signerOf[addr]
	return ok && p == payer
}

// ---------------------------------------------------------------- metering

// Check reports a *PaymentRequiredError when payer cannot pay for u now; it books nothing.
func (l *Ledger) Check(payer common.Address, u Usage) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[payer]
	if a == nil {
		a = newAccount()
	}
	price := l.deps.Price()
	if cost, _ := l.costLocked(a, u, price); cost.Sign() > 0 && l.availableMilliLocked(a).Cmp(cost) < 0 {
		return &PaymentRequiredError{Kind: u.kind(), Credit: l.creditLocked(payer, a, price)}
	}
	return nil
}

// Charge books u for payer: first against today's free allowance, then against signed credit.
// A non-empty id makes the charge idempotent: the same id is booked once. Without overdraft, a
// charge the credit cannot cover books nothing and fails with a *PaymentRequiredError; with it,
// the charge is booked anyway (used after serving a history page that a check allowed).
func (l *Ledger) Charge(ctx context.Context, payer common.Address, u Usage, id string, overdraft bool) (Credit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Credit{}, errors.New("market: ledger closed")
	}
	a := l.accounts[payer]
	if a == nil {
		a = newAccount()
	}
	price := l.deps.Price()
	if id != "" {
		if _, closer, err := l.db.Get(chargeKey(id)); err == nil {
			closer.Close()
			return l.creditLocked(payer, a, price), nil
		} else if !errors.Is(err, pebble.ErrNotFound) {
			return Credit{}, fmt.Errorf("market: ledger: %w", err)
		}
	}
	l.rollDayLocked(a)
	cost, free := l.costLocked(a, u, price)
	if cost.Sign() > 0 && !overdraft && l.availableMilliLocked(a).Cmp(cost) < 0 {
		l.metrics.refused.WithLabelValues(u.kind()).Inc()
		return Credit{}, &PaymentRequiredError{Kind: u.kind(), Credit: l.creditLocked(payer, a, price)}
	}
	upd := *a
	upd.SpentMilli = new(big.Int).Add(a.SpentMilli, cost)
	upd.FreeWakeups += free.Wakeups
	upd.FreeHistory += free.History
	upd.FreeStorage += free.StorageBytes
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.putAccount(b, payer, &upd); err != nil {
		return Credit{}, err
	}
	if id != "" {
		ms := binary.BigEndian.AppendUint64(nil, uint64(l.now().UnixMilli()))
		b.Set(chargeKey(id), ms, nil)
		b.Set(append(append([]byte{famByTime}, ms...), id...), nil, nil)
	}
	// Charges need not be fsynced: one lost in a machine crash is lost together with its id
	// (same batch), so the retried wakeup is charged exactly once.
	if err := b.Commit(pebble.NoSync); err != nil {
		return Credit{}, fmt.Errorf("market: ledger: %w", err)
	}
	*a = upd
	l.accounts[payer] = a
	if billed := u.sub(free); billed != (Usage{}) {
		l.metrics.metered.WithLabelValues("wakeup").Add(float64(billed.Wakeups))
		l.metrics.metered.WithLabelValues("history").Add(float64(billed.History))
		l.metrics.metered.WithLabelValues("storage").Add(float64(billed.StorageBytes))
	}
	if id != "" && a.held != nil {
		delete(a.held, id)
	}
	if l.charges++; l.charges >= 4096 {
		l.charges = 0
		l.pruneDedupLocked()
	}
	c := l.creditLocked(payer, a, price)
	if c.Low && !a.low && cost.Sign() > 0 {
		a.low = true
		l.notifyLocked(payer, a, "low", c)
	}
	return c, nil
}

// ChargeWakeup books one wakeup with idempotency id. The account charged is payer's when owner
// (the registration's session key) may spend it, else owner's own. It returns false when the
// credit does not cover it: the caller holds the wakeup and asks again later.
func (l *Ledger) ChargeWakeup(ctx context.Context, owner, payer common.Address, id string) (bool, error) {
	if !l.MaySpend(owner, payer) {
		payer = owner
	}
	id = "w:" + id
	_, err := l.Charge(ctx, payer, Usage{Wakeups: 1}, id, false)
	if pr, ok := errors.AsType[*PaymentRequiredError](err); ok {
		l.mu.Lock()
		a := l.accounts[payer]
		if a == nil {
			a = newAccount()
			l.accounts[payer] = a
		}
		if a.held == nil {
			a.held = make(map[string]time.Time)
		}
		first := len(a.held) == 0
		if _, ok := a.held[id]; !ok {
			a.held[id] = l.now()
		}
		l.expireHeldLocked(a)
		if first {
			c := pr.Credit
			c.Held = len(a.held)
			l.notifyLocked(payer, a, "held", c)
		}
		l.mu.Unlock()
		return false, nil
	}
	return err == nil, err
}

// HasCredit reports whether owner's registration naming payer could be sent one wakeup now.
func (l *Ledger) HasCredit(owner, payer common.Address) bool {
	if !l.MaySpend(owner, payer) {
		payer = owner
	}
	return l.Check(payer, Usage{Wakeups: 1}) == nil
}

// costLocked returns what u costs beyond the free allowance left today (in 1/1000 base
// units), and the part of u the allowance covers.
func (l *Ledger) costLocked(a *account, u Usage, p Price) (*big.Int, Usage) {
	day := l.now().UTC().Unix() / 86400
	usedW, usedH, usedS := a.FreeWakeups, a.FreeHistory, a.FreeStorage
	if a.Day != day {
		usedW, usedH, usedS = 0, 0, 0
	}
	var free Usage
	free.Wakeups = min(u.Wakeups, max(0, l.cfg.FreeWakeups-usedW))
	free.History = min(u.History, max(0, l.cfg.FreeHistory-usedH))
	free.StorageBytes = min(u.StorageBytes, max(0, l.cfg.FreeStorageBytes-usedS))
	billed := u.sub(free)
	cost := new(big.Int)
	// Per 1,000 units, in 1/1000 base units: count × price exactly.
	cost.Add(cost, new(big.Int).Mul(big.NewInt(billed.Wakeups), orZero(p.PerKWakeups)))
	cost.Add(cost, new(big.Int).Mul(big.NewInt(billed.History), orZero(p.PerKHistory)))
	if billed.StorageBytes > 0 && l.cfg.StorageMonths > 0 {
		// bytes / GiB × months × perGBMonth × 1000, with months as a fraction of 1/1000.
		months := big.NewInt(int64(l.cfg.StorageMonths * 1000))
		s := new(big.Int).Mul(big.NewInt(billed.StorageBytes), orZero(p.PerGBMonth))
		s.Mul(s, months)
		s.Add(s, big.NewInt(1<<30-1)) // round up
		s.Div(s, big.NewInt(1<<30))
		cost.Add(cost, s)
	}
	return cost, free
}

func (u Usage) sub(v Usage) Usage {
	return Usage{Wakeups: u.Wakeups - v.Wakeups, History: u.History - v.History, StorageBytes: u.StorageBytes - v.StorageBytes}
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}

func (l *Ledger) rollDayLocked(a *account) {
	if day := l.now().UTC().Unix() / 86400; a.Day != day {
		a.Day, a.FreeWakeups, a.FreeHistory, a.FreeStorage = day, 0, 0, 0
	}
}

func (l *Ledger) availableMilliLocked(a *account) *big.Int {
	return new(big.Int).Sub(a.signedMilli(), a.SpentMilli)
}

// blockMilli is the suggested prepaid block in 1/1000 base units.
func (l *Ledger) blockMilli(p Price) *big.Int {
	b := new(big.Int).Mul(big.NewInt(l.cfg.BlockWakeups), orZero(p.PerKWakeups))
	if b.Sign() == 0 {
		// No wakeup price: a block of the largest other price.
		for _, x := range []*big.Int{p.PerKHistory, p.PerGBMonth} {
			if x != nil && x.Cmp(b) > 0 {
				b.Mul(x, big1000)
			}
		}
	}
	return b
}

// creditLocked describes payer's account.
func (l *Ledger) creditLocked(payer common.Address, a *account, p Price) Credit {
	signed := new(big.Int)
	collected := new(big.Int)
	lanes := make([]LaneCredit, 0, len(a.Lanes))
	for lane, s := range a.Lanes {
		signed.Add(signed, s.Cumulative)
		collected.Add(collected, s.Collected)
		lanes = append(lanes, LaneCredit{Lane: lane, Cumulative: NewAmount(s.Cumulative), Collected: NewAmount(s.Collected), Signer: s.Signer})
	}
	slices.SortFunc(lanes, func(x, y LaneCredit) int { return cmpUint(x.Lane, y.Lane) })
	availMilli := l.availableMilliLocked(a)
	block := l.blockMilli(p)
	next := new(big.Int).Set(block)
	if availMilli.Sign() < 0 {
		next.Sub(next, availMilli) // cover the overdraft too
	}
	next = ceilDiv(next, big1000)
	if next.Sign() == 0 && (orZero(p.PerKWakeups).Sign() > 0 || orZero(p.PerKHistory).Sign() > 0 || orZero(p.PerGBMonth).Sign() > 0) {
		next.SetInt64(1)
	}
	day := l.now().UTC().Unix() / 86400
	usedW, usedH, usedS := a.FreeWakeups, a.FreeHistory, a.FreeStorage
	if a.Day != day {
		usedW, usedH, usedS = 0, 0, 0
	}
	c := Credit{
		Payer: payer, ProviderID: l.deps.ProviderID, Token: l.deps.Token,
		Spent:     NewAmount(ceilDiv(a.SpentMilli, big1000)),
		Signed:    NewAmount(signed),
		Available: NewAmount(new(big.Int).Div(maxZero(availMilli), big1000)),
		Collected: NewAmount(collected),
		NextBlock: NewAmount(next),
		Held:      len(a.held),
		Price:     p.JSON(),
		Free: FreeAllowance{
			Wakeups:      max(0, l.cfg.FreeWakeups-usedW),
			History:      max(0, l.cfg.FreeHistory-usedH),
			StorageBytes: max(0, l.cfg.FreeStorageBytes-usedS),
		},
		Lanes: lanes,
	}
	// Low: less than (1 - threshold) of a block left. Only meaningful when something costs.
	if block.Sign() > 0 {
		left := new(big.Float).SetInt(availMilli)
		limit := new(big.Float).Mul(new(big.Float).SetInt(block), big.NewFloat(1-l.cfg.LowThreshold))
		c.Low = left.Cmp(limit) < 0
	}
	return c
}

func (l *Ledger) notifyLocked(payer common.Address, a *account, reason string, c Credit) {
	n := CreditNotice{Payer: payer, Signers: slices.Clone(a.Signers), Reason: reason, Credit: c}
	for _, w := range l.watchers {
		w(n)
	}
}

// expireHeldLocked forgets held ids older than the dedup window (their wakeups expired).
func (l *Ledger) expireHeldLocked(a *account) {
	cut := l.now().Add(-l.cfg.DedupWindow)
	for id, at := range a.held {
		if at.Before(cut) {
			delete(a.held, id)
		}
	}
}

// Credit returns payer's credit.
func (l *Ledger) Credit(payer common.Address) Credit {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[payer]
	if a == nil {
		a = newAccount()
	}
	return l.creditLocked(payer, a, l.deps.Price())
}

// ---------------------------------------------------------------- vouchers

// SubmitVoucher checks a voucher as the Escrow would collect it and, if it raises its lane,
// records it as the lane's best. Checks: it names this provider and token; it is signed in the
// escrow's domain by the payer or by a signer the payer authorised on chain (cached for
// SignerTTL); its cumulative exceeds the lane's best and what was collected on the lane; and the
// payer's vouchers, less what was collected, stay within the escrow balance (less any amount
// thawing). Resubmitting the lane's best voucher is a no-op.
func (l *Ledger) SubmitVoucher(ctx context.Context, sv SignedVoucher) (Credit, error) {
	c, err := l.submit(ctx, sv)
	switch {
	case err == nil:
	case errors.Is(err, errDuplicate):
		l.metrics.vouchers.WithLabelValues("duplicate").Inc()
		return c, nil
	default:
		l.metrics.vouchers.WithLabelValues("rejected").Inc()
		return Credit{}, err
	}
	l.metrics.vouchers.WithLabelValues("accepted").Inc()
	return c, nil
}

var errDuplicate = errors.New("duplicate voucher")

func (l *Ledger) submit(ctx context.Context, sv SignedVoucher) (Credit, error) {
	if err := sv.Validate(); err != nil {
		return Credit{}, err
	}
	if sv.ProviderID != l.deps.ProviderID || sv.Token != l.deps.Token {
		return Credit{}, fmt.Errorf("%w: voucher names provider %d token %s; this is provider %d token %s",
			ErrVoucherMismatch, sv.ProviderID, sv.Token.Hex(), l.deps.ProviderID, l.deps.Token.Hex())
	}
	signer, err := sv.Signer(l.deps.Domain)
	if err != nil {
		return Credit{}, err
	}
	payer := sv.Payer
	if signer != payer {
		ok, err := l.authorised(ctx, payer, signer)
		if err != nil {
			return Credit{}, err
		}
		if !ok {
			return Credit{}, fmt.Errorf("%w: %s may not sign for %s (signed in another domain, or not authorised)",
				ErrUnauthorisedSigner, signer.Hex(), payer.Hex())
		}
	}
	// Cheap checks first, then the chain reads, then the checks again under the lock.
	l.mu.Lock()
	a := l.accounts[payer]
	var laneCollected *big.Int
	if a != nil {
		if s := a.Lanes[sv.Lane]; s != nil {
			if s.Cumulative.Cmp(sv.Cumulative) == 0 && bytes.Equal(s.Signature, sv.Signature) {
				c := l.creditLocked(payer, a, l.deps.Price())
				l.mu.Unlock()
				return c, errDuplicate
			}
			if sv.Cumulative.Cmp(s.Cumulative) <= 0 {
				l.mu.Unlock()
				return Credit{}, fmt.Errorf("%w: lane %d holds %s", ErrVoucherNotIncreasing, sv.Lane, s.Cumulative)
			}
			laneCollected = new(big.Int).Set(s.Collected)
		}
	}
	l.mu.Unlock()
	if laneCollected == nil {
		laneCollected, err = l.deps.Escrow.Collected(ctx, payer, l.deps.ProviderID, l.deps.Token, sv.Lane)
		if err != nil {
			return Credit{}, fmt.Errorf("%w: collected: %w", ErrChainUnavailable, err)
		}
	}
	if sv.Cumulative.Cmp(laneCollected) <= 0 {
		return Credit{}, fmt.Errorf("%w: lane %d was collected up to %s", ErrVoucherNotIncreasing, sv.Lane, laneCollected)
	}
	acct, err := l.deps.Escrow.Account(ctx, payer, l.deps.ProviderID, l.deps.Token)
	if err != nil {
		return Credit{}, fmt.Errorf("%w: escrow account: %w", ErrChainUnavailable, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Credit{}, errors.New("market: ledger closed")
	}
	a = l.accounts[payer]
	if a == nil {
		a = newAccount()
	}
	if s := a.Lanes[sv.Lane]; s != nil && sv.Cumulative.Cmp(s.Cumulative) <= 0 {
		return Credit{}, fmt.Errorf("%w: lane %d holds %s", ErrVoucherNotIncreasing, sv.Lane, s.Cumulative)
	}
	// What the payer's vouchers still promise, with this one in place of its lane's best.
	outstanding := new(big.Int).Sub(sv.Cumulative, laneCollected)
	for lane, s := range a.Lanes {
		if lane != sv.Lane {
			outstanding.Add(outstanding, new(big.Int).Sub(s.Cumulative, s.Collected))
		}
	}
	limit := new(big.Int).Sub(orZero(acct.Balance), orZero(acct.Thawing))
	if outstanding.Cmp(limit) > 0 {
		return Credit{}, fmt.Errorf("%w: vouchers would promise %s uncollected; escrow holds %s (%s thawing)",
			ErrInsufficientEscrow, outstanding, orZero(acct.Balance), orZero(acct.Thawing))
	}
	upd := *a
	upd.Lanes = make(map[uint64]*laneState, len(a.Lanes)+1)
	for k, v := range a.Lanes {
		upd.Lanes[k] = v
	}
	upd.Lanes[sv.Lane] = &laneState{
		Cumulative: new(big.Int).Set(sv.Cumulative), Signature: bytes.Clone(sv.Signature), Signer: signer,
		Collected: laneCollected,
	}
	if signer != payer && !slices.Contains(upd.Signers, signer) {
		upd.Signers = append(slices.Clone(upd.Signers), signer)
	}
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.putAccount(b, payer, &upd); err != nil {
		return Credit{}, err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return Credit{}, fmt.Errorf("market: ledger: %w", err)
	}
	*a = upd
	a.low = false
	l.accounts[payer] = a
	if signer != payer {
		l.signerOf[signer] = payer
	}
	l.log.Debug("voucher accepted", "peer", payer.Hex()[:10], "lane", sv.Lane, "cumulative", sv.Cumulative)
	return l.creditLocked(payer, a, l.deps.Price()), nil
}

// authorised checks on chain (cached for SignerTTL) that signer may sign for payer.
func (l *Ledger) authorised(ctx context.Context, payer, signer common.Address) (bool, error) {
	var k [40]byte
	copy(k[:20], payer[:])
	copy(k[20:], signer[:])
	now := l.now()
	l.signMu.Lock()
	e, ok := l.signed[k]
	l.signMu.Unlock()
	if ok && now.Sub(e.at) < l.cfg.SignerTTL {
		return e.ok, nil
	}
	yes, err := l.deps.Escrow.IsAuthorisedSigner(ctx, payer, signer)
	if err != nil {
		return false, fmt.Errorf("%w: signer check: %w", ErrChainUnavailable, err)
	}
	l.signMu.Lock()
	if len(l.signed) > 100_000 {
		clear(l.signed)
	}
	l.signed[k] = signerEntry{ok: yes, at: now}
	l.signMu.Unlock()
	return yes, nil
}

// ---------------------------------------------------------------- collection

// Claims returns, for every lane with something uncollected, its best voucher and what it still
// owes, by payer then lane.
func (l *Ledger) Claims() []Claim {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Claim
	for payer, a := range l.accounts {
		for lane, s := range a.Lanes {
			owed := new(big.Int).Sub(s.Cumulative, s.Collected)
			if owed.Sign() <= 0 {
				continue
			}
			out = append(out, Claim{
				Voucher: SignedVoucher{
					Voucher:   Voucher{Payer: payer, ProviderID: l.deps.ProviderID, Token: l.deps.Token, Lane: lane, Cumulative: new(big.Int).Set(s.Cumulative)},
					Signature: bytes.Clone(s.Signature),
				},
				Owed: owed,
			})
		}
	}
	slices.SortFunc(out, func(x, y Claim) int {
		if c := bytes.Compare(x.Voucher.Payer[:], y.Voucher.Payer[:]); c != 0 {
			return c
		}
		return cmpUint(x.Voucher.Lane, y.Voucher.Lane)
	})
	return out
}

// RecordCollected stores the on-chain collected counter of a lane after a collection (it only
// moves forward).
func (l *Ledger) RecordCollected(payer common.Address, lane uint64, collected *big.Int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[payer]
	if a == nil || a.Lanes[lane] == nil || collected == nil {
		return nil
	}
	s := a.Lanes[lane]
	if collected.Cmp(s.Collected) <= 0 {
		return nil
	}
	upd := *a
	upd.Lanes = make(map[uint64]*laneState, len(a.Lanes))
	for k, v := range a.Lanes {
		upd.Lanes[k] = v
	}
	ns := *s
	ns.Collected = new(big.Int).Set(collected)
	upd.Lanes[lane] = &ns
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.putAccount(b, payer, &upd); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("market: ledger: %w", err)
	}
	*a = upd
	return nil
}

// DropVoucher gives up a lane's uncollectable voucher (e.g. its signer was revoked before it
// was collected): the lane's credit falls back to what was collected.
func (l *Ledger) DropVoucher(payer common.Address, lane uint64, reason error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[payer]
	if a == nil || a.Lanes[lane] == nil {
		return nil
	}
	s := a.Lanes[lane]
	upd := *a
	upd.Lanes = make(map[uint64]*laneState, len(a.Lanes))
	for k, v := range a.Lanes {
		upd.Lanes[k] = v
	}
	ns := *s
	ns.Cumulative = new(big.Int).Set(s.Collected)
	upd.Lanes[lane] = &ns
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.putAccount(b, payer, &upd); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("market: ledger: %w", err)
	}
	*a = upd
	l.log.Warn("voucher dropped as uncollectable", "peer", payer.Hex()[:10], "lane", lane, "err", reason)
	return nil
}

// Totals sums every account: metered spend (rounded up per account), signed and collected.
func (l *Ledger) Totals() (spent, signed, collected *big.Int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	spent, signed, collected = new(big.Int), new(big.Int), new(big.Int)
	for _, a := range l.accounts {
		spent.Add(spent, ceilDiv(a.SpentMilli, big1000))
		for _, s := range a.Lanes {
			signed.Add(signed, s.Cumulative)
			collected.Add(collected, s.Collected)
		}
	}
	return spent, signed, collected
}

// ---------------------------------------------------------------- store

func (l *Ledger) putAccount(b *pebble.Batch, payer common.Address, a *account) error {
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return b.Set(append([]byte{famAccount}, payer[:]...), v, nil)
}

func chargeKey(id string) []byte { return append([]byte{famCharge}, id...) }

func (l *Ledger) pruneDedup() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneDedupLocked()
}

// pruneDedupLocked forgets charge ids older than the dedup window.
func (l *Ledger) pruneDedupLocked() {
	cut := binary.BigEndian.AppendUint64([]byte{famByTime}, uint64(l.now().Add(-l.cfg.DedupWindow).UnixMilli()))
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famByTime}, UpperBound: cut})
	if err != nil {
		return
	}
	b := l.db.NewBatch()
	n := 0
	for ok := it.First(); ok && n < 100_000; ok = it.Next() {
		k := it.Key()
		if len(k) < 9 {
			continue
		}
		b.Delete(chargeKey(string(k[9:])), nil)
		b.Delete(bytes.Clone(k), nil)
		n++
	}
	it.Close()
	if n > 0 {
		if err := b.Commit(pebble.NoSync); err != nil {
			l.log.Warn("pruning charge ids", "err", err)
		}
	}
	b.Close()
}

type quietPebble struct{ log *slog.Logger }

func (q quietPebble) Infof(format string, args ...any) {
	q.log.Debug(strings.TrimSpace(fmt.Sprintf(format, args...)))
}
func (q quietPebble) Errorf(format string, args ...any) {
	q.log.Error(strings.TrimSpace(fmt.Sprintf(format, args...)))
}
func (q quietPebble) Fatalf(format string, args ...any) {
	q.log.Error(strings.TrimSpace(fmt.Sprintf(format, args...)))
	panic(fmt.Sprintf(format, args...))
}

// ---------------------------------------------------------------- amounts

// Amount is a non-negative integer amount in wire form: a decimal string (0x-hex accepted on
// input), so uint256 values survive JavaScript clients.
type Amount big.Int

// NewAmount copies x (nil is zero).
func NewAmount(x *big.Int) *Amount {
	if x == nil {
		return (*Amount)(new(big.Int))
	}
	return (*Amount)(new(big.Int).Set(x))
}

// Int returns a copy as a *big.Int (nil is zero).
func (a *Amount) Int() *big.Int {
	if a == nil {
		return new(big.Int)
	}
	return new(big.Int).Set((*big.Int)(a))
}

func (a *Amount) String() string {
	if a == nil {
		return "0"
	}
	return (*big.Int)(a).String()
}

// MarshalText encodes a in decimal.
func (a *Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes a decimal or 0x-hex amount in [0, 2^256).
func (a *Amount) UnmarshalText(t []byte) error {
	s := string(t)
	digits, base := s, 10
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		digits, base = h, 16
	}
	bad := len(digits) == 0 || len(digits) > 78
	for _, c := range digits {
		if !('0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')) {
			bad = true
		}
	}
	x, ok := new(big.Int).SetString(digits, base)
	if bad || !ok || x.BitLen() > 256 {
		return fmt.Errorf("amount: %q is not a decimal (or 0x-hex) integer below 2^256", truncate(s, 20))
	}
	*a = Amount(*x)
	return nil
}

func ceilDiv(x, y *big.Int) *big.Int {
	if x.Sign() <= 0 {
		return new(big.Int).Div(x, y)
	}
	q := new(big.Int).Add(x, new(big.Int).Sub(y, common.Big1))
	return q.Div(q, y)
}

func maxZero(x *big.Int) *big.Int {
	if x.Sign() < 0 {
		return new(big.Int)
	}
	return x
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---------------------------------------------------------------- voucher wire form

// VoucherJSON is a Voucher in wire form.
type VoucherJSON struct {
	Payer      common.Address `json:"payer"`
	ProviderID uint64         `json:"providerId"`
	Token      common.Address `json:"token"`
	Lane       uint64         `json:"lane"`
	Cumulative *Amount        `json:"cumulative"`
}

// SignedVoucherJSON is a SignedVoucher in wire form: the pn_submitVoucher parameter.
type SignedVoucherJSON struct {
	Voucher   VoucherJSON `json:"voucher"`
	Signature HexBytes    `json:"signature"`
}

// JSON returns sv in wire form.
func (sv SignedVoucher) JSON() SignedVoucherJSON {
	return SignedVoucherJSON{
		Voucher: VoucherJSON{Payer: sv.Payer, ProviderID: sv.ProviderID, Token: sv.Token, Lane: sv.Lane,
			Cumulative: NewAmount(sv.Cumulative)},
		Signature: bytes.Clone(sv.Signature),
	}
}

// SignedVoucher converts the wire form, checking the cumulative and the signature's form.
func (j SignedVoucherJSON) SignedVoucher() (SignedVoucher, error) {
	if j.Voucher.Cumulative == nil {
		return SignedVoucher{}, fmt.Errorf("%w: cumulative missing", ErrBadVoucher)
	}
	sv := SignedVoucher{
		Voucher: Voucher{Payer: j.Voucher.Payer, ProviderID: j.Voucher.ProviderID, Token: j.Voucher.Token,
			Lane: j.Voucher.Lane, Cumulative: j.Voucher.Cumulative.Int()},
		Signature: bytes.Clone(j.Signature),
	}
	if err := sv.Validate(); err != nil {
		return SignedVoucher{}, err
	}
	if err := checkSignature(sv.Signature); err != nil {
		return SignedVoucher{}, err
	}
	return sv, nil
}

// JSON-RPC methods of the market on a node (see docs/protocol.md).
const (
	// MethodCredit returns a payer's Credit: pn_credit [payer?].
	MethodCredit = "pn_credit"
	// MethodSubmitVoucher hands the node a signed voucher: pn_submitVoucher [SignedVoucherJSON].
	MethodSubmitVoucher = "pn_submitVoucher"
	// MethodCreditLow is the node's notification that the payer should sign the next block.
	MethodCreditLow = "pn_creditLow"
)

// CreditLowParams are the params of a pn_creditLow notification.
type CreditLowParams struct {
	// Reason is "low" (less than 1-threshold of a block left) or "held" (a wakeup waits for credit).
	Reason string `json:"reason"`
	Credit Credit `json:"credit"`
}
