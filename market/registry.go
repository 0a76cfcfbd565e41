package market

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for RegistryConfig.
const (
	// DefaultConfirmations is how far behind the head the cache reads: blocks this deep are
	// treated as final. Reorgs shallower than this never reach the cache; deeper ones are
	// detected by hash and repaired.
	DefaultConfirmations = 6
	// DefaultPollInterval is how often the cache follows the chain (eth_getLogs polling).
	DefaultPollInterval = 15 * time.Second
	// DefaultReconcileInterval is how often the cache is diffed against a fresh snapshot.
	DefaultReconcileInterval = 6 * time.Hour
	// DefaultLogRange is the most blocks one eth_getLogs call spans (RPC providers cap ranges).
	DefaultLogRange = 5000
	// DefaultStaleAfter: the cache is not ready when its last successful sync is older.
	DefaultStaleAfter = 10 * time.Minute
	// defaultJournal is how many sync checkpoints are kept to find the fork point of a reorg.
	defaultJournal = 256
	// snapshotVersion is the version of the snapshot file format.
	snapshotVersion = 1
)

// RegistryConfig configures a RegistryCache. It never changes after NewRegistryCache.
type RegistryConfig struct {
	Confirmations     uint64
	PollInterval      time.Duration
	ReconcileInterval time.Duration
	LogRange          uint64
	StaleAfter        time.Duration
	// File, when set, is where the snapshot is persisted (JSON), so a restart resumes from it
	// instead of rescanning.
	File string
	// Progress, when set, is called during a catch-up with the blocks done and to do. It runs
	// on the syncing goroutine.
	Progress func(done, total uint64)
}

// DefaultRegistryConfig returns the production defaults.
func DefaultRegistryConfig() RegistryConfig {
	return RegistryConfig{
		Confirmations:     DefaultConfirmations,
		PollInterval:      DefaultPollInterval,
		ReconcileInterval: DefaultReconcileInterval,
		LogRange:          DefaultLogRange,
		StaleAfter:        DefaultStaleAfter,
	}
}

// Validate checks the settings.
func (c RegistryConfig) Validate() error {
	var errs []error
	if c.PollInterval < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("registry-poll-interval: %v below 10ms", c.PollInterval))
	}
	if c.ReconcileInterval < c.PollInterval {
		errs = append(errs, errors.New("registry-reconcile-interval: below registry-poll-interval"))
	}
	if c.LogRange < 1 {
		errs = append(errs, errors.New("registry-log-range: must be >= 1"))
	}
	if c.StaleAfter < c.PollInterval {
		errs = append(errs, errors.New("registry-stale-after: below registry-poll-interval"))
	}
	return errors.Join(errs...)
}

// ErrStale reports a registry cache whose view of the chain is out of date.
var ErrStale = errors.New("market: registry cache is stale")

// chainReader is what the cache reads besides contract views: headers and logs. Every Backend
// satisfies it.
type chainReader interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// cached is one provider record and the position (block, log index) it was read at; a log applies
// only when it is newer. Records re-read by a view call sit at (block, maxLogIndex).
type cached struct {
	P        Provider `json:"provider"`
	Block    uint64   `json:"block"`
	LogIndex uint     `json:"logIndex"`
}

const maxLogIndex = ^uint(0) >> 1

func (c *cached) newer(block uint64, idx uint) bool {
	return block > c.Block || block == c.Block && idx > c.LogIndex
}

// checkpoint is one sync step: the block synced to, its hash, and the providers the step touched.
type checkpoint struct {
	Block   uint64      `json:"block"`
	Hash    common.Hash `json:"hash"`
	Touched []uint64    `json:"touched,omitempty"`
}

// snapshotFile is the persisted cache.
type snapshotFile struct {
	Version   int               `json:"version"`
	ChainID   uint64            `json:"chainId"`
	Registry  common.Address    `json:"registry"`
	Block     uint64            `json:"block"`
	Hash      common.Hash       `json:"hash"`
	SyncedAt  time.Time         `json:"syncedAt"`
	Providers map[uint64]cached `json:"providers"`
	Journal   []checkpoint      `json:"journal,omitempty"`
}

