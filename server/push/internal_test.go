package push

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestScheduler: held jobs come out at their time, in time order, with no
// sleeps (synctest's fake clock).
func TestScheduler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var got []uint64
		var at []time.Duration
		start := time.Now()
		s := newScheduler(time.Now, func(j *job) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, j.seq)
			at = append(at, time.Since(start))
		})
		var fired atomic.Bool
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { s.run(ctx); close(done) }()
		now := time.Now().UnixMilli()
		s.add(now+3000, &job{seq: 3})
		s.add(now+1000, &job{seq: 1})
		s.add(now+2000, &job{seq: 2})
		s.after(now+1500, func() { fired.Store(true) })
		time.Sleep(1200 * time.Millisecond) // fake time
		synctest.Wait()
		mu.Lock()
		if len(got) != 1 || got[0] != 1 || fired.Load() {
			t.Fatalf("after 1.2s: released %v, callback %v", got, fired.Load())
		}
		mu.Unlock()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 3 || got[1] != 2 || got[2] != 3 || !fired.Load() {
			t.Fatalf("after 3.2s: released %v, callback %v", got, fired.Load())
		}
		if at[0] != time.Second || at[2] != 3*time.Second {
			t.Fatalf("released at %v", at)
		}
		cancel()
		<-done
	})
}

func TestBackoff(t *testing.T) {
	for n := 1; n <= 40; n++ {
		d := backoff(n, time.Second, time.Minute, 0)
		hi := min(time.Second<<(min(n, 30)-1), time.Minute)
		if n > 30 {
			hi = time.Minute
		}
		if d < hi/2 || d > hi {
			t.Fatalf("attempt %d: %v not in [%v, %v]", n, d, hi/2, hi)
		}
	}
	if d := backoff(1, time.Second, time.Minute, 10*time.Second); d != 10*time.Second {
		t.Fatalf("Retry-After not honoured: %v", d)
	}
	if d := backoff(1, time.Second, time.Minute, 100*time.Hour); d > time.Hour {
		t.Fatalf("Retry-After not capped: %v", d)
	}
}

