package push_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// fakeClock is an injected clock for coalescing.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestCoalescing: with the owner offline, triggers on a watched topic give
// at most one wakeup per installation per window, and the last trigger is
// always followed by one within the window (the trailing wakeup). An
// owner with a live session is not woken at all.
func TestCoalescing(t *testing.T) {
	f := newFakes(t)
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	n := newNode(t, f.apps, opts{noStart: true, now: clock.now, cfg: func(c *push.Config) { c.CoalesceWindow = 30 * time.Second }})
	owner, other := newOwner(), newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "a", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Topics: []string{"t"}, Version: 1})
	n.register(t, other, pushwire.Registration{InstallationID: "b", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Topics: []string{"t"}, Version: 1})
	onlyOtherOnline := func(a common.Address) bool { return a == other }
	t0 := clock.now().UnixMilli()
	trigger := func() {
		t.Helper()
		if err := n.svc.EnvelopeStored(t.Context(), "t", onlyOtherOnline); err != nil {
			t.Fatal(err)
		}
	}
	trigger() // t0: immediate
	clock.add(10 * time.Second)
	trigger() // t0+10s: trailing wakeup at t0+30s
	clock.add(5 * time.Second)
	trigger() // t0+15s: absorbed
	clock.add(10 * time.Second)
	trigger() // t0+25s: absorbed (the trailing one is still ahead)
	clock.add(40 * time.Second)
	trigger() // t0+65s: the window after t0+30s is over: immediate
	var got []int64
	for _, j := range n.svc.QueuedForTest() {
		got = append(got, j.SendAtForTest()-t0)
	}
	want := []int64{0, 30_000, 65_000}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("wakeups at %v ms after the first trigger, want %v", got, want)
	}
	if c := n.counter(t, "pnode_push_coalesced_total"); c != 2 {
		t.Fatalf("coalesced = %v, want 2", c)
	}
	if c := n.counter(t, "pnode_push_accepted_total", "source", "topic"); c != 3 {
		t.Fatalf("accepted = %v, want 3 (none for the online owner)", c)
	}
}

// TestQueueReloaded: wakeups accepted before Close are sent after Open.
func TestQueueReloaded(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true})
	owner := newOwner()
	tok := n.apnsInstallation(t, owner, "i")
	ids := map[string]bool{}
	for range 5 {
		id, err := n.svc.Wake(t.Context(), tok, "127.0.0.1", 0)
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	n.close(t)
	n2 := newNode(t, f.apps, opts{key: n.key, dir: n.dir})
	if got := n2.counter(t, "pnode_push_queue_depth"); got != 5 {
		t.Fatalf("queue depth after reopen = %v", got)
	}
	if err := f.apns.WaitFor(waitCtx(t), 5); err != nil {
		t.Fatal(err)
	}
	for _, d := range f.apns.Deliveries() {
		if !ids[d.ApnsID] {
			t.Errorf("delivered unknown id %s", d.ApnsID)
		}
		delete(ids, d.ApnsID)
	}
	eventually(t, "acknowledged", func() bool { return n2.svc.PendingForTest() == 0 })
}

