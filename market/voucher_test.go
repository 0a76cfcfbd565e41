package market

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/compiler"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/pnmarket/pnmarket/market/bindings"
)

var testVoucher = Voucher{
	Payer:      common.HexToAddress("0x00000000000000000000000000000000000000aa"),
	ProviderID: 7,
	Token:      common.HexToAddress("0x00000000000000000000000000000000000000bb"),
	Lane:       3,
	Cumulative: big.NewInt(123456789),
}

// TestVoucherDigestMatchesApitypes checks our hand-rolled EIP-712 encoding against go-ethereum's
// generic typed-data implementation (what wallets use for eth_signTypedData_v4).
func TestVoucherDigestMatchesApitypes(t *testing.T) {
	tests := map[string]struct {
		v Voucher
		d Domain
	}{
		"small": {v: testVoucher, d: EscrowDomain(big.NewInt(1337), common.HexToAddress("0x1234"))},
		"max values": {
			v: Voucher{
				Payer: common.HexToAddress("0xffffffffffffffffffffffffffffffffffffffff"), ProviderID: ^uint64(0),
				Token: common.Address{}, Lane: ^uint64(0), Cumulative: new(big.Int).Sub(new(big.Int).Lsh(common.Big1, 256), common.Big1),
			},
			d: EscrowDomain(big.NewInt(59144), common.HexToAddress("0xffffffffffffffffffffffffffffffffffffffff")),
		},
		"custom domain": {v: testVoucher, d: Domain{Name: "x", Version: "2", ChainID: big.NewInt(10), VerifyingContract: common.Address{1}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			td := apitypes.TypedData{
				Types: apitypes.Types{
					"EIP712Domain": {
						{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
						{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"},
					},
					"Voucher": {
						{Name: "payer", Type: "address"}, {Name: "providerId", Type: "uint256"}, {Name: "token", Type: "address"},
						{Name: "lane", Type: "uint64"}, {Name: "cumulative", Type: "uint256"},
					},
				},
				PrimaryType: "Voucher",
				Domain: apitypes.TypedDataDomain{
					Name: tt.d.Name, Version: tt.d.Version, ChainId: (*math.HexOrDecimal256)(tt.d.ChainID),
					VerifyingContract: tt.d.VerifyingContract.Hex(),
				},
				Message: apitypes.TypedDataMessage{
					"payer":      tt.v.Payer.Hex(),
					"providerId": new(big.Int).SetUint64(tt.v.ProviderID).String(),
					"token":      tt.v.Token.Hex(),
					"lane":       new(big.Int).SetUint64(tt.v.Lane).String(),
					"cumulative": tt.v.Cumulative.String(),
				},
			}
			want, _, err := apitypes.TypedDataAndHash(td)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.v.Digest(tt.d); !bytes.Equal(got[:], want) {
				t.Fatalf("digest %x, apitypes %x", got, want)
			}
		})
	}
}

// TestVoucherDigestMatchesContract checks the Go digest, type hash and domain separator against the
// deployed Escrow's own views.
func TestVoucherDigestMatchesContract(t *testing.T) {
	f := newFixture(t, 1)
	ctx := t.Context()
	esc := bindings.NewEscrow()
	inst := esc.Instance(f.dm.Backend(), f.dm.Addresses.Escrow)
	sep, err := call(ctx, f.c, inst, esc.PackDomainSeparator(), esc.UnpackDomainSeparator)
	if err != nil {
		t.Fatal(err)
	}
	if common.Hash(sep) != f.c.Domain().Separator() {
		t.Fatalf("domain separator: chain %x, go %x", sep, f.c.Domain().Separator())
	}
	th, err := call(ctx, f.c, inst, esc.PackVOUCHERTYPEHASH(), esc.UnpackVOUCHERTYPEHASH)
	if err != nil || common.Hash(th) != VoucherTypeHash {
		t.Fatalf("type hash: chain %x (%v), go %x", th, err, VoucherTypeHash)
	}
	dom, err := call(ctx, f.c, inst, esc.PackEip712Domain(), esc.UnpackEip712Domain)
	if err != nil {
		t.Fatal(err)
	}
	if dom.Name != EscrowDomainName || dom.Version != EscrowDomainVersion || dom.ChainId.Cmp(f.c.ChainID()) != 0 ||
		dom.VerifyingContract != f.dm.Addresses.Escrow {
		t.Fatalf("eip712Domain() = %+v", dom)
	}
	for _, v := range []Voucher{testVoucher, {Payer: f.addr(0), ProviderID: 1, Lane: 1 << 60, Cumulative: ether(1000)}} {
		sv := SignedVoucher{Voucher: v}
		bv, err := sv.binding()
		if err != nil {
			t.Fatal(err)
		}
		got, err := call(ctx, f.c, inst, esc.PackHashVoucher(bv), esc.UnpackHashVoucher)
		if err != nil {
			t.Fatal(err)
		}
		if common.Hash(got) != v.Digest(f.c.Domain()) {
			t.Fatalf("hashVoucher: chain %x, go %x", got, v.Digest(f.c.Domain()))
		}
	}
}

func TestSignRecover(t *testing.T) {
	key, _ := crypto.GenerateKey()
	d := EscrowDomain(big.NewInt(1337), common.Address{9})
	sig, err := SignVoucher(key, d, testVoucher)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != SignatureLength || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("signature %x", sig)
	}
	got, err := RecoverVoucherSigner(d, testVoucher, sig)
	if err != nil || got != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("recovered %v, %v", got, err)
	}

	// Any change of domain or field changes the signer.
	other := func(mut func(*Voucher, *Domain)) common.Address {
		v, dd := testVoucher, d
		v.Cumulative = new(big.Int).Set(testVoucher.Cumulative)
		dd.ChainID = new(big.Int).Set(d.ChainID)
		mut(&v, &dd)
		a, err := RecoverVoucherSigner(dd, v, sig)
		if err != nil {
			return common.Address{}
		}
		return a
	}
	for name, mut := range map[string]func(*Voucher, *Domain){
		"chain":      func(_ *Voucher, d *Domain) { d.ChainID.SetInt64(1) },
		"contract":   func(_ *Voucher, d *Domain) { d.VerifyingContract = common.Address{8} },
		"name":       func(_ *Voucher, d *Domain) { d.Name = "other" },
		"version":    func(_ *Voucher, d *Domain) { d.Version = "2" },
		"payer":      func(v *Voucher, _ *Domain) { v.Payer = common.Address{1} },
		"provider":   func(v *Voucher, _ *Domain) { v.ProviderID++ },
		"token":      func(v *Voucher, _ *Domain) { v.Token = common.Address{} },
		"lane":       func(v *Voucher, _ *Domain) { v.Lane++ },
		"cumulative": func(v *Voucher, _ *Domain) { v.Cumulative.Add(v.Cumulative, common.Big1) },
	} {
		t.Run(name, func(t *testing.T) {
			if other(mut) == got {
				t.Fatal("signature still recovers to the signer")
			}
		})
	}
}

