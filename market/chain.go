package market

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/pnmarket/pnmarket/market/bindings"
)

// Backend is what Chain needs from a node connection; *ethclient.Client and simulated.Client
// satisfy it.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

// Services is the bitmask of services a provider offers.
type Services uint8

// Service bits, equal to the Registry's SERVICE_* constants.
const (
	ServicePush  Services = 1
	ServiceStore Services = 2
)

// Gateways is the bitmask of push gateways a provider reaches.
type Gateways uint8

// Gateway bits, equal to the Registry's GATEWAY_* constants.
const (
	GatewayAPNs    Gateways = 1
	GatewayFCM     Gateways = 2
	GatewayWebPush Gateways = 4
)

// Price is a provider's price list in base units of its payment token.
type Price struct {
	PerKWakeups *big.Int // per 1,000 push wakeups
	PerKHistory *big.Int // per 1,000 history envelopes served
	PerGBMonth  *big.Int // per GB-month stored
}

// Provider is a Registry record.
type Provider struct {
	ID                    uint64
	Operator              common.Address // controls the record and stake; collects payments
	Token                 common.Address // payment token accepted; zero address = ETH
	Stake                 *big.Int
	Services              Services
	Gateways              Gateways
	CapacityWakeupsPerDay uint64
	CapacityGB            uint64
	Price                 Price     // in force at the block the record was read at (or emitted in)
	PendingPrice          *Price    // announced and not yet in force; nil when none
	EffectiveAt           time.Time // when PendingPrice takes effect; zero when none
	Active                bool      // listed; false once exit was requested
	ExitAt                time.Time // end of unbonding; zero while active
	NodeKey               []byte    // 33-byte compressed secp256k1 public key
	Endpoint              string
}

// PriceAt returns the price in force at t, taking a pending price into account.
func (p Provider) PriceAt(t time.Time) Price {
	if p.PendingPrice != nil && !t.Before(p.EffectiveAt) {
		return *p.PendingPrice
	}
	return p.Price
}

// RegisterArgs are the arguments of Chain.Register.
type RegisterArgs struct {
	Endpoint              string
	NodeKey               []byte // 33 or 65 bytes
	Services              Services
	Gateways              Gateways
	CapacityWakeupsPerDay uint64
	CapacityGB            uint64
	Price                 Price
	Token                 common.Address // payment token; zero address = ETH
	Stake                 *big.Int
}

// ProviderUpdate holds the fields Chain.Update replaces.
type ProviderUpdate struct {
	Endpoint              string
	NodeKey               []byte
	Services              Services
	Gateways              Gateways
	CapacityWakeupsPerDay uint64
	CapacityGB            uint64
}

// Account is a payer's escrow account with one provider in one token.
type Account struct {
	Balance    *big.Int // thawing part included
	Thawing    *big.Int
	ThawEndsAt time.Time // zero when nothing is thawing
}

// Chain is a typed client of one market deployment. It is safe for concurrent use; transactions
// are sent one at a time so nonces taken from the pending state never collide.
//
// Transaction methods take the sender's *bind.TransactOpts; leave its Nonce nil (Chain takes nonces
// from the pending state, and some methods send an ERC-20 approve first) and GasLimit 0 (estimation
// is what turns a revert into a typed error before anything is sent).
//
// Every transaction method waits until the transaction is mined and returns its receipt. Reverts
// come back as *RevertError (errors.Is with the Err* sentinels), whether found while estimating gas
// or, for a mined failed transaction, by replaying it (then also matching ErrTxFailed).
type Chain struct {
	backend Backend     // static after construction
	addrs   Addresses   // static after construction
	chainID *big.Int    // static after construction
	block   *big.Int    // block views read at; nil = latest; static after construction
	sendMu  *sync.Mutex // serialises nonce assignment and sending; shared with At copies
	reg     *bindings.Registry
	esc     *bindings.Escrow
	erc20   *bindings.TestToken // ERC-20 subset of the ABI, used for any token
	regC    *bind.BoundContract
	escC    *bind.BoundContract
}

// NewChain connects to the market at addrs through backend.
func NewChain(ctx context.Context, backend Backend, addrs Addresses) (*Chain, error) {
	id, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("market: chain id: %w", err)
	}
	c := &Chain{
		backend: backend,
		addrs:   addrs,
		chainID: id,
		sendMu:  new(sync.Mutex),
		reg:     bindings.NewRegistry(),
		esc:     bindings.NewEscrow(),
		erc20:   bindings.NewTestToken(),
	}
	c.regC = c.reg.Instance(backend, addrs.Registry)
	c.escC = c.esc.Instance(backend, addrs.Escrow)
	return c, nil
}

