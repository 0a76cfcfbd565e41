package market

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/pnmarket/pnmarket/market/bindings"
)

// Dev defaults for the market parameters (see docs of Params). Production deployments pick their own;
// the research note (shared/background/onchain-markets.md §4.8) argues for these.
const (
	DefaultPriceDelay  = 3 * 24 * time.Hour
	DefaultUnbonding   = 21 * 24 * time.Hour
	DefaultThawPeriod  = 7 * 24 * time.Hour
	DefaultRevokeDelay = 7 * 24 * time.Hour
	// maxDelay mirrors the contracts' MAX_DELAY bound.
	maxDelay = 365 * 24 * time.Hour
)

// Params are the deploy-time (immutable) market parameters.
type Params struct {
	MinStake    *big.Int      // least stake a provider registers with, in stake-token base units
	PriceDelay  time.Duration // announcePrice -> price in force
	Unbonding   time.Duration // requestExit -> withdrawStake
	ThawPeriod  time.Duration // thaw -> withdraw
	RevokeDelay time.Duration // revokeSigner -> signer's vouchers invalid
}

// DefaultParams returns the dev defaults: a minimum stake of 100 tokens (18 decimals) and the
// Default* delays.
func DefaultParams() Params {
	return Params{
		MinStake:    new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether)),
		PriceDelay:  DefaultPriceDelay,
		Unbonding:   DefaultUnbonding,
		ThawPeriod:  DefaultThawPeriod,
		RevokeDelay: DefaultRevokeDelay,
	}
}

// Validate checks the bounds the contract constructors enforce, so a bad config fails before any
// transaction is sent.
func (p Params) Validate() error {
	if p.MinStake == nil || p.MinStake.Sign() <= 0 || p.MinStake.BitLen() > 96 {
		return errors.New("market params: min stake must be in (0, 2^96)")
	}
	for name, d := range map[string]time.Duration{
		"price delay": p.PriceDelay, "unbonding": p.Unbonding, "thaw period": p.ThawPeriod, "revoke delay": p.RevokeDelay,
	} {
		if d < 0 || d > maxDelay || d%time.Second != 0 {
			return fmt.Errorf("market params: %s %v must be whole seconds in [0, %v]", name, d, maxDelay)
		}
	}
	return nil
}

// Addresses locates a market deployment.
type Addresses struct {
	Token    common.Address // stake token (and the ERC-20 payment token in dev): a TestToken on dev chains
	Registry common.Address
	Escrow   common.Address
}

// DeployAll deploys TestToken, Registry (staking in that token) and Escrow from deployer and waits
// until all three are mined. On a SimChain backend it seals the block itself.
func DeployAll(ctx context.Context, backend Backend, deployer *bind.TransactOpts, p Params) (Addresses, error) {
	if err := p.Validate(); err != nil {
		return Addresses{}, err
	}
	opts := *deployer
	opts.Context = ctx
	nonce := opts.Nonce
	if nonce == nil {
		n, err := backend.PendingNonceAt(ctx, opts.From)
		if err != nil {
			return Addresses{}, fmt.Errorf("deploy: nonce: %w", err)
		}
		nonce = new(big.Int).SetUint64(n)
	}
	deploy := func(meta *bind.MetaData, input []byte) (common.Address, *types.Transaction, error) {
		o := opts
		o.Nonce = new(big.Int).Set(nonce)
		addr, tx, err := bind.DeployContract(&o, common.FromHex(meta.Bin), backend, input)
		if err != nil {
			return common.Address{}, nil, decodeRevert(fmt.Errorf("deploy %s: %w", meta.ID, err))
		}
		nonce.Add(nonce, common.Big1)
		return addr, tx, nil
	}
	var (
		a   Addresses
		txs [3]*types.Transaction
		err error
	)
	if a.Token, txs[0], err = deploy(&bindings.TestTokenMetaData, nil); err != nil {
		return Addresses{}, err
	}
	reg := bindings.NewRegistry().PackConstructor(a.Token, p.MinStake, seconds(p.PriceDelay), seconds(p.Unbonding))
	if a.Registry, txs[1], err = deploy(&bindings.RegistryMetaData, reg); err != nil {
		return Addresses{}, err
	}
	esc := bindings.NewEscrow().PackConstructor(a.Registry, seconds(p.ThawPeriod), seconds(p.RevokeDelay))
	if a.Escrow, txs[2], err = deploy(&bindings.EscrowMetaData, esc); err != nil {
		return Addresses{}, err
	}
	if err := sealUntilMined(ctx, backend, txs[:]...); err != nil {
		return Addresses{}, fmt.Errorf("deploy: %w", err)
	}
	for _, tx := range txs {
		if _, err := bind.WaitDeployed(ctx, backend, tx.Hash()); err != nil {
			return Addresses{}, fmt.Errorf("deploy: wait %s: %w", tx.Hash(), err)
		}
	}
	return a, nil
}

