package server

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/wire"
)

// testNode is a real server on a loopback port with a real pebble store.
type testNode struct {
	srv   *Server
	url   string
	store *mailstore.PebbleStore
}

func newTestNode(t *testing.T, mutate func(*Config)) *testNode {
	t.Helper()
	return newTestNodeFS(t, mutate, nil)
}

// newTestNodeFS is newTestNode with the store on the pebble file system fs (nil: the OS's).
func newTestNodeFS(t *testing.T, mutate func(*Config), fs vfs.FS) *testNode {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.LameDuckDuration = 0
	cfg.ShutdownTimeout = 5 * time.Second
	cfg.ChainID = 1337
	if mutate != nil {
		mutate(&cfg)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.OpenFS(t.TempDir(), scfg, log, fs)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := crypto.GenerateKey()
	srv, err := New(cfg, Deps{NodeKey: key, Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		store.Close()
	})
	return &testNode{srv: srv, url: "ws://" + ln.Addr().String() + "/ws", store: store}
}

// rawClient speaks raw JSON frames, to test exactly what goes on the wire.
type rawClient struct {
	t     *testing.T
	ws    *websocket.Conn
	ch    wire.Challenge
	key   *ecdsa.PrivateKey
	notes []json.RawMessage // pn_subscription params received while waiting for responses
}

func dialRaw(t *testing.T, n *testNode) *rawClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(n.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &rawClient{t: t, ws: ws}
	m := c.next()
	if m["method"] != wire.MethodChallenge {
		t.Fatalf("first frame is not a challenge: %v", m)
	}
	b, _ := json.Marshal(m["params"])
	if err := json.Unmarshal(b, &c.ch); err != nil {
		t.Fatal(err)
	}
	return c
}

func dialAuthed(t *testing.T, n *testNode) *rawClient {
	t.Helper()
	c := dialRaw(t, n)
	c.key, _ = crypto.GenerateKey()
	res := c.call(wire.MethodAuth, c.authParams(c.key))
	if res["error"] != nil {
		t.Fatalf("auth: %v", res["error"])
	}
	return c
}

func (c *rawClient) authParams(key *ecdsa.PrivateKey) wire.AuthParams {
	sig, err := crypto.Sign(accounts.TextHash(wire.AuthMessage(c.ch.Nonce, c.ch.NodeKey, c.ch.ChainID)), key)
	if err != nil {
		c.t.Fatal(err)
	}
	return wire.AuthParams{Address: crypto.PubkeyToAddress(key.PublicKey).Hex(), Signature: sig}
}

func (c *rawClient) sendRaw(s string) {
	c.t.Helper()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// next returns the next frame as a generic object (or {"batch": [...]}).
func (c *rawClient) next() map[string]any {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	if strings.HasPrefix(string(b), "[") {
		var arr []any
		json.Unmarshal(b, &arr)
		return map[string]any{"batch": arr}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("bad frame %s: %v", b, err)
	}
	return m
}

// response reads until a response (not a notification) arrives.
func (c *rawClient) response() map[string]any {
	c.t.Helper()
	for {
		m := c.next()
		if m["method"] == wire.MethodSubscription {
			b, _ := json.Marshal(m["params"])
			c.notes = append(c.notes, b)
			continue
		}
		return m
	}
}

var reqID int

func (c *rawClient) call(method string, params ...any) map[string]any {
	c.t.Helper()
	reqID++
	p, _ := json.Marshal(params)
	if params == nil {
		p = []byte("[]")
	}
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, reqID, method, p))
	return c.response()
}

// errCodeOf returns error.data.code of a response, or 0.
func errCodeOf(m map[string]any) int {
	e, _ := m["error"].(map[string]any)
	if e == nil {
		return 0
	}
	d, _ := e["data"].(map[string]any)
	if d == nil {
		return -1
	}
	return int(d["code"].(float64))
}

func rpcCodeOf(m map[string]any) int {
	e, _ := m["error"].(map[string]any)
	if e == nil {
		return 0
	}
	return int(e["code"].(float64))
}

func (c *rawClient) expectCode(m map[string]any, want Code) {
	c.t.Helper()
	if got := errCodeOf(m); got != int(want) {
		c.t.Fatalf("error code = %d, want %d (%v)", got, want, m)
	}
}

// expectUsable checks the session still answers after an error.
func (c *rawClient) expectUsable() {
	c.t.Helper()
	m := c.call(wire.MethodNodeInfo)
	if m["error"] != nil || m["result"] == nil {
		c.t.Fatalf("session not usable: %v", m)
	}
}

func (c *rawClient) expectClose(wantStatus int, wantCode Code) {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		ce, ok := errors.AsType[*websocket.CloseError](err)
		if !ok {
			c.t.Fatalf("want close %d, got %v", wantStatus, err)
		}
		if ce.Code != wantStatus || (wantCode != 0 && !strings.HasPrefix(ce.Text, fmt.Sprint(int(wantCode)))) {
			c.t.Fatalf("close = %d %q, want %d %d", ce.Code, ce.Text, wantStatus, wantCode)
		}
		return
	}
}

func envelope(topic string, payload string) wire.Envelope {
	return wire.Envelope{ContentTopic: topic, Payload: []byte(payload), Timestamp: time.Now().UnixNano()}
}

func resultMap(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	r, ok := m["result"].(map[string]any)
	if !ok {
		t.Fatalf("no object result: %v", m)
	}
	return r
}
