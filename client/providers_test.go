package client_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/wire"
)

var (
	pickToken  = common.HexToAddress("0x00000000000000000000000000000000000000aa")
	pickEscrow = common.HexToAddress("0x00000000000000000000000000000000000000ee")
	pickDomain = market.EscrowDomain(big.NewInt(1337), pickEscrow)
)

// listing is a settable provider listing shared by the test nodes.
type listing struct {
	mu sync.Mutex
	ps []market.ListedProvider
}

func (l *listing) Listing() market.Listing {
	l.mu.Lock()
	defer l.mu.Unlock()
	return market.Listing{Block: 1, Providers: append([]market.ListedProvider(nil), l.ps...)}
}

func (l *listing) add(p market.ListedProvider) {
	l.mu.Lock()
	l.ps = append(l.ps, p)
	l.mu.Unlock()
}

// richEscrow: every payer holds 1000 tokens; only payers sign.
type richEscrow struct{}

func (richEscrow) Account(context.Context, common.Address, uint64, common.Address) (market.Account, error) {
	return market.Account{Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18)), Thawing: new(big.Int)}, nil
}
func (richEscrow) Collected(context.Context, common.Address, uint64, common.Address, uint64) (*big.Int, error) {
	return new(big.Int), nil
}
func (richEscrow) IsAuthorisedSigner(context.Context, common.Address, common.Address) (bool, error) {
	return false, nil
}

// marketNode is a running node advertised as provider id at perKWakeups.
type marketNode struct {
	id       uint64
	provider market.ListedProvider
	stop     func()
}

type nodeOpts struct {
	perKWakeups int64
	stake       int64
	capacity    uint64
	ledger      bool // meter with a real ledger: no free history
	publishRate float64
}

func startProvider(t *testing.T, l *listing, id uint64, o nodeOpts) *marketNode {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.Open(t.TempDir(), scfg, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.LameDuckDuration = 0
	if o.publishRate > 0 {
		cfg.PublishRate, cfg.PublishBurst = o.publishRate, 1
	}
	key, _ := crypto.GenerateKey()
	deps := server.Deps{NodeKey: key, Store: store, Logger: log, Providers: l}
	price := market.Price{PerKWakeups: big.NewInt(o.perKWakeups), PerKHistory: big.NewInt(o.perKWakeups), PerGBMonth: big.NewInt(0)}
	var led *market.Ledger
	if o.ledger {
		lcfg := market.DefaultLedgerConfig()
		lcfg.FreeHistory = 0
		led, err = market.OpenLedger(t.TempDir(), lcfg, market.LedgerDeps{ProviderID: id, Token: pickToken, Domain: pickDomain,
			Escrow: richEscrow{}, Price: func() market.Price { return price }, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		deps.Ledger = led
	}
	srv, err := server.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-done
			store.Close()
			if led != nil {
				led.Close()
			}
		})
	}
	t.Cleanup(stop)
	p := market.Provider{
		ID: id, Token: pickToken, Stake: big.NewInt(o.stake), Services: market.ServicePush | market.ServiceStore,
		Gateways: market.GatewayAPNs, CapacityWakeupsPerDay: o.capacity, Price: price, Active: true,
		NodeKey: crypto.CompressPubkey(&key.PublicKey), Endpoint: "ws://" + ln.Addr().String() + "/ws",
	}
	lp := market.ListProvider(p, time.Now())
	l.add(lp)
	return &marketNode{id: id, provider: lp, stop: stop}
}

func lp(id uint64, price, stake int64, capa uint64) market.ListedProvider {
	return market.ListProvider(market.Provider{ID: id, Stake: big.NewInt(stake), CapacityWakeupsPerDay: capa, Services: market.ServicePush,
		Price: market.Price{PerKWakeups: big.NewInt(price), PerKHistory: new(big.Int), PerGBMonth: new(big.Int)}}, time.Now())
}

func ids(cs []client.Candidate) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.Provider.ID
	}
	return out
}

func TestRankScoring(t *testing.T) {
	ms := time.Millisecond
	cands := []client.Candidate{
		{Provider: lp(1, 300, 1000, 10), RTT: 10 * ms},
		{Provider: lp(2, 100, 1000, 10), RTT: 50 * ms},
		{Provider: lp(3, 100, 1000, 10), RTT: 10 * ms},
		{Provider: lp(4, 50, 1000, 10), Err: errors.New("unreachable")},
		{Provider: lp(5, 100, 5000, 10), RTT: 10 * ms},
	}
	got := client.Rank(cands, client.RankOptions{})
	// 5 and 3 tie on price and rtt; 5 has more stake. 2 is as cheap but slower; 1 costs most.
	if want := []uint64{5, 3, 2, 1, 4}; !equal(ids(got), want) {
		t.Fatalf("rank %v, want %v (scores %v)", ids(got), want, scores(got))
	}
	if !math.IsInf(got[4].Score, 1) || got[0].Score != 0.0 {
		t.Fatalf("scores %v", scores(got))
	}
	// Price alone.
	got = client.Rank(cands, client.RankOptions{Weights: client.Weights{Price: 1}})
	if got[3].Provider.ID != 1 {
		t.Fatalf("price-only rank %v", ids(got))
	}
	// Filters: a price cap and a service.
	got = client.Rank(cands, client.RankOptions{MaxPricePerKWakeups: big.NewInt(200), Service: "store"})
	for _, c := range got {
		if !math.IsInf(c.Score, 1) {
			t.Fatalf("provider %d offers no store service but ranked %v", c.Provider.ID, c.Score)
		}
	}
	got = client.Rank(cands, client.RankOptions{MaxPricePerKWakeups: big.NewInt(200)})
	if !math.IsInf(got[3].Score, 1) || got[3].Provider.ID != 1 {
		t.Fatalf("price cap: %v %v", ids(got), scores(got))
	}
}

