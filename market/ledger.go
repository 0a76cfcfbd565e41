package market

import (
	"bytes"
	"cmp"
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
	"github.com/cockroachdb/pebble/v2/bloom"
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
// Charges are persisted write-behind: a charge updates the in-memory account and remembers its
// id in memory, and a flusher goroutine writes every pending charge id together with every
// account they changed in one batch, within 10 ms (at once when 1024 ids wait). Any other
// write of an account (a voucher, a collection) carries the pending state in its own batch,
// and Close writes what is left.
//
// It is safe for concurrent use. It runs one goroutine, the flusher, until Close.
type Ledger struct {
	cfg    LedgerConfig     // static after construction
	deps   LedgerDeps       // static after construction
	log    *slog.Logger     // static after construction
	now    func() time.Time // static after construction; called only by callers' goroutines
	opts   ledgerOptions    // static after construction
	lowF   *big.Float       // 1 - LowThreshold; static after construction
	db     *pebble.DB
	signMu sync.Mutex
	signed map[[40]byte]signerEntry // on-chain signer checks (payer || signer); guarded by signMu

	// wmu serialises the writes to db (flushes, vouchers, collections, pruning, Close) so that
	// no batch overwrites an account with an older copy. Lock order: wmu, then mu.
	wmu sync.Mutex

	mu       sync.Mutex
	accounts map[common.Address]*account       // every account, loaded at open; guarded by mu
	signerOf map[common.Address]common.Address // device signer -> payer; guarded by mu
	watchers []func(CreditNotice)              // guarded by mu
	charges  int                               // since the last dedup prune; guarded by mu
	pruneAt  time.Time                         // when set, the flusher prunes ids older than pruneAt-DedupWindow; guarded by mu
	closed   bool                              // guarded by mu
	// Write-behind state, guarded by mu. pending holds the charge ids (-> unix ms) booked in
	// memory and not yet handed to a batch; flushing those in the batch the flusher is
	// committing; dirty the accounts changed since their last write. Every account whose spend
	// includes a pending charge is dirty, so the batch that writes an id writes its spend too.
	pending  map[string]pendingCharge
	flushing map[string]pendingCharge
	dirty    map[common.Address]struct{}
	spare    map[common.Address]struct{} // an empty dirty set for the next swap
	sortBuf  []chargeRef                 // addPendingLocked's scratch, kept for the next batch
	sc       ledgerScratch               // guarded by mu

	kick      chan struct{} // something became dirty: flush within flushInterval
	full      chan struct{} // flushMaxPending ids wait: flush now
	flushStop chan struct{} // closed by Close
	flushDone chan struct{} // closed when the flusher returns
	closeOnce sync.Once
	closeErr  error

	metrics ledgerMetrics
}

// Write-behind defaults: how long a charge may stay in memory only, and how many pending
// charge ids make the flusher write at once.
const (
	flushInterval   = 10 * time.Millisecond
	flushMaxPending = 1024
	pruneEvery      = 4096 // charges between two prunes of old charge ids
)

// ledgerCacheSize is the ledger store's block cache, memtables included.
const ledgerCacheSize = 32 << 20

// ledgerOptions are internal tunables; tests shorten or lengthen them.
type ledgerOptions struct {
	flushInterval   time.Duration
	flushMaxPending int
}

// ledgerScratch holds numbers the metering path reuses instead of allocating; guarded by mu.
type ledgerScratch struct {
	cost, avail, block, t1, t2, t3 big.Int
	left, blockF, limit            big.Float
	key                            []byte
}

type signerEntry struct {
	ok bool
	at time.Time
}

type ledgerMetrics struct {
	vouchers *prometheus.CounterVec
	refused  *prometheus.CounterVec
	metered  *prometheus.CounterVec

	// The children, resolved once.
	accepted, duplicate, rejected                 prometheus.Counter
	refusedWakeup, refusedHistory, refusedStorage prometheus.Counter
	meteredWakeup, meteredHistory, meteredStorage prometheus.Counter
}

// refusedFor returns the refused counter of a Usage kind.
func (m *ledgerMetrics) refusedFor(kind string) prometheus.Counter {
	switch kind {
	case "wakeup":
		return m.refusedWakeup
	case "history":
		return m.refusedHistory
	}
	return m.refusedStorage
}

// Ledger store keys.
const (
	famAccount = 'a' // 'a' payer(20) -> account JSON
	famCharge  = 'd' // 'd' id -> unix ms (8)
	famByTime  = 't' // 't' unix ms (8) id -> ""
	famWake    = 'w' // 'w' created unix ms (8) wakeup id -> ""
)

// OpenLedger opens (or creates) the ledger store in dir, loads every account and starts the
// flusher; Close stops it.
func OpenLedger(dir string, cfg LedgerConfig, deps LedgerDeps) (*Ledger, error) {
	return openLedger(dir, cfg, deps, ledgerOptions{flushInterval: flushInterval, flushMaxPending: flushMaxPending})
}

func openLedger(dir string, cfg LedgerConfig, deps LedgerDeps, opts ledgerOptions) (*Ledger, error) {
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
		cfg: cfg, deps: deps, now: now, opts: opts,
		lowF:      big.NewFloat(1 - cfg.LowThreshold),
		log:       deps.Logger.With("component", "ledger"),
		signed:    make(map[[40]byte]signerEntry),
		accounts:  make(map[common.Address]*account),
		signerOf:  make(map[common.Address]common.Address),
		pending:   make(map[string]pendingCharge),
		flushing:  make(map[string]pendingCharge),
		dirty:     make(map[common.Address]struct{}),
		spare:     make(map[common.Address]struct{}),
		kick:      make(chan struct{}, 1),
		full:      make(chan struct{}, 1),
		flushStop: make(chan struct{}),
		flushDone: make(chan struct{}),
	}
	l.metrics = ledgerMetrics{
		vouchers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_vouchers_total",
			Help: "Vouchers submitted, by outcome."}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_payment_required_total",
			Help: "Uses refused (wakeups held) for lack of credit, by kind."}, []string{"kind"}),
		metered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_metered_total",
			Help: "Metered use beyond the free allowance, by kind (wakeups, envelopes, bytes)."}, []string{"kind"}),
	}
	m := &l.metrics
	m.accepted = m.vouchers.WithLabelValues("accepted")
	m.duplicate = m.vouchers.WithLabelValues("duplicate")
	m.rejected = m.vouchers.WithLabelValues("rejected")
	m.refusedWakeup, m.meteredWakeup = m.refused.WithLabelValues("wakeup"), m.metered.WithLabelValues("wakeup")
	m.refusedHistory, m.meteredHistory = m.refused.WithLabelValues("history"), m.metered.WithLabelValues("history")
	m.refusedStorage, m.meteredStorage = m.refused.WithLabelValues("storage"), m.metered.WithLabelValues("storage")
	if deps.Registry != nil {
		for _, c := range []prometheus.Collector{l.metrics.vouchers, l.metrics.refused, l.metrics.metered} {
			if err := deps.Registry.Register(c); err != nil {
				return nil, err
			}
		}
	}
	// The block cache also accounts for the memtables (2 × 4 MB by default): pebble's default
	// 8 MB leaves no room for blocks, and every dedup lookup would read and decompress them.
	o := &pebble.Options{FormatMajorVersion: pebble.FormatNewest, CacheSize: ledgerCacheSize, Logger: quietPebble{l.log}}
	for i := range o.Levels {
		// Nearly every dedup lookup is for a fresh id: bloom filters answer it without
		// reading the data blocks of every table in range.
		o.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	db, err := pebble.Open(dir, o)
	if err != nil {
		return nil, fmt.Errorf("market: open ledger %s: %w", dir, err)
	}
	l.db = db
	if err := l.load(); err != nil {
		db.Close()
		return nil, err
	}
	l.pruneDedup(l.now())
	go l.flusher()
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

// Close stops the flusher, writes every charge still pending (synced) and closes the store.
// Charges after Close fail.
func (l *Ledger) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		close(l.flushStop)
		<-l.flushDone
		l.wmu.Lock()
		defer l.wmu.Unlock()
		l.mu.Lock()
		defer l.mu.Unlock()
		b := l.db.NewBatch()
		err := l.addPendingLocked(b)
		if err == nil {
			if err = b.Commit(pebble.Sync); err == nil {
				l.clearPendingLocked()
			}
		}
		b.Close()
		if err != nil {
			err = fmt.Errorf("market: ledger: writing pending charges: %w", err)
			l.log.Error("pending charges lost at close", "ids", len(l.pending), "accounts", len(l.dirty), "err", err)
		}
		l.closeErr = errors.Join(err, l.db.Close())
	})
	return l.closeErr
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
	cost := &l.sc.cost
	if l.costLocked(a, u, price, cost); cost.Sign() > 0 && l.availLocked(a).Cmp(cost) < 0 {
		return &PaymentRequiredError{Kind: u.kind(), Credit: l.creditLocked(payer, a, price)}
	}
	return nil
}

