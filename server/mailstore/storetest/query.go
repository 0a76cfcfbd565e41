package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

const (
	psA = "/waku/2/rs/16/32"
	psB = "/waku/2/rs/16/64"
)

func testRoundTrip(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	bare := mailstore.Envelope{ContentTopic: "/app/1/bare/proto", Timestamp: Base.UnixNano()}
	bare.Hash = bare.ComputeHash()
	envs := []mailstore.Envelope{
		Env(psA, "/app/1/chat/proto", 0, "hello"),
		Env("", "/app/1/other/proto", time.Second, strings.Repeat("x", 4096)),
		bare,
	}
	if n := mustPut(t, s, envs...); n != len(envs) {
		t.Fatalf("Put stored %d, want %d", n, len(envs))
	}
	for _, e := range envs {
		for _, fwd := range []bool{true, false} {
			p := mustQuery(t, s, mailstore.Query{ContentTopics: []string{e.ContentTopic}, Forward: fwd})
			checkEnvs(t, p.Envelopes, []mailstore.Envelope{e}, false)
			if p.Cursor != nil {
				t.Fatalf("single-result page has a cursor")
			}
		}
	}
	p := mustQuery(t, s, mailstore.Query{ContentTopics: []string{"/app/1/none/proto"}})
	if len(p.Envelopes) != 0 || p.Cursor != nil {
		t.Fatalf("unknown topic: %+v", p)
	}
}

func testDuplicates(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	e := Env(psA, "/d", 0, "once")
	other := Env(psA, "/d", time.Second, "other")
	if n := mustPut(t, s, e); n != 1 {
		t.Fatalf("first Put stored %d", n)
	}
	if n := mustPut(t, s, e); n != 0 {
		t.Fatalf("repeated Put stored %d", n)
	}
	if n := mustPut(t, s, e, other, other, e); n != 1 {
		t.Fatalf("Put with duplicates stored %d, want 1", n)
	}
	if st := s.Stats(); st.Envelopes != 2 || st.Bytes != e.Size()+other.Size() {
		t.Fatalf("Stats = %+v, want 2 envelopes of %d bytes", st, e.Size()+other.Size())
	}
	got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/d"}, Forward: true})
	checkEnvs(t, got, []mailstore.Envelope{e, other}, false)
}

func testPaging(t *testing.T, open OpenFunc, forward bool) {
	s := open(t, Config())
	envs := Series(psA, "/p", -90*time.Minute, 10*time.Minute, 25) // spans 5 buckets
	mustPut(t, s, envs...)
	mustPut(t, s, Series(psA, "/other", -90*time.Minute, 7*time.Minute, 30)...)
	want := Sorted(envs, forward)
	for _, limit := range []int{1, 4, 5, 7, 24, 25, 26, 100} {
		t.Run(fmt.Sprint("limit=", limit), func(t *testing.T) {
			got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/p"}, Forward: forward, Limit: limit})
			checkEnvs(t, got, want, false)
		})
	}
	// 25 = 5 pages of 5: the fifth page is full and still the last one.
	q := mailstore.Query{ContentTopics: []string{"/p"}, Forward: forward, Limit: 5}
	for page := 1; page <= 5; page++ {
		p := mustQuery(t, s, q)
		checkEnvs(t, p.Envelopes, want[(page-1)*5:page*5], false)
		if (p.Cursor == nil) != (page == 5) {
			t.Fatalf("page %d: cursor %x", page, p.Cursor)
		}
		q.Cursor = p.Cursor
	}
}

func testTopicsMerged(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	a := Series(psA, "/a", 0, 3*time.Minute, 40)
	b := Series(psA, "/b", time.Minute, 3*time.Minute, 40)
	c := Series(psB, "/c", 2*time.Minute, 5*time.Minute, 30)
	mustPut(t, s, a...)
	mustPut(t, s, b...)
	mustPut(t, s, c...)
	mustPut(t, s, Series(psA, "/unrelated", 0, time.Minute, 50)...)
	all := slices.Concat(a, b, c)
	for _, fwd := range []bool{true, false} {
		for _, limit := range []int{7, 100} {
			got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/c", "/a", "/b"}, Forward: fwd, Limit: limit})
			checkEnvs(t, got, Sorted(all, fwd), false)
		}
		got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/b", "/b", "/c"}, Forward: fwd, Limit: 9})
		checkEnvs(t, got, Sorted(slices.Concat(b, c), fwd), false)
	}
}

func testPubsubFilter(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	a := Series(psA, "/t", 0, 2*time.Minute, 10)
	b := Series(psB, "/t", time.Minute, 2*time.Minute, 10)
	mustPut(t, s, slices.Concat(a, b)...)
	for _, fwd := range []bool{true, false} {
		got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/t"}, PubsubTopic: psA, Forward: fwd, Limit: 3})
		checkEnvs(t, got, Sorted(a, fwd), false)
		got = queryAll(t, s, mailstore.Query{ContentTopics: []string{"/t"}, Forward: fwd, Limit: 3})
		checkEnvs(t, got, Sorted(slices.Concat(a, b), fwd), false)
		got = queryAll(t, s, mailstore.Query{ContentTopics: []string{"/t"}, PubsubTopic: "/none", Forward: fwd})
		checkEnvs(t, got, nil, false)
	}
}

