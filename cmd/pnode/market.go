package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	bindv2 "github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/push"
)

// Dev market: accounts, prices and short delays so the whole flow runs locally in minutes.
const (
	devAccounts      = 5 // 0 deployer, 1 this node's operator, 2-4 users
	devOperator      = 1
	devProviderID    = 1
	devChainPath     = "/v1/dev/chain"
	devFreeWakeups   = 5
	devPollInterval  = time.Second
	devCollectPeriod = 10 * time.Second
)

var (
	// devPrice: 0.01 token per 1,000 wakeups, 0.001 per 1,000 history envelopes, 0.1 per GB-month.
	devPrice = market.Price{
		PerKWakeups: big.NewInt(1e16),
		PerKHistory: big.NewInt(1e15),
		PerGBMonth:  big.NewInt(1e17),
	}
	devParams = market.Params{
		MinStake:    new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether)),
		PriceDelay:  time.Minute,
		Unbonding:   5 * time.Minute,
		ThawPeriod:  2 * time.Minute,
		RevokeDelay: 2 * time.Minute,
	}
)

// marketSettings is the market part of the node config.
type marketSettings struct {
	// ChainRPC is the EVM JSON-RPC endpoint; empty disables the market (pnode dev: the
	// in-process chain).
	ChainRPC        string
	RegistryAddress string
	EscrowAddress   string
	// OperatorKeyFile holds the provider's operator key (hex), which signs collections. A
	// secret: only its path is configured, and it is redacted when printed.
	OperatorKeyFile string
	Registry        market.RegistryConfig
	Ledger          market.LedgerConfig
	Collector       market.CollectorConfig
}

func defaultMarketSettings(dev bool) marketSettings {
	m := marketSettings{
		Registry:  market.DefaultRegistryConfig(),
		Ledger:    market.DefaultLedgerConfig(),
		Collector: market.DefaultCollectorConfig(),
	}
	if dev {
		m.Registry.Confirmations, m.Registry.PollInterval = 0, devPollInterval
		m.Ledger.FreeWakeups = devFreeWakeups
		m.Collector.Interval = devCollectPeriod
		m.Collector.ThawMargin = time.Minute
	}
	return m
}

// bindMarket declares the market settings.
func bindMarket(s *settings, m *marketSettings) {
	s.str(&m.ChainRPC, "chain-rpc", "EVM JSON-RPC URL of the market's chain (empty: no market; dev: in-process chain)")
	s.str(&m.RegistryAddress, "registry-address", "Registry contract address (0x...)")
	s.str(&m.EscrowAddress, "escrow-address", "Escrow contract address (0x...)")
	s.secretStr(&m.OperatorKeyFile, "operator-key-file", "file holding the provider's operator key (hex); signs collections")
	r := &m.Registry
	s.uint64(&r.Confirmations, "registry-confirmations", "blocks behind the head the provider listing is read at")
	s.duration(&r.PollInterval, "registry-poll-interval", "how often the listing follows the chain")
	s.duration(&r.ReconcileInterval, "registry-reconcile-interval", "how often the listing is diffed against a fresh snapshot")
	s.duration(&r.StaleAfter, "registry-stale-after", "not ready when the listing could not be synced for this long")
	s.uint64(&r.LogRange, "registry-log-range", "most blocks per eth_getLogs call")
	l := &m.Ledger
	s.int64(&l.FreeWakeups, "ledger-free-wakeups", "wakeups per payer per UTC day served without credit")
	s.int64(&l.FreeHistory, "ledger-free-history", "history envelopes per payer per UTC day served without credit")
	s.int64(&l.FreeStorageBytes, "ledger-free-storage-bytes", "envelope bytes per payer per UTC day stored without credit")
	s.float(&l.StorageMonths, "ledger-storage-months", "months of retention a stored byte is billed for")
	s.float(&l.LowThreshold, "ledger-low-threshold", "fraction of a prepaid block used before the payer is told to sign the next")
	s.int64(&l.BlockWakeups, "ledger-block-wakeups", "suggested prepaid block: the price of this many wakeups")
	s.duration(&l.SignerTTL, "ledger-signer-ttl", "how long an on-chain signer authorisation is cached")
	c := &m.Collector
	s.duration(&c.Interval, "collector-interval", "how often what is owed is looked at")
	s.float(&c.GasMultiple, "collector-gas-multiple", "collect once what is owed is this multiple of the gas cost")
	s.float(&c.GasTokenRate, "collector-gas-token-rate", "payment-token base units per wei of gas (1 for ETH payments)")
	s.duration(&c.ThawMargin, "collector-thaw-margin", "collect a payer's vouchers at least this long before its thaw ends")
	s.int(&c.MaxBatch, "collector-max-batch", "most vouchers per collectBatch transaction")
}

