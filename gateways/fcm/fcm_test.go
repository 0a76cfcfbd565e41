package fcm_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/fcm"
	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
)

const testProject = "pnmarket-test"

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newFake starts a fake FCM with one registered service account.
func newFake(t testing.TB) (*fcmtest.Server, []byte) {
	t.Helper()
	return newFakeWith(t, fcmtest.Options{})
}

// newFakeWith is newFake with options.
func newFakeWith(t testing.TB, opts fcmtest.Options) (*fcmtest.Server, []byte) {
	t.Helper()
	srv, err := fcmtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	sa, err := srv.NewServiceAccount(testProject)
	if err != nil {
		t.Fatal(err)
	}
	return srv, sa
}

func fakeConfig(srv *fcmtest.Server, sa []byte) fcm.Config {
	cfg := fcm.DefaultConfig()
	cfg.CredentialsJSON = sa
	cfg.Endpoint = srv.Endpoint()
	cfg.RootCAs = srv.CertPool()
	return cfg
}

func newSender(t testing.TB, cfg fcm.Config) *fcm.Sender {
	t.Helper()
	s, err := fcm.New(t.Context(), cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// randToken returns a registration token shaped like FCM's.
func randToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 105)
	rand.Read(b)
	return "f" + base64.RawURLEncoding.EncodeToString(b)[:21] + ":APA91b" + base64.RawURLEncoding.EncodeToString(b)[21:]
}

func wakeup(token string) gateways.Notification {
	return gateways.Notification{ID: "wake-1", Token: token, Nonce: "6f1c2b3a9d8e7f60"}
}

func TestSendClassifies(t *testing.T) {
	tests := map[string]struct {
		setup      func(srv *fcmtest.Server, token string)
		cfg        func(c *fcm.Config, srv *fcmtest.Server)
		notif      func(n *gateways.Notification)
		want       gateways.Class
		reason     string
		status     int
		retryAfter time.Duration
		wantErr    error // extra errors.Is check
		requests   int64 // messages:send requests expected, when > 0
	}{
		"delivered": {want: gateways.ClassDelivered, requests: 1},
		"UNREGISTERED": {
			setup: func(srv *fcmtest.Server, tok string) { srv.Unregister(tok) },
			want:  gateways.ClassDeadToken, reason: "UNREGISTERED", status: 404,
		},
		"invalid registration token": {
			notif: func(n *gateways.Notification) { n.Token = "not-a-token" },
			want:  gateways.ClassDeadToken, reason: "INVALID_ARGUMENT", status: 400,
		},
		"token refused locally": {
			notif: func(n *gateways.Notification) { n.Token = "has space" },
			want:  gateways.ClassDeadToken, reason: "invalid registration token",
		},
		"SENDER_ID_MISMATCH": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeSenderIDMismatch})
			},
			want: gateways.ClassDeadToken, reason: "SENDER_ID_MISMATCH", status: 403,
		},
		"THIRD_PARTY_AUTH_ERROR": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeThirdPartyAuthError})
			},
			want: gateways.ClassAuth, reason: "THIRD_PARTY_AUTH_ERROR", status: 401,
		},
		"QUOTA_EXCEEDED": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeQuotaExceeded, RetryAfter: 9 * time.Second})
			},
			want: gateways.ClassQuota, reason: "QUOTA_EXCEEDED", status: 429, retryAfter: 9 * time.Second,
		},
		"UNAVAILABLE without SDK retry": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(5, fcmtest.Fault{Code: fcmtest.CodeUnavailable, RetryAfter: 30 * time.Second})
			},
			want: gateways.ClassRetryable, reason: "UNAVAILABLE", status: 503, retryAfter: 30 * time.Second,
			requests: 1,
		},
		"INTERNAL": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeInternal})
			},
			want: gateways.ClassRetryable, reason: "INTERNAL", status: 500, requests: 1,
		},
		"INVALID_ARGUMENT": {
			setup: func(srv *fcmtest.Server, _ string) {
				srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeInvalidArgument})
			},
			want: gateways.ClassBadRequest, reason: "INVALID_ARGUMENT", status: 400,
		},
		"plain 401": {
			setup: func(srv *fcmtest.Server, _ string) { srv.FailNext(1, fcmtest.Fault{Status: 401}) },
			want:  gateways.ClassAuth, reason: "UNAUTHENTICATED", status: 401,
		},
		"plain 403": {
			setup: func(srv *fcmtest.Server, _ string) { srv.FailNext(1, fcmtest.Fault{Status: 403}) },
			want:  gateways.ClassAuth, reason: "PERMISSION_DENIED", status: 403,
		},
		"connection reset": {
			setup:    func(srv *fcmtest.Server, _ string) { srv.ResetNext(5) },
			want:     gateways.ClassRetryable,
			requests: 1,
		},
		"timeout": {
			setup:   func(srv *fcmtest.Server, _ string) { srv.SetLatency(time.Second) },
			cfg:     func(c *fcm.Config, _ *fcmtest.Server) { c.Timeout = 100 * time.Millisecond },
			want:    gateways.ClassRetryable,
			wantErr: context.DeadlineExceeded,
		},
		"wrong project": {
			cfg:  func(c *fcm.Config, _ *fcmtest.Server) { c.ProjectID = "someone-else" },
			want: gateways.ClassAuth, reason: "PERMISSION_DENIED", status: 403,
		},
		"service account key not registered": {
			cfg: func(c *fcm.Config, srv *fcmtest.Server) {
				other, err := fcmtest.GenerateServiceAccount(testProject, srv.TokenURL())
				if err != nil {
					panic(err)
				}
				c.CredentialsJSON = other.JSON // same client_email, other key
			},
			want: gateways.ClassAuth, reason: "oauth2 invalid_grant", status: 400, requests: -1,
		},
		"untrusted server certificate": {
			cfg:      func(c *fcm.Config, _ *fcmtest.Server) { c.RootCAs = nil },
			want:     gateways.ClassAuth,
			requests: -1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, sa := newFake(t)
			cfg := fakeConfig(srv, sa)
			if tc.cfg != nil {
				tc.cfg(&cfg, srv)
			}
			s := newSender(t, cfg)
			n := wakeup(randToken(t))
			if tc.notif != nil {
				tc.notif(&n)
			}
			if tc.setup != nil {
				tc.setup(srv, n.Token)
			}
			start := time.Now()
			err := s.Send(t.Context(), n)
			if got := gateways.ClassOf(err); got != tc.want {
				t.Fatalf("class = %v, want %v (err: %v)", got, tc.want, err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Send took %v", d)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.wantErr)
			}
			switch st := srv.Stats(); {
			case tc.requests > 0 && st.Requests != tc.requests:
				t.Errorf("fake saw %d send requests, want %d", st.Requests, tc.requests)
			case tc.requests < 0 && st.Requests != 0:
				t.Errorf("fake saw %d send requests, want none", st.Requests)
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
		})
	}
}

