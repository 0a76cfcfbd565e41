package main

import (
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/market"
)

// TestMarketSettings: every market setting has one spelling as flag, env and YAML key; the
// operator key file is redacted when printed; missing chain settings are config errors.
func TestMarketSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pnode.yaml")
	os.WriteFile(file, []byte("ledger-block-wakeups: 50\ncollector-interval: 30s\nregistry-address: \"0x00000000000000000000000000000000000000a1\"\n"), 0o600)
	args := []string{"--config", file, "--chain-rpc", "http://127.0.0.1:8545", "--escrow-address", "0x00000000000000000000000000000000000000e1",
		"--provider-id", "3", "--operator-key-file", "/secret/operator.key", "--ledger-free-wakeups", "7", "--collector-gas-multiple", "50"}
	env := []string{"PNODE_REGISTRY_CONFIRMATIONS=9", "PNODE_LEDGER_LOW_THRESHOLD=0.5"}
	c, _, s, err := loadConfig(args, false, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Market
	switch {
	case m.ChainRPC != "http://127.0.0.1:8545" || m.RegistryAddress != "0x00000000000000000000000000000000000000a1" || m.OperatorKeyFile != "/secret/operator.key":
		t.Fatalf("chain settings: %+v", m)
	case m.Ledger.FreeWakeups != 7 || m.Ledger.BlockWakeups != 50 || m.Ledger.LowThreshold != 0.5:
		t.Fatalf("ledger settings: %+v", m.Ledger)
	case m.Collector.GasMultiple != 50 || m.Collector.Interval != 30*time.Second || m.Registry.Confirmations != 9:
		t.Fatalf("collector/registry settings: %+v %+v", m.Collector, m.Registry)
	}
	dump := s.dump()
	if strings.Contains(dump, "/secret/operator.key") || !strings.Contains(dump, `operator-key-file: "REDACTED"`) {
		t.Fatalf("operator key file not redacted:\n%s", dump)
	}
	for name, bad := range map[string][]string{
		"no addresses":   {"--chain-rpc", "http://x"},
		"no provider id": {"--chain-rpc", "http://x", "--registry-address", "0x00000000000000000000000000000000000000a1", "--escrow-address", "0x00000000000000000000000000000000000000e1"},
		"threshold":      {"--ledger-low-threshold", "1.5"},
		"thaw margin":    {"--collector-thaw-margin", "1s"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := loadConfig(bad, false, nil, io.Discard)
			var ce configError
			if !errors.As(err, &ce) {
				t.Fatalf("want a config error, got %v", err)
			}
		})
	}
	// Without chain-rpc the market is off and nothing is required.
	c, _, _, err = loadConfig(nil, false, nil, io.Discard)
	if err != nil || c.Market.ChainRPC != "" {
		t.Fatalf("defaults: %v", err)
	}
	if mk, err := openMarket(t.Context(), c, false, nil, nil, nil); err != nil || mk.credit() != nil || mk.chain != nil {
		t.Fatalf("market off: %+v %v", mk, err)
	}
}

// TestSetPriceStoresChangesOnly: the ledger asks for the price on every
// wakeup, so an unchanged price is neither stored again nor allocated.
func TestSetPriceStoresChangesOnly(t *testing.T) {
	mk := &marketNode{}
	p := market.Price{PerKWakeups: big.NewInt(5), PerKHistory: big.NewInt(1), PerGBMonth: big.NewInt(2)}
	mk.setPrice(p)
	first := mk.price.Load()
	if allocs := testing.AllocsPerRun(100, func() { mk.setPrice(p) }); allocs != 0 {
		t.Errorf("setPrice of an unchanged price allocates %v times", allocs)
	}
	if mk.price.Load() != first {
		t.Error("an unchanged price was stored again")
	}
	q := p
	q.PerKWakeups = big.NewInt(6)
	mk.setPrice(q)
	if got := mk.price.Load(); got == first || got.PerKWakeups.Int64() != 6 {
		t.Errorf("a changed price was not stored: %+v", got)
	}
}
