package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/wire"
)

// TestMain lets the test binary serve as an idle-connection worker, as the
// pnbench binary does, so the smoke test covers the multi-process path.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(idleWorkerMain(context.Background(), os.Args[1:], os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// TestStoreSmoke runs pnbench store at a tiny size: it must produce figures
// and store every envelope (ingest checks Stats itself).
func TestStoreSmoke(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"--n", "2000", "--concurrency", "16", "--batch", "500", "--history-n", "20000", "--queries", "50",
		"--topics", "100", "--dir", t.TempDir(), "--max-time", "50s", "--json"}
	if err := runStore(t.Context(), args, &out, &errb); err != nil {
		t.Fatalf("store: %v\n%s", err, errb.String())
	}
	var r StoreResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	if r.Ingest == nil {
		t.Fatal("no ingest result")
	}
	if r.Ingest.Stored != 2000 || r.Ingest.PutLatency.N != 2000 || r.Ingest.EnvelopesSec <= 0 || r.Ingest.PutLatency.P99 <= 0 {
		t.Errorf("ingest = %+v", r.Ingest)
	}
	if r.Batched == nil || r.Batched.Stored != 2000 || r.Batched.PutLatency.N != 4 {
		t.Errorf("batched ingest = %+v", r.Batched)
	}
	h := r.History
	if h.Loaded != 20000 || h.Latency.N != 50 || h.Latency.P99 <= 0 || h.MeanPage <= 0 || h.DiskMiB <= 0 {
		t.Errorf("history = %+v", h)
	}
	if r.Ingest.Target == nil || h.Target == nil {
		t.Error("targets not reported")
	}
}

// TestWSSmoke starts a real pnode, opens idle connections through three
// worker processes, and publishes to subscribers: every acknowledged
// envelope must reach every subscriber of its topic.
func TestWSSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs pnode")
	}
	bin, err := buildPnode(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"--pnode", bin, "--dir", t.TempDir(), "--json", "--max-time", "50s",
		"--conns", "50", "--conns-per-proc", "20", "--settle", "200ms",
		"--subscribers", "10", "--topics", "5", "--publishers", "2", "--rate", "200", "--duration", "2s", "--drain", "5s"}
	if err := runWS(t.Context(), args, &out, &errb); err != nil {
		t.Fatalf("ws: %v\n%s\n%s", err, out.String(), errb.String())
	}
	var r WSResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	if r.Node == nil || r.Node.PID == 0 || r.Node.RSSStart <= 0 {
		t.Errorf("node = %+v", r.Node)
	}
	a := r.Idle
	if a == nil || a.Opened != 50 || a.Failed != 0 || a.Processes != 3 || a.RSSAfter <= 0 || a.GoroutinesPer <= 0 {
		t.Fatalf("idle = %+v", a)
	}
	b := r.Pubsub
	if b == nil {
		t.Fatal("no phase B result")
	}
	// 400 are scheduled; a starved machine may send fewer within the 2 s.
	if b.Published < 100 || b.Acked != b.Published || b.Errors != 0 {
		t.Errorf("published %d, acked %d, errors %d (%s)", b.Published, b.Acked, b.Errors, b.FirstErr)
	}
	// 10 subscribers on 5 topics: each envelope is owed to 2 subscribers.
	if b.Expected != 2*b.Acked || b.Received != b.Expected || b.Lost != 0 || b.Disconnected != 0 {
		t.Errorf("expected %d deliveries, received %d, lost %d, disconnected %d", b.Expected, b.Received, b.Lost, b.Disconnected)
	}
	if b.Delivery.N != int(b.Received) || b.Delivery.P99 <= 0 || b.Ack.N != int(b.Acked) || b.NodeCPUPercent <= 0 {
		t.Errorf("latency or CPU missing: %+v", b)
	}
}

func TestSendTime(t *testing.T) {
	payload := make([]byte, 40)
	binary.BigEndian.PutUint64(payload, 1234567890123)
	env, _ := json.Marshal(&wire.Envelope{ContentTopic: "/a/1/b/proto", Payload: payload, Timestamp: 1})
	good := wire.AppendSubscriptionEvent(nil, "0xab", env)
	for name, tc := range map[string]struct {
		frame []byte
		want  int64
		ok    bool
	}{
		"delivery":        {good, 1234567890123, true},
		"response":        {[]byte(`{"jsonrpc":"2.0","id":1,"result":true}`), 0, false},
		"short payload":   {wire.AppendSubscriptionEvent(nil, "0xab", []byte(`{"payload":"AAAA"}`)), 0, false},
		"not base64":      {wire.AppendSubscriptionEvent(nil, "0xab", []byte(`{"payload":"!!!!!!!!!!!!!!!!!!!!!!!!!!!!"}`)), 0, false},
		"payload present": {wire.AppendSubscriptionEvent(nil, "0xab", []byte(`{"payload":"`+base64.StdEncoding.EncodeToString(payload)+`"}`)), 1234567890123, true},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := sendTime(tc.frame)
			if got != tc.want || ok != tc.ok {
				t.Errorf("sendTime = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	var s []time.Duration
	for i := 1000; i >= 1; i-- {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	l := summarize(s)
	if l.N != 1000 || l.P50 != 500 || l.P99 != 990 || l.P999 != 999 || l.Max != 1000 || l.Mean != 500.5 {
		t.Errorf("summarize = %+v", l)
	}
	if summarize(nil).N != 0 {
		t.Error("empty summary")
	}
}

// TestHistOver: observations above a bucket bound, between two scrapes.
func TestHistOver(t *testing.T) {
	const h = "x_seconds"
	b := func(le string) string { return h + `_bucket{le="` + le + `"}` }
	before := map[string]float64{b("0.0256"): 10, b("0.0512"): 10, b("+Inf"): 10, h + "_count": 10}
	after := map[string]float64{b("0.0256"): 15, b("0.0512"): 17, b("+Inf"): 20, h + "_count": 20}
	for _, c := range []struct {
		le   float64
		want float64
	}{{0.0256, 5}, {0.05, 5}, {0.0512, 3}, {0.01, 10}} {
		if got := histOver(before, after, h, c.le); got != c.want {
			t.Errorf("histOver(le %g) = %g, want %g", c.le, got, c.want)
		}
	}
}

func TestEnvFlag(t *testing.T) {
	var e envFlag
	for _, ok := range []string{"GOMAXPROCS=1", "GOGC=", "GODEBUG=gctrace=1"} {
		if err := e.Set(ok); err != nil {
			t.Errorf("Set(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"GOMAXPROCS", "=1", "A B=1", ""} {
		if err := e.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
	if got := e.String(); got != "GOMAXPROCS=1 GOGC= GODEBUG=gctrace=1" {
		t.Errorf("String() = %q", got)
	}
}
