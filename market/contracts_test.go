package market

import (
	"bytes"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/market/bindings"
)

// testParams are short delays so time-dependent paths are quick to reach with AdjustTime.
func testParams() Params {
	return Params{
		MinStake:    ether(100),
		PriceDelay:  time.Hour,
		Unbonding:   2 * time.Hour,
		ThawPeriod:  time.Hour,
		RevokeDelay: 30 * time.Minute,
	}
}

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(params.Ether)) }

// fixture is a dev market on a simulated chain: account 0 deployed it, every account holds DevTokens
// test tokens and SimFunding ETH.
type fixture struct {
	t  *testing.T
	dm *DevMarket
	c  *Chain
}

func newFixture(t *testing.T, accounts int) *fixture {
	t.Helper()
	return newFixtureConfig(t, SimChainConfig(), accounts)
}

func newFixtureConfig(t *testing.T, cfg *params.ChainConfig, accounts int, keys ...*ecdsa.PrivateKey) *fixture {
	t.Helper()
	dm, err := newDevMarket(t.Context(), cfg, testParams(), accounts, keys...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dm.Close() })
	c, err := dm.Chain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, dm: dm, c: c}
}

func (f *fixture) opts(i int) *bind.TransactOpts { return f.dm.Transactor(i) }
func (f *fixture) addr(i int) common.Address     { return f.dm.Address(i) }
func (f *fixture) key(i int) *ecdsa.PrivateKey   { return f.dm.Keys[i] }
func (f *fixture) token() common.Address         { return f.dm.Addresses.Token }

// advance moves chain time forward by d.
func (f *fixture) advance(d time.Duration) {
	f.t.Helper()
	if err := f.dm.AdjustTime(d); err != nil {
		f.t.Fatal(err)
	}
}

// now returns the latest block's timestamp.
func (f *fixture) now() time.Time {
	f.t.Helper()
	h, err := f.dm.Sim.Client().HeaderByNumber(f.t.Context(), nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return time.Unix(int64(h.Time), 0).UTC()
}

// fixedKeys returns n deterministic keys, so that addresses (and with them calldata and gas) repeat
// from run to run.
func fixedKeys(t testing.TB, n int) []*ecdsa.PrivateKey {
	t.Helper()
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("pnmarket test key %d", i))))
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

func nodeKey(t testing.TB) []byte {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.CompressPubkey(&k.PublicKey)
}

func testPrice(base int64) Price {
	return Price{PerKWakeups: big.NewInt(base), PerKHistory: big.NewInt(base * 2), PerGBMonth: big.NewInt(base * 3)}
}

func (f *fixture) registerArgs(token common.Address) RegisterArgs {
	return RegisterArgs{
		Endpoint:              "wss://pn.example.org/ws",
		NodeKey:               nodeKey(f.t),
		Services:              ServicePush | ServiceStore,
		Gateways:              GatewayAPNs | GatewayFCM,
		CapacityWakeupsPerDay: 1_000_000,
		CapacityGB:            500,
		Price:                 testPrice(1e15),
		Token:                 token,
		Stake:                 ether(100),
	}
}

// register registers account i as a provider accepting token and returns the id.
func (f *fixture) register(i int, token common.Address) uint64 {
	f.t.Helper()
	id, _, err := f.c.Register(f.t.Context(), f.opts(i), f.registerArgs(token))
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) deposit(i int, id uint64, token common.Address, amount *big.Int) {
	f.t.Helper()
	if _, err := f.c.Deposit(f.t.Context(), f.opts(i), id, token, amount); err != nil {
		f.t.Fatal(err)
	}
}

// signed returns a voucher signed by key.
func (f *fixture) signed(key *ecdsa.PrivateKey, payer common.Address, id uint64, token common.Address, lane uint64, cum *big.Int) SignedVoucher {
	f.t.Helper()
	v := Voucher{Payer: payer, ProviderID: id, Token: token, Lane: lane, Cumulative: cum}
	sig, err := SignVoucher(key, f.c.Domain(), v)
	if err != nil {
		f.t.Fatal(err)
	}
	return SignedVoucher{Voucher: v, Signature: sig}
}

func (f *fixture) account(payer common.Address, id uint64, token common.Address) Account {
	f.t.Helper()
	a, err := f.c.Account(f.t.Context(), payer, id, token)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *fixture) balance(token, owner common.Address) *big.Int {
	f.t.Helper()
	b, err := f.c.BalanceOf(f.t.Context(), token, owner)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// wantErr fails unless err matches target; it also checks the error is a decoded revert.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
	if _, ok := errors.AsType[*RevertError](err); !ok {
		t.Fatalf("error %v is not a *RevertError", err)
	}
}

func eq(a, b *big.Int) bool { return a.Cmp(b) == 0 }