func testTimeRange(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	envs := Series(psA, "/r", 0, 30*time.Minute, 10) // 0, 30m, ..., 4h30m: every other one on a bucket edge
	mustPut(t, s, envs...)
	at := func(d time.Duration) int64 { return Base.Add(d).UnixNano() }
	tests := map[string]struct {
		start, end int64
		want       []mailstore.Envelope
	}{
		"start inclusive, end exclusive": {at(time.Hour), at(3 * time.Hour), envs[2:6]},
		"one nanosecond":                 {at(time.Hour), at(time.Hour) + 1, envs[2:3]},
		"end just after":                 {at(0), at(90*time.Minute) + 1, envs[0:4]},
		"open end":                       {at(4 * time.Hour), 0, envs[8:]},
		"open start":                     {0, at(time.Hour), envs[:2]},
		"everything":                     {0, 0, envs},
		"empty range":                    {at(time.Hour), at(time.Hour), nil},
		"before all":                     {0, at(0), nil},
		"after all":                      {at(5 * time.Hour), 0, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for _, fwd := range []bool{true, false} {
				for _, limit := range []int{1, 3, 100} {
					q := mailstore.Query{ContentTopics: []string{"/r"}, Start: tc.start, End: tc.end, Forward: fwd, Limit: limit}
					checkEnvs(t, queryAll(t, s, q), Sorted(tc.want, fwd), false)
				}
			}
		})
	}
}

func testTies(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	var envs []mailstore.Envelope
	for i := range 30 {
		envs = append(envs, Env(psA, "/t", time.Hour, fmt.Sprint("t", i))) // exactly on a bucket edge
	}
	for i := range 12 {
		envs = append(envs, Env(psA, "/u", time.Hour, fmt.Sprint("u", i)))
	}
	envs = append(envs, Env(psA, "/u", time.Hour-1, "before"), Env(psA, "/t", time.Hour+1, "after"))
	mustPut(t, s, envs...)
	for _, fwd := range []bool{true, false} {
		for _, limit := range []int{1, 4, 7, 100} {
			got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/t", "/u"}, Forward: fwd, Limit: limit})
			checkEnvs(t, got, Sorted(envs, fwd), false)
		}
	}
}

func testHashesOnly(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	envs := slices.Concat(Series(psA, "/h", 0, 20*time.Minute, 12), Series(psB, "/i", 5*time.Minute, 20*time.Minute, 12))
	mustPut(t, s, envs...)
	for _, fwd := range []bool{true, false} {
		got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/h", "/i"}, Forward: fwd, Limit: 5, HashesOnly: true})
		checkEnvs(t, got, Sorted(envs, fwd), true)
		got = queryAll(t, s, mailstore.Query{Hashes: hashes(envs), Forward: fwd, Limit: 5, HashesOnly: true})
		checkEnvs(t, got, Sorted(envs, fwd), true)
	}
}

func testHashLookup(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	a := Series(psA, "/a", -50*time.Hour, 4*time.Hour, 20) // spans several days
	b := Series(psB, "/b", -49*time.Hour, 4*time.Hour, 20)
	mustPut(t, s, slices.Concat(a, b)...)
	unknown := Env(psA, "/a", 0, "never stored")
	var some []mailstore.Envelope
	for i := 0; i < 20; i += 3 {
		some = append(some, a[i], b[i])
	}
	ask := append(hashes(some), unknown.Hash, mailstore.Hash{1, 2, 3}, some[0].Hash)

	for _, fwd := range []bool{true, false} {
		for _, limit := range []int{1, 3, 100} {
			got := queryAll(t, s, mailstore.Query{Hashes: ask, Forward: fwd, Limit: limit})
			checkEnvs(t, got, Sorted(some, fwd), false)
		}
		var someA []mailstore.Envelope
		for _, e := range some {
			if e.ContentTopic == "/a" {
				someA = append(someA, e)
			}
		}
		got := queryAll(t, s, mailstore.Query{Hashes: ask, ContentTopics: []string{"/a"}, Forward: fwd, Limit: 2})
		checkEnvs(t, got, Sorted(someA, fwd), false)
		got = queryAll(t, s, mailstore.Query{Hashes: ask, PubsubTopic: psB, Forward: fwd})
		checkEnvs(t, got, Sorted(slices.DeleteFunc(slices.Clone(some), func(e mailstore.Envelope) bool { return e.PubsubTopic != psB }), fwd), false)

		start, end := some[2].Timestamp, some[7].Timestamp
		var inRange []mailstore.Envelope
		for _, e := range some {
			if e.Timestamp >= start && e.Timestamp < end {
				inRange = append(inRange, e)
			}
		}
		got = queryAll(t, s, mailstore.Query{Hashes: ask, Start: start, End: end, Forward: fwd, Limit: 2})
		checkEnvs(t, got, Sorted(inRange, fwd), false)
	}
	p := mustQuery(t, s, mailstore.Query{Hashes: []mailstore.Hash{unknown.Hash}})
	if len(p.Envelopes) != 0 || p.Cursor != nil {
		t.Fatalf("unknown hash: %+v", p)
	}
	var full []mailstore.Hash
	for i := range mailstore.MaxHashes {
		full = append(full, mailstore.Hash{byte(i), 9})
	}
	full[0] = a[0].Hash
	checkEnvs(t, queryAll(t, s, mailstore.Query{Hashes: full}), a[:1], false)
}