func seconds(d time.Duration) *big.Int { return big.NewInt(int64(d / time.Second)) }

// sealUntilMined seals blocks on a committer backend until every tx has a
// receipt. One Commit normally suffices, but the simulated chain's block
// builder can miss transactions still being promoted in its pool, and a
// transaction left out would make WaitMined wait forever. Other backends
// mine by themselves: it returns at once.
func sealUntilMined(ctx context.Context, backend bind.DeployBackend, txs ...*types.Transaction) error {
	cm, ok := backend.(committer)
	if !ok {
		return nil
	}
	const maxSeals = 100
	for i := 0; ; i++ {
		cm.Commit()
		missing := 0
		for _, tx := range txs {
			if tx == nil {
				continue
			}
			if _, err := backend.TransactionReceipt(ctx, tx.Hash()); err != nil {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		if i >= maxSeals {
			return fmt.Errorf("%d transactions not mined after %d blocks", missing, maxSeals)
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// committer is implemented by backends that seal blocks on demand (SimChain's backend). Chain and
// DeployAll call Commit after sending, so callers never hang waiting for a block nobody seals.
type committer interface {
	Commit() common.Hash
}

// SimChain is an in-process chain (go-ethereum's ethclient/simulated, chain id 1337) with funded
// accounts, for tests and `pnode dev`. Blocks are sealed on demand: Chain and DeployAll do so after
// each transaction they send through Backend().
type SimChain struct {
	Sim     *simulated.Backend
	Keys    []*ecdsa.PrivateKey // funded with Funding wei each
	ChainID *big.Int
}

// SimFunding is the ETH each SimChain account starts with.
var SimFunding = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))

// SimChainConfig returns the fork schedule of SimChain: every fork up to Osaka (Ethereum mainnet's
// current rules, which L2s follow), without the future forks go-ethereum's dev chain also turns on
// (Amsterdam, Bogota: EIP-8037/8038 state-gas repricing), so gas figures match live networks.
func SimChainConfig() *params.ChainConfig {
	cfg := *params.AllDevChainProtocolChanges
	cfg.AmsterdamTime, cfg.BogotaTime, cfg.UBTTime = nil, nil, nil
	return &cfg
}

// NewSimChain starts a simulated chain (SimChainConfig rules) whose genesis funds the given keys;
// with fewer keys than `accounts` it makes fresh ones. Close it when done.
func NewSimChain(accounts int, keys ...*ecdsa.PrivateKey) (*SimChain, error) {
	return newSimChain(SimChainConfig(), accounts, keys...)
}

func newSimChain(cfg *params.ChainConfig, accounts int, keys ...*ecdsa.PrivateKey) (*SimChain, error) {
	for len(keys) < accounts {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	alloc := types.GenesisAlloc{}
	for _, k := range keys {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Set(SimFunding)}
	}
	sim := simulated.NewBackend(alloc, simulated.WithBlockGasLimit(60_000_000),
		func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = cfg })
	id, err := sim.Client().ChainID(context.Background())
	if err != nil {
		sim.Close()
		return nil, err
	}
	return &SimChain{Sim: sim, Keys: keys, ChainID: id}, nil
}

// Backend returns the client side of the chain; it seals a block after each transaction sent
// through Chain or DeployAll.
func (s *SimChain) Backend() Backend { return simBackend{s.Sim.Client(), s.Sim} }

// RawBackend returns the client without automatic sealing, for callers that batch transactions
// into blocks themselves with Commit.
func (s *SimChain) RawBackend() Backend { return s.Sim.Client() }

// Transactor returns transaction options signing with account i.
func (s *SimChain) Transactor(i int) *bind.TransactOpts {
	return bind.NewKeyedTransactor(s.Keys[i], s.ChainID)
}

// Address returns account i's address.
func (s *SimChain) Address(i int) common.Address { return crypto.PubkeyToAddress(s.Keys[i].PublicKey) }

// Commit seals the pending transactions into a block.
func (s *SimChain) Commit() common.Hash { return s.Sim.Commit() }

// AdjustTime seals a block d later than the previous one. It first seals any pending transactions
// (and lets the pool catch up with the last block, which the simulated backend's own AdjustTime
// would otherwise see as still pending).
func (s *SimChain) AdjustTime(d time.Duration) error {
	s.Sim.Commit()
	return s.Sim.AdjustTime(d)
}

// Close stops the chain.
func (s *SimChain) Close() error { return s.Sim.Close() }

type simBackend struct {
	simulated.Client
	sim *simulated.Backend
}

func (b simBackend) Commit() common.Hash { return b.sim.Commit() }

// DevMarket is a SimChain with the market deployed: account 0 deployed it, and every account holds
// DevTokens test tokens.
type DevMarket struct {
	*SimChain
	Addresses Addresses
}

// DevTokens is what NewDevMarket mints to each account.
var DevTokens = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))