// At returns a view of c whose read methods query the state at block (nil = latest), e.g. a safe
// block for a registry snapshot. Transactions are unaffected.
func (c *Chain) At(block *big.Int) *Chain {
	cp := *c
	cp.block = block
	return &cp
}

// Addresses returns the contract addresses.
func (c *Chain) Addresses() Addresses { return c.addrs }

// ChainID returns the chain id.
func (c *Chain) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// Domain returns the EIP-712 domain vouchers for this Escrow are signed in.
func (c *Chain) Domain() Domain { return EscrowDomain(c.ChainID(), c.addrs.Escrow) }

// ---------------------------------------------------------------- registry transactions

// Register approves the stake (if needed) and registers the caller as a new provider's operator,
// returning the provider id.
func (c *Chain) Register(ctx context.Context, opts *bind.TransactOpts, a RegisterArgs) (uint64, *types.Receipt, error) {
	if a.Stake == nil || a.Price.PerKWakeups == nil || a.Price.PerKHistory == nil || a.Price.PerGBMonth == nil {
		return 0, nil, fmt.Errorf("market: register: %w: stake and prices are required", ErrValueOutOfRange)
	}
	data, err := c.reg.TryPackRegister(bindings.RegistryRegisterArgs{
		Endpoint:              a.Endpoint,
		NodeKey:               a.NodeKey,
		Services:              uint8(a.Services),
		Gateways:              uint8(a.Gateways),
		CapacityWakeupsPerDay: a.CapacityWakeupsPerDay,
		CapacityGB:            a.CapacityGB,
		Price:                 a.Price.binding(),
		Token:                 a.Token,
		Stake:                 a.Stake,
	})
	if err != nil {
		return 0, nil, fmt.Errorf("market: register: %w", err)
	}
	stakeToken, err := c.StakeToken(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("market: register: %w", err)
	}
	if err := c.ensureAllowance(ctx, opts, stakeToken, c.addrs.Registry, a.Stake); err != nil {
		return 0, nil, fmt.Errorf("market: register: %w", err)
	}
	rcpt, err := c.transact(ctx, opts, c.regC, data, nil)
	if err != nil {
		return 0, rcpt, fmt.Errorf("market: register: %w", err)
	}
	for _, l := range rcpt.Logs {
		if ev, err := c.DecodeRegistryLog(l); err == nil && ev.Kind == EventProviderRegistered {
			return ev.Provider.ID, rcpt, nil
		}
	}
	return 0, rcpt, errors.New("market: register: no ProviderRegistered event in receipt")
}

// Update replaces a provider's endpoint, node key, services, gateways and capacity.
func (c *Chain) Update(ctx context.Context, opts *bind.TransactOpts, id uint64, u ProviderUpdate) (*types.Receipt, error) {
	data, err := c.reg.TryPackUpdate(bigID(id), u.Endpoint, u.NodeKey, uint8(u.Services), uint8(u.Gateways),
		u.CapacityWakeupsPerDay, u.CapacityGB)
	if err != nil {
		return nil, fmt.Errorf("market: update: %w", err)
	}
	return c.wrap("update")(c.transact(ctx, opts, c.regC, data, nil))
}

// SetOperator hands provider id to a new operator key.
func (c *Chain) SetOperator(ctx context.Context, opts *bind.TransactOpts, id uint64, operator common.Address) (*types.Receipt, error) {
	return c.wrap("set operator")(c.transact(ctx, opts, c.regC, c.reg.PackSetOperator(bigID(id), operator), nil))
}

// AnnouncePrice announces a price that takes effect after the registry's price delay.
func (c *Chain) AnnouncePrice(ctx context.Context, opts *bind.TransactOpts, id uint64, p Price) (*types.Receipt, error) {
	data, err := c.reg.TryPackAnnouncePrice(bigID(id), p.binding())
	if err != nil {
		return nil, fmt.Errorf("market: announce price: %w", err)
	}
	return c.wrap("announce price")(c.transact(ctx, opts, c.regC, data, nil))
}

// AddStake approves (if needed) and adds amount to provider id's stake.
func (c *Chain) AddStake(ctx context.Context, opts *bind.TransactOpts, id uint64, amount *big.Int) (*types.Receipt, error) {
	data, err := c.reg.TryPackAddStake(bigID(id), amount)
	if err != nil {
		return nil, fmt.Errorf("market: add stake: %w", err)
	}
	stakeToken, err := c.StakeToken(ctx)
	if err != nil {
		return nil, fmt.Errorf("market: add stake: %w", err)
	}
	if err := c.ensureAllowance(ctx, opts, stakeToken, c.addrs.Registry, amount); err != nil {
		return nil, fmt.Errorf("market: add stake: %w", err)
	}
	return c.wrap("add stake")(c.transact(ctx, opts, c.regC, data, nil))
}

