// Package storetest is the conformance suite every mailstore.Store implementation must pass.
//
// An implementation's test calls Run with a function that opens its store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, cfg mailstore.Config) mailstore.Store { ... })
//	}
package storetest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

// OpenFunc opens a store for a test. Each distinct t must get its own, initially empty store. Calling it
// again with the same t, after the previous store of that t was closed, must reopen the same data: that is
// how the suite checks durability. The store should be closed in t.Cleanup (Close after Close returns
// ErrClosed, which a cleanup may ignore). Implementations may ignore the pebble-specific tuning fields of
// cfg but must honour Retention, BucketSize and IndexBucketSize.
type OpenFunc func(t *testing.T, cfg mailstore.Config) mailstore.Store

// Base is the fixed "now" of the suite: every timestamp is relative to it and Prune is always called with
// an explicit time, so results never depend on the wall clock.
var Base = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)

// Config returns the configuration the suite starts from: defaults with the background pruner off.
func Config() mailstore.Config {
	cfg := mailstore.DefaultConfig()
	cfg.Retention.Interval = 0
	cfg.CacheSize = 8 << 20
	cfg.MemTableSize = 4 << 20
	return cfg
}

// Run runs the whole suite, one subtest per property.
func Run(t *testing.T, open OpenFunc) {
	tests := map[string]func(*testing.T, OpenFunc){
		"RoundTrip":           testRoundTrip,
		"Duplicates":          testDuplicates,
		"PagingForward":       func(t *testing.T, o OpenFunc) { testPaging(t, o, true) },
		"PagingBackward":      func(t *testing.T, o OpenFunc) { testPaging(t, o, false) },
		"TopicsMerged":        testTopicsMerged,
		"PubsubFilter":        testPubsubFilter,
		"TimeRange":           testTimeRange,
		"TimestampTies":       testTies,
		"HashesOnly":          testHashesOnly,
		"HashLookup":          testHashLookup,
		"CursorOtherQuery":    testCursorOtherQuery,
		"CursorCorrupt":       testCursorCorrupt,
		"LimitCaps":           testLimitCaps,
		"TooManyTopics":       testTooManyTopics,
		"BadQueries":          testBadQueries,
		"BadEnvelopes":        testBadEnvelopes,
		"RetentionAge":        testRetentionAge,
		"RetentionCount":      testRetentionCount,
		"RetentionBytes":      testRetentionBytes,
		"RetentionKeepsToday": testRetentionKeepsCurrent,
		"Durability":          testDurability,
		"ConcurrentPuts":      testConcurrentPuts,
		"ConcurrentDuplicate": testConcurrentDuplicates,
		"Stats":               testStats,
		"Canceled":            testCanceled,
		"PutNotify":           testPutNotify,
	}
	for _, name := range slices.Sorted(maps.Keys(tests)) {
		t.Run(name, func(t *testing.T) { tests[name](t, open) })
	}
}

// Env builds an envelope at Base+offset and fills in its hash.
func Env(pubsub, topic string, offset time.Duration, payload string) mailstore.Envelope {
	e := mailstore.Envelope{
		PubsubTopic:  pubsub,
		ContentTopic: topic,
		Payload:      []byte(payload),
		Meta:         []byte("m:" + payload),
		Timestamp:    Base.Add(offset).UnixNano(),
	}
	e.Hash = e.ComputeHash()
	return e
}

// Series returns n envelopes on one topic, one every step starting at Base+first.
func Series(pubsub, topic string, first, step time.Duration, n int) []mailstore.Envelope {
	envs := make([]mailstore.Envelope, n)
	for i := range envs {
		envs[i] = Env(pubsub, topic, first+time.Duration(i)*step, fmt.Sprintf("%s/%d", topic, i))
	}
	return envs
}

// Sorted returns a copy of envs in (timestamp, hash) order, or its reverse.
func Sorted(envs []mailstore.Envelope, forward bool) []mailstore.Envelope {
	out := slices.Clone(envs)
	slices.SortFunc(out, func(a, b mailstore.Envelope) int {
		c := a.Position().Compare(b.Position())
		if !forward {
			c = -c
		}
		return c
	})
	return out
}

