package fcm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways/fcm"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
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
			n := wakeup(tok)
			gatewaytest.BenchSends(b, fcm.DefaultConcurrency, func(ctx context.Context) error { return s.Send(ctx, n) })
		})
	}
}
