package apns

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/payload"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
)

// TestSendWaitsForSlot checks that Send waits for a concurrency slot under
// the caller's context.
func TestSendWaitsForSlot(t *testing.T) {
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.KeyPEM, cfg.KeyID, cfg.TeamID, cfg.Topic = key.PEM, key.KeyID, key.TeamID, "im.status.ethereum"
	cfg.Concurrency = 1
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.slots <- struct{}{} // a send in flight
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, gateways.Notification{Token: "00ff", Nonce: "x"})
	if !errors.Is(err, gateways.ErrRetryable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want retryable deadline", err)
	}
}

// TestExpiredProviderTokenRefreshes checks that 403 ExpiredProviderToken
// makes the next send sign a new provider token, and that a rejection of
// an already replaced token does not force another one.
func TestExpiredProviderTokenRefreshes(t *testing.T) {
	srv, s := newFakeSender(t)
	n := gateways.Notification{Token: testDeviceToken, Nonce: "x"}

	first := s.token.Bearer
	srv.FailNext(1, apnstest.Fault{Status: 403, Reason: apns2.ReasonExpiredProviderToken})
	if err := s.Send(t.Context(), n); !errors.Is(err, gateways.ErrAuth) {
		t.Fatalf("send: %v, want ErrAuth", err)
	}
	if err := s.Send(t.Context(), n); err != nil {
		t.Fatalf("send after refresh: %v", err)
	}
	second := s.token.Bearer
	if second == first {
		t.Fatal("provider token not refreshed after ExpiredProviderToken")
	}
	s.refreshToken("bearer " + first) // a late rejection of the old token
	if s.token.IssuedAt == 0 {
		t.Fatal("rejection of a replaced token forced another refresh")
	}
}

// TestBackgroundPayload checks that the hand-built background payload is
// byte for byte what apns2's payload builder makes, and that nonces needing
// JSON escaping still go through the builder.
func TestBackgroundPayload(t *testing.T) {
	s := &Sender{topic: "im.example"}
	for _, nonce := range []string{"", "0123456789abcdef0123456789abcdef", "a b~", `q"uote`, `back\slash`, "<&>", "é", "\x01"} {
		want := payload.NewPayload().ContentAvailable()
		if nonce != "" {
			want.Custom("n", nonce)
		}
		wantBody, err := want.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		notif, err := s.build(gateways.Notification{Token: "ab12", PushType: gateways.Background, Nonce: nonce, ID: "id"})
		if err != nil {
			t.Fatalf("nonce %q: %v", nonce, err)
		}
		if string(notif.Payload.([]byte)) != string(wantBody) {
			t.Errorf("nonce %q: payload %s, apns2 builds %s", nonce, notif.Payload, wantBody)
		}
		if _, fast := backgroundPayload(nonce); fast != (nonce == "" || nonce[0] == '0' || nonce == "a b~") {
			t.Errorf("nonce %q: fast path taken = %v", nonce, fast)
		}
	}
}

