package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// nodeFlags lift the node's limits so that a run measures the node, not
// its rate limiting; the shutdown flags make the final stop quick.
var nodeFlags = []string{
	"--log-level", "warn",
	"--publish-rate", "1e9", "--publish-burst", "1000000000",
	"--history-rate", "1e9", "--history-burst", "1000000000",
	"--ip-rate-factor", "1",
	"--max-conns-per-ip", "100000000",
	"--lame-duck-duration", "0s",
	// pnode dev runs a priced market: lift the free allowances so the
	// benchmark measures delivery, not credit holds.
	"--ledger-free-wakeups", "1000000000000",
	"--ledger-free-history", "1000000000000",
	"--ledger-free-storage-bytes", "1000000000000000",
}

// nodeProc is a pnode child process started by pnbench.
type nodeProc struct {
	cmd     *exec.Cmd
	pid     int
	url     string // ws://host:port/ws
	base    string // http://host:port
	logPath string
	exited  chan struct{} // closed when the process has been reaped
	waitErr error         // set before exited is closed
}

// buildPnode compiles cmd/pnode into dir. It must run inside the module.
func buildPnode(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", errors.New("cannot build pnode outside the pnmarket module: pass --pnode PATH")
	}
	bin := filepath.Join(dir, "pnode")
	// Built as the container image builds it: without cgo (pebble then
	// allocates its block cache on the Go heap, not through C calloc).
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/pnmarket/pnmarket/cmd/pnode")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build pnode: %w\n%s", err, out)
	}
	return bin, nil
}

// startNode runs `pnode dev` on a fresh data dir and a free loopback port,
// with env added to pnbench's environment, and waits for its banner.
func startNode(ctx context.Context, bin, dir string, extra, env []string) (*nodeProc, error) {
	args := append([]string{"dev", "--data-dir", filepath.Join(dir, "data"), "--listen", "127.0.0.1:0"}, nodeFlags...)
	args = append(args, extra...)
	logPath := filepath.Join(dir, "pnode.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...) // later entries win
	cmd.Stderr = logf
	// The node dies with pnbench even if pnbench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start pnode: %w", err)
	}
	logf.Close() // the child holds its own descriptor
	n := &nodeProc{cmd: cmd, pid: cmd.Process.Pid, logPath: logPath, exited: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "websocket:"); ok {
				urlc <- strings.TrimSpace(rest)
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		n.waitErr = cmd.Wait()
		close(n.exited)
	}()
	select {
	case u := <-urlc:
		n.url = u
		n.base = "http://" + strings.TrimSuffix(strings.TrimPrefix(u, "ws://"), "/ws")
		return n, nil
	case <-n.exited:
		return nil, fmt.Errorf("pnode exited before serving: %v\n%s", n.waitErr, n.logTail())
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	n.stop()
	return nil, fmt.Errorf("pnode did not start within 30s\n%s", n.logTail())
}

// stop ends the node: SIGTERM, then SIGKILL after a grace period.
func (n *nodeProc) stop() error {
	select {
	case <-n.exited:
		return nil
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
		return nil
	case <-time.After(20 * time.Second):
	}
	_ = n.cmd.Process.Kill()
	<-n.exited
	return errors.New("pnode ignored SIGTERM for 20s and was killed")
}

func (n *nodeProc) alive() bool {
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// logTail returns the end of the node's log, for error messages.
func (n *nodeProc) logTail() string {
	b, _ := os.ReadFile(n.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// rssBytes is the node's resident set size (VmRSS).
func (n *nodeProc) rssBytes() int64 {
	kb, _ := procField(fmt.Sprintf("/proc/%d/status", n.pid), "VmRSS:")
	return kb * 1024
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times; 100 on Linux.
const clockTicks = 100

// cpuTime is the node's user+system CPU time so far.
func (n *nodeProc) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", n.pid))
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 of the whole line.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// noFile is the node's soft RLIMIT_NOFILE.
func (n *nodeProc) noFile() int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/limits", n.pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Max open files"); ok {
			if fs := strings.Fields(rest); len(fs) > 0 {
				v, _ := strconv.Atoi(fs[0])
				return v
			}
		}
	}
	return 0
}

// metrics scrapes the node's /metrics. It returns every sample by its full
// name with labels, and the sum of each metric's samples by bare name.
func metrics(ctx context.Context, base string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: %s", resp.Status)
	}
	out := make(map[string]float64)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		name := line[:sp]
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		if i := strings.IndexByte(name, '{'); i >= 0 {
			out[name] = v
			name = name[:i]
		}
		out[name] += v
	}
	return out, sc.Err()
}

// waitSessions polls the node until it reports at most want sessions.
func waitSessions(ctx context.Context, base string, want int, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	for {
		m, err := metrics(ctx, base)
		if err != nil {
			return -1, err
		}
		got := int(m["pnode_ws_sessions"])
		if got <= want || time.Now().After(deadline) {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// histBucket is one bucket of a Prometheus histogram: its upper bound and
// the observations at or below it between two scrapes.
type histBucket struct{ le, n float64 }

// histBuckets returns histogram name's cumulative buckets between two
// scrapes, by bound.
func histBuckets(before, after map[string]float64, name string) []histBucket {
	var bs []histBucket
	prefix := name + `_bucket{le="`
	for k, v := range after {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(rest, `"}`), 64)
		if err != nil {
			continue
		}
		bs = append(bs, histBucket{le, v - before[k]})
	}
	slices.SortFunc(bs, func(a, b histBucket) int { return cmp.Compare(a.le, b.le) })
	return bs
}

// histOver returns how many observations of histogram name, between two
// scrapes, exceeded the largest bucket bound at or below le.
func histOver(before, after map[string]float64, name string, le float64) float64 {
	within := 0.0
	for _, b := range histBuckets(before, after, name) {
		if b.le > le {
			break
		}
		within = b.n
	}
	return after[name+"_count"] - before[name+"_count"] - within
}

// histQuantile estimates quantile q of a Prometheus histogram over the
// interval between two scrapes, as the upper bound of the bucket that holds
// it; +Inf when it lies past the last finite bucket, 0 without samples.
func histQuantile(before, after map[string]float64, name string, q float64) float64 {
	bs := histBuckets(before, after, name)
	if len(bs) == 0 || bs[len(bs)-1].n == 0 {
		return 0
	}
	want := q * bs[len(bs)-1].n
	for _, b := range bs {
		if b.n >= want {
			return b.le
		}
	}
	return math.Inf(1)
}
