package push_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// TestReceiptRetention drops receipts past the retention: each payer's
// chain keeps its newer receipts, linked to the hash of the last one
// dropped, goes on from there (also after a restart), and the batch
// records of the dropped receipts go with them.
func TestReceiptRetention(t *testing.T) {
	f := newFakes(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	key, _ := crypto.GenerateKey()
	dir := t.TempDir()
	o := opts{now: now, key: key, dir: dir}
	n := newNode(t, f.apps, o)
	nodeKey := crypto.CompressPubkey(&key.PublicKey)

	a, b := newOwner(), newOwner()
	for _, owner := range []common.Address{a, b} {
		n.register(t, owner, pushwire.Registration{InstallationID: "inst", Gateway: "apns", AppID: apnsApp,
			Token: apnsToken(), Version: 1})
	}
	var sent int64
	wake := func(owner common.Address, times int) {
		t.Helper()
		tok := n.wakeToken(t, owner, "inst")
		n.wake(t, tok, times)
		sent += int64(times)
		if err := f.apns.WaitFor(waitCtx(t), sent); err != nil {
			t.Fatal(err)
		}
	}
	receipts := func(owner common.Address, from uint64, want int) []pushwire.Receipt {
		t.Helper()
		var rs []pushwire.Receipt
		eventually(t, "receipts", func() bool {
			var err error
			rs, err = n.svc.Receipts(t.Context(), owner, from, 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(rs) == want
		})
		return rs
	}

	// At t0: three receipts for a, two for b.
	wake(a, 3)
	wake(b, 2)
	oldA, oldB := receipts(a, 1, 3), receipts(b, 1, 2)
	oldBatches := n.svc.BatchRecordsForTest()
	if len(oldBatches) == 0 {
		t.Fatal("no batch records")
	}
	// Two hours later: two more for a.
	clock.Store(t0.Add(2 * time.Hour).UnixNano())
	wake(a, 2)
	receipts(a, 1, 5)

	// Keep the last hour.
	if got, err := n.svc.PruneReceiptsForTest(t0.Add(time.Hour)); err != nil || got != 5 {
		t.Fatalf("pruned %d (%v), want 5", got, err)
	}
	check := func() {
		t.Helper()
		for _, from := range []uint64{0, 1, 3, 4} {
			rs := receipts(a, from, 2)
			if rs[0].Seq != 4 || rs[1].Seq != 5 {
				t.Fatalf("a from %d: seqs %d, %d; want 4, 5", from, rs[0].Seq, rs[1].Seq)
			}
			// The run links to the last receipt dropped.
			if err := client.VerifyReceipts(nodeKey, &oldA[2], rs); err != nil {
				t.Fatalf("a from %d: %v", from, err)
			}
		}
		if rs := receipts(a, 5, 1); rs[0].Seq != 5 {
			t.Fatalf("a from 5: seq %d", rs[0].Seq)
		}
		if rs, err := n.svc.Receipts(t.Context(), b, 1, 10); err != nil || len(rs) != 0 {
			t.Fatalf("b after dropping all: %v (%v), want none", rs, err)
		}
		for _, id := range n.svc.BatchRecordsForTest() {
			if slices.Contains(oldBatches, id) {
				t.Fatalf("batch %d of dropped receipts kept (batches now %v, before %v)", id, n.svc.BatchRecordsForTest(), oldBatches)
			}
		}
	}
	check()
	if got := n.counter(t, "pnode_push_receipts_pruned_total"); got != 5 {
		t.Errorf("pnode_push_receipts_pruned_total = %v, want 5", got)
	}
	if got, err := n.svc.PruneReceiptsForTest(t0.Add(time.Hour)); err != nil || got != 0 {
		t.Fatalf("second pass pruned %d (%v), want 0", got, err)
	}

	// After a restart the chains still start at their base and go on.
	n.close(t)
	n = newNode(t, f.apps, o)
	check()
	wake(b, 1)
	rs := receipts(b, 1, 1)
	if rs[0].Seq != 3 {
		t.Fatalf("b's next receipt has seq %d, want 3", rs[0].Seq)
	}
	if err := client.VerifyReceipts(nodeKey, &oldB[1], rs); err != nil {
		t.Fatalf("b's chain after the base: %v", err)
	}
}

func TestReceiptRetentionConfig(t *testing.T) {
	for _, c := range []struct {
		d  time.Duration
		ok bool
	}{{0, true}, {time.Hour, true}, {90 * 24 * time.Hour, true}, {time.Minute, false}, {-time.Hour, false}} {
		cfg := push.DefaultConfig()
		cfg.ReceiptRetention = c.d
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("retention %v: %v", c.d, err)
		}
	}
	if push.DefaultConfig().ReceiptRetention != push.DefaultReceiptRetention || push.DefaultReceiptRetention <= 0 {
		t.Error("receipts are kept forever by default")
	}
}

// TestBatchCounterCorrupt: a batch counter of the wrong length fails Open,
// rather than numbering new receipt batches from 0 again over the records
// that stored receipts point into.
func TestBatchCounterCorrupt(t *testing.T) {
	n := newNode(t, nil, opts{})
	// The batch counter's key (codec.go: famMeta 'b').
	if err := n.svc.DBForTest().Set([]byte("Mb"), []byte{0, 0, 1}, nil); err != nil {
		t.Fatal(err)
	}
	n.close(t)
	skey := make([]byte, 32)
	copy(skey, "a fixed storage key for tests..")
	svc, err := push.Open(n.dir, push.DefaultConfig(), push.Deps{NodeKey: n.key, StorageKey: skey, Logger: testLogger(t)})
	if err == nil {
		svc.Close(t.Context())
		t.Fatal("Open accepted a 3-byte batch counter")
	}
	if !strings.Contains(err.Error(), "batch counter") {
		t.Fatalf("Open: %v, want a batch counter error", err)
	}
}