func TestQueueFullAndRates(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true, cfg: func(c *push.Config) {
		c.QueueSize = 3
		c.WakeRate, c.WakeBurst = 0.001, 2
		c.WakeIPRate, c.WakeIPBurst = 0.001, 4
	}})
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	a, b := n.wakeToken(t, owner, "i"), n.wakeToken(t, owner, "i")
	for _, tok := range []string{a, a} {
		if _, err := n.svc.Wake(t.Context(), tok, "10.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err := n.svc.Wake(t.Context(), a, "10.0.0.1", 0)
	var re *push.RateError
	if !errors.As(err, &re) || re.PerIP || re.RetryAfter <= 0 {
		t.Fatalf("3rd wake on one token: %v, want a per-token rate error", err)
	}
	if _, err := n.svc.Wake(t.Context(), b, "10.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Wake(t.Context(), b, "10.0.0.2", 0); !errors.Is(err, push.ErrQueueFull) {
		t.Fatalf("4th job: %v, want ErrQueueFull", err)
	}
	if _, err := n.svc.Wake(t.Context(), b, "10.0.0.1", 0); !errors.As(err, &re) || !re.PerIP {
		t.Fatalf("5th request from one IP: %v, want a per-IP rate error", err)
	}
	if _, err := n.svc.Wake(t.Context(), "AAAAAAAAAAAAAAAAAAAAAAAA", "10.0.0.3", 0); !errors.Is(err, push.ErrUnknownWakeToken) {
		t.Fatalf("unknown token: %v", err)
	}
	if got := n.counter(t, "pnode_push_refused_total", "reason", "queue_full"); got != 1 {
		t.Fatalf("queue_full refusals = %v", got)
	}
}

// TestWakeBatch: a group of wake requests gets, request by request, the
// decisions Wake would give (rate limits in order, unknown tokens, a full
// queue refusing only the requests past its room), and the accepted ones
// are queued durably: they are there after a reopen.
func TestWakeBatch(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true, cfg: func(c *push.Config) {
		c.QueueSize = 4
		c.WakeRate, c.WakeBurst = 0.001, 2
		c.WakeIPRate, c.WakeIPBurst = 0.001, 100
	}})
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	n.register(t, owner, pushwire.Registration{InstallationID: "j", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	a, b, c := n.wakeToken(t, owner, "i"), n.wakeToken(t, owner, "j"), n.wakeToken(t, owner, "j")
	reqs := []push.WakeReq{
		{Token: a, IP: "10.0.0.1", TTL: time.Minute},
		{Token: a, IP: "10.0.0.1"},
		{Token: a, IP: "10.0.0.1"}, // over the token's burst
		{Token: "AAAAAAAAAAAAAAAAAAAAAAAA", IP: "10.0.0.1"},
		{Token: b, IP: "10.0.0.1"},
		{Token: b, IP: "10.0.0.1"},
		{Token: c, IP: "10.0.0.1"}, // queue full: four are queued
	}
	n.svc.WakeBatch(t.Context(), reqs)
	var re *push.RateError
	for i, r := range reqs {
		var ok bool
		switch i {
		case 2:
			ok = errors.As(r.Err, &re) && !re.PerIP && r.ID == ""
		case 3:
			ok = errors.Is(r.Err, push.ErrUnknownWakeToken) && r.ID == ""
		case 6:
			ok = errors.Is(r.Err, push.ErrQueueFull) && r.ID == ""
		default:
			ok = r.Err == nil && len(r.ID) == 36
		}
		if !ok {
			t.Errorf("request %d: id %q, err %v", i, r.ID, r.Err)
		}
	}
	if got := n.counter(t, "pnode_push_refused_total", "reason", "queue_full"); got != 1 {
		t.Errorf("queue_full refusals = %v, want 1", got)
	}
	n.close(t)
	n2 := newNode(t, f.apps, opts{key: n.key, dir: n.dir})
	if got := n2.counter(t, "pnode_push_queue_depth"); got != 4 {
		t.Fatalf("queue depth after reopen = %v, want 4", got)
	}
	if err := f.apns.WaitFor(waitCtx(t), 4); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{reqs[0].ID: true, reqs[1].ID: true, reqs[4].ID: true, reqs[5].ID: true}
	for _, d := range f.apns.Deliveries() {
		if !want[d.ApnsID] {
			t.Errorf("delivered %s, not one of the accepted", d.ApnsID)
		}
		delete(want, d.ApnsID)
	}
	if len(want) != 0 {
		t.Errorf("not delivered: %v", want)
	}
	eventually(t, "acknowledged", func() bool { return n2.svc.PendingForTest() == 0 })
}
