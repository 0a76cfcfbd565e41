package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	ethcommon "github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/market"
)

const marketUsage = `usage: pnctl market <command> [flags]

provider (operator key):
  register --endpoint URL --node-key 0x.. [--price-wakeups N --price-history N --price-gb-month N]
           [--token 0x..] [--stake N] [--services push,store] [--gateways apns,fcm] [--capacity-wakeups N] [--capacity-gb N]
  update --id N [--endpoint URL] [--node-key 0x..] [--services ..] [--gateways ..] [--capacity-wakeups N] [--capacity-gb N]
  price --id N --wakeups N [--history N] [--gb-month N]     announce a price (in force after the price delay)
  stake --id N --amount N                                    add stake
  exit --id N                                                leave the listing; stake unbonds
  withdraw-stake --id N                                      after unbonding

user (payer key):
  deposit --provider N --amount N [--for 0x..]               fund your escrow account with a provider
  thaw --provider N --amount N                               start taking funds back (0 cancels)
  withdraw --provider N                                      after the thaw period
  authorise-signer --signer 0x..                             let a device key sign vouchers for you
  revoke-signer --signer 0x..                                (its vouchers stay valid for the revoke delay)
  balance --provider N [--payer 0x..]                        escrow account and wallet balance

chain flags: --rpc URL (env PNCTL_RPC), --registry 0x.. (env PNCTL_REGISTRY), --escrow 0x.. (env PNCTL_ESCROW),
  --keystore FILE with the passphrase in env PNCTL_PASSPHRASE or --passphrase-file FILE, or env PNCTL_KEY (hex).
  Keys are never taken from the command line. Amounts are integers in token base units (decimal or 0x-hex).
`

// chainFlags are the chain access flags of the market and providers commands.
type chainFlags struct {
	rpc, registry, escrow string
	keystore, passFile    string
	timeout               time.Duration
	jsonOut               bool
}

func (f *chainFlags) register(fs *flag.FlagSet, getenv env) {
	fs.StringVar(&f.rpc, "rpc", getenv("PNCTL_RPC"), "EVM JSON-RPC URL (env PNCTL_RPC)")
	fs.StringVar(&f.registry, "registry", getenv("PNCTL_REGISTRY"), "Registry address (env PNCTL_REGISTRY)")
	fs.StringVar(&f.escrow, "escrow", getenv("PNCTL_ESCROW"), "Escrow address (env PNCTL_ESCROW)")
	fs.StringVar(&f.keystore, "keystore", "", "keystore (JSON) file of the signing key; passphrase from PNCTL_PASSPHRASE or --passphrase-file")
	fs.StringVar(&f.passFile, "passphrase-file", "", "file holding the keystore passphrase")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "bound on the whole command")
	fs.BoolVar(&f.jsonOut, "json", false, "print JSON")
}

// connect dials the RPC endpoint and binds the market contracts.
func (f *chainFlags) connect(ctx context.Context) (*market.Chain, market.Backend, func(), error) {
	if f.rpc == "" {
		return nil, nil, nil, errors.New("no chain: set --rpc or PNCTL_RPC")
	}
	if !isAddr(f.registry) || !isAddr(f.escrow) {
		return nil, nil, nil, errors.New("set --registry and --escrow (or PNCTL_REGISTRY, PNCTL_ESCROW) to 0x addresses")
	}
	ec, err := ethclient.DialContext(ctx, f.rpc)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("rpc: %w", err)
	}
	c, err := market.NewChain(ctx, ec, market.Addresses{Registry: ethcommon.HexToAddress(f.registry), Escrow: ethcommon.HexToAddress(f.escrow)})
	if err != nil {
		ec.Close()
		return nil, nil, nil, err
	}
	return c, ec, ec.Close, nil
}

func isAddr(s string) bool { return strings.HasPrefix(s, "0x") && ethcommon.IsHexAddress(s) }