// RegistryStatus describes how fresh the cache is.
type RegistryStatus struct {
	Block     uint64      // safe block the cache reflects (0 before the first sync)
	Hash      common.Hash // its hash
	Head      uint64      // chain head at the last successful sync
	SyncedAt  time.Time   // last successful sync (or the loaded snapshot's)
	LastError error       // error of the last sync attempt; nil when it succeeded
	Stale     bool        // the last attempt failed, nothing was synced yet, or SyncedAt is older than StaleAfter
}

// RegistryCache is a local, reorg-aware copy of the provider listing: a snapshot read with view
// calls at a safe block (head - Confirmations), then kept current from Registry events (which carry
// full records). Each sync checks that the block it last synced to is still canonical; when it is
// not (a reorg deeper than Confirmations), it finds the last checkpoint still on the chain, re-reads
// every provider touched since with view calls at the new safe block, and goes on from there. When
// the RPC endpoint fails, the last good listing is still served and Status reports it stale.
//
// Start runs the follow loop on a goroutine that Close stops and awaits. Sync may also be called
// directly (pnctl does, without Start). It is safe for concurrent use.
type RegistryCache struct {
	cfg   RegistryConfig   // static after construction
	chain *Chain           // static after construction
	rd    chainReader      // static after construction
	log   *slog.Logger     // static after construction
	now   func() time.Time // static after construction

	syncMu sync.Mutex // serialises Sync; held across RPC calls, never with mu

	mu        sync.Mutex
	providers map[uint64]*cached // guarded by mu
	block     uint64             // guarded by mu
	hash      common.Hash        // guarded by mu
	head      uint64             // guarded by mu
	journal   []checkpoint       // guarded by mu
	syncedAt  time.Time          // guarded by mu
	lastErr   error              // guarded by mu
	synced    bool               // a sync succeeded in this process; guarded by mu
	reconAt   time.Time          // last reconcile; guarded by mu
	savedAt   time.Time          // last snapshot write; guarded by mu
	dirty     bool               // changed since the last write; guarded by mu

	metrics registryMetrics

	stop chan struct{}
	done chan struct{}
}

type registryMetrics struct {
	block     prometheus.Gauge
	lag       prometheus.Gauge
	providers prometheus.Gauge
	syncs     *prometheus.CounterVec
	reorgs    prometheus.Counter
}

// NewRegistryCache makes a cache of chain's Registry. rd reads headers and logs (the Backend
// chain was built on). It loads cfg.File when present and matching the deployment; it makes no
// RPC call, so a node starts and serves its persisted listing while the chain is unreachable.
func NewRegistryCache(chain *Chain, rd chainReader, cfg RegistryConfig, log *slog.Logger) (*RegistryCache, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	if chain == nil || rd == nil || log == nil {
		return nil, errors.New("market: registry cache needs a chain, a reader and a logger")
	}
	r := &RegistryCache{
		cfg:       cfg,
		chain:     chain,
		rd:        rd,
		log:       log.With("component", "registry"),
		now:       time.Now,
		providers: make(map[uint64]*cached),
	}
	r.metrics = registryMetrics{
		block: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pnode_market_registry_block",
			Help: "Safe block the provider registry cache reflects."}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pnode_market_chain_head_lag_blocks",
			Help: "Blocks between the chain head and the block the registry cache reflects."}),
		providers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pnode_market_providers",
			Help: "Active providers in the registry cache."}),
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pnode_market_registry_syncs_total",
			Help: "Registry cache sync attempts by outcome."}, []string{"outcome"}),
		reorgs: prometheus.NewCounter(prometheus.CounterOpts{Name: "pnode_market_registry_reorgs_total",
			Help: "Reorgs deeper than the confirmation depth that the registry cache repaired."}),
	}
	for _, o := range []string{"ok", "error", "snapshot", "reorg"} {
		r.metrics.syncs.WithLabelValues(o)
	}
	if cfg.File != "" {
		if err := r.load(); err != nil {
			r.log.Warn("registry snapshot not used; starting from a fresh snapshot", "file", cfg.File, "err", err)
		}
	}
	return r, nil
}

