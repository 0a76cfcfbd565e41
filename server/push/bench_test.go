package push_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// countSender accepts every wakeup without a network.
type countSender struct{ n atomic.Int64 }

func (c *countSender) Send(context.Context, gateways.Notification) error { c.n.Add(1); return nil }

// BenchmarkWake measures the relay's own cost per wakeup, from Wake to the
// acknowledged receipt, against a push service that answers at once: token
// and registration lookups, the synced enqueue, a worker, the synced
// acknowledgement with its signed receipt. The HTTP and gateway costs are
// not included (pnbench push measures the whole path).
func BenchmarkWake(b *testing.B) {
	cs := &countSender{}
	n := newNode(b, []push.App{{ID: apnsApp, Gateway: "apns", Sender: cs}}, opts{cfg: func(c *push.Config) {
		c.WakeRate, c.WakeBurst, c.WakeIPRate, c.WakeIPBurst = 1e9, 1e9, 1e9, 1e9
		c.Workers = 64
	}})
	var toks []string
	for i := range 100 {
		owner := newOwner()
		inst := "i"
		n.register(b, owner, pushwire.Registration{InstallationID: inst, Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
		toks = append(toks, n.wakeToken(b, owner, inst))
		_ = i
	}
	b.SetParallelism(64) // concurrent requests share fsyncs, as HTTP handlers do
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			if _, err := n.svc.Wake(context.Background(), toks[i%int64(len(toks))], "127.0.0.1", 0); err != nil {
				b.Error(err)
				return
			}
		}
	})
	for n.svc.PendingForTest() > 0 {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	if got := cs.n.Load(); got < int64(b.N) {
		b.Fatalf("sent %d of %d", got, b.N)
	}
	// What the store wrote to tables (flushes and compactions) per wakeup,
	// with everything still in the memtable flushed.
	db := n.svc.DBForTest()
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	var written uint64
	for _, l := range db.Metrics().Levels {
		written += l.TableBytesFlushed + l.TableBytesCompacted
	}
	b.ReportMetric(float64(written)/float64(b.N), "table-B/op")
}