// Charge books u for payer: first against today's free allowance, then against signed credit.
// A non-empty id makes the charge idempotent: the same id is booked once. Without overdraft, a
// charge the credit cannot cover books nothing and fails with a *PaymentRequiredError; with it,
// the charge is booked anyway (used after serving a history page that a check allowed).
//
// The charge is booked in memory at once (the returned Credit, Check and a retry with the same
// id see it) and persisted write-behind: within 10 ms, with the next voucher or collection
// written, or at Close. A machine crash in that window loses the charge together
// with its id, so a retried wakeup is then charged exactly once; the loss favours the payer.
func (l *Ledger) Charge(ctx context.Context, payer common.Address, u Usage, id string, overdraft bool) (Credit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	price := l.deps.Price()
	a, err := l.chargeLocked(payer, u, id, 0, true, overdraft, price)
	if err != nil {
		return Credit{}, err
	}
	return l.creditLocked(payer, a, price), nil
}

// Book is Charge for callers that need no Credit back (it builds none).
func (l *Ledger) Book(ctx context.Context, payer common.Address, u Usage, id string, overdraft bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.chargeLocked(payer, u, id, 0, true, overdraft, l.deps.Price())
	return err
}

// chargeLocked is Charge without the Credit: it returns the account charged (a new, unstored
// one for an unknown payer whose id was a duplicate). It sends the "low" notice when the charge
// leaves less than (1 - threshold) of a block. With checkID false the caller vouches that id
// was never booked, and the dedup lookup is skipped (the id is still recorded).
func (l *Ledger) chargeLocked(payer common.Address, u Usage, id string, wakeAt int64, checkID, overdraft bool, price Price) (*account, error) {
	if l.closed {
		return nil, errors.New("market: ledger closed")
	}
	a := l.accounts[payer]
	if a == nil {
		a = newAccount()
	}
	if id != "" && checkID {
		dup, err := l.seenLocked(id, wakeAt)
		if err != nil {
			return nil, err
		}
		if dup {
			return a, nil
		}
	}
	day := l.today()
	l.rollDayLocked(a, day)
	cost := &l.sc.cost
	free := l.costOnDayLocked(a, u, price, cost, day)
	costs := cost.Sign() > 0
	if costs && !overdraft && l.availLocked(a).Cmp(cost) < 0 {
		l.metrics.refusedFor(u.kind()).Inc()
		return nil, &PaymentRequiredError{Kind: u.kind(), Credit: l.creditLocked(payer, a, price)}
	}
	// Book in memory; the flusher persists the account and the id in one batch.
	a.SpentMilli.Add(a.SpentMilli, cost)
	a.FreeWakeups += free.Wakeups
	a.FreeHistory += free.History
	a.FreeStorage += free.StorageBytes
	l.accounts[payer] = a
	if id != "" {
		if wakeAt > 0 {
			l.pending[id] = pendingCharge{ms: wakeAt, wake: true}
		} else {
			l.pending[id] = pendingCharge{ms: l.now().UnixMilli()}
		}
	}
	if len(l.dirty) == 0 {
		signal(l.kick)
	}
	l.dirty[payer] = struct{}{}
	if len(l.pending) >= l.opts.flushMaxPending {
		signal(l.full)
	}
	if billed := u.sub(free); billed != (Usage{}) {
		if billed.Wakeups != 0 {
			l.metrics.meteredWakeup.Add(float64(billed.Wakeups))
		}
		if billed.History != 0 {
			l.metrics.meteredHistory.Add(float64(billed.History))
		}
		if billed.StorageBytes != 0 {
			l.metrics.meteredStorage.Add(float64(billed.StorageBytes))
		}
	}
	if id != "" && a.held != nil {
		delete(a.held, id)
	}
	if l.charges++; l.charges >= pruneEvery {
		// The flusher prunes after its next write; the clock is read here, on the caller's
		// goroutine, as everywhere else.
		l.charges = 0
		l.pruneAt = l.now()
		signal(l.full)
	}
	if costs && !a.low && l.lowLocked(a, price) {
		a.low = true
		l.notifyLocked(payer, a, "low", l.creditLocked(payer, a, price))
	}
	return a, nil
}