// RequestExit starts unbonding provider id.
func (c *Chain) RequestExit(ctx context.Context, opts *bind.TransactOpts, id uint64) (*types.Receipt, error) {
	return c.wrap("request exit")(c.transact(ctx, opts, c.regC, c.reg.PackRequestExit(bigID(id)), nil))
}

// WithdrawStake pays provider id's stake to its operator once unbonding has ended.
func (c *Chain) WithdrawStake(ctx context.Context, opts *bind.TransactOpts, id uint64) (*types.Receipt, error) {
	return c.wrap("withdraw stake")(c.transact(ctx, opts, c.regC, c.reg.PackWithdrawStake(bigID(id)), nil))
}

// ---------------------------------------------------------------- escrow transactions

// Deposit adds amount to the sender's account with provider providerID. For ETH (zero token) the
// amount is sent as value; for an ERC-20 the escrow is approved first if needed.
func (c *Chain) Deposit(ctx context.Context, opts *bind.TransactOpts, providerID uint64, token common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := c.esc.TryPackDeposit(bigID(providerID), token, amount)
	if err != nil {
		return nil, fmt.Errorf("market: deposit: %w", err)
	}
	return c.wrap("deposit")(c.deposit(ctx, opts, token, amount, data))
}

// DepositFor is Deposit crediting payer's account, paid by the sender.
func (c *Chain) DepositFor(ctx context.Context, opts *bind.TransactOpts, payer common.Address, providerID uint64, token common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := c.esc.TryPackDepositFor(payer, bigID(providerID), token, amount)
	if err != nil {
		return nil, fmt.Errorf("market: deposit for: %w", err)
	}
	return c.wrap("deposit for")(c.deposit(ctx, opts, token, amount, data))
}

func (c *Chain) deposit(ctx context.Context, opts *bind.TransactOpts, token common.Address, amount *big.Int, data []byte) (*types.Receipt, error) {
	if token == (common.Address{}) {
		return c.transact(ctx, opts, c.escC, data, amount)
	}
	if err := c.ensureAllowance(ctx, opts, token, c.addrs.Escrow, amount); err != nil {
		return nil, err
	}
	return c.transact(ctx, opts, c.escC, data, nil)
}

// Thaw starts thawing amount of the sender's account (0 cancels a thaw).
func (c *Chain) Thaw(ctx context.Context, opts *bind.TransactOpts, providerID uint64, token common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := c.esc.TryPackThaw(bigID(providerID), token, amount)
	if err != nil {
		return nil, fmt.Errorf("market: thaw: %w", err)
	}
	return c.wrap("thaw")(c.transact(ctx, opts, c.escC, data, nil))
}

// Withdraw pays the thawed amount back to the sender once the thaw period has ended and returns it.
func (c *Chain) Withdraw(ctx context.Context, opts *bind.TransactOpts, providerID uint64, token common.Address) (*big.Int, *types.Receipt, error) {
	rcpt, err := c.transact(ctx, opts, c.escC, c.esc.PackWithdraw(bigID(providerID), token), nil)
	if err != nil {
		return nil, rcpt, fmt.Errorf("market: withdraw: %w", err)
	}
	for _, l := range rcpt.Logs {
		if ev, err := c.DecodeEscrowLog(l); err == nil && ev.Kind == EventWithdrawn {
			return ev.Amount, rcpt, nil
		}
	}
	return nil, rcpt, errors.New("market: withdraw: no Withdrawn event in receipt")
}

// AuthoriseSigner lets signer sign vouchers for the sender.
func (c *Chain) AuthoriseSigner(ctx context.Context, opts *bind.TransactOpts, signer common.Address) (*types.Receipt, error) {
	return c.wrap("authorise signer")(c.transact(ctx, opts, c.escC, c.esc.PackAuthoriseSigner(signer), nil))
}

// RevokeSigner revokes signer; its vouchers stay valid for the escrow's revoke delay.
func (c *Chain) RevokeSigner(ctx context.Context, opts *bind.TransactOpts, signer common.Address) (*types.Receipt, error) {
	return c.wrap("revoke signer")(c.transact(ctx, opts, c.escC, c.esc.PackRevokeSigner(signer), nil))
}

// Collect collects one voucher as the provider's operator and returns the amount paid.
func (c *Chain) Collect(ctx context.Context, opts *bind.TransactOpts, sv SignedVoucher) (*big.Int, *types.Receipt, error) {
	v, err := sv.binding()
	if err != nil {
		return nil, nil, fmt.Errorf("market: collect: %w", err)
	}
	data, err := c.esc.TryPackCollect(v, sv.Signature)
	if err != nil {
		return nil, nil, fmt.Errorf("market: collect: %w", err)
	}
	rcpt, err := c.transact(ctx, opts, c.escC, data, nil)
	if err != nil {
		return nil, rcpt, fmt.Errorf("market: collect: %w", err)
	}
	res := c.batchResult(rcpt)
	return res.Paid, rcpt, nil
}