// Collectors returns the cache's metrics for registration.
func (r *RegistryCache) Collectors() []prometheus.Collector {
	m := r.metrics
	return []prometheus.Collector{m.block, m.lag, m.providers, m.syncs, m.reorgs}
}

// Start runs the follow loop: a sync every PollInterval (the first one at once) and a full
// reconcile every ReconcileInterval. Close stops it.
func (r *RegistryCache) Start() {
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	go r.loop(r.stop, r.done)
}

// Close stops the follow loop, waits for it and writes the snapshot.
func (r *RegistryCache) Close() error {
	if r.stop != nil {
		close(r.stop)
		<-r.done
		r.stop = nil
	}
	return r.save(true)
}

func (r *RegistryCache) loop(stop <-chan struct{}, done chan<- struct{}) {
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
	t := time.NewTicker(r.cfg.PollInterval)
	defer t.Stop()
	for {
		if err := r.Sync(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("registry sync failed; serving the last good listing", "err", err)
		}
		select {
		case <-t.C:
		case <-stop:
			return
		}
	}
}

// Sync brings the cache up to the current safe block: a snapshot the first time, then the
// Registry logs since the last sync, repairing reorgs on the way; every ReconcileInterval it
// replaces the cache with a fresh snapshot. On error the cache keeps its last good state.
func (r *RegistryCache) Sync(ctx context.Context) error {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	err := r.sync(ctx)
	r.mu.Lock()
	r.lastErr = err
	if err == nil {
		r.syncedAt, r.synced = r.now(), true
	}
	r.mu.Unlock()
	if err != nil {
		r.metrics.syncs.WithLabelValues("error").Inc()
		return err
	}
	r.metrics.syncs.WithLabelValues("ok").Inc()
	return r.save(false)
}

func (r *RegistryCache) sync(ctx context.Context) error {
	head, err := r.rd.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("market: registry: head: %w", err)
	}
	n := head.Number.Uint64()
	safeN := uint64(0)
	if n > r.cfg.Confirmations {
		safeN = n - r.cfg.Confirmations
	}
	safe, err := r.rd.HeaderByNumber(ctx, new(big.Int).SetUint64(safeN))
	if err != nil {
		return fmt.Errorf("market: registry: safe block %d: %w", safeN, err)
	}
	r.mu.Lock()
	block, hash, empty := r.block, r.hash, r.hash == (common.Hash{})
	reconcile := !empty && r.now().Sub(r.reconAt) >= r.cfg.ReconcileInterval
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.head = n
		r.mu.Unlock()
		r.metrics.lag.Set(float64(n - min(n, r.Status().Block)))
	}()
	if empty || reconcile {
		return r.snapshot(ctx, safe, reconcile)
	}
	// The block we synced to must still be on the chain (it may even be above the safe block now,
	// after a reorg onto a shorter chain or a switch to a node that lags).
	cur, err := r.rd.HeaderByNumber(ctx, new(big.Int).SetUint64(block))
	if err != nil && !errors.Is(err, ethereum.NotFound) {
		return fmt.Errorf("market: registry: block %d: %w", block, err)
	}
	if cur == nil || cur.Hash() != hash {
		return r.repair(ctx, safe)
	}
	if safe.Number.Uint64() <= block {
		return nil
	}
	return r.follow(ctx, block, safe, nil)
}

// snapshot replaces the cache with the active providers read at safe.
func (r *RegistryCache) snapshot(ctx context.Context, safe *types.Header, reconcile bool) error {
	list, err := r.chain.At(safe.Number).AllProviders(ctx)
	if err != nil {
		return fmt.Errorf("market: registry: snapshot at %d: %w", safe.Number, err)
	}
	fresh := make(map[uint64]*cached, len(list))
	for _, p := range list {
		fresh[p.ID] = &cached{P: p, Block: safe.Number.Uint64(), LogIndex: maxLogIndex}
	}
	r.mu.Lock()
	if reconcile {
		if d := diffListings(r.providers, fresh); d > 0 {
			r.log.Warn("registry reconcile found differences; cache replaced", "providers", d)
		}
	}
	r.providers = fresh
	r.block, r.hash = safe.Number.Uint64(), safe.Hash()
	r.journal = []checkpoint{{Block: r.block, Hash: r.hash}}
	r.reconAt, r.dirty = r.now(), true
	r.mu.Unlock()
	r.metrics.syncs.WithLabelValues("snapshot").Inc()
	r.setGauges()
	r.log.Info("registry snapshot", "block", safe.Number, "providers", len(list), "reconcile", reconcile)
	return nil
}