// seenLocked reports whether charge id was booked: pending in memory, being flushed, or
// persisted within the dedup window. wakeAt is a wakeup's creation time (unix ms), 0 for
// other charges.
func (l *Ledger) seenLocked(id string, wakeAt int64) (bool, error) {
	if _, ok := l.pending[id]; ok {
		return true, nil
	}
	if _, ok := l.flushing[id]; ok {
		return true, nil
	}
	if wakeAt > 0 {
		l.sc.key = appendWakeKey(l.sc.key[:0], wakeAt, id)
		if ok, err := l.has(l.sc.key); ok || err != nil {
			return ok, err
		}
		// Not found: it may still be stored by id, as every wakeup was before wakeup
		// charges were keyed by time (for a dedup window after such an upgrade).
	}
	l.sc.key = appendChargeKey(l.sc.key[:0], id)
	return l.has(l.sc.key)
}

func (l *Ledger) has(key []byte) (bool, error) {
	_, closer, err := l.db.Get(key)
	switch {
	case err == nil:
		closer.Close()
		return true, nil
	case errors.Is(err, pebble.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("market: ledger: %w", err)
}

// signal wakes the flusher through c without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// drain takes back a signal not yet received, if any.
func drain(c chan struct{}) {
	select {
	case <-c:
	default:
	}
}

// ChargeWakeup books one wakeup with idempotency id. The account charged is payer's when owner
// (the registration's session key) may spend it, else owner's own. fresh promises that id was
// never booked (a wakeup created by this process and not charged yet): the dedup lookup is
// skipped. It returns false when the credit does not cover it: the caller holds the wakeup and
// asks again later.
func (l *Ledger) ChargeWakeup(ctx context.Context, owner, payer common.Address, id string, created time.Time, fresh bool) (bool, error) {
	var at int64
	if !created.IsZero() {
		at = max(created.UnixMilli(), 0)
	}
	id = "w:" + id
	l.mu.Lock()
	defer l.mu.Unlock()
	if owner != payer {
		if p, ok := l.signerOf[owner]; !ok || p != payer {
			payer = owner
		}
	}
	_, err := l.chargeLocked(payer, Usage{Wakeups: 1}, id, at, !fresh, false, l.deps.Price())
	if err == nil {
		return true, nil
	}
	if pr, ok := errors.AsType[*PaymentRequiredError](err); ok {
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
		return false, nil
	}
	return false, err
}

// HasCredit reports whether owner's registration naming payer could be sent one wakeup now.
func (l *Ledger) HasCredit(owner, payer common.Address) bool {
	if !l.MaySpend(owner, payer) {
		payer = owner
	}
	return l.Check(payer, Usage{Wakeups: 1}) == nil
}

// costLocked sets cost to what u costs beyond the free allowance left today (in 1/1000 base
// units), and returns the part of u the allowance covers. It uses l.sc.t1, t2 and t3.
func (l *Ledger) costLocked(a *account, u Usage, p Price, cost *big.Int) Usage {
	return l.costOnDayLocked(a, u, p, cost, l.today())
}

// today is the current UTC day number, the unit of the free allowances.
func (l *Ledger) today() int64 { return l.now().UTC().Unix() / 86400 }

// costOnDayLocked is costLocked on the given day.
func (l *Ledger) costOnDayLocked(a *account, u Usage, p Price, cost *big.Int, day int64) Usage {
	usedW, usedH, usedS := a.freeUsedOn(day)
	var free Usage
	free.Wakeups = min(u.Wakeups, max(0, l.cfg.FreeWakeups-usedW))
	free.History = min(u.History, max(0, l.cfg.FreeHistory-usedH))
	free.StorageBytes = min(u.StorageBytes, max(0, l.cfg.FreeStorageBytes-usedS))
	billed := u.sub(free)
	t1, t2 := &l.sc.t1, &l.sc.t2
	cost.SetInt64(0)
	// Per 1,000 units, in 1/1000 base units: count × price exactly.
	for _, c := range [2]struct {
		n     int64
		price *big.Int
	}{{billed.Wakeups, p.PerKWakeups}, {billed.History, p.PerKHistory}} {
		if c.n != 0 && c.price != nil {
			cost.Add(cost, t2.Mul(t1.SetInt64(c.n), c.price))
		}
	}
	if billed.StorageBytes > 0 && l.cfg.StorageMonths > 0 && p.PerGBMonth != nil {
		// bytes / GiB × months × perGBMonth × 1000, with months as a fraction of 1/1000.
		t3 := &l.sc.t3
		t2.Mul(t1.SetInt64(billed.StorageBytes), p.PerGBMonth)
		t3.Mul(t2, t1.SetInt64(int64(l.cfg.StorageMonths*1000)))
		t3.Add(t3, gibMinus1)
		cost.Add(cost, t3.Rsh(t3, 30)) // round up; a shift floors, as Div by 2^30 does
	}
	return free
}

var gibMinus1 = big.NewInt(1<<30 - 1)

func (u Usage) sub(v Usage) Usage {
	return Usage{Wakeups: u.Wakeups - v.Wakeups, History: u.History - v.History, StorageBytes: u.StorageBytes - v.StorageBytes}
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}

// freeUsedOn returns the free wakeups, history and storage a has used on
// day: none on a day its counters are not for.
func (a *account) freeUsedOn(day int64) (wakeups, history, storage int64) {
	if a.Day != day {
		return 0, 0, 0
	}
	return a.FreeWakeups, a.FreeHistory, a.FreeStorage
}

func (l *Ledger) rollDayLocked(a *account, day int64) {
	if a.Day != day {
		a.Day, a.FreeWakeups, a.FreeHistory, a.FreeStorage = day, 0, 0, 0
	}
}

func (l *Ledger) availableMilliLocked(a *account) *big.Int {
	return new(big.Int).Sub(a.signedMilli(), a.SpentMilli)
}

// availLocked is availableMilliLocked in l.sc.avail (valid until the next call); it uses l.sc.t1.
func (l *Ledger) availLocked(a *account) *big.Int {
	t := l.sc.t1.SetInt64(0)
	for _, s := range a.Lanes {
		t.Add(t, s.Cumulative)
	}
	av := l.sc.avail.Mul(t, big1000)
	return av.Sub(av, a.SpentMilli)
}

// lowLocked reports creditLocked's Low without building the Credit.
func (l *Ledger) lowLocked(a *account, p Price) bool {
	avail := l.availLocked(a)
	block, t := &l.sc.block, &l.sc.t2
	block.SetInt64(0)
	if p.PerKWakeups != nil {
		block.Mul(t.SetInt64(l.cfg.BlockWakeups), p.PerKWakeups)
	}
	if block.Sign() == 0 {
		// As blockMilli.
		for _, x := range []*big.Int{p.PerKHistory, p.PerGBMonth} {
			if x != nil && x.Cmp(block) > 0 {
				block.Mul(x, big1000)
			}
		}
	}
	return l.isLowLocked(avail, block)
}

// isLowLocked reports whether availMilli is below (1 - threshold) of block, computed exactly
// as with fresh big.Floats (precision 0 adopts the operands'), in l.sc's floats.
func (l *Ledger) isLowLocked(availMilli, block *big.Int) bool {
	if block.Sign() <= 0 {
		return false
	}
	left := l.sc.left.SetPrec(0).SetInt(availMilli)
	b := l.sc.blockF.SetPrec(0).SetInt(block)
	limit := l.sc.limit.SetPrec(0).Mul(b, l.lowF)
	return left.Cmp(limit) < 0
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
	day := l.today()
	usedW, usedH, usedS := a.freeUsedOn(day)
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
	c.Low = l.isLowLocked(availMilli, block)
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
		l.metrics.duplicate.Inc()
		return c, nil
	default:
		l.metrics.rejected.Inc()
		return Credit{}, err
	}
	l.metrics.accepted.Inc()
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
	l.wmu.Lock()
	defer l.wmu.Unlock()
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
	if err := l.writeLocked(payer, &upd); err != nil {
		return Credit{}, err
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
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("market: ledger closed")
	}
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
	if err := l.writeLocked(payer, &upd); err != nil {
		return err
	}
	*a = upd
	return nil
}

// DropVoucher gives up a lane's uncollectable voucher (e.g. its signer was revoked before it
// was collected): the lane's credit falls back to what was collected.
func (l *Ledger) DropVoucher(payer common.Address, lane uint64, reason error) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("market: ledger closed")
	}
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
	if err := l.writeLocked(payer, &upd); err != nil {
		return err
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
		return fmt.Errorf("market: ledger: account %s: %w", payer.Hex(), err)
	}
	var k [21]byte
	k[0] = famAccount
	copy(k[1:], payer[:])
	return b.Set(k[:], v, nil) // Set copies key and value
}