// signer loads the signing key: --keystore (passphrase from PNCTL_PASSPHRASE or
// --passphrase-file) or PNCTL_KEY.
func (f *chainFlags) signer(getenv env) (*ecdsa.PrivateKey, error) {
	if f.keystore != "" {
		b, err := os.ReadFile(f.keystore)
		if err != nil {
			return nil, fmt.Errorf("keystore: %w", err)
		}
		pass := getenv("PNCTL_PASSPHRASE")
		if f.passFile != "" {
			p, err := os.ReadFile(f.passFile)
			if err != nil {
				return nil, fmt.Errorf("passphrase file: %w", err)
			}
			pass = strings.TrimRight(string(p), "\r\n")
		}
		k, err := keystore.DecryptKey(b, pass)
		if err != nil {
			return nil, fmt.Errorf("keystore %s: %w", f.keystore, err)
		}
		return k.PrivateKey, nil
	}
	if h := strings.TrimPrefix(strings.TrimSpace(getenv("PNCTL_KEY")), "0x"); h != "" {
		k, err := crypto.HexToECDSA(h)
		if err != nil {
			return nil, errors.New("PNCTL_KEY: not a hex secp256k1 key")
		}
		return k, nil
	}
	return nil, errors.New("no signing key: use --keystore FILE (passphrase in PNCTL_PASSPHRASE or --passphrase-file) or set PNCTL_KEY")
}

// amountFlag is a token amount flag.
type amountFlag struct {
	v   *big.Int
	set bool
}

func (a *amountFlag) String() string {
	if a.v == nil {
		return "0"
	}
	return a.v.String()
}

func (a *amountFlag) Set(s string) error {
	var x market.Amount
	if err := x.UnmarshalText([]byte(strings.TrimSpace(s))); err != nil {
		return err
	}
	a.v, a.set = x.Int(), true
	return nil
}

func (a *amountFlag) int() *big.Int {
	if a.v == nil {
		return new(big.Int)
	}
	return a.v
}

// marketCmd is one market command being run.
type marketCmd struct {
	ctx    context.Context
	f      chainFlags
	chain  *market.Chain
	stdout io.Writer
	getenv env
	key    *ecdsa.PrivateKey
}

func (m *marketCmd) opts() *bind.TransactOpts {
	return bind.NewKeyedTransactor(m.key, m.chain.ChainID())
}

