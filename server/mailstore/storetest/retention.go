package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

func mustPrune(t *testing.T, s mailstore.Store, now time.Time) mailstore.PruneResult {
	t.Helper()
	r, err := s.Prune(t.Context(), now)
	if err != nil {
		t.Fatalf("Prune(%v): %v", now, err)
	}
	return r
}

// checkGone verifies that pruned envelopes are unreachable by topic query and by hash lookup.
func checkGone(t *testing.T, s mailstore.Store, gone []mailstore.Envelope) {
	t.Helper()
	for _, e := range gone {
		for _, ho := range []bool{false, true} {
			p := mustQuery(t, s, mailstore.Query{Hashes: []mailstore.Hash{e.Hash}, HashesOnly: ho})
			if len(p.Envelopes) != 0 {
				t.Fatalf("pruned envelope %s returned by hash lookup (hashesOnly=%v)", one(e), ho)
			}
			p = mustQuery(t, s, mailstore.Query{ContentTopics: []string{e.ContentTopic}, Start: e.Timestamp, End: e.Timestamp + 1, HashesOnly: ho})
			if len(p.Envelopes) != 0 {
				t.Fatalf("pruned envelope %s returned by topic query (hashesOnly=%v)", one(e), ho)
			}
		}
	}
}

// checkKept verifies that exactly want is stored on want's topics, by topic query, hash lookup and Stats.
func checkKept(t *testing.T, s mailstore.Store, topics []string, want []mailstore.Envelope) {
	t.Helper()
	checkEnvs(t, queryAll(t, s, mailstore.Query{ContentTopics: topics, Forward: true, Limit: 7}), Sorted(want, true), false)
	for chunk := range slices.Chunk(want, mailstore.MaxHashes) {
		checkEnvs(t, queryAll(t, s, mailstore.Query{Hashes: hashes(chunk), Forward: true}), Sorted(chunk, true), false)
	}
	var size int64
	for i := range want {
		size += want[i].Size()
	}
	if st := s.Stats(); st.Envelopes != int64(len(want)) || st.Bytes != size {
		t.Fatalf("Stats = %+v, want %d envelopes of %d bytes", st, len(want), size)
	}
}

func testRetentionAge(t *testing.T, open OpenFunc) {
	cfg := Config()
	cfg.Retention.MaxAge = 24 * time.Hour
	s := open(t, cfg)
	old := []mailstore.Envelope{
		Env(psA, "/r", -72*time.Hour, "3 days"),
		Env(psA, "/r", -48*time.Hour, "2 days"),
		Env(psA, "/q", -25*time.Hour-30*time.Minute, "bucket ends before the cut"),
		Env(psA, "/r", -24*time.Hour-time.Nanosecond, "bucket ends at the cut"),
	}
	kept := []mailstore.Envelope{
		Env(psA, "/r", -24*time.Hour, "bucket starts at the cut"),
		Env(psA, "/q", -23*time.Hour-30*time.Minute, "bucket ends after the cut"),
		Env(psA, "/r", -time.Hour, "an hour ago"),
		Env(psA, "/r", 0, "now"),
	}
	mustPut(t, s, slices.Concat(old, kept)...)
	r := mustPrune(t, s, Base)
	var size int64
	for i := range old {
		size += old[i].Size()
	}
	if r.Buckets != len(old) || r.Envelopes != int64(len(old)) || r.Bytes != size {
		t.Fatalf("PruneResult = %+v, want %d buckets, %d envelopes, %d bytes", r, len(old), len(old), size)
	}
	if !r.Horizon.Equal(Base.Add(-24 * time.Hour)) {
		t.Fatalf("horizon %v, want %v", r.Horizon, Base.Add(-24*time.Hour))
	}
	checkGone(t, s, old)
	checkKept(t, s, []string{"/r", "/q"}, kept)

	// A late copy of a pruned envelope is not stored again.
	if n := mustPut(t, s, old...); n != 0 {
		t.Fatalf("re-Put of pruned envelopes stored %d", n)
	}
	checkGone(t, s, old)
	if r := mustPrune(t, s, Base); r.Buckets != 0 || r.Envelopes != 0 {
		t.Fatalf("second Prune at the same time dropped %+v", r)
	}
	// Two days later everything is gone.
	if r := mustPrune(t, s, Base.Add(48*time.Hour)); r.Envelopes != int64(len(kept)) {
		t.Fatalf("later Prune dropped %d, want %d", r.Envelopes, len(kept))
	}
	checkGone(t, s, kept)
	if st := s.Stats(); st != (mailstore.Stats{}) {
		t.Fatalf("Stats after pruning everything = %+v", st)
	}
}

// hourly returns perBucket envelopes in each of the hours starting at Base+first, oldest hour first.
func hourly(topic string, first time.Duration, hours, perBucket int) [][]mailstore.Envelope {
	out := make([][]mailstore.Envelope, hours)
	for h := range out {
		out[h] = Series(psA, topic, first+time.Duration(h)*time.Hour, time.Hour/time.Duration(perBucket+1), perBucket)
	}
	return out
}

func testRetentionCount(t *testing.T, open OpenFunc) {
	cfg := Config()
	cfg.Retention.MaxAge = 0
	cfg.Retention.MaxCount = 25
	s := open(t, cfg)
	buckets := hourly("/c", -10*time.Hour, 5, 10)
	mustPut(t, s, slices.Concat(buckets...)...)
	r := mustPrune(t, s, Base)
	if r.Buckets != 3 || r.Envelopes != 30 {
		t.Fatalf("PruneResult = %+v, want 3 buckets, 30 envelopes", r)
	}
	checkGone(t, s, slices.Concat(buckets[:3]...))
	checkKept(t, s, []string{"/c"}, slices.Concat(buckets[3:]...))
}

