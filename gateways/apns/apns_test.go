package apns_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sideshow/apns2"
	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
)

const testTopic = "im.status.ethereum"

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newFake starts a fake APNs accepting a fresh provider key.
func newFake(t testing.TB) (*apnstest.Server, apnstest.ProviderKey) {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{testTopic}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, key
}

// tokenConfig configures a token-auth sender against srv.
func tokenConfig(srv *apnstest.Server, key apnstest.ProviderKey) apns.Config {
	cfg := apns.DefaultConfig()
	cfg.KeyPEM = key.PEM
	cfg.KeyID = key.KeyID
	cfg.TeamID = key.TeamID
	cfg.Topic = testTopic
	cfg.Host = srv.URL()
	cfg.RootCAs = srv.CertPool()
	return cfg
}

func newSender(t testing.TB, cfg apns.Config) *apns.Sender {
	t.Helper()
	s, err := apns.New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func randToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func background(token string) gateways.Notification {
	return gateways.Notification{ID: "wake-1", Token: token, Nonce: "6f1c2b3a9d8e7f60"}
}

func TestSendClassifies(t *testing.T) {
	tests := map[string]struct {
		setup      func(srv *apnstest.Server, token string)
		cfg        func(*apns.Config)
		notif      func(n *gateways.Notification)
		want       gateways.Class
		reason     string
		status     int
		retryAfter time.Duration
		wantErr    error // extra errors.Is check
	}{
		"delivered": {want: gateways.ClassDelivered},
		"410 unregistered": {
			setup: func(srv *apnstest.Server, tok string) { srv.Unregister(tok) },
			want:  gateways.ClassDeadToken, reason: apns2.ReasonUnregistered, status: 410,
		},
		"400 bad device token": {
			setup: func(srv *apnstest.Server, tok string) { srv.MarkBadDeviceToken(tok) },
			want:  gateways.ClassDeadToken, reason: apns2.ReasonBadDeviceToken, status: 400,
		},
		"400 device token not for topic": {
			setup: func(srv *apnstest.Server, tok string) {
				srv.FailToken(tok, apnstest.Fault{Status: 400, Reason: apns2.ReasonDeviceTokenNotForTopic})
			},
			want: gateways.ClassDeadToken, reason: apns2.ReasonDeviceTokenNotForTopic, status: 400,
		},
		"fake rejects token format": {
			notif: func(n *gateways.Notification) { n.Token = "abcd" },
			want:  gateways.ClassDeadToken, reason: apns2.ReasonBadDeviceToken, status: 400,
		},
		"non-hex token refused locally": {
			notif: func(n *gateways.Notification) { n.Token = "../../3/device/x?y" },
			want:  gateways.ClassDeadToken, reason: apns2.ReasonBadDeviceToken, status: 0,
		},
		"403 invalid provider token": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 403, Reason: apns2.ReasonInvalidProviderToken})
			},
			want: gateways.ClassAuth, reason: apns2.ReasonInvalidProviderToken, status: 403,
		},
		"403 expired provider token": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 403, Reason: apns2.ReasonExpiredProviderToken})
			},
			want: gateways.ClassAuth, reason: apns2.ReasonExpiredProviderToken, status: 403,
		},
		"429 too many requests": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 429, Reason: apns2.ReasonTooManyRequests, RetryAfter: 7 * time.Second})
			},
			want: gateways.ClassQuota, reason: apns2.ReasonTooManyRequests, status: 429, retryAfter: 7 * time.Second,
		},
		"500 internal server error": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 500, Reason: apns2.ReasonInternalServerError})
			},
			want: gateways.ClassRetryable, reason: apns2.ReasonInternalServerError, status: 500,
		},
		"503 service unavailable": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 503, Reason: apns2.ReasonServiceUnavailable, RetryAfter: 2 * time.Second})
			},
			want: gateways.ClassRetryable, reason: apns2.ReasonServiceUnavailable, status: 503, retryAfter: 2 * time.Second,
		},
		"connection reset": {
			setup: func(srv *apnstest.Server, _ string) { srv.ResetNext(1) },
			want:  gateways.ClassRetryable,
		},
		"timeout": {
			setup:   func(srv *apnstest.Server, _ string) { srv.SetLatency(time.Second) },
			cfg:     func(c *apns.Config) { c.Timeout = 100 * time.Millisecond },
			want:    gateways.ClassRetryable,
			wantErr: context.DeadlineExceeded,
		},
		"413 payload too large from server": {
			setup: func(srv *apnstest.Server, _ string) {
				srv.FailNext(1, apnstest.Fault{Status: 413, Reason: apns2.ReasonPayloadTooLarge})
			},
			want: gateways.ClassBadRequest, reason: apns2.ReasonPayloadTooLarge, status: 413,
		},
		"payload too large refused locally": {
			notif: func(n *gateways.Notification) {
				n.PushType = gateways.Alert
				n.AlertBody = strings.Repeat("x", 5000)
			},
			want: gateways.ClassBadRequest, reason: apns2.ReasonPayloadTooLarge,
		},
		"topic disallowed": {
			notif: func(n *gateways.Notification) { n.Topic = "com.example.other" },
			want:  gateways.ClassBadRequest, reason: apns2.ReasonTopicDisallowed, status: 400,
		},
		"wrong key id": {
			cfg:  func(c *apns.Config) { c.KeyID = "ZZZZZZZZZZ" },
			want: gateways.ClassAuth, reason: apns2.ReasonInvalidProviderToken, status: 403,
		},
		"wrong signing key": {
			cfg: func(c *apns.Config) {
				other, err := apnstest.GenerateKey()
				if err != nil {
					panic(err)
				}
				c.KeyPEM = other.PEM // same key id and team id, other key
			},
			want: gateways.ClassAuth, reason: apns2.ReasonInvalidProviderToken, status: 403,
		},
		"untrusted server certificate": {
			cfg:  func(c *apns.Config) { c.RootCAs = nil },
			want: gateways.ClassAuth,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, key := newFake(t)
			cfg := tokenConfig(srv, key)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			s := newSender(t, cfg)
			n := background(randToken(t))
			if tc.notif != nil {
				tc.notif(&n)
			}
			if tc.setup != nil {
				tc.setup(srv, n.Token)
			}
			err := s.Send(t.Context(), n)
			if err != nil && strings.Contains(err.Error(), n.Token) {
				t.Errorf("error %q contains the whole device token", err)
			}
			if got := gateways.ClassOf(err); got != tc.want {
				t.Fatalf("class = %v, want %v (err: %v)", got, tc.want, err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.wantErr)
			}
			if tc.reason == "" {
				return
			}
			re, ok := errors.AsType[*gateways.RejectedError](err)
			if !ok {
				t.Fatalf("err %v is not a *RejectedError", err)
			}
			if re.Reason != tc.reason || re.Status != tc.status || re.RetryAfter != tc.retryAfter {
				t.Errorf("got reason %q status %d retry-after %v, want %q %d %v",
					re.Reason, re.Status, re.RetryAfter, tc.reason, tc.status, tc.retryAfter)
			}
			if tc.status == 410 && re.Timestamp.IsZero() {
				t.Error("410 without timestamp")
			}
		})
	}
}