// appendChargeKey appends the key under which charge id is remembered.
func appendChargeKey(dst []byte, id string) []byte { return append(append(dst, famCharge), id...) }

// appendWakeKey appends the key of wakeup charge id ("w:" and the wakeup's id) created at ms.
func appendWakeKey(dst []byte, ms int64, id string) []byte {
	return append(binary.BigEndian.AppendUint64(append(dst, famWake), uint64(ms)), id[len("w:"):]...)
}

// pendingCharge is a charge id booked in memory and not yet written: when it was booked or,
// for a wakeup, when the wakeup was created.
type pendingCharge struct {
	ms   int64
	wake bool
}

// chargeRef is a pending charge with its id, for sorting.
type chargeRef struct {
	id string
	pendingCharge
}

// writeLocked commits, synced, upd as payer's account together with every pending charge id
// and dirty account, so that no pending charge is written without its id or overwritten by an
// older copy. Called with wmu and mu held; on success the pending state is written.
func (l *Ledger) writeLocked(payer common.Address, upd *account) error {
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.addPendingLocked(b); err != nil {
		return err
	}
	// After the dirty accounts: in a batch the last write of a key wins.
	if err := l.putAccount(b, payer, upd); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("market: ledger: %w", err)
	}
	l.clearPendingLocked()
	return nil
}