// TestContentFree checks the exact message FCM receives.
func TestContentFree(t *testing.T) {
	srv, sa := newFake(t)
	s := newSender(t, fakeConfig(srv, sa))
	tok := randToken(t)
	n := gateways.Notification{ID: "queue-item-42", Token: tok, Nonce: "n0nce", CollapseID: "wake",
		Expiration: time.Now().Add(time.Hour), PushType: gateways.Alert, AlertTitle: "Status", AlertBody: "New message"}
	if err := s.Send(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	ds := srv.Deliveries()
	if len(ds) != 1 {
		t.Fatalf("got %d deliveries", len(ds))
	}
	d := ds[0]
	if !maps.Equal(d.Data, map[string]string{"n": "n0nce", "id": "queue-item-42"}) {
		t.Errorf("data %v", d.Data)
	}
	if d.Token != tok || d.Priority != "high" || d.CollapseKey != "wake" || (d.TTL != "3600s" && d.TTL != "3599s") {
		t.Errorf("delivery %+v", d)
	}
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(d.Message, &msg); err != nil {
		t.Fatal(err)
	}
	if keys := slices.Sorted(maps.Keys(msg)); !slices.Equal(keys, []string{"android", "data", "token"}) {
		t.Errorf("message keys %v, want exactly android, data, token: %s", keys, d.Message)
	}
	var android map[string]any
	json.Unmarshal(msg["android"], &android)
	if keys := slices.Sorted(maps.Keys(android)); !slices.Equal(keys, []string{"collapse_key", "priority", "ttl"}) {
		t.Errorf("android keys %v: %s", keys, msg["android"])
	}
}

// TestAccessTokenReused checks that the OAuth2 exchange runs once for many
// sends.
func TestAccessTokenReused(t *testing.T) {
	srv, sa := newFake(t)
	s := newSender(t, fakeConfig(srv, sa))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := s.Send(t.Context(), wakeup(randToken(t))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if st := srv.Stats(); st.TokensIssued != 1 || st.Delivered != 50 {
		t.Errorf("stats %+v, want 1 token issued and 50 delivered", st)
	}
}

func TestConcurrentSends(t *testing.T) {
	srv, sa := newFake(t)
	s := newSender(t, fakeConfig(srv, sa))
	tokens := make([]string, 16)
	for i := range tokens {
		tokens[i] = randToken(t)
	}
	srv.Unregister(tokens[0])
	send := func(ctx context.Context, tok string) error { return s.Send(ctx, wakeup(tok)) }
	gatewaytest.SendConcurrently(t, send, tokens, 2000, srv.WaitFor)
}

// connections returns how many wakeups the fake delivered and over how many
// client connections.
func connections(srv *fcmtest.Server) (delivered, conns int) {
	ds := srv.Deliveries()
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.Remote] = true
	}
	return len(ds), len(seen)
}

