package market

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for CollectorConfig.
const (
	// DefaultCollectInterval is how often the collector looks at what is owed.
	DefaultCollectInterval = time.Minute
	// DefaultGasMultiple: collect once what is owed is this many times the batch's estimated gas
	// cost, so gas stays under 1/multiple (5%) of revenue.
	DefaultGasMultiple = 20.0
	// DefaultGasTokenRate converts gas cost (wei) to payment-token base units: 1 suits ETH
	// payments; set the market rate for an ERC-20 (SNT base units per wei).
	DefaultGasTokenRate = 1.0
	// DefaultGasPerBatch and DefaultGasPerVoucher estimate a collectBatch's gas (docs/gas.md:
	// ~27k-45k per voucher plus the transaction base), on the safe side.
	DefaultGasPerBatch   = 40_000
	DefaultGasPerVoucher = 50_000
	// DefaultThawMargin: a payer's vouchers are collected at least this long before its thaw
	// ends, whatever the gas.
	DefaultThawMargin = time.Hour
	// DefaultMaxBatch caps the vouchers of one collectBatch transaction.
	DefaultMaxBatch = 100
	// DefaultCollectTimeout bounds one collection round.
	DefaultCollectTimeout = 5 * time.Minute
	// emptyRetry is how long a payer found with an empty escrow is left out of rounds.
	emptyRetry = time.Hour
)

// CollectorConfig configures the collector. It never changes after NewCollector.
type CollectorConfig struct {
	Interval      time.Duration
	GasMultiple   float64
	GasTokenRate  float64
	GasPerBatch   uint64
	GasPerVoucher uint64
	ThawMargin    time.Duration
	MaxBatch      int
	Timeout       time.Duration
}

// DefaultCollectorConfig returns the production defaults.
func DefaultCollectorConfig() CollectorConfig {
	return CollectorConfig{
		Interval:      DefaultCollectInterval,
		GasMultiple:   DefaultGasMultiple,
		GasTokenRate:  DefaultGasTokenRate,
		GasPerBatch:   DefaultGasPerBatch,
		GasPerVoucher: DefaultGasPerVoucher,
		ThawMargin:    DefaultThawMargin,
		MaxBatch:      DefaultMaxBatch,
		Timeout:       DefaultCollectTimeout,
	}
}

// Validate checks the settings.
func (c CollectorConfig) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Interval >= 10*time.Millisecond, "collector-interval: %v below 10ms", c.Interval)
	check(c.GasMultiple >= 0, "collector-gas-multiple: must not be negative")
	check(c.GasTokenRate >= 0, "collector-gas-token-rate: must not be negative")
	check(c.MaxBatch >= 1 && c.MaxBatch <= 500, "collector-max-batch: %d not in [1, 500]", c.MaxBatch)
	check(c.ThawMargin >= c.Interval, "collector-thaw-margin: %v below collector-interval", c.ThawMargin)
	check(c.Timeout > 0, "collector-timeout: must be positive")
	return errors.Join(errs...)
}

// claimLedger is what the collector needs of the ledger (*Ledger).
type claimLedger interface {
	Claims() []Claim
	RecordCollected(payer common.Address, lane uint64, collected *big.Int) error
	DropVoucher(payer common.Address, lane uint64, reason error) error
}

// collectChain is what the collector needs of the chain (*Chain).
type collectChain interface {
	CollectBatch(ctx context.Context, opts *bind.TransactOpts, svs []SignedVoucher) (BatchResult, *types.Receipt, error)
	Account(ctx context.Context, payer common.Address, providerID uint64, token common.Address) (Account, error)
	Collected(ctx context.Context, payer common.Address, providerID uint64, token common.Address, lane uint64) (*big.Int, error)
}

// CollectorDeps are the collector's collaborators.
type CollectorDeps struct {
	Ledger claimLedger
	Chain  collectChain
	// Operator signs the collectBatch transactions: the provider's operator key.
	Operator *bind.TransactOpts
	// GasPrice returns the current gas price (Backend.SuggestGasPrice).
	GasPrice func(ctx context.Context) (*big.Int, error)
	// Head, when set, gives chain time (the head's timestamp) for thaw deadlines; else Now.
	Head   chainReader
	Logger *slog.Logger
	// Registry receives the metrics; nil means none.
	Registry prometheus.Registerer
	Now      func() time.Time
}

// CollectReport summarises one collection round.
type CollectReport struct {
	Txs      int      // collectBatch transactions sent
	Vouchers int      // vouchers that paid
	Skipped  int      // vouchers that paid nothing (already collected, payer drained)
	Dropped  int      // vouchers given up as invalid
	Paid     *big.Int // total paid to the operator
	GasUsed  uint64
	Reason   string // "threshold", "thaw", "forced" or "" when nothing was collected
}

