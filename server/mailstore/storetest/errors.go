package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

func testCursorOtherQuery(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	a := Series(psA, "/a", 0, time.Minute, 20)
	b := Series(psA, "/b", 30*time.Second, time.Minute, 20)
	mustPut(t, s, slices.Concat(a, b)...)
	base := mailstore.Query{
		ContentTopics: []string{"/a", "/b"}, Start: Base.UnixNano(), End: Base.Add(time.Hour).UnixNano(),
		Forward: true, Limit: 5,
	}
	first := mustQuery(t, s, base)
	if first.Cursor == nil {
		t.Fatal("no cursor on a full first page")
	}
	refused := map[string]func(q *mailstore.Query){
		"other topics":    func(q *mailstore.Query) { q.ContentTopics = []string{"/a"} },
		"extra topic":     func(q *mailstore.Query) { q.ContentTopics = append(q.ContentTopics, "/c") },
		"direction":       func(q *mailstore.Query) { q.Forward = false },
		"hashes only":     func(q *mailstore.Query) { q.HashesOnly = true },
		"start":           func(q *mailstore.Query) { q.Start++ },
		"end":             func(q *mailstore.Query) { q.End-- },
		"open end":        func(q *mailstore.Query) { q.End = 0 },
		"pubsub":          func(q *mailstore.Query) { q.PubsubTopic = psA },
		"hash lookup":     func(q *mailstore.Query) { q.Hashes = hashes(a[:3]) },
		"only hash query": func(q *mailstore.Query) { q.ContentTopics = nil; q.Hashes = hashes(a[:3]) },
	}
	for name, change := range refused {
		t.Run(name, func(t *testing.T) {
			q := base
			q.ContentTopics = slices.Clone(base.ContentTopics)
			change(&q)
			q.Cursor = first.Cursor
			_, err := s.Query(t.Context(), q)
			wantErr(t, err, mailstore.ErrBadCursor)
		})
	}
	accepted := map[string]func(q *mailstore.Query){
		"same":             func(q *mailstore.Query) {},
		"other limit":      func(q *mailstore.Query) { q.Limit = 7 },
		"topics reordered": func(q *mailstore.Query) { q.ContentTopics = []string{"/b", "/a", "/b"} },
	}
	for name, change := range accepted {
		t.Run(name, func(t *testing.T) {
			q := base
			change(&q)
			q.Cursor = first.Cursor
			p := mustQuery(t, s, q)
			want := Sorted(slices.Concat(a, b), true)[5:]
			checkEnvs(t, p.Envelopes, want[:min(len(want), q.Limit)], false)
		})
	}
}

func testCursorCorrupt(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	mustPut(t, s, Series(psA, "/a", 0, time.Minute, 10)...)
	q := mailstore.Query{ContentTopics: []string{"/a"}, Limit: 3}
	good := mustQuery(t, s, q).Cursor
	if good == nil {
		t.Fatal("no cursor on a full first page")
	}
	flip := func(i int) []byte { c := slices.Clone(good); c[i] ^= 0x40; return c }
	bad := map[string][]byte{
		"truncated":   good[:len(good)-1],
		"extended":    append(slices.Clone(good), 0),
		"version":     flip(0),
		"fingerprint": flip(1),
		"garbage":     []byte("hello, cursor"),
		"one byte":    {1},
		"huge":        make([]byte, 1<<16),
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			q := q
			q.Cursor = c
			_, err := s.Query(t.Context(), q)
			wantErr(t, err, mailstore.ErrBadCursor)
		})
	}
}

