package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// push targets (2-core machine).
const (
	targetPushPerSec       = 18_000 // wakeups/s to APNs, fake latency 0
	targetPushCPUUs        = 40.0   // node CPU per delivered wakeup
	targetPushP99Ms        = 10.0   // request -> delivery at 1,000/s
	targetPushSlowPerSec   = 10_000 // with 20 ms provider latency, default settings
	benchAPNsTopic         = "im.pnmarket.bench"
	benchProject           = "pnmarket-bench"
	benchAPNsApp           = "bench.apns"
	benchFCMApp            = "bench.fcm"
	maxBenchDeliveriesKept = 2_000_000
)

type pushOptions struct {
	pnode         string
	nodeArgs      multiFlag
	nodeEnv       envFlag
	dir           string
	json          bool
	maxTime       time.Duration
	duration      time.Duration
	conns         int
	pipeline      int
	installations int
	rate          int
	latencies     string
	gateways      string
	apnsConns     int
	keep          bool
}

// PushResult is the output of pnbench push.
type PushResult struct {
	Machine Machine        `json:"machine"`
	Config  map[string]any `json:"config"`
	Runs    []*PushRun     `json:"runs"`
	Notes   []string       `json:"notes,omitempty"`
}

// PushRun is one load run against a fresh node.
type PushRun struct {
	Name           string  `json:"name"`
	Gateway        string  `json:"gateway"`
	FakeLatencyMs  float64 `json:"fake_latency_ms"`
	Mode           string  `json:"mode"` // "max" (closed loop) or "rate" (open loop)
	RateTarget     int     `json:"rate_target,omitempty"`
	Conns          int     `json:"conns"`
	Pipeline       int     `json:"pipeline"` // requests each connection sends at once
	Seconds        float64 `json:"load_seconds"`
	Accepted       int     `json:"accepted"`
	Refused        int     `json:"refused"`
	Errors         int     `json:"errors"`
	FirstErr       string  `json:"first_err,omitempty"`
	Delivered      int64   `json:"delivered"`
	Missing        int     `json:"missing"`
	AcceptedPerSec float64 `json:"accepted_per_sec"`
	WakeupsPerSec  float64 `json:"delivered_per_sec"`
	SteadyPerSec   float64 `json:"steady_delivered_per_sec"`
	NodeCPUUs      float64 `json:"node_cpu_us_per_wakeup"` // steady state
	NodeCPUUsTotal float64 `json:"node_cpu_us_per_wakeup_whole_run"`
	BenchCPUUs     float64 `json:"pnbench_cpu_us_per_wakeup"`
	NodeCPUPercent float64 `json:"node_cpu_percent"`
	BenchCPUPct    float64 `json:"pnbench_cpu_percent"`
	NodeRSSMax     int64   `json:"node_rss_max_bytes"`
	Answer         Latency `json:"request_to_201"`
	Delivery       Latency `json:"request_to_delivery"`
	Targets        []*Target
}