func TestAPNsID(t *testing.T) {
	const lower = "2b4f8a4e-8c1a-4f7e-9c55-0d0c2b6a5e11"
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{lower, lower},
		{"2B4F8A4E-8C1A-4F7E-9C55-0D0C2B6A5E11", lower},
		{"2b4f8a4e-8c1A-4f7e-9c55-0d0c2b6a5e11", lower},
	} {
		if got := apnsID(c.in); got != c.want {
			t.Errorf("apnsID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Not a UUID: a version 8 UUID derived from the id, the same every time.
	for _, in := range []string{"job-1", "2b4f8a4e-8c1a-4f7e-9c55-0d0c2b6a5e1g", "2b4f8a4e+8c1a-4f7e-9c55-0d0c2b6a5e11"} {
		got := apnsID(in)
		if ok, upper := uuidForm(got); !ok || upper || got[14] != '8' || got == in || apnsID(in) != got {
			t.Errorf("apnsID(%q) = %q, want a stable lower-case version 8 UUID", in, got)
		}
	}
}

// newFakeSender starts a fake APNs and a Sender of two connections to it;
// edit (if any) changes the Sender's Config.
func newFakeSender(t *testing.T, edit ...func(*Config)) (*apnstest.Server, *Sender) {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cfg := DefaultConfig()
	cfg.KeyPEM, cfg.KeyID, cfg.TeamID, cfg.Topic = key.PEM, key.KeyID, key.TeamID, "im.status.ethereum"
	cfg.Host, cfg.RootCAs = srv.URL(), srv.CertPool()
	cfg.Connections = 2
	for _, e := range edit {
		e(&cfg)
	}
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return srv, s
}

// remotes returns the client addresses of the fake's deliveries, in order.
func remotes(srv *apnstest.Server) []string {
	var out []string
	for _, d := range srv.Deliveries() {
		out = append(out, d.Remote)
	}
	return out
}

const testDeviceToken = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"

// burst sends n wakeups at once and returns over how many connections the
// fake received them.
func burst(t *testing.T, srv *apnstest.Server, s *Sender, n int) int {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := s.Send(t.Context(), gateways.Notification{Token: testDeviceToken, Nonce: "x"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := remotes(srv)
	if len(got) != n {
		t.Fatalf("%d deliveries, want %d", len(got), n)
	}
	seen := map[string]bool{}
	for _, r := range got {
		seen[r] = true
	}
	return len(seen)
}

// TestSendsFillOneConnection: sends in flight together share the first
// connection while it is under its share of the in-flight cap (500 of the
// default 1,000 at two connections), rather than going round robin; past
// its share, the next connection takes them.
func TestSendsFillOneConnection(t *testing.T) {
	t.Run("under the share", func(t *testing.T) {
		srv, s := newFakeSender(t)
		srv.SetLatency(30 * time.Millisecond)
		if got := burst(t, srv, s, 40); got != 1 {
			t.Errorf("40 sends in flight used %d connections, want 1", got)
		}
	})
	t.Run("past the share", func(t *testing.T) {
		srv, s := newFakeSender(t, func(c *Config) { c.Concurrency = 8 })
		n := gateways.Notification{Token: testDeviceToken, Nonce: "x"}
		if err := s.Send(t.Context(), n); err != nil { // dials the first connection
			t.Fatal(err)
		}
		srv.SetLatency(300 * time.Millisecond)
		// One at a time, each once the fake has it, so each sees the
		// ones before it in flight.
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				if err := s.Send(t.Context(), n); err != nil {
					t.Error(err)
				}
			})
			for srv.Stats().Requests < int64(i+2) {
				time.Sleep(time.Millisecond)
			}
		}
		wg.Wait()
		got := remotes(srv)
		if len(got) != 9 {
			t.Fatalf("%d deliveries, want 9", len(got))
		}
		a := got[0]
		onA := 0
		for _, r := range got[1:] {
			if r == a {
				onA++
			}
		}
		if onA != 4 {
			t.Errorf("%d of 8 sends in flight went over the first connection, want its share of 4: %q", onA, got)
		}
	})
}

// TestStalledConnectionSkipped: once the connection that carries a send
// has received nothing for stallAfter, later sends go over the other
// connection; the held send still completes when its reply comes.
func TestStalledConnectionSkipped(t *testing.T) {
	defer func(d time.Duration) { stallAfter = d }(stallAfter)
	stallAfter = 100 * time.Millisecond
	srv, s := newFakeSender(t)
	fake := gatewaytest.Fake{
		HoldNext: srv.HoldNext, Release: srv.Release,
		Requests: func() int64 { return srv.Stats().Requests },
		Remotes:  func() []string { return remotes(srv) },
	}
	gatewaytest.CheckStalledSkipped(t, fake, stallAfter, func(ctx context.Context) error {
		return s.Send(ctx, gateways.Notification{Token: testDeviceToken, Nonce: "x"})
	})
}
