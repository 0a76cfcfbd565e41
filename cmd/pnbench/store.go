package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

// storeOptions are the flags of pnbench store.
type storeOptions struct {
	n           int
	concurrency int
	payload     int
	batch       int
	dir         string
	historyN    int
	historyDays int
	topics      int
	queries     int
	queryTopics int
	json        bool
	maxTime     time.Duration
	keep        bool
	cacheBytes  int64
}

// Store targets.
const (
	targetIngestPerSec = 50_000
	targetQueryP99Ms   = 2.0
)

// StoreResult is the output of pnbench store.
type StoreResult struct {
	Machine Machine        `json:"machine"`
	Config  map[string]any `json:"config"`
	Fsync   Latency        `json:"disk_fsync_4k"`
	Ingest  *IngestResult  `json:"ingest,omitempty"`
	Batched *IngestResult  `json:"ingest_batched,omitempty"`
	History HistoryResult  `json:"history"`
	Notes   []string       `json:"notes,omitempty"`
}

// IngestResult is one durable ingest run.
type IngestResult struct {
	Envelopes    int     `json:"envelopes"`
	Stored       int64   `json:"stored"`
	PutCallers   int     `json:"put_callers"`
	PerPut       int     `json:"envelopes_per_put"`
	Seconds      float64 `json:"seconds"`
	EnvelopesSec float64 `json:"envelopes_per_sec"`
	MiBSec       float64 `json:"payload_mib_per_sec"`
	PutLatency   Latency `json:"put_latency"`
	Target       *Target `json:"target,omitempty"`
}

// HistoryResult is the history load and query run.
type HistoryResult struct {
	Loaded      int64   `json:"loaded"`
	LoadSeconds float64 `json:"load_seconds"`
	LoadPerSec  float64 `json:"load_envelopes_per_sec"`
	// LoadStalls and LoadStallSeconds are pebble's write stalls during the
	// bulk load (memtables waiting for flushes at 100k+ envelopes/s).
	LoadStalls       int64   `json:"load_write_stalls"`
	LoadStallSeconds float64 `json:"load_write_stall_seconds"`
	DiskMiB          float64 `json:"disk_mib"`
	ReopenSeconds    float64 `json:"reopen_seconds"`
	// SettleSeconds is the wait after reopening for the bulk load's
	// compaction debt to be worked off; ReadAmp is the LSM's read
	// amplification then.
	SettleSeconds float64 `json:"settle_seconds"`
	ReadAmp       int     `json:"read_amp"`
	ColdCacheHit  float64 `json:"cold_block_cache_hit_ratio"`
	CacheHit      float64 `json:"block_cache_hit_ratio"`
	Topics        int     `json:"topics"`
	Days          int     `json:"days"`
	Queries       int     `json:"queries"`
	QueryTopics   int     `json:"query_topics"`
	MeanPage      float64 `json:"mean_page"`
	FullPages     int     `json:"full_pages"`
	// ColdLatency is the first pass after reopening: a cold block cache and
	// table cache, as right after a restart. Latency is the second pass,
	// with other random queries, as a serving node sees them.
	ColdLatency Latency `json:"cold_latency"`
	Latency     Latency `json:"latency"`
	Target      *Target `json:"target,omitempty"`
}

func runStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o storeOptions
	fs := flag.NewFlagSet("pnbench store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 200_000, "envelopes for the ingest run, one per Put")
	fs.IntVar(&o.concurrency, "concurrency", 64, "concurrent Put callers in the ingest run")
	fs.IntVar(&o.payload, "payload", 512, "payload bytes per envelope")
	fs.IntVar(&o.batch, "batch", 1000, "envelopes per Put for the batched ingest run (0: skip it)")
	fs.StringVar(&o.dir, "dir", "", "parent directory for the temporary stores (default: the system temp dir)")
	fs.IntVar(&o.historyN, "history-n", 5_000_000, "envelopes to load before the history queries")
	fs.IntVar(&o.historyDays, "history-days", 7, "days the history envelopes are spread over")
	fs.IntVar(&o.topics, "topics", 1000, "content topics")
	fs.IntVar(&o.queries, "queries", 2000, "history queries to run")
	fs.IntVar(&o.queryTopics, "query-topics", 10, "content topics per history query (at most 10)")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.DurationVar(&o.maxTime, "max-time", 15*time.Minute, "stop the whole run after this long")
	fs.BoolVar(&o.keep, "keep", false, "keep the store directories")
	fs.Int64Var(&o.cacheBytes, "cache-bytes", mailstore.DefaultCacheSize, "pebble block cache of the stores")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.n < 0 || o.concurrency < 1 || o.payload < 16 || o.historyN < 1 || o.topics < 1 || o.queries < 1 ||
		o.queryTopics < 1 || o.queryTopics > mailstore.MaxTopics || o.queryTopics > o.topics || o.historyDays < 1 || o.batch < 0 {
		return usageError{errors.New("store: flags out of range (n >= 0; concurrency, history-n, topics, queries >= 1; payload >= 16; query-topics in [1, 10] and <= topics)")}
	}
	ctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	root, err := os.MkdirTemp(o.dir, "pnbench-store-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(root)
	}
	// Errors only: the bulk load stalls writes on purpose (counted in the result, not logged).
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	res := StoreResult{
		Machine: machineInfo(),
		Config: map[string]any{
			"n": o.n, "concurrency": o.concurrency, "payload": o.payload, "batch": o.batch, "history_n": o.historyN,
			"history_days": o.historyDays, "topics": o.topics, "queries": o.queries, "query_topics": o.queryTopics, "dir": root, "cache_bytes": o.cacheBytes,
		},
	}
	if res.Fsync, err = fsyncProbe(root, 200); err != nil {
		return err
	}
	cfg := mailstore.DefaultConfig()
	cfg.Retention.Interval = 0 // no pruner noise; nothing is old enough anyway
	cfg.CacheSize = o.cacheBytes

	if o.n > 0 {
		ing, err := ingest(ctx, filepath.Join(root, "ingest"), cfg, log, o, 1, o.concurrency)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		ing.Target = target(fmt.Sprintf(">= %d envelopes/s", targetIngestPerSec), ing.EnvelopesSec >= targetIngestPerSec)
		res.Ingest = &ing
	}
	if o.n > 0 && o.batch > 0 {
		b, err := ingest(ctx, filepath.Join(root, "batched"), cfg, log, o, o.batch, 4)
		if err != nil {
			return fmt.Errorf("batched ingest: %w", err)
		}
		res.Batched = &b
	}
	if err := os.RemoveAll(filepath.Join(root, "ingest")); err != nil {
		return err
	}
	os.RemoveAll(filepath.Join(root, "batched"))

	h, err := history(ctx, filepath.Join(root, "history"), cfg, log, o)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	h.Target = target(fmt.Sprintf("p99 <= %.0f ms", targetQueryP99Ms), h.Latency.P99 <= targetQueryP99Ms)
	res.History = h
	if o.historyN < 5_000_000 {
		res.Notes = append(res.Notes, fmt.Sprintf("history target is stated at 5M stored envelopes; this run stored %d", h.Loaded))
	}
	res.Notes = append(res.Notes, "load average at end: "+loadAvg())
	if o.json {
		return printJSON(stdout, res)
	}
	printStore(stdout, res)
	return nil
}

// envGen makes benchmark envelopes: a random payload, one of the topics,
// and the hash the node would compute.
type envGen struct {
	rng     *rand.ChaCha8
	payload int
	topics  []string
}

func newEnvGen(seed uint64, payload int, topics []string) *envGen {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &envGen{rng: rand.NewChaCha8(s), payload: payload, topics: topics}
}

func (g *envGen) make(topic int, ts int64) mailstore.Envelope {
	e := mailstore.Envelope{
		PubsubTopic:  "/waku/2/rs/16/32",
		ContentTopic: g.topics[topic],
		Payload:      make([]byte, g.payload),
		Timestamp:    ts,
	}
	g.rng.Read(e.Payload)
	e.Hash = e.ComputeHash()
	return e
}

func topicNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/%s/1/t%d/proto", prefix, i)
	}
	return out
}