func TestCoalescerSlot(t *testing.T) {
	var c coalescer
	c.m = make(map[instKey]int64)
	k := instKey{inst: "a"}
	const w = 1000
	steps := []struct {
		now  int64
		at   int64
		sent bool
	}{
		{0, 0, true},       // first: now
		{100, 1000, true},  // within the window: trailing at its end
		{500, 0, false},    // trailing already scheduled
		{1000, 2000, true}, // as the trailing one goes: the next window's end
		{1500, 0, false},   // already scheduled
		{5000, 5000, true}, // long after: now
	}
	for _, s := range steps {
		at, ok := c.slot(k, s.now, w)
		if ok != s.sent || (ok && at != s.at) {
			t.Fatalf("trigger at %d: (%d, %v), want (%d, %v)", s.now, at, ok, s.at, s.sent)
		}
	}
	if at, ok := c.slot(instKey{inst: "b"}, 100, w); !ok || at != 100 {
		t.Fatal("installations coalesce independently")
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	r := &regRecord{Version: 7, Gateway: "apns", AppID: "a", APNsTopic: "t", PushType: "alert",
		Payer: common.HexToAddress("0x01"), Token: []byte{1, 2, 3}, Topics: []string{"x", "y"}, Updated: 5, Disabled: 6}
	got, err := decodeReg(r.encode())
	if err != nil || got.Version != 7 || got.AppID != "a" || len(got.Topics) != 2 || got.Disabled != 6 || !bytes.Equal(got.Token, r.Token) {
		t.Fatalf("reg round trip: %+v %v", got, err)
	}
	for _, j := range []*job{
		{kind: kindWake, pool: poolFCM, id: "id", nonce: "n", created: 1, notBefore: 2, expires: 3, attempts: 4, owner: common.HexToAddress("0x02"), inst: "i"},
		{kind: kindRelay, pool: poolAPNs, id: "id", nonce: "n", from: common.HexToAddress("0x03"), sealed: []byte{9}, gateway: "apns", appID: "a", collapseID: "c"},
	} {
		got, err := decodeJob(9, j.encode())
		if err != nil || got.kind != j.kind || got.attempts != j.attempts || got.inst != j.inst || got.from != j.from || got.pool != j.pool {
			t.Fatalf("job round trip: %+v %v", got, err)
		}
	}
}

// FuzzDecodeRecords: the store's record decoders never panic.
func FuzzDecodeRecords(f *testing.F) {
	f.Add((&regRecord{Version: 1, Topics: []string{"a"}}).encode())
	f.Add((&job{kind: kindRelay, sealed: []byte{1}}).encode())
	f.Add((&job{kind: kindTrigger, inst: "x"}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := decodeReg(b); err == nil {
			if _, err := decodeReg(r.encode()); err != nil {
				t.Fatalf("re-encoded registration does not decode: %v", err)
			}
		}
		if j, err := decodeJob(1, b); err == nil {
			if _, err := decodeJob(1, j.encode()); err != nil {
				t.Fatalf("re-encoded job does not decode: %v", err)
			}
		}
	})
}

// TestAckQueue: the acknowledger is rung once for the first job of a
// group and once when a group is full, takes at most maxAckBatch in order,
// is rung again while jobs are left, and sees the end only once the
// closed queue is empty.
func TestAckQueue(t *testing.T) {
	q := newAckQueue()
	rung := func(c chan struct{}) bool {
		select {
		case <-c:
			return true
		default:
			return false
		}
	}
	n := maxAckBatch + 10
	for i := range n {
		q.put(ack{outcome: fmt.Sprint(i)})
	}
	if !rung(q.first) || rung(q.first) || !rung(q.full) || rung(q.full) {
		t.Fatal("want one ring for the first job and one for a full group")
	}
	batch, ok := q.take(nil)
	if !ok || len(batch) != maxAckBatch || batch[0].outcome != "0" || batch[maxAckBatch-1].outcome != fmt.Sprint(maxAckBatch-1) {
		t.Fatalf("first take: %d jobs, ok %v", len(batch), ok)
	}
	if !rung(q.first) {
		t.Fatal("jobs left, but the acknowledger was not rung")
	}
	select {
	case <-q.done:
		t.Fatal("the linger ends before the queue is closed")
	default:
	}
	q.close()
	q.close() // a second close is harmless
	select {
	case <-q.done: // a linger in progress, or any later one, ends at once
	default:
		t.Fatal("closing the queue did not end the acknowledger's linger")
	}
	batch, ok = q.take(batch)
	if !ok || len(batch) != 10 || batch[0].outcome != fmt.Sprint(maxAckBatch) {
		t.Fatalf("second take: %d jobs, ok %v", len(batch), ok)
	}
	if batch, ok = q.take(batch); ok || len(batch) != 0 {
		t.Fatalf("closed and empty: %d jobs, ok %v", len(batch), ok)
	}
}

// TestAckQueueCloseWhileRung: when the queue is closed while a ring for
// its first job is still pending, close's own ring is lost in the full
// channel. The take that empties the queue must ring again, or the
// acknowledger waits for a ring that never comes and Close hangs.
func TestAckQueueCloseWhileRung(t *testing.T) {
	q := newAckQueue()
	q.put(ack{outcome: "0"}) // rings first
	q.close()                // its ring finds the channel full
	<-q.first
	batch, ok := q.take(nil)
	if !ok || len(batch) != 1 {
		t.Fatalf("take: %d jobs, ok %v", len(batch), ok)
	}
	select {
	case <-q.first:
	default:
		t.Fatal("closed and now empty, but the acknowledger was not rung to see the end")
	}
	if batch, ok = q.take(batch); ok || len(batch) != 0 {
		t.Fatalf("closed and empty: %d jobs, ok %v", len(batch), ok)
	}
}

// TestAckQueueBacklog: with jobs arriving between takes, every job comes
// out once, in order, whatever the backlog.
func TestAckQueueBacklog(t *testing.T) {
	q := newAckQueue()
	next, want := 0, 0
	put := func(n int) {
		for range n {
			q.put(ack{outcome: fmt.Sprint(next)})
			next++
		}
	}
	var batch []ack
	put(3*maxAckBatch + 5)
	for round := 0; want < next; round++ {
		var ok bool
		if batch, ok = q.take(batch); !ok || len(batch) == 0 || len(batch) > maxAckBatch {
			t.Fatalf("round %d: %d jobs, ok %v", round, len(batch), ok)
		}
		for _, a := range batch {
			if a.outcome != fmt.Sprint(want) {
				t.Fatalf("round %d: job %s, want %d", round, a.outcome, want)
			}
			want++
		}
		if round < 5 {
			put(700)
		}
	}
	if q.len() != 0 {
		t.Fatalf("%d jobs left", q.len())
	}
}

// TestNewJobIDs: a job's idempotency key is a version 4 UUID and its nonce
// 32 hex digits, both fresh for every job.
func TestNewJobIDs(t *testing.T) {
	s := &Service{now: time.Now}
	seen := make(map[string]bool)
	for range 100 {
		j := s.newJob(kindWake)
		if len(j.id) != 36 || j.id[14] != '4' || j.id[8] != '-' || strings.ToLower(j.id) != j.id {
			t.Fatalf("id %q: want a lower-case version 4 UUID", j.id)
		}
		if _, err := hex.DecodeString(j.nonce); err != nil || len(j.nonce) != 32 {
			t.Fatalf("nonce %q: want 32 hex digits", j.nonce)
		}
		if seen[j.id] || seen[j.nonce] {
			t.Fatalf("repeated id or nonce: %q %q", j.id, j.nonce)
		}
		seen[j.id], seen[j.nonce] = true, true
	}
}
