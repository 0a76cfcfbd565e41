package apns_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways/apns"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
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
	n := background(tok)
	gatewaytest.BenchSends(b, apns.DefaultConcurrency, func(ctx context.Context) error { return s.Send(ctx, n) })
	if got := srv.Count(); got != int64(b.N)+1 {
		b.Fatalf("fake counted %d, want %d", got, b.N+1)
	}
}
