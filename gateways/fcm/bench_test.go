package fcm_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways/fcm"
)

// BenchmarkSend pushes wakeups through the real SDK to the fake FCM over
// TLS and HTTP/2 on loopback, client and server in this process, and
// reports sends/s and CPU per send. Run with, for example:
//
//	go test -run '^$' -bench BenchmarkSend -benchtime 50000x ./gateways/fcm/
func BenchmarkSend(b *testing.B) {
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%v", latency), func(b *testing.B) {
			srv, sa := newFake(b)
			srv.SetLatency(latency)
			s := newSender(b, fakeConfig(srv, sa))
			tok := randToken(b)
			if err := s.Send(b.Context(), wakeup(tok)); err != nil { // token fetch, connection
				b.Fatal(err)
			}
			var failed atomic.Int64
			b.SetParallelism(fcm.DefaultConcurrency / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				n := wakeup(tok)
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
		})
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
