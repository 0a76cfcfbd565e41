package server

import (
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/wire"
)

func TestChallengeAndAuth(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialRaw(t, n)
	if len(c.ch.Nonce) != 32 || string(c.ch.NodeKey) != string(n.srv.NodeKey()) || c.ch.ChainID != 1337 {
		t.Fatalf("challenge = %+v", c.ch)
	}
	key, _ := crypto.GenerateKey()
	m := c.call(wire.MethodAuth, c.authParams(key))
	r := resultMap(t, m)
	if r["address"] != crypto.PubkeyToAddress(key.PublicKey).Hex() {
		t.Fatalf("auth result %v", r)
	}
	c.expectCode(c.call(wire.MethodAuth, c.authParams(key)), CodeAlreadyAuthed)
	c.expectUsable()
}

func TestRequestBeforeAuth(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialRaw(t, n)
	for _, method := range []string{wire.MethodPublish, wire.MethodSubscribe, wire.MethodHistory, wire.MethodUnsubscribe} {
		c.expectCode(c.call(method), CodeAuthRequired)
	}
	c.expectUsable() // pn_nodeInfo is public
	key, _ := crypto.GenerateKey()
	if m := c.call(wire.MethodAuth, c.authParams(key)); m["error"] != nil {
		t.Fatalf("auth after refused requests: %v", m)
	}
}

func TestBadAuthSignature(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialRaw(t, n)
	key, _ := crypto.GenerateKey()
	other, _ := crypto.GenerateKey()
	good := c.authParams(key)
	tests := map[string]wire.AuthParams{
		"short signature":   {Address: good.Address, Signature: good.Signature[:64]},
		"flipped byte":      {Address: good.Address, Signature: append(append([]byte{}, good.Signature[:10]...), append([]byte{good.Signature[10] ^ 1}, good.Signature[11:]...)...)},
		"other address":     {Address: crypto.PubkeyToAddress(other.PublicKey).Hex(), Signature: good.Signature},
		"bad address":       {Address: "0x1234", Signature: good.Signature},
		"signed other text": {Address: good.Address, Signature: mustSign(t, []byte("hello"), key)},
	}
	for name, p := range tests {
		t.Run(name, func(t *testing.T) {
			c.expectCode(c.call(wire.MethodAuth, p), CodeAuthFailed)
		})
	}
	c.expectCode(c.call(wire.MethodAuth, "not an object"), CodeInvalidParams)
	if m := c.call(wire.MethodAuth, good); m["error"] != nil {
		t.Fatalf("good auth after bad ones: %v", m)
	}
}

func mustSign(t *testing.T, msg []byte, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	sig, err := crypto.Sign(accounts.TextHash(msg), key)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestReplayedAuth(t *testing.T) {
	n := newTestNode(t, nil)
	a := dialRaw(t, n)
	key, _ := crypto.GenerateKey()
	p := a.authParams(key)
	if m := a.call(wire.MethodAuth, p); m["error"] != nil {
		t.Fatal(m)
	}
	b := dialRaw(t, n)
	b.expectCode(b.call(wire.MethodAuth, p), CodeAuthFailed)
	b.expectCode(b.call(wire.MethodPublish, envelope("t", "x")), CodeAuthRequired)
}

func TestAuthTimeout(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.AuthTimeout = 300 * time.Millisecond })
	c := dialRaw(t, n)
	c.expectClose(websocket.ClosePolicyViolation, CodeAuthTimeout)
}

func TestMalformedJSON(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	c.sendRaw(`{"jsonrpc":"2.0","id":1,"method":`)
	m := c.response()
	c.expectCode(m, CodeParse)
	if rpcCodeOf(m) != -32700 || m["id"] != nil {
		t.Fatalf("parse error frame %v", m)
	}
	c.expectUsable()
}

