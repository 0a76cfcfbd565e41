package push_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/crypto/ecies"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/gateways/apns"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/fcm"
	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	apnsApp   = "test.apns"
	fcmApp    = "test.fcm"
	testTopic = "im.pnmarket.test"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// fakes is a fake APNs and a fake FCM with real senders on them.
type fakes struct {
	apns    *apnstest.Server
	apnsKey apnstest.ProviderKey
	fcm     *fcmtest.Server
	apps    []push.App
}

func newFakes(t *testing.T) *fakes {
	t.Helper()
	f := &fakes{}
	var err error
	if f.apnsKey, err = apnstest.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	if f.apns, err = apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{f.apnsKey}, Topics: []string{testTopic}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.apns.Close)
	if f.fcm, err = fcmtest.NewServer(fcmtest.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.fcm.Close)
	sa, err := f.fcm.NewServiceAccount("pnmarket-test")
	if err != nil {
		t.Fatal(err)
	}
	as := newAPNsSender(t, apnsConfig(f.apns, f.apnsKey))
	fcfg := fcm.DefaultConfig()
	fcfg.CredentialsJSON, fcfg.Endpoint, fcfg.RootCAs = sa, f.fcm.Endpoint(), f.fcm.CertPool()
	fs, err := fcm.New(t.Context(), fcfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	f.apps = []push.App{
		{ID: apnsApp, Gateway: pushwire.GatewayAPNs, Sender: as},
		{ID: fcmApp, Gateway: pushwire.GatewayFCM, Sender: fs},
	}
	return f
}

func apnsConfig(srv *apnstest.Server, key apnstest.ProviderKey) apns.Config {
	cfg := apns.DefaultConfig()
	cfg.KeyPEM, cfg.KeyID, cfg.TeamID, cfg.Topic = key.PEM, key.KeyID, key.TeamID, testTopic
	cfg.Host, cfg.RootCAs = srv.URL(), srv.CertPool()
	return cfg
}

func newAPNsSender(t *testing.T, cfg apns.Config) *apns.Sender {
	t.Helper()
	s, err := apns.New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// node is a push service on a temp dir.
type node struct {
	svc *push.Service
	key *ecdsa.PrivateKey
	reg *prometheus.Registry
	dir string
}

type opts struct {
	cfg     func(*push.Config)
	now     func() time.Time
	noStart bool
	key     *ecdsa.PrivateKey
	dir     string
	logger  *slog.Logger
	credit  push.Credit
}

func newNode(t testing.TB, apps []push.App, o opts) *node {
	t.Helper()
	cfg := push.DefaultConfig()
	cfg.Workers = 4
	cfg.RetryMin, cfg.RetryMax = 10*time.Millisecond, 50*time.Millisecond
	cfg.WakeRate, cfg.WakeBurst = 1000, 1000
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	n := &node{key: o.key, reg: prometheus.NewRegistry(), dir: o.dir}
	if n.key == nil {
		n.key, _ = crypto.GenerateKey()
	}
	if n.dir == "" {
		n.dir = t.TempDir()
	}
	skey := make([]byte, 32)
	copy(skey, "a fixed storage key for tests..")
	log := o.logger
	if log == nil {
		log = testLogger(t)
	}
	svc, err := push.Open(n.dir, cfg, push.Deps{NodeKey: n.key, StorageKey: skey, Apps: apps, Logger: log, Registry: n.reg, Now: o.now, Credit: o.credit})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noStart {
		svc.Start()
	}
	n.svc = svc
	t.Cleanup(func() { n.close(t) })
	return n
}

func (n *node) close(t testing.TB) {
	if n.svc != nil {
		if err := n.svc.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
		n.svc = nil
	}
}

// seal encrypts a registration to the node key, as a client does.
func (n *node) seal(t testing.TB, r pushwire.Registration) []byte {
	t.Helper()
	b, _ := json.Marshal(r)
	ct, err := ecies.Encrypt(rand.Reader, ecies.ImportECDSAPublic(&n.key.PublicKey), b, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// register registers and fails the test on error.
func (n *node) register(t testing.TB, owner common.Address, r pushwire.Registration) {
	t.Helper()
	r.Owner = owner.Hex()
	if _, err := n.svc.Register(t.Context(), owner, n.seal(t, r)); err != nil {
		t.Fatalf("register: %v", err)
	}
}

func (n *node) wakeToken(t testing.TB, owner common.Address, inst string) string {
	t.Helper()
	wt, err := n.svc.NewWakeToken(t.Context(), owner, inst)
	if err != nil {
		t.Fatal(err)
	}
	return wt.Token
}

// apnsInstallation registers inst of owner for the APNs app with a fresh
// device token (version 1) and returns a wakeup token for it.
func (n *node) apnsInstallation(t testing.TB, owner common.Address, inst string) string {
	t.Helper()
	n.register(t, owner, pushwire.Registration{InstallationID: inst, Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	return n.wakeToken(t, owner, inst)
}

// wake sends times wake requests with tok, from 127.0.0.1, and fails the
// test at the first refusal.
func (n *node) wake(t testing.TB, tok string, times int) {
	t.Helper()
	for range times {
		if _, err := n.svc.Wake(t.Context(), tok, "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
	}
}

func (n *node) counter(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := n.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			if m.Gauge != nil {
				return m.Gauge.GetValue()
			}
		}
	}
	t.Fatalf("metric %s%v not found", name, labels)
	return 0
}

func apnsToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func fcmToken() string {
	b := make([]byte, 60)
	rand.Read(b)
	return "f" + hex.EncodeToString(b)[:21] + ":APA91b" + hex.EncodeToString(b)[21:]
}

func newOwner() common.Address {
	k, _ := crypto.GenerateKey()
	return crypto.PubkeyToAddress(k.PublicKey)
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond (no fixed sleeps: a short tick until a deadline).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// contains reports whether any of needles occurs in hay.
func containsAny(hay string, needles ...string) string {
	for _, n := range needles {
		if n != "" && strings.Contains(hay, n) {
			return n
		}
	}
	return ""
}

// offline reports every owner as without a session.
func offline(common.Address) bool { return false }