func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o pushOptions
	fs := flag.NewFlagSet("pnbench push", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.pnode, "pnode", "", "pnode binary (default: build ./cmd/pnode)")
	fs.Var(&o.nodeArgs, "node-arg", "extra pnode flag (repeat)")
	fs.Var(&o.nodeEnv, "node-env", "environment variable KEY=VALUE for the node (repeat), e.g. GOMAXPROCS=1")
	fs.StringVar(&o.dir, "dir", "", "parent directory for the node's data (default: the system temp dir)")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "stop the whole run after this long")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "load time per run")
	// A 201 waits for the queue's fsync, a few milliseconds on this class
	// of disk, so a closed loop needs rate x that latency requests in
	// flight (Little's law): 64 one-at-a-time connections cap the load
	// near 16,000/s whatever the node's speed.
	fs.IntVar(&o.conns, "conns", 256, "HTTP connections sending wake requests in the max-rate runs")
	fs.IntVar(&o.pipeline, "pipeline", 1, "wake requests each connection sends at once in the max-rate runs (HTTP/1.1 pipelining; 1: one at a time)")
	fs.IntVar(&o.installations, "installations", 1000, "registered installations (one wakeup token each)")
	fs.IntVar(&o.rate, "rate", 1000, "wake requests per second of the latency run (0: skip it)")
	fs.StringVar(&o.latencies, "latencies", "0,20ms", "fake provider latencies of the max-rate APNs runs (empty: none)")
	fs.StringVar(&o.gateways, "gateways", "apns,fcm", "gateways to run (the FCM run uses latency 0)")
	fs.IntVar(&o.apnsConns, "apns-connections", 0, "HTTP/2 connections of the node's APNs sender (0: the gateway default)")
	fs.BoolVar(&o.keep, "keep", false, "keep the node's data directories")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.conns < 1 || o.pipeline < 1 || o.installations < 1 || o.duration <= 0 || o.rate < 0 {
		return usageError{errors.New("push: conns, pipeline, installations and duration must be positive")}
	}
	var lats []time.Duration
	for _, s := range strings.Split(o.latencies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		} else if s == "0" {
			lats = append(lats, 0)
		} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			lats = append(lats, d)
		} else {
			return usageError{fmt.Errorf("push: bad latency %q", s)}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	raiseNoFile()
	parent, err := os.MkdirTemp(o.dir, "pnbench-push-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(parent)
	}
	bin := o.pnode
	if bin == "" {
		if bin, err = buildPnode(ctx, parent); err != nil {
			return err
		}
	}
	res := PushResult{Machine: machineInfo(), Config: map[string]any{
		"duration": o.duration.String(), "conns": o.conns, "pipeline": o.pipeline, "installations": o.installations, "rate": o.rate,
		"latencies": o.latencies, "gateways": o.gateways, "node_args": o.nodeArgs.String(), "node_env": o.nodeEnv.String(),
		"apns_connections": o.apnsConns,
	}}
	type plan struct {
		name, gateway string
		latency       time.Duration
		rate          int
	}
	var plans []plan
	for _, gw := range strings.Split(o.gateways, ",") {
		switch strings.TrimSpace(gw) {
		case "apns":
			for _, l := range lats {
				plans = append(plans, plan{fmt.Sprintf("apns max, fake latency %v", l), "apns", l, 0})
			}
			if o.rate > 0 {
				plans = append(plans, plan{fmt.Sprintf("apns %d/s, fake latency 0", o.rate), "apns", 0, o.rate})
			}
		case "fcm":
			plans = append(plans, plan{"fcm max, fake latency 0", "fcm", 0, 0})
		default:
			return usageError{fmt.Errorf("push: unknown gateway %q", gw)}
		}
	}
	for i, p := range plans {
		dir := filepath.Join(parent, fmt.Sprintf("run%d", i))
		r, err := pushRun(ctx, o, bin, dir, p.gateway, p.latency, p.rate)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if !o.keep {
			// Deleted now, the run's files leave no dirty pages for the
			// kernel to write back while the next run measures its fsyncs.
			os.RemoveAll(dir)
		}
		r.Name = p.name
		res.Runs = append(res.Runs, r)
	}
	res.Notes = append(res.Notes,
		"load: raw HTTP/1.1 keep-alive POSTs on loopback (pipelined --pipeline at a time in the max-rate runs) from this process, which also runs the fake APNs/FCM (HTTP/2 + TLS): all three share the machine's cores",
		"the node runs with its default push settings except the per-token and per-IP wake rate limits, lifted because one loopback client sends everything")
	if len(o.nodeEnv) > 0 {
		res.Notes = append(res.Notes, "the node's environment adds "+o.nodeEnv.String())
	}
	if o.json {
		return printJSON(stdout, res)
	}
	printPush(stdout, res)
	return nil
}

