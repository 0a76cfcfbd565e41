package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/mailstore"
)

// devRPC is a dev market served over HTTP JSON-RPC, as pnctl reaches a real chain.
type devRPC struct {
	dc  *market.DevChain
	env map[string]string
}

func newDevRPC(t *testing.T) *devRPC {
	t.Helper()
	p := market.Params{MinStake: big.NewInt(1e18), PriceDelay: time.Hour, Unbonding: time.Hour, ThawPeriod: time.Hour, RevokeDelay: time.Hour}
	dc, err := market.StartDevChain(t.Context(), p, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	srv := httptest.NewServer(dc.RPCHandler())
	t.Cleanup(srv.Close)
	return &devRPC{dc: dc, env: map[string]string{
		"PNCTL_RPC": srv.URL, "PNCTL_REGISTRY": dc.Addresses.Registry.Hex(), "PNCTL_ESCROW": dc.Addresses.Escrow.Hex(),
	}}
}

// as returns the environment with PNCTL_KEY set to account i's key.
func (d *devRPC) as(i int) map[string]string {
	env := map[string]string{}
	for k, v := range d.env {
		env[k] = v
	}
	env["PNCTL_KEY"] = "0x" + hex.EncodeToString(crypto.FromECDSA(d.dc.Keys[i]))
	return env
}

func pnctlErr(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(t.Context(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), err
}

func jsonOut(t *testing.T, env map[string]string, args ...string) map[string]any {
	t.Helper()
	out, errs, err := pnctlErr(t, env, append(args, "--json")...)
	if err != nil {
		t.Fatalf("pnctl %v: %v\n%s", args, err, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("pnctl %v: %q: %v", args, out, err)
	}
	return m
}

// startKeyedNode runs a node with a known key, so it can be registered with its real endpoint.
func startKeyedNode(t *testing.T) (endpoint string, nodeKey []byte) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := mailstore.Open(t.TempDir(), mailstore.DefaultConfig(), log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.LameDuckDuration = 0
	key, _ := crypto.GenerateKey()
	srv, err := server.New(cfg, server.Deps{NodeKey: key, Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; store.Close() })
	return "ws://" + ln.Addr().String() + "/ws", crypto.CompressPubkey(&key.PublicKey)
}

func TestMarketCommands(t *testing.T) {
	d := newDevRPC(t)
	// The provider's operator key comes from a keystore file with its passphrase in a file.
	dir := t.TempDir()
	ks := keystore.NewKeyStore(filepath.Join(dir, "ks"), keystore.LightScryptN, keystore.LightScryptP)
	acct, err := ks.ImportECDSA(d.dc.Keys[1], "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("s3cret\n"), 0o600)
	op := append([]string{}, "--keystore", acct.URL.Path, "--passphrase-file", passFile)

	endpoint, nodeKey := startKeyedNode(t)
	m := jsonOut(t, d.env, append([]string{"market", "register", "--endpoint", "ws://placeholder.example/ws",
		"--node-key", "0x" + hex.EncodeToString(nodeKey), "--price-wakeups", "2000", "--price-history", "30", "--price-gb-month", "40",
		"--capacity-wakeups", "500"}, op...)...)
	if m["id"].(float64) != 1 || m["tx"] == nil {
		t.Fatalf("register: %v", m)
	}
	// A cheaper second provider, its key from PNCTL_KEY (account 2), with no reachable endpoint.
	if m := jsonOut(t, d.as(2), "market", "register", "--endpoint", "ws://127.0.0.1:1/ws", "--node-key", "0x"+hex.EncodeToString(nodeKey),
		"--price-wakeups", "1000", "--stake", "3000000000000000000"); m["id"].(float64) != 2 {
		t.Fatalf("register 2: %v", m)
	}
	// A wrong passphrase is refused before any transaction.
	if _, _, err := pnctlErr(t, d.env, "market", "exit", "--id", "1", "--keystore", acct.URL.Path); err == nil {
		t.Fatal("keystore without the passphrase accepted")
	}
	jsonOut(t, d.env, append([]string{"market", "update", "--id", "1", "--endpoint", endpoint}, op...)...)
	if m := jsonOut(t, d.env, append([]string{"market", "price", "--id", "1", "--wakeups", "1500"}, op...)...); m["effectiveAt"] == nil {
		t.Fatalf("price: %v", m)
	}
	jsonOut(t, d.env, append([]string{"market", "stake", "--id", "1", "--amount", "5"}, op...)...)
	p, err := market.NewChain(t.Context(), d.dc.Backend(), d.dc.Addresses)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := p.Provider(t.Context(), 1)
	if err != nil || rec.Endpoint != endpoint || rec.Stake.Cmp(big.NewInt(1e18+5)) != 0 || rec.PendingPrice == nil || rec.CapacityWakeupsPerDay != 500 {
		t.Fatalf("record after update/price/stake: %+v %v", rec, err)
	}

	// User side, account 3.
	u := d.as(3)
	jsonOut(t, u, "market", "deposit", "--provider", "1", "--amount", "1000")
	jsonOut(t, u, "market", "thaw", "--provider", "1", "--amount", "400")
	if _, _, err := pnctlErr(t, u, "market", "withdraw", "--provider", "1"); err == nil || !strings.Contains(err.Error(), "thaw period has not ended") {
		t.Fatalf("early withdraw: %v", err)
	}
	b := jsonOut(t, u, "market", "balance", "--provider", "1")
	if b["escrow"].(float64) != 1000 || b["thawing"].(float64) != 400 || b["thawEndsAt"] == nil {
		t.Fatalf("balance: %v", b)
	}
	// Anyone can read a payer's balance without a key.
	if b := jsonOut(t, d.env, "market", "balance", "--provider", "1", "--payer", d.dc.Address(3).Hex()); b["escrow"].(float64) != 1000 {
		t.Fatalf("balance by address: %v", b)
	}
	dev, _ := crypto.GenerateKey()
	devAddr := crypto.PubkeyToAddress(dev.PublicKey).Hex()
	jsonOut(t, u, "market", "authorise-signer", "--signer", devAddr)
	if ok, _ := p.IsAuthorisedSigner(t.Context(), d.dc.Address(3), crypto.PubkeyToAddress(dev.PublicKey)); !ok {
		t.Fatal("signer not authorised")
	}
	if m := jsonOut(t, u, "market", "revoke-signer", "--signer", devAddr); m["validUntil"] == nil {
		t.Fatalf("revoke: %v", m)
	}
	if err := d.dc.AdjustTime(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if m := jsonOut(t, u, "market", "withdraw", "--provider", "1"); m["amount"].(float64) != 400 {
		t.Fatalf("withdraw: %v", m)
	}

	// providers: from the chain, probed, sorted; progress on stderr.
	cache := filepath.Join(dir, "registry.json")
	out, errs, err := pnctlErr(t, d.env, "providers", "--sort", "price", "--cache", cache, "--probe-timeout", "2s")
	if err != nil {
		t.Fatalf("providers: %v\n%s", err, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "2 ") || !strings.HasPrefix(lines[2], "1 ") || !strings.Contains(lines[2], endpoint) {
		t.Fatalf("providers table:\n%s", out)
	}
	if !strings.Contains(lines[1], "unreachable") || strings.Contains(lines[2], "unreachable") {
		t.Fatalf("probe results:\n%s", out)
	}
	if !strings.Contains(errs, "syncing registry") || !strings.Contains(errs, "registry at block") {
		t.Fatalf("no progress on stderr: %q", errs)
	}
	// Second run resumes from the cache and follows the new blocks.
	jsonOut(t, d.env, append([]string{"market", "exit", "--id", "1"}, op...)...)
	out, errs, err = pnctlErr(t, d.env, "providers", "--sort", "rtt", "--cache", cache, "--no-probe", "--json")
	if err != nil {
		t.Fatalf("providers: %v\n%s", err, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 || rows[0]["id"].(float64) != 2 {
		t.Fatalf("providers --json after provider 1 exited: %s %v", out, err)
	}
	if !strings.Contains(errs, "blocks") {
		t.Fatalf("catch-up progress missing: %q", errs)
	}
	// The unbonding has not passed.
	if _, _, err := pnctlErr(t, d.env, append([]string{"market", "withdraw-stake", "--id", "1"}, op...)...); err == nil || !strings.Contains(err.Error(), "unbonding") {
		t.Fatalf("early withdraw-stake: %v", err)
	}
	// No chain configured.
	if _, _, err := pnctlErr(t, map[string]string{}, "market", "balance", "--provider", "1"); err == nil || !strings.Contains(err.Error(), "PNCTL_RPC") {
		t.Fatalf("no rpc: %v", err)
	}
}