func mustEqual(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got == nil || want == nil || got.Cmp(want) != 0 {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// ---------------------------------------------------------------- deployment

func TestDeployParamsReadBack(t *testing.T) {
	f := newFixture(t, 1)
	got, err := f.c.Params(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := testParams()
	if !eq(got.MinStake, want.MinStake) || got.PriceDelay != want.PriceDelay || got.Unbonding != want.Unbonding ||
		got.ThawPeriod != want.ThawPeriod || got.RevokeDelay != want.RevokeDelay {
		t.Fatalf("params = %+v, want %+v", got, want)
	}
	st, err := f.c.StakeToken(t.Context())
	if err != nil || st != f.token() {
		t.Fatalf("stake token = %v, %v; want %v", st, err, f.token())
	}
	mustEqual(t, "dev tokens", f.balance(f.token(), f.addr(0)), DevTokens)
}

func TestParamsValidate(t *testing.T) {
	tests := map[string]struct {
		mut  func(*Params)
		fail bool
	}{
		"default":          {mut: func(*Params) {}},
		"nil stake":        {mut: func(p *Params) { p.MinStake = nil }, fail: true},
		"zero stake":       {mut: func(p *Params) { p.MinStake = new(big.Int) }, fail: true},
		"huge stake":       {mut: func(p *Params) { p.MinStake = new(big.Int).Lsh(common.Big1, 96) }, fail: true},
		"negative delay":   {mut: func(p *Params) { p.PriceDelay = -time.Second }, fail: true},
		"too long":         {mut: func(p *Params) { p.Unbonding = 366 * 24 * time.Hour }, fail: true},
		"sub-second":       {mut: func(p *Params) { p.ThawPeriod = 1500 * time.Millisecond }, fail: true},
		"zero delays ok":   {mut: func(p *Params) { p.PriceDelay, p.RevokeDelay = 0, 0 }},
		"max delay exact":  {mut: func(p *Params) { p.Unbonding = 365 * 24 * time.Hour }},
		"min stake at cap": {mut: func(p *Params) { p.MinStake = new(big.Int).Sub(new(big.Int).Lsh(common.Big1, 96), common.Big1) }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := DefaultParams()
			tt.mut(&p)
			if err := p.Validate(); (err != nil) != tt.fail {
				t.Fatalf("Validate() = %v, want failure %v", err, tt.fail)
			}
		})
	}
}

func TestDeployRejectsBadParamsOnChain(t *testing.T) {
	// Bypass Params.Validate to prove the constructors enforce the bounds themselves.
	sc, err := NewSimChain(1)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	opts := sc.Transactor(0)
	_, _, err = bind.DeployContract(opts, common.FromHex(registryBin()), sc.Backend(),
		registryCtor(common.Address{1}, big.NewInt(0), big.NewInt(0), big.NewInt(0)))
	wantErr(t, decodeRevert(err), ErrInvalidParam)
	_, _, err = bind.DeployContract(opts, common.FromHex(registryBin()), sc.Backend(),
		registryCtor(common.Address{}, big.NewInt(1), big.NewInt(0), big.NewInt(0)))
	wantErr(t, decodeRevert(err), ErrZeroAddress)
	_, _, err = bind.DeployContract(opts, common.FromHex(registryBin()), sc.Backend(),
		registryCtor(common.Address{1}, big.NewInt(1), big.NewInt(366*86400), big.NewInt(0)))
	wantErr(t, decodeRevert(err), ErrInvalidParam)
	_, _, err = bind.DeployContract(opts, common.FromHex(escrowBin()), sc.Backend(),
		escrowCtor(common.Address{}, big.NewInt(0), big.NewInt(0)))
	wantErr(t, decodeRevert(err), ErrZeroAddress)
	_, _, err = bind.DeployContract(opts, common.FromHex(escrowBin()), sc.Backend(),
		escrowCtor(common.Address{1}, big.NewInt(366*86400), big.NewInt(0)))
	wantErr(t, decodeRevert(err), ErrInvalidParam)
}

// ---------------------------------------------------------------- registry

func TestRegisterAndRead(t *testing.T) {
	f := newFixture(t, 2)
	args := f.registerArgs(common.Address{})
	uncompressedKey, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	args.NodeKey = crypto.FromECDSAPub(&uncompressedKey.PublicKey) // 65 bytes: stored compressed
	regBefore := f.balance(f.token(), f.dm.Addresses.Registry)
	id, rcpt, err := f.c.Register(t.Context(), f.opts(1), args)
	if err != nil {
		t.Fatal(err)
	}
	if id != 1 {
		t.Fatalf("id = %d, want 1", id)
	}
	mustEqual(t, "registry stake balance", f.balance(f.token(), f.dm.Addresses.Registry), new(big.Int).Add(regBefore, args.Stake))

	want := Provider{
		ID: 1, Operator: f.addr(1), Token: common.Address{}, Stake: args.Stake, Services: args.Services,
		Gateways: args.Gateways, CapacityWakeupsPerDay: args.CapacityWakeupsPerDay, CapacityGB: args.CapacityGB,
		Price: args.Price, Active: true, NodeKey: crypto.CompressPubkey(&uncompressedKey.PublicKey), Endpoint: args.Endpoint,
	}
	got, err := f.c.Provider(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	assertProvider(t, got, want)

	// The event carries the same full record.
	evs := f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventProviderRegistered {
		t.Fatalf("events = %+v", evs)
	}
	assertProvider(t, evs[0].Provider, want)

	n, err := f.c.ProviderCount(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
	price, err := f.c.CurrentPrice(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	assertPrice(t, price, args.Price)
}

func assertPrice(t *testing.T, got, want Price) {
	t.Helper()
	if !eq(got.PerKWakeups, want.PerKWakeups) || !eq(got.PerKHistory, want.PerKHistory) || !eq(got.PerGBMonth, want.PerGBMonth) {
		t.Fatalf("price = %v, want %v", got, want)
	}
}

func assertProvider(t *testing.T, got, want Provider) {
	t.Helper()
	if got.ID != want.ID || got.Operator != want.Operator || got.Token != want.Token || !eq(got.Stake, want.Stake) ||
		got.Services != want.Services || got.Gateways != want.Gateways ||
		got.CapacityWakeupsPerDay != want.CapacityWakeupsPerDay || got.CapacityGB != want.CapacityGB ||
		got.Active != want.Active || !got.ExitAt.Equal(want.ExitAt) || !bytes.Equal(got.NodeKey, want.NodeKey) ||
		got.Endpoint != want.Endpoint || !got.EffectiveAt.Equal(want.EffectiveAt) ||
		(got.PendingPrice == nil) != (want.PendingPrice == nil) {
		t.Fatalf("provider =\n%+v\nwant\n%+v", got, want)
	}
	assertPrice(t, got.Price, want.Price)
	if want.PendingPrice != nil {
		assertPrice(t, *got.PendingPrice, *want.PendingPrice)
	}
}

func (f *fixture) registryEvents(rcpt *types.Receipt) []ProviderEvent {
	f.t.Helper()
	var out []ProviderEvent
	for _, l := range rcpt.Logs {
		ev, err := f.c.DecodeRegistryLog(l)
		if errors.Is(err, ErrUnknownEvent) {
			continue
		}
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func (f *fixture) escrowEvents(rcpt *types.Receipt) []EscrowEvent {
	f.t.Helper()
	var out []EscrowEvent
	for _, l := range rcpt.Logs {
		ev, err := f.c.DecodeEscrowLog(l)
		if errors.Is(err, ErrUnknownEvent) {
			continue
		}
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func TestRegisterReverts(t *testing.T) {
	f := newFixture(t, 2)
	tests := map[string]struct {
		mut  func(*RegisterArgs)
		want error
	}{
		"stake below minimum":  {func(a *RegisterArgs) { a.Stake = ether(99) }, ErrStakeTooLow},
		"stake beyond uint96":  {func(a *RegisterArgs) { a.Stake = new(big.Int).Lsh(common.Big1, 96) }, ErrValueOutOfRange},
		"empty endpoint":       {func(a *RegisterArgs) { a.Endpoint = "" }, ErrInvalidEndpoint},
		"endpoint too long":    {func(a *RegisterArgs) { a.Endpoint = string(bytes.Repeat([]byte("a"), 257)) }, ErrInvalidEndpoint},
		"node key short":       {func(a *RegisterArgs) { a.NodeKey = a.NodeKey[:32] }, ErrInvalidNodeKey},
		"node key bad prefix":  {func(a *RegisterArgs) { a.NodeKey[0] = 4 }, ErrInvalidNodeKey},
		"node key 65 prefix":   {func(a *RegisterArgs) { a.NodeKey = append([]byte{2}, make([]byte, 64)...) }, ErrInvalidNodeKey},
		"no services":          {func(a *RegisterArgs) { a.Services = 0 }, ErrInvalidServices},
		"unknown service bit":  {func(a *RegisterArgs) { a.Services = 4 }, ErrInvalidServices},
		"push without gateway": {func(a *RegisterArgs) { a.Gateways = 0 }, ErrInvalidServices},
		"store with gateway":   {func(a *RegisterArgs) { a.Services = ServiceStore }, ErrInvalidServices},
		"unknown gateway bit":  {func(a *RegisterArgs) { a.Gateways = 8 }, ErrInvalidServices},
		"capacity wakeups":     {func(a *RegisterArgs) { a.CapacityWakeupsPerDay = 1 << 40 }, ErrValueOutOfRange},
		"capacity GB":          {func(a *RegisterArgs) { a.CapacityGB = 1 << 32 }, ErrValueOutOfRange},
		"price too high":       {func(a *RegisterArgs) { a.Price.PerGBMonth = new(big.Int).Lsh(common.Big1, 72) }, ErrValueOutOfRange},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a := f.registerArgs(f.token())
			tt.mut(&a)
			_, _, err := f.c.Register(t.Context(), f.opts(1), a)
			wantErr(t, err, tt.want)
		})
	}
	t.Run("stake beyond token balance", func(t *testing.T) {
		a := f.registerArgs(f.token())
		a.Stake = new(big.Int).Add(DevTokens, common.Big1)
		_, _, err := f.c.Register(t.Context(), f.opts(1), a)
		wantErr(t, err, ErrInsufficientTokenBalance)
	})
}

func registryBin() string { return bindings.RegistryMetaData.Bin }
func escrowBin() string   { return bindings.EscrowMetaData.Bin }

func registryCtor(token common.Address, minStake, priceDelay, unbonding *big.Int) []byte {
	return bindings.NewRegistry().PackConstructor(token, minStake, priceDelay, unbonding)
}

func escrowCtor(registry common.Address, thaw, revoke *big.Int) []byte {
	return bindings.NewEscrow().PackConstructor(registry, thaw, revoke)
}

func TestUpdateAndSetOperator(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	id := f.register(1, f.token())
	key := nodeKey(t)
	u := ProviderUpdate{
		Endpoint: "https://store.example.net", NodeKey: key, Services: ServiceStore,
		CapacityWakeupsPerDay: 0, CapacityGB: 4096,
	}
	rcpt, err := f.c.Update(ctx, f.opts(1), id, u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.c.Provider(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Endpoint != u.Endpoint || !bytes.Equal(got.NodeKey, key) || got.Services != ServiceStore || got.Gateways != 0 ||
		got.CapacityGB != 4096 || got.CapacityWakeupsPerDay != 0 {
		t.Fatalf("after update: %+v", got)
	}
	evs := f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventProviderUpdated {
		t.Fatalf("events = %+v", evs)
	}
	assertProvider(t, evs[0].Provider, got)

	tests := map[string]struct {
		from int
		id   uint64
		mut  func(*ProviderUpdate)
		want error
	}{
		"not operator":     {from: 2, id: id, mut: func(*ProviderUpdate) {}, want: ErrNotOperator},
		"unknown provider": {from: 1, id: 99, mut: func(*ProviderUpdate) {}, want: ErrUnknownProvider},
		"bad endpoint":     {from: 1, id: id, mut: func(u *ProviderUpdate) { u.Endpoint = "" }, want: ErrInvalidEndpoint},
		"bad key":          {from: 1, id: id, mut: func(u *ProviderUpdate) { u.NodeKey = []byte{2} }, want: ErrInvalidNodeKey},
		"bad services":     {from: 1, id: id, mut: func(u *ProviderUpdate) { u.Services = 0 }, want: ErrInvalidServices},
		"capacity":         {from: 1, id: id, mut: func(u *ProviderUpdate) { u.CapacityGB = 1 << 33 }, want: ErrValueOutOfRange},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			u2 := u
			tt.mut(&u2)
			_, err := f.c.Update(ctx, f.opts(tt.from), tt.id, u2)
			wantErr(t, err, tt.want)
		})
	}

	// Operator rotation: the new key acts, the old one no longer can.
	_, err = f.c.SetOperator(ctx, f.opts(2), id, f.addr(2))
	wantErr(t, err, ErrNotOperator)
	_, err = f.c.SetOperator(ctx, f.opts(1), id, common.Address{})
	wantErr(t, err, ErrZeroAddress)
	rcpt, err = f.c.SetOperator(ctx, f.opts(1), id, f.addr(2))
	if err != nil {
		t.Fatal(err)
	}
	if evs := f.registryEvents(rcpt); len(evs) != 1 || evs[0].Provider.Operator != f.addr(2) {
		t.Fatalf("events = %+v", evs)
	}
	_, err = f.c.Update(ctx, f.opts(1), id, u)
	wantErr(t, err, ErrNotOperator)
	if _, err = f.c.Update(ctx, f.opts(2), id, u); err != nil {
		t.Fatal(err)
	}
}

func TestAnnouncePrice(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	id := f.register(1, f.token())
	initial := testPrice(1e15)
	next := testPrice(5e15)
	rcpt, err := f.c.AnnouncePrice(ctx, f.opts(1), id, next)
	if err != nil {
		t.Fatal(err)
	}
	announcedAt := f.now()
	wantAt := announcedAt.Add(testParams().PriceDelay)

	// Pending is visible, the old price stays in force.
	p, err := f.c.Provider(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	assertPrice(t, p.Price, initial)
	if p.PendingPrice == nil || !p.EffectiveAt.Equal(wantAt) {
		t.Fatalf("pending = %v at %v, want %v", p.PendingPrice, p.EffectiveAt, wantAt)
	}
	assertPrice(t, *p.PendingPrice, next)
	assertPrice(t, p.PriceAt(wantAt.Add(-time.Second)), initial)
	assertPrice(t, p.PriceAt(wantAt), next)
	evs := f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventPriceAnnounced {
		t.Fatalf("events = %+v", evs)
	}
	assertProvider(t, evs[0].Provider, p)
	cur, err := f.c.CurrentPrice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	assertPrice(t, cur, initial)

	// Just before the delay: still old. At the delay: new, and no longer pending.
	f.advance(testParams().PriceDelay - time.Minute)
	if cur, _ = f.c.CurrentPrice(ctx, id); !eq(cur.PerKWakeups, initial.PerKWakeups) {
		t.Fatalf("price changed early: %v", cur)
	}
	f.advance(time.Minute)
	if cur, _ = f.c.CurrentPrice(ctx, id); !eq(cur.PerKWakeups, next.PerKWakeups) {
		t.Fatalf("price not in force after delay: %v", cur)
	}
	if p, _ = f.c.Provider(ctx, id); p.PendingPrice != nil {
		t.Fatalf("pending price still shown: %+v", p)
	}

	// Announcing again promotes the due price and starts a new delay; a second announcement before it
	// is due replaces it.
	third, fourth := testPrice(7e15), testPrice(9e15)
	if _, err = f.c.AnnouncePrice(ctx, f.opts(1), id, third); err != nil {
		t.Fatal(err)
	}
	if _, err = f.c.AnnouncePrice(ctx, f.opts(1), id, fourth); err != nil {
		t.Fatal(err)
	}
	if cur, _ = f.c.CurrentPrice(ctx, id); !eq(cur.PerKWakeups, next.PerKWakeups) {
		t.Fatalf("price = %v, want %v", cur, next)
	}
	f.advance(testParams().PriceDelay)
	if cur, _ = f.c.CurrentPrice(ctx, id); !eq(cur.PerKWakeups, fourth.PerKWakeups) {
		t.Fatalf("price = %v, want %v", cur, fourth)
	}

	tests := map[string]struct {
		from  int
		id    uint64
		price Price
		want  error
	}{
		"not operator":   {from: 2, id: id, price: next, want: ErrNotOperator},
		"unknown":        {from: 1, id: 42, price: next, want: ErrUnknownProvider},
		"out of range":   {from: 1, id: id, price: Price{new(big.Int).Lsh(common.Big1, 72), common.Big0, common.Big0}, want: ErrValueOutOfRange},
		"history range":  {from: 1, id: id, price: Price{common.Big0, new(big.Int).Lsh(common.Big1, 80), common.Big0}, want: ErrValueOutOfRange},
		"gb-month range": {from: 1, id: id, price: Price{common.Big0, common.Big0, new(big.Int).Lsh(common.Big1, 72)}, want: ErrValueOutOfRange},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.c.AnnouncePrice(ctx, f.opts(tt.from), tt.id, tt.price)
			wantErr(t, err, tt.want)
		})
	}
	t.Run("exiting", func(t *testing.T) {
		if _, err := f.c.RequestExit(ctx, f.opts(1), id); err != nil {
			t.Fatal(err)
		}
		_, err := f.c.AnnouncePrice(ctx, f.opts(1), id, next)
		wantErr(t, err, ErrProviderNotActive)
	})
}

func TestStakeAddExitWithdraw(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	id := f.register(1, f.token())

	// Anyone may top up an active provider.
	rcpt, err := f.c.AddStake(ctx, f.opts(2), id, ether(5))
	if err != nil {
		t.Fatal(err)
	}
	evs := f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventStakeAdded || evs[0].From != f.addr(2) || !eq(evs[0].Amount, ether(5)) ||
		!eq(evs[0].Provider.Stake, ether(105)) {
		t.Fatalf("events = %+v", evs)
	}
	_, err = f.c.AddStake(ctx, f.opts(2), id, new(big.Int))
	wantErr(t, err, ErrZeroAmount)
	_, err = f.c.AddStake(ctx, f.opts(2), 77, ether(1))
	wantErr(t, err, ErrUnknownProvider)
	_, err = f.c.WithdrawStake(ctx, f.opts(1), id)
	wantErr(t, err, ErrNotExiting)
	_, err = f.c.RequestExit(ctx, f.opts(2), id)
	wantErr(t, err, ErrNotOperator)

	rcpt, err = f.c.RequestExit(ctx, f.opts(1), id)
	if err != nil {
		t.Fatal(err)
	}
	unlockAt := f.now().Add(testParams().Unbonding)
	evs = f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventExitRequested || evs[0].Provider.Active || !evs[0].Provider.ExitAt.Equal(unlockAt) {
		t.Fatalf("events = %+v", evs)
	}
	list, err := f.c.AllProviders(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("exiting provider listed: %v, %v", list, err)
	}
	_, err = f.c.RequestExit(ctx, f.opts(1), id)
	wantErr(t, err, ErrProviderNotActive)
	_, err = f.c.AddStake(ctx, f.opts(2), id, ether(1))
	wantErr(t, err, ErrProviderNotActive)

	_, err = f.c.WithdrawStake(ctx, f.opts(1), id)
	wantErr(t, err, ErrUnbonding)
	if re, ok := errors.AsType[*RevertError](err); !ok || re.Uint(0).Int64() != unlockAt.Unix() {
		t.Fatalf("unbonding error %v does not carry unlock time %v", err, unlockAt.Unix())
	}
	f.advance(testParams().Unbonding - time.Minute)
	_, err = f.c.WithdrawStake(ctx, f.opts(1), id)
	wantErr(t, err, ErrUnbonding)
	f.advance(time.Minute)

	_, err = f.c.WithdrawStake(ctx, f.opts(2), id)
	wantErr(t, err, ErrNotOperator)
	before := f.balance(f.token(), f.addr(1))
	rcpt, err = f.c.WithdrawStake(ctx, f.opts(1), id)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "operator balance", f.balance(f.token(), f.addr(1)), new(big.Int).Add(before, ether(105)))
	evs = f.registryEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventStakeWithdrawn || !eq(evs[0].Amount, ether(105)) || evs[0].Provider.Stake.Sign() != 0 {
		t.Fatalf("events = %+v", evs)
	}
	_, err = f.c.WithdrawStake(ctx, f.opts(1), id)
	wantErr(t, err, ErrNothingToWithdraw)
}

func TestProvidersPagination(t *testing.T) {
	f := newFixture(t, 7)
	ctx := t.Context()
	var ids []uint64
	for i := 1; i <= 6; i++ {
		ids = append(ids, f.register(i, f.token()))
	}
	if _, err := f.c.RequestExit(ctx, f.opts(2), ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.RequestExit(ctx, f.opts(3), ids[2]); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		cursor   uint64
		limit    int
		wantIDs  []uint64
		wantNext uint64
	}{
		"first page":        {cursor: 0, limit: 2, wantIDs: []uint64{1, 4}, wantNext: 5},
		"second page":       {cursor: 5, limit: 2, wantIDs: []uint64{5, 6}, wantNext: 0},
		"cursor 1 = start":  {cursor: 1, limit: 1, wantIDs: []uint64{1}, wantNext: 2},
		"skips exited":      {cursor: 2, limit: 1, wantIDs: []uint64{4}, wantNext: 5},
		"all":               {cursor: 0, limit: 100, wantIDs: []uint64{1, 4, 5, 6}, wantNext: 0},
		"limit capped":      {cursor: 0, limit: 1000, wantIDs: []uint64{1, 4, 5, 6}, wantNext: 0},
		"past the end":      {cursor: 9, limit: 3, wantIDs: nil, wantNext: 0},
		"exact end of list": {cursor: 6, limit: 1, wantIDs: []uint64{6}, wantNext: 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			page, next, err := f.c.Providers(ctx, tt.cursor, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, p := range page {
				got = append(got, p.ID)
				if !p.Active {
					t.Fatalf("inactive provider listed: %+v", p)
				}
			}
			if len(got) != len(tt.wantIDs) || next != tt.wantNext {
				t.Fatalf("ids %v next %d, want %v next %d", got, next, tt.wantIDs, tt.wantNext)
			}
			for i := range got {
				if got[i] != tt.wantIDs[i] {
					t.Fatalf("ids %v, want %v", got, tt.wantIDs)
				}
			}
		})
	}
	if _, _, err := f.c.Providers(ctx, 0, 0); err == nil {
		t.Fatal("limit 0 accepted")
	}

	// A snapshot one block back (before the second exit) still lists provider 3.
	head, err := f.dm.Sim.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.c.At(new(big.Int).SetUint64(head - 1)).AllProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 5 {
		t.Fatalf("snapshot one block back lists %d providers, want 5", len(old))
	}
	_, err = f.c.Provider(ctx, 99)
	wantErr(t, err, ErrUnknownProvider)
	_, err = f.c.CurrentPrice(ctx, 0)
	wantErr(t, err, ErrUnknownProvider)
}

// ---------------------------------------------------------------- escrow: deposits, thaw, withdraw

func TestDeposit(t *testing.T) {
	f := newFixture(t, 4)
	ctx := t.Context()
	eth := common.Address{}
	tokID := f.register(1, f.token())
	ethID := f.register(2, eth)
	escrow := f.dm.Addresses.Escrow

	// ERC-20 deposit: allowance handled, tokens moved, event decoded.
	rcpt, err := f.c.Deposit(ctx, f.opts(3), tokID, f.token(), ether(3))
	if err != nil {
		t.Fatal(err)
	}
	evs := f.escrowEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventDeposited || evs[0].Payer != f.addr(3) || evs[0].ProviderID != tokID ||
		evs[0].Token != f.token() || evs[0].From != f.addr(3) || !eq(evs[0].Amount, ether(3)) || !eq(evs[0].Balance, ether(3)) {
		t.Fatalf("events = %+v", evs)
	}
	mustEqual(t, "escrow token balance", f.balance(f.token(), escrow), ether(3))
	// A sponsor deposits for the payer.
	rcpt, err = f.c.DepositFor(ctx, f.opts(1), f.addr(3), tokID, f.token(), ether(2))
	if err != nil {
		t.Fatal(err)
	}
	if evs = f.escrowEvents(rcpt); evs[0].Payer != f.addr(3) || evs[0].From != f.addr(1) || !eq(evs[0].Balance, ether(5)) {
		t.Fatalf("events = %+v", evs)
	}
	a := f.account(f.addr(3), tokID, f.token())
	mustEqual(t, "balance", a.Balance, ether(5))
	mustEqual(t, "thawing", a.Thawing, new(big.Int))
	if !a.ThawEndsAt.IsZero() {
		t.Fatalf("thaw end = %v", a.ThawEndsAt)
	}

	// ETH deposit.
	before := f.balance(eth, escrow)
	if _, err = f.c.Deposit(ctx, f.opts(3), ethID, eth, ether(2)); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "escrow ETH", f.balance(eth, escrow), new(big.Int).Add(before, ether(2)))
	mustEqual(t, "ETH account", f.account(f.addr(3), ethID, eth).Balance, ether(2))

	tests := map[string]struct {
		send func() error
		want error
	}{
		"zero amount": {func() error {
			_, err := f.c.Deposit(ctx, f.opts(3), tokID, f.token(), new(big.Int))
			return err
		}, ErrZeroAmount},
		"unknown provider": {func() error {
			_, err := f.c.Deposit(ctx, f.opts(3), 42, f.token(), ether(1))
			return err
		}, ErrUnknownProvider},
		"token not accepted": {func() error {
			_, err := f.c.Deposit(ctx, f.opts(3), ethID, f.token(), ether(1))
			return err
		}, ErrTokenNotAccepted},
		"ETH to token provider": {func() error {
			_, err := f.c.Deposit(ctx, f.opts(3), tokID, eth, ether(1))
			return err
		}, ErrTokenNotAccepted},
		"ETH value mismatch": {func() error {
			_, err := f.c.transact(ctx, f.opts(3), f.c.escC, f.c.esc.PackDeposit(bigID(ethID), eth, ether(2)), ether(1))
			return err
		}, ErrWrongValue},
		"ETH sent with token": {func() error {
			_, err := f.c.transact(ctx, f.opts(3), f.c.escC, f.c.esc.PackDeposit(bigID(tokID), f.token(), ether(1)), ether(1))
			return err
		}, ErrWrongValue},
		"deposit for zero address": {func() error {
			_, err := f.c.DepositFor(ctx, f.opts(3), common.Address{}, tokID, f.token(), ether(1))
			return err
		}, ErrZeroAddress},
		"balance overflow": {func() error {
			// Balances are uint96: 5 tokens already there + (2^96 - 5 tokens) overflows by one.
			huge := new(big.Int).Lsh(common.Big1, 96)
			if err := f.c.Mint(ctx, f.opts(3), f.addr(3), huge); err != nil {
				return err
			}
			_, err := f.c.Deposit(ctx, f.opts(3), tokID, f.token(), new(big.Int).Sub(huge, ether(5)))
			return err
		}, ErrValueOutOfRange},
		"more tokens than held": {func() error {
			// Account 0 holds exactly DevTokens (account 3 may have minted more in "balance overflow").
			_, err := f.c.Deposit(ctx, f.opts(0), tokID, f.token(), new(big.Int).Add(DevTokens, common.Big1))
			return err
		}, ErrInsufficientTokenBalance},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			wantErr(t, tt.send(), tt.want)
		})
	}
	t.Run("provider exiting", func(t *testing.T) {
		if _, err := f.c.RequestExit(ctx, f.opts(1), tokID); err != nil {
			t.Fatal(err)
		}
		_, err := f.c.Deposit(ctx, f.opts(3), tokID, f.token(), ether(1))
		wantErr(t, err, ErrProviderNotActive)
	})
}

func TestThawWithdraw(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	id := f.register(1, f.token())
	f.deposit(2, id, f.token(), ether(10))
	payer := f.addr(2)

	_, _, err := f.c.Withdraw(ctx, f.opts(2), id, f.token())
	wantErr(t, err, ErrNothingThawing)
	_, err = f.c.Thaw(ctx, f.opts(2), id, f.token(), ether(11))
	wantErr(t, err, ErrThawExceedsBalance)
	_, err = f.c.Thaw(ctx, f.opts(1), id, f.token(), ether(1)) // someone without an account
	wantErr(t, err, ErrThawExceedsBalance)

	rcpt, err := f.c.Thaw(ctx, f.opts(2), id, f.token(), ether(4))
	if err != nil {
		t.Fatal(err)
	}
	endsAt := f.now().Add(testParams().ThawPeriod)
	evs := f.escrowEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventThawStarted || !eq(evs[0].Amount, ether(4)) || !evs[0].At.Equal(endsAt) {
		t.Fatalf("events = %+v", evs)
	}
	a := f.account(payer, id, f.token())
	if !eq(a.Thawing, ether(4)) || !a.ThawEndsAt.Equal(endsAt) || !eq(a.Balance, ether(10)) {
		t.Fatalf("account = %+v", a)
	}
	_, _, err = f.c.Withdraw(ctx, f.opts(2), id, f.token())
	wantErr(t, err, ErrThawNotEnded)
	if re, _ := errors.AsType[*RevertError](err); re.Uint(0).Int64() != endsAt.Unix() {
		t.Fatalf("ThawNotEnded carries %v, want %d", re.Args, endsAt.Unix())
	}

	// Cancel, then thaw again: the timer restarts.
	if _, err = f.c.Thaw(ctx, f.opts(2), id, f.token(), new(big.Int)); err != nil {
		t.Fatal(err)
	}
	if a = f.account(payer, id, f.token()); a.Thawing.Sign() != 0 || !a.ThawEndsAt.IsZero() {
		t.Fatalf("after cancel: %+v", a)
	}
	f.advance(testParams().ThawPeriod / 2)
	if _, err = f.c.Thaw(ctx, f.opts(2), id, f.token(), ether(6)); err != nil {
		t.Fatal(err)
	}
	endsAt = f.now().Add(testParams().ThawPeriod)
	f.advance(testParams().ThawPeriod - time.Minute)
	_, _, err = f.c.Withdraw(ctx, f.opts(2), id, f.token())
	wantErr(t, err, ErrThawNotEnded)
	f.advance(time.Minute)

	before := f.balance(f.token(), payer)
	amount, rcpt, err := f.c.Withdraw(ctx, f.opts(2), id, f.token())
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "withdrawn", amount, ether(6))
	mustEqual(t, "payer tokens", f.balance(f.token(), payer), new(big.Int).Add(before, ether(6)))
	evs = f.escrowEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventWithdrawn || !eq(evs[0].Amount, ether(6)) || !eq(evs[0].Balance, ether(4)) {
		t.Fatalf("events = %+v", evs)
	}
	if a = f.account(payer, id, f.token()); !eq(a.Balance, ether(4)) || a.Thawing.Sign() != 0 || !a.ThawEndsAt.IsZero() {
		t.Fatalf("after withdraw: %+v (thaw end %v)", a, endsAt)
	}
	_, _, err = f.c.Withdraw(ctx, f.opts(2), id, f.token())
	wantErr(t, err, ErrNothingThawing)

	// ETH round trip.
	eth := common.Address{}
	ethID := f.register(1, eth)
	f.deposit(2, ethID, eth, ether(1))
	if _, err = f.c.Thaw(ctx, f.opts(2), ethID, eth, ether(1)); err != nil {
		t.Fatal(err)
	}
	f.advance(testParams().ThawPeriod)
	if amount, _, err = f.c.Withdraw(ctx, f.opts(2), ethID, eth); err != nil || !eq(amount, ether(1)) {
		t.Fatalf("ETH withdraw = %v, %v", amount, err)
	}
	mustEqual(t, "escrow ETH", f.balance(eth, f.dm.Addresses.Escrow), new(big.Int))
}

// TestMinedFailureDecoded sends transactions with a fixed gas limit, so no gas estimation catches
// the revert: they are mined and fail, and the error is recovered by replaying them.
func TestMinedFailureDecoded(t *testing.T) {
	f := newFixture(t, 2)
	id := f.register(1, f.token())
	opts := f.opts(1)
	opts.GasLimit = 200_000
	_, err := f.c.Thaw(t.Context(), opts, id, f.token(), ether(1))
	wantErr(t, err, ErrThawExceedsBalance)
	if !errors.Is(err, ErrTxFailed) {
		t.Fatalf("error %v does not match ErrTxFailed", err)
	}
	_, err = f.c.WithdrawStake(t.Context(), opts, id)
	wantErr(t, err, ErrNotExiting)
}

func TestSimChainNoGoroutineLeak(t *testing.T) {
	// leveldb's mpoolDrain ends a second after its DB closes (go-ethereum's own leak test ignores it
	// too); go-ethereum's sender cacher is a process-wide pool started on first use.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/ethereum/go-ethereum/core.(*txSenderCacher).cache"))
	dm, err := NewDevMarket(t.Context(), testParams(), 2)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dm.Chain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Register(t.Context(), dm.Transactor(1), RegisterArgs{
		Endpoint: "wss://x", NodeKey: nodeKey(t), Services: ServiceStore, CapacityGB: 1,
		Price: testPrice(1), Token: dm.Addresses.Token, Stake: ether(100),
	}); err != nil {
		t.Fatal(err)
	}
	if err := dm.Close(); err != nil {
		t.Fatal(err)
	}
}