// highS returns the malleable twin of a valid signature: s' = n - s, v flipped. ecrecover accepts
// it; OpenZeppelin's ECDSA and RecoverVoucherSigner must not.
func highS(sig []byte) []byte {
	out := bytes.Clone(sig)
	s := new(big.Int).SetBytes(sig[32:64])
	s.Sub(crypto.S256().Params().N, s)
	copy(out[32:64], common.LeftPadBytes(s.Bytes(), 32))
	out[64] ^= 1 // 27 <-> 28
	return out
}

func TestRecoverRejects(t *testing.T) {
	key, _ := crypto.GenerateKey()
	d := EscrowDomain(big.NewInt(1337), common.Address{9})
	sig, err := SignVoucher(key, d, testVoucher)
	if err != nil {
		t.Fatal(err)
	}
	mut := func(f func([]byte) []byte) []byte { return f(bytes.Clone(sig)) }
	tests := map[string]struct {
		v    Voucher
		sig  []byte
		want error
	}{
		"short":         {testVoucher, sig[:64], ErrBadSignature},
		"long":          {testVoucher, append(bytes.Clone(sig), 0), ErrBadSignature},
		"empty":         {testVoucher, nil, ErrBadSignature},
		"v = 0":         {testVoucher, mut(func(b []byte) []byte { b[64] -= 27; return b }), ErrBadSignature},
		"v = 29":        {testVoucher, mut(func(b []byte) []byte { b[64] = 29; return b }), ErrBadSignature},
		"high s":        {testVoucher, highS(sig), ErrBadSignature},
		"zero r":        {testVoucher, mut(func(b []byte) []byte { clear(b[:32]); return b }), ErrBadSignature},
		"zero s":        {testVoucher, mut(func(b []byte) []byte { clear(b[32:64]); return b }), ErrBadSignature},
		"r >= n":        {testVoucher, mut(func(b []byte) []byte { copy(b[:32], bytes.Repeat([]byte{0xff}, 32)); return b }), ErrBadSignature},
		"zero amount":   {Voucher{Cumulative: new(big.Int)}, sig, ErrBadVoucher},
		"nil amount":    {Voucher{}, sig, ErrBadVoucher},
		"negative":      {Voucher{Cumulative: big.NewInt(-1)}, sig, ErrBadVoucher},
		"over 256 bits": {Voucher{Cumulative: new(big.Int).Lsh(common.Big1, 256)}, sig, ErrBadVoucher},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := RecoverVoucherSigner(d, tt.v, tt.sig); !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := SignVoucher(key, d, Voucher{Cumulative: new(big.Int)}); !errors.Is(err, ErrBadVoucher) {
		t.Fatalf("signing a zero voucher: %v", err)
	}
}

func TestSignedVoucherBinary(t *testing.T) {
	key, _ := crypto.GenerateKey()
	d := EscrowDomain(big.NewInt(1337), common.Address{9})
	sig, _ := SignVoucher(key, d, testVoucher)
	sv := SignedVoucher{Voucher: testVoucher, Signature: sig}
	b, err := sv.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != SignedVoucherLength {
		t.Fatalf("length %d", len(b))
	}
	var got SignedVoucher
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if got.Payer != sv.Payer || got.ProviderID != sv.ProviderID || got.Token != sv.Token || got.Lane != sv.Lane ||
		!eq(got.Cumulative, sv.Cumulative) || !bytes.Equal(got.Signature, sig) {
		t.Fatalf("round trip: %+v", got)
	}
	if a, err := got.Signer(d); err != nil || a != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("signer %v, %v", a, err)
	}
	for name, in := range map[string][]byte{
		"short":           b[:len(b)-1],
		"long":            append(bytes.Clone(b), 0),
		"zero cumulative": func() []byte { c := bytes.Clone(b); clear(c[56:88]); return c }(),
		"bad v":           func() []byte { c := bytes.Clone(b); c[len(c)-1] = 1; return c }(),
	} {
		t.Run(name, func(t *testing.T) {
			var sv SignedVoucher
			if err := sv.UnmarshalBinary(in); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := (SignedVoucher{Voucher: testVoucher, Signature: sig[:10]}).MarshalBinary(); !errors.Is(err, ErrBadVoucher) {
		t.Fatalf("short signature marshalled: %v", err)
	}
}

// FuzzVoucherSignature feeds arbitrary bytes to the signed-voucher decoder and the signer recovery:
// neither may panic, a decoded voucher re-encodes to the same bytes, and recovery agrees with the
// decoder on what a well-formed signature is.
func FuzzVoucherSignature(f *testing.F) {
	d := EscrowDomain(big.NewInt(1337), common.Address{9})
	for i := range 4 {
		key, _ := crypto.GenerateKey()
		v := testVoucher
		v.Lane = uint64(i)
		v.Cumulative = new(big.Int).Lsh(common.Big1, uint(i*60))
		sig, _ := SignVoucher(key, d, v)
		b, _ := SignedVoucher{Voucher: v, Signature: sig}.MarshalBinary()
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(append(b[:88:88], highS(sig)...))
	}
	f.Add([]byte{})
	f.Add(make([]byte, SignedVoucherLength))
	f.Add(append(bytes.Repeat([]byte("0"), SignedVoucherLength-1), 0x1c, '0')) // one byte too long
	f.Fuzz(func(t *testing.T, data []byte) {
		var sv SignedVoucher
		err := sv.UnmarshalBinary(data)
		if err != nil {
			if len(data) >= 88 {
				// Recovery must agree with the decoder on the signature's form (and must not panic on
				// any length).
				v := Voucher{Cumulative: new(big.Int).SetBytes(data[56:88])}
				_, rerr := RecoverVoucherSigner(d, v, data[88:])
				if rerr == nil && len(data) == SignedVoucherLength {
					t.Fatalf("decoder rejected (%v) what recovery accepts", err)
				}
			}
			return
		}
		out, err := sv.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded voucher does not re-encode: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("round trip changed bytes:\n%x\n%x", data, out)
		}
		if _, err := sv.Signer(d); err != nil && !errors.Is(err, ErrBadSignature) {
			t.Fatalf("recovery failed with %v", err)
		}
	})
}

// ---------------------------------------------------------------- cross tests: sign in Go, collect on chain

func TestCollect(t *testing.T) {
	f := newFixture(t, 5)
	ctx := t.Context()
	id := f.register(1, f.token())
	payer, payerKey := f.addr(2), f.key(2)
	f.deposit(2, id, f.token(), ether(1))
	tok := f.token()

	// A voucher beyond the balance pays only the balance; the rest stays owed.
	sv := f.signed(payerKey, payer, id, tok, 0, ether(3))
	before := f.balance(tok, f.addr(1))
	paid, rcpt, err := f.c.Collect(ctx, f.opts(1), sv)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "paid", paid, ether(1))
	mustEqual(t, "operator tokens", f.balance(tok, f.addr(1)), new(big.Int).Add(before, ether(1)))
	evs := f.escrowEvents(rcpt)
	if len(evs) != 1 || evs[0].Kind != EventCollected || evs[0].Payer != payer || evs[0].ProviderID != id || evs[0].Lane != 0 ||
		!eq(evs[0].Cumulative, ether(3)) || !eq(evs[0].Amount, ether(1)) || !eq(evs[0].Collected, ether(1)) || evs[0].Balance.Sign() != 0 {
		t.Fatalf("events = %+v", evs)
	}
	got, err := f.c.Collected(ctx, payer, id, tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "collected", got, ether(1))

	_, _, err = f.c.Collect(ctx, f.opts(1), sv)
	wantErr(t, err, ErrEmptyBalance)

	// After a new deposit the same voucher pays the remainder, and then nothing more.
	f.deposit(2, id, tok, ether(5))
	if paid, _, err = f.c.Collect(ctx, f.opts(1), sv); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "remainder", paid, ether(2))
	_, _, err = f.c.Collect(ctx, f.opts(1), sv)
	wantErr(t, err, ErrNothingToCollect)
	// An older (smaller) voucher is worthless now.
	_, _, err = f.c.Collect(ctx, f.opts(1), f.signed(payerKey, payer, id, tok, 0, ether(2)))
	wantErr(t, err, ErrNothingToCollect)
	// Lanes are independent.
	if paid, _, err = f.c.Collect(ctx, f.opts(1), f.signed(payerKey, payer, id, tok, 1, ether(1))); err != nil || !eq(paid, ether(1)) {
		t.Fatalf("lane 1: %v, %v", paid, err)
	}
	mustEqual(t, "balance", f.account(payer, id, tok).Balance, ether(2))

	// Invalid vouchers.
	other := f.key(3)
	otherEscrow := EscrowDomain(f.c.ChainID(), common.Address{0xee})
	otherChain := EscrowDomain(big.NewInt(1), f.dm.Addresses.Escrow)
	signIn := func(d Domain, v Voucher) SignedVoucher {
		sig, err := SignVoucher(payerKey, d, v)
		if err != nil {
			t.Fatal(err)
		}
		return SignedVoucher{Voucher: v, Signature: sig}
	}
	v4 := Voucher{Payer: payer, ProviderID: id, Token: tok, Lane: 0, Cumulative: ether(4)}
	good := f.signed(payerKey, payer, id, tok, 0, ether(4))
	tests := map[string]struct {
		from int
		sv   SignedVoucher
		want error
	}{
		"not operator":      {from: 3, sv: good, want: ErrNotOperator},
		"unknown provider":  {from: 1, sv: f.signed(payerKey, payer, 99, tok, 0, ether(4)), want: ErrNotOperator},
		"wrong signer":      {from: 1, sv: f.signed(other, payer, id, tok, 0, ether(4)), want: ErrUnauthorisedSigner},
		"other contract":    {from: 1, sv: signIn(otherEscrow, v4), want: ErrUnauthorisedSigner},
		"other chain":       {from: 1, sv: signIn(otherChain, v4), want: ErrUnauthorisedSigner},
		"high s":            {from: 1, sv: SignedVoucher{Voucher: v4, Signature: highS(good.Signature)}, want: ErrBadSignature},
		"short signature":   {from: 1, sv: SignedVoucher{Voucher: v4, Signature: good.Signature[:64]}, want: ErrBadSignature},
		"v = 1":             {from: 1, sv: SignedVoucher{Voucher: v4, Signature: append(bytes.Clone(good.Signature[:64]), 1)}, want: ErrBadSignature},
		"other lane replay": {from: 1, sv: SignedVoucher{Voucher: Voucher{Payer: payer, ProviderID: id, Token: tok, Lane: 5, Cumulative: ether(4)}, Signature: good.Signature}, want: ErrUnauthorisedSigner},
		"token mismatch":    {from: 1, sv: f.signed(payerKey, payer, id, common.Address{}, 0, ether(4)), want: ErrEmptyBalance},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.c.Collect(ctx, f.opts(tt.from), tt.sv)
			wantErr(t, err, tt.want)
		})
	}
	// None of the failures moved anything.
	mustEqual(t, "balance after failures", f.account(payer, id, tok).Balance, ether(2))
	if paid, _, err = f.c.Collect(ctx, f.opts(1), good); err != nil || !eq(paid, ether(1)) {
		t.Fatalf("good voucher: %v, %v", paid, err)
	}

	// ETH is paid to the operator as value.
	eth := common.Address{}
	ethID := f.register(4, eth)
	f.deposit(2, ethID, eth, ether(1))
	before = f.balance(eth, f.addr(4))
	paid, rcpt, err = f.c.Collect(ctx, f.opts(4), f.signed(payerKey, payer, ethID, eth, 0, big.NewInt(1e17)))
	if err != nil {
		t.Fatal(err)
	}
	fee := new(big.Int).Mul(new(big.Int).SetUint64(rcpt.GasUsed), rcpt.EffectiveGasPrice)
	mustEqual(t, "operator ETH", f.balance(eth, f.addr(4)), new(big.Int).Sub(new(big.Int).Add(before, big.NewInt(1e17)), fee))
	mustEqual(t, "ETH paid", paid, big.NewInt(1e17))
}