// ingest stores o.n fresh envelopes, perPut per call, from callers
// concurrent goroutines, and times every Put.
func ingest(ctx context.Context, dir string, cfg mailstore.Config, log *slog.Logger, o storeOptions, perPut, callers int) (IngestResult, error) {
	s, err := mailstore.Open(dir, cfg, log)
	if err != nil {
		return IngestResult{}, err
	}
	defer s.Close()
	// Envelopes are made up front so the timing covers the store alone.
	topics := topicNames("ingest", o.topics)
	envs := make([]mailstore.Envelope, o.n)
	base := time.Now().UnixNano()
	var wg sync.WaitGroup
	const makers = 2
	for m := range makers {
		wg.Go(func() {
			g := newEnvGen(uint64(m+1)*7919+uint64(perPut), o.payload, topics)
			for i := m; i < len(envs); i += makers {
				envs[i] = g.make(i%len(topics), base+int64(i))
			}
		})
	}
	wg.Wait()

	calls := (o.n + perPut - 1) / perPut
	var next atomic.Int64
	lat := make([][]time.Duration, callers)
	errs := make([]error, callers)
	start := time.Now()
	for c := range callers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= calls || ctx.Err() != nil {
					return
				}
				batch := envs[i*perPut : min((i+1)*perPut, len(envs))]
				t := time.Now()
				if _, err := s.Put(ctx, batch...); err != nil {
					errs[c] = err
					return
				}
				lat[c] = append(lat[c], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return IngestResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return IngestResult{}, err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	r := IngestResult{
		Envelopes:    o.n,
		Stored:       s.Stats().Envelopes,
		PutCallers:   callers,
		PerPut:       perPut,
		Seconds:      elapsed.Seconds(),
		EnvelopesSec: rate(o.n, elapsed),
		MiBSec:       rate(o.n*o.payload, elapsed) / (1 << 20),
		PutLatency:   summarize(all),
	}
	if r.Stored != int64(o.n) {
		return r, fmt.Errorf("stored %d of %d envelopes", r.Stored, o.n)
	}
	return r, nil
}

// history loads o.historyN envelopes in time order over o.historyDays days
// and o.topics topics, reopens the store, and runs o.queries random page
// queries of o.queryTopics topics within one hour.
func history(ctx context.Context, dir string, cfg mailstore.Config, log *slog.Logger, o storeOptions) (HistoryResult, error) {
	r := HistoryResult{Topics: o.topics, Days: o.historyDays, Queries: o.queries, QueryTopics: o.queryTopics}
	span := int64(time.Duration(o.historyDays) * 24 * time.Hour)
	end := time.Now().Add(-time.Minute).UnixNano()
	first := end - span
	topics := topicNames("hist", o.topics)

	s, err := mailstore.Open(dir, cfg, log)
	if err != nil {
		return r, err
	}
	const loadBatch = 8192
	lctx, lcancel := context.WithCancel(ctx)
	defer lcancel()
	batches := make(chan []mailstore.Envelope, 4)
	start := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		// Timestamps rise with i (plus jitter within a step), as live ingest does.
		defer close(batches)
		g := newEnvGen(42, o.payload, topics)
		topicRng := rand.New(rand.NewPCG(1, 2))
		step := max(span/int64(o.historyN), 1)
		batch := make([]mailstore.Envelope, 0, loadBatch)
		for i := range o.historyN {
			ts := first + int64(i)*step + topicRng.Int64N(step)
			batch = append(batch, g.make(topicRng.IntN(len(topics)), ts))
			if len(batch) == loadBatch || i == o.historyN-1 {
				select {
				case batches <- batch:
				case <-lctx.Done():
					return
				}
				batch = make([]mailstore.Envelope, 0, loadBatch)
			}
		}
	})
	var putErr error
	var errOnce sync.Once
	for range 2 {
		wg.Go(func() {
			for b := range batches {
				if _, err := s.Put(ctx, b...); err != nil {
					errOnce.Do(func() { putErr = err })
					lcancel()
					for range batches {
					}
					return
				}
			}
		})
	}
	wg.Wait()
	loadTime := time.Since(start)
	r.Loaded = s.Stats().Envelopes
	lsm := s.LSM()
	r.LoadStalls, r.LoadStallSeconds = lsm.WriteStalls, lsm.WriteStallTime.Seconds()
	if err := errors.Join(putErr, ctx.Err(), s.Close()); err != nil {
		return r, err
	}
	r.LoadSeconds = loadTime.Seconds()
	r.LoadPerSec = float64(r.Loaded) / loadTime.Seconds()
	r.DiskMiB = float64(dirSize(dir)) / (1 << 20)
	if r.Loaded != int64(o.historyN) {
		return r, fmt.Errorf("loaded %d of %d envelopes", r.Loaded, o.historyN)
	}

	// Reopen: the queries run against flushed tables and a cold block cache,
	// as after a node restart (the OS page cache stays warm).
	t := time.Now()
	s, err = mailstore.Open(dir, cfg, log)
	if err != nil {
		return r, err
	}
	defer s.Close()
	r.ReopenSeconds = time.Since(t).Seconds()
	// The load wrote 5M envelopes at bulk speed, leaving compactions behind
	// that a store filled at live rates would not have to run all at once;
	// queries measured while they run measure the compactions. Wait until
	// no compaction has run for a second (pebble's debt estimate itself
	// need not reach zero).
	t = time.Now()
	for quiet := 0; quiet < 10; {
		if s.LSM().CompactionsRunning > 0 {
			quiet = 0
		} else {
			quiet++
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return r, ctx.Err()
		}
	}
	r.SettleSeconds = time.Since(t).Seconds()
	r.ReadAmp = s.LSM().ReadAmp

	pass := func(seed uint64, hitRatio *float64) (Latency, error) {
		l0 := s.LSM()
		defer func() {
			l1 := s.LSM()
			hits, misses := l1.BlockCacheHits-l0.BlockCacheHits, l1.BlockCacheMisses-l0.BlockCacheMisses
			*hitRatio = float64(hits) / float64(max(hits+misses, 1))
		}()
		rng := rand.New(rand.NewPCG(seed, 4))
		lat := make([]time.Duration, 0, o.queries)
		hour := int64(time.Hour)
		total, full := 0, 0
		for range o.queries {
			if err := ctx.Err(); err != nil {
				return Latency{}, err
			}
			q := mailstore.Query{Limit: 100}
			for _, k := range rng.Perm(len(topics))[:o.queryTopics] {
				q.ContentTopics = append(q.ContentTopics, topics[k])
			}
			q.Start = first + rng.Int64N(max(span-hour, 1))
			q.End = q.Start + hour
			t := time.Now()
			p, err := s.Query(ctx, q)
			lat = append(lat, time.Since(t))
			if err != nil {
				return Latency{}, err
			}
			total += len(p.Envelopes)
			if len(p.Envelopes) == q.Limit {
				full++
			}
		}
		r.MeanPage = float64(total) / float64(o.queries)
		r.FullPages = full
		return summarize(lat), nil
	}
	if r.ColdLatency, err = pass(3, &r.ColdCacheHit); err != nil {
		return r, err
	}
	if r.Latency, err = pass(5, &r.CacheHit); err != nil {
		return r, err
	}
	return r, nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func printStore(w io.Writer, r StoreResult) {
	ingestRows := func(i IngestResult) []row {
		return []row{
			{"envelopes", fmt.Sprintf("%d stored (%d per Put, %d callers)", i.Stored, i.PerPut, i.PutCallers), nil},
			{"rate", fmt.Sprintf("%.0f envelopes/s, %.1f MiB/s payload, %.2f s", i.EnvelopesSec, i.MiBSec, i.Seconds), i.Target},
			{"Put latency", i.PutLatency.String(), nil},
		}
	}
	secs := []section{{title: "disk", rows: []row{{"fsync (4 KiB append)", r.Fsync.String(), nil}}}}
	if r.Ingest != nil {
		secs = append(secs, section{title: "durable ingest (one envelope per Put, fsynced group commit)", rows: ingestRows(*r.Ingest)})
	}
	if r.Batched != nil {
		secs = append(secs, section{title: "durable ingest (batched Puts)", rows: ingestRows(*r.Batched)})
	}
	h := r.History
	secs = append(secs, section{title: "history", rows: []row{
		{"loaded", fmt.Sprintf("%d envelopes over %d days, %d topics, in %.1f s (%.0f/s), %.0f MiB on disk; %d write stalls (%.1f s)", h.Loaded, h.Days, h.Topics, h.LoadSeconds, h.LoadPerSec, h.DiskMiB, h.LoadStalls, h.LoadStallSeconds), nil},
		{"reopen", fmt.Sprintf("%.2f s; compactions settled after %.1f s more; read amplification %d", h.ReopenSeconds, h.SettleSeconds, h.ReadAmp), nil},
		{"queries", fmt.Sprintf("%d x (%d topics, 1 h window, limit 100, newest first) per pass; mean page %.1f, %d full", h.Queries, h.QueryTopics, h.MeanPage, h.FullPages), nil},
		{"query latency, cold", fmt.Sprintf("%s (first pass after reopening: cold caches; block cache hits %.0f%%)", h.ColdLatency, 100*h.ColdCacheHit), nil},
		{"query latency", fmt.Sprintf("%s (second pass, other queries; block cache hits %.0f%%)", h.Latency, 100*h.CacheHit), h.Target},
	}})
	printTable(w, "pnbench store", r.Machine, secs, r.Notes)
}