func testLimitCaps(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	const n = mailstore.MaxLimit + 100
	envs := Series(psA, "/l", -time.Hour, time.Second, n)
	if got := mustPut(t, s, envs...); got != n {
		t.Fatalf("Put stored %d, want %d", got, n)
	}
	tests := map[string]struct {
		limit, want int
	}{
		"default": {0, mailstore.DefaultLimit},
		"capped":  {5 * mailstore.MaxLimit, mailstore.MaxLimit},
		"max":     {mailstore.MaxLimit, mailstore.MaxLimit},
		"one":     {1, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustQuery(t, s, mailstore.Query{ContentTopics: []string{"/l"}, Limit: tc.limit})
			if len(p.Envelopes) != tc.want || p.Cursor == nil {
				t.Fatalf("limit %d: %d envelopes, cursor %v; want %d and a cursor", tc.limit, len(p.Envelopes), p.Cursor != nil, tc.want)
			}
		})
	}
	got := queryAll(t, s, mailstore.Query{ContentTopics: []string{"/l"}, Limit: 5 * mailstore.MaxLimit, Forward: true})
	checkEnvs(t, got, envs, false)
	_, err := s.Query(t.Context(), mailstore.Query{ContentTopics: []string{"/l"}, Limit: -1})
	wantErr(t, err, mailstore.ErrBadQuery)
}

func testTooManyTopics(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	var topics []string
	for i := range mailstore.MaxTopics {
		topics = append(topics, fmt.Sprint("/t", i))
		mustPut(t, s, Env(psA, topics[i], time.Duration(i), "x"))
	}
	p := mustQuery(t, s, mailstore.Query{ContentTopics: topics})
	if len(p.Envelopes) != mailstore.MaxTopics {
		t.Fatalf("%d topics: %d envelopes", len(topics), len(p.Envelopes))
	}
	mustQuery(t, s, mailstore.Query{ContentTopics: append(slices.Clone(topics), topics[0])}) // a duplicate is not another topic
	_, err := s.Query(t.Context(), mailstore.Query{ContentTopics: append(slices.Clone(topics), "/t-extra")})
	wantErr(t, err, mailstore.ErrTooManyTopics)
	_, err = s.Query(t.Context(), mailstore.Query{Hashes: []mailstore.Hash{{1}}, ContentTopics: append(slices.Clone(topics), "/t-extra")})
	wantErr(t, err, mailstore.ErrTooManyTopics)
}

func testBadQueries(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	now := Base.UnixNano()
	tooMany := make([]mailstore.Hash, mailstore.MaxHashes+1)
	for i := range tooMany {
		tooMany[i] = mailstore.Hash{byte(i), byte(i >> 8), 1}
	}
	bad := map[string]mailstore.Query{
		"no topics, no hashes": {},
		"start after end":      {ContentTopics: []string{"/a"}, Start: now, End: now - 1},
		"negative start":       {ContentTopics: []string{"/a"}, Start: -1},
		"negative end":         {ContentTopics: []string{"/a"}, End: -5},
		"too many hashes":      {Hashes: tooMany},
		"empty topic":          {ContentTopics: []string{"/a", ""}},
		"long topic":           {ContentTopics: []string{strings.Repeat("t", mailstore.MaxTopicLen+1)}},
		"long pubsub":          {ContentTopics: []string{"/a"}, PubsubTopic: strings.Repeat("p", mailstore.MaxTopicLen+1)},
		"negative limit":       {ContentTopics: []string{"/a"}, Limit: -3},
	}
	for name, q := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := s.Query(t.Context(), q)
			wantErr(t, err, mailstore.ErrBadQuery)
		})
	}
}

func testBadEnvelopes(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	good := Env(psA, "/ok", 0, "fine")
	bad := map[string]func(e *mailstore.Envelope){
		"no content topic":   func(e *mailstore.Envelope) { e.ContentTopic = "" },
		"long content topic": func(e *mailstore.Envelope) { e.ContentTopic = strings.Repeat("c", mailstore.MaxTopicLen+1) },
		"long pubsub topic":  func(e *mailstore.Envelope) { e.PubsubTopic = strings.Repeat("p", mailstore.MaxTopicLen+1) },
		"negative timestamp": func(e *mailstore.Envelope) { e.Timestamp = -1 },
	}
	for name, change := range bad {
		t.Run(name, func(t *testing.T) {
			e := Env(psA, "/bad", time.Second, name)
			change(&e)
			n, err := s.Put(t.Context(), good, e)
			wantErr(t, err, mailstore.ErrBadEnvelope)
			if n != 0 {
				t.Fatalf("stored %d", n)
			}
			if st := s.Stats(); st.Envelopes != 0 {
				t.Fatalf("a rejected Put stored something: %+v", st)
			}
		})
	}
}