func TestThawingFundsStayCollectable(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	id := f.register(1, f.token())
	tok := f.token()
	f.deposit(2, id, tok, ether(10))
	if _, err := f.c.Thaw(ctx, f.opts(2), id, tok, ether(8)); err != nil {
		t.Fatal(err)
	}
	// The provider collects 5 while 8 are thawing: thawing shrinks to what is left.
	if _, _, err := f.c.Collect(ctx, f.opts(1), f.signed(f.key(2), f.addr(2), id, tok, 0, ether(5))); err != nil {
		t.Fatal(err)
	}
	a := f.account(f.addr(2), id, tok)
	mustEqual(t, "balance", a.Balance, ether(5))
	mustEqual(t, "thawing", a.Thawing, ether(5))
	// Even after the thaw period, collection still works until the payer withdraws.
	f.advance(testParams().ThawPeriod)
	if _, _, err := f.c.Collect(ctx, f.opts(1), f.signed(f.key(2), f.addr(2), id, tok, 0, ether(6))); err != nil {
		t.Fatal(err)
	}
	amount, _, err := f.c.Withdraw(ctx, f.opts(2), id, tok)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "withdrawn", amount, ether(4))
	a = f.account(f.addr(2), id, tok)
	if a.Balance.Sign() != 0 || a.Thawing.Sign() != 0 || !a.ThawEndsAt.IsZero() {
		t.Fatalf("account after withdraw: %+v", a)
	}
	// Draining a thawing account to zero also clears the thaw.
	f.deposit(2, id, tok, ether(1))
	if _, err := f.c.Thaw(ctx, f.opts(2), id, tok, ether(1)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.c.Collect(ctx, f.opts(1), f.signed(f.key(2), f.addr(2), id, tok, 0, ether(100))); err != nil {
		t.Fatal(err)
	}
	if a = f.account(f.addr(2), id, tok); a.Balance.Sign() != 0 || a.Thawing.Sign() != 0 || !a.ThawEndsAt.IsZero() {
		t.Fatalf("drained account: %+v", a)
	}
	_, _, err = f.c.Withdraw(ctx, f.opts(2), id, tok)
	wantErr(t, err, ErrNothingThawing)
}

