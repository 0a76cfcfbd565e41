package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Machine describes where a run happened.
type Machine struct {
	CPUs      int    `json:"cpus"`
	Model     string `json:"cpu_model"`
	MemoryMiB int64  `json:"memory_mib"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	NoFile    uint64 `json:"rlimit_nofile"`
	// LoadAvg is /proc/loadavg at the start: other work on the machine
	// competes for its cores and disk.
	LoadAvg string `json:"loadavg_start"`
}

func machineInfo() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.Model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if kib, ok := procField("/proc/meminfo", "MemTotal:"); ok {
		m.MemoryMiB = kib / 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		m.NoFile = lim.Cur
	}
	m.LoadAvg = loadAvg()
	return m
}

// loadAvg returns the 1, 5 and 15 minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}

// fsyncProbe times n 4 KiB appends each followed by fsync in dir: the floor
// under every durable Put on this disk.
func fsyncProbe(dir string, n int) (Latency, error) {
	f, err := os.CreateTemp(dir, "fsync-probe-")
	if err != nil {
		return Latency{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	lat := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if _, err := f.Write(buf); err != nil {
			return Latency{}, err
		}
		if err := f.Sync(); err != nil {
			return Latency{}, err
		}
		lat = append(lat, time.Since(t))
	}
	return summarize(lat), nil
}

// procField reads the first integer after key in a /proc file of "key value"
// lines (kB units stay as they are).
func procField(path, key string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0, false
			}
			n, err := strconv.ParseInt(fields[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// raiseNoFile lifts the soft RLIMIT_NOFILE to the hard limit; children
// (pnode, workers) inherit it. It returns the limit in force.
func raiseNoFile() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

// Latency summarises a set of durations, in milliseconds.
type Latency struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p999_ms"`
	Max  float64 `json:"max_ms"`
}

// summarize sorts samples in place and returns their percentiles.
func summarize(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	slices.Sort(samples)
	var sum time.Duration
	for _, d := range samples {
		sum += d
	}
	at := func(q float64) float64 {
		i := int(q*float64(len(samples))+0.5) - 1
		i = max(0, min(i, len(samples)-1))
		return ms(samples[i])
	}
	return Latency{
		N:    len(samples),
		Mean: ms(sum / time.Duration(len(samples))),
		P50:  at(0.50),
		P90:  at(0.90),
		P99:  at(0.99),
		P999: at(0.999),
		Max:  ms(samples[len(samples)-1]),
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (l Latency) String() string {
	if l.N == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms  (n=%d)", l.P50, l.P90, l.P99, l.P999, l.Max, l.N)
}

// Target is a goal a figure is compared against.
type Target struct {
	Goal string `json:"goal"`
	Met  bool   `json:"met"`
}

func target(goal string, met bool) *Target { return &Target{Goal: goal, Met: met} }

// row is one line of the human table.
type row struct {
	name, value string
	target      *Target
}

type section struct {
	title string
	rows  []row
}

// printTable renders sections as aligned text.
func printTable(w io.Writer, title string, m Machine, secs []section, notes []string) {
	fmt.Fprintf(w, "%s\nmachine: %d x %s, %d MiB, linux %s, %s, nofile %d, load average at start %s\n", title, m.CPUs, m.Model, m.MemoryMiB, m.Kernel, m.Go, m.NoFile, m.LoadAvg)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range secs {
		fmt.Fprintf(tw, "\n%s\n", s.title) // no tab: each section aligns on its own
		for _, r := range s.rows {
			t := ""
			if r.target != nil {
				verdict := "MISSED"
				if r.target.Met {
					verdict = "met"
				}
				t = fmt.Sprintf("target %s: %s", r.target.Goal, verdict)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.name, r.value, t)
		}
	}
	tw.Flush()
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func kib(b int64) string { return fmt.Sprintf("%.1f KiB", float64(b)/1024) }