// BatchResult summarises a collectBatch transaction from its events.
type BatchResult struct {
	Paid      *big.Int      // total paid, summed over tokens
	Collected []EscrowEvent // one EventCollected per paying voucher, in order
	Skipped   []EscrowEvent // one EventCollectSkipped per voucher that paid nothing
}

// CollectBatch collects many vouchers in one transaction. An invalid voucher reverts the whole batch
// with a *BatchEntryError naming it (errors.Is(err, ErrInvalidBatchEntry) and the entry's sentinel);
// vouchers that pay nothing (ErrNothingToCollect, ErrEmptyBalance) are skipped and listed in Skipped.
func (c *Chain) CollectBatch(ctx context.Context, opts *bind.TransactOpts, svs []SignedVoucher) (BatchResult, *types.Receipt, error) {
	vs := make([]bindings.EscrowVoucher, len(svs))
	sigs := make([][]byte, len(svs))
	for i, sv := range svs {
		v, err := sv.binding()
		if err != nil {
			return BatchResult{}, nil, fmt.Errorf("market: collect batch: entry %d: %w", i, err)
		}
		vs[i], sigs[i] = v, sv.Signature
	}
	data, err := c.esc.TryPackCollectBatch(vs, sigs)
	if err != nil {
		return BatchResult{}, nil, fmt.Errorf("market: collect batch: %w", err)
	}
	rcpt, err := c.transact(ctx, opts, c.escC, data, nil)
	if err != nil {
		return BatchResult{}, rcpt, fmt.Errorf("market: collect batch: %w", err)
	}
	return c.batchResult(rcpt), rcpt, nil
}

func (c *Chain) batchResult(rcpt *types.Receipt) BatchResult {
	res := BatchResult{Paid: new(big.Int)}
	for _, l := range rcpt.Logs {
		ev, err := c.DecodeEscrowLog(l)
		if err != nil {
			continue
		}
		switch ev.Kind {
		case EventCollected:
			res.Paid.Add(res.Paid, ev.Amount)
			res.Collected = append(res.Collected, ev)
		case EventCollectSkipped:
			res.Skipped = append(res.Skipped, ev)
		}
	}
	return res
}

// ---------------------------------------------------------------- tokens

// Mint mints dev TestToken (Addresses.Token) to `to`. Only meaningful on dev chains.
func (c *Chain) Mint(ctx context.Context, opts *bind.TransactOpts, to common.Address, amount *big.Int) error {
	data, err := c.erc20.TryPackMint(to, amount)
	if err != nil {
		return fmt.Errorf("market: mint: %w", err)
	}
	_, err = c.transact(ctx, opts, c.erc20.Instance(c.backend, c.addrs.Token), data, nil)
	return c.wrapErr("mint", err)
}

// Approve sets the sender's ERC-20 allowance for spender.
func (c *Chain) Approve(ctx context.Context, opts *bind.TransactOpts, token, spender common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := c.erc20.TryPackApprove(spender, amount)
	if err != nil {
		return nil, fmt.Errorf("market: approve: %w", err)
	}
	return c.wrap("approve")(c.transact(ctx, opts, c.erc20.Instance(c.backend, token), data, nil))
}

// ensureAllowance approves spender for amount unless the allowance already covers it. A non-zero
// allowance is reset to 0 first, as MiniMe tokens (SNT) demand.
func (c *Chain) ensureAllowance(ctx context.Context, opts *bind.TransactOpts, token, spender common.Address, amount *big.Int) error {
	if amount == nil {
		return ErrZeroAmount
	}
	have, err := c.Allowance(ctx, token, opts.From, spender)
	if err != nil {
		return err
	}
	if have.Cmp(amount) >= 0 {
		return nil
	}
	if have.Sign() != 0 {
		if _, err := c.Approve(ctx, opts, token, spender, new(big.Int)); err != nil {
			return err
		}
	}
	_, err = c.Approve(ctx, opts, token, spender, amount)
	return err
}

// Allowance returns owner's ERC-20 allowance for spender.
func (c *Chain) Allowance(ctx context.Context, token, owner, spender common.Address) (*big.Int, error) {
	return call(ctx, c, c.erc20.Instance(c.backend, token), c.erc20.PackAllowance(owner, spender), c.erc20.UnpackAllowance)
}