// diffListings counts the active providers that differ between two caches.
func diffListings(a, b map[uint64]*cached) int {
	n := 0
	for id, x := range a {
		y, ok := b[id]
		if x.P.Active && (!ok || !reflect.DeepEqual(x.P, y.P)) {
			n++
		}
	}
	for id, y := range b {
		if _, ok := a[id]; !ok && y.P.Active {
			n++
		}
	}
	return n
}

// follow applies the Registry logs of (from, safe] and records a checkpoint. reread are providers
// that were just read at safe by a view call; older logs do not touch them.
func (r *RegistryCache) follow(ctx context.Context, from uint64, safe *types.Header, reread map[uint64]bool) error {
	to := safe.Number.Uint64()
	addr := r.chain.Addresses().Registry
	touched := make(map[uint64]bool)
	for k := range reread {
		touched[k] = true
	}
	var updates []ProviderEvent
	for lo := from + 1; lo <= to; lo += r.cfg.LogRange {
		hi := min(lo+r.cfg.LogRange-1, to)
		logs, err := r.rd.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(lo), ToBlock: new(big.Int).SetUint64(hi), Addresses: []common.Address{addr},
		})
		if err != nil {
			return fmt.Errorf("market: registry: logs %d-%d: %w", lo, hi, err)
		}
		for i := range logs {
			l := &logs[i]
			if l.Removed {
				// Only subscriptions deliver removed logs; treat the provider as affected.
				if ev, err := r.chain.DecodeRegistryLog(l); err == nil {
					touched[ev.Provider.ID] = true
				}
				continue
			}
			ev, err := r.chain.DecodeRegistryLog(l)
			if errors.Is(err, ErrUnknownEvent) {
				continue
			}
			if err != nil {
				return err
			}
			touched[ev.Provider.ID] = true
			updates = append(updates, ev)
		}
		if r.cfg.Progress != nil {
			r.cfg.Progress(hi-from, to-from)
		}
	}
	sort.SliceStable(updates, func(i, k int) bool {
		a, b := updates[i].Log, updates[k].Log
		return a.BlockNumber < b.BlockNumber || a.BlockNumber == b.BlockNumber && a.Index < b.Index
	})
	r.mu.Lock()
	for _, ev := range updates {
		c := r.providers[ev.Provider.ID]
		if c == nil {
			c = &cached{}
			r.providers[ev.Provider.ID] = c
		} else if !c.newer(ev.Log.BlockNumber, ev.Log.Index) {
			continue // idempotent: an event at or before what we hold
		}
		c.P, c.Block, c.LogIndex = ev.Provider, ev.Log.BlockNumber, ev.Log.Index
	}
	ids := make([]uint64, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	r.block, r.hash = to, safe.Hash()
	r.journal = append(r.journal, checkpoint{Block: to, Hash: safe.Hash(), Touched: ids})
	if len(r.journal) > defaultJournal {
		// A repair only needs the providers touched after the fork point, so the oldest
		// checkpoints can go; a reorg below all of them takes a new snapshot.
		r.journal = slices.Clone(r.journal[len(r.journal)-defaultJournal:])
	}
	r.dirty = true
	r.mu.Unlock()
	r.setGauges()
	if len(updates) > 0 {
		r.log.Debug("registry events applied", "from", from+1, "to", to, "events", len(updates))
	}
	return nil
}