func TestInvalidRequest(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	for name, frame := range map[string]string{
		"no version":  `{"id":1,"method":"pn_nodeInfo"}`,
		"not object":  `"hello"`,
		"empty batch": `[]`,
		"object id":   `{"jsonrpc":"2.0","id":{},"method":"pn_nodeInfo"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c.sendRaw(frame)
			m := c.response()
			c.expectCode(m, CodeInvalidRequest)
			if rpcCodeOf(m) != -32600 {
				t.Fatalf("rpc code %d", rpcCodeOf(m))
			}
		})
	}
	c.expectUsable()
}

func TestBatch(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.MaxBatch = 3 })
	c := dialAuthed(t, n)
	e, _ := json.Marshal(envelope("/a/1/batch/proto", "one"))
	c.sendRaw(`[{"jsonrpc":"2.0","id":1,"method":"pn_publish","params":[` + string(e) + `]},{"jsonrpc":"2.0","id":2,"method":"pn_nope"},{"jsonrpc":"2.0","method":"pn_nodeInfo"}]`)
	m := c.response()
	arr, _ := m["batch"].([]any)
	if len(arr) != 2 {
		t.Fatalf("batch response %v (notifications get no response)", m)
	}
	if r := arr[0].(map[string]any); r["result"] == nil {
		t.Fatalf("publish in batch: %v", r)
	}
	if r := arr[1].(map[string]any); errCodeOf(r) != int(CodeMethodNotFound) {
		t.Fatalf("unknown method in batch: %v", r)
	}
	c.sendRaw(`[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","id":2,"method":"b"},{"jsonrpc":"2.0","id":3,"method":"c"},{"jsonrpc":"2.0","id":4,"method":"d"}]`)
	c.expectCode(c.response(), CodeBatchTooLarge)
	c.expectUsable()
}

func TestUnknownMethod(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialRaw(t, n)
	m := c.call("eth_blockNumber")
	c.expectCode(m, CodeMethodNotFound)
	if rpcCodeOf(m) != -32601 {
		t.Fatalf("rpc code %d", rpcCodeOf(m))
	}
	c.expectUsable()
}

func TestWrongParamTypes(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	for name, params := range map[string]string{
		"publish not object":     `["x"]`,
		"payload not base64":     `[{"contentTopic":"t","payload":"!!!","timestamp":1}]`,
		"timestamp string":       `[{"contentTopic":"t","timestamp":"now"}]`,
		"history limit string":   `[{"contentTopics":["a"],"limit":"ten"}]`,
		"unknown field":          `[{"contentTopics":["a"],"colour":"red"}]`,
		"params object":          `{"contentTopics":["a"]}`,
		"too many params":        `[{"contentTopics":["a"]},{}]`,
		"subscribe topics wrong": `[{"contentTopics":"a"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			method := wire.MethodHistory
			if strings.HasPrefix(name, "publish") || strings.HasPrefix(name, "payload") || strings.HasPrefix(name, "timestamp") {
				method = wire.MethodPublish
			}
			if strings.HasPrefix(name, "subscribe") {
				method = wire.MethodSubscribe
			}
			c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":9,"method":%q,"params":%s}`, method, params))
			m := c.response()
			c.expectCode(m, CodeInvalidParams)
			if rpcCodeOf(m) != -32602 {
				t.Fatalf("rpc code %d", rpcCodeOf(m))
			}
		})
	}
	c.expectUsable()
}

func TestOversizedFrame(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.MaxFrameBytes = 8 << 10; c.MaxPayload = 1 << 10 })
	c := dialAuthed(t, n)
	big := `{"jsonrpc":"2.0","id":1,"method":"pn_nodeInfo","params":["` + strings.Repeat("x", 9<<10) + `"]}`
	c.sendRaw(big)
	c.expectCode(c.response(), CodeFrameTooLarge)
	c.expectUsable()
	// Beyond the hard limit the connection is closed with 1009.
	c.sendRaw(strings.Repeat("x", 8<<10*hardReadLimitFactor+1))
	c.expectClose(websocket.CloseMessageTooBig, 0)
}

func TestPayloadTooLarge(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.MaxPayload = 1000 })
	c := dialAuthed(t, n)
	c.expectCode(c.call(wire.MethodPublish, envelope("t", strings.Repeat("p", 1001))), CodePayloadTooLarge)
	e := envelope("t", "ok")
	e.Meta = make([]byte, 65)
	c.expectCode(c.call(wire.MethodPublish, e), CodeBadEnvelope)
	c.expectCode(c.call(wire.MethodPublish, wire.Envelope{Payload: []byte("x"), Timestamp: time.Now().UnixNano()}), CodeBadEnvelope)
	c.expectUsable()
}