// validate checks the market settings; dev needs no chain settings.
func (m marketSettings) validate(dev bool, providerID string) error {
	var errs []error
	for _, err := range []error{m.Registry.Validate(), m.Ledger.Validate(), m.Collector.Validate()} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if dev || m.ChainRPC == "" {
		return errors.Join(errs...)
	}
	if !isHexAddr(m.RegistryAddress) || !isHexAddr(m.EscrowAddress) {
		errs = append(errs, errors.New("registry-address, escrow-address: want 0x addresses with chain-rpc"))
	}
	if _, err := strconv.ParseUint(providerID, 10, 64); err != nil || providerID == "0" {
		errs = append(errs, errors.New("provider-id: want this node's provider id (a positive integer) with chain-rpc"))
	}
	return errors.Join(errs...)
}

func isHexAddr(s string) bool { return strings.HasPrefix(s, "0x") && common.IsHexAddress(s) }

// marketNode is the market as the node runs it: the chain client, the registry cache, the
// ledger and the collector, and in dev mode the in-process chain.
type marketNode struct {
	dev      *market.DevChain // pnode dev only
	chain    *market.Chain
	backend  market.Backend
	reg      *market.RegistryCache
	led      *market.Ledger
	col      *market.Collector
	id       uint64
	nodeKey  *ecdsa.PrivateKey
	operator *bindv2.TransactOpts
	log      *slog.Logger
	closers  []func()

	price atomic.Pointer[market.Price] // last known own price
}

// openMarket builds the market from the config: nothing without chain-rpc outside dev. It
// makes no chain call that must succeed when chain-id is configured and the registry snapshot
// holds this provider, so the node starts while its RPC endpoint is down.
func openMarket(ctx context.Context, c config, dev bool, nodeKey *ecdsa.PrivateKey, reg prometheus.Registerer, log *slog.Logger) (*marketNode, error) {
	m := c.Market
	if !dev && m.ChainRPC == "" {
		return &marketNode{}, nil
	}
	mk := &marketNode{nodeKey: nodeKey, log: log.With("component", "market")}
	if err := m.validate(dev, c.Server.ProviderID); err != nil {
		return nil, configError{err}
	}
	ok := false
	defer func() {
		if !ok {
			mk.close()
		}
	}()
	dir := filepath.Join(c.DataDir, "market")
	var addrs market.Addresses
	if dev {
		// The dev chain lives in memory: what a previous run stored about it is void.
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		d, err := market.StartDevChain(ctx, devParams, devAccounts, devKeys()...)
		if err != nil {
			return nil, fmt.Errorf("dev chain: %w", err)
		}
		mk.dev = d
		mk.closers = append(mk.closers, func() { d.Close() })
		mk.backend, addrs, mk.id = d.Backend(), d.Addresses, devProviderID
		mk.operator = d.Transactor(devOperator)
	} else {
		ec, err := ethclient.DialContext(ctx, m.ChainRPC)
		if err != nil {
			return nil, fmt.Errorf("chain-rpc: %w", err)
		}
		mk.closers = append(mk.closers, ec.Close)
		mk.backend = ec
		if c.Server.ChainID != 0 {
			mk.backend = market.WithChainID(ec, new(big.Int).SetUint64(c.Server.ChainID))
		}
		addrs = market.Addresses{Registry: common.HexToAddress(m.RegistryAddress), Escrow: common.HexToAddress(m.EscrowAddress)}
		mk.id, _ = strconv.ParseUint(c.Server.ProviderID, 10, 64)
		if m.OperatorKeyFile != "" {
			key, err := crypto.LoadECDSA(m.OperatorKeyFile)
			if err != nil {
				return nil, configError{fmt.Errorf("operator-key-file: %w", err)}
			}
			id, err := mk.backend.ChainID(ctx)
			if err != nil {
				return nil, fmt.Errorf("chain id: %w", err)
			}
			mk.operator = bindv2.NewKeyedTransactor(key, id)
		}
	}
	var err error
	if mk.chain, err = market.NewChain(ctx, mk.backend, addrs); err != nil {
		return nil, fmt.Errorf("market: %w", err)
	}
	rcfg := m.Registry
	rcfg.File = filepath.Join(dir, "registry.json")
	if mk.reg, err = market.NewRegistryCache(mk.chain, mk.backend, rcfg, log); err != nil {
		return nil, err
	}
	reg.MustRegister(mk.reg.Collectors()...)
	token, err := mk.ownRecord(ctx, dev)
	if err != nil {
		return nil, err
	}
	mk.led, err = market.OpenLedger(filepath.Join(dir, "ledger"), m.Ledger, market.LedgerDeps{
		ProviderID: mk.id, Token: token, Domain: mk.chain.Domain(), Escrow: mk.chain,
		Price: mk.ownPrice, Logger: log, Registry: reg,
	})
	if err != nil {
		return nil, err
	}
	if mk.operator == nil {
		mk.log.Warn("no operator-key-file: vouchers are accepted but never collected")
	} else {
		mk.col, err = market.NewCollector(m.Collector, market.CollectorDeps{
			Ledger: mk.led, Chain: mk.chain, Operator: mk.operator, GasPrice: mk.backend.SuggestGasPrice,
			Head: mk.backend, Logger: log, Registry: reg,
		})
		if err != nil {
			return nil, err
		}
	}
	ok = true
	return mk, nil
}