func TestDeviceSigners(t *testing.T) {
	f := newFixture(t, 4)
	ctx := t.Context()
	id := f.register(1, f.token())
	tok := f.token()
	payer, device := f.addr(2), f.addr(3)
	f.deposit(2, id, tok, ether(10))

	_, _, err := f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), payer, id, tok, 1, ether(1)))
	wantErr(t, err, ErrUnauthorisedSigner)
	_, err = f.c.RevokeSigner(ctx, f.opts(2), device)
	wantErr(t, err, ErrSignerNotAuthorised)
	_, err = f.c.AuthoriseSigner(ctx, f.opts(2), common.Address{})
	wantErr(t, err, ErrZeroAddress)

	rcpt, err := f.c.AuthoriseSigner(ctx, f.opts(2), device)
	if err != nil {
		t.Fatal(err)
	}
	if evs := f.escrowEvents(rcpt); len(evs) != 1 || evs[0].Kind != EventSignerAuthorised || evs[0].Payer != payer || evs[0].Signer != device {
		t.Fatalf("events = %+v", evs)
	}
	if ok, err := f.c.IsAuthorisedSigner(ctx, payer, device); err != nil || !ok {
		t.Fatalf("authorised = %v, %v", ok, err)
	}
	if ok, _ := f.c.IsAuthorisedSigner(ctx, payer, payer); !ok {
		t.Fatal("payer is not its own signer")
	}
	if _, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), payer, id, tok, 1, ether(1))); err != nil {
		t.Fatal(err)
	}
	// The device's authorisation is per payer: it cannot sign for someone else.
	f.deposit(1, id, tok, ether(1))
	_, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), f.addr(1), id, tok, 1, ether(1)))
	wantErr(t, err, ErrUnauthorisedSigner)

	// Revocation takes effect after revokeDelay; until then the device's vouchers pay.
	rcpt, err = f.c.RevokeSigner(ctx, f.opts(2), device)
	if err != nil {
		t.Fatal(err)
	}
	revokeAt := f.now().Add(testParams().RevokeDelay)
	if evs := f.escrowEvents(rcpt); len(evs) != 1 || evs[0].Kind != EventSignerRevocationRequested || !evs[0].At.Equal(revokeAt) {
		t.Fatalf("events = %+v", evs)
	}
	if until, err := f.c.SignerValidUntil(ctx, payer, device); err != nil || !until.Equal(revokeAt) {
		t.Fatalf("valid until %v (%v), want %v", until, err, revokeAt)
	}
	// A second revocation does not push the deadline out.
	f.advance(time.Minute)
	if _, err = f.c.RevokeSigner(ctx, f.opts(2), device); err != nil {
		t.Fatal(err)
	}
	if until, _ := f.c.SignerValidUntil(ctx, payer, device); !until.Equal(revokeAt) {
		t.Fatalf("second revocation moved the deadline to %v", until)
	}
	f.advance(testParams().RevokeDelay - 2*time.Minute)
	if _, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), payer, id, tok, 1, ether(2))); err != nil {
		t.Fatalf("collect before revocation took effect: %v", err)
	}
	f.advance(time.Minute)
	_, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), payer, id, tok, 1, ether(3)))
	wantErr(t, err, ErrUnauthorisedSigner)
	if ok, _ := f.c.IsAuthorisedSigner(ctx, payer, device); ok {
		t.Fatal("revoked signer still authorised")
	}
	_, err = f.c.RevokeSigner(ctx, f.opts(2), device)
	wantErr(t, err, ErrSignerNotAuthorised)
	// The payer's own key always works; re-authorising restores the device.
	if _, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(2), payer, id, tok, 1, ether(3))); err != nil {
		t.Fatal(err)
	}
	if _, err = f.c.AuthoriseSigner(ctx, f.opts(2), device); err != nil {
		t.Fatal(err)
	}
	if until, _ := f.c.SignerValidUntil(ctx, payer, device); until.Year() < 3000 {
		t.Fatalf("re-authorised signer valid until %v", until)
	}
	if _, _, err = f.c.Collect(ctx, f.opts(1), f.signed(f.key(3), payer, id, tok, 1, ether(4))); err != nil {
		t.Fatal(err)
	}
	if until, _ := f.c.SignerValidUntil(ctx, payer, f.addr(0)); !until.IsZero() {
		t.Fatalf("never-authorised signer valid until %v", until)
	}
}