// pushRun starts a fresh node with the fakes, registers installations and
// drives wake requests at it.
func pushRun(ctx context.Context, o pushOptions, bin, dir, gateway string, latency time.Duration, rateTarget int) (*PushRun, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	keep := maxBenchDeliveriesKept
	fk, err := startBenchFakes(dir, keep, o.apnsConns)
	if err != nil {
		return nil, err
	}
	defer fk.close()
	fk.apns.SetLatency(latency)
	fk.fcm.SetLatency(latency)
	args := append([]string{"--push-apps-file", fk.appsFile,
		"--push-wake-rate", "1e9", "--push-wake-burst", "1000000000",
		"--push-wake-ip-rate", "1e9", "--push-wake-ip-burst", "1000000000",
		"--push-max-installations", strconv.Itoa(o.installations + 1)}, o.nodeArgs...)
	node, err := startNode(ctx, bin, dir, args, o.nodeEnv)
	if err != nil {
		return nil, err
	}
	defer node.stop()
	paths, err := registerBench(ctx, node.url, gateway, o.installations)
	if err != nil {
		return nil, fmt.Errorf("register: %w\n%s", err, node.logTail())
	}
	run := &PushRun{Gateway: gateway, FakeLatencyMs: ms(latency), Mode: "max", Conns: o.conns}
	count := fk.apns.Count
	if gateway == "fcm" {
		count = fk.fcm.Count
	}
	host := strings.TrimPrefix(node.base, "http://")
	conns, pipe := o.conns, o.pipeline
	if rateTarget > 0 {
		run.Mode, run.RateTarget = "rate", rateTarget
		conns, pipe = max(8, min(o.conns, rateTarget/100)), 1
		run.Conns = conns
	}
	run.Pipeline = pipe

	var rssMax atomic.Int64
	stopRSS := make(chan struct{})
	var rssWG sync.WaitGroup
	rssWG.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if r := node.rssBytes(); r > rssMax.Load() {
				rssMax.Store(r)
			}
			select {
			case <-t.C:
			case <-stopRSS:
				return
			}
		}
	})
	cpu0, self0, start := node.cpuTime(), selfCPU(), time.Now()
	// Steady state: CPU and deliveries from one second into the load to its
	// end, so start-up and the final drain do not count.
	var steadyCPU0, steadySelf0 time.Duration
	var steadyN0 int64
	steadyAt := start.Add(min(time.Second, o.duration/4))
	var steadyWG sync.WaitGroup
	steadyWG.Go(func() {
		time.Sleep(time.Until(steadyAt))
		steadyCPU0, steadySelf0, steadyN0 = node.cpuTime(), selfCPU(), count()
	})
	sent := make([][]sentWake, conns)
	var refused, errs atomic.Int64
	var firstErr atomic.Pointer[string]
	lctx, cancel := context.WithDeadline(ctx, start.Add(o.duration))
	var ticks chan time.Time
	if rateTarget > 0 {
		ticks = make(chan time.Time, rateTarget)
		go pace(lctx, rateTarget, ticks)
	}
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			fail := func(err error) {
				errs.Add(1)
				s := err.Error()
				firstErr.CompareAndSwap(nil, &s)
			}
			w, err := dialWake(host)
			if err != nil {
				fail(err)
				return
			}
			defer w.close()
			// Connection c sends the paths c, c+conns, c+2*conns, ...;
			// pipelined, pipe of them at once.
			for i := c; lctx.Err() == nil; i += conns * pipe {
				at := time.Now()
				if ticks != nil {
					select {
					case at = <-ticks:
					case <-lctx.Done():
						return
					}
				}
				w.buf = w.buf[:0]
				for k := range pipe {
					w.appendReq(paths[(i+k*conns)%len(paths)])
				}
				if err := w.send(); err != nil {
					fail(err)
					return
				}
				for range pipe {
					status, id, err := w.readResp()
					switch {
					case err != nil:
						fail(err)
						return
					case status == 201:
						sent[c] = append(sent[c], sentWake{id: id, at: at, answered: time.Now()})
					default:
						refused.Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	cancel()
	loadEnd := time.Now()
	steadyWG.Wait()
	steadyCPU1, steadySelf1, steadyN1 := node.cpuTime(), selfCPU(), count()
	if n := steadyN1 - steadyN0; n > 0 {
		run.SteadyPerSec = float64(n) / loadEnd.Sub(steadyAt).Seconds()
		run.NodeCPUUs = float64((steadyCPU1 - steadyCPU0).Microseconds()) / float64(n)
		run.BenchCPUUs = float64((steadySelf1 - steadySelf0).Microseconds()) / float64(n)
	}
	var all []sentWake
	for _, s := range sent {
		all = append(all, s...)
	}
	run.Accepted, run.Refused, run.Errors = len(all), int(refused.Load()), int(errs.Load())
	if p := firstErr.Load(); p != nil {
		run.FirstErr = *p
	}
	// Drain: wait for every accepted wakeup to reach the fake.
	deadline := time.Now().Add(60 * time.Second)
	for count() < int64(run.Accepted) && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	drained := time.Now()
	cpu1, self1 := node.cpuTime(), selfCPU()
	close(stopRSS)
	rssWG.Wait()
	run.Delivered = count()
	run.Seconds = loadEnd.Sub(start).Seconds()
	run.AcceptedPerSec = rate(run.Accepted, loadEnd.Sub(start))
	run.NodeRSSMax = rssMax.Load()

	deliveredAt := make(map[string]time.Time, len(all))
	var lastAt time.Time
	if gateway == "fcm" {
		for _, d := range fk.fcm.Deliveries() {
			deliveredAt[d.Data["id"]] = d.At
		}
	} else {
		for _, d := range fk.apns.Deliveries() {
			deliveredAt[d.ApnsID] = d.At
		}
	}
	answers := make([]time.Duration, 0, len(all))
	deliveries := make([]time.Duration, 0, len(all))
	for _, s := range all {
		answers = append(answers, s.answered.Sub(s.at))
		at, ok := deliveredAt[s.id]
		if !ok {
			if len(deliveredAt) < keep {
				run.Missing++
			}
			continue
		}
		deliveries = append(deliveries, at.Sub(s.at))
		if at.After(lastAt) {
			lastAt = at
		}
	}
	run.Answer, run.Delivery = summarize(answers), summarize(deliveries)
	if !lastAt.IsZero() {
		run.WakeupsPerSec = rate(int(run.Delivered), lastAt.Sub(start))
	}
	if run.Delivered > 0 {
		run.NodeCPUUsTotal = float64((cpu1 - cpu0).Microseconds()) / float64(run.Delivered)
	}
	window := drained.Sub(start)
	run.NodeCPUPercent = 100 * (cpu1 - cpu0).Seconds() / window.Seconds()
	run.BenchCPUPct = 100 * (self1 - self0).Seconds() / window.Seconds()
	switch {
	case gateway == "apns" && rateTarget > 0:
		run.Targets = append(run.Targets, target(fmt.Sprintf("p99 <= %.0f ms at 1,000/s", targetPushP99Ms), run.Delivery.P99 <= targetPushP99Ms))
	case gateway == "apns" && latency == 0:
		run.Targets = append(run.Targets,
			target(fmt.Sprintf(">= %d wakeups/s", targetPushPerSec), run.WakeupsPerSec >= targetPushPerSec),
			target(fmt.Sprintf("<= %.0f us node CPU per wakeup", targetPushCPUUs), run.NodeCPUUs <= targetPushCPUUs))
	case gateway == "apns" && latency >= 20*time.Millisecond:
		run.Targets = append(run.Targets, target(fmt.Sprintf(">= %d wakeups/s at %v", targetPushSlowPerSec, latency), run.WakeupsPerSec >= targetPushSlowPerSec))
	}
	if run.Missing > 0 || run.Errors > 0 {
		return run, fmt.Errorf("%d accepted wakeups not delivered, %d errors (%s)\n%s", run.Missing, run.Errors, run.FirstErr, node.logTail())
	}
	return run, nil
}

type sentWake struct {
	id       string
	at       time.Time // intended send time
	answered time.Time
}

// pace emits rate ticks per second, spread evenly, until ctx is done.
func pace(ctx context.Context, rate int, out chan<- time.Time) {
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for n := 0; ; n++ {
		at := start.Add(time.Duration(n) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return
			}
		}
		select {
		case out <- at:
		case <-ctx.Done():
			return
		}
	}
}

// benchFakes are the fake APNs and FCM and the apps file pointing at them.
type benchFakes struct {
	apns     *apnstest.Server
	fcm      *fcmtest.Server
	appsFile string
}

func (f *benchFakes) close() {
	if f.apns != nil {
		f.apns.Close()
	}
	if f.fcm != nil {
		f.fcm.Close()
	}
}

func startBenchFakes(dir string, keep, apnsConns int) (_ *benchFakes, err error) {
	f := &benchFakes{}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	key, err := apnstest.GenerateKey()
	if err != nil {
		return nil, err
	}
	if f.apns, err = apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{benchAPNsTopic}, KeepDeliveries: keep}); err != nil {
		return nil, err
	}
	if f.fcm, err = fcmtest.NewServer(fcmtest.Options{KeepDeliveries: keep}); err != nil {
		return nil, err
	}
	sa, err := f.fcm.NewServiceAccount(benchProject)
	if err != nil {
		return nil, err
	}
	write := func(name string, b []byte) (string, error) {
		p := filepath.Join(dir, name)
		return p, os.WriteFile(p, b, 0o600)
	}
	keyFile, err := write("AuthKey.p8", key.PEM)
	if err != nil {
		return nil, err
	}
	saFile, err := write("firebase-sa.json", sa)
	if err != nil {
		return nil, err
	}
	apnsCA, err := peerCertPEM(f.apns.URL())
	if err != nil {
		return nil, err
	}
	fcmCA, err := peerCertPEM(f.fcm.URL())
	if err != nil {
		return nil, err
	}
	caFile, err := write("fakes-ca.pem", append(apnsCA, fcmCA...))
	if err != nil {
		return nil, err
	}
	f.appsFile, err = write("apps.yaml", fmt.Appendf(nil, `apps:
  - id: %s
    gateway: apns
    apns: {key-file: %s, key-id: %s, team-id: %s, topic: %s, environment: sandbox, host: %q, ca-file: %s, connections: %d}
  - id: %s
    gateway: fcm
    fcm: {credentials-file: %s, endpoint: %q, ca-file: %s}
`, benchAPNsApp, keyFile, key.KeyID, key.TeamID, benchAPNsTopic, f.apns.URL(), caFile, apnsConns, benchFCMApp, saFile, f.fcm.Endpoint(), caFile))
	return f, err
}

