package mailstore_test

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/mailstore/storetest"
)

const benchPayload = 512

// benchEnv returns an envelope with a random 512-byte payload on one of topics, at ts.
func benchEnv(topic string, ts int64) mailstore.Envelope {
	e := mailstore.Envelope{
		PubsubTopic:  "/waku/2/rs/16/32",
		ContentTopic: topic,
		Payload:      make([]byte, benchPayload),
		Timestamp:    ts,
	}
	rand.Read(e.Payload)
	e.Hash = e.ComputeHash()
	return e
}

func benchConfig() mailstore.Config {
	cfg := mailstore.DefaultConfig()
	cfg.Retention.Interval = 0
	return cfg
}

// BenchmarkPut measures durable ingest: many concurrent callers, one 512-byte envelope per Put, every
// Put acknowledged after its group commit is fsynced. One op is one envelope.
func BenchmarkPut(b *testing.B) {
	s := openAt(b, b.TempDir(), benchConfig())
	topics := make([]string, 1000)
	for i := range topics {
		topics[i] = fmt.Sprint("/bench/", i)
	}
	var seq atomic.Int64
	base := time.Now().UnixNano()
	b.SetBytes(benchPayload)
	b.SetParallelism(32) // 64 callers on 2 CPUs
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Put does not keep envs after it returns, so each caller reuses one payload buffer.
		e := benchEnv(topics[0], base)
		for pb.Next() {
			i := seq.Add(1)
			binary.BigEndian.PutUint64(e.Payload, uint64(i))
			e.ContentTopic = topics[i%int64(len(topics))]
			e.Timestamp = base + i
			e.Hash = e.ComputeHash()
			if _, err := s.Put(b.Context(), e); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "envelopes/s")
}

// BenchmarkQueryPage measures one 100-envelope history page over 10 topics within a 1-hour window,
// newest first, on a store of 200k envelopes spread over 2 days and 100 topics.
func BenchmarkQueryPage(b *testing.B) {
	const (
		n      = 200_000
		topics = 100
		span   = 48 * time.Hour
	)
	s := openAt(b, b.TempDir(), benchConfig())
	start := storetest.Base.UnixNano()
	r := mrand.New(mrand.NewPCG(1, 2))
	batch := make([]mailstore.Envelope, 0, 1000)
	for i := range n {
		ts := start + r.Int64N(int64(span))
		batch = append(batch, benchEnv(fmt.Sprint("/bench/", i%topics), ts))
		if len(batch) == cap(batch) {
			if _, err := s.Put(b.Context(), batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ResetTimer()
	for b.Loop() {
		t0 := r.IntN(topics - 10)
		q := mailstore.Query{Limit: 100}
		for k := range 10 {
			q.ContentTopics = append(q.ContentTopics, fmt.Sprint("/bench/", t0+k))
		}
		q.Start = start + r.Int64N(int64(span-time.Hour))
		q.End = q.Start + int64(time.Hour)
		p, err := s.Query(b.Context(), q)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Envelopes) != 100 {
			b.Fatalf("page of %d", len(p.Envelopes))
		}
	}
}
