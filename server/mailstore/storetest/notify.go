package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
)

// testPutNotify checks mailstore.PutNotify against the store: several workers put the same envelopes
// concurrently, one per call. Every successful call must have called visible exactly once before
// returning, with the count it returns, and at that moment a hash lookup must already find the
// envelope. Exactly one call per envelope reports it new.
func testPutNotify(t *testing.T, open OpenFunc) {
	s := open(t, Config())
	const workers = 4
	envs := Series(psA, "/notify", -time.Hour, time.Second, 200)
	newCount := make([]atomic.Int32, len(envs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := range envs {
				i := (k + w*len(envs)/workers) % len(envs)
				calls, seen := 0, -1
				var lookupErr error
				n, err := mailstore.PutNotify(t.Context(), s, func(stored int) {
					calls++
					seen = stored
					lookupErr = Findable(t.Context(), s, envs[i].Hash)
				}, envs[i])
				if err != nil {
					t.Errorf("PutNotify: %v", err)
					return
				}
				if calls != 1 || seen != n {
					t.Errorf("envelope %d: visible called %d times with %d, PutNotify returned %d", i, calls, seen, n)
					return
				}
				if lookupErr != nil {
					t.Errorf("envelope %d: %v", i, lookupErr)
					return
				}
				newCount[i].Add(int32(n))
			}
		})
	}
	wg.Wait()
	for i := range newCount {
		if c := newCount[i].Load(); c != 1 {
			t.Fatalf("envelope %d reported new by %d calls, want 1", i, c)
		}
	}
	checkKept(t, s, []string{"/notify"}, envs)

	// A call that fails before its envelope is visible does not call visible.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	_, err := mailstore.PutNotify(ctx, s, func(int) { called = true }, Env(psA, "/notify", time.Hour, "canceled"))
	if !errors.Is(err, context.Canceled) || called {
		t.Fatalf("PutNotify with a canceled ctx: err %v, visible called %v", err, called)
	}
}

// Findable reports, as an error, unless a lookup of hash h in s returns exactly one envelope. It
// fails no test itself, so a store's callback may call it on any goroutine.
func Findable(ctx context.Context, s mailstore.Store, h mailstore.Hash) error {
	page, err := s.Query(ctx, mailstore.Query{Hashes: []mailstore.Hash{h}, HashesOnly: true})
	switch {
	case err != nil:
		return err
	case len(page.Envelopes) != 1:
		return fmt.Errorf("hash lookup found %d envelopes", len(page.Envelopes))
	}
	return nil
}