func testRetentionBytes(t *testing.T, open OpenFunc) {
	buckets := hourly("/b", -10*time.Hour, 5, 10)
	var lastTwo int64
	for _, e := range slices.Concat(buckets[3:]...) {
		lastTwo += e.Size()
	}
	cfg := Config()
	cfg.Retention.MaxAge = 0
	cfg.Retention.MaxBytes = lastTwo + 1
	s := open(t, cfg)
	mustPut(t, s, slices.Concat(buckets...)...)
	r := mustPrune(t, s, Base)
	if r.Buckets != 3 || r.Envelopes != 30 {
		t.Fatalf("PruneResult = %+v, want 3 buckets, 30 envelopes", r)
	}
	checkGone(t, s, slices.Concat(buckets[:3]...))
	checkKept(t, s, []string{"/b"}, slices.Concat(buckets[3:]...))
}

func testRetentionKeepsCurrent(t *testing.T, open OpenFunc) {
	cfg := Config()
	cfg.Retention.MaxCount = 1
	s := open(t, cfg)
	past := Series(psA, "/k", -2*time.Hour, time.Minute, 3)
	current := Series(psA, "/k", 10*time.Minute, time.Minute, 5)
	mustPut(t, s, slices.Concat(past, current)...)
	r := mustPrune(t, s, Base.Add(30*time.Minute))
	if r.Buckets != 1 || r.Envelopes != 3 {
		t.Fatalf("PruneResult = %+v, want only the past bucket", r)
	}
	checkKept(t, s, []string{"/k"}, current)
	// Envelopes of the current bucket are still accepted.
	more := Series(psA, "/k", 20*time.Minute, time.Second, 2)
	if n := mustPut(t, s, more...); n != 2 {
		t.Fatalf("Put after size pruning stored %d, want 2", n)
	}
}

func testDurability(t *testing.T, open OpenFunc) {
	cfg := Config()
	cfg.Retention.MaxAge = 24 * time.Hour
	s := open(t, cfg)
	old := Series(psA, "/d", -72*time.Hour, time.Hour, 10)
	kept := slices.Concat(Series(psA, "/d", -20*time.Hour, 30*time.Minute, 30), Series(psB, "/e", -5*time.Hour, time.Minute, 50))
	mustPut(t, s, slices.Concat(old, kept)...)
	mustPrune(t, s, Base)
	before := s.Stats()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err := s.Put(t.Context(), Env(psA, "/d", 0, "late"))
	wantErr(t, err, mailstore.ErrClosed)
	_, err = s.Query(t.Context(), mailstore.Query{ContentTopics: []string{"/d"}})
	wantErr(t, err, mailstore.ErrClosed)
	_, err = s.Prune(t.Context(), Base)
	wantErr(t, err, mailstore.ErrClosed)
	wantErr(t, s.Close(), mailstore.ErrClosed)

	s = open(t, cfg)
	if after := s.Stats(); after != before {
		t.Fatalf("Stats after reopen = %+v, want %+v", after, before)
	}
	checkKept(t, s, []string{"/d", "/e"}, kept)
	checkGone(t, s, old)
	if n := mustPut(t, s, slices.Concat(old, kept)...); n != 0 {
		t.Fatalf("re-Put after reopen stored %d", n)
	}
	extra := Env(psA, "/d", time.Minute, "after reopen")
	if n := mustPut(t, s, extra); n != 1 {
		t.Fatalf("Put after reopen stored %d", n)
	}
	checkKept(t, s, []string{"/d", "/e"}, append(kept, extra))
}

func testConcurrentPuts(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	const workers, puts = 16, 40
	shared := Series(psA, "/shared", -time.Hour, time.Second, 10)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		stored int
		want   = slices.Clone(shared)
	)
	for w := range workers {
		topic := fmt.Sprint("/w", w%4)
		mine := make([]mailstore.Envelope, 2*puts)
		for i := range mine {
			mine[i] = Env(psA, topic, time.Duration(w)*time.Millisecond+time.Duration(i)*17*time.Millisecond, fmt.Sprint(w, "/", i))
		}
		want = append(want, mine...)
		wg.Go(func() {
			n := 0
			for i := range puts {
				got, err := s.Put(t.Context(), mine[2*i], shared[(w+i)%len(shared)], mine[2*i+1])
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				n += got
			}
			mu.Lock()
			stored += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if stored != len(want) {
		t.Fatalf("Puts reported %d stored, want %d", stored, len(want))
	}
	checkKept(t, s, []string{"/shared", "/w0", "/w1", "/w2", "/w3"}, want)
}

func testConcurrentDuplicates(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	const workers = 8
	envs := Series(psA, "/dup", -time.Hour, time.Second, 300)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		stored int
	)
	for w := range workers {
		wg.Go(func() {
			mine := slices.Clone(envs)
			r := rand.New(rand.NewPCG(uint64(w), 1))
			r.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
			n := 0
			for len(mine) > 0 {
				k := min(len(mine), 1+r.IntN(5))
				got, err := s.Put(t.Context(), mine[:k]...)
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				n += got
				mine = mine[k:]
			}
			mu.Lock()
			stored += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if stored != len(envs) {
		t.Fatalf("Puts of %d workers reported %d stored, want %d", workers, stored, len(envs))
	}
	checkKept(t, s, []string{"/dup"}, envs)
}