// addPendingLocked adds to b every pending charge id (with its by-time index key) and the
// current in-memory copy of every dirty account. Called with wmu and mu held (so nothing is
// being flushed).
func (l *Ledger) addPendingLocked(b *pebble.Batch) error {
	for payer := range l.dirty {
		if a := l.accounts[payer]; a != nil {
			if err := l.putAccount(b, payer, a); err != nil {
				return err
			}
		}
	}
	// Each in key order. pebble inserts a batch's keys into the memtable one after the other,
	// and a key just after the previous one is found from where that one went instead of from
	// the top of the skiplist. Wakeups first, by (time, id), which is their key order.
	cs := l.sortBuf[:0]
	for id, p := range l.pending {
		cs = append(cs, chargeRef{id, p})
	}
	slices.SortFunc(cs, func(a, b chargeRef) int {
		if a.wake != b.wake {
			if a.wake {
				return -1
			}
			return 1
		}
		if a.wake {
			return cmp.Or(cmp.Compare(a.ms, b.ms), strings.Compare(a.id, b.id))
		}
		return strings.Compare(a.id, b.id)
	})
	var k []byte
	set := func(k, v []byte) error {
		if err := b.Set(k, v, nil); err != nil {
			return fmt.Errorf("market: ledger: %w", err)
		}
		return nil
	}
	n := 0
	for _, c := range cs {
		if !c.wake {
			break
		}
		k = appendWakeKey(k[:0], c.ms, c.id) // one buffer for every key (Set copies)
		if err := set(k, nil); err != nil {
			return err
		}
		n++
	}
	other := cs[n:]
	var ms [8]byte
	for _, c := range other {
		k = appendChargeKey(k[:0], c.id)
		binary.BigEndian.PutUint64(ms[:], uint64(c.ms))
		if err := set(k, ms[:]); err != nil { // id -> unix ms (Set copies)
			return err
		}
	}
	// Their time index, in (time, id) order: the sort is stable and they are in id order.
	slices.SortStableFunc(other, func(a, b chargeRef) int { return cmp.Compare(a.ms, b.ms) })
	for _, c := range other {
		k = append(binary.BigEndian.AppendUint64(append(k[:0], famByTime), uint64(c.ms)), c.id...)
		if err := set(k, nil); err != nil { // unix ms || id
			return err
		}
	}
	clear(cs)
	l.sortBuf = cs[:0]
	return nil
}

