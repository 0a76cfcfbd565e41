package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/mailstore/storetest"
	"github.com/pnmarket/pnmarket/server/wire"
)

func TestPublishSubscribeHistory(t *testing.T) {
	n := newTestNode(t, nil)
	pub := dialAuthed(t, n)
	sub := dialAuthed(t, n)
	topic := "/chat/1/room/proto"
	m := sub.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{topic}})
	subID, _ := m["result"].(string)
	if !strings.HasPrefix(subID, "0x") {
		t.Fatalf("subscribe result %v", m)
	}

	e := envelope(topic, "hello")
	e.Meta = []byte("m")
	r := resultMap(t, pub.call(wire.MethodPublish, e))
	want := e.ComputeHash().String()
	if r["hash"] != want || r["stored"] != true || r["duplicate"] != nil {
		t.Fatalf("publish result %v, want hash %s", r, want)
	}
	// Live delivery in the eth_subscription style.
	note := sub.next()
	if note["method"] != wire.MethodSubscription {
		t.Fatalf("want a subscription event, got %v", note)
	}
	params := note["params"].(map[string]any)
	res := params["result"].(map[string]any)
	if params["subscription"] != subID || res["hash"] != want || res["payload"] != base64.StdEncoding.EncodeToString([]byte("hello")) {
		t.Fatalf("event %v", note)
	}

	// The same envelope again is a duplicate: acknowledged, stored once, not re-delivered.
	r = resultMap(t, pub.call(wire.MethodPublish, e))
	if r["duplicate"] != true {
		t.Fatalf("duplicate publish result %v", r)
	}
	// Ephemeral: relayed live, never stored.
	eph := envelope(topic, "ephemeral")
	eph.Ephemeral = true
	r = resultMap(t, pub.call(wire.MethodPublish, eph))
	if r["stored"] != false {
		t.Fatalf("ephemeral result %v", r)
	}
	note = sub.next()
	if note["params"].(map[string]any)["result"].(map[string]any)["payload"] != base64.StdEncoding.EncodeToString([]byte("ephemeral")) {
		t.Fatalf("want the ephemeral event next (no duplicate event), got %v", note)
	}

	h := resultMap(t, sub.call(wire.MethodHistory, wire.HistoryParams{ContentTopics: []string{topic}}))
	envs := h["envelopes"].([]any)
	if len(envs) != 1 || envs[0].(map[string]any)["hash"] != want || h["cursor"] != nil {
		t.Fatalf("history %v", h)
	}
	ho := resultMap(t, sub.call(wire.MethodHistory, wire.HistoryParams{ContentTopics: []string{topic}, HashesOnly: true}))
	if e0 := ho["envelopes"].([]any)[0].(map[string]any); e0["payload"] != nil || e0["hash"] != want {
		t.Fatalf("hashesOnly %v", ho)
	}
	var hh wire.Hash
	hh.UnmarshalText([]byte(want))
	byHash := resultMap(t, sub.call(wire.MethodHistory, wire.HistoryParams{Hashes: []wire.Hash{hh, {1}}}))
	if len(byHash["envelopes"].([]any)) != 1 {
		t.Fatalf("lookup by hash %v", byHash)
	}

	// Unsubscribe stops delivery.
	if m := sub.call(wire.MethodUnsubscribe, subID); m["result"] != true {
		t.Fatalf("unsubscribe %v", m)
	}
	pub.call(wire.MethodPublish, envelope(topic, "after"))
	sub.expectUsable()
	if len(sub.notes) != 0 {
		t.Fatalf("event after unsubscribe: %s", sub.notes)
	}
}