func TestTooManyTopics(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	topics := make([]string, 11)
	for i := range topics {
		topics[i] = fmt.Sprintf("/t/1/%d/proto", i)
	}
	c.expectCode(c.call(wire.MethodHistory, wire.HistoryParams{ContentTopics: topics}), CodeTooManyTopics)
	c.expectCode(c.call(wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: topics}), CodeTooManyTopics)
	if m := c.call(wire.MethodHistory, wire.HistoryParams{ContentTopics: topics[:10]}); m["error"] != nil {
		t.Fatalf("10 topics refused: %v", m)
	}
}

func TestBadCursor(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	for i := range 5 {
		c.call(wire.MethodPublish, envelope("/c/1/a/proto", fmt.Sprint(i)))
	}
	q := wire.HistoryParams{ContentTopics: []string{"/c/1/a/proto"}, Limit: 2}
	page := resultMap(t, c.call(wire.MethodHistory, q))
	cur, _ := page["cursor"].(string)
	if cur == "" {
		t.Fatalf("no cursor on a full page: %v", page)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(cur)
	other := q
	other.ContentTopics = []string{"/c/1/b/proto"}
	other.Cursor = raw
	c.expectCode(c.call(wire.MethodHistory, other), CodeBadCursor)
	garbage := q
	garbage.Cursor = []byte("garbage")
	c.expectCode(c.call(wire.MethodHistory, garbage), CodeBadCursor)
	c.sendRaw(`{"jsonrpc":"2.0","id":3,"method":"pn_history","params":[{"contentTopics":["a"],"cursor":"***"}]}`)
	c.expectCode(c.response(), CodeInvalidParams)
	q.Cursor = raw
	if m := c.call(wire.MethodHistory, q); m["error"] != nil {
		t.Fatalf("own cursor refused: %v", m)
	}
}

func TestTimestampSkew(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.MaxSkew = 5 * time.Second })
	c := dialAuthed(t, n)
	for name, d := range map[string]time.Duration{"future": 10 * time.Second, "past": -10 * time.Second} {
		t.Run(name, func(t *testing.T) {
			e := envelope("t", "x")
			e.Timestamp += int64(d)
			c.expectCode(c.call(wire.MethodPublish, e), CodeTimestampSkew)
		})
	}
	e := envelope("t", "x")
	e.Timestamp += int64(4 * time.Second)
	if m := c.call(wire.MethodPublish, e); m["error"] != nil {
		t.Fatalf("within skew refused: %v", m)
	}
}

func TestRateLimited(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.PublishRate = 0.5; c.PublishBurst = 3; c.HistoryRate = 0.5; c.HistoryBurst = 2 })
	c := dialAuthed(t, n)
	for i := range 3 {
		if m := c.call(wire.MethodPublish, envelope("t", fmt.Sprint(i))); m["error"] != nil {
			t.Fatalf("publish %d: %v", i, m)
		}
	}
	m := c.call(wire.MethodPublish, envelope("t", "over"))
	c.expectCode(m, CodeRateLimited)
	ra := m["error"].(map[string]any)["data"].(map[string]any)["retry_after"].(float64)
	if ra < 1 || ra > 2 {
		t.Fatalf("retry_after = %v, want 1..2 s", ra)
	}
	q := wire.HistoryParams{ContentTopics: []string{"t"}}
	c.call(wire.MethodHistory, q)
	c.call(wire.MethodHistory, q)
	c.expectCode(c.call(wire.MethodHistory, q), CodeRateLimited)
	// A second key from the same IP has its own per-key budget.
	d := dialAuthed(t, n)
	if m := d.call(wire.MethodPublish, envelope("t", "other key")); m["error"] != nil {
		t.Fatalf("other key limited: %v", m)
	}
}

func TestUnknownSubscription(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	c.expectCode(c.call(wire.MethodUnsubscribe, "0xdeadbeef"), CodeUnknownSub)
	c.expectUsable()
}

func TestTooManySubscriptions(t *testing.T) {
	n := newTestNode(t, func(c *Config) { c.MaxSubsPerSession = 2 })
	c := dialAuthed(t, n)
	f := wire.SubscribeParams{ContentTopics: []string{"t"}}
	c.call(wire.MethodSubscribe, f)
	c.call(wire.MethodSubscribe, f)
	c.expectCode(c.call(wire.MethodSubscribe, f), CodeTooManySubs)
}
