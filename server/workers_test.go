package server

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestWorkers: Go never waits for a busy worker, idle workers are reused,
// and all exit when the server stops.
func TestWorkers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorkers(ctx)
	block := make(chan struct{})
	started := make(chan struct{}, 3)
	for range 3 {
		w.Go(func() { started <- struct{}{}; <-block })
	}
	for range 3 {
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			t.Fatal("tasks did not run concurrently")
		}
	}
	close(block)
	waitWorkers(t, w, 3) // three idle workers
	ids := map[string]bool{}
	for range 100 {
		done := make(chan string)
		w.Go(func() { done <- goroutineID() })
		ids[<-done] = true
		time.Sleep(time.Millisecond) // let the worker go idle again
	}
	if len(ids) > 10 {
		t.Fatalf("100 sequential tasks ran on %d goroutines, want the idle workers reused", len(ids))
	}
	if n := w.n.Load(); n > 10 {
		t.Fatalf("%d workers", n)
	}
	cancel()
	waitWorkers(t, w, 0)
}

// TestWorkersIdleExit: workers left idle are ended, and new tasks still run.
func TestWorkersIdleExit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorkers(ctx)
	w.idle = 20 * time.Millisecond
	for round := range 2 {
		done := make(chan struct{}, 3)
		block := make(chan struct{})
		for range 3 {
			w.Go(func() { <-block; done <- struct{}{} })
		}
		close(block)
		for range 3 {
			<-done
		}
		waitWorkers(t, w, 0) // the idle workers were reaped
		time.Sleep(3 * w.idle)
		if w.reaping.Load() {
			t.Fatalf("round %d: reaps still scheduled with no workers left", round)
		}
	}
}

// goroutineID is the calling goroutine's number, from its stack header.
func goroutineID() string {
	var b [64]byte
	s := string(b[:runtime.Stack(b[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	return s[:strings.IndexByte(s, ' ')]
}

func waitWorkers(t *testing.T, w *workers, want int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for w.n.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d workers, want %d", w.n.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkWorkersGo: one task handed to an idle worker and waited for.
func BenchmarkWorkersGo(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorkers(ctx)
	done := make(chan struct{})
	task := func() { done <- struct{}{} }
	for b.Loop() {
		w.Go(task)
		<-done
	}
}