func TestCollectBatch(t *testing.T) {
	f := newFixture(t, 6)
	ctx := t.Context()
	eth := common.Address{}
	tok := f.token()
	// Operator 1 runs a token provider and an ETH provider; payers 2..4 use both.
	tokID := f.register(1, tok)
	ethID := f.register(1, eth)
	for p := 2; p <= 4; p++ {
		f.deposit(p, tokID, tok, ether(1))
		f.deposit(p, ethID, eth, ether(1))
	}
	// Payer 4 has only 1 token: its voucher for 3 pays 1.
	svs := []SignedVoucher{
		f.signed(f.key(2), f.addr(2), tokID, tok, 0, big.NewInt(100)),
		f.signed(f.key(3), f.addr(3), tokID, tok, 0, big.NewInt(200)),
		f.signed(f.key(2), f.addr(2), ethID, eth, 0, big.NewInt(300)),
		f.signed(f.key(4), f.addr(4), tokID, tok, 0, ether(3)),
		f.signed(f.key(3), f.addr(3), ethID, eth, 0, big.NewInt(400)),
	}
	tokBefore, ethBefore := f.balance(tok, f.addr(1)), f.balance(eth, f.addr(1))
	res, rcpt, err := f.c.CollectBatch(ctx, f.opts(1), svs)
	if err != nil {
		t.Fatal(err)
	}
	wantTok := new(big.Int).Add(big.NewInt(300), ether(1))
	mustEqual(t, "total", res.Paid, new(big.Int).Add(wantTok, big.NewInt(700)))
	mustEqual(t, "operator tokens", f.balance(tok, f.addr(1)), new(big.Int).Add(tokBefore, wantTok))
	fee := new(big.Int).Mul(new(big.Int).SetUint64(rcpt.GasUsed), rcpt.EffectiveGasPrice)
	mustEqual(t, "operator ETH", f.balance(eth, f.addr(1)), new(big.Int).Sub(new(big.Int).Add(ethBefore, big.NewInt(700)), fee))
	if len(res.Collected) != 5 || len(res.Skipped) != 0 || !eq(res.Collected[3].Amount, ether(1)) {
		t.Fatalf("result = %+v", res)
	}

	// Replaying the batch: everything already collected or payer 4 empty -> all skipped, nothing paid.
	svs[3] = f.signed(f.key(4), f.addr(4), tokID, tok, 0, ether(4)) // owed, but payer 4 is empty
	res, _, err = f.c.CollectBatch(ctx, f.opts(1), svs)
	if err != nil {
		t.Fatal(err)
	}
	if res.Paid.Sign() != 0 || len(res.Skipped) != 5 {
		t.Fatalf("replay result = %+v", res)
	}
	for i, s := range res.Skipped {
		want := ErrNothingToCollect
		if i == 3 {
			want = ErrEmptyBalance
		}
		if s.Index != i || !errors.Is(s.Reason, want) || s.Kind != EventCollectSkipped || s.Payer != svs[i].Payer {
			t.Fatalf("skip %d = %+v, want reason %v", i, s, want)
		}
	}

	// One invalid entry reverts the whole batch and names its index.
	fresh := f.signed(f.key(2), f.addr(2), tokID, tok, 0, big.NewInt(1000))
	tests := map[string]struct {
		from  int
		batch []SignedVoucher
		index int
		want  error
	}{
		"bad signer": {from: 1, batch: []SignedVoucher{fresh, f.signed(f.key(5), f.addr(3), tokID, tok, 0, big.NewInt(999))},
			index: 1, want: ErrUnauthorisedSigner},
		"high s": {from: 1, batch: []SignedVoucher{fresh, fresh, {Voucher: fresh.Voucher, Signature: highS(fresh.Signature)}},
			index: 2, want: ErrBadSignature},
		"not operator": {from: 5, batch: []SignedVoucher{fresh}, index: 0, want: ErrNotOperator},
		"foreign provider in batch": {from: 1, batch: []SignedVoucher{fresh, f.signed(f.key(2), f.addr(2), 77, tok, 0, big.NewInt(1))},
			index: 1, want: ErrNotOperator},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.c.CollectBatch(ctx, f.opts(tt.from), tt.batch)
			wantErr(t, err, tt.want)
			wantErr(t, err, ErrInvalidBatchEntry)
			be, ok := errors.AsType[*BatchEntryError](err)
			if !ok || be.Index != tt.index {
				t.Fatalf("batch entry error = %v, want index %d", err, tt.index)
			}
		})
	}
	if got, _ := f.c.Collected(ctx, f.addr(2), tokID, tok, 0); !eq(got, big.NewInt(100)) {
		t.Fatalf("reverted batches changed collected: %v", got)
	}
	_, _, err = f.c.CollectBatch(ctx, f.opts(1), nil)
	wantErr(t, err, ErrEmptyBatch)
	bv, _ := fresh.binding()
	_, err = f.c.transact(ctx, f.opts(1), f.c.escC, f.c.esc.PackCollectBatch([]bindings.EscrowVoucher{bv}, nil), nil)
	wantErr(t, err, ErrLengthMismatch)
}

