package market

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/pnmarket/pnmarket/market/bindings"
)

// Property test: random operation sequences against the real contracts, checked against a model.
//
// A payer sequence is one payer's life (deposits, thaws, withdrawals, signer changes, vouchers signed
// by the payer, its device or a stranger and collected by the operator); a provider sequence is one
// provider's life (register, add stake, announce price, exit, withdraw stake). Sequences run side by
// side, each sending at most one transaction per block, so they never race each other inside a
// block; the outcome of every transaction (success or revert) is predicted by the model from the
// block's timestamp and compared with its receipt. Between blocks time jumps and batch collections
// happen. After every block: token and ETH conservation in the escrow and stake conservation in the
// registry. At the end of each round: every account, lane counter and signer matches the model, and
// no lane collected more than the largest cumulative its payer (or device) signed.
//
// Set PNMARKET_PROPERTY_SEED to replay another seed.
const (
	propPayerSeqs    = 1000 // payer sequences in total
	propProviderSeqs = 50   // provider sequences in total
	propRounds       = 10   // payer and provider sequences are split evenly over the rounds
	propSteps        = 4    // operations per sequence (the first funds the payer / registers the provider)
	propUnit         = 1e15 // amounts are small multiples of this
)

type modelAccount struct {
	balance, thawing *big.Int
	endsAt           uint64
}

type modelLane struct {
	collected *big.Int
	maxSigned *big.Int // largest cumulative signed by the payer or its device
	last      *SignedVoucher
}

type payerSeq struct {
	payerKey, deviceKey *ecdsa.PrivateKey
	payer, device       common.Address
	acct                [2]modelAccount // 0: token provider, 1: ETH provider
	lanes               [2][2]modelLane // [account][lane]
	deviceUntil         *big.Int        // signerValidUntil as the contract keeps it
}

type providerSeq struct {
	key    *ecdsa.PrivateKey
	addr   common.Address
	id     uint64 // 0 until registered
	stake  *big.Int
	exitAt uint64
}

// pendingTx is a sent transaction and the check that predicts its outcome at the block's time,
// compares it with the receipt and, on success, applies it to the model.
type pendingTx struct {
	tx    *types.Transaction
	check func(r *types.Receipt, now uint64) error
}

type propWorld struct {
	t       *testing.T
	ctx     context.Context
	rng     *rand.Rand
	sc      *SimChain
	c       *Chain
	signer  types.Signer
	nonces  map[common.Address]uint64
	pending []pendingTx
	now     uint64 // timestamp of the latest block

	sponsor, operator int    // account indexes
	tokID, ethID      uint64 // providers run by operator
	tok               common.Address
	reg, esc          *bindings.Registry
	escABI            *bindings.Escrow
	payers            []*payerSeq
	providers         []*providerSeq
	stakeBase         *big.Int // stakes of tokID and ethID
	tokenPaid         *big.Int // token paid to operator by collects, per the model
	stats             map[string][2]int
}

func TestPropertyRandomSequences(t *testing.T) {
	seed := uint64(1)
	if s := os.Getenv("PNMARKET_PROPERTY_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = v
	}
	t.Logf("seed %d (set PNMARKET_PROPERTY_SEED to change)", seed)
	start := time.Now()
	w := newPropWorld(t, seed)
	perRound, provPerRound := propPayerSeqs/propRounds, propProviderSeqs/propRounds
	for round := range propRounds {
		payers := w.payers[round*perRound : (round+1)*perRound]
		providers := w.providers[round*provPerRound : (round+1)*provPerRound]
		for step := range propSteps {
			for _, p := range payers {
				if step == 0 {
					w.fund(p)
				} else {
					w.payerStep(p)
				}
			}
			for _, p := range providers {
				w.providerStep(p, step)
			}
			w.mine()
			if w.rng.IntN(4) == 0 {
				w.batchStep(payers)
				w.mine()
			}
			if w.rng.IntN(2) == 0 {
				w.advance()
			}
		}
		for _, p := range payers {
			w.verifyPayer(p)
		}
		for _, p := range providers {
			w.verifyProvider(p)
		}
	}
	got, err := w.c.BalanceOf(w.ctx, w.tok, w.sc.Address(w.operator))
	if err != nil {
		t.Fatal(err)
	}
	if want := new(big.Int).Add(DevTokens, w.tokenPaid); got.Cmp(new(big.Int).Sub(want, w.stakeBase)) != 0 {
		t.Fatalf("operator token balance %v, want %v", got, new(big.Int).Sub(want, w.stakeBase))
	}
	t.Logf("%d payer and %d provider sequences of %d steps in %v; ops (ok/reverted): %v",
		propPayerSeqs, propProviderSeqs, propSteps, time.Since(start).Round(time.Millisecond), w.stats)
}