// ownRecord returns this provider's payment token and remembers its price: from the registry
// snapshot, else from the chain. A dev provider registers only later (start): the dev token.
func (mk *marketNode) ownRecord(ctx context.Context, dev bool) (common.Address, error) {
	if dev {
		mk.setPrice(devPrice)
		return mk.dev.Addresses.Token, nil
	}
	p, ok := mk.reg.Provider(mk.id)
	if !ok {
		var err error
		if p, err = mk.chain.Provider(ctx, mk.id); err != nil {
			return common.Address{}, fmt.Errorf("market: provider %d (no snapshot, chain unreadable?): %w", mk.id, err)
		}
	}
	if op := mk.operator; op != nil && op.From != p.Operator {
		mk.log.Warn("operator-key-file is not the provider's operator: collections will fail", "provider", mk.id)
	}
	mk.setPrice(p.PriceAt(time.Now()))
	return p.Token, nil
}

// setPrice records p as the last known own price. It stores only a change:
// the ledger asks for the price on every wakeup.
func (mk *marketNode) setPrice(p market.Price) {
	if last := mk.price.Load(); last == nil || *last != p {
		kept := p // only a change allocates: p itself does not escape
		mk.price.Store(&kept)
	}
}

// ownPrice is the ledger's price source: this provider's record in the cache, priced now; the
// last known price while the cache lacks the record.
func (mk *marketNode) ownPrice() market.Price {
	if pr, ok := mk.reg.PriceAt(mk.id, time.Now()); ok {
		mk.setPrice(pr)
		return pr
	}
	if last := mk.price.Load(); last != nil {
		return *last
	}
	return market.Price{}
}

// credit is the push relay's credit hook (nil without a market).
func (mk *marketNode) credit() push.Credit {
	if mk.led == nil {
		return nil
	}
	return mk.led
}

// apply hands the market to the server: listing, ledger, readiness, and in dev mode the chain's
// JSON-RPC endpoint next to the other dev handlers.
func (mk *marketNode) apply(d *server.Deps) {
	if mk.reg != nil {
		d.Providers = mk.reg
		d.Ready = mk.reg.Ready
	}
	if mk.led != nil {
		d.Ledger = mk.led
	}
	if mk.dev != nil {
		mux := http.NewServeMux()
		mux.Handle(devChainPath, mk.dev.RPCHandler())
		if d.DevHandler != nil {
			mux.Handle("/v1/dev/", d.DevHandler)
		}
		d.DevHandler = mux
	}
}

