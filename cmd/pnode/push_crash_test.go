package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// TestNoAcceptedWakeupLost fires wake requests at a pnode process whose
// APNs app points at a fake APNs in this test process (with latency, so
// sends are in flight), SIGKILLs the node mid-stream, restarts it on the
// same data directory and checks that every wake request answered 201
// reached the fake, matched by idempotency id (the apns-id). A wakeup may
// arrive twice only if its first send was in flight at the kill.
// fakeLatency keeps sends in flight at the kill.
const fakeLatency = 20 * time.Millisecond

func TestNoAcceptedWakeupLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts pnode processes")
	}
	fake := newFakeAPNs(t, 200_000)
	fake.srv.SetLatency(fakeLatency)
	apps := fake.appsFile(t, "crash.apns")
	flags := []string{"--push-apps-file", apps, "--push-wake-rate", "1e6", "--push-wake-burst", "1000000",
		"--push-wake-ip-rate", "1e6", "--push-wake-ip-burst", "1000000"}
	dataDir := t.TempDir()
	n := startProc(t, dataDir, flags...)
	base := strings.TrimSuffix(strings.Replace(n.url, "ws://", "http://", 1), "/ws")

	key, _ := crypto.GenerateKey()
	c, err := client.Dial(t.Context(), client.Options{URL: n.url, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "phone", Gateway: "apns", AppID: "crash.apns", Token: randHex(32), Version: 1}); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for range 8 {
		wt, err := c.WakeupToken(t.Context(), "phone")
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, wt.Path)
	}
	c.Close()

	const senders = 16
	ctx, cancel := context.WithCancel(t.Context())
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var accepted []string
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+paths[(s+i)%len(paths)], nil)
				resp, err := hc.Do(req)
				if err != nil {
					return // the node died: not accepted
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					accepted = append(accepted, strings.TrimPrefix(resp.Header.Get("Location"), "/v1/wake/message/"))
					mu.Unlock()
				}
			}
		})
	}
	for {
		mu.Lock()
		k := len(accepted)
		mu.Unlock()
		if k >= 3000 && fake.srv.Count() >= 500 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n.cmd.Wait()
	cancel()
	wg.Wait()
	hc.CloseIdleConnections()
	mu.Lock()
	ids := append([]string(nil), accepted...)
	mu.Unlock()
	before := fake.srv.Count()
	t.Logf("%d wake requests answered 201 before SIGKILL; %d delivered by then", len(ids), before)

	// Sends in flight at the kill are still recorded by the fake for a while
	// (its latency, plus scheduling under load). Wait until it has been quiet
	// for a moment before restarting: every delivery recorded after that comes
	// from the restarted node, which may re-send a wakeup (same apns-id) but
	// must send each at most once.
	last, quiet := fake.srv.Count(), time.Now()
	for giveUp := time.Now().Add(10 * time.Second); time.Since(quiet) < 300*time.Millisecond && time.Now().Before(giveUp); {
		time.Sleep(20 * time.Millisecond)
		if c := fake.srv.Count(); c != last {
			last, quiet = c, time.Now()
		}
	}
	restartAt := time.Now()
	startProc(t, dataDir, flags...)
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		seen := make(map[string]int)
		afterKill := make(map[string]int)
		for _, d := range fake.srv.Deliveries() {
			seen[d.ApnsID]++
			if d.At.After(restartAt) {
				afterKill[d.ApnsID]++
			}
		}
		missing := 0
		for id := range want {
			if seen[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			dups := 0
			for id, k := range seen {
				if k > 1 {
					dups++
					if afterKill[id] > 1 {
						t.Errorf("wakeup %s delivered %d times after the restart", id, afterKill[id])
					}
				}
			}
			t.Logf("all %d accepted wakeups delivered; %d delivered twice (in flight at the kill)", len(ids), dups)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d wakeups answered 201 never reached APNs", missing, len(ids))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