// done reports a mined transaction.
func (m *marketCmd) done(what string, rcpt *types.Receipt, fields map[string]any) error {
	if m.f.jsonOut {
		out := map[string]any{"ok": true, "action": what}
		if rcpt != nil {
			out["tx"], out["block"], out["gasUsed"] = rcpt.TxHash.Hex(), rcpt.BlockNumber.Uint64(), rcpt.GasUsed
		}
		for k, v := range fields {
			out[k] = v
		}
		return json.NewEncoder(m.stdout).Encode(out)
	}
	fmt.Fprintf(m.stdout, "%s", what)
	for _, k := range sortedKeys(fields) {
		fmt.Fprintf(m.stdout, " %s=%v", k, fields[k])
	}
	if rcpt != nil {
		fmt.Fprintf(m.stdout, " (tx %s, block %d, gas %d)", rcpt.TxHash.Hex(), rcpt.BlockNumber, rcpt.GasUsed)
	}
	fmt.Fprintln(m.stdout)
	return nil
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// runMarket runs `pnctl market <command>`.
func runMarket(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, marketUsage)
		if len(args) == 0 {
			return errors.New("market: missing command")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	m := &marketCmd{stdout: stdout, getenv: getenv}
	fs := flag.NewFlagSet("market "+sub, flag.ContinueOnError)
	m.f.register(fs, getenv)
	var (
		id, provider                     uint64
		endpoint, nodeKey, services      string
		gateways, token, forPayer        string
		signerAddr, payerAddr            string
		capWakeups, capGB                uint64
		amount, pWake, pHist, pGB, stake amountFlag
	)
	switch sub {
	case "register", "update":
		fs.StringVar(&endpoint, "endpoint", "", "websocket URL of the node's API (wss://host/ws)")
		fs.StringVar(&nodeKey, "node-key", "", "the node's public key (0x, 33 or 65 bytes; pnode prints it)")
		fs.StringVar(&services, "services", "push,store", "services offered: push, store")
		fs.StringVar(&gateways, "gateways", "apns,fcm", "push gateways reached: apns, fcm, webpush")
		fs.Uint64Var(&capWakeups, "capacity-wakeups", 1_000_000, "declared wakeups per day")
		fs.Uint64Var(&capGB, "capacity-gb", 10, "declared storage in GB")
		if sub == "register" {
			fs.Var(&pWake, "price-wakeups", "price per 1,000 wakeups")
			fs.Var(&pHist, "price-history", "price per 1,000 history envelopes")
			fs.Var(&pGB, "price-gb-month", "price per GB-month stored")
			fs.StringVar(&token, "token", "", "payment token (default: the stake token; 0x0000000000000000000000000000000000000000 = ETH)")
			fs.Var(&stake, "stake", "stake (default: the registry's minimum)")
		} else {
			fs.Uint64Var(&id, "id", 0, "provider id")
		}
	case "price":
		fs.Uint64Var(&id, "id", 0, "provider id")
		fs.Var(&pWake, "wakeups", "price per 1,000 wakeups")
		fs.Var(&pHist, "history", "price per 1,000 history envelopes")
		fs.Var(&pGB, "gb-month", "price per GB-month stored")
	case "stake":
		fs.Uint64Var(&id, "id", 0, "provider id")
		fs.Var(&amount, "amount", "stake to add")
	case "exit", "withdraw-stake":
		fs.Uint64Var(&id, "id", 0, "provider id")
	case "deposit", "thaw", "withdraw", "balance":
		fs.Uint64Var(&provider, "provider", 0, "provider id")
		fs.StringVar(&token, "token", "", "payment token (default: the provider's)")
		if sub == "deposit" || sub == "thaw" {
			fs.Var(&amount, "amount", "amount in token base units")
		}
		if sub == "deposit" {
			fs.StringVar(&forPayer, "for", "", "deposit into this payer's account (sponsor)")
		}
		if sub == "balance" {
			fs.StringVar(&payerAddr, "payer", "", "payer address (default: the key's)")
		}
	case "authorise-signer", "authorize-signer", "revoke-signer":
		fs.StringVar(&signerAddr, "signer", "", "device key address")
	default:
		fmt.Fprint(stderr, marketUsage)
		return fmt.Errorf("market: unknown command %q", sub)
	}
	if err := parse(fs, rest, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("market %s: unexpected arguments %v", sub, fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, m.f.timeout)
	defer cancel()
	m.ctx = ctx
	chain, _, closeChain, err := m.f.connect(ctx)
	if err != nil {
		return err
	}
	defer closeChain()
	m.chain = chain
	if sub != "balance" || payerAddr == "" {
		if m.key, err = m.f.signer(getenv); err != nil {
			return err
		}
	}
	needID := func() error {
		if id == 0 {
			return fmt.Errorf("market %s: --id required", sub)
		}
		return nil
	}
	needProvider := func() (ethcommon.Address, error) {
		if provider == 0 {
			return ethcommon.Address{}, fmt.Errorf("market %s: --provider required", sub)
		}
		if token != "" {
			if !isAddr(token) {
				return ethcommon.Address{}, fmt.Errorf("--token %q: want a 0x address", token)
			}
			return ethcommon.HexToAddress(token), nil
		}
		p, err := chain.Provider(ctx, provider)
		if err != nil {
			return ethcommon.Address{}, err
		}
		return p.Token, nil
	}
	switch sub {
	case "register":
		args, err := m.registerArgs(endpoint, nodeKey, services, gateways, capWakeups, capGB, pWake, pHist, pGB, token, stake)
		if err != nil {
			return err
		}
		newID, rcpt, err := chain.Register(ctx, m.opts(), args)
		if err != nil {
			return err
		}
		return m.done("registered", rcpt, map[string]any{"id": newID})
	case "update":
		if err := needID(); err != nil {
			return err
		}
		cur, err := chain.Provider(ctx, id)
		if err != nil {
			return err
		}
		u := market.ProviderUpdate{Endpoint: cur.Endpoint, NodeKey: cur.NodeKey, Services: cur.Services, Gateways: cur.Gateways,
			CapacityWakeupsPerDay: cur.CapacityWakeupsPerDay, CapacityGB: cur.CapacityGB}
		var perr error
		fs.Visit(func(fl *flag.Flag) {
			switch fl.Name {
			case "endpoint":
				u.Endpoint = endpoint
			case "node-key":
				if u.NodeKey, perr = parseNodeKey(nodeKey); perr != nil {
					return
				}
			case "services":
				u.Services, perr = parseServices(services)
			case "gateways":
				u.Gateways, perr = parseGateways(gateways)
			case "capacity-wakeups":
				u.CapacityWakeupsPerDay = capWakeups
			case "capacity-gb":
				u.CapacityGB = capGB
			}
		})
		if perr != nil {
			return perr
		}
		if u.Services&market.ServicePush == 0 {
			u.Gateways = 0
		}
		rcpt, err := chain.Update(ctx, m.opts(), id, u)
		if err != nil {
			return err
		}
		return m.done("updated", rcpt, map[string]any{"id": id, "endpoint": u.Endpoint})
	case "price":
		if err := needID(); err != nil {
			return err
		}
		if !pWake.set && !pHist.set && !pGB.set {
			return errors.New("market price: give --wakeups, --history and/or --gb-month")
		}
		cur, err := chain.Provider(ctx, id)
		if err != nil {
			return err
		}
		p := cur.PriceAt(time.Now())
		if pWake.set {
			p.PerKWakeups = pWake.int()
		}
		if pHist.set {
			p.PerKHistory = pHist.int()
		}
		if pGB.set {
			p.PerGBMonth = pGB.int()
		}
		rcpt, err := chain.AnnouncePrice(ctx, m.opts(), id, p)
		if err != nil {
			return err
		}
		after, _ := chain.Provider(ctx, id)
		fields := map[string]any{"id": id, "perKWakeups": p.PerKWakeups, "perKHistory": p.PerKHistory, "perGBMonth": p.PerGBMonth}
		if !after.EffectiveAt.IsZero() {
			fields["effectiveAt"] = after.EffectiveAt.UTC().Format(time.RFC3339)
		}
		return m.done("price announced", rcpt, fields)
	case "stake":
		if err := needID(); err != nil {
			return err
		}
		if amount.int().Sign() <= 0 {
			return errors.New("market stake: --amount required")
		}
		rcpt, err := chain.AddStake(ctx, m.opts(), id, amount.int())
		if err != nil {
			return err
		}
		return m.done("stake added", rcpt, map[string]any{"id": id, "amount": amount.int()})
	case "exit":
		if err := needID(); err != nil {
			return err
		}
		rcpt, err := chain.RequestExit(ctx, m.opts(), id)
		if err != nil {
			return err
		}
		after, _ := chain.Provider(ctx, id)
		return m.done("exit requested", rcpt, map[string]any{"id": id, "unbondsAt": after.ExitAt.UTC().Format(time.RFC3339)})
	case "withdraw-stake":
		if err := needID(); err != nil {
			return err
		}
		rcpt, err := chain.WithdrawStake(ctx, m.opts(), id)
		if err != nil {
			return err
		}
		return m.done("stake withdrawn", rcpt, map[string]any{"id": id})
	case "deposit":
		tok, err := needProvider()
		if err != nil {
			return err
		}
		if amount.int().Sign() <= 0 {
			return errors.New("market deposit: --amount required")
		}
		var rcpt *types.Receipt
		fields := map[string]any{"provider": provider, "amount": amount.int()}
		if forPayer != "" {
			if !isAddr(forPayer) {
				return fmt.Errorf("--for %q: want a 0x address", forPayer)
			}
			rcpt, err = chain.DepositFor(ctx, m.opts(), ethcommon.HexToAddress(forPayer), provider, tok, amount.int())
			fields["payer"] = forPayer
		} else {
			rcpt, err = chain.Deposit(ctx, m.opts(), provider, tok, amount.int())
		}
		if err != nil {
			return err
		}
		return m.done("deposited", rcpt, fields)
	case "thaw":
		tok, err := needProvider()
		if err != nil {
			return err
		}
		rcpt, err := chain.Thaw(ctx, m.opts(), provider, tok, amount.int())
		if err != nil {
			return err
		}
		a, _ := chain.Account(ctx, crypto.PubkeyToAddress(m.key.PublicKey), provider, tok)
		fields := map[string]any{"provider": provider, "thawing": amount.int()}
		if !a.ThawEndsAt.IsZero() {
			fields["withdrawableAt"] = a.ThawEndsAt.UTC().Format(time.RFC3339)
		}
		return m.done("thaw started", rcpt, fields)
	case "withdraw":
		tok, err := needProvider()
		if err != nil {
			return err
		}
		got, rcpt, err := chain.Withdraw(ctx, m.opts(), provider, tok)
		if err != nil {
			return err
		}
		return m.done("withdrawn", rcpt, map[string]any{"provider": provider, "amount": got})
	case "authorise-signer", "authorize-signer", "revoke-signer":
		if !isAddr(signerAddr) {
			return fmt.Errorf("market %s: --signer 0x.. required", sub)
		}
		s := ethcommon.HexToAddress(signerAddr)
		if sub == "revoke-signer" {
			rcpt, err := chain.RevokeSigner(ctx, m.opts(), s)
			if err != nil {
				return err
			}
			until, _ := chain.SignerValidUntil(ctx, crypto.PubkeyToAddress(m.key.PublicKey), s)
			return m.done("signer revocation requested", rcpt, map[string]any{"signer": s.Hex(), "validUntil": until.UTC().Format(time.RFC3339)})
		}
		rcpt, err := chain.AuthoriseSigner(ctx, m.opts(), s)
		if err != nil {
			return err
		}
		return m.done("signer authorised", rcpt, map[string]any{"signer": s.Hex()})
	case "balance":
		tok, err := needProvider()
		if err != nil {
			return err
		}
		payer := ethcommon.HexToAddress(payerAddr)
		if payerAddr == "" {
			payer = crypto.PubkeyToAddress(m.key.PublicKey)
		} else if !isAddr(payerAddr) {
			return fmt.Errorf("--payer %q: want a 0x address", payerAddr)
		}
		a, err := chain.Account(ctx, payer, provider, tok)
		if err != nil {
			return err
		}
		wallet, err := chain.BalanceOf(ctx, tok, payer)
		if err != nil {
			return err
		}
		fields := map[string]any{"payer": payer.Hex(), "provider": provider, "token": tok.Hex(), "escrow": a.Balance, "thawing": a.Thawing, "wallet": wallet}
		if !a.ThawEndsAt.IsZero() {
			fields["thawEndsAt"] = a.ThawEndsAt.UTC().Format(time.RFC3339)
		}
		return m.done("balance", nil, fields)
	}
	return nil
}

func (m *marketCmd) registerArgs(endpoint, nodeKey, services, gateways string, capW, capGB uint64, pw, ph, pg amountFlag, token string, stake amountFlag) (market.RegisterArgs, error) {
	if endpoint == "" || nodeKey == "" {
		return market.RegisterArgs{}, errors.New("market register: --endpoint and --node-key required")
	}
	key, err := parseNodeKey(nodeKey)
	if err != nil {
		return market.RegisterArgs{}, err
	}
	svc, err := parseServices(services)
	if err != nil {
		return market.RegisterArgs{}, err
	}
	gw, err := parseGateways(gateways)
	if err != nil {
		return market.RegisterArgs{}, err
	}
	if svc&market.ServicePush == 0 {
		gw = 0
	}
	a := market.RegisterArgs{Endpoint: endpoint, NodeKey: key, Services: svc, Gateways: gw, CapacityWakeupsPerDay: capW,
		CapacityGB: capGB, Price: market.Price{PerKWakeups: pw.int(), PerKHistory: ph.int(), PerGBMonth: pg.int()}, Stake: stake.v}
	if token != "" {
		if !isAddr(token) {
			return a, fmt.Errorf("--token %q: want a 0x address", token)
		}
		a.Token = ethcommon.HexToAddress(token)
	} else if a.Token, err = m.chain.StakeToken(m.ctx); err != nil {
		return a, err
	}
	if a.Stake == nil {
		p, err := m.chain.Params(m.ctx)
		if err != nil {
			return a, err
		}
		a.Stake = p.MinStake
	}
	return a, nil
}

func parseNodeKey(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") {
		return nil, errors.New("--node-key: want 0x-prefixed hex")
	}
	b := ethcommon.FromHex(s)
	if len(b) != 33 && len(b) != 65 {
		return nil, fmt.Errorf("--node-key: %d bytes, want 33 or 65", len(b))
	}
	return b, nil
}

func parseServices(s string) (market.Services, error) {
	var out market.Services
	for _, n := range strings.Split(s, ",") {
		switch strings.TrimSpace(n) {
		case "push":
			out |= market.ServicePush
		case "store":
			out |= market.ServiceStore
		case "":
		default:
			return 0, fmt.Errorf("--services: %q is not push or store", n)
		}
	}
	return out, nil
}

func parseGateways(s string) (market.Gateways, error) {
	var out market.Gateways
	for _, n := range strings.Split(s, ",") {
		switch strings.TrimSpace(n) {
		case "apns":
			out |= market.GatewayAPNs
		case "fcm":
			out |= market.GatewayFCM
		case "webpush":
			out |= market.GatewayWebPush
		case "":
		default:
			return 0, fmt.Errorf("--gateways: %q is not apns, fcm or webpush", n)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------- providers

// runProviders runs `pnctl providers`: the listing from the chain (--rpc, kept in a local cache
// and followed from where it was left) or from a node (--url), probed and sorted.
func runProviders(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var f chainFlags
	fs := flag.NewFlagSet("providers", flag.ContinueOnError)
	f.register(fs, getenv)
	nodeURL := fs.String("url", getenv("PNCTL_URL"), "read the listing from this node instead of the chain (env PNCTL_URL)")
	sortBy := fs.String("sort", "price", "sort by price, stake, capacity, rtt or id")
	noProbe := fs.Bool("no-probe", false, "do not measure round trips")
	service := fs.String("service", "", "only providers offering this service (push, store)")
	cache := fs.String("cache", "", "registry cache file (default: in the user cache directory)")
	confirmations := fs.Uint64("confirmations", 0, "read the chain this many blocks behind its head")
	probeTimeout := fs.Duration("probe-timeout", client.DefaultProbeTimeout, "per-provider probe timeout")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("providers: unexpected arguments %v", fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var ps []market.ListedProvider
	switch {
	case f.rpc != "":
		chain, backend, closeChain, err := f.connect(ctx)
		if err != nil {
			return err
		}
		defer closeChain()
		file := *cache
		if file == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				dir = os.TempDir()
			}
			file = filepath.Join(dir, "pnctl", fmt.Sprintf("registry-%d-%s.json", chain.ChainID(), strings.ToLower(f.registry)))
		}
		cfg := market.DefaultRegistryConfig()
		cfg.Confirmations, cfg.File, cfg.LogRange = *confirmations, file, 2000
		cfg.Progress = func(done, total uint64) {
			fmt.Fprintf(stderr, "\rsyncing registry: %d/%d blocks", done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		rc, err := market.NewRegistryCache(chain, backend, cfg, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "syncing registry %s (cache %s)\n", f.registry, file)
		serr := rc.Sync(ctx)
		if err := rc.Close(); err != nil {
			fmt.Fprintln(stderr, "pnctl: registry cache:", err)
		}
		st := rc.Status()
		if serr != nil {
			if st.Block == 0 {
				return serr
			}
			fmt.Fprintf(stderr, "pnctl: chain unreachable (%v); showing the cached listing of block %d\n", serr, st.Block)
		} else {
			fmt.Fprintf(stderr, "registry at block %d\n", st.Block)
		}
		l := rc.Listing()
		ps = l.Providers
	case *nodeURL != "":
		l, err := client.FetchProviders(ctx, *nodeURL)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "listing from %s at block %d (stale: %v)\n", *nodeURL, l.Block, l.Stale)
		ps = l.Providers
	default:
		return errors.New("providers: set --rpc (PNCTL_RPC) to read the chain or --url (PNCTL_URL) to ask a node")
	}
	if *service != "" {
		kept := ps[:0]
		for _, p := range ps {
			if p.HasService(*service) {
				kept = append(kept, p)
			}
		}
		ps = kept
	}
	var cands []client.Candidate
	if *noProbe {
		cands = make([]client.Candidate, len(ps))
		for i, p := range ps {
			cands[i].Provider = p
		}
	} else {
		fmt.Fprintf(stderr, "probing %d endpoints\n", len(ps))
		cands = client.Probe(ctx, ps, client.ProbeOptions{Timeout: *probeTimeout})
	}
	if err := client.SortCandidates(cands, *sortBy); err != nil {
		return err
	}
	if f.jsonOut {
		type row struct {
			market.ListedProvider
			RTTMs float64 `json:"rttMs,omitempty"`
			Error string  `json:"error,omitempty"`
		}
		out := make([]row, len(cands))
		for i, c := range cands {
			out[i] = row{ListedProvider: c.Provider, RTTMs: float64(c.RTT.Microseconds()) / 1000}
			if c.Err != nil {
				out[i].Error = c.Err.Error()
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPRICE/1K WAKEUPS\tPRICE/1K HISTORY\tPRICE/GB-MONTH\tSTAKE\tWAKEUPS/DAY\tRTT\tSERVICES\tENDPOINT")
	for _, c := range cands {
		p := c.Provider
		rtt := "-"
		switch {
		case c.Err != nil:
			rtt = "unreachable"
			if errors.Is(c.Err, client.ErrWrongNodeKey) {
				rtt = "WRONG KEY"
			}
		case c.RTT > 0:
			rtt = c.RTT.Round(100 * time.Microsecond).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", p.ID, p.Price.PerKWakeups, p.Price.PerKHistory, p.Price.PerGBMonth,
			p.Stake, p.CapacityWakeupsPerDay, rtt, strings.Join(p.Services, ","), p.Endpoint)
	}
	return tw.Flush()
}