// Collector collects the best voucher of every lane in collectBatch transactions: when what is
// owed reaches GasMultiple times the estimated gas cost, and always before a payer's thaw ends
// (the payer could withdraw what was promised). It records what was collected in the ledger.
// Start runs it every Interval on a goroutine that Close stops and awaits.
type Collector struct {
	cfg  CollectorConfig  // static after construction
	deps CollectorDeps    // static after construction
	log  *slog.Logger     // static after construction
	now  func() time.Time // static after construction

	runMu      sync1                        // serialises rounds
	emptyUntil map[common.Address]time.Time // payers found drained, skipped until; owned by the round holding runMu

	collections *prometheus.CounterVec
	paidTotal   prometheus.Counter
	gasTotal    prometheus.Counter

	stop chan struct{}
	done chan struct{}
}

// sync1 is a one-slot semaphore usable with select.
type sync1 chan struct{}

// NewCollector makes a collector; Start runs it.
func NewCollector(cfg CollectorConfig, deps CollectorDeps) (*Collector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("collector config: %w", err)
	}
	if deps.Ledger == nil || deps.Chain == nil || deps.Operator == nil || deps.GasPrice == nil || deps.Logger == nil {
		return nil, errors.New("market: collector needs Ledger, Chain, Operator, GasPrice and Logger")
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	c := &Collector{cfg: cfg, deps: deps, now: now, log: deps.Logger.With("component", "collector"), runMu: make(sync1, 1),
		emptyUntil: make(map[common.Address]time.Time)}
	c.collections = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_collections_total",
		Help: "collectBatch transactions by outcome."}, []string{"outcome"})
	c.paidTotal = prometheus.NewCounter(prometheus.CounterOpts{Name: "pnode_market_collected_base_units_total",
		Help: "Payment-token base units collected from vouchers (float: large values lose precision)."})
	c.gasTotal = prometheus.NewCounter(prometheus.CounterOpts{Name: "pnode_market_collect_gas_total",
		Help: "Gas used by collectBatch transactions."})
	for _, o := range []string{"ok", "error"} {
		c.collections.WithLabelValues(o)
	}
	if deps.Registry != nil {
		for _, m := range []prometheus.Collector{c.collections, c.paidTotal, c.gasTotal} {
			if err := deps.Registry.Register(m); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// Start runs a round every Interval until Close.
func (c *Collector) Start() {
	c.stop, c.done = make(chan struct{}), make(chan struct{})
	go c.loop(c.stop, c.done)
}

// Close stops the loop and waits for a round in progress (its transaction wait is cancelled;
// a transaction already sent is found collected by the next round).
func (c *Collector) Close() error {
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
	return nil
}

func (c *Collector) loop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(c.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-stop:
			return
		}
		rctx, rcancel := context.WithTimeout(ctx, c.cfg.Timeout)
		rep, err := c.Run(rctx, false)
		rcancel()
		switch {
		case err != nil && ctx.Err() == nil:
			c.log.Warn("collection failed; retrying next round", "err", err)
		case rep.Txs > 0:
			c.log.Info("vouchers collected", "reason", rep.Reason, "vouchers", rep.Vouchers, "paid", rep.Paid,
				"skipped", rep.Skipped, "dropped", rep.Dropped, "txs", rep.Txs, "gas", rep.GasUsed)
		}
	}
}

// Run does one round: it collects every claim when force is set or the total owed passes the
// gas threshold, else only the claims of payers whose thaw ends within ThawMargin.
func (c *Collector) Run(ctx context.Context, force bool) (CollectReport, error) {
	select {
	case c.runMu <- struct{}{}:
		defer func() { <-c.runMu }()
	case <-ctx.Done():
		return CollectReport{Paid: new(big.Int)}, ctx.Err()
	}
	rep := CollectReport{Paid: new(big.Int)}
	var claims []Claim
	now := c.now()
	for _, cl := range c.deps.Ledger.Claims() {
		// A drained payer's voucher would only be skipped again: retry it after a while.
		if until, ok := c.emptyUntil[cl.Voucher.Payer]; ok && !force && now.Before(until) {
			continue
		}
		claims = append(claims, cl)
	}
	if len(claims) == 0 {
		return rep, nil
	}
	owed := new(big.Int)
	for _, cl := range claims {
		owed.Add(owed, cl.Owed)
	}
	pick := claims
	switch {
	case force:
		rep.Reason = "forced"
	case c.worthIt(ctx, owed, len(claims)):
		rep.Reason = "threshold"
	default:
		urgent, err := c.thawing(ctx, claims)
		if err != nil {
			return rep, err
		}
		if len(urgent) == 0 {
			return rep, nil
		}
		pick, rep.Reason = urgent, "thaw"
	}
	for len(pick) > 0 {
		n := min(len(pick), c.cfg.MaxBatch)
		if err := c.collect(ctx, pick[:n], &rep); err != nil {
			return rep, err
		}
		pick = pick[n:]
	}
	return rep, nil
}