// clearPendingLocked forgets the pending state once a batch holding it was committed.
func (l *Ledger) clearPendingLocked() {
	clear(l.pending)
	clear(l.dirty)
	drain(l.full) // a full signal now would only force an early, small flush
}

// flusher writes the pending state: within flushInterval of the first change, at once when
// flushMaxPending ids wait. Pruning of old charge ids runs here too, off the charging path.
func (l *Ledger) flusher() {
	defer close(l.flushDone)
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		wait := true
		select {
		case <-l.flushStop:
			return
		case <-l.kick:
		case <-l.full:
			wait = false
		}
		if wait {
			t.Reset(l.opts.flushInterval)
			select {
			case <-l.flushStop:
				t.Stop()
				return // Close writes what is pending
			case <-t.C:
			case <-l.full:
				t.Stop()
			}
		}
		if err := l.flush(); err != nil {
			l.log.Warn("writing charges; retrying", "err", err)
			signal(l.kick)
		}
	}
}

// flush writes every pending charge id and dirty account in one batch (not synced), then prunes
// old charge ids when due. The batch is committed outside mu; charges meanwhile find its ids in
// l.flushing. Tests call it to force a write.
func (l *Ledger) flush() error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil // Close writes what is pending
	}
	var pruneAt time.Time
	pruneAt, l.pruneAt = l.pruneAt, time.Time{}
	if len(l.pending) == 0 && len(l.dirty) == 0 {
		l.mu.Unlock()
		if !pruneAt.IsZero() {
			l.pruneDedupWriteLocked(pruneAt)
		}
		return nil
	}
	b := l.db.NewBatch()
	defer b.Close()
	if err := l.addPendingLocked(b); err != nil {
		l.pruneAt = pruneAt
		l.mu.Unlock()
		return err
	}
	l.pending, l.flushing = l.flushing, l.pending
	dirty := l.dirty
	l.dirty, l.spare = l.spare, nil
	drain(l.full)
	l.mu.Unlock()

	// Charges need not be fsynced, nor written one by one: this batch holds every charge id
	// booked since the last write together with the accounts whose spend includes them, and
	// batches apply atomically and in order. A charge lost in a machine crash (one booked in
	// the last flushInterval or so, or not yet written back by the OS) is lost together with
	// its id, so the retried wakeup is charged exactly once; the loss favours the payer.
	err := b.Commit(pebble.NoSync)

	l.mu.Lock()
	if err != nil {
		// Nothing was written: the ids and accounts are pending again.
		for id, ms := range l.flushing {
			l.pending[id] = ms
		}
		for payer := range dirty {
			l.dirty[payer] = struct{}{}
		}
		if pruneAt.After(l.pruneAt) {
			l.pruneAt = pruneAt
		}
	}
	clear(l.flushing)
	clear(dirty)
	l.spare = dirty
	l.mu.Unlock()
	if err != nil {
		return fmt.Errorf("market: ledger: %w", err)
	}
	if !pruneAt.IsZero() {
		l.pruneDedupWriteLocked(pruneAt)
	}
	return nil
}

