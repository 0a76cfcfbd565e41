package mailstore

import (
	"context"
	"log/slog"
	"math"
	"testing"
	"time"
)

func hashOf(b ...byte) Hash {
	var h Hash
	copy(h[:], b)
	return h
}

func TestRecentFilter(t *testing.T) {
	const s = int64(1e9)
	now := int64(1_800_000_000) * s
	f := newRecentFilter(now-100*s, true)
	a, b := hashOf(1), hashOf(2)
	prefixTwin := hashOf(1) // same 8-byte prefix as a, different hash
	prefixTwin[31] = 9

	if f.absent(now-100*s, &a, now) {
		t.Fatal("an envelope at the floor (stored before the filter existed) was called absent")
	}
	if !f.absent(now, &a, now) {
		t.Fatal("a new envelope above the floor was not called absent")
	}
	f.add([]stamped{{now, a}})
	if f.absent(now, &a, now) || f.absent(now, &prefixTwin, now) {
		t.Fatal("a written envelope (or one sharing its hash prefix) was called absent")
	}
	if !f.absent(now, &b, now) || !f.absent(now+15*s, &a, now) {
		t.Fatal("another hash, or the same hash in another slot, was not called absent")
	}

	// Once a slot leaves the window the floor rises past it: its envelopes are
	// looked up again, never called absent.
	later := now + recentWindow + 2*recentSlotNanos
	if f.absent(now, &b, later) {
		t.Fatal("an envelope in an expired slot was called absent")
	}
	if f.floor < now || len(f.slots) != 0 || f.entries != 0 {
		t.Fatalf("after expiry: floor %d (want >= %d), %d slots, %d entries", f.floor, now, len(f.slots), f.entries)
	}
	f.add([]stamped{{now, b}}) // below the floor now: not recorded
	if f.entries != 0 {
		t.Fatal("an envelope below the floor was recorded")
	}

	// The cap drops the oldest slots and raises the floor with them.
	f = newRecentFilter(0, false)
	if f.floor != math.MinInt64 {
		t.Fatal("an empty store's filter should cover every timestamp")
	}
	f.max = 3
	f.add([]stamped{{now, hashOf(1)}, {now, hashOf(2)}, {now + 10*s, hashOf(3)}, {now + 20*s, hashOf(4)}})
	if f.entries > 3 || f.floor < now {
		t.Fatalf("cap not applied: %d entries, floor %d", f.entries, f.floor)
	}
	h4 := hashOf(4)
	if f.absent(now+20*s, &h4, now) {
		t.Fatal("an entry the cap kept was called absent")
	}
}

// TestRecentFilterStore checks the store answers duplicates exactly while
// the filter spares the lookups, across a reopen.
func TestRecentFilterStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	cfg := DefaultConfig()
	cfg.Retention.Interval = 0
	now := time.Now().UnixNano()
	env := func(ts int64, body string) Envelope {
		e := Envelope{ContentTopic: "/t/1/recent/proto", Payload: []byte(body), Timestamp: ts}
		e.Hash = e.ComputeHash()
		return e
	}
	put := func(s *PebbleStore, e Envelope, want int) {
		t.Helper()
		n, err := s.Put(ctx, e)
		if err != nil || n != want {
			t.Fatalf("Put(%s) = %d, %v; want %d", e.Payload, n, err, want)
		}
	}

	s, err := Open(dir, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	a := env(now, "a")
	put(s, a, 1)
	put(s, a, 0)
	if got := s.recent.skipped.Load(); got != 1 {
		t.Fatalf("filter answered %d lookups, want 1 (the first put of a)", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put(s, a, 0) // at the floor: looked up in pebble
	b := env(now+1, "b")
	put(s, b, 1)
	put(s, b, 0)
	old := env(now-time.Hour.Nanoseconds(), "old")
	put(s, old, 1)
	put(s, old, 0)
	if got := s.recent.skipped.Load(); got != 1 {
		t.Fatalf("after reopening the filter answered %d lookups, want 1 (the first put of b)", got)
	}
	if st := s.Stats(); st.Envelopes != 3 {
		t.Fatalf("store holds %d envelopes, want 3", st.Envelopes)
	}
}
