package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

const (
	testApp   = "im.pnmarket.test"
	testTopic = "im.pnmarket.test"
)

// pushNode is a real server with a real push relay and mailstore.
type pushNode struct {
	*testNode
	svc  *push.Service
	reg  *prometheus.Registry
	key  *ecdsa.PrivateKey
	base string // http://host:port
}

type pushOpts struct {
	apps    []push.App
	cfg     func(*push.Config)
	noStart bool
	key     *ecdsa.PrivateKey
}

func newPushNode(t *testing.T, o pushOpts) *pushNode {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.Open(t.TempDir(), scfg, log)
	if err != nil {
		t.Fatal(err)
	}
	key := o.key
	if key == nil {
		key, _ = crypto.GenerateKey()
	}
	pcfg := push.DefaultConfig()
	pcfg.Workers = 4
	pcfg.RetryMin, pcfg.RetryMax = 10*time.Millisecond, 50*time.Millisecond
	if o.cfg != nil {
		o.cfg(&pcfg)
	}
	reg := prometheus.NewRegistry()
	skey := make([]byte, 32)
	rand.Read(skey)
	svc, err := push.Open(t.TempDir(), pcfg, push.Deps{NodeKey: key, StorageKey: skey, Apps: o.apps, Logger: log, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noStart {
		svc.Start()
	}
	t.Cleanup(func() { svc.Close(context.Background()); store.Close() })
	cfg := DefaultConfig()
	cfg.Listen, cfg.LameDuckDuration, cfg.ShutdownTimeout, cfg.ChainID = "127.0.0.1:0", 0, 5*time.Second, 1337
	srv, err := New(cfg, Deps{NodeKey: key, Store: store, Logger: log, Registry: reg, Push: svc})
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
	})
	base := "http://" + ln.Addr().String()
	return &pushNode{testNode: &testNode{srv: srv, url: "ws" + strings.TrimPrefix(base, "http") + "/ws", store: store}, svc: svc, reg: reg, key: key, base: base}
}

// metric returns the value of one sample of the node's registry.
func (n *pushNode) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, _ := n.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				ok := false
				for _, lp := range m.GetLabel() {
					ok = ok || (lp.GetName() == labels[i] && lp.GetValue() == labels[i+1])
				}
				if !ok {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	t.Fatalf("metric %s%v not found", name, labels)
	return 0
}

// newAPNsFake starts a fake APNs and an app sending to it.
func newAPNsFake(t *testing.T) (*apnstest.Server, push.App) {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	fake, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{testTopic}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	cfg := apns.DefaultConfig()
	cfg.KeyPEM, cfg.KeyID, cfg.TeamID, cfg.Topic, cfg.Host, cfg.RootCAs = key.PEM, key.KeyID, key.TeamID, testTopic, fake.URL(), fake.CertPool()
	s, err := apns.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return fake, push.App{ID: testApp, Gateway: "apns", Sender: s}
}

func hexToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func dialClient(t *testing.T, url string, key *ecdsa.PrivateKey, onStatus func(pushwire.Status)) *client.Client {
	t.Helper()
	c, err := client.Dial(t.Context(), client.Options{URL: url, Key: key, OnPushStatus: onStatus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wake POSTs to the wake endpoint.
func wake(t *testing.T, base, token, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(base+"/v1/wake/"+token, "application/octet-stream", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func fakeWait(t *testing.T, fake *apnstest.Server, n int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := fake.WaitFor(ctx, n); err != nil {
		t.Fatalf("fake APNs got %d of %d wakeups: %v", fake.Count(), n, err)
	}
}

// TestPushMethods: every pn_ push method over a real websocket, with its
// error codes.
func TestPushMethods(t *testing.T) {
	_, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}, noStart: true, cfg: func(c *push.Config) {
		c.MaxWakeTokens, c.MaxInstallations = 1, 2
	}})
	anon := dialRaw(t, n.testNode)
	info := resultMap(t, anon.call(pushwire.MethodPushInfo))
	if apps := info["apps"].([]any); len(apps) != 1 || apps[0].(map[string]any)["appId"] != testApp {
		t.Fatalf("pn_pushInfo = %v", info)
	}
	anon.expectCode(anon.call(pushwire.MethodRegisterPush, pushwire.SealedParams{Sealed: []byte{1}}), CodeAuthRequired)

	c := dialAuthed(t, n.testNode)
	owner := crypto.PubkeyToAddress(c.key.PublicKey)
	seal := func(r pushwire.Registration) pushwire.SealedParams {
		if r.Owner == "" {
			r.Owner = owner.Hex()
		}
		b, err := client.SealRegistration(n.srv.NodeKey(), r)
		if err != nil {
			t.Fatal(err)
		}
		return pushwire.SealedParams{Sealed: b}
	}
	reg := pushwire.Registration{InstallationID: "phone", Gateway: "apns", AppID: testApp, Token: hexToken(), Topics: []string{"/t/1"}, Version: 3}
	res := resultMap(t, c.call(pushwire.MethodRegisterPush, seal(reg)))
	if res["installationId"] != "phone" || res["version"] != 3.0 || res["replaced"] != false {
		t.Fatalf("register = %v", res)
	}
	c.expectCode(c.call(pushwire.MethodRegisterPush, seal(reg)), CodeStaleVersion)
	c.expectCode(c.call(pushwire.MethodRegisterPush, pushwire.SealedParams{Sealed: []byte("not sealed")}), CodeBadRegistration)
	bad := reg
	bad.Version, bad.AppID = 4, "com.unknown"
	c.expectCode(c.call(pushwire.MethodRegisterPush, seal(bad)), CodeUnknownApp)
	bad.AppID, bad.Token = testApp, "not-hex"
	c.expectCode(c.call(pushwire.MethodRegisterPush, seal(bad)), CodeBadDeviceToken)
	bad.Token, bad.Owner = hexToken(), common.HexToAddress("0x1234").Hex()
	c.expectCode(c.call(pushwire.MethodRegisterPush, seal(bad)), CodeBadRegistration)
	for _, inst := range []string{"tablet", "laptop"} {
		r := reg
		r.InstallationID = inst
		m := c.call(pushwire.MethodRegisterPush, seal(r))
		if inst == "laptop" {
			c.expectCode(m, CodeTooManyInstallations)
		}
	}

	tok := resultMap(t, c.call(pushwire.MethodWakeupToken, "phone"))
	if len(tok["token"].(string)) < 22 || tok["path"] != "/v1/wake/"+tok["token"].(string) {
		t.Fatalf("wakeup token = %v", tok)
	}
	c.expectCode(c.call(pushwire.MethodWakeupToken, "phone"), CodeTooManyWakeTokens)
	c.expectCode(c.call(pushwire.MethodWakeupToken, "nope"), CodeUnknownInstallation)
	c.expectCode(c.call(pushwire.MethodRevokeWakeupToken, "AAAAAAAAAAAAAAAAAAAAAAAA"), CodeUnknownWakeToken)
	if m := c.call(pushwire.MethodRevokeWakeupToken, tok["token"]); m["result"] != true {
		t.Fatalf("revoke = %v", m)
	}
	st := resultMap(t, c.call(pushwire.MethodPushStatus))
	if ins := st["installations"].([]any); len(ins) != 2 || ins[0].(map[string]any)["enabled"] != true {
		t.Fatalf("status = %v", st)
	}
	if m := c.call(pushwire.MethodReceipts, owner.Hex(), 1, 10); m["error"] != nil || len(m["result"].([]any)) != 0 {
		t.Fatalf("receipts = %v", m)
	}
	c.expectCode(c.call(pushwire.MethodReceipts, common.HexToAddress("0x99").Hex(), 1, 10), CodeNotPayer)
	if m := c.call(pushwire.MethodUnregisterPush, "tablet"); m["result"] != true {
		t.Fatalf("unregister = %v", m)
	}
	c.expectCode(c.call(pushwire.MethodUnregisterPush, "tablet"), CodeUnknownInstallation)
	c.expectUsable()

	plain := newTestNode(t, nil)
	pc := dialAuthed(t, plain)
	pc.expectCode(pc.call(pushwire.MethodPushStatus), CodeServiceNotEnabled)
	if info := resultMap(t, pc.call(wire.MethodNodeInfo)); len(info["services"].([]any)) != 1 {
		t.Fatalf("services without push = %v", info["services"])
	}
}

// TestWakeEndpoint: POST /v1/wake/{token} answers 201, 404, 413, 429 and
// 503 as documented, and its answers name nothing about the user.
func TestWakeEndpoint(t *testing.T) {
	fake, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}, cfg: func(c *push.Config) {
		c.WakeRate, c.WakeBurst, c.MaxWakeBody = 0.01, 2, 64
	}})
	key, _ := crypto.GenerateKey()
	c := dialClient(t, n.url, key, nil)
	devTok := hexToken()
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "phone", Gateway: "apns", AppID: testApp, Token: devTok, Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, err := c.WakeupToken(t.Context(), "phone")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(n.base+wt.Path, "text/plain", strings.NewReader("ignored body"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, "/v1/wake/message/") {
		t.Fatalf("wake = %d %q", resp.StatusCode, loc)
	}
	all := string(body) + loc + resp.Header.Get("TTL")
	for _, secret := range []string{devTok, devTok[:8], testApp, "apns", c.Address(), "phone"} {
		if strings.Contains(all, secret) {
			t.Fatalf("wake answer reveals %q", secret)
		}
	}
	fakeWait(t, fake, 1)
	if id := fake.Deliveries()[0].ApnsID; "/v1/wake/message/"+id != loc {
		t.Fatalf("delivered apns-id %s, answered %s", id, loc)
	}

	tests := map[string]struct {
		token, body string
		status      int
		code        Code
		retryAfter  bool
	}{
		"unknown":  {token: "AAAAAAAAAAAAAAAAAAAAAAAA", status: 404, code: CodeUnknownWakeToken},
		"too long": {token: strings.Repeat("A", 200), status: 404, code: CodeUnknownWakeToken},
		"413":      {token: wt.Token, body: strings.Repeat("x", 65), status: 413, code: CodeWakeBodyTooLarge},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resp, err := http.Post(n.base+"/v1/wake/"+tt.token, "text/plain", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Error struct{ Code int } `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != tt.status || e.Error.Code != int(tt.code) {
				t.Fatalf("got %d / %d, want %d / %d", resp.StatusCode, e.Error.Code, tt.status, tt.code)
			}
		})
	}
	// Burst 2: the first wake above used one token.
	if r := wake(t, n.base, wt.Token, ""); r.StatusCode != 201 {
		t.Fatalf("second wake = %d", r.StatusCode)
	}
	r := wake(t, n.base, wt.Token, "")
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("over the token rate: %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := wake(t, n.base+"/v1/wake/", "", ""); r.StatusCode != 404 {
		t.Fatalf("no token: %d", r.StatusCode)
	}
}

// TestWakeQueueFull: with the queue full, wake requests get 503 with
// Retry-After instead of growing memory.
func TestWakeQueueFull(t *testing.T) {
	_, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}, noStart: true, cfg: func(c *push.Config) { c.QueueSize = 2 }})
	key, _ := crypto.GenerateKey()
	c := dialClient(t, n.url, key, nil)
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: hexToken(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, _ := c.WakeupToken(t.Context(), "i")
	for i, want := range []int{201, 201, 503} {
		r := wake(t, n.base, wt.Token, "")
		if r.StatusCode != want {
			t.Fatalf("wake %d = %d, want %d", i, r.StatusCode, want)
		}
		if want == 503 && r.Header.Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
	}
}

// TestTopicTriggerOnlyWhenOffline: an envelope stored on a watched topic
// wakes the installation only while its owner has no session on the node.
func TestTopicTriggerOnlyWhenOffline(t *testing.T) {
	fake, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}})
	ownerKey, _ := crypto.GenerateKey()
	owner := dialClient(t, n.url, ownerKey, nil)
	const topic = "/status/1/chat-aa/proto"
	if _, err := owner.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: hexToken(), Topics: []string{topic}, Version: 1}); err != nil {
		t.Fatal(err)
	}
	senderKey, _ := crypto.GenerateKey()
	sender := dialClient(t, n.url, senderKey, nil)
	if _, err := sender.Publish(t.Context(), envelope(topic, "while online")); err != nil {
		t.Fatal(err)
	}
	if got := n.metric(t, "pnode_push_accepted_total", "source", "topic"); got != 0 {
		t.Fatalf("owner online, yet %v wakeups queued", got)
	}
	owner.Close()
	addr := crypto.PubkeyToAddress(ownerKey.PublicKey)
	waitFor(t, "owner offline", func() bool { return !n.srv.isOnline(addr) })
	if _, err := sender.Publish(t.Context(), envelope(topic, "while offline")); err != nil {
		t.Fatal(err)
	}
	// Queued durably before the publish was acknowledged.
	if got := n.metric(t, "pnode_push_accepted_total", "source", "topic"); got != 1 {
		t.Fatalf("owner offline: %v wakeups queued, want 1", got)
	}
	fakeWait(t, fake, 1)
	p := string(fake.Deliveries()[0].Payload)
	if strings.Contains(p, "chat-aa") || strings.Contains(p, "offline") {
		t.Fatalf("payload carries content: %s", p)
	}
}

// TestDeadTokenToldOnReconnect: a dead device token disables the
// registration, and the owner's next session gets a pn_pushStatus
// notification right after pn_auth.
func TestDeadTokenToldOnReconnect(t *testing.T) {
	fake, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}})
	key, _ := crypto.GenerateKey()
	c := dialClient(t, n.url, key, nil)
	tok := hexToken()
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "old-phone", Gateway: "apns", AppID: testApp, Token: tok, Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, _ := c.WakeupToken(t.Context(), "old-phone")
	c.Close()
	fake.Unregister(tok)
	if r := wake(t, n.base, wt.Token, ""); r.StatusCode != 201 {
		t.Fatalf("wake = %d", r.StatusCode)
	}
	waitFor(t, "disabled", func() bool { return n.svc.HasDisabled(t.Context(), crypto.PubkeyToAddress(key.PublicKey)) })

	// Raw: the notification follows the pn_auth response.
	raw := dialRaw(t, n.testNode)
	raw.key = key
	if m := raw.call(wire.MethodAuth, raw.authParams(key)); m["error"] != nil {
		t.Fatal(m)
	}
	note := raw.next()
	if note["method"] != pushwire.MethodPushStatus {
		t.Fatalf("after auth: %v, want pn_pushStatus", note)
	}
	ins := note["params"].(map[string]any)["installations"].([]any)[0].(map[string]any)
	if ins["installationId"] != "old-phone" || ins["enabled"] != false || ins["disabled"].(map[string]any)["reason"] != "dead_token" {
		t.Fatalf("pn_pushStatus = %v", note)
	}

	// SDK: OnPushStatus.
	got := make(chan pushwire.Status, 1)
	dialClient(t, n.url, key, func(st pushwire.Status) { got <- st })
	select {
	case st := <-got:
		if len(st.Installations) != 1 || st.Installations[0].Enabled {
			t.Fatalf("status = %+v", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("client not told about the dead token")
	}
}

// TestReceiptsVerify: the SDK verifies the chain and the node's
// signatures; any tampering fails verification.
func TestReceiptsVerify(t *testing.T) {
	fake, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}, cfg: func(c *push.Config) { c.WakeRate, c.WakeBurst = 1000, 1000 }})
	key, _ := crypto.GenerateKey()
	c := dialClient(t, n.url, key, nil)
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: hexToken(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, _ := c.WakeupToken(t.Context(), "i")
	const total = 40
	var wg sync.WaitGroup
	for range total {
		wg.Go(func() { wake(t, n.base, wt.Token, "") })
	}
	wg.Wait()
	fakeWait(t, fake, total)
	var rs []pushwire.Receipt
	waitFor(t, "receipts", func() bool {
		rs, _ = c.Receipts(t.Context(), c.Address(), 1, 100)
		return len(rs) == total
	})
	nodeKey := n.srv.NodeKey()
	if err := client.VerifyReceipts(nodeKey, nil, rs); err != nil {
		t.Fatalf("genuine receipts: %v", err)
	}
	// A later page links to the one before it.
	page2, err := c.Receipts(t.Context(), c.Address(), 21, 100)
	if err != nil || len(page2) != 20 {
		t.Fatalf("page 2: %d, %v", len(page2), err)
	}
	if err := client.VerifyReceipts(nodeKey, &rs[19], page2); err != nil {
		t.Fatalf("page 2: %v", err)
	}
	tamper := map[string]func([]pushwire.Receipt){
		"outcome":  func(r []pushwire.Receipt) { r[3].Outcome = pushwire.OutcomeFailed },
		"gateway":  func(r []pushwire.Receipt) { r[3].Gateway = "fcm" },
		"time":     func(r []pushwire.Receipt) { r[3].Time++ },
		"dropped":  func(r []pushwire.Receipt) { copy(r[3:], r[4:]) },
		"rehashed": func(r []pushwire.Receipt) { r[3].Outcome = "failed"; rehash(t, &r[3]) },
		"signature": func(r []pushwire.Receipt) {
			r[3].Sig.Signature = append(wire.Bytes(nil), r[0].Sig.Signature...)
			r[3].Sig.Signature[5] ^= 1
		},
		"other signer": func(r []pushwire.Receipt) { resign(t, &r[3]) },
	}
	for name, mutate := range tamper {
		t.Run(name, func(t *testing.T) {
			cp := cloneReceipts(rs)
			mutate(cp)
			if err := client.VerifyReceipts(nodeKey, nil, cp); err == nil {
				t.Fatal("tampered receipts verified")
			}
		})
	}
}

func cloneReceipts(rs []pushwire.Receipt) []pushwire.Receipt {
	b, _ := json.Marshal(rs)
	var out []pushwire.Receipt
	json.Unmarshal(b, &out)
	return out
}

// rehash makes a tampered receipt's hash match its content again (the
// chain link and the signature still give it away).
func rehash(t *testing.T, r *pushwire.Receipt) {
	b, err := r.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	r.Hash = crypto.Keccak256(b)
}

// resign signs a tampered receipt alone, with another key.
func resign(t *testing.T, r *pushwire.Receipt) {
	r.Outcome = "failed"
	rehash(t, r)
	k, _ := crypto.GenerateKey()
	root, _ := pushwire.MerkleTree(crypto.Keccak256, [][]byte{r.Hash})
	sig, _ := crypto.Sign(crypto.Keccak256([]byte(pushwire.BatchDomain), root), k)
	r.Sig = pushwire.BatchSig{Root: root, Size: 1, Signature: sig}
}

// stubSender accepts every wakeup; for the conformance node, which must
// not reach the network.
type stubSender struct{}

func (stubSender) Send(context.Context, gateways.Notification) error { return nil }

// newDocPush is the push relay of the conformance node: one APNs app,
// im.status.ethereum, on a sender that accepts everything.
func newDocPush(t *testing.T, key *ecdsa.PrivateKey, log *slog.Logger) pusher {
	t.Helper()
	skey := make([]byte, 32)
	svc, err := push.Open(t.TempDir(), push.DefaultConfig(), push.Deps{NodeKey: key, StorageKey: skey, Logger: log,
		Apps: []push.App{{ID: "im.status.ethereum", Gateway: "apns", Sender: stubSender{}}}})
	if err != nil {
		t.Fatal(err)
	}
	svc.Start()
	t.Cleanup(func() { svc.Close(context.Background()) })
	return svc
}

// TestUpstreamTwoNodes: node A has no credential for the app and forwards
// the still-sealed token to node B, the last hop, which delivers with its
// own credential through its own durable queue. A dead token found by B is
// refused on the next relay, and A then disables the registration.
func TestUpstreamTwoNodes(t *testing.T) {
	fake, app := newAPNsFake(t)
	keyA, _ := crypto.GenerateKey()
	b := newPushNode(t, pushOpts{apps: []push.App{app}, cfg: func(c *push.Config) {
		c.RelayAllow = []string{crypto.PubkeyToAddress(keyA.PublicKey).Hex()}
	}})
	a := newPushNode(t, pushOpts{key: keyA, apps: []push.App{{ID: testApp, Gateway: "apns",
		Upstream: &push.Upstream{URL: b.base + "/v1/relay", NodeKey: &b.key.PublicKey}}}})

	userKey, _ := crypto.GenerateKey()
	c := dialClient(t, a.url, userKey, nil)
	info, err := c.PushInfo(t.Context())
	if err != nil || len(info.Apps) != 1 || len(info.Apps[0].UpstreamKey) != 33 {
		t.Fatalf("pn_pushInfo = %+v, %v", info, err)
	}
	devTok := hexToken()
	sealedTok, err := client.SealToken(info.Apps[0].UpstreamKey, devTok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: devTok, Version: 1}); client.ErrorCode(err) != int(CodeBadDeviceToken) {
		t.Fatalf("a clear token for an upstream app: %v", err)
	}
	if _, err := c.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: sealedTok, Version: 1}); err != nil {
		t.Fatal(err)
	}
	wt, _ := c.WakeupToken(t.Context(), "i")
	resp, err := http.Post(a.base+wt.Path, "", nil)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("wake A: %v %v", resp, err)
	}
	resp.Body.Close()
	fakeWait(t, fake, 1)
	d := fake.Deliveries()[0]
	if d.Token != devTok || "/v1/wake/message/"+d.ApnsID != resp.Header.Get("Location") {
		t.Fatalf("delivery %+v does not carry the token and A's wake id", d)
	}
	var rs []pushwire.Receipt
	waitFor(t, "A's receipt", func() bool {
		rs, _ = c.Receipts(t.Context(), c.Address(), 1, 10)
		return len(rs) == 1
	})
	if rs[0].Outcome != pushwire.OutcomeRelayed || client.VerifyReceipts(a.srv.NodeKey(), nil, rs) != nil {
		t.Fatalf("A's receipt = %+v", rs[0])
	}
	waitFor(t, "B's receipt", func() bool {
		brs, _ := b.svc.Receipts(t.Context(), crypto.PubkeyToAddress(keyA.PublicKey), 1, 10)
		return len(brs) == 1 && brs[0].Outcome == pushwire.OutcomeDelivered && client.VerifyReceipts(b.srv.NodeKey(), nil, brs) == nil
	})

	// Dead token: B learns it on the next delivery; the relay after that is
	// refused with 410 and A disables the registration.
	fake.Unregister(devTok)
	for i := range 2 {
		if r := wake(t, a.base, wt.Token, ""); r.StatusCode != 201 {
			t.Fatalf("wake %d = %d", i, r.StatusCode)
		}
		if i == 0 {
			// B counts the dead token when the send fails and records it
			// with the send's acknowledgement, which ends the job: until
			// then B would still accept a relay of the token.
			waitFor(t, "B found the token dead", func() bool {
				return b.metric(t, "pnode_push_dead_tokens_total", "gateway", "apns") == 1 && b.metric(t, "pnode_push_queue_depth") == 0
			})
		}
	}
	waitFor(t, "A disabled the registration", func() bool { return a.svc.HasDisabled(t.Context(), crypto.PubkeyToAddress(userKey.PublicKey)) })

	// A node that is not on B's allow-list is refused (a credential error
	// for it: its wakeups stay queued).
	other := newPushNode(t, pushOpts{apps: []push.App{{ID: testApp, Gateway: "apns",
		Upstream: &push.Upstream{URL: b.base + "/v1/relay", NodeKey: &b.key.PublicKey}}}})
	oc := dialClient(t, other.url, userKey, nil)
	if _, err := oc.RegisterPush(t.Context(), pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: testApp, Token: sealedTok, Version: 1}); err != nil {
		t.Fatal(err)
	}
	owt, _ := oc.WakeupToken(t.Context(), "i")
	if r := wake(t, other.base, owt.Token, ""); r.StatusCode != 201 {
		t.Fatalf("wake = %d", r.StatusCode)
	}
	waitFor(t, "refused relay", func() bool { return other.metric(t, "pnode_push_credential_errors_total", "gateway", "relay") == 1 })
}

// TestRelayEndpointRefusals: POST /v1/relay without a valid node signature.
func TestRelayEndpointRefusals(t *testing.T) {
	_, app := newAPNsFake(t)
	n := newPushNode(t, pushOpts{apps: []push.App{app}})
	post := func(key, sig, body string) (int, int) {
		req, _ := http.NewRequest(http.MethodPost, n.base+"/v1/relay", strings.NewReader(body))
		req.Header.Set(pushwire.HeaderNodeKey, key)
		req.Header.Set(pushwire.HeaderSignature, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct {
			Error struct{ Code int } `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Error.Code
	}
	if st, code := post("", "", "{}"); st != 401 || code != int(CodeRelayAuthFailed) {
		t.Fatalf("unsigned: %d %d", st, code)
	}
	k, _ := crypto.GenerateKey()
	body := `{"gateway":"apns","appId":"` + testApp + `","id":"x","nonce":"n","sealedToken":"AA==","time":1}`
	sig, _ := crypto.Sign(crypto.Keccak256(pushwire.RelaySigningPayload([]byte(body))), k)
	pub := "0x" + hex.EncodeToString(crypto.CompressPubkey(&k.PublicKey))
	if st, code := post(pub, "0x"+hex.EncodeToString(sig), body+" "); st != 401 || code != int(CodeRelayAuthFailed) {
		t.Fatalf("body changed after signing: %d %d", st, code)
	}
	if st, code := post(pub, "0x"+hex.EncodeToString(sig), body); st != 400 || code != int(CodeTimestampSkew) {
		t.Fatalf("stale request: %d %d", st, code)
	}
}