// repair handles a reorg below the synced block: it finds the newest checkpoint still canonical,
// re-reads every provider touched after it at the new safe block, and follows from there. With no
// canonical checkpoint left it takes a new snapshot.
func (r *RegistryCache) repair(ctx context.Context, safe *types.Header) error {
	r.mu.Lock()
	journal := slices.Clone(r.journal)
	r.mu.Unlock()
	fork := -1
	for i := len(journal) - 1; i >= 0; i-- {
		cp := journal[i]
		if cp.Block > safe.Number.Uint64() {
			continue
		}
		h, err := r.rd.HeaderByNumber(ctx, new(big.Int).SetUint64(cp.Block))
		if err != nil && !errors.Is(err, ethereum.NotFound) {
			return fmt.Errorf("market: registry: block %d: %w", cp.Block, err)
		}
		if h != nil && h.Hash() == cp.Hash {
			fork = i
			break
		}
	}
	r.metrics.reorgs.Inc()
	r.metrics.syncs.WithLabelValues("reorg").Inc()
	if fork < 0 {
		r.log.Warn("registry reorg below every checkpoint; taking a new snapshot", "safe", safe.Number)
		return r.snapshot(ctx, safe, false)
	}
	affected := make(map[uint64]bool)
	for _, cp := range journal[fork+1:] {
		for _, id := range cp.Touched {
			affected[id] = true
		}
	}
	view := r.chain.At(safe.Number)
	fresh := make(map[uint64]*cached, len(affected))
	for id := range affected {
		p, err := view.Provider(ctx, id)
		if errors.Is(err, ErrUnknownProvider) {
			fresh[id] = nil
			continue
		}
		if err != nil {
			return fmt.Errorf("market: registry: re-read provider %d: %w", id, err)
		}
		fresh[id] = &cached{P: p, Block: safe.Number.Uint64(), LogIndex: maxLogIndex}
	}
	r.mu.Lock()
	for id, c := range fresh {
		if c == nil {
			delete(r.providers, id)
		} else {
			r.providers[id] = c
		}
	}
	// Records kept from the dropped branch are newer than the fork point; positions there mean
	// nothing now, so pin the affected ones to the safe block (done above) and rewind the rest.
	base := journal[fork]
	r.journal = journal[:fork+1]
	r.block, r.hash, r.dirty = base.Block, base.Hash, true
	r.mu.Unlock()
	r.log.Warn("registry reorg repaired", "fork_block", base.Block, "safe", safe.Number, "reread", len(fresh))
	return r.follow(ctx, base.Block, safe, affected)
}

func (r *RegistryCache) setGauges() {
	r.mu.Lock()
	n := 0
	for _, c := range r.providers {
		if c.P.Active {
			n++
		}
	}
	b := r.block
	r.mu.Unlock()
	r.metrics.providers.Set(float64(n))
	r.metrics.block.Set(float64(b))
}

// Providers returns the active providers by ascending id, as of the cache's safe block.
func (r *RegistryCache) Providers() []Provider {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Provider, 0, len(r.providers))
	for _, c := range r.providers {
		if c.P.Active {
			out = append(out, c.P)
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out
}

// Provider returns provider id's cached record (active or not).
func (r *RegistryCache) Provider(id uint64) (Provider, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.providers[id]
	if !ok {
		return Provider{}, false
	}
	return c.P, true
}

// PriceAt returns the price provider id's cached record puts in force at t. It is Provider(id)
// and Provider.PriceAt without copying the record.
func (r *RegistryCache) PriceAt(id uint64, t time.Time) (Price, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.providers[id]
	if !ok {
		return Price{}, false
	}
	return c.P.PriceAt(t), true
}

// Status reports how fresh the cache is.
func (r *RegistryCache) Status() RegistryStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := RegistryStatus{Block: r.block, Hash: r.hash, Head: r.head, SyncedAt: r.syncedAt, LastError: r.lastErr}
	st.Stale = r.lastErr != nil || !r.synced || r.now().Sub(r.syncedAt) > r.cfg.StaleAfter
	return st
}

// Ready reports ErrStale when no sync has succeeded for StaleAfter (the listing is still served).
func (r *RegistryCache) Ready() error {
	st := r.Status()
	if st.SyncedAt.IsZero() || r.now().Sub(st.SyncedAt) > r.cfg.StaleAfter {
		if st.LastError != nil {
			return fmt.Errorf("%w: %w", ErrStale, st.LastError)
		}
		return ErrStale
	}
	return nil
}