func TestCertificateAuth(t *testing.T) {
	good, err := apnstest.GenerateClientCert(testTopic)
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := apnstest.GenerateClientCert(testTopic)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{ClientCerts: []*x509.Certificate{good.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	tests := map[string]struct {
		cert   apnstest.ClientCert
		want   gateways.Class
		reason string
	}{
		"registered certificate": {good, gateways.ClassDelivered, ""},
		"unknown certificate":    {unknown, gateways.ClassAuth, apns2.ReasonBadCertificate},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := apns.DefaultConfig()
			cfg.CertData = tc.cert.PEM
			cfg.Topic = testTopic
			cfg.Host = srv.URL()
			cfg.RootCAs = srv.CertPool()
			s := newSender(t, cfg)
			err := s.Send(t.Context(), background(randToken(t)))
			if got := gateways.ClassOf(err); got != tc.want {
				t.Fatalf("class %v, want %v (err %v)", got, tc.want, err)
			}
			if re, ok := errors.AsType[*gateways.RejectedError](err); tc.reason != "" && (!ok || re.Reason != tc.reason) {
				t.Errorf("err %v, want reason %s", err, tc.reason)
			}
		})
	}
}

// TestCertificateFiles loads a PEM and a PKCS#12 credential through
// LoadFiles. The .p12 is made with openssl's legacy (3DES) encryption, the
// kind Keychain exports and golang.org/x/crypto/pkcs12 reads; the case is
// skipped without openssl.
func TestCertificateFiles(t *testing.T) {
	cert, err := apnstest.GenerateClientCert(testTopic)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{ClientCerts: []*x509.Certificate{cert.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(pemFile, cert.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(t *testing.T) (file, password string){
		"pem": func(*testing.T) (string, string) { return pemFile, "" },
		"p12": func(t *testing.T) (string, string) {
			p12 := filepath.Join(dir, "cert.p12")
			out, err := exec.CommandContext(t.Context(), "openssl", "pkcs12", "-export", "-legacy",
				"-in", pemFile, "-out", p12, "-passout", "pass:s3cret").CombinedOutput()
			if err != nil {
				t.Skipf("openssl cannot make a legacy .p12: %v %s", err, out)
			}
			return p12, "s3cret"
		},
	}
	for name, file := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := apns.DefaultConfig()
			cfg.CertFile, cfg.CertPassword = file(t)
			cfg.Topic, cfg.Host, cfg.RootCAs = testTopic, srv.URL(), srv.CertPool()
			if err := cfg.Validate(); err == nil {
				t.Fatal("Validate accepted a config whose file is not loaded")
			}
			cfg, err := cfg.LoadFiles()
			if err != nil {
				t.Fatal(err)
			}
			s := newSender(t, cfg)
			if err := s.Send(t.Context(), background(randToken(t))); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestContentFree checks the exact payloads and headers APNs receives.
func TestContentFree(t *testing.T) {
	srv, key := newFake(t)
	s := newSender(t, tokenConfig(srv, key))
	tok := randToken(t)
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	bg := gateways.Notification{ID: "queue-item-42", Token: tok, Nonce: "n0nce", CollapseID: "wake", Expiration: exp}
	alert := gateways.Notification{ID: "0b7c4e8a-1d2f-4a3b-9c5d-6e7f8a9b0c1d", Token: tok, PushType: gateways.Alert,
		Nonce: "n0nce2", AlertTitle: "Status", AlertBody: "New message"}
	for _, n := range []gateways.Notification{bg, alert} {
		if err := s.Send(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	ds := srv.Deliveries()
	if len(ds) != 2 {
		t.Fatalf("got %d deliveries, want 2", len(ds))
	}

	d := ds[0]
	if d.PushType != "background" || d.Priority != 5 || d.Topic != testTopic || d.CollapseID != "wake" ||
		d.Expiration != exp.Unix() || d.Token != tok {
		t.Errorf("background headers: %+v", d)
	}
	if len(d.ApnsID) != 36 || d.ApnsID == bg.ID {
		t.Errorf("apns-id %q: want a UUID derived from the id", d.ApnsID)
	}
	assertJSON(t, d.Payload, `{"aps":{"content-available":1},"n":"n0nce"}`)

	d = ds[1]
	if d.PushType != "alert" || d.Priority != 10 || d.ApnsID != alert.ID || d.CollapseID != "" || d.Expiration != 0 {
		t.Errorf("alert headers: %+v", d)
	}
	assertJSON(t, d.Payload, `{"aps":{"alert":{"title":"Status","body":"New message"},"mutable-content":1},"n":"n0nce2"}`)

	// The same idempotency key always maps onto the same apns-id.
	if err := s.Send(t.Context(), bg); err != nil {
		t.Fatal(err)
	}
	if again := srv.Deliveries()[2].ApnsID; again != ds[0].ApnsID {
		t.Errorf("apns-id changed across retries: %q then %q", ds[0].ApnsID, again)
	}
}

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("payload %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gk, wk := slices.Sorted(maps.Keys(g)), slices.Sorted(maps.Keys(w))
	if !slices.Equal(gk, wk) {
		t.Fatalf("payload keys %v, want exactly %v (payload %s)", gk, wk, got)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("payload %s, want %s", gb, wb)
	}
}

func TestConcurrentSends(t *testing.T) {
	srv, key := newFake(t)
	s := newSender(t, tokenConfig(srv, key))
	tokens := make([]string, 16)
	for i := range tokens {
		tokens[i] = randToken(t)
	}
	srv.Unregister(tokens[0])
	send := func(ctx context.Context, tok string) error { return s.Send(ctx, background(tok)) }
	delivered := gatewaytest.SendConcurrently(t, send, tokens, 2000, srv.WaitFor)
	if st := srv.Stats(); st.Delivered != delivered || st.Rejected != 2000-delivered {
		t.Errorf("fake stats %+v", st)
	}
}

func TestConfigValidate(t *testing.T) {
	base := apns.DefaultConfig()
	base.KeyPEM, base.KeyID, base.TeamID, base.Topic = []byte("k"), "K", "T", testTopic
	tests := map[string]struct {
		mutate func(*apns.Config)
		ok     bool
	}{
		"valid token":        {func(*apns.Config) {}, true},
		"no credential":      {func(c *apns.Config) { c.KeyPEM = nil }, false},
		"both credentials":   {func(c *apns.Config) { c.CertData = []byte("c") }, false},
		"file not loaded":    {func(c *apns.Config) { c.KeyPEM, c.KeyFile = nil, "/x.p8" }, false},
		"no key id":          {func(c *apns.Config) { c.KeyID = "" }, false},
		"no topic":           {func(c *apns.Config) { c.Topic = "" }, false},
		"http host":          {func(c *apns.Config) { c.Host = "http://127.0.0.1:1" }, false},
		"zero concurrency":   {func(c *apns.Config) { c.Concurrency = 0 }, false},
		"zero timeout":       {func(c *apns.Config) { c.Timeout = 0 }, false},
		"valid cert":         {func(c *apns.Config) { c.KeyPEM, c.CertData = nil, []byte("c") }, true},
		"host with slash ok": {func(c *apns.Config) { c.Host = "https://127.0.0.1:1/" }, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := base
			tc.mutate(&c)
			if err := c.Validate(); (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
