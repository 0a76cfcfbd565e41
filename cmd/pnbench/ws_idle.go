package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"
)

// workerEnv, when set in the environment, makes the binary an idle-connection
// worker instead of pnbench; its value is the session key in hex. A process
// may hold only RLIMIT_NOFILE sockets, so past that pnbench spreads the idle
// connections over workers (re-executions of itself).
const workerEnv = "PNBENCH_IDLE_WORKER"

// idleReadBuf is the read buffer of an idle connection: it sees only pings.
const idleReadBuf = 256

// idleStats reports one openIdle run.
type idleStats struct {
	Opened   int     `json:"opened"`
	Failed   int     `json:"failed"`
	FirstErr string  `json:"first_err,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// idleSet holds open idle connections; each has a reader goroutine that
// answers the node's pings.
type idleSet struct {
	mu    sync.Mutex
	conns []*websocket.Conn // guarded by mu
	wg    sync.WaitGroup
}

// openIdle opens n authenticated connections, numbered from offset (which
// picks their source address), with the given dial concurrency. It stops
// early when ctx ends or when failures pile up.
func openIdle(ctx context.Context, d *rawDialer, n, offset, concurrency int) (*idleSet, idleStats) {
	set := &idleSet{conns: make([]*websocket.Conn, 0, n)}
	var next, failed atomic.Int64
	var firstErr atomic.Value
	maxFailed := int64(max(50, n/50))
	start := time.Now()
	var wg sync.WaitGroup
	for range min(concurrency, n) {
		wg.Go(func() {
			for ctx.Err() == nil && failed.Load() < maxFailed {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				ws, err := d.dial(ctx, offset+i, idleReadBuf)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				set.mu.Lock()
				set.conns = append(set.conns, ws)
				set.mu.Unlock()
				set.wg.Go(func() {
					for {
						if _, _, err := ws.NextReader(); err != nil {
							return
						}
					}
				})
			}
		})
	}
	wg.Wait()
	st := idleStats{Opened: len(set.conns), Failed: int(failed.Load()), Seconds: time.Since(start).Seconds()}
	if e, ok := firstErr.Load().(string); ok {
		st.FirstErr = e
	}
	return set, st
}

// close drops every connection (without a close handshake) and waits for
// the readers.
func (s *idleSet) close() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
	s.wg.Wait()
}

// idleGroup is the idle connections of one phase A: in this process, or in
// worker processes.
type idleGroup struct {
	local   *idleSet
	workers []*exec.Cmd
	stdins  []io.Closer
}

// openIdleGroup opens n idle connections, in-process if perProc allows,
// otherwise in ceil(n/perProc) worker processes.
func openIdleGroup(ctx context.Context, d *rawDialer, n, perProc, concurrency int, maxTime time.Duration) (*idleGroup, idleStats, error) {
	g := &idleGroup{}
	procs := (n + perProc - 1) / perProc
	if procs <= 1 {
		set, st := openIdle(ctx, d, n, 0, concurrency)
		g.local = set
		return g, st, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, idleStats{}, err
	}
	ips := make([]string, len(d.ips))
	for i, ip := range d.ips {
		ips[i] = ip.String()
	}
	type reply struct {
		st  idleStats
		err error
	}
	replies := make(chan reply, procs)
	start := time.Now()
	for w := range procs {
		share := n / procs
		if w < n%procs {
			share++
		}
		offset := w*(n/procs) + min(w, n%procs)
		cmd := exec.Command(exe, "--url", d.url, "--n", fmt.Sprint(share), "--offset", fmt.Sprint(offset),
			"--ips", strings.Join(ips, ","), "--concurrency", fmt.Sprint(max(1, concurrency/procs)), "--max-time", maxTime.String())
		cmd.Env = append(os.Environ(), workerEnv+"="+hex.EncodeToString(crypto.FromECDSA(d.key)))
		cmd.Stderr = os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			g.close()
			return nil, idleStats{}, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			g.close()
			return nil, idleStats{}, err
		}
		if err := cmd.Start(); err != nil {
			g.close()
			return nil, idleStats{}, fmt.Errorf("start idle worker: %w", err)
		}
		g.workers = append(g.workers, cmd)
		g.stdins = append(g.stdins, stdin)
		go func() {
			var r reply
			line, err := bufio.NewReader(stdout).ReadBytes('\n')
			if err == nil {
				err = json.Unmarshal(line, &r.st)
			}
			r.err = err
			replies <- r
			io.Copy(io.Discard, stdout)
		}()
	}
	var total idleStats
	for range procs {
		select {
		case r := <-replies:
			if r.err != nil {
				g.close()
				return nil, total, fmt.Errorf("idle worker: %w", r.err)
			}
			total.Opened += r.st.Opened
			total.Failed += r.st.Failed
			if total.FirstErr == "" {
				total.FirstErr = r.st.FirstErr
			}
		case <-ctx.Done():
			g.close()
			return nil, total, ctx.Err()
		}
	}
	total.Seconds = time.Since(start).Seconds()
	return g, total, nil
}

// close drops the connections and ends the workers.
func (g *idleGroup) close() {
	if g.local != nil {
		g.local.close()
	}
	for _, in := range g.stdins {
		in.Close()
	}
	for _, w := range g.workers {
		done := make(chan struct{})
		go func() { w.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			w.Process.Kill()
			<-done
		}
	}
	g.workers, g.stdins = nil, nil
}

// idleWorkerMain is a worker process: it opens its share of idle
// connections, reports one JSON line on stdout, holds the connections until
// stdin closes (or --max-time), then drops them and exits.
func idleWorkerMain(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) int {
	fs := flag.NewFlagSet("pnbench idle worker", flag.ContinueOnError)
	url := fs.String("url", "", "node websocket URL")
	n := fs.Int("n", 0, "connections")
	offset := fs.Int("offset", 0, "index of the first connection")
	ipList := fs.String("ips", "", "source addresses")
	concurrency := fs.Int("concurrency", 32, "dial concurrency")
	maxTime := fs.Duration("max-time", 10*time.Minute, "exit after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		json.NewEncoder(stdout).Encode(idleStats{FirstErr: err.Error()})
		return 1
	}
	key, err := crypto.HexToECDSA(os.Getenv(workerEnv))
	if err != nil {
		return fail(err)
	}
	ips, err := parseIPs(*ipList)
	if err != nil {
		return fail(err)
	}
	raiseNoFile()
	ctx, cancel := context.WithTimeout(ctx, *maxTime)
	defer cancel()
	set, st := openIdle(ctx, newRawDialer(*url, key, ips), *n, *offset, *concurrency)
	defer set.close()
	if err := json.NewEncoder(stdout).Encode(st); err != nil {
		return 1
	}
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, stdin)
		done <- err
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return 0
}

// localAddrs lists the idle connections' source addresses for the report.
func localAddrs(ips []net.IP) string {
	if len(ips) == 0 {
		return "127.0.0.1 (kernel default)"
	}
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ",")
}
