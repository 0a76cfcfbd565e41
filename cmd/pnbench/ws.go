package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// ws targets.
const (
	targetIdleKiB     = 10
	targetDeliveryP99 = 20.0 // ms
)

// Connection budgets.
const (
	// portsPerSourceIP is how many connections to one node port one source
	// address carries (the default ephemeral range has ~28k ports).
	portsPerSourceIP = 25_000
	// nodeFDReserve is what the node keeps for its listener, store files and
	// /metrics scrapes besides the idle connections.
	nodeFDReserve = 100
	// benchFDReserve is what pnbench keeps besides the idle connections.
	benchFDReserve = 200
)

// errIncomplete is returned after the report when connections failed or
// envelopes were lost.
var errIncomplete = errors.New("run incomplete: see the report")

type wsOptions struct {
	url          string
	pnode        string
	nodeArgs     multiFlag
	nodeEnv      envFlag
	conns        int
	connsPerProc int
	dialConc     int
	sourceIPs    string
	settle       time.Duration
	pubsub       pubsubOptions
	dir          string
	json         bool
	maxTime      time.Duration
}

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// envFlag is a repeatable KEY=VALUE flag: environment variables for the
// node, on top of pnbench's own (GOMAXPROCS=1, GOGC=200, ...).
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }
func (e *envFlag) Set(s string) error {
	k, _, ok := strings.Cut(s, "=")
	if !ok || k == "" || strings.ContainsAny(k, " \t\x00") {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	*e = append(*e, s)
	return nil
}

// WSResult is the output of pnbench ws.
type WSResult struct {
	Machine Machine        `json:"machine"`
	Config  map[string]any `json:"config"`
	Node    *NodeInfo      `json:"node,omitempty"`
	Idle    *IdleResult    `json:"idle,omitempty"`
	Pubsub  *PubsubResult  `json:"pubsub,omitempty"`
	Notes   []string       `json:"notes,omitempty"`
}

// NodeInfo describes the pnode child.
type NodeInfo struct {
	PID      int    `json:"pid"`
	Binary   string `json:"binary"`
	NoFile   int    `json:"rlimit_nofile"`
	RSSStart int64  `json:"rss_start_bytes"`
}

// IdleResult is phase A.
type IdleResult struct {
	Requested     int     `json:"requested"`
	Attempted     int     `json:"attempted"`
	Opened        int     `json:"opened"`
	Failed        int     `json:"failed"`
	FirstErr      string  `json:"first_err,omitempty"`
	SourceIPs     string  `json:"source_ips"`
	Processes     int     `json:"client_processes"`
	OpenSeconds   float64 `json:"open_seconds"`
	ConnsPerSec   float64 `json:"conns_per_sec"`
	NodeCPUOpen   float64 `json:"node_cpu_seconds_open"`
	RSSBefore     int64   `json:"rss_before_bytes"`
	RSSAfter      int64   `json:"rss_after_bytes"`
	RSSClosed     int64   `json:"rss_after_close_bytes"`
	RSSPerConn    float64 `json:"rss_per_conn_bytes"`
	HeapPerConn   float64 `json:"heap_inuse_per_conn_bytes"`
	StackPerConn  float64 `json:"stack_inuse_per_conn_bytes"`
	GoroutinesPer float64 `json:"goroutines_per_conn"`
	Target        *Target `json:"target,omitempty"`
}

// PubsubResult is phase B.
type PubsubResult struct {
	Subscribers      int     `json:"subscribers"`
	Publishers       int     `json:"publishers"`
	Topics           int     `json:"topics"`
	SubsPerEnvelope  float64 `json:"subscribers_per_envelope"`
	Rate             int     `json:"rate_target"`
	Seconds          float64 `json:"seconds"`
	Payload          int     `json:"payload"`
	Inflight         int     `json:"inflight_per_publisher"`
	Scheduled        int64   `json:"scheduled"`
	Published        int64   `json:"published"`
	Acked            int64   `json:"acked"`
	Errors           int64   `json:"publish_errors"`
	FirstErr         string  `json:"first_err,omitempty"`
	LateSends        int64   `json:"late_sends"`
	AckedPerSec      float64 `json:"acked_per_sec"`
	Expected         int64   `json:"expected_deliveries"`
	Received         int64   `json:"received_deliveries"`
	Lost             int64   `json:"lost"`
	Disconnected     int64   `json:"disconnected_subscribers"`
	DeliveriesPerSec float64 `json:"deliveries_per_sec"`
	Delivery         Latency `json:"publish_to_subscriber"`
	Ack              Latency `json:"publish_ack"`
	NodeCPUPercent   float64 `json:"node_cpu_percent"`
	NodeCPUPerPub    float64 `json:"node_cpu_us_per_publish"`
	BenchCPUPercent  float64 `json:"pnbench_cpu_percent"`
	NodeRSSMax       int64   `json:"node_rss_max_bytes"`
	NodeStoreMean    float64 `json:"node_store_put_mean_ms"`
	NodeStoreP50     float64 `json:"node_store_put_p50_ms_bucket"`
	NodeStoreP99     float64 `json:"node_store_put_p99_ms_bucket"`
	StoreCommitMean  float64 `json:"store_commit_mean_ms"`
	StoreCommitP99   float64 `json:"store_commit_p99_ms_bucket"`
	StoreBatchMean   float64 `json:"store_batch_mean_envelopes"`
	DiskFsync        Latency `json:"disk_fsync_4k"`
	// Group commits slower than 25.6 ms (a bucket bound of the node's
	// histogram), WAL fsyncs over 50 ms and pebble write stalls, during the run.
	StoreSlowCommits  int     `json:"store_slow_commits"`
	StoreStalls       int     `json:"store_write_stalls"`
	StoreStallSeconds float64 `json:"store_write_stall_seconds"`
	WALSlowFsyncs     int     `json:"wal_fsyncs_over_50ms"`
	// Hiccups: how late pnbench's 1 ms sleeps woke up during the run.
	Hiccups         Latency `json:"hiccups"`
	HiccupsOver10ms int     `json:"hiccups_over_10ms"`
	Target          *Target `json:"target,omitempty"`
}

func runWS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o wsOptions
	fs := flag.NewFlagSet("pnbench ws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "websocket URL of a running node (default: start pnode; RSS and CPU need that)")
	fs.StringVar(&o.pnode, "pnode", "", "pnode binary to start (default: go build ./cmd/pnode)")
	fs.Var(&o.nodeArgs, "node-arg", "extra pnode flag, repeatable (e.g. --node-arg=--ping-interval=1m)")
	fs.Var(&o.nodeEnv, "node-env", "environment variable KEY=VALUE for the node, repeatable (e.g. --node-env GOMAXPROCS=1)")
	fs.IntVar(&o.conns, "conns", 20_000, "phase A: idle authenticated connections (0: skip)")
	fs.IntVar(&o.connsPerProc, "conns-per-proc", 0, "idle connections per client process (default: RLIMIT_NOFILE - 200)")
	fs.IntVar(&o.dialConc, "dial-concurrency", 64, "concurrent connection setups")
	fs.StringVar(&o.sourceIPs, "source-ips", "", "comma-separated 127.0.0.x source addresses (default: as many as needed, 25k connections each)")
	fs.DurationVar(&o.settle, "settle", 3*time.Second, "wait before sampling the node's RSS")
	fs.IntVar(&o.pubsub.subscribers, "subscribers", 1000, "phase B: subscribing connections (0: skip)")
	fs.IntVar(&o.pubsub.publishers, "publishers", 10, "phase B: publishing connections")
	fs.IntVar(&o.pubsub.topics, "topics", 0, "phase B: content topics; subscriber j takes topic j mod topics (default: subscribers/10)")
	fs.IntVar(&o.pubsub.rate, "rate", 5000, "phase B: envelopes per second, all publishers together")
	fs.DurationVar(&o.pubsub.duration, "duration", 20*time.Second, "phase B: publishing time")
	fs.IntVar(&o.pubsub.payload, "payload", 512, "phase B: payload bytes")
	fs.IntVar(&o.pubsub.inflight, "inflight", 32, "phase B: pipelined publishes per publisher")
	fs.DurationVar(&o.pubsub.drain, "drain", 10*time.Second, "phase B: wait for outstanding acks and deliveries")
	fs.StringVar(&o.dir, "dir", "", "parent of the temporary directory (node data, log, binary)")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "stop the whole run after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ps := &o.pubsub
	if ps.topics == 0 {
		ps.topics = max(1, ps.subscribers/10)
	}
	if o.conns < 0 || ps.subscribers < 0 || o.dialConc < 1 || (ps.subscribers > 0 &&
		(ps.publishers < 1 || ps.topics < 1 || ps.rate < 1 || ps.duration <= 0 || ps.payload < payloadHeader || ps.inflight < 1 || ps.inflight > 64)) {
		return usageError{errors.New("ws: flags out of range (publishers, topics, rate >= 1; payload >= 16; inflight in [1, 64])")}
	}
	ctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	selfLimit := raiseNoFile()
	res := WSResult{Machine: machineInfo(), Config: map[string]any{
		"conns": o.conns, "subscribers": ps.subscribers, "publishers": ps.publishers, "topics": ps.topics,
		"rate": ps.rate, "duration": ps.duration.String(), "payload": ps.payload, "inflight": ps.inflight,
		"node_env": o.nodeEnv.String(),
	}}

	root, err := os.MkdirTemp(o.dir, "pnbench-ws-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	var node *nodeProc
	url := o.url
	if url == "" {
		bin := o.pnode
		if bin == "" {
			if bin, err = buildPnode(ctx, root); err != nil {
				return err
			}
		}
		if node, err = startNode(ctx, bin, root, o.nodeArgs, o.nodeEnv); err != nil {
			return err
		}
		defer node.stop()
		url = node.url
		res.Node = &NodeInfo{PID: node.pid, Binary: bin, NoFile: node.noFile(), RSSStart: node.rssBytes()}
	} else {
		res.Notes = append(res.Notes, "--url given: node RSS and CPU are not measured")
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return err
	}

	incomplete := false
	if o.conns > 0 {
		ir, notes, err := idlePhase(ctx, o, node, url, key, selfLimit)
		res.Notes = append(res.Notes, notes...)
		if err != nil {
			return fmt.Errorf("phase A: %w", err)
		}
		res.Idle = ir
		incomplete = incomplete || ir.Opened < ir.Attempted
	}
	if ps.subscribers > 0 {
		pr, err := pubsubPhase(ctx, *ps, node, newRawDialer(url, key, nil), root)
		if err != nil {
			return fmt.Errorf("phase B: %w", err)
		}
		res.Pubsub = pr
		incomplete = incomplete || pr.Lost != 0 || pr.Errors != 0 || pr.Disconnected != 0 || pr.Published == 0
	}
	if node != nil && !node.alive() {
		return fmt.Errorf("pnode exited during the run: %v\n%s", node.waitErr, node.logTail())
	}
	res.Notes = append(res.Notes, "load average at end: "+loadAvg())
	if o.json {
		err = printJSON(stdout, res)
	} else {
		printWS(stdout, res)
	}
	if err == nil && incomplete {
		err = errIncomplete
	}
	return err
}

// idlePhase is phase A: open idle connections and measure the node's memory
// per connection.
func idlePhase(ctx context.Context, o wsOptions, node *nodeProc, url string, key *ecdsa.PrivateKey, selfLimit uint64) (*IdleResult, []string, error) {
	var notes []string
	r := &IdleResult{Requested: o.conns, Attempted: o.conns}
	if node != nil {
		if limit := node.noFile() - nodeFDReserve; limit > 0 && r.Attempted > limit {
			r.Attempted = limit
			notes = append(notes, fmt.Sprintf("idle connections capped at %d: the node's RLIMIT_NOFILE is %d (pnode inherits pnbench's; raise the hard limit to go further)", limit, node.noFile()))
		}
	}
	ips, err := parseIPs(o.sourceIPs)
	if err != nil {
		return nil, notes, usageError{err}
	}
	if len(ips) == 0 {
		ips = autoIPs(r.Attempted, portsPerSourceIP)
	}
	r.SourceIPs = localAddrs(ips)
	perProc := o.connsPerProc
	if perProc <= 0 {
		perProc = max(100, int(selfLimit)-benchFDReserve)
	}
	r.Processes = (r.Attempted + perProc - 1) / perProc

	var before map[string]float64
	var cpu0 time.Duration
	if node != nil {
		time.Sleep(time.Second) // let start-up garbage settle
		if before, err = metrics(ctx, node.base); err != nil {
			return nil, notes, err
		}
		r.RSSBefore = node.rssBytes()
		cpu0 = node.cpuTime()
	}
	g, st, err := openIdleGroup(ctx, newRawDialer(url, key, ips), r.Attempted, perProc, o.dialConc, o.maxTime)
	if err != nil {
		return nil, notes, err
	}
	defer g.close()
	r.Opened, r.Failed, r.FirstErr, r.OpenSeconds = st.Opened, st.Failed, st.FirstErr, st.Seconds
	r.ConnsPerSec = float64(st.Opened) / st.Seconds
	if r.Opened == 0 {
		return r, notes, fmt.Errorf("no connection opened: %s", st.FirstErr)
	}
	if node == nil {
		return r, notes, nil
	}
	r.NodeCPUOpen = (node.cpuTime() - cpu0).Seconds()
	select {
	case <-time.After(o.settle):
	case <-ctx.Done():
		return r, notes, ctx.Err()
	}
	after, err := metrics(ctx, node.base)
	if err != nil {
		return r, notes, err
	}
	r.RSSAfter = node.rssBytes()
	n := float64(r.Opened)
	r.RSSPerConn = float64(r.RSSAfter-r.RSSBefore) / n
	r.HeapPerConn = (after["go_memstats_heap_inuse_bytes"] - before["go_memstats_heap_inuse_bytes"]) / n
	r.StackPerConn = (after["go_memstats_stack_inuse_bytes"] - before["go_memstats_stack_inuse_bytes"]) / n
	r.GoroutinesPer = (after["go_goroutines"] - before["go_goroutines"]) / n
	if got := int(after["pnode_ws_sessions"]); got != r.Opened {
		notes = append(notes, fmt.Sprintf("node reports %d sessions for %d open connections", got, r.Opened))
	}
	r.Target = target(fmt.Sprintf("<= %d KiB/conn", targetIdleKiB), r.RSSPerConn <= targetIdleKiB*1024)
	g.close()
	if left, err := waitSessions(ctx, node.base, 0, 30*time.Second); err != nil || left > 0 {
		notes = append(notes, fmt.Sprintf("%d sessions still open 30s after the idle connections closed (%v)", left, err))
	}
	r.RSSClosed = node.rssBytes()
	return r, notes, nil
}

// pubsubPhase is phase B: publish -> subscriber latency with the node's CPU.
func pubsubPhase(ctx context.Context, o pubsubOptions, node *nodeProc, d *rawDialer, dir string) (*PubsubResult, error) {
	r := &PubsubResult{
		Subscribers: o.subscribers, Publishers: o.publishers, Topics: o.topics, Rate: o.rate,
		Payload: o.payload, Inflight: o.inflight,
		SubsPerEnvelope: float64(o.subscribers) / float64(o.topics),
	}
	if node != nil {
		// The node acknowledges a publish after its WAL fsync: the disk's
		// fsync latency is the floor under the delivery latency.
		var err error
		if r.DiskFsync, err = fsyncProbe(dir, 200); err != nil {
			return nil, err
		}
	}
	var cpu0, self0 time.Duration
	var m0, m1 map[string]float64
	var rssMax atomic.Int64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	var hiccups *hiccupMeter
	onStart := func() {
		self0 = selfCPU()
		hiccups = startHiccups()
		if node == nil {
			return
		}
		cpu0 = node.cpuTime()
		m0, _ = metrics(ctx, node.base)
		sampler.Go(func() {
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				rssMax.Store(max(rssMax.Load(), node.rssBytes()))
				select {
				case <-t.C:
				case <-stop:
					return
				}
			}
		})
	}
	var cpu, self time.Duration
	onEnd := func() {
		self = selfCPU() - self0
		r.Hiccups, r.HiccupsOver10ms = hiccups.finish()
		if node != nil {
			cpu = node.cpuTime() - cpu0
			m1, _ = metrics(ctx, node.base)
			close(stop)
			sampler.Wait()
		}
	}
	run, err := runPubsub(ctx, d, o, onStart, onEnd)
	if err != nil {
		return nil, err
	}
	w := run.window.Seconds()
	r.Seconds = w
	r.Scheduled, r.Published, r.Acked, r.Errors, r.FirstErr, r.LateSends = run.scheduled, run.published, run.acked, run.pubErrors, run.firstErr, run.late
	r.AckedPerSec = float64(run.acked) / w
	r.Expected, r.Received, r.Disconnected = run.expected, run.received, run.disconnect
	r.Lost = run.expected - run.received
	r.DeliveriesPerSec = float64(run.received) / w
	r.Delivery = summarize(run.deliveries)
	r.Ack = summarize(run.acks)
	// CPU is counted from the first publish to the last delivery (or the drain
	// deadline), which is a little longer than the publishing window.
	r.BenchCPUPercent = 100 * self.Seconds() / w
	if node != nil {
		r.NodeCPUPercent = 100 * cpu.Seconds() / w
		if run.acked > 0 {
			r.NodeCPUPerPub = float64(cpu.Microseconds()) / float64(run.acked)
		}
		r.NodeRSSMax = rssMax.Load()
		if m0 != nil && m1 != nil {
			const h = "pnode_publish_store_seconds"
			if n := m1[h+"_count"] - m0[h+"_count"]; n > 0 {
				r.NodeStoreMean = 1000 * (m1[h+"_sum"] - m0[h+"_sum"]) / n
			}
			r.NodeStoreP50 = 1000 * histQuantile(m0, m1, h, 0.50)
			r.NodeStoreP99 = 1000 * histQuantile(m0, m1, h, 0.99)
			const c, b = "pnode_store_put_commit_seconds", "pnode_store_put_batch_envelopes"
			if n := m1[c+"_count"] - m0[c+"_count"]; n > 0 {
				r.StoreCommitMean = 1000 * (m1[c+"_sum"] - m0[c+"_sum"]) / n
				r.StoreCommitP99 = 1000 * histQuantile(m0, m1, c, 0.99)
			}
			if n := m1[b+"_count"] - m0[b+"_count"]; n > 0 {
				r.StoreBatchMean = (m1[b+"_sum"] - m0[b+"_sum"]) / n
			}
			// One slow commit holds up every Put queued behind it, which a
			// per-batch percentile hides: count them, and pebble's stalls.
			r.StoreSlowCommits = int(histOver(m0, m1, c, 0.0256))
			r.WALSlowFsyncs = int(histOver(m0, m1, "pnode_store_wal_fsync_seconds", 0.05))
			const st = "pnode_store_lsm_write_stall"
			r.StoreStalls = int(m1[st+"s_total"] - m0[st+"s_total"])
			r.StoreStallSeconds = m1[st+"_seconds_total"] - m0[st+"_seconds_total"]
		}
	}
	r.Target = target(fmt.Sprintf("p99 <= %.0f ms", targetDeliveryP99), r.Delivery.P99 <= targetDeliveryP99 && r.Delivery.N > 0)
	return r, nil
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func printWS(w io.Writer, r WSResult) {
	var secs []section
	if n := r.Node; n != nil {
		secs = append(secs, section{title: "node", rows: []row{
			{"process", fmt.Sprintf("pid %d, %s, RLIMIT_NOFILE %d, RSS at start %s", n.PID, n.Binary, n.NoFile, kib(n.RSSStart)), nil},
		}})
	}
	if a := r.Idle; a != nil {
		rows := []row{
			{"connections", fmt.Sprintf("%d open of %d attempted (%d requested), %d failed; from %s in %d process(es)", a.Opened, a.Attempted, a.Requested, a.Failed, a.SourceIPs, a.Processes), nil},
			{"setup", fmt.Sprintf("%.1f s, %.0f conns/s (dial + upgrade + auth), node CPU %.1f s", a.OpenSeconds, a.ConnsPerSec, a.NodeCPUOpen), nil},
		}
		if a.FirstErr != "" {
			rows = append(rows, row{"first error", a.FirstErr, nil})
		}
		if a.RSSAfter > 0 {
			rows = append(rows,
				row{"node RSS", fmt.Sprintf("%s before, %s with the connections, %s after they closed", kib(a.RSSBefore), kib(a.RSSAfter), kib(a.RSSClosed)), nil},
				row{"RSS per idle conn", kib(int64(a.RSSPerConn)), a.Target},
				row{"of which", fmt.Sprintf("Go heap in use %s, goroutine stacks %s, %.2f goroutines", kib(int64(a.HeapPerConn)), kib(int64(a.StackPerConn)), a.GoroutinesPer), nil},
			)
		}
		secs = append(secs, section{title: "phase A: idle authenticated connections", rows: rows})
	}
	if b := r.Pubsub; b != nil {
		rows := []row{
			{"shape", fmt.Sprintf("%d subscribers on %d topics (%.1f subscribers per envelope), %d publishers x %d in flight, %d B payload", b.Subscribers, b.Topics, b.SubsPerEnvelope, b.Publishers, b.Inflight, b.Payload), nil},
			{"published", fmt.Sprintf("%d of %d scheduled sent, %d acked (%.0f/s of %d/s target) in %.1f s, %d errors, %d sends waited for a slot", b.Published, b.Scheduled, b.Acked, b.AckedPerSec, b.Rate, b.Seconds, b.Errors, b.LateSends), nil},
			{"delivered", fmt.Sprintf("%d of %d expected (%.0f deliveries/s), lost %d, %d subscribers disconnected", b.Received, b.Expected, b.DeliveriesPerSec, b.Lost, b.Disconnected), nil},
			{"publish -> subscriber", b.Delivery.String(), b.Target},
			{"publish -> ack", b.Ack.String(), nil},
			{"pnbench hiccups", fmt.Sprintf("1 ms sleeps woke late by p99 %.1f, max %.1f ms; %d of %d over 10 ms (pnbench or the machine not running)", b.Hiccups.P99, b.Hiccups.Max, b.HiccupsOver10ms, b.Hiccups.N), nil},
		}
		if b.FirstErr != "" {
			rows = append(rows, row{"first error", b.FirstErr, nil})
		}
		if r.Node != nil {
			rows = append(rows, row{"CPU", fmt.Sprintf("node %.0f%% (%.0f us per acked publish with its deliveries), pnbench %.0f%% (of one core; %d cores shared)", b.NodeCPUPercent, b.NodeCPUPerPub, b.BenchCPUPercent, r.Machine.CPUs), nil},
				row{"node RSS max", kib(b.NodeRSSMax), nil},
				row{"node store Put", fmt.Sprintf("mean %.2f ms, p50 <= %g ms, p99 <= %g ms (histogram buckets)", b.NodeStoreMean, b.NodeStoreP50, b.NodeStoreP99), nil},
				row{"store group commit", fmt.Sprintf("mean %.2f ms, p99 <= %g ms, %.1f envelopes per batch; %d over 25.6 ms; %d WAL fsyncs over 50 ms; %d write stalls (%.2f s)", b.StoreCommitMean, b.StoreCommitP99, b.StoreBatchMean, b.StoreSlowCommits, b.WALSlowFsyncs, b.StoreStalls, b.StoreStallSeconds), nil},
				row{"disk fsync (4 KiB)", b.DiskFsync.String(), nil})
		}
		secs = append(secs, section{title: "phase B: publish -> subscriber", rows: rows})
	}
	printTable(w, "pnbench ws", r.Machine, secs, r.Notes)
}