func mustPut(t *testing.T, s mailstore.Store, envs ...mailstore.Envelope) int {
	t.Helper()
	n, err := s.Put(t.Context(), envs...)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return n
}

func mustQuery(t *testing.T, s mailstore.Store, q mailstore.Query) mailstore.Page {
	t.Helper()
	p, err := s.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("Query(%+v): %v", q, err)
	}
	return p
}

// queryAll follows cursors to the end, checking that every page but the last is exactly full and
// that only the last has a nil cursor.
func queryAll(t *testing.T, s mailstore.Store, q mailstore.Query) []mailstore.Envelope {
	t.Helper()
	limit := cmp.Or(min(q.Limit, mailstore.MaxLimit), mailstore.DefaultLimit)
	var all []mailstore.Envelope
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatal("queryAll: too many pages")
		}
		p := mustQuery(t, s, q)
		all = append(all, p.Envelopes...)
		if p.Cursor == nil {
			if len(p.Envelopes) > limit {
				t.Fatalf("page %d: %d envelopes, limit %d", pages, len(p.Envelopes), limit)
			}
			return all
		}
		if len(p.Envelopes) != limit {
			t.Fatalf("page %d has a cursor but %d envelopes, want exactly %d", pages, len(p.Envelopes), limit)
		}
		q.Cursor = p.Cursor
	}
}

// checkEnvs compares envelopes field by field, in order.
func checkEnvs(t *testing.T, got, want []mailstore.Envelope, hashesOnly bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d envelopes, want %d\ngot:  %s\nwant: %s", len(got), len(want), brief(got), brief(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Hash != w.Hash || g.Timestamp != w.Timestamp || g.ContentTopic != w.ContentTopic || g.PubsubTopic != w.PubsubTopic {
			t.Fatalf("envelope %d: got %s, want %s\ngot:  %s\nwant: %s", i, one(g), one(w), brief(got), brief(want))
		}
		if hashesOnly {
			if g.Payload != nil || g.Meta != nil {
				t.Fatalf("envelope %d: hashes-only result carries payload or meta", i)
			}
			continue
		}
		if !bytes.Equal(g.Payload, w.Payload) || !bytes.Equal(g.Meta, w.Meta) {
			t.Fatalf("envelope %d (%s): payload/meta = %q/%q, want %q/%q", i, one(g), g.Payload, g.Meta, w.Payload, w.Meta)
		}
	}
}

func one(e mailstore.Envelope) string {
	return fmt.Sprintf("{%v %s/%s %s}", time.Duration(e.Timestamp-Base.UnixNano()), e.PubsubTopic, e.ContentTopic, e.Hash.Short())
}

func brief(envs []mailstore.Envelope) string {
	if len(envs) > 12 {
		return fmt.Sprintf("%s ... (%d more)", brief(envs[:12]), len(envs)-12)
	}
	var b bytes.Buffer
	for _, e := range envs {
		b.WriteString(one(e))
	}
	return b.String()
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func hashes(envs []mailstore.Envelope) []mailstore.Hash {
	out := make([]mailstore.Hash, len(envs))
	for i := range envs {
		out[i] = envs[i].Hash
	}
	return out
}

func testCanceled(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Put(ctx, Env("", "/a", 0, "x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with canceled ctx: %v", err)
	}
	if st := s.Stats(); st.Envelopes != 0 {
		t.Fatalf("Stats after canceled Put: %+v", st)
	}
}

func testStats(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	if st := s.Stats(); st != (mailstore.Stats{}) {
		t.Fatalf("empty store Stats = %+v", st)
	}
	envs := []mailstore.Envelope{
		Env("", "/a", 5*time.Hour, "late"),
		Env("", "/b", -3*time.Hour, "early"),
		Env("", "/a", time.Minute, "mid"),
	}
	mustPut(t, s, envs...)
	var size int64
	for i := range envs {
		size += envs[i].Size()
	}
	st := s.Stats()
	want := mailstore.Stats{
		Envelopes: 3, Bytes: size,
		Oldest: Base.Add(-3 * time.Hour).UnixNano(), Newest: Base.Add(5 * time.Hour).UnixNano(),
		Buckets: 3,
	}
	if st != want {
		t.Fatalf("Stats = %+v, want %+v", st, want)
	}
}
