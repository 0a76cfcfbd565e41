package mailstore

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestRunPrunerTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		var calls []time.Duration
		done := make(chan struct{})
		go func() {
			defer close(done)
			runPruner(ctx, time.Minute, time.Now, func(_ context.Context, now time.Time) {
				calls = append(calls, now.Sub(start))
			})
		}()
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		cancel()
		<-done
		want := []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute}
		if len(calls) != len(want) {
			t.Fatalf("prune calls at %v, want %v", calls, want)
		}
		for i := range want {
			if calls[i] != want[i] {
				t.Fatalf("prune calls at %v, want %v", calls, want)
			}
		}
	})
}