// BalanceOf returns owner's balance of token; the zero token address means ETH.
func (c *Chain) BalanceOf(ctx context.Context, token, owner common.Address) (*big.Int, error) {
	if token == (common.Address{}) {
		b, err := c.backend.BalanceAt(ctx, owner, c.block)
		if err != nil {
			return nil, fmt.Errorf("market: balance: %w", err)
		}
		return b, nil
	}
	return call(ctx, c, c.erc20.Instance(c.backend, token), c.erc20.PackBalanceOf(owner), c.erc20.UnpackBalanceOf)
}

// ---------------------------------------------------------------- views

// Provider returns provider id's record (ErrUnknownProvider for an unused id).
func (c *Chain) Provider(ctx context.Context, id uint64) (Provider, error) {
	p, err := call(ctx, c, c.regC, c.reg.PackGetProvider(bigID(id)), c.reg.UnpackGetProvider)
	if err != nil {
		return Provider{}, err
	}
	return providerFromBinding(p), nil
}

// Providers returns one page of active providers starting at cursor (0 for the first page) and the
// cursor of the next page (0 at the end). Pages hold at most limit (<= 100) records and may be short.
func (c *Chain) Providers(ctx context.Context, cursor uint64, limit int) ([]Provider, uint64, error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("market: providers: limit %d must be positive", limit)
	}
	out, err := call(ctx, c, c.regC, c.reg.PackProviders(bigID(cursor), big.NewInt(int64(limit))), c.reg.UnpackProviders)
	if err != nil {
		return nil, 0, err
	}
	ps := make([]Provider, len(out.Page))
	for i, p := range out.Page {
		ps[i] = providerFromBinding(p)
	}
	return ps, out.Next.Uint64(), nil
}

// AllProviders pages through every active provider.
func (c *Chain) AllProviders(ctx context.Context) ([]Provider, error) {
	if c.block == nil {
		// Pin one block so the pages form a consistent snapshot.
		n, err := c.backendBlockNumber(ctx)
		if err != nil {
			return nil, err
		}
		return c.At(n).AllProviders(ctx)
	}
	var all []Provider
	for cursor := uint64(0); ; {
		page, next, err := c.Providers(ctx, cursor, 100)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == 0 {
			return all, nil
		}
		cursor = next
	}
}

func (c *Chain) backendBlockNumber(ctx context.Context) (*big.Int, error) {
	h, err := c.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("market: head: %w", err)
	}
	return h.Number, nil
}