func newPropWorld(t *testing.T, seed uint64) *propWorld {
	t.Helper()
	ctx := t.Context()
	const fixed = 2 // 0 sponsor and deployer, 1 operator of the two payment providers
	sc, err := NewSimChain(fixed + propProviderSeqs + propPayerSeqs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	addrs, err := DeployAll(ctx, sc.Backend(), sc.Transactor(0), testParams())
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChain(ctx, sc.Backend(), addrs)
	if err != nil {
		t.Fatal(err)
	}
	w := &propWorld{
		t: t, ctx: ctx, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), sc: sc, c: c,
		signer: types.LatestSignerForChainID(sc.ChainID), nonces: map[common.Address]uint64{},
		sponsor: 0, operator: 1, tok: addrs.Token, reg: bindings.NewRegistry(), escABI: bindings.NewEscrow(),
		tokenPaid: new(big.Int), stakeBase: new(big.Int), stats: map[string][2]int{},
	}
	for i := range sc.Keys {
		n, err := sc.Sim.Client().PendingNonceAt(ctx, sc.Address(i))
		if err != nil {
			t.Fatal(err)
		}
		w.nonces[sc.Address(i)] = n
	}

	// Setup block: tokens for the sponsor, the operator and the provider operators; approvals.
	tt := bindings.NewTestToken()
	maxUint := new(big.Int).Sub(new(big.Int).Lsh(common.Big1, 256), common.Big1)
	ok := func(*types.Receipt, uint64) error { return nil }
	for i := range fixed + propProviderSeqs {
		w.send(sc.Keys[0], addrs.Token, nil, tt.PackMint(sc.Address(i), DevTokens), 100_000, "setup", ok)
		spender := addrs.Registry
		if i == w.sponsor {
			spender = addrs.Escrow
		}
		w.send(sc.Keys[i], addrs.Token, nil, tt.PackApprove(spender, maxUint), 100_000, "setup", ok)
	}
	w.mine()

	a := RegisterArgs{
		Endpoint: "wss://op.example.org/ws", NodeKey: nodeKey(t), Services: ServicePush, Gateways: GatewayAPNs,
		CapacityWakeupsPerDay: 1000, CapacityGB: 1, Price: testPrice(1), Token: addrs.Token, Stake: ether(100),
	}
	if w.tokID, _, err = c.Register(ctx, sc.Transactor(w.operator), a); err != nil {
		t.Fatal(err)
	}
	a.Token = common.Address{}
	if w.ethID, _, err = c.Register(ctx, sc.Transactor(w.operator), a); err != nil {
		t.Fatal(err)
	}
	w.stakeBase = ether(200)
	w.nonces[sc.Address(w.operator)], err = sc.Sim.Client().PendingNonceAt(ctx, sc.Address(w.operator))
	if err != nil {
		t.Fatal(err)
	}

	for i := range propProviderSeqs {
		k := sc.Keys[fixed+i]
		w.providers = append(w.providers, &providerSeq{key: k, addr: crypto.PubkeyToAddress(k.PublicKey), stake: new(big.Int)})
	}
	for i := range propPayerSeqs {
		k := sc.Keys[fixed+propProviderSeqs+i]
		dk, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		p := &payerSeq{payerKey: k, payer: crypto.PubkeyToAddress(k.PublicKey), deviceKey: dk,
			device: crypto.PubkeyToAddress(dk.PublicKey), deviceUntil: new(big.Int)}
		for a := range p.acct {
			p.acct[a] = modelAccount{balance: new(big.Int), thawing: new(big.Int)}
			for l := range p.lanes[a] {
				p.lanes[a][l] = modelLane{collected: new(big.Int), maxSigned: new(big.Int)}
			}
		}
		w.payers = append(w.payers, p)
	}
	w.now = w.headTime()
	return w
}

