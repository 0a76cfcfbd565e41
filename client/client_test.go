package client_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/wire"
)

// startNode runs a real node with a real store on loopback.
func startNode(t *testing.T) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.Open(t.TempDir(), scfg, log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.LameDuckDuration = 0
	cfg.PublishRate, cfg.PublishBurst = 10000, 10000
	key, _ := crypto.GenerateKey()
	srv, err := server.New(cfg, server.Deps{NodeKey: key, Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; store.Close() })
	return ln.Addr().String()
}

// proxy forwards TCP to a node and can cut every connection on demand.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			wg.Go(func() { io.Copy(u, c); u.Close() })
			wg.Go(func() { io.Copy(c, u); c.Close() })
		}
	})
	t.Cleanup(func() { ln.Close(); p.cut(); wg.Wait() })
	return p
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func dial(t *testing.T, addr string) *client.Client {
	t.Helper()
	key, _ := crypto.GenerateKey()
	c, err := client.Dial(t.Context(), client.Options{URL: "ws://" + addr + "/ws", Key: key, ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestPublishHistorySubscribe(t *testing.T) {
	addr := startNode(t)
	c := dial(t, addr)
	ctx := t.Context()
	sub, err := c.Subscribe(ctx, wire.SubscribeParams{ContentTopics: []string{"/t/1/a/proto"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Publish(ctx, wire.Envelope{ContentTopic: "/t/1/a/proto", Payload: []byte("hi")})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-sub.C():
		if e.ComputeHash() != res.Hash || string(e.Payload) != "hi" {
			t.Fatalf("got %+v", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no live envelope")
	}
	var n int
	if err := c.HistoryAll(ctx, wire.HistoryParams{ContentTopics: []string{"/t/1/a/proto"}, Limit: 1}, func(wire.Envelope) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("history: %d envelopes, err %v", n, err)
	}
	_, err = c.History(ctx, wire.HistoryParams{})
	if client.ErrorCode(err) != int(server.CodeInvalidParams) {
		t.Fatalf("bad query error = %v (code %d)", err, client.ErrorCode(err))
	}
	sub.Close()
	if _, ok := <-sub.C(); ok {
		t.Fatal("channel open after Close")
	}
}

// TestResumeWithoutGaps cuts the subscriber's connection repeatedly while a
// publisher keeps publishing; the subscriber must see every envelope once.
func TestResumeWithoutGaps(t *testing.T) {
	addr := startNode(t)
	p := newProxy(t, addr)
	subscriber := dial(t, p.ln.Addr().String())
	publisher := dial(t, addr)
	ctx := t.Context()
	topic := "/t/1/resume/proto"
	sub, err := subscriber.Subscribe(ctx, wire.SubscribeParams{ContentTopics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	const total = 300
	want := make(map[wire.Hash]bool)
	var wmu sync.Mutex
	pubDone := make(chan error, 1)
	go func() {
		for i := range total {
			res, err := publisher.Publish(ctx, wire.Envelope{ContentTopic: topic, Payload: fmt.Appendf(nil, "msg %d", i)})
			if err != nil {
				pubDone <- err
				return
			}
			wmu.Lock()
			want[res.Hash] = true
			wmu.Unlock()
			if i%60 == 30 {
				p.cut() // the subscriber loses its connection mid-stream
			}
			time.Sleep(2 * time.Millisecond)
		}
		pubDone <- nil
	}()
	got := make(map[wire.Hash]int)
	deadline := time.After(30 * time.Second)
	for len(got) < total {
		select {
		case e := <-sub.C():
			got[e.ComputeHash()]++
		case <-deadline:
			t.Fatalf("received %d of %d envelopes", len(got), total)
		}
	}
	if err := <-pubDone; err != nil {
		t.Fatal(err)
	}
	for h, n := range got {
		if !want[h] {
			t.Fatalf("unexpected envelope %v", h)
		}
		if n != 1 {
			t.Fatalf("envelope %v delivered %d times", h, n)
		}
	}
	// Nothing more (no duplicates trailing in).
	select {
	case e := <-sub.C():
		t.Fatalf("extra delivery %v", e.ComputeHash())
	case <-time.After(200 * time.Millisecond):
	}
}

// TestPublishRetriedAcrossReconnect: a publish whose connection is cut is
// retried on the next connection and stored exactly once.
func TestPublishRetriedAcrossReconnect(t *testing.T) {
	addr := startNode(t)
	p := newProxy(t, addr)
	c := dial(t, p.ln.Addr().String())
	ctx := t.Context()
	for i := range 20 {
		if i%5 == 2 {
			p.cut()
		}
		if _, err := c.Publish(ctx, wire.Envelope{ContentTopic: "/t/1/retry/proto", Payload: []byte{byte(i)}}); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	var n int
	c.HistoryAll(ctx, wire.HistoryParams{ContentTopics: []string{"/t/1/retry/proto"}}, func(wire.Envelope) error { n++; return nil })
	if n != 20 {
		t.Fatalf("stored %d envelopes, want 20", n)
	}
}

func TestDialErrors(t *testing.T) {
	if _, err := client.Dial(t.Context(), client.Options{URL: "ws://127.0.0.1:1/ws"}); err == nil {
		t.Fatal("dial without key succeeded")
	}
	key, _ := crypto.GenerateKey()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if _, err := client.Dial(ctx, client.Options{URL: "ws://127.0.0.1:1/ws", Key: key}); err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
}
