// Package gatewaytest holds what the APNs and FCM gateway tests share: a
// canned-reply transport and the classification invariants every gateway
// keeps. It is imported by tests only.
package gatewaytest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways"
)

// Reply is an http.RoundTripper that answers every request with one canned
// reply, without a network.
type Reply struct {
	Status     int
	RetryAfter string // sent as Retry-After unless empty
	Body       []byte
	Header     http.Header // more headers, copied into every reply
}

// RoundTrip drains the request and returns the canned reply.
func (r *Reply) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if r.RetryAfter != "" {
		h.Set("Retry-After", r.RetryAfter)
	}
	return &http.Response{
		StatusCode: r.Status, Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(r.Body)), ContentLength: int64(len(r.Body)),
	}, nil
}

// CheckRejected checks what a gateway returns for a reply that is not a
// success: exactly one failure class, a *gateways.RejectedError carrying the
// status, and a Retry-After within bounds that honours a plain number of
// seconds. It returns the error for gateway-specific checks.
func CheckRejected(t testing.TB, status int, retryAfter string, err error) *gateways.RejectedError {
	t.Helper()
	if gateways.ClassOf(err) == gateways.ClassDelivered {
		t.Fatalf("status %d classified as delivered", status)
	}
	re, ok := errors.AsType[*gateways.RejectedError](err)
	if !ok {
		t.Fatalf("status %d: %v is not a *RejectedError", status, err)
	}
	if re.Status != status {
		t.Fatalf("RejectedError.Status %d, want %d", re.Status, status)
	}
	if re.RetryAfter < 0 || re.RetryAfter > gateways.MaxRetryAfter {
		t.Fatalf("RetryAfter %v out of bounds", re.RetryAfter)
	}
	if secs, err := strconv.Atoi(retryAfter); err == nil && secs > 0 && secs < 3600 && re.RetryAfter != time.Duration(secs)*time.Second {
		t.Fatalf("Retry-After %q gave %v", retryAfter, re.RetryAfter)
	}
	return re
}

// SendConcurrently sends total wakeups at once, round-robin over tokens, of
// which the first is unregistered at the fake. It checks that exactly that
// token's share comes back as dead tokens and the rest as delivered, and
// returns how many were delivered. waitFor waits until the fake counted n
// deliveries.
func SendConcurrently(t testing.TB, send func(ctx context.Context, token string) error, tokens []string, total int,
	waitFor func(ctx context.Context, n int64) error) int64 {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	classes := map[gateways.Class]int{}
	for i := range total {
		wg.Go(func() {
			c := gateways.ClassOf(send(t.Context(), tokens[i%len(tokens)]))
			mu.Lock()
			classes[c]++
			mu.Unlock()
		})
	}
	wg.Wait()
	dead := total / len(tokens)
	if classes[gateways.ClassDeadToken] != dead || classes[gateways.ClassDelivered] != total-dead {
		t.Fatalf("classes %v, want %d dead and %d delivered", classes, dead, total-dead)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := waitFor(ctx, int64(total-dead)); err != nil {
		t.Fatal(err)
	}
	return int64(total - dead)
}

// BenchSends runs send b.N times from about concurrency goroutines and
// reports sends/s and the process's CPU microseconds per send (both ends of
// the connection, when the fake runs in the same process).
func BenchSends(b *testing.B, concurrency int, send func(ctx context.Context) error) {
	b.Helper()
	var failed atomic.Int64
	b.SetParallelism(max(1, concurrency/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := send(b.Context()); err != nil && failed.Add(1) == 1 {
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
}

// cpuTime returns the user+system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Fake is what CheckStalledSkipped needs of a fake push service.
type Fake struct {
	HoldNext func(n int)     // hold the next n requests unanswered
	Release  func()          // answer the held ones
	Requests func() int64    // requests seen
	Remotes  func() []string // the client address of each delivery, in order
}

// CheckStalledSkipped checks that a gateway stops sending over a connection
// that has gone quiet: after one delivered send, a second is held by the
// fake, so its connection has a request in flight and receives nothing.
// Once stall has passed, five more sends must all go over one other
// connection, and the held send must complete over its own once released.
func CheckStalledSkipped(t testing.TB, fake Fake, stall time.Duration, send func(ctx context.Context) error) {
	t.Helper()
	ctx := context.Background()
	if err := send(ctx); err != nil {
		t.Fatal(err)
	}
	fake.HoldNext(1)
	held := make(chan error, 1)
	go func() { held <- send(ctx) }()
	for fake.Requests() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(stall + 50*time.Millisecond)
	for range 5 {
		if err := send(ctx); err != nil {
			t.Fatal(err)
		}
	}
	fake.Release()
	if err := <-held; err != nil {
		t.Fatalf("held send: %v", err)
	}
	got := fake.Remotes()
	if len(got) != 7 {
		t.Fatalf("%d deliveries, want 7", len(got))
	}
	first, later := got[0], got[1:6]
	for _, r := range later {
		if r == first {
			t.Fatalf("a send after the stall went over the stalled connection (%s): %q", first, got)
		}
		if r != later[0] {
			t.Fatalf("sends after the stall were spread over connections: %q", got)
		}
	}
	if got[6] != first {
		t.Fatalf("the held send was delivered over %s, not its connection %s", got[6], first)
	}
}
