package market

import (
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// BenchmarkLedgerChargeWakeup measures the hot path of a push wakeup: one paid ChargeWakeup
// with a fresh id against an account with plenty of signed credit.
func BenchmarkLedgerChargeWakeup(b *testing.B) {
	key, _ := crypto.GenerateKey()
	payer := crypto.PubkeyToAddress(key.PublicKey)
	price := Price{PerKWakeups: big.NewInt(1000), PerKHistory: big.NewInt(500), PerGBMonth: big.NewInt(1)}
	clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	deps := LedgerDeps{
		ProviderID: 7, Token: ledgerToken, Domain: EscrowDomain(big.NewInt(1337), ledgerEscrow),
		Escrow: newFakeEscrow(1 << 50),
		Price:  func() Price { return price },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return clock },
	}
	l, err := OpenLedger(filepath.Join(b.TempDir(), "ledger"), DefaultLedgerConfig(), deps)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	v := Voucher{Payer: payer, ProviderID: 7, Token: ledgerToken, Lane: 0, Cumulative: big.NewInt(1 << 40)}
	sig, err := SignVoucher(key, deps.Domain, v)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.SubmitVoucher(b.Context(), SignedVoucher{Voucher: v, Signature: sig}); err != nil {
		b.Fatal(err)
	}
	// Random, as the push relay's ids (UUIDs) are, and created 35 µs apart
	// (about 28,000 wakeups a second).
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64())
	}
	ctx := b.Context()
	created := clock
	var owner common.Address = payer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ok, err := l.ChargeWakeup(ctx, owner, payer, ids[i], created.Add(time.Duration(i)*35*time.Microsecond), false)
		if err != nil || !ok {
			b.Fatalf("charge %d: %v %v", i, ok, err)
		}
	}
	b.StopTimer()
	if c := l.Credit(payer); c.Spent.Int().Int64() != max(0, int64(b.N)-DefaultFreeWakeups) {
		b.Fatalf("spent %s after %d wakeups", c.Spent, b.N)
	}
}