// peerCertPEM returns the certificate a TLS server presents, as PEM.
func peerCertPEM(baseURL string) ([]byte, error) {
	conn, err := tls.Dial("tcp", strings.TrimPrefix(baseURL, "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: conn.ConnectionState().PeerCertificates[0].Raw}), nil
}

// registerBench registers n installations of one owner and returns one
// wake path each.
func registerBench(ctx context.Context, url, gateway string, n int) ([]string, error) {
	key, _ := crypto.GenerateKey()
	c, err := client.Dial(ctx, client.Options{URL: url, Key: key})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	app := benchAPNsApp
	if gateway == "fcm" {
		app = benchFCMApp
	}
	paths := make([]string, n)
	for i := range n {
		b := make([]byte, 32)
		rand.Read(b)
		tok := hex.EncodeToString(b)
		if gateway == "fcm" {
			tok = "bench:" + tok
		}
		inst := "inst-" + strconv.Itoa(i)
		if _, err := c.RegisterPush(ctx, pushwire.Registration{InstallationID: inst, Gateway: gateway, AppID: app, Token: tok, Version: 1}); err != nil {
			return nil, err
		}
		wt, err := c.WakeupToken(ctx, inst)
		if err != nil {
			return nil, err
		}
		paths[i] = wt.Path
	}
	return paths, nil
}

// wakeConn is a minimal HTTP/1.1 keep-alive client for wake requests: the
// load generator shares the cores with the node, so it must be cheap.
type wakeConn struct {
	conn net.Conn
	r    *bufio.Reader
	host string
	buf  []byte
}

func dialWake(host string) (*wakeConn, error) {
	c, err := net.Dial("tcp", host)
	if err != nil {
		return nil, err
	}
	return &wakeConn{conn: c, r: bufio.NewReaderSize(c, 4096), host: host}, nil
}

func (w *wakeConn) close() { w.conn.Close() }

// appendReq adds a wake request for path to the send buffer.
func (w *wakeConn) appendReq(path string) {
	w.buf = append(w.buf, "POST "...)
	w.buf = append(w.buf, path...)
	w.buf = append(w.buf, " HTTP/1.1\r\nHost: "...)
	w.buf = append(w.buf, w.host...)
	w.buf = append(w.buf, "\r\nContent-Length: 0\r\n\r\n"...)
}

// send writes the send buffer's requests with one write.
func (w *wakeConn) send() error {
	w.conn.SetDeadline(time.Now().Add(30 * time.Second))
	_, err := w.conn.Write(w.buf)
	return err
}

// readResp reads one response and returns its status and wakeup id.
func (w *wakeConn) readResp() (int, string, error) {
	line, err := w.r.ReadSlice('\n')
	if err != nil {
		return 0, "", err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, "", fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, "", fmt.Errorf("bad status line %q", line)
	}
	var id string
	length := 0
	for {
		h, err := w.r.ReadSlice('\n')
		if err != nil {
			return 0, "", err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, _ := bytes.Cut(h, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Location")):
			id = string(bytes.TrimPrefix(v, []byte("/v1/wake/message/")))
		case bytes.EqualFold(k, []byte("Content-Length")):
			length, _ = strconv.Atoi(string(v))
		}
	}
	if length > 0 {
		if _, err := w.r.Discard(length); err != nil {
			return 0, "", err
		}
	}
	return status, id, nil
}

func printPush(w io.Writer, r PushResult) {
	var secs []section
	for _, run := range r.Runs {
		rows := []row{
			{"load", loadText(run), nil},
			{"accepted (201)", fmt.Sprintf("%d (%.0f/s), refused %d, errors %d", run.Accepted, run.AcceptedPerSec, run.Refused, run.Errors), nil},
			{"delivered at the fake", fmt.Sprintf("%d (%.0f wakeups/s), missing %d", run.Delivered, run.WakeupsPerSec, run.Missing), nil},
			{"steady state", fmt.Sprintf("%.0f wakeups/s delivered", run.SteadyPerSec), nil},
			{"node CPU per wakeup", fmt.Sprintf("%.1f us steady, %.1f us whole run (node %.0f%% of a core; pnbench+fakes %.1f us, %.0f%%)",
				run.NodeCPUUs, run.NodeCPUUsTotal, run.NodeCPUPercent, run.BenchCPUUs, run.BenchCPUPct), nil},
			{"request -> 201", run.Answer.String(), nil},
			{"request -> delivery", run.Delivery.String(), nil},
			{"node RSS max", fmt.Sprintf("%.1f MiB", float64(run.NodeRSSMax)/(1<<20)), nil},
		}
		for _, t := range run.Targets {
			rows = append(rows, row{"target", "", t})
		}
		secs = append(secs, section{title: run.Name, rows: rows})
	}
	printTable(w, "pnbench push: wake request -> node -> fake push service", r.Machine, secs, r.Notes)
}

// loadText describes a run's load for the table.
func loadText(run *PushRun) string {
	if run.Pipeline > 1 {
		return fmt.Sprintf("%s, %d conns, %d pipelined each, %.1f s", run.Mode, run.Conns, run.Pipeline, run.Seconds)
	}
	return fmt.Sprintf("%s, %d conns, %.1f s", run.Mode, run.Conns, run.Seconds)
}