// TestSendPool checks how sends spread over HTTP/2 connections: they fill
// one connection while it has free streams, and spill onto new ones only
// when every connection has all the streams its server allows in use.
func TestSendPool(t *testing.T) {
	// burst sends n wakeups at once, after one alone has set up the first
	// connection, and returns how many connections carried them.
	burst := func(t *testing.T, srv *fcmtest.Server, s *fcm.Sender, n int) int {
		t.Helper()
		tok := randToken(t)
		if err := s.Send(t.Context(), wakeup(tok)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() { errs <- s.Send(t.Context(), wakeup(tok)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		delivered, conns := connections(srv)
		if delivered != n+1 {
			t.Fatalf("%d deliveries, want %d", delivered, n+1)
		}
		return conns
	}
	t.Run("one connection while it has streams", func(t *testing.T) {
		srv, sa := newFake(t)
		srv.SetLatency(20 * time.Millisecond)
		s := newSender(t, fakeConfig(srv, sa))
		if got := burst(t, srv, s, 50); got != 1 {
			t.Errorf("50 sends in flight under a limit of %d streams used %d connections, want 1",
				fcmtest.DefaultMaxConcurrentStreams, got)
		}
	})
	t.Run("more connections once the streams are used up", func(t *testing.T) {
		srv, sa := newFakeWith(t, fcmtest.Options{MaxConcurrentStreams: 2})
		srv.SetLatency(300 * time.Millisecond)
		cfg := fakeConfig(srv, sa)
		cfg.Concurrency = 6
		s := newSender(t, cfg)
		// Six in flight at two streams a connection: three connections,
		// unless sends that found a connection still being dialled waited
		// for its streams instead.
		if got := burst(t, srv, s, 6); got < 2 || got > 3 {
			t.Errorf("6 sends in flight at 2 streams a connection used %d connections, want 2 or 3", got)
		}
	})
}

// TestSendPoolSkipsStalled: once the connection that carries a send has
// received nothing for the stall time, later sends go over a new
// connection; the held send still completes when its reply comes.
func TestSendPoolSkipsStalled(t *testing.T) {
	const stall = 100 * time.Millisecond
	defer fcm.SetStallAfter(stall)()
	srv, sa := newFake(t)
	s := newSender(t, fakeConfig(srv, sa))
	tok := randToken(t)
	fake := gatewaytest.Fake{
		HoldNext: srv.HoldNext, Release: srv.Release,
		Requests: func() int64 { return srv.Stats().Requests },
		Remotes: func() []string {
			var out []string
			for _, d := range srv.Deliveries() {
				out = append(out, d.Remote)
			}
			return out
		},
	}
	gatewaytest.CheckStalledSkipped(t, fake, stall, func(ctx context.Context) error { return s.Send(ctx, wakeup(tok)) })
}

// TestSendAfterReset: a send whose connection the server closed fails as
// retryable, and the next send gets a new connection and is delivered.
func TestSendAfterReset(t *testing.T) {
	srv, sa := newFake(t)
	s := newSender(t, fakeConfig(srv, sa))
	tok := randToken(t)
	if err := s.Send(t.Context(), wakeup(tok)); err != nil {
		t.Fatal(err)
	}
	srv.ResetNext(1)
	if err := s.Send(t.Context(), wakeup(tok)); gateways.ClassOf(err) != gateways.ClassRetryable {
		t.Fatalf("send on a reset connection: %v, want a retryable error", err)
	}
	if err := s.Send(t.Context(), wakeup(tok)); err != nil {
		t.Fatalf("send after the reset: %v", err)
	}
	if delivered, conns := connections(srv); delivered != 2 || conns != 2 {
		t.Errorf("%d deliveries over %d connections, want 2 over 2", delivered, conns)
	}
}

func TestCredentialsFile(t *testing.T) {
	srv, sa := newFake(t)
	file := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(file, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fakeConfig(srv, nil)
	cfg.CredentialsFile = file
	cfg, err := cfg.LoadFiles()
	if err != nil {
		t.Fatal(err)
	}
	if err := newSender(t, cfg).Send(t.Context(), wakeup(randToken(t))); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	srv, sa := newFake(t)
	base := fakeConfig(srv, sa)
	tests := map[string]struct {
		mutate func(*fcm.Config)
		ok     bool
	}{
		"valid":            {func(*fcm.Config) {}, true},
		"no credential":    {func(c *fcm.Config) { c.CredentialsJSON = nil }, false},
		"file not loaded":  {func(c *fcm.Config) { c.CredentialsJSON, c.CredentialsFile = nil, "/sa.json" }, false},
		"not json":         {func(c *fcm.Config) { c.CredentialsJSON = []byte("{") }, false},
		"not a service ac": {func(c *fcm.Config) { c.CredentialsJSON = []byte(`{"type":"authorized_user"}`) }, false},
		"http endpoint":    {func(c *fcm.Config) { c.Endpoint = "http://127.0.0.1:1/v1" }, false},
		"zero timeout":     {func(c *fcm.Config) { c.Timeout = 0 }, false},
		"zero concurrency": {func(c *fcm.Config) { c.Concurrency = 0 }, false},
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
