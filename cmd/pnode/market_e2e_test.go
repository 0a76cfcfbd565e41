package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bindv2 "github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

const (
	e2eApp   = "e2e.app"
	e2eTopic = "im.pnmarket.e2e"
)

// e2eAPNs is a fake APNs and the apps file that reaches it.
func e2eAPNs(t *testing.T) (*apnstest.Server, string) {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{e2eTopic}, KeepDeliveries: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	keyFile, caFile := filepath.Join(dir, "AuthKey.p8"), filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(keyFile, key.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.URL(), "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	cert := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	apps := fmt.Sprintf("apps:\n  - id: %s\n    gateway: apns\n    apns:\n      key-file: %s\n      key-id: %s\n      team-id: %s\n      topic: %s\n      environment: sandbox\n      host: %s\n      ca-file: %s\n",
		e2eApp, keyFile, key.KeyID, key.TeamID, e2eTopic, srv.URL(), caFile)
	path := filepath.Join(dir, "apps.yaml")
	if err := os.WriteFile(path, []byte(apps), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, path
}

// lines collects what serve prints.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lines) find(prefix string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// e2eProvider is one pnode (`pnode run`, in-process) registered on the shared chain.
type e2eProvider struct {
	id       uint64
	operator int
	ws       string // websocket endpoint
	http     string
	stop     func()
}

// startE2EProvider registers account `operator` as a provider at perKWakeups, then runs a node
// configured for it like production: the chain over JSON-RPC, its operator key file, the fake
// APNs, no free wakeups.
func startE2EProvider(t *testing.T, dc *market.DevChain, chain *market.Chain, rpcURL, appsFile string, operator int, perKWakeups int64) *e2eProvider {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	nodeKey, _ := crypto.GenerateKey()
	if err := crypto.SaveECDSA(filepath.Join(dir, "node.key"), nodeKey); err != nil {
		t.Fatal(err)
	}
	opFile := filepath.Join(t.TempDir(), "operator.key")
	if err := crypto.SaveECDSA(opFile, dc.Keys[operator]); err != nil {
		t.Fatal(err)
	}
	id, _, err := chain.Register(ctx, dc.Transactor(operator), market.RegisterArgs{
		Endpoint: "ws://starting.invalid/ws", NodeKey: crypto.CompressPubkey(&nodeKey.PublicKey),
		Services: market.ServicePush | market.ServiceStore, Gateways: market.GatewayAPNs,
		CapacityWakeupsPerDay: 100_000, CapacityGB: 1,
		Price: market.Price{PerKWakeups: big.NewInt(perKWakeups), PerKHistory: big.NewInt(1), PerGBMonth: big.NewInt(1)},
		Token: dc.Addresses.Token, Stake: new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18)),
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--data-dir", dir, "--listen", "127.0.0.1:0", "--log-level", "warn", "--chain-id", "1337",
		"--chain-rpc", rpcURL, "--registry-address", dc.Addresses.Registry.Hex(), "--escrow-address", dc.Addresses.Escrow.Hex(),
		"--provider-id", fmt.Sprint(id), "--operator-key-file", opFile,
		"--registry-confirmations", "0", "--registry-poll-interval", "50ms",
		"--ledger-free-wakeups", "0", "--ledger-block-wakeups", "4",
		"--collector-interval", "200ms", "--collector-gas-multiple", "0", "--collector-thaw-margin", "1h",
		"--push-apps-file", appsFile, "--push-wake-burst", "100", "--push-retry-min", "50ms",
	}
	c, _, _, err := loadConfig(args, false, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- serve(sctx, c, false, log, out) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	p := &e2eProvider{id: id, operator: operator, stop: stop}
	for deadline := time.Now().Add(30 * time.Second); p.ws == ""; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s", out.buf.String())
		}
		if p.ws = out.find("websocket:"); p.ws != "" && out.find("provider:") == "" {
			p.ws = "" // wait for the whole banner
		}
	}
	p.http = strings.TrimSuffix(strings.Replace(p.ws, "ws://", "http://", 1), "/ws")
	// Now that the node listens, advertise its real endpoint.
	cur, err := chain.Provider(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Update(ctx, dc.Transactor(operator), id, market.ProviderUpdate{Endpoint: p.ws, NodeKey: cur.NodeKey,
		Services: cur.Services, Gateways: cur.Gateways, CapacityWakeupsPerDay: cur.CapacityWakeupsPerDay, CapacityGB: cur.CapacityGB}); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMarketEndToEnd: two providers on one chain at different prices; a client picks the cheaper,
// deposits, registers push with both, is woken N times through the cheaper one's wake URL (the
// first wakeup held for credit until the client signs), signs vouchers in prepaid blocks, the
// provider collects on its own, and chain balances equal the ledger to the unit.
func TestMarketEndToEnd(t *testing.T) {
	ctx := t.Context()
	p := market.Params{MinStake: big.NewInt(1e18), PriceDelay: time.Hour, Unbonding: time.Hour, ThawPeriod: time.Hour, RevokeDelay: time.Hour}
	dc, err := market.StartDevChain(ctx, p, 4)
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: the nodes (registered later) stop before the chain.
	t.Cleanup(func() { dc.Close() })
	rpc := httptest.NewServer(dc.RPCHandler())
	t.Cleanup(rpc.Close)
	chain, err := market.NewChain(ctx, dc.Backend(), dc.Addresses)
	if err != nil {
		t.Fatal(err)
	}
	fake, appsFile := e2eAPNs(t)
	const cheapPrice, dearPrice = 1_000_000_000_000_000, 3_000_000_000_000_000 // per 1,000 wakeups
	dear := startE2EProvider(t, dc, chain, rpc.URL, appsFile, 2, dearPrice)
	cheap := startE2EProvider(t, dc, chain, rpc.URL, appsFile, 1, cheapPrice)

	// The listing, as any node serves it, once both real endpoints are in it.
	var listing market.Listing
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		listing, err = client.FetchProviders(ctx, dear.ws)
		if err == nil && len(listing.Providers) == 2 && !strings.Contains(listing.Providers[0].Endpoint+listing.Providers[1].Endpoint, "invalid") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listing never showed both endpoints: %+v %v", listing, err)
		}
	}
	// Pick: probe, rank, pool of two. The cheaper provider ranks first.
	user := dc.Keys[3]
	payerAddr := crypto.PubkeyToAddress(user.PublicKey)
	ranked := client.Rank(client.Probe(ctx, listing.Providers, client.ProbeOptions{}), client.RankOptions{Service: "push"})
	if ranked[0].Provider.ID != cheap.id || ranked[0].RTT <= 0 {
		t.Fatalf("ranked %+v", ranked)
	}
	pool, err := client.OpenPool(ctx, ranked, client.PoolOptions{Key: user, Want: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	a := pool.Members()[0].Client
	// Deposit with the chosen provider.
	const deposit = 1_000_000_000_000_000_000
	if _, err := chain.Deposit(ctx, dc.Transactor(3), cheap.id, dc.Addresses.Token, big.NewInt(deposit)); err != nil {
		t.Fatal(err)
	}
	operator0, err := chain.BalanceOf(ctx, dc.Addresses.Token, dc.Address(cheap.operator))
	if err != nil {
		t.Fatal(err)
	}
	// Push registration with both providers; wakeups come through the cheaper one.
	token := hex.EncodeToString(crypto.Keccak256([]byte("e2e device")))
	if res, err := pool.RegisterPush(ctx, pushwire.Registration{InstallationID: "phone", Gateway: pushwire.GatewayAPNs, AppID: e2eApp,
		Token: token, Version: 1}); err != nil || len(res) != 2 {
		t.Fatalf("register push: %v %v", res, err)
	}
	wt, err := a.WakeupToken(ctx, "phone")
	if err != nil {
		t.Fatal(err)
	}
	delivered := func() int {
		n := 0
		for _, d := range fake.Deliveries() {
			if d.Token == token {
				n++
			}
		}
		return n
	}
	wake := func() int {
		resp, err := http.Post(cheap.http+wt.Path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	payer := &client.Payer{Key: user, Lane: 1, Domain: chain.Domain(), MaxBlock: big.NewInt(deposit)}

	// 1. No credit yet: the wakeup is accepted but held (402), not dropped.
	if st := wake(); st != http.StatusPaymentRequired {
		t.Fatalf("first wake: %d, want 402", st)
	}
	time.Sleep(1500 * time.Millisecond) // more than push.HeldRecheck
	if n := delivered(); n != 0 {
		t.Fatalf("held wakeup delivered without credit (%d)", n)
	}
	cr, err := a.Credit(ctx, common.Address{})
	if err != nil || cr.Held != 1 || !cr.Low {
		t.Fatalf("credit while held: %+v %v", cr, err)
	}
	// The device signs the first block; the held wakeup goes out.
	if _, err := payer.TopUp(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "held wakeup delivered", func() bool { return delivered() == 1 })

	// 2. N-1 more wakeups; after each the device tops up when the node says credit is low.
	const n = 12
	statuses := map[int]int{}
	for i := 1; i < n; i++ {
		statuses[wake()]++
		waitFor(t, "wakeup charged or held", func() bool {
			c, err := a.Credit(ctx, common.Address{})
			return err == nil && (c.Held > 0 || c.Spent.Int().Cmp(big.NewInt(int64(i+1)*cheapPrice/1000)) == 0)
		})
		if _, err := payer.TopUp(ctx, a, false); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all wakeups delivered", func() bool { return delivered() == n })
	if statuses[http.StatusCreated]+statuses[http.StatusPaymentRequired] != n-1 {
		t.Fatalf("wake statuses: %v", statuses)
	}

	// 3. The provider's collector collects everything signed by itself.
	waitFor(t, "vouchers collected", func() bool {
		c, err := a.Credit(ctx, common.Address{})
		return err == nil && c.Collected.Int().Sign() > 0 && c.Collected.Int().Cmp(c.Signed.Int()) == 0
	})
	cr, err = a.Credit(ctx, common.Address{})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := chain.Account(ctx, payerAddr, cheap.id, dc.Addresses.Token)
	if err != nil {
		t.Fatal(err)
	}
	operator1, err := chain.BalanceOf(ctx, dc.Addresses.Token, dc.Address(cheap.operator))
	if err != nil {
		t.Fatal(err)
	}
	onChainCollected, err := chain.Collected(ctx, payerAddr, cheap.id, dc.Addresses.Token, 1)
	if err != nil {
		t.Fatal(err)
	}
	escrowDecrease := new(big.Int).Sub(big.NewInt(deposit), acct.Balance)
	received := new(big.Int).Sub(operator1, operator0)
	spent := cr.Spent.Int()
	wantSpent := big.NewInt(n * cheapPrice / 1000)
	t.Logf("wakeups %d, spent %s, signed %s, collected %s, escrow decrease %s, operator received %s, statuses %v",
		n, spent, cr.Signed, cr.Collected, escrowDecrease, received, statuses)
	switch {
	case spent.Cmp(wantSpent) != 0:
		t.Fatalf("ledger spent %s, want %d wakeups × %d = %s", spent, n, cheapPrice/1000, wantSpent)
	case escrowDecrease.Cmp(received) != 0 || received.Cmp(cr.Collected.Int()) != 0 || onChainCollected.Cmp(cr.Collected.Int()) != 0:
		t.Fatalf("escrow decrease %s, operator received %s, chain collected %s, ledger collected %s", escrowDecrease, received, onChainCollected, cr.Collected)
	case cr.Signed.Int().Cmp(spent) < 0 || new(big.Int).Sub(cr.Signed.Int(), spent).Cmp(cr.Available.Int()) != 0:
		t.Fatalf("signed %s, spent %s, available %s", cr.Signed, spent, cr.Available)
	}
	// The dearer provider, registered but never used, charged nothing.
	if c, err := pool.Members()[1].Client.Credit(ctx, common.Address{}); err != nil || c.Spent.Int().Sign() != 0 {
		t.Fatalf("dear provider credit: %+v %v", c, err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
	}
}

// TestDevMarket runs `pnode dev` in-process: the dev chain's JSON-RPC endpoint serves ordinary
// clients, this node is provider 1 at its real endpoint, and a dev user can deposit and pay.
func TestDevMarket(t *testing.T) {
	c, _, _, err := loadConfig([]string{"--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--log-level", "warn"}, true, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- serve(ctx, c, true, log, out) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var rpcURL, ws string
	waitFor(t, "dev banner", func() bool {
		rpcURL, ws = out.find("chain RPC:"), out.find("websocket:")
		return rpcURL != "" && strings.Contains(out.buf.String(), "try:")
	})
	rpcURL = strings.Fields(rpcURL)[0]
	banner := out.buf.String()
	if !strings.Contains(banner, "DEV ACCOUNTS: PUBLIC TEST KEYS, DEV ONLY") || !strings.Contains(banner, crypto.PubkeyToAddress(devKeys()[2].PublicKey).Hex()) {
		t.Fatalf("banner:\n%s", banner)
	}
	l, err := client.FetchProviders(t.Context(), ws)
	if err != nil || len(l.Providers) != 1 || l.Providers[0].ID != devProviderID || l.Providers[0].Endpoint != ws {
		t.Fatalf("dev listing: %+v %v", l, err)
	}
	// A dev user deposits through the dev chain's JSON-RPC endpoint and pays for wakeups.
	ec, err := ethclientDial(t, rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	addrs := market.Addresses{Registry: common.HexToAddress(findAddr(banner, "registry")), Escrow: common.HexToAddress(findAddr(banner, "escrow"))}
	chain, err := market.NewChain(t.Context(), ec, addrs)
	if err != nil {
		t.Fatal(err)
	}
	user := devKeys()[2]
	if _, err := chain.Deposit(t.Context(), bindTransactor(user, chain), devProviderID, l.Providers[0].Token, big.NewInt(1e18)); err != nil {
		t.Fatal(err)
	}
	cl, err := client.Dial(t.Context(), client.Options{URL: ws, Key: user})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	payer := &client.Payer{Key: user, Domain: chain.Domain()}
	cr, err := payer.TopUp(t.Context(), cl, true)
	if err != nil || cr.Signed.Int().Cmp(devPrice.PerKWakeups) != 0 || cr.Free.Wakeups != devFreeWakeups {
		t.Fatalf("dev top-up: %+v %v", cr, err)
	}
}

func findAddr(banner, label string) string {
	i := strings.Index(banner, label+" 0x")
	if i < 0 {
		return ""
	}
	return banner[i+len(label)+1 : i+len(label)+43]
}

func ethclientDial(t *testing.T, url string) (*ethclient.Client, error) {
	t.Helper()
	ec, err := ethclient.DialContext(t.Context(), url)
	if err == nil {
		t.Cleanup(ec.Close)
	}
	return ec, err
}

func bindTransactor(k *ecdsa.PrivateKey, c *market.Chain) *bindv2.TransactOpts {
	return bindv2.NewKeyedTransactor(k, c.ChainID())
}