// reentrantOperator deploys contracts/test/ReentrantOperator.sol (from build/test-combined.json)
// from account i and returns its address and ABI.
func (f *fixture) reentrantOperator(i int) (common.Address, abi.ABI) {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "contracts", "build", "test-combined.json"))
	if err != nil {
		f.t.Fatal(err)
	}
	contracts, err := compiler.ParseCombinedJSON(data, "", "", "", "")
	if err != nil {
		f.t.Fatal(err)
	}
	c := contracts["test/ReentrantOperator.sol:ReentrantOperator"]
	if c == nil {
		f.t.Fatal("ReentrantOperator missing from test-combined.json")
	}
	abiJSON, err := json.Marshal(c.Info.AbiDefinition)
	if err != nil {
		f.t.Fatal(err)
	}
	a, err := abi.JSON(bytes.NewReader(abiJSON))
	if err != nil {
		f.t.Fatal(err)
	}
	ctor, err := a.Pack("", f.dm.Addresses.Escrow)
	if err != nil {
		f.t.Fatal(err)
	}
	addr, tx, err := bind.DeployContract(f.opts(i), common.FromHex(c.Code), f.dm.Backend(), ctor)
	if err != nil {
		f.t.Fatal(err)
	}
	f.dm.Commit()
	if _, err := bind.WaitDeployed(f.t.Context(), f.dm.Backend(), tx.Hash()); err != nil {
		f.t.Fatal(err)
	}
	return addr, a
}

