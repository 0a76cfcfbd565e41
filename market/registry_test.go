package market

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"
)

// mkt is a dev market for the registry, ledger and collector tests.
type mkt struct {
	t  *testing.T
	dm *DevChain
	c  *Chain
}

func mktParams() Params {
	return Params{
		MinStake:    new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether)),
		PriceDelay:  time.Hour,
		Unbonding:   2 * time.Hour,
		ThawPeriod:  2 * time.Hour,
		RevokeDelay: 2 * time.Hour,
	}
}

func newMkt(t *testing.T, accounts int) *mkt {
	t.Helper()
	dm, err := StartDevChain(t.Context(), mktParams(), accounts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dm.Close() })
	c, err := NewChain(t.Context(), dm.Backend(), dm.Addresses)
	if err != nil {
		t.Fatal(err)
	}
	return &mkt{t: t, dm: dm, c: c}
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// register registers account i as a provider charging perKWakeups per 1,000 wakeups in the dev
// token, and returns its id.
func (m *mkt) register(i int, perKWakeups int64, endpoint string) uint64 {
	m.t.Helper()
	k, _ := crypto.GenerateKey()
	id, _, err := m.c.Register(m.t.Context(), m.dm.Transactor(i), RegisterArgs{
		Endpoint: endpoint, NodeKey: crypto.CompressPubkey(&k.PublicKey),
		Services: ServicePush | ServiceStore, Gateways: GatewayAPNs | GatewayFCM,
		CapacityWakeupsPerDay: 1_000_000, CapacityGB: 100,
		Price: Price{PerKWakeups: big.NewInt(perKWakeups), PerKHistory: big.NewInt(perKWakeups / 10), PerGBMonth: big.NewInt(perKWakeups * 2)},
		Token: m.dm.Addresses.Token, Stake: mktParams().MinStake,
	})
	if err != nil {
		m.t.Fatal(err)
	}
	return id
}

func (m *mkt) cache(cfg RegistryConfig) *RegistryCache {
	m.t.Helper()
	r, err := NewRegistryCache(m.c, m.dm.Backend(), cfg, testLog(m.t))
	if err != nil {
		m.t.Fatal(err)
	}
	return r
}

func testRegistryConfig() RegistryConfig {
	cfg := DefaultRegistryConfig()
	cfg.Confirmations = 0
	cfg.PollInterval = 20 * time.Millisecond
	cfg.StaleAfter = time.Minute
	cfg.LogRange = 3 // several chunks per catch-up
	return cfg
}

func endpoints(ps []Provider) map[uint64]string {
	out := make(map[uint64]string)
	for _, p := range ps {
		out[p.ID] = p.Endpoint
	}
	return out
}