func TestHistoryPaging(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.HistoryLimit = 3; c.HistoryMaxLimit = 4; c.PublishBurst = 100 })
	c := dialAuthed(t, n)
	base := time.Now().UnixNano()
	var want []string
	for i := range 10 {
		e := wire.Envelope{ContentTopic: fmt.Sprintf("/p/1/%d/proto", i%2), Payload: []byte{byte(i)}, Timestamp: base + int64(i)}
		c.call(wire.MethodPublish, e)
		want = append(want, e.ComputeHash().String())
	}
	for _, forward := range []bool{true, false} {
		var got []string
		var pages []int
		q := wire.HistoryParams{ContentTopics: []string{"/p/1/0/proto", "/p/1/1/proto"}, Forward: forward, Limit: 50}
		for {
			r := resultMap(t, c.call(wire.MethodHistory, q))
			envs := r["envelopes"].([]any)
			pages = append(pages, len(envs))
			for _, e := range envs {
				got = append(got, e.(map[string]any)["hash"].(string))
			}
			cur, _ := r["cursor"].(string)
			if cur == "" {
				break
			}
			q.Cursor, _ = base64.RawURLEncoding.DecodeString(cur)
		}
		exp := append([]string(nil), want...)
		if !forward {
			for i, j := 0, len(exp)-1; i < j; i, j = i+1, j-1 {
				exp[i], exp[j] = exp[j], exp[i]
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(exp) {
			t.Fatalf("forward=%v order\n got %v\nwant %v", forward, got, exp)
		}
		// Limit 50 is capped to the server max of 4: pages of exactly 4, then the rest.
		if fmt.Sprint(pages) != "[4 4 2]" {
			t.Fatalf("forward=%v page sizes %v", forward, pages)
		}
	}
	// Time range: start inclusive, end exclusive.
	r := resultMap(t, c.call(wire.MethodHistory, wire.HistoryParams{ContentTopics: []string{"/p/1/0/proto", "/p/1/1/proto"}, StartTime: base + 2, EndTime: base + 5, Forward: true}))
	if envs := r["envelopes"].([]any); len(envs) != 3 || envs[0].(map[string]any)["hash"] != want[2] {
		t.Fatalf("range query %v", r)
	}
}

func TestSlowConsumerDisconnected(t *testing.T) {
	n := newTestNode(t, func(c *Config) {
		c.SendQueueFrames = 16
		c.SendQueueBytes = 1 << 20
		c.MaxPayload = 100 << 10
		c.PublishBurst = 10000
		c.PublishRate = 10000
		c.WriteTimeout = time.Minute // the slow client does read, later
	})
	slow := dialAuthedSmallBuffer(t, n)
	slow.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{"flood"}})
	pub := dialAuthed(t, n)
	payload := strings.Repeat("z", 90<<10)
	// The slow client reads nothing while ~7 MB are published to it.
	for i := range 80 {
		e := envelope("flood", payload+fmt.Sprint(i))
		e.Ephemeral = true
		if m := pub.call(wire.MethodPublish, e); m["error"] != nil {
			t.Fatalf("publish %d: %v", i, m)
		}
	}
	pub.expectUsable() // the publisher is never blocked by the slow subscriber
	// When the slow client reads again it finds what was queued before the
	// overflow, then the close with its reason.
	slow.expectClose(websocket.ClosePolicyViolation, CodeSlowConsumer)
}

func TestShutdownTellsClientsToReconnect(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	done := make(chan error, 1)
	go func() { done <- n.srv.Shutdown(context.Background()) }()
	m := c.next()
	if m["method"] != wire.MethodReconnect {
		t.Fatalf("want pn_reconnect, got %v", m)
	}
	c.expectClose(websocket.CloseGoingAway, CodeShuttingDown)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, _, err := websocket.DefaultDialer.Dial(n.url, nil); err == nil {
		t.Fatal("dial succeeded after shutdown")
	}
}

func TestNodeInfo(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialRaw(t, n)
	var info wire.NodeInfo
	b, _ := json.Marshal(c.call(wire.MethodNodeInfo)["result"])
	json.Unmarshal(b, &info)
	if info.MaxLimit != DefaultHistoryMaxLimit || string(info.NodeKey) != string(n.srv.NodeKey()) || info.MaxSkewMs != 20000 {
		t.Fatalf("node info %+v", info)
	}
}