// TestCollectReentrancyAndRejectedETH uses a contract as a provider's operator: when paid in ETH it
// tries to re-enter the Escrow (the guard stops it while the outer collect pays), and when it refuses
// ETH the collect reverts with EthTransferFailed and changes nothing.
func TestCollectReentrancyAndRejectedETH(t *testing.T) {
	f := newFixture(t, 3)
	ctx := t.Context()
	op, opABI := f.reentrantOperator(1)
	inst := bind.NewBoundContract(op, opABI, f.dm.Backend(), f.dm.Backend(), f.dm.Backend())
	pack := func(method string, args ...any) []byte {
		t.Helper()
		b, err := opABI.Pack(method, args...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	exec := func(target common.Address, data []byte) error {
		_, err := f.c.transact(ctx, f.opts(1), inst, pack("exec", target, data), nil)
		return err
	}
	// The contract gets stake tokens, approves the registry and registers an ETH provider.
	tt := bindings.NewTestToken()
	if err := f.c.Mint(ctx, f.opts(1), op, ether(100)); err != nil {
		t.Fatal(err)
	}
	if err := exec(f.token(), tt.PackApprove(f.dm.Addresses.Registry, ether(100))); err != nil {
		t.Fatal(err)
	}
	args := f.registerArgs(common.Address{})
	reg := bindings.NewRegistry()
	if err := exec(f.dm.Addresses.Registry, reg.PackRegister(bindings.RegistryRegisterArgs{
		Endpoint: args.Endpoint, NodeKey: args.NodeKey, Services: uint8(args.Services), Gateways: uint8(args.Gateways),
		CapacityWakeupsPerDay: args.CapacityWakeupsPerDay, CapacityGB: args.CapacityGB, Price: args.Price.binding(),
		Token: common.Address{}, Stake: args.Stake,
	})); err != nil {
		t.Fatal(err)
	}
	id := uint64(1)
	if p, err := f.c.Provider(ctx, id); err != nil || p.Operator != op {
		t.Fatalf("provider = %+v, %v", p, err)
	}
	f.deposit(2, id, common.Address{}, ether(1))
	esc := bindings.NewEscrow()
	collectData := func(sv SignedVoucher) []byte {
		bv, err := sv.binding()
		if err != nil {
			t.Fatal(err)
		}
		return esc.PackCollect(bv, sv.Signature)
	}
	v1 := f.signed(f.key(2), f.addr(2), id, common.Address{}, 0, big.NewInt(1e17))
	v2 := f.signed(f.key(2), f.addr(2), id, common.Address{}, 0, big.NewInt(3e17))

	// Re-entry from the ETH payout is refused by the guard; the outer collect still pays.
	if _, err := f.c.transact(ctx, f.opts(1), inst, pack("setReentryCall", collectData(v2)), nil); err != nil {
		t.Fatal(err)
	}
	if err := exec(f.dm.Addresses.Escrow, collectData(v1)); err != nil {
		t.Fatal(err)
	}
	gotErr, err := call(ctx, f.c, inst, pack("reentryError"), func(b []byte) ([4]byte, error) {
		out, err := opABI.Unpack("reentryError", b)
		if err != nil {
			return [4]byte{}, err
		}
		return out[0].([4]byte), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sentinel := sentinelBySelector(gotErr); !errors.Is(sentinel, ErrReentrantCall) {
		t.Fatalf("re-entry failed with %v, want %v", sentinel, ErrReentrantCall)
	}
	if got, _ := f.c.Collected(ctx, f.addr(2), id, common.Address{}, 0); !eq(got, big.NewInt(1e17)) {
		t.Fatalf("collected %v after the re-entry attempt, want 1e17", got)
	}
	mustEqual(t, "operator contract ETH", f.balance(common.Address{}, op), big.NewInt(1e17))

	// An operator that refuses ETH cannot be paid: the collect reverts and nothing moves.
	if _, err := f.c.transact(ctx, f.opts(1), inst, pack("setRejectETH", true), nil); err != nil {
		t.Fatal(err)
	}
	wantErr(t, exec(f.dm.Addresses.Escrow, collectData(v2)), ErrEthTransferFailed)
	if got, _ := f.c.Collected(ctx, f.addr(2), id, common.Address{}, 0); !eq(got, big.NewInt(1e17)) {
		t.Fatalf("collected %v after a failed payout", got)
	}
	mustEqual(t, "balance", f.account(f.addr(2), id, common.Address{}).Balance, big.NewInt(9e17))
}
