package apns_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways/apns"
)

// BenchmarkSend pushes background wakeups through the fake APNs over TLS
// and HTTP/2 on loopback, client and server in this process, with 0 and
// 20 ms of fake latency, over one connection and over the default pool. It
// reports sends/s and the CPU time per send (both ends), which, unlike
// sends/s, does not depend on what else the machine runs. Run with:
//
//	go test -run '^$' -bench BenchmarkSend -benchtime 100000x ./gateways/apns/
func BenchmarkSend(b *testing.B) {
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		for _, conns := range []int{1, apns.DefaultConnections} {
			b.Run(fmt.Sprintf("latency=%v/conns=%d", latency, conns), func(b *testing.B) {
				benchmarkSend(b, latency, conns)
			})
		}
	}
}

func benchmarkSend(b *testing.B, latency time.Duration, conns int) {
	srv, key := newFake(b)
	srv.SetLatency(latency)
	cfg := tokenConfig(srv, key)
	cfg.Connections = conns
	s := newSender(b, cfg)
	tok := randToken(b)
	if err := s.Send(b.Context(), background(tok)); err != nil { // warm up
		b.Fatal(err)
	}
	var failed atomic.Int64
	// RunParallel starts parallelism*GOMAXPROCS goroutines: keep about
	// Concurrency sends in flight.
	b.SetParallelism(apns.DefaultConcurrency / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		n := background(tok)
		for pb.Next() {
			if err := s.Send(b.Context(), n); err != nil && failed.Add(1) == 1 {
				b.Error(err)
			}
		}
	})
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "sends/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/send")
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d sends failed", f)
	}
	if got := srv.Count(); got != int64(b.N)+1 {
		b.Fatalf("fake counted %d, want %d", got, b.N+1)
	}
}

// cpuTime returns the user+system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