// ProviderCount returns how many providers ever registered (ids are 1..count).
func (c *Chain) ProviderCount(ctx context.Context) (uint64, error) {
	n, err := call(ctx, c, c.regC, c.reg.PackProviderCount(), c.reg.UnpackProviderCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// CurrentPrice returns provider id's price in force now.
func (c *Chain) CurrentPrice(ctx context.Context, id uint64) (Price, error) {
	p, err := call(ctx, c, c.regC, c.reg.PackCurrentPrice(bigID(id)), c.reg.UnpackCurrentPrice)
	if err != nil {
		return Price{}, err
	}
	return priceFromBinding(p), nil
}

// StakeToken returns the registry's stake token.
func (c *Chain) StakeToken(ctx context.Context) (common.Address, error) {
	return call(ctx, c, c.regC, c.reg.PackStakeToken(), c.reg.UnpackStakeToken)
}

// Params reads the deployment's parameters back from the contracts.
func (c *Chain) Params(ctx context.Context) (Params, error) {
	var (
		p   Params
		err error
		v   *big.Int
	)
	if p.MinStake, err = call(ctx, c, c.regC, c.reg.PackMinStake(), c.reg.UnpackMinStake); err != nil {
		return Params{}, err
	}
	for _, f := range []struct {
		dst  *time.Duration
		inst *bind.BoundContract
		data []byte
		dec  func([]byte) (*big.Int, error)
	}{
		{&p.PriceDelay, c.regC, c.reg.PackPriceDelay(), c.reg.UnpackPriceDelay},
		{&p.Unbonding, c.regC, c.reg.PackUnbonding(), c.reg.UnpackUnbonding},
		{&p.ThawPeriod, c.escC, c.esc.PackThawPeriod(), c.esc.UnpackThawPeriod},
		{&p.RevokeDelay, c.escC, c.esc.PackRevokeDelay(), c.esc.UnpackRevokeDelay},
	} {
		if v, err = call(ctx, c, f.inst, f.data, f.dec); err != nil {
			return Params{}, err
		}
		*f.dst = time.Duration(v.Int64()) * time.Second
	}
	return p, nil
}

// Account returns payer's escrow account with provider providerID in token.
func (c *Chain) Account(ctx context.Context, payer common.Address, providerID uint64, token common.Address) (Account, error) {
	out, err := call(ctx, c, c.escC, c.esc.PackAccount(payer, bigID(providerID), token), c.esc.UnpackAccount)
	if err != nil {
		return Account{}, err
	}
	return Account{Balance: out.Balance, Thawing: out.Thawing, ThawEndsAt: unixTime(out.ThawEndsAt.Uint64())}, nil
}

// Collected returns the total collected so far on a lane.
func (c *Chain) Collected(ctx context.Context, payer common.Address, providerID uint64, token common.Address, lane uint64) (*big.Int, error) {
	return call(ctx, c, c.escC, c.esc.PackCollected(payer, bigID(providerID), token, lane), c.esc.UnpackCollected)
}

// IsAuthorisedSigner reports whether signer's vouchers for payer are valid now.
func (c *Chain) IsAuthorisedSigner(ctx context.Context, payer, signer common.Address) (bool, error) {
	return call(ctx, c, c.escC, c.esc.PackIsAuthorisedSigner(payer, signer), c.esc.UnpackIsAuthorisedSigner)
}

// SignerValidUntil returns when signer's authorisation for payer ends: zero time when it was never
// authorised (or is unknown), the far future (time.Unix(1<<62, 0)) when no revocation is pending.
func (c *Chain) SignerValidUntil(ctx context.Context, payer, signer common.Address) (time.Time, error) {
	v, err := call(ctx, c, c.escC, c.esc.PackSignerValidUntil(payer, signer), c.esc.UnpackSignerValidUntil)
	if err != nil {
		return time.Time{}, err
	}
	if !v.IsInt64() || v.Int64() > 1<<62 {
		return time.Unix(1<<62, 0).UTC(), nil
	}
	return unixTime(v.Uint64()), nil
}

// ---------------------------------------------------------------- plumbing

func call[T any](ctx context.Context, c *Chain, inst *bind.BoundContract, data []byte, unpack func([]byte) (T, error)) (T, error) {
	v, err := bind.Call(inst, &bind.CallOpts{Context: ctx, BlockNumber: c.block}, data, unpack)
	if err != nil {
		var zero T
		return zero, decodeRevert(err)
	}
	return v, nil
}

// transact sends data (with value wei) from opts, seals a block on a SimChain backend, waits for the
// receipt and turns failures into typed errors.
func (c *Chain) transact(ctx context.Context, opts *bind.TransactOpts, inst *bind.BoundContract, data []byte, value *big.Int) (*types.Receipt, error) {
	o := *opts
	o.Context = ctx
	if value != nil {
		o.Value = value
	}
	c.sendMu.Lock()
	tx, err := inst.RawTransact(&o, data)
	if err == nil {
		err = sealUntilMined(ctx, c.backend, tx)
		if err != nil {
			c.sendMu.Unlock()
			return nil, fmt.Errorf("wait for %s: %w", tx.Hash(), err)
		}
	}
	c.sendMu.Unlock()
	if err != nil {
		return nil, decodeRevert(err)
	}
	rcpt, err := bind.WaitMined(ctx, c.backend, tx.Hash())
	if err != nil {
		return nil, fmt.Errorf("wait for %s: %w", tx.Hash(), err)
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return rcpt, c.replay(ctx, &o, tx, rcpt)
	}
	return rcpt, nil
}

// replay re-runs a failed transaction as a call on the state before its block to recover the
// revert reason.
func (c *Chain) replay(ctx context.Context, opts *bind.TransactOpts, tx *types.Transaction, rcpt *types.Receipt) error {
	failed := fmt.Errorf("%w: %s (gas used %d)", ErrTxFailed, tx.Hash(), rcpt.GasUsed)
	parent := new(big.Int).Sub(rcpt.BlockNumber, common.Big1)
	_, err := c.backend.CallContract(ctx, ethereum.CallMsg{
		From: opts.From, To: tx.To(), Gas: tx.Gas(), Value: tx.Value(), Data: tx.Data(),
	}, parent)
	if err == nil {
		return failed
	}
	return errors.Join(failed, decodeRevert(err))
}

func (c *Chain) wrap(op string) func(*types.Receipt, error) (*types.Receipt, error) {
	return func(r *types.Receipt, err error) (*types.Receipt, error) { return r, c.wrapErr(op, err) }
}

func (c *Chain) wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("market: %s: %w", op, err)
}

func bigID(id uint64) *big.Int { return new(big.Int).SetUint64(id) }

func unixTime(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}

func (p Price) binding() bindings.RegistryPrice {
	return bindings.RegistryPrice{PerKWakeups: p.PerKWakeups, PerKHistory: p.PerKHistory, PerGBMonth: p.PerGBMonth}
}

func priceFromBinding(p bindings.RegistryPrice) Price {
	return Price{PerKWakeups: p.PerKWakeups, PerKHistory: p.PerKHistory, PerGBMonth: p.PerGBMonth}
}

func (sv SignedVoucher) binding() (bindings.EscrowVoucher, error) {
	if err := sv.Validate(); err != nil {
		return bindings.EscrowVoucher{}, err
	}
	return bindings.EscrowVoucher{
		Payer: sv.Payer, ProviderId: bigID(sv.ProviderID), Token: sv.Token, Lane: sv.Lane, Cumulative: sv.Cumulative,
	}, nil
}

func providerFromBinding(b bindings.RegistryProviderInfo) Provider {
	p := Provider{
		ID:                    b.Id.Uint64(),
		Operator:              b.Operator,
		Token:                 b.Token,
		Stake:                 b.Stake,
		Services:              Services(b.Services),
		Gateways:              Gateways(b.Gateways),
		CapacityWakeupsPerDay: b.CapacityWakeupsPerDay,
		CapacityGB:            b.CapacityGB,
		Price:                 priceFromBinding(b.Price),
		Active:                b.ExitAt == 0,
		ExitAt:                unixTime(b.ExitAt),
		NodeKey:               b.NodeKey,
		Endpoint:              b.Endpoint,
	}
	if b.PendingAt != 0 {
		pp := priceFromBinding(b.PendingPrice)
		p.PendingPrice = &pp
		p.EffectiveAt = unixTime(b.PendingAt)
	}
	return p
}

// ---------------------------------------------------------------- events

// ProviderEventKind names a Registry event.
type ProviderEventKind string

// Registry events.
const (
	EventProviderRegistered ProviderEventKind = "ProviderRegistered"
	EventProviderUpdated    ProviderEventKind = "ProviderUpdated"
	EventPriceAnnounced     ProviderEventKind = "PriceAnnounced"
	EventStakeAdded         ProviderEventKind = "StakeAdded"
	EventExitRequested      ProviderEventKind = "ExitRequested"
	EventStakeWithdrawn     ProviderEventKind = "StakeWithdrawn"
)

// ProviderEvent is a decoded Registry event. Every one carries the provider's full record as of the
// event's block, so a cache applies it without further calls.
type ProviderEvent struct {
	Kind     ProviderEventKind
	Provider Provider
	From     common.Address // StakeAdded: who paid
	Amount   *big.Int       // StakeAdded, StakeWithdrawn
	Log      types.Log
}

// ErrUnknownEvent reports a log that is not one of the contract's events.
var ErrUnknownEvent = errors.New("market: unknown event")

// DecodeRegistryLog decodes a Registry log.
func (c *Chain) DecodeRegistryLog(l *types.Log) (ProviderEvent, error) {
	if l.Address != c.addrs.Registry || len(l.Topics) == 0 {
		return ProviderEvent{}, ErrUnknownEvent
	}
	ev := ProviderEvent{Log: *l}
	var (
		info   bindings.RegistryProviderInfo
		err    error
		events = c.reg.GetABI().Events
	)
	switch l.Topics[0] {
	case events[string(EventProviderRegistered)].ID:
		var e *bindings.RegistryProviderRegistered
		if e, err = c.reg.UnpackProviderRegisteredEvent(l); err == nil {
			ev.Kind, info = EventProviderRegistered, e.Provider
		}
	case events[string(EventProviderUpdated)].ID:
		var e *bindings.RegistryProviderUpdated
		if e, err = c.reg.UnpackProviderUpdatedEvent(l); err == nil {
			ev.Kind, info = EventProviderUpdated, e.Provider
		}
	case events[string(EventPriceAnnounced)].ID:
		var e *bindings.RegistryPriceAnnounced
		if e, err = c.reg.UnpackPriceAnnouncedEvent(l); err == nil {
			ev.Kind, info = EventPriceAnnounced, e.Provider
		}
	case events[string(EventStakeAdded)].ID:
		var e *bindings.RegistryStakeAdded
		if e, err = c.reg.UnpackStakeAddedEvent(l); err == nil {
			ev.Kind, info, ev.From, ev.Amount = EventStakeAdded, e.Provider, e.From, e.Amount
		}
	case events[string(EventExitRequested)].ID:
		var e *bindings.RegistryExitRequested
		if e, err = c.reg.UnpackExitRequestedEvent(l); err == nil {
			ev.Kind, info = EventExitRequested, e.Provider
		}
	case events[string(EventStakeWithdrawn)].ID:
		var e *bindings.RegistryStakeWithdrawn
		if e, err = c.reg.UnpackStakeWithdrawnEvent(l); err == nil {
			ev.Kind, info, ev.Amount = EventStakeWithdrawn, e.Provider, e.Amount
		}
	default:
		return ProviderEvent{}, ErrUnknownEvent
	}
	if err != nil {
		return ProviderEvent{}, fmt.Errorf("market: decode registry log: %w", err)
	}
	ev.Provider = providerFromBinding(info)
	return ev, nil
}

// EscrowEventKind names an Escrow event.
type EscrowEventKind string

// Escrow events.
const (
	EventDeposited                 EscrowEventKind = "Deposited"
	EventThawStarted               EscrowEventKind = "ThawStarted"
	EventWithdrawn                 EscrowEventKind = "Withdrawn"
	EventCollected                 EscrowEventKind = "Collected"
	EventCollectSkipped            EscrowEventKind = "CollectSkipped"
	EventSignerAuthorised          EscrowEventKind = "SignerAuthorised"
	EventSignerRevocationRequested EscrowEventKind = "SignerRevocationRequested"
)

// EscrowEvent is a decoded Escrow event; which fields are set depends on Kind.
type EscrowEvent struct {
	Kind       EscrowEventKind
	Payer      common.Address
	ProviderID uint64
	Token      common.Address
	From       common.Address // Deposited: who paid
	Amount     *big.Int       // Deposited, ThawStarted (0 = cancelled), Withdrawn; Collected: paid
	Balance    *big.Int       // Deposited, Withdrawn, Collected: balance afterwards
	Lane       uint64         // Collected, CollectSkipped
	Cumulative *big.Int       // Collected: the voucher's cumulative
	Collected  *big.Int       // Collected: the lane's collected total afterwards
	Index      int            // CollectSkipped: batch index
	Reason     error          // CollectSkipped: ErrNothingToCollect or ErrEmptyBalance
	Signer     common.Address // SignerAuthorised, SignerRevocationRequested
	At         time.Time      // ThawStarted: thaw end; SignerRevocationRequested: revocation time
	Log        types.Log
}

// DecodeEscrowLog decodes an Escrow log.
func (c *Chain) DecodeEscrowLog(l *types.Log) (EscrowEvent, error) {
	if l.Address != c.addrs.Escrow || len(l.Topics) == 0 {
		return EscrowEvent{}, ErrUnknownEvent
	}
	ev := EscrowEvent{Log: *l}
	events := c.esc.GetABI().Events
	var err error
	switch l.Topics[0] {
	case events[string(EventDeposited)].ID:
		var e *bindings.EscrowDeposited
		if e, err = c.esc.UnpackDepositedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.ProviderID, ev.Token = EventDeposited, e.Payer, e.ProviderId.Uint64(), e.Token
			ev.From, ev.Amount, ev.Balance = e.From, e.Amount, e.Balance
		}
	case events[string(EventThawStarted)].ID:
		var e *bindings.EscrowThawStarted
		if e, err = c.esc.UnpackThawStartedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.ProviderID, ev.Token = EventThawStarted, e.Payer, e.ProviderId.Uint64(), e.Token
			ev.Amount, ev.At = e.Amount, unixTime(e.ThawEndsAt.Uint64())
		}
	case events[string(EventWithdrawn)].ID:
		var e *bindings.EscrowWithdrawn
		if e, err = c.esc.UnpackWithdrawnEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.ProviderID, ev.Token = EventWithdrawn, e.Payer, e.ProviderId.Uint64(), e.Token
			ev.Amount, ev.Balance = e.Amount, e.Balance
		}
	case events[string(EventCollected)].ID:
		var e *bindings.EscrowCollected
		if e, err = c.esc.UnpackCollectedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.ProviderID, ev.Token = EventCollected, e.Payer, e.ProviderId.Uint64(), e.Token
			ev.Lane, ev.Cumulative, ev.Amount, ev.Collected, ev.Balance = e.Lane, e.Cumulative, e.Paid, e.Collected, e.Balance
		}
	case events[string(EventCollectSkipped)].ID:
		var e *bindings.EscrowCollectSkipped
		if e, err = c.esc.UnpackCollectSkippedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.ProviderID, ev.Token = EventCollectSkipped, e.Payer, e.ProviderId.Uint64(), e.Token
			ev.Lane, ev.Index, ev.Reason = e.Lane, int(e.Index.Int64()), sentinelBySelector(e.Reason)
		}
	case events[string(EventSignerAuthorised)].ID:
		var e *bindings.EscrowSignerAuthorised
		if e, err = c.esc.UnpackSignerAuthorisedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.Signer = EventSignerAuthorised, e.Payer, e.Signer
		}
	case events[string(EventSignerRevocationRequested)].ID:
		var e *bindings.EscrowSignerRevocationRequested
		if e, err = c.esc.UnpackSignerRevocationRequestedEvent(l); err == nil {
			ev.Kind, ev.Payer, ev.Signer, ev.At = EventSignerRevocationRequested, e.Payer, e.Signer, unixTime(e.RevokeAt.Uint64())
		}
	default:
		return EscrowEvent{}, ErrUnknownEvent
	}
	if err != nil {
		return EscrowEvent{}, fmt.Errorf("market: decode escrow log: %w", err)
	}
	return ev, nil
}