// NewDevMarket starts a SimChain with `accounts` funded accounts (keys used first), deploys the
// market with p and mints DevTokens to every account.
func NewDevMarket(ctx context.Context, p Params, accounts int, keys ...*ecdsa.PrivateKey) (*DevMarket, error) {
	return newDevMarket(ctx, SimChainConfig(), p, accounts, keys...)
}

func newDevMarket(ctx context.Context, cfg *params.ChainConfig, p Params, accounts int, keys ...*ecdsa.PrivateKey) (*DevMarket, error) {
	sc, err := newSimChain(cfg, accounts, keys...)
	if err != nil {
		return nil, err
	}
	addrs, err := DeployAll(ctx, sc.Backend(), sc.Transactor(0), p)
	if err != nil {
		sc.Close()
		return nil, err
	}
	if err := sc.mintAll(ctx, addrs.Token, DevTokens); err != nil {
		sc.Close()
		return nil, err
	}
	return &DevMarket{SimChain: sc, Addresses: addrs}, nil
}

// mintAll mints amount of the TestToken at token to every account, all in one block.
func (s *SimChain) mintAll(ctx context.Context, token common.Address, amount *big.Int) error {
	opts := s.Transactor(0)
	opts.Context = ctx
	nonce, err := s.Sim.Client().PendingNonceAt(ctx, opts.From)
	if err != nil {
		return err
	}
	tt := bindings.NewTestToken()
	inst := tt.Instance(s.RawBackend(), token)
	txs := make([]*types.Transaction, len(s.Keys))
	for i := range s.Keys {
		o := *opts
		o.Nonce = new(big.Int).SetUint64(nonce + uint64(i))
		o.GasLimit = 500_000 // generous: future-fork rules (state gas) price a new balance far higher
		if txs[i], err = inst.RawTransact(&o, tt.PackMint(s.Address(i), amount)); err != nil {
			return fmt.Errorf("mint: %w", decodeRevert(err))
		}
	}
	if err := sealUntilMined(ctx, simBackend{s.Sim.Client(), s.Sim}, txs...); err != nil {
		return fmt.Errorf("mint: %w", err)
	}
	for _, tx := range txs {
		rcpt, err := bind.WaitMined(ctx, s.RawBackend(), tx.Hash())
		if err != nil {
			return fmt.Errorf("mint: %w", err)
		}
		if rcpt.Status != types.ReceiptStatusSuccessful {
			return fmt.Errorf("mint: %w: %s", ErrTxFailed, tx.Hash())
		}
	}
	return nil
}

// Chain returns a Chain for the dev market that seals a block after each transaction.
func (d *DevMarket) Chain(ctx context.Context) (*Chain, error) {
	return NewChain(ctx, d.Backend(), d.Addresses)
}