// Listing returns the active providers in their wire form, with prices in force now.
func (r *RegistryCache) Listing() Listing {
	st := r.Status()
	now := r.now()
	ps := r.Providers()
	l := Listing{Block: st.Block, Stale: st.Stale, Providers: make([]ListedProvider, 0, len(ps))}
	if !st.SyncedAt.IsZero() {
		l.SyncedAt = st.SyncedAt.Unix()
	}
	for _, p := range ps {
		l.Providers = append(l.Providers, ListProvider(p, now))
	}
	return l
}

// ---------------------------------------------------------------- persistence

func (r *RegistryCache) load() error {
	b, err := os.ReadFile(r.cfg.File)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var f snapshotFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	switch {
	case f.Version != snapshotVersion:
		return fmt.Errorf("version %d, want %d", f.Version, snapshotVersion)
	case f.ChainID != r.chain.ChainID().Uint64() || f.Registry != r.chain.Addresses().Registry:
		return fmt.Errorf("snapshot of chain %d registry %s, not of this deployment", f.ChainID, f.Registry)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, c := range f.Providers {
		c := c
		if c.P.ID != id {
			return fmt.Errorf("provider %d stored under id %d", c.P.ID, id)
		}
		r.providers[id] = &c
	}
	r.block, r.hash, r.syncedAt, r.journal = f.Block, f.Hash, f.SyncedAt, f.Journal
	if len(r.journal) == 0 {
		r.journal = []checkpoint{{Block: f.Block, Hash: f.Hash}}
	}
	r.reconAt = r.now() // a loaded snapshot is verified by hash; reconcile on the usual schedule
	r.log.Info("registry snapshot loaded", "file", r.cfg.File, "block", f.Block, "providers", len(f.Providers))
	return nil
}

// save writes the snapshot file (atomically: temp file, fsync, rename) when it changed, at most
// once a PollInterval unless forced.
func (r *RegistryCache) save(force bool) error {
	if r.cfg.File == "" {
		return nil
	}
	r.mu.Lock()
	if !r.dirty || r.hash == (common.Hash{}) || (!force && r.now().Sub(r.savedAt) < r.cfg.PollInterval) {
		r.mu.Unlock()
		return nil
	}
	f := snapshotFile{
		Version: snapshotVersion, ChainID: r.chain.ChainID().Uint64(), Registry: r.chain.Addresses().Registry,
		Block: r.block, Hash: r.hash, SyncedAt: r.syncedAt, Providers: make(map[uint64]cached, len(r.providers)),
		Journal: slices.Clone(r.journal),
	}
	for id, c := range r.providers {
		f.Providers[id] = *c
	}
	r.dirty, r.savedAt = false, r.now()
	r.mu.Unlock()
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(r.cfg.File, b); err != nil {
		r.mu.Lock()
		r.dirty = true
		r.mu.Unlock()
		return fmt.Errorf("market: registry: save snapshot: %w", err)
	}
	return nil
}

// writeFileAtomic replaces path with b: a temp file in the same directory, fsync, rename, fsync
// of the directory.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ---------------------------------------------------------------- wire form

// Listing is the provider listing a node serves (pn_providers, GET /v1/providers).
type Listing struct {
	// Block is the safe block the listing reflects.
	Block uint64 `json:"block"`
	// SyncedAt is when the node last synced it (unix seconds; 0 = never in this process or file).
	SyncedAt int64 `json:"syncedAt"`
	// Stale is set when the node could not reach the chain on its last attempt.
	Stale     bool             `json:"stale"`
	Providers []ListedProvider `json:"providers"`
}

// ListedProvider is one provider in wire form. Amounts are decimal strings in base units of the
// provider's payment token (stake: of the stake token).
type ListedProvider struct {
	ID                    uint64         `json:"id"`
	Operator              common.Address `json:"operator"`
	Token                 common.Address `json:"token"`
	Stake                 *Amount        `json:"stake"`
	Services              []string       `json:"services"`
	Gateways              []string       `json:"gateways"`
	CapacityWakeupsPerDay uint64         `json:"capacityWakeupsPerDay"`
	CapacityGB            uint64         `json:"capacityGB"`
	Price                 PriceJSON      `json:"price"`
	PendingPrice          *PriceJSON     `json:"pendingPrice,omitempty"`
	PendingAt             int64          `json:"pendingAt,omitempty"`
	NodeKey               HexBytes       `json:"nodeKey"`
	Endpoint              string         `json:"endpoint"`
}

// PriceJSON is a Price in wire form.
type PriceJSON struct {
	PerKWakeups *Amount `json:"perKWakeups"`
	PerKHistory *Amount `json:"perKHistory"`
	PerGBMonth  *Amount `json:"perGBMonth"`
}

// JSON returns p in wire form.
func (p Price) JSON() PriceJSON {
	return PriceJSON{PerKWakeups: NewAmount(p.PerKWakeups), PerKHistory: NewAmount(p.PerKHistory), PerGBMonth: NewAmount(p.PerGBMonth)}
}

// Price returns the wire form as a Price (nil amounts become zero).
func (p PriceJSON) Price() Price {
	return Price{PerKWakeups: p.PerKWakeups.Int(), PerKHistory: p.PerKHistory.Int(), PerGBMonth: p.PerGBMonth.Int()}
}

// Service and gateway names in wire form.
var (
	serviceNames = []struct {
		bit  Services
		name string
	}{{ServicePush, "push"}, {ServiceStore, "store"}}
	gatewayNames = []struct {
		bit  Gateways
		name string
	}{{GatewayAPNs, "apns"}, {GatewayFCM, "fcm"}, {GatewayWebPush, "webpush"}}
)

// ListProvider returns p in wire form with the price in force at now.
func ListProvider(p Provider, now time.Time) ListedProvider {
	lp := ListedProvider{
		ID: p.ID, Operator: p.Operator, Token: p.Token, Stake: NewAmount(p.Stake),
		Services: []string{}, Gateways: []string{},
		CapacityWakeupsPerDay: p.CapacityWakeupsPerDay, CapacityGB: p.CapacityGB,
		Price: p.PriceAt(now).JSON(), NodeKey: p.NodeKey, Endpoint: p.Endpoint,
	}
	for _, s := range serviceNames {
		if p.Services&s.bit != 0 {
			lp.Services = append(lp.Services, s.name)
		}
	}
	for _, g := range gatewayNames {
		if p.Gateways&g.bit != 0 {
			lp.Gateways = append(lp.Gateways, g.name)
		}
	}
	if p.PendingPrice != nil && now.Before(p.EffectiveAt) {
		pp := p.PendingPrice.JSON()
		lp.PendingPrice, lp.PendingAt = &pp, p.EffectiveAt.Unix()
	}
	return lp
}

// HasService reports whether the provider offers the named service ("push", "store").
func (lp ListedProvider) HasService(name string) bool { return slices.Contains(lp.Services, name) }

// HexBytes is a byte string in 0x-hex wire form.
type HexBytes []byte

// MarshalText encodes b as 0x-prefixed hex.
func (b HexBytes) MarshalText() ([]byte, error) {
	return []byte("0x" + common.Bytes2Hex(b)), nil
}

// UnmarshalText decodes 0x-prefixed hex.
func (b *HexBytes) UnmarshalText(t []byte) error {
	s := string(t)
	if len(s) < 2 || s[:2] != "0x" && s[:2] != "0X" || len(s)%2 != 0 {
		return fmt.Errorf("want 0x-prefixed hex of whole bytes, got %q", truncate(s, 16))
	}
	for _, c := range s[2:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("want 0x-prefixed hex, got %q", truncate(s, 16))
		}
	}
	*b = common.FromHex(s)
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// WithChainID returns b answering ChainID with id without a call, so that NewChain works (and a
// node starts, serving its persisted listing) while the chain endpoint is down.
func WithChainID(b Backend, id *big.Int) Backend { return fixedChainID{b, new(big.Int).Set(id)} }

type fixedChainID struct {
	Backend
	id *big.Int
}

func (b fixedChainID) ChainID(context.Context) (*big.Int, error) { return new(big.Int).Set(b.id), nil }