// start runs once the node listens on addr: in dev mode it registers this node as provider 1
// with its real endpoint; then it starts following the chain and collecting.
func (mk *marketNode) start(ctx context.Context, addr string) error {
	if mk.reg == nil {
		return nil
	}
	if mk.dev != nil {
		id, _, err := mk.chain.Register(ctx, mk.operator, market.RegisterArgs{
			Endpoint: "ws://" + bannerHost(addr) + "/ws", NodeKey: crypto.CompressPubkey(&mk.nodeKey.PublicKey),
			Services: market.ServicePush | market.ServiceStore, Gateways: market.GatewayAPNs | market.GatewayFCM,
			CapacityWakeupsPerDay: 1_000_000, CapacityGB: 10, Price: devPrice, Token: mk.dev.Addresses.Token,
			Stake: devParams.MinStake,
		})
		if err != nil {
			return fmt.Errorf("dev: register provider: %w", err)
		}
		if id != mk.id {
			return fmt.Errorf("dev: registered as provider %d, want %d", id, mk.id)
		}
		if err := mk.reg.Sync(ctx); err != nil {
			return fmt.Errorf("dev: registry: %w", err)
		}
	}
	mk.reg.Start()
	if mk.col != nil {
		mk.col.Start()
	}
	return nil
}

// close stops the collector and the follow loop, then closes the ledger and the chain. The
// caller runs it after the push relay closed (wakeups are charged until then).
func (mk *marketNode) close() {
	if mk.col != nil {
		mk.col.Close()
	}
	if mk.reg != nil {
		if err := mk.reg.Close(); err != nil {
			mk.log.Warn("registry close", "err", err)
		}
	}
	if mk.led != nil {
		if err := mk.led.Close(); err != nil {
			mk.log.Warn("ledger close", "err", err)
		}
	}
	for i := len(mk.closers) - 1; i >= 0; i-- {
		mk.closers[i]()
	}
	mk.closers, mk.col, mk.reg, mk.led = nil, nil, nil, nil
}

// devKeys are the dev chain's accounts: fixed, so that addresses and keys repeat from run to
// run. They are public: never fund them on a real chain.
func devKeys() []*ecdsa.PrivateKey {
	keys := make([]*ecdsa.PrivateKey, devAccounts)
	for i := range keys {
		k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("pnode dev account %d", i))))
		if err != nil {
			panic(err) // a keccak output is a valid key with overwhelming probability; fixed inputs
		}
		keys[i] = k
	}
	return keys
}

// printBanner adds the market lines to the node's banner; in dev mode the dev accounts with
// their private keys, clearly labelled.
func (mk *marketNode) printBanner(w io.Writer, base string) {
	if mk.chain == nil {
		fmt.Fprintf(w, "  market:     off (no chain-rpc)\n")
		return
	}
	a := mk.chain.Addresses()
	fmt.Fprintf(w, "  provider:   %d  registry %s  escrow %s\n", mk.id, a.Registry.Hex(), a.Escrow.Hex())
	fmt.Fprintf(w, "  providers:  %s/v1/providers\n", base)
	if mk.dev == nil {
		return
	}
	fmt.Fprintf(w, "  chain RPC:  %s%s  (chain id %d; in-process, gone when pnode stops)\n", base, devChainPath, mk.chain.ChainID())
	fmt.Fprintf(w, "  dev token:  %s  (each account holds %s base units)\n", a.Token.Hex(), market.DevTokens)
	fmt.Fprintf(w, "  price:      %s per 1k wakeups, %s per 1k history envelopes, %s per GB-month; %d wakeups/day free\n",
		devPrice.PerKWakeups, devPrice.PerKHistory, devPrice.PerGBMonth, devFreeWakeups)
	fmt.Fprintf(w, "  DEV ACCOUNTS: PUBLIC TEST KEYS, DEV ONLY, NEVER USE THEM ON A REAL CHAIN\n")
	roles := []string{"deployer", "this node's operator", "user", "user", "user"}
	for i, k := range devKeys() {
		fmt.Fprintf(w, "    %d %-20s %s  key 0x%x\n", i, roles[i], crypto.PubkeyToAddress(k.PublicKey).Hex(), crypto.FromECDSA(k))
	}
	fmt.Fprintf(w, "  try:        PNCTL_RPC=%s%s PNCTL_REGISTRY=%s PNCTL_ESCROW=%s PNCTL_KEY=<a user key> pnctl market deposit --provider %d --amount 1000000000000000000\n",
		base, devChainPath, a.Registry.Hex(), a.Escrow.Hex(), mk.id)
}