// ---------------------------------------------------------------- plumbing

func (w *propWorld) send(key *ecdsa.PrivateKey, to common.Address, value *big.Int, data []byte, gas uint64, op string, check func(*types.Receipt, uint64) error) {
	w.t.Helper()
	from := crypto.PubkeyToAddress(key.PublicKey)
	tx, err := types.SignNewTx(key, w.signer, &types.DynamicFeeTx{
		ChainID: w.sc.ChainID, Nonce: w.nonces[from], GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei),
		Gas: gas, To: &to, Value: value, Data: data,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.sc.Sim.Client().SendTransaction(w.ctx, tx); err != nil {
		w.t.Fatalf("%s: send: %v", op, err)
	}
	w.nonces[from]++
	w.pending = append(w.pending, pendingTx{tx: tx, check: func(r *types.Receipt, now uint64) error {
		s := w.stats[op]
		s[r.Status^1]++
		w.stats[op] = s
		if err := check(r, now); err != nil {
			return fmt.Errorf("%s (tx %s): %w", op, tx.Hash(), err)
		}
		return nil
	}})
}

// expect returns an error unless the receipt's status is want.
func expect(r *types.Receipt, want bool) error {
	if got := r.Status == types.ReceiptStatusSuccessful; got != want {
		return fmt.Errorf("succeeded = %v, model predicted %v", got, want)
	}
	return nil
}

func (w *propWorld) headTime() uint64 {
	h, err := w.sc.Sim.Client().HeaderByNumber(w.ctx, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return h.Time
}

// mine seals the pending transactions, checks each against the model at its block's time, then
// checks conservation. The simulated miner occasionally leaves a sender's last transactions for the
// next block; they are sealed then (sequences are independent, so this changes no prediction).
func (w *propWorld) mine() {
	w.t.Helper()
	for attempt := 0; len(w.pending) > 0; attempt++ {
		if attempt == 5 {
			w.t.Fatalf("%d transactions not mined after %d blocks", len(w.pending), attempt)
		}
		w.sc.Commit()
		head, err := w.sc.Sim.Client().HeaderByNumber(w.ctx, nil)
		if err != nil {
			w.t.Fatal(err)
		}
		w.now = head.Time
		byHash := map[common.Hash]*types.Receipt{}
		for _, r := range w.blockReceipts(head.Number) {
			byHash[r.TxHash] = r
		}
		var left []pendingTx
		for _, p := range w.pending {
			r := byHash[p.tx.Hash()]
			if r == nil {
				left = append(left, p)
				continue
			}
			if err := p.check(r, head.Time); err != nil {
				w.t.Fatal(err)
			}
		}
		w.pending = left
	}
	w.checkConservation()
}

func (w *propWorld) blockReceipts(n *big.Int) []*types.Receipt {
	type blockReceipter interface {
		BlockReceipts(context.Context, rpc.BlockNumberOrHash) ([]*types.Receipt, error)
	}
	if br, ok := w.sc.Sim.Client().(blockReceipter); ok {
		rs, err := br.BlockReceipts(w.ctx, rpc.BlockNumberOrHashWithNumber(rpc.BlockNumber(n.Int64())))
		if err != nil {
			w.t.Fatal(err)
		}
		return rs
	}
	w.t.Fatal("the simulated client has no BlockReceipts")
	return nil
}

// checkConservation: the escrow holds exactly the sum of the modelled balances, per token and in
// ETH; the registry holds exactly the sum of the stakes.
func (w *propWorld) checkConservation() {
	w.t.Helper()
	sum := [2]*big.Int{new(big.Int), new(big.Int)}
	for _, p := range w.payers {
		for a := range p.acct {
			sum[a].Add(sum[a], p.acct[a].balance)
		}
	}
	addrs := w.c.Addresses()
	for a, token := range []common.Address{w.tok, {}} {
		got, err := w.c.BalanceOf(w.ctx, token, addrs.Escrow)
		if err != nil {
			w.t.Fatal(err)
		}
		if got.Cmp(sum[a]) != 0 {
			w.t.Fatalf("escrow holds %v of %v, accounts sum to %v", got, token, sum[a])
		}
	}
	stakes := new(big.Int).Set(w.stakeBase)
	for _, p := range w.providers {
		stakes.Add(stakes, p.stake)
	}
	got, err := w.c.BalanceOf(w.ctx, w.tok, addrs.Registry)
	if err != nil {
		w.t.Fatal(err)
	}
	if got.Cmp(stakes) != 0 {
		w.t.Fatalf("registry holds %v, stakes sum to %v", got, stakes)
	}
}

func (w *propWorld) advance() {
	w.t.Helper()
	steps := []time.Duration{10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour}
	if err := w.sc.AdjustTime(steps[w.rng.IntN(len(steps))]); err != nil {
		w.t.Fatal(err)
	}
	w.now = w.headTime()
}

func (w *propWorld) amount() *big.Int { return big.NewInt(int64(1+w.rng.IntN(5)) * propUnit) }

func (w *propWorld) accountToken(a int) (uint64, common.Address) {
	if a == 0 {
		return w.tokID, w.tok
	}
	return w.ethID, common.Address{}
}

// ---------------------------------------------------------------- payer operations

// pick returns an index drawn with the given weights.
func (w *propWorld) pick(weights ...int) int {
	total := 0
	for _, x := range weights {
		total += x
	}
	r := w.rng.IntN(total)
	for i, x := range weights {
		if r < x {
			return i
		}
		r -= x
	}
	return len(weights) - 1
}

// fund deposits into one of a payer's accounts: the token one paid by a sponsor (depositFor), the
// ETH one by the payer itself (deposit).
func (w *propWorld) fund(p *payerSeq) { w.deposit(p, w.rng.IntN(2)) }

func (w *propWorld) deposit(p *payerSeq, a int) {
	id, token := w.accountToken(a)
	acct, amt, esc := &p.acct[a], w.amount(), w.c.Addresses().Escrow
	apply := func(r *types.Receipt, _ uint64) error {
		if err := expect(r, true); err != nil {
			return err
		}
		acct.balance.Add(acct.balance, amt)
		return w.checkEventBalance(r, EventDeposited, acct.balance)
	}
	if a == 0 {
		w.send(w.sc.Keys[w.sponsor], esc, nil, w.escABI.PackDepositFor(p.payer, bigID(id), token, amt), 200_000, "depositFor", apply)
	} else {
		w.send(p.payerKey, esc, amt, w.escABI.PackDeposit(bigID(id), token, amt), 200_000, "deposit", apply)
	}
}

// payerStep sends one random operation of a payer sequence. Weights follow the state so that both
// the succeeding and the reverting branch of every operation are exercised.
func (w *propWorld) payerStep(p *payerSeq) {
	a := w.rng.IntN(2)
	if p.acct[a].balance.Sign() == 0 && w.rng.IntN(4) != 0 {
		a ^= 1 // prefer an account with funds
	}
	id, token := w.accountToken(a)
	acct := &p.acct[a]
	esc := w.c.Addresses().Escrow
	funded, thawing := acct.balance.Sign() > 0, acct.thawing.Sign() > 0
	deviceOK := p.signerValid(p.device, w.now)
	weight := func(cond bool, yes, no int) int {
		if cond {
			return yes
		}
		return no
	}
	switch w.pick(
		10,                       // deposit
		weight(funded, 12, 2),    // thaw
		weight(thawing, 25, 2),   // withdraw
		weight(!deviceOK, 10, 1), // authorise
		weight(deviceOK, 6, 1),   // revoke
		weight(funded, 40, 8),    // collect
	) {
	case 0:
		w.deposit(p, a)
	case 1: // thaw: mostly within the balance, sometimes beyond it, sometimes 0 (cancel)
		amt := new(big.Int).Mul(acct.balance, big.NewInt(int64(w.rng.IntN(5))))
		amt.Div(amt, big.NewInt(3))
		w.send(p.payerKey, esc, nil, w.escABI.PackThaw(bigID(id), token, amt), 200_000, "thaw", func(r *types.Receipt, now uint64) error {
			if err := expect(r, amt.Cmp(acct.balance) <= 0); err != nil || r.Status == 0 {
				return err
			}
			acct.thawing.Set(amt)
			acct.endsAt = 0
			if amt.Sign() != 0 {
				acct.endsAt = now + uint64(testParams().ThawPeriod/time.Second)
			}
			return nil
		})
	case 2:
		w.send(p.payerKey, esc, nil, w.escABI.PackWithdraw(bigID(id), token), 200_000, "withdraw", func(r *types.Receipt, now uint64) error {
			if err := expect(r, acct.thawing.Sign() > 0 && now >= acct.endsAt); err != nil || r.Status == 0 {
				return err
			}
			if now < acct.endsAt {
				return fmt.Errorf("withdrawal at %d before thaw end %d", now, acct.endsAt)
			}
			acct.balance.Sub(acct.balance, acct.thawing)
			acct.thawing.SetUint64(0)
			acct.endsAt = 0
			return w.checkEventBalance(r, EventWithdrawn, acct.balance)
		})
	case 3:
		w.send(p.payerKey, esc, nil, w.escABI.PackAuthoriseSigner(p.device), 100_000, "authoriseSigner", func(r *types.Receipt, _ uint64) error {
			if err := expect(r, true); err != nil {
				return err
			}
			p.deviceUntil.Sub(new(big.Int).Lsh(common.Big1, 256), common.Big1)
			return nil
		})
	case 4:
		w.send(p.payerKey, esc, nil, w.escABI.PackRevokeSigner(p.device), 100_000, "revokeSigner", func(r *types.Receipt, now uint64) error {
			if err := expect(r, p.deviceUntil.Cmp(new(big.Int).SetUint64(now)) > 0); err != nil || r.Status == 0 {
				return err
			}
			at := new(big.Int).SetUint64(now + uint64(testParams().RevokeDelay/time.Second))
			if at.Cmp(p.deviceUntil) < 0 {
				p.deviceUntil = at
			}
			return nil
		})
	default: // the operator collects a voucher
		lane := w.rng.IntN(2)
		sv, signer := w.voucher(p, a, lane, false)
		bv, err := sv.binding()
		if err != nil {
			w.t.Fatal(err)
		}
		w.send(w.sc.Keys[w.operator], esc, nil, w.escABI.PackCollect(bv, sv.Signature), 300_000, "collect", func(r *types.Receipt, now uint64) error {
			paid, ok := w.settle(p, a, lane, sv, signer, now)
			if err := expect(r, ok); err != nil || !ok {
				return err
			}
			return w.checkCollected(r, []*big.Int{paid})
		})
	}
}

// voucher returns a voucher for the lane: usually a new, higher one signed by the payer or its
// device, sometimes the lane's last one again, sometimes (unless validOnly) one signed by a
// stranger. With validOnly it uses only signers the model says are valid for the next hour.
func (w *propWorld) voucher(p *payerSeq, a, lane int, validOnly bool) (SignedVoucher, common.Address) {
	l := &p.lanes[a][lane]
	deviceOK := !validOnly || p.signerValid(p.device, w.now+3600)
	if l.last != nil && w.rng.IntN(4) == 0 {
		signer, err := RecoverVoucherSigner(w.c.Domain(), l.last.Voucher, l.last.Signature)
		if err != nil {
			w.t.Fatal(err)
		}
		if signer == p.payer || deviceOK {
			return *l.last, signer
		}
	}
	id, token := w.accountToken(a)
	cum := new(big.Int).Add(l.maxSigned, w.amount())
	key := p.payerKey
	switch r := w.rng.IntN(10); {
	case r < 3 && deviceOK:
		key = p.deviceKey
	case r == 3 && !validOnly:
		k, err := crypto.GenerateKey()
		if err != nil {
			w.t.Fatal(err)
		}
		key = k
		cum.Mul(cum, big.NewInt(1000)) // a stranger promises a lot
	}
	v := Voucher{Payer: p.payer, ProviderID: id, Token: token, Lane: uint64(lane), Cumulative: cum}
	sig, err := SignVoucher(key, w.c.Domain(), v)
	if err != nil {
		w.t.Fatal(err)
	}
	sv := SignedVoucher{Voucher: v, Signature: sig}
	signer := crypto.PubkeyToAddress(key.PublicKey)
	if signer == p.payer || signer == p.device {
		l.maxSigned.Set(cum)
		l.last = &sv
	}
	return sv, signer
}

// signerValid mirrors Escrow.isAuthorisedSigner at time now.
func (p *payerSeq) signerValid(signer common.Address, now uint64) bool {
	return signer == p.payer || (signer == p.device && p.deviceUntil.Cmp(new(big.Int).SetUint64(now)) > 0)
}

// settle predicts a collect of sv at time now and applies it to the model; ok is false when
// collect would revert. paid may be zero with ok (a batch skip).
func (w *propWorld) settle(p *payerSeq, a, lane int, sv SignedVoucher, signer common.Address, now uint64) (paid *big.Int, ok bool) {
	if !p.signerValid(signer, now) {
		return nil, false
	}
	l, acct := &p.lanes[a][lane], &p.acct[a]
	if sv.Cumulative.Cmp(l.collected) <= 0 || acct.balance.Sign() == 0 {
		return nil, false
	}
	paid = new(big.Int).Sub(sv.Cumulative, l.collected)
	if paid.Cmp(acct.balance) > 0 {
		paid.Set(acct.balance)
	}
	acct.balance.Sub(acct.balance, paid)
	if acct.thawing.Cmp(acct.balance) > 0 {
		acct.thawing.Set(acct.balance)
		if acct.balance.Sign() == 0 {
			acct.endsAt = 0
		}
	}
	l.collected.Add(l.collected, paid)
	if a == 0 {
		w.tokenPaid.Add(w.tokenPaid, paid)
	}
	return paid, true
}

// batchStep has the operator collect the last vouchers of up to 10 sequences in one batch; now and
// then one entry is signed by a stranger, which must revert the whole batch.
func (w *propWorld) batchStep(payers []*payerSeq) {
	type entry struct {
		p       *payerSeq
		a, lane int
		sv      SignedVoucher
		signer  common.Address
	}
	var entries []entry
	stranger := -1
	if w.rng.IntN(5) == 0 {
		stranger = w.rng.IntN(10)
	}
	for n, i := range w.rng.Perm(len(payers))[:10] {
		p := payers[i]
		a, lane := w.rng.IntN(2), w.rng.IntN(2)
		sv, signer := w.voucher(p, a, lane, true)
		if n == stranger {
			k, err := crypto.GenerateKey()
			if err != nil {
				w.t.Fatal(err)
			}
			sv.Signature, err = SignVoucher(k, w.c.Domain(), sv.Voucher)
			if err != nil {
				w.t.Fatal(err)
			}
			signer = crypto.PubkeyToAddress(k.PublicKey)
		}
		entries = append(entries, entry{p, a, lane, sv, signer})
	}
	vs := make([]bindings.EscrowVoucher, len(entries))
	sigs := make([][]byte, len(entries))
	for i, e := range entries {
		bv, err := e.sv.binding()
		if err != nil {
			w.t.Fatal(err)
		}
		vs[i], sigs[i] = bv, e.sv.Signature
	}
	esc := w.c.Addresses().Escrow
	w.send(w.sc.Keys[w.operator], esc, nil, w.escABI.PackCollectBatch(vs, sigs), 3_000_000, "collectBatch", func(r *types.Receipt, now uint64) error {
		for _, e := range entries {
			if !e.p.signerValid(e.signer, now) {
				return expect(r, false) // one invalid entry reverts everything; the model is untouched
			}
		}
		if err := expect(r, true); err != nil {
			return err
		}
		var paid []*big.Int
		for _, e := range entries {
			if amt, ok := w.settle(e.p, e.a, e.lane, e.sv, e.signer, now); ok {
				paid = append(paid, amt)
			}
		}
		return w.checkCollected(r, paid)
	})
}

// checkEventBalance checks the balance an event of kind reports against the model.
func (w *propWorld) checkEventBalance(r *types.Receipt, kind EscrowEventKind, want *big.Int) error {
	for _, l := range r.Logs {
		ev, err := w.c.DecodeEscrowLog(l)
		if err == nil && ev.Kind == kind {
			if ev.Balance.Cmp(want) != 0 {
				return fmt.Errorf("%s event balance %v, model %v", kind, ev.Balance, want)
			}
			return nil
		}
	}
	return fmt.Errorf("no %s event", kind)
}

// checkCollected checks the Collected events' paid amounts, in order, against the model's.
func (w *propWorld) checkCollected(r *types.Receipt, paid []*big.Int) error {
	var got []*big.Int
	for _, l := range r.Logs {
		if ev, err := w.c.DecodeEscrowLog(l); err == nil && ev.Kind == EventCollected {
			got = append(got, ev.Amount)
		}
	}
	if len(got) != len(paid) {
		return fmt.Errorf("%d Collected events, model pays %d vouchers", len(got), len(paid))
	}
	for i := range got {
		if got[i].Cmp(paid[i]) != 0 {
			return fmt.Errorf("voucher %d paid %v, model %v", i, got[i], paid[i])
		}
	}
	return nil
}

// verifyPayer compares every account, lane and signer of a sequence with the chain.
func (w *propWorld) verifyPayer(p *payerSeq) {
	w.t.Helper()
	for a := range p.acct {
		id, token := w.accountToken(a)
		got, err := w.c.Account(w.ctx, p.payer, id, token)
		if err != nil {
			w.t.Fatal(err)
		}
		m := p.acct[a]
		if got.Balance.Cmp(m.balance) != 0 || got.Thawing.Cmp(m.thawing) != 0 || uint64(max(got.ThawEndsAt.Unix(), 0)) != m.endsAt {
			w.t.Fatalf("payer %v account %d: chain %+v, model %+v", p.payer, a, got, m)
		}
		for lane := range p.lanes[a] {
			c, err := w.c.Collected(w.ctx, p.payer, id, token, uint64(lane))
			if err != nil {
				w.t.Fatal(err)
			}
			l := p.lanes[a][lane]
			if c.Cmp(l.collected) != 0 {
				w.t.Fatalf("payer %v lane %d/%d: collected %v, model %v", p.payer, a, lane, c, l.collected)
			}
			if c.Cmp(l.maxSigned) > 0 {
				w.t.Fatalf("payer %v lane %d/%d: collected %v exceeds the largest signed cumulative %v", p.payer, a, lane, c, l.maxSigned)
			}
		}
	}
	ok, err := w.c.IsAuthorisedSigner(w.ctx, p.payer, p.device)
	if err != nil {
		w.t.Fatal(err)
	}
	if want := p.signerValid(p.device, w.now); ok != want {
		w.t.Fatalf("payer %v device authorised %v, model %v", p.payer, ok, want)
	}
}

// ---------------------------------------------------------------- provider operations

func (w *propWorld) providerStep(p *providerSeq, step int) {
	reg := w.c.Addresses().Registry
	if step == 0 {
		stake := new(big.Int).Add(ether(100), w.amount())
		args := bindings.RegistryRegisterArgs{
			Endpoint: fmt.Sprintf("wss://p%d.example.org", w.rng.IntN(1000)), NodeKey: nodeKey(w.t),
			Services: uint8(ServiceStore), CapacityGB: 10, Price: testPrice(1).binding(), Token: w.tok, Stake: stake,
		}
		w.send(p.key, reg, nil, w.reg.PackRegister(args), 400_000, "register", func(r *types.Receipt, _ uint64) error {
			if err := expect(r, true); err != nil {
				return err
			}
			for _, l := range r.Logs {
				if ev, err := w.c.DecodeRegistryLog(l); err == nil && ev.Kind == EventProviderRegistered {
					p.id = ev.Provider.ID
					p.stake.Set(stake)
					return nil
				}
			}
			return fmt.Errorf("no ProviderRegistered event")
		})
		return
	}
	id := bigID(p.id)
	exiting := p.exitAt != 0
	weight := func(cond bool, yes, no int) int {
		if cond {
			return yes
		}
		return no
	}
	switch op := w.pick(weight(exiting, 1, 3), weight(exiting, 1, 3), weight(exiting, 1, 4), weight(exiting, 6, 1)); op {
	case 0:
		amt := w.amount()
		w.send(p.key, reg, nil, w.reg.PackAddStake(id, amt), 200_000, "addStake", func(r *types.Receipt, _ uint64) error {
			if err := expect(r, p.exitAt == 0); err != nil || r.Status == 0 {
				return err
			}
			p.stake.Add(p.stake, amt)
			return nil
		})
	case 1:
		w.send(p.key, reg, nil, w.reg.PackAnnouncePrice(id, testPrice(int64(1+w.rng.IntN(9))).binding()), 200_000, "announcePrice",
			func(r *types.Receipt, _ uint64) error { return expect(r, p.exitAt == 0) })
	case 2:
		w.send(p.key, reg, nil, w.reg.PackRequestExit(id), 200_000, "requestExit", func(r *types.Receipt, now uint64) error {
			if err := expect(r, p.exitAt == 0); err != nil || r.Status == 0 {
				return err
			}
			p.exitAt = now + uint64(testParams().Unbonding/time.Second)
			return nil
		})
	default:
		w.send(p.key, reg, nil, w.reg.PackWithdrawStake(id), 200_000, "withdrawStake", func(r *types.Receipt, now uint64) error {
			if err := expect(r, p.exitAt != 0 && now >= p.exitAt && p.stake.Sign() > 0); err != nil || r.Status == 0 {
				return err
			}
			if now < p.exitAt {
				return fmt.Errorf("stake withdrawn at %d before unbonding ended at %d", now, p.exitAt)
			}
			p.stake.SetUint64(0)
			return nil
		})
	}
}

func (w *propWorld) verifyProvider(p *providerSeq) {
	w.t.Helper()
	got, err := w.c.Provider(w.ctx, p.id)
	if err != nil {
		w.t.Fatal(err)
	}
	if got.Stake.Cmp(p.stake) != 0 || got.Active != (p.exitAt == 0) || uint64(max(got.ExitAt.Unix(), 0)) != p.exitAt || got.Operator != p.addr {
		w.t.Fatalf("provider %d: chain %+v, model stake %v exitAt %d", p.id, got, p.stake, p.exitAt)
	}
}