// dialAuthedSmallBuffer connects with a small TCP receive buffer so that a
// client that stops reading backs the node up quickly.
func dialAuthedSmallBuffer(t *testing.T, n *testNode) *rawClient {
	t.Helper()
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(16 << 10)
		}
		return c, err
	}}
	ws, _, err := d.Dial(n.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &rawClient{t: t, ws: ws}
	b, _ := json.Marshal(c.next()["params"])
	json.Unmarshal(b, &c.ch)
	c.key, _ = crypto.GenerateKey()
	if m := c.call(wire.MethodAuth, c.authParams(c.key)); m["error"] != nil {
		t.Fatal(m)
	}
	return c
}

// TestPipelinedPublishes sends many publishes without waiting for their
// acks, with ids and payloads of different lengths. Each request is decoded
// in place in a pooled read buffer and handled concurrently, so the buffer
// must stay untouched until its ack is encoded: every ack has to carry its
// own request's id and hash.
func TestPipelinedPublishes(t *testing.T) {
	n := newTestNode(t, nil)
	pub := dialAuthed(t, n)
	sub := dialAuthed(t, n)
	topic := "/chat/1/pipelined/proto"
	subID, _ := sub.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{topic}})["result"].(string)
	const count = 300
	want := make(map[string]string, count)
	for i := range count {
		e := envelope(topic, strings.Repeat(fmt.Sprint(i%10), 1+i*7%200))
		id := fmt.Sprintf(`"p-%s-%d"`, strings.Repeat("x", i%13), i)
		want[id] = e.ComputeHash().String()
		p, _ := json.Marshal([]any{e})
		pub.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"method":"pn_publish","params":%s}`, id, p))
	}
	for range count {
		m := pub.next()
		idb, _ := json.Marshal(m["id"])
		h, ok := want[string(idb)]
		if !ok {
			t.Fatalf("ack for an unknown or repeated id: %v", m)
		}
		delete(want, string(idb))
		if r := resultMap(t, m); r["hash"] != h {
			t.Fatalf("ack %s carries hash %v, want %s", idb, r["hash"], h)
		}
	}
	// The subscriber saw each envelope once, framed with its subscription id.
	seen := make(map[string]bool, count)
	for range count {
		note := sub.next()
		params, _ := note["params"].(map[string]any)
		res, _ := params["result"].(map[string]any)
		h, _ := res["hash"].(string)
		if params["subscription"] != subID || seen[h] {
			t.Fatalf("event %v", note)
		}
		seen[h] = true
	}
}

// TestLiveDeliveryBeforeDurable checks that a live subscriber gets an envelope once the store has
// applied it, while its WAL fsync is still held, and that the publisher's acknowledgement waits for
// that fsync.
func TestLiveDeliveryBeforeDurable(t *testing.T) {
	gate := &storetest.SyncGate{FS: vfs.Default}
	n := newTestNodeFS(t, nil, gate)
	defer gate.Release() // before the node's cleanup closes the store
	pub := dialAuthed(t, n)
	sub := dialAuthed(t, n)
	topic := "/chat/1/held/proto"
	if m := sub.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{topic}}); m["result"] == nil {
		t.Fatalf("subscribe: %v", m)
	}
	resultMap(t, pub.call(wire.MethodPublish, envelope(topic, "before"))) // the WAL is warm
	if note := sub.next(); note["method"] != wire.MethodSubscription {
		t.Fatalf("want a subscription event, got %v", note)
	}

	gate.Hold()
	e := envelope(topic, "held")
	p, _ := json.Marshal([]any{e})
	pub.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":77,"method":%q,"params":%s}`, wire.MethodPublish, p))
	acked := make(chan string, 1)
	go func() {
		_, b, err := pub.ws.ReadMessage()
		if err != nil {
			t.Errorf("publisher read: %v", err)
		}
		acked <- string(b)
	}()
	note := sub.next() // fails the test after 10 s without the event
	res := note["params"].(map[string]any)["result"].(map[string]any)
	if note["method"] != wire.MethodSubscription || res["hash"] != e.ComputeHash().String() {
		t.Fatalf("want the held envelope's event, got %v", note)
	}
	storetest.ExpectHeld(t, gate, acked, "publish acknowledged")
	gate.Release()
	select {
	case b := <-acked:
		if !strings.Contains(b, `"id":77`) || !strings.Contains(b, `"stored":true`) {
			t.Fatalf("ack %s", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no acknowledgement after the fsync was released")
	}
}