func scores(cs []client.Candidate) []float64 {
	out := make([]float64, len(cs))
	for i, c := range cs {
		out[i] = c.Score
	}
	return out
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSortCandidates(t *testing.T) {
	ms := time.Millisecond
	cands := []client.Candidate{
		{Provider: lp(1, 300, 10, 5), RTT: 30 * ms},
		{Provider: lp(2, 100, 30, 1), Err: errors.New("down")},
		{Provider: lp(3, 200, 20, 9), RTT: 10 * ms},
	}
	for by, want := range map[string][]uint64{
		"price": {2, 3, 1}, "stake": {2, 3, 1}, "capacity": {3, 1, 2}, "rtt": {3, 1, 2}, "id": {1, 2, 3},
	} {
		cs := append([]client.Candidate(nil), cands...)
		if err := client.SortCandidates(cs, by); err != nil || !equal(ids(cs), want) {
			t.Errorf("sort by %s: %v %v, want %v", by, ids(cs), err, want)
		}
	}
	if client.SortCandidates(cands, "age") == nil {
		t.Fatal("unknown key accepted")
	}
}

// TestPickProbeAndFailOver: the listing from a node, probed and ranked, picks the cheaper of two
// live providers; an impostor (another node's key) and an unreachable endpoint are excluded; the
// pool registers with both and fails over when the first rate-limits or goes down.
func TestPickProbeAndFailOver(t *testing.T) {
	l := &listing{}
	cheap := startProvider(t, l, 1, nodeOpts{perKWakeups: 100, stake: 1000, capacity: 1000, publishRate: 0.001})
	dear := startProvider(t, l, 2, nodeOpts{perKWakeups: 900, stake: 1000, capacity: 1000})
	impostor := cheap.provider
	impostor.ID, impostor.NodeKey = 3, dear.provider.NodeKey
	l.add(impostor)
	gone := lp(4, 10, 1000, 1000)
	gone.Endpoint = "ws://127.0.0.1:1/ws"
	l.add(gone)

	ctx := t.Context()
	got, err := client.FetchProviders(ctx, cheap.provider.Endpoint)
	if err != nil || len(got.Providers) != 4 {
		t.Fatalf("fetch: %+v %v", got, err)
	}
	cands := client.Probe(ctx, got.Providers, client.ProbeOptions{Timeout: 3 * time.Second})
	if cands[0].Err != nil || cands[0].RTT <= 0 || cands[1].Err != nil {
		t.Fatalf("live probes: %+v", cands[:2])
	}
	if !errors.Is(cands[2].Err, client.ErrWrongNodeKey) || cands[3].Err == nil {
		t.Fatalf("impostor/unreachable probes: %v / %v", cands[2].Err, cands[3].Err)
	}
	ranked := client.Rank(cands, client.RankOptions{Service: "push"})
	if ranked[0].Provider.ID != 1 || ranked[1].Provider.ID != 2 {
		t.Fatalf("ranked %v", ids(ranked))
	}
	key, _ := crypto.GenerateKey()
	pool, err := client.OpenPool(ctx, ranked, client.PoolOptions{Key: key, Want: 2, TryTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if ms := pool.Members(); len(ms) != 2 || ms[0].Provider.ID != 1 {
		t.Fatalf("members %v", ms)
	}
	// The cheap node rate-limits publishes after one: the second goes to the other provider.
	env := wire.Envelope{ContentTopic: "/t/1/p/proto", Payload: []byte("a"), Timestamp: time.Now().UnixNano()}
	if m, err := pool.Call(ctx, wire.MethodPublish, nil, env); err != nil || m.Provider.ID != 1 {
		t.Fatalf("first publish: %v %v", m, err)
	}
	env.Payload = []byte("b")
	if m, err := pool.Call(ctx, wire.MethodPublish, nil, env); err != nil || m.Provider.ID != 2 {
		t.Fatalf("rate-limited publish failed over to %v: %v", m, err)
	}
	// A payment problem is not a reason to fail over.
	if client.ShouldFailOver(&wire.Error{Data: &wire.ErrorData{Code: 40201}}) || !client.ShouldFailOver(&wire.Error{Data: &wire.ErrorData{Code: 50306}}) {
		t.Fatal("ShouldFailOver")
	}
	// The cheap provider goes down: calls fail over.
	cheap.stop()
	if m, err := pool.Call(ctx, wire.MethodNodeInfo, nil); err != nil || m.Provider.ID != 2 {
		t.Fatalf("after provider 1 stopped: %v %v", m, err)
	}
	// Too few providers reachable for a pool of two.
	if _, err := client.OpenPool(ctx, client.Rank(client.Probe(ctx, l.Listing().Providers, client.ProbeOptions{Timeout: time.Second}), client.RankOptions{}),
		client.PoolOptions{Key: key, Want: 2, TryTimeout: time.Second}); !errors.Is(err, client.ErrTooFewProviders) {
		t.Fatalf("pool with one live provider: %v", err)
	}
}

// TestPoolPaysWhenAsked: a metered provider answers 40201; the pool's payer signs a block and the
// call succeeds; the credit then shows the block.
func TestPoolPaysWhenAsked(t *testing.T) {
	l := &listing{}
	startProvider(t, l, 7, nodeOpts{perKWakeups: 1e15, stake: 1, capacity: 1, ledger: true})
	ctx := t.Context()
	cands := client.Rank(client.Probe(ctx, l.Listing().Providers, client.ProbeOptions{}), client.RankOptions{})
	key, _ := crypto.GenerateKey()
	payer := &client.Payer{Key: key, Lane: 3, Domain: pickDomain, MaxBlock: big.NewInt(1e18)}
	pool, err := client.OpenPool(ctx, cands, client.PoolOptions{Key: key, Want: 1, Payer: payer})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var res wire.HistoryResult
	if _, err := pool.Call(ctx, wire.MethodHistory, &res, wire.HistoryParams{ContentTopics: []string{"/t/1/x/proto"}}); err != nil {
		t.Fatalf("history with a payer: %v", err)
	}
	cr, err := pool.Members()[0].Client.Credit(ctx, common.Address{})
	if err != nil {
		t.Fatal(err)
	}
	// One block: the price of 1,000 wakeups at 1e15 per 1,000.
	if cr.Signed.Int().Cmp(big.NewInt(1e15)) != 0 || len(cr.Lanes) != 1 || cr.Lanes[0].Lane != 3 {
		t.Fatalf("credit after paying: %+v", cr)
	}
	// Topping up again only when asked (force) or low.
	if cr2, err := payer.TopUp(ctx, pool.Members()[0].Client, false); err != nil || cr2.Signed.Int().Cmp(cr.Signed.Int()) != 0 {
		t.Fatalf("top-up when not low: %+v %v", cr2, err)
	}
	if cr3, err := payer.TopUp(ctx, pool.Members()[0].Client, true); err != nil || cr3.Signed.Int().Cmp(big.NewInt(2e15)) != 0 {
		t.Fatalf("forced top-up: %+v %v", cr3, err)
	}
	// A block above MaxBlock is refused.
	payer.MaxBlock = big.NewInt(1)
	if _, err := payer.TopUp(ctx, pool.Members()[0].Client, true); !errors.Is(err, client.ErrBlockTooLarge) {
		t.Fatalf("MaxBlock: %v", err)
	}
}

// TestPoolTopsUpOnCreditLow: once 80% of the signed block is used, the node
// sends pn_creditLow and the pool's payer signs the next block by itself,
// before any request is refused for lack of credit.
func TestPoolTopsUpOnCreditLow(t *testing.T) {
	l := &listing{}
	startProvider(t, l, 9, nodeOpts{perKWakeups: 1e15, stake: 1, capacity: 1, ledger: true})
	ctx := t.Context()
	cands := client.Rank(client.Probe(ctx, l.Listing().Providers, client.ProbeOptions{}), client.RankOptions{})
	key, _ := crypto.GenerateKey()
	payer := &client.Payer{Key: key, Lane: 1, Domain: pickDomain, MaxBlock: big.NewInt(1e18)}
	pool, err := client.OpenPool(ctx, cands, client.PoolOptions{Key: key, Want: 1, Payer: payer})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cl := pool.Members()[0].Client
	topic := "/t/1/credit/proto"
	for i := range 100 {
		if _, err := cl.Publish(ctx, wire.Envelope{ContentTopic: topic, Payload: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	// One block covers 1,000 history envelopes; serve 900 of them, 100 per page.
	for page := range 9 {
		var res wire.HistoryResult
		if _, err := pool.Call(ctx, wire.MethodHistory, &res, wire.HistoryParams{ContentTopics: []string{topic}, Limit: 100}); err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if len(res.Envelopes) != 100 {
			t.Fatalf("page %d: %d envelopes", page, len(res.Envelopes))
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		cr, err := cl.Credit(ctx, common.Address{})
		if err != nil {
			t.Fatal(err)
		}
		if cr.Signed.Int().Cmp(big.NewInt(2e15)) == 0 {
			return // the second block was signed on the node's notice
		}
		if time.Now().After(deadline) {
			t.Fatalf("no top-up after pn_creditLow: %+v", cr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
