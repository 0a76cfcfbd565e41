package fakes

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestLogKeepsLastK(t *testing.T) {
	l := NewLog[int](3)
	for i := range 10 {
		l.Record(i)
	}
	got := l.Snapshot()
	if len(got) != 3 || got[0] != 7 || got[2] != 9 || l.Total() != 10 {
		t.Fatalf("snapshot %v total %d", got, l.Total())
	}
}

func TestLogWaitFor(t *testing.T) {
	l := NewLog[int](2)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if err := l.WaitFor(ctx, 1); err == nil {
		t.Fatal("WaitFor on an empty log returned nil")
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := l.WaitFor(t.Context(), 5); err != nil {
			t.Error(err)
		}
	})
	for i := range 5 {
		l.Record(i)
	}
	wg.Wait()
	if len(l.waiters) != 0 {
		t.Fatalf("%d waiters left", len(l.waiters))
	}
}

func TestQueueAndCountdown(t *testing.T) {
	var q Queue[string]
	q.Add(2, "a")
	q.Add(1, "b")
	q.Add(0, "never")
	var got []string
	for {
		f, ok := q.Take()
		if !ok {
			break
		}
		got = append(got, f)
	}
	if len(got) != 3 || got[0] != "a" || got[1] != "a" || got[2] != "b" {
		t.Fatalf("got %v", got)
	}
	var c Countdown
	c.Add(2)
	if !c.Take() || !c.Take() || c.Take() {
		t.Fatal("countdown of 2 did not give exactly 2")
	}
}

func TestPerToken(t *testing.T) {
	var p PerToken[int]
	if _, ok := p.Get("x"); ok {
		t.Fatal("empty map has x")
	}
	v := 7
	p.Set("x", &v)
	if got, ok := p.Get("x"); !ok || got != 7 {
		t.Fatalf("Get = %d, %v", got, ok)
	}
	p.Set("x", nil)
	if _, ok := p.Get("x"); ok {
		t.Fatal("x not removed")
	}
}

func TestHold(t *testing.T) {
	var h Hold
	req := func(ctx context.Context) *http.Request {
		r, _ := http.NewRequestWithContext(ctx, "POST", "https://fake/", nil)
		return r
	}
	if !h.Wait(req(context.Background())) {
		t.Fatal("the zero Hold held a request")
	}
	h.Add(2)
	done := make(chan bool, 2)
	go func() { done <- h.Wait(req(context.Background())) }()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- h.Wait(req(ctx)) }()
	select {
	case <-done:
		t.Fatal("a held request went on before Release")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if <-done {
		t.Fatal("Wait reported a cancelled request as wanted")
	}
	h.Release()
	if !<-done {
		t.Fatal("Wait reported a released request as not wanted")
	}
	if !h.Wait(req(context.Background())) {
		t.Fatal("a request past the held ones was held")
	}
}