// worthIt reports whether owed covers GasMultiple times the gas of collecting n vouchers.
func (c *Collector) worthIt(ctx context.Context, owed *big.Int, n int) bool {
	gp, err := c.deps.GasPrice(ctx)
	if err != nil {
		c.log.Debug("gas price unavailable; waiting", "err", err)
		return false
	}
	batches := uint64((n + c.cfg.MaxBatch - 1) / c.cfg.MaxBatch)
	gas := new(big.Int).SetUint64(batches*c.cfg.GasPerBatch + uint64(n)*c.cfg.GasPerVoucher)
	cost := new(big.Float).SetInt(new(big.Int).Mul(gas, gp))
	cost.Mul(cost, big.NewFloat(c.cfg.GasTokenRate*c.cfg.GasMultiple))
	return new(big.Float).SetInt(owed).Cmp(cost) >= 0
}

// thawing returns the claims of payers whose thaw ends within ThawMargin (chain time).
func (c *Collector) thawing(ctx context.Context, claims []Claim) ([]Claim, error) {
	now := c.now()
	if c.deps.Head != nil {
		if h, err := c.deps.Head.HeaderByNumber(ctx, nil); err == nil {
			now = time.Unix(int64(h.Time), 0)
		}
	}
	deadline := now.Add(c.cfg.ThawMargin)
	urgent := make(map[common.Address]bool)
	var out []Claim
	for _, cl := range claims {
		v := cl.Voucher
		u, seen := urgent[v.Payer]
		if !seen {
			a, err := c.deps.Chain.Account(ctx, v.Payer, v.ProviderID, v.Token)
			if err != nil {
				return nil, fmt.Errorf("market: collector: account: %w", err)
			}
			u = orZero(a.Thawing).Sign() > 0 && !a.ThawEndsAt.IsZero() && a.ThawEndsAt.Before(deadline)
			urgent[v.Payer] = u
			if u {
				c.log.Info("payer thawing: collecting before the thaw ends", "peer", v.Payer.Hex()[:10], "thaw_ends", a.ThawEndsAt)
			}
		}
		if u {
			out = append(out, cl)
		}
	}
	return out, nil
}

// collect sends one collectBatch; an entry that makes the batch revert (a signer revoked since,
// say) is dropped from the ledger and the rest is sent again.
func (c *Collector) collect(ctx context.Context, claims []Claim, rep *CollectReport) error {
	for len(claims) > 0 {
		svs := make([]SignedVoucher, len(claims))
		for i, cl := range claims {
			svs[i] = cl.Voucher
		}
		res, rcpt, err := c.deps.Chain.CollectBatch(ctx, c.deps.Operator, svs)
		if rcpt != nil {
			rep.GasUsed += rcpt.GasUsed
			c.gasTotal.Add(float64(rcpt.GasUsed))
		}
		if be, ok := errors.AsType[*BatchEntryError](err); ok && be.Index >= 0 && be.Index < len(claims) {
			bad := claims[be.Index].Voucher
			if derr := c.deps.Ledger.DropVoucher(bad.Payer, bad.Lane, be.Err); derr != nil {
				return derr
			}
			rep.Dropped++
			claims = append(claims[:be.Index:be.Index], claims[be.Index+1:]...)
			continue
		}
		if err != nil {
			c.collections.WithLabelValues("error").Inc()
			return err
		}
		c.collections.WithLabelValues("ok").Inc()
		rep.Txs++
		rep.Paid.Add(rep.Paid, res.Paid)
		if f, _ := new(big.Float).SetInt(res.Paid).Float64(); f > 0 {
			c.paidTotal.Add(f)
		}
		for _, ev := range res.Collected {
			rep.Vouchers++
			delete(c.emptyUntil, ev.Payer)
			if err := c.deps.Ledger.RecordCollected(ev.Payer, ev.Lane, ev.Collected); err != nil {
				return err
			}
		}
		for _, ev := range res.Skipped {
			rep.Skipped++
			if !errors.Is(ev.Reason, ErrNothingToCollect) {
				c.log.Warn("voucher paid nothing: payer's escrow is empty", "peer", ev.Payer.Hex()[:10], "lane", ev.Lane)
				c.emptyUntil[ev.Payer] = c.now().Add(emptyRetry)
				continue
			}
			// Collected by someone earlier (a previous run whose wait was cut): learn the counter.
			got, err := c.deps.Chain.Collected(ctx, ev.Payer, ev.ProviderID, ev.Token, ev.Lane)
			if err != nil {
				return fmt.Errorf("market: collector: collected: %w", err)
			}
			if err := c.deps.Ledger.RecordCollected(ev.Payer, ev.Lane, got); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}