// pruneDedup forgets charge ids older than the dedup window before now.
func (l *Ledger) pruneDedup(now time.Time) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.pruneDedupWriteLocked(now)
}

// pruneDedupWriteLocked forgets persisted charge ids older than the dedup window before now.
// Called with wmu held (after a flush, so the store holds every id booked before).
func (l *Ledger) pruneDedupWriteLocked(now time.Time) {
	cutMs := uint64(max(now.Add(-l.cfg.DedupWindow).UnixMilli(), 0))
	b := l.db.NewBatch()
	defer b.Close()
	// Wakeups, keyed by time: one range deletion, once there is something to delete. Whole
	// tables under it are dropped without being read.
	lo, hi := []byte{famWake}, binary.BigEndian.AppendUint64([]byte{famWake}, cutMs)
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return
	}
	n := 0
	if it.First() {
		b.DeleteRange(lo, hi, nil)
		n++
	}
	it.Close()
	cut := binary.BigEndian.AppendUint64([]byte{famByTime}, cutMs)
	if it, err = l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famByTime}, UpperBound: cut}); err != nil {
		return
	}
	for ok := it.First(); ok && n < 100_000; ok = it.Next() {
		k := it.Key()
		if len(k) < 9 {
			continue
		}
		b.Delete(appendChargeKey(nil, string(k[9:])), nil)
		b.Delete(bytes.Clone(k), nil)
		n++
	}
	it.Close()
	if n > 0 {
		if err := b.Commit(pebble.NoSync); err != nil {
			l.log.Warn("pruning charge ids", "err", err)
		}
	}
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