func TestRegistryCacheSnapshotThenEvents(t *testing.T) {
	m := newMkt(t, 4)
	ctx := t.Context()
	a := m.register(1, 1000, "ws://a.example/ws")
	r := m.cache(testRegistryConfig())
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := endpoints(r.Providers()); len(got) != 1 || got[a] != "ws://a.example/ws" {
		t.Fatalf("after snapshot: %v", got)
	}
	// Events after the snapshot: a new provider, an update, a price announcement, an exit.
	b := m.register(2, 500, "ws://b.example/ws")
	c := m.register(3, 700, "ws://c.example/ws")
	if _, err := m.c.Update(ctx, m.dm.Transactor(1), a, ProviderUpdate{Endpoint: "ws://a2.example/ws",
		NodeKey: mustKey(t), Services: ServicePush, Gateways: GatewayAPNs, CapacityWakeupsPerDay: 5, CapacityGB: 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.AnnouncePrice(ctx, m.dm.Transactor(2), b, Price{PerKWakeups: big.NewInt(400), PerKHistory: big.NewInt(1), PerGBMonth: big.NewInt(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.RequestExit(ctx, m.dm.Transactor(3), c); err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got := endpoints(r.Providers())
	if len(got) != 2 || got[a] != "ws://a2.example/ws" || got[b] != "ws://b.example/ws" {
		t.Fatalf("after events: %v", got)
	}
	pb, _ := r.Provider(b)
	if pb.PendingPrice == nil || pb.PendingPrice.PerKWakeups.Int64() != 400 || pb.Price.PerKWakeups.Int64() != 500 {
		t.Fatalf("announced price not cached: %+v", pb)
	}
	// PriceAt prices the cached record as Provider.PriceAt does, on each side of EffectiveAt.
	for _, at := range []time.Time{pb.EffectiveAt.Add(-time.Second), pb.EffectiveAt} {
		if got, ok := r.PriceAt(b, at); !ok || got != pb.PriceAt(at) {
			t.Fatalf("PriceAt(%v) = %+v %v, want %+v", at, got, ok, pb.PriceAt(at))
		}
	}
	if _, ok := r.PriceAt(999, time.Now()); ok {
		t.Fatal("PriceAt found a provider that is not cached")
	}
	// Matches what a fresh snapshot reads.
	fresh, err := m.c.AllProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffListings(r.providers, toCached(fresh)); d != 0 {
		t.Fatalf("cache differs from a fresh snapshot in %d providers", d)
	}
	// The wire form.
	l := r.Listing()
	if l.Stale || len(l.Providers) != 2 || l.Providers[0].ID != a || l.Providers[1].PendingPrice == nil {
		t.Fatalf("listing: %+v", l)
	}
	js, _ := json.Marshal(l.Providers[1])
	var back ListedProvider
	if err := json.Unmarshal(js, &back); err != nil || back.Price.PerKWakeups.Int().Int64() != 500 || back.Stake.Int().Cmp(mktParams().MinStake) != 0 {
		t.Fatalf("wire round trip: %s %v", js, err)
	}
}

func mustKey(t *testing.T) []byte {
	k, _ := crypto.GenerateKey()
	return crypto.CompressPubkey(&k.PublicKey)
}

func toCached(ps []Provider) map[uint64]*cached {
	out := make(map[uint64]*cached)
	for _, p := range ps {
		out[p.ID] = &cached{P: p}
	}
	return out
}

// TestRegistryCacheReorg registers provider B in a block that a reorg then replaces with a block
// where B's registration never happened (same nonce, another transaction): the cache must drop B.
func TestRegistryCacheReorg(t *testing.T) {
	m := newMkt(t, 3)
	ctx := t.Context()
	a := m.register(1, 1000, "ws://a.example/ws")
	// Approve B's stake in advance so its registration is one transaction.
	if _, err := m.c.Approve(ctx, m.dm.Transactor(2), m.dm.Addresses.Token, m.dm.Addresses.Registry, mktParams().MinStake); err != nil {
		t.Fatal(err)
	}
	r := m.cache(testRegistryConfig())
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	client := m.dm.Sim.Client()
	parent, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := client.PendingNonceAt(ctx, m.dm.Address(2))
	if err != nil {
		t.Fatal(err)
	}
	b := m.register(2, 500, "ws://b.example/ws")
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := endpoints(r.Providers()); len(got) != 2 || got[b] == "" {
		t.Fatalf("before reorg: %v", got)
	}
	// Reorg: back to parent, and B's nonce spent on a plain transfer instead.
	if err := m.dm.Sim.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	to := m.dm.Address(2)
	tx, err := types.SignNewTx(m.dm.Keys[2], types.LatestSignerForChainID(m.dm.ChainID), &types.DynamicFeeTx{
		ChainID: m.dm.ChainID, Nonce: nonce, GasTipCap: big.NewInt(50 * params.GWei), GasFeeCap: big.NewInt(500 * params.GWei),
		Gas: 21000, To: &to, Value: big.NewInt(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The pool catches up with the new head asynchronously: until it does, it calls the nonce
	// spent.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		err := client.SendTransaction(ctx, tx)
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "nonce too low") || time.Now().After(deadline) {
			t.Fatal(err)
		}
	}
	m.dm.Commit()
	m.dm.Commit()
	if rc, err := client.TransactionReceipt(ctx, tx.Hash()); err != nil || rc.Status != 1 {
		t.Fatalf("replacement not mined: %v %v", rc, err)
	}
	if n, _ := m.c.ProviderCount(ctx); n != 1 {
		t.Fatalf("chain still has %d providers after the reorg", n)
	}
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := endpoints(r.Providers()); len(got) != 1 || got[a] == "" {
		t.Fatalf("after reorg: %v, want only provider %d", got, a)
	}
	if n := metricValue(r.metrics.reorgs); n != 1 {
		t.Fatalf("reorgs counted: %v", n)
	}
	// Following goes on normally on the new branch.
	c := m.register(1, 300, "ws://c.example/ws")
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := endpoints(r.Providers()); len(got) != 2 || got[c] != "ws://c.example/ws" {
		t.Fatalf("after the reorg, new events: %v", got)
	}
}

// TestRegistryCacheOutageAndRestart: with the RPC gone the last good listing is still served and
// readiness reports stale; the persisted snapshot serves a restarted cache at once, and a restart
// on a live chain resumes from the snapshot's block instead of rescanning.
func TestRegistryCacheOutageAndRestart(t *testing.T) {
	m := newMkt(t, 3)
	ctx := t.Context()
	// The cache reads the chain over HTTP JSON-RPC, like a production node; closing the server is
	// the outage.
	srv := httptest.NewServer(m.dm.RPCHandler())
	defer srv.Close()
	ec, err := ethclient.DialContext(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	backend := WithChainID(ec, m.dm.ChainID)
	chain, err := NewChain(ctx, backend, m.dm.Addresses)
	if err != nil {
		t.Fatal(err)
	}
	newCache := func(cfg RegistryConfig) *RegistryCache {
		r, err := NewRegistryCache(chain, backend, cfg, testLog(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := m.register(1, 1000, "ws://a.example/ws")
	cfg := testRegistryConfig()
	cfg.File = filepath.Join(t.TempDir(), "registry.json")
	r := newCache(cfg)
	if err := r.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Ready(); err != nil {
		t.Fatalf("ready after sync: %v", err)
	}
	// Resume on the same live chain from the file: no snapshot, just the new events.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	b := m.register(2, 500, "ws://b.example/ws")
	r2 := newCache(cfg)
	if got := endpoints(r2.Providers()); len(got) != 1 || got[a] == "" {
		t.Fatalf("loaded snapshot: %v", got)
	}
	if !r2.Status().Stale {
		t.Fatal("a loaded snapshot not yet synced must read stale")
	}
	if err := r2.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := endpoints(r2.Providers()); len(got) != 2 || got[b] == "" {
		t.Fatalf("after resuming: %v", got)
	}
	if n := metricValue(r2.metrics.syncs.WithLabelValues("snapshot")); n != 0 {
		t.Fatalf("restart took %v snapshots; want to resume from the file", n)
	}
	clock := time.Now()
	r2.now = func() time.Time { return clock }
	// Outage: the RPC endpoint goes away.
	srv.CloseClientConnections()
	srv.Close()
	if err := r2.Sync(ctx); err == nil {
		t.Fatal("sync with the RPC down succeeded")
	}
	if got := endpoints(r2.Providers()); len(got) != 2 {
		t.Fatalf("listing during the outage: %v", got)
	}
	st := r2.Status()
	if !st.Stale || st.LastError == nil || !r2.Listing().Stale {
		t.Fatalf("status during the outage: %+v", st)
	}
	if err := r2.Ready(); err != nil {
		t.Fatalf("one failed poll must not fail readiness yet: %v", err)
	}
	clock = clock.Add(cfg.StaleAfter + time.Second)
	if err := r2.Ready(); !errors.Is(err, ErrStale) {
		t.Fatalf("ready after StaleAfter without a sync: %v", err)
	}
	if err := r2.Close(); err != nil {
		t.Fatal(err)
	}
	// A restart during the outage serves the persisted listing.
	r3 := newCache(cfg)
	if got := endpoints(r3.Providers()); len(got) != 2 {
		t.Fatalf("restart during the outage: %v", got)
	}
	if r3.Sync(ctx) == nil || !r3.Status().Stale {
		t.Fatal("restarted cache during the outage must report stale")
	}
}

func TestRegistryCacheLoopNoLeak(t *testing.T) {
	func() {
		dm, err := StartDevChain(context.Background(), mktParams(), 1)
		if err != nil {
			t.Fatal(err)
		}
		dm.Close()
	}()
	ignore := []goleak.Option{goleak.IgnoreCurrent(), goleak.IgnoreAnyFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain")}
	func() {
		m := newMkt(t, 2)
		m.register(1, 1000, "ws://a.example/ws")
		r := m.cache(testRegistryConfig())
		r.Start()
		deadline := time.Now().Add(10 * time.Second)
		for len(r.Providers()) != 1 {
			if time.Now().After(deadline) {
				t.Fatal("loop never synced")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		m.dm.Close()
	}()
	goleak.VerifyNone(t, ignore...)
}

func TestRegistryConfigValidate(t *testing.T) {
	for name, mod := range map[string]func(*RegistryConfig){
		"poll":      func(c *RegistryConfig) { c.PollInterval = 0 },
		"reconcile": func(c *RegistryConfig) { c.ReconcileInterval = time.Millisecond },
		"range":     func(c *RegistryConfig) { c.LogRange = 0 },
		"stale":     func(c *RegistryConfig) { c.StaleAfter = time.Millisecond },
	} {
		t.Run(name, func(t *testing.T) {
			c := DefaultRegistryConfig()
			mod(&c)
			if c.Validate() == nil {
				t.Fatal("accepted")
			}
		})
	}
	if err := DefaultRegistryConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAmountAndHexText(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "1000": "1000", "0xff": "255"} {
		var a Amount
		if err := a.UnmarshalText([]byte(in)); err != nil || a.String() != want {
			t.Errorf("%q -> %v %v", in, a.String(), err)
		}
	}
	for _, in := range []string{"", "-1", "1_000", "0b1", "1e3", "0x", "12a", "1157920892373161954235709850086879078532699846656405640394575840079131296399360"} {
		var a Amount
		if a.UnmarshalText([]byte(in)) == nil {
			t.Errorf("%q accepted", in)
		}
	}
	var h HexBytes
	if err := h.UnmarshalText([]byte("0x0a0B")); err != nil || len(h) != 2 || h[1] != 0x0b {
		t.Fatal(h, err)
	}
	for _, in := range []string{"0a0b", "0x0", "0xzz"} {
		if h.UnmarshalText([]byte(in)) == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// metricValue reads a counter or gauge.
func metricValue(m prometheus.Metric) float64 {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		return -1
	}
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}
