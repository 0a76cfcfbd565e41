package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// fakeAPNs starts a fake APNs and writes what an apps file needs to reach
// it: the provider key (.p8) and the fake's certificate as a CA file.
type fakeAPNs struct {
	srv     *apnstest.Server
	key     apnstest.ProviderKey
	keyFile string
	caFile  string
}

const crashTopic = "im.pnmarket.crash"

func newFakeAPNs(t *testing.T, keep int) *fakeAPNs {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{crashTopic}, KeepDeliveries: keep})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	f := &fakeAPNs{srv: srv, key: key, keyFile: filepath.Join(dir, "AuthKey.p8"), caFile: filepath.Join(dir, "ca.pem")}
	if err := os.WriteFile(f.keyFile, key.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	// The fake's certificate, as its TLS handshake presents it.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.URL(), "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	cert := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	if err := os.WriteFile(f.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// appsFile writes an apps file with one APNs app on the fake.
func (f *fakeAPNs) appsFile(t *testing.T, id string) string {
	t.Helper()
	body := fmt.Sprintf(`apps:
  - id: %s
    gateway: apns
    apns:
      key-file: %s
      key-id: %s
      team-id: %s
      topic: %s
      environment: sandbox
      host: %s
      ca-file: %s
`, id, f.keyFile, f.key.KeyID, f.key.TeamID, crashTopic, f.srv.URL(), f.caFile)
	p := filepath.Join(t.TempDir(), "apps.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseAppsFile(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"ok": {body: "apps:\n  - id: a.b\n    gateway: fcm\n    fcm: {credentials-file: x.json}\n" +
			"  - id: c\n    gateway: apns\n    upstream: {url: 'https://h/v1/relay', node-key: '0x02'}\n"},
		"empty":            {body: ""},
		"unknown field":    {body: "apps:\n  - id: a\n    gateway: apns\n    apns: {key-fil: x}\n", want: "key-fil"},
		"no credential":    {body: "apps:\n  - id: a\n    gateway: apns\n", want: "exactly one of"},
		"two credentials":  {body: "apps:\n  - id: a\n    gateway: apns\n    apns: {}\n    upstream: {}\n", want: "exactly one of"},
		"block vs gateway": {body: "apps:\n  - id: a\n    gateway: fcm\n    apns: {}\n", want: "does not match"},
		"bad gateway":      {body: "apps:\n  - id: a\n    gateway: webpush\n    apns: {}\n", want: "gateway must be"},
		"duplicate": {body: "apps:\n  - id: a\n    gateway: fcm\n    fcm: {}\n  - id: a\n    gateway: fcm\n    fcm: {}\n",
			want: "twice"},
		"bad id":          {body: "apps:\n  - id: 'a b'\n    gateway: fcm\n    fcm: {}\n", want: "id must be"},
		"bad environment": {body: "apps:\n  - id: a\n    gateway: apns\n    apns: {environment: prod}\n", want: "environment"},
		"bad push type":   {body: "apps:\n  - id: a\n    gateway: fcm\n    push-type: loud\n    fcm: {}\n", want: "push-type"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseAppsFile("apps.yaml", []byte(tt.body))
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// FuzzAppsFile: the apps file decoder never panics.
func FuzzAppsFile(f *testing.F) {
	f.Add([]byte("apps:\n  - id: a\n    gateway: apns\n    apns: {key-file: k, topic: t}\n"))
	f.Add([]byte("apps: [{id: x, gateway: fcm, upstream: {url: u}}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseAppsFile("fuzz.yaml", b)
	})
}

// TestCheckConfigApps: --check-config builds the apps and prints them
// with the credential files redacted.
func TestCheckConfigApps(t *testing.T) {
	f := newFakeAPNs(t, 0)
	apps := f.appsFile(t, "im.pnmarket.check")
	var out, errb bytes.Buffer
	cfg := writeFile(t, "push-apps-file: "+apps+"\n")
	if err := realMain([]string{"run", "--config", cfg, "--data-dir", t.TempDir(), "--check-config"}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, `push app "im.pnmarket.check" gateway=apns`) || !strings.Contains(s, "key-file=set (REDACTED)") {
		t.Fatalf("check-config output:\n%s", s)
	}
	if strings.Contains(s, f.keyFile) || strings.Contains(s, "PRIVATE KEY") {
		t.Fatalf("secret printed:\n%s", s)
	}
	bad := filepath.Join(t.TempDir(), "apps.yaml")
	os.WriteFile(bad, []byte("apps:\n  - id: a\n    gateway: apns\n    apns: {key-file: /nonexistent.p8, key-id: K, team-id: T, topic: t}\n"), 0o600)
	err := realMain([]string{"run", "--config", cfg, "--data-dir", t.TempDir(), "--push-apps-file", bad, "--check-config"}, &out, &errb)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "nonexistent") {
		t.Fatalf("missing key file: %v", err)
	}
}

func TestStorageKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "storage.key")
	k1, err := loadOrCreateStorageKey(p)
	if err != nil || len(k1) != 32 {
		t.Fatal(k1, err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := loadOrCreateStorageKey(p)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("storage key not stable across starts")
	}
	os.WriteFile(p, []byte("short"), 0o600)
	if _, err := loadOrCreateStorageKey(p); err == nil {
		t.Fatal("short storage key accepted")
	}
}

// bannerWriter collects the banner and reports lines as they come.
type bannerWriter struct {
	lines chan string
	buf   bytes.Buffer
}

func (w *bannerWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		w.lines <- strings.TrimSpace(line)
	}
}

// TestDevPush runs `pnode dev` in-process: the local fakes take wakeups
// for the dev APNs and FCM apps end to end, and /v1/dev/deliveries shows
// them.
func TestDevPush(t *testing.T) {
	c, _, _, err := loadConfig([]string{"--data-dir", t.TempDir(), "--listen", "127.0.0.1:0"}, true, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w := &bannerWriter{lines: make(chan string, 64)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { done <- serve(ctx, c, true, log, w) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var wsURL, deliveries string
	for wsURL == "" || deliveries == "" {
		select {
		case line := <-w.lines:
			if v, ok := strings.CutPrefix(line, "websocket:"); ok {
				wsURL = strings.TrimSpace(v)
			}
			if m := regexp.MustCompile(`deliveries: (\S+)`).FindStringSubmatch(line); m != nil {
				deliveries = m[1]
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no banner")
		}
	}
	base := strings.TrimSuffix(strings.Replace(wsURL, "ws://", "http://", 1), "/ws")
	key, _ := crypto.GenerateKey()
	cl, err := client.Dial(t.Context(), client.Options{URL: wsURL, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tokens := map[string]string{devAPNsApp: randHex(32), devFCMApp: "dev" + randHex(40)}
	ids := map[string]string{}
	for app, tok := range tokens {
		gw := pushwire.GatewayAPNs
		if app == devFCMApp {
			gw = pushwire.GatewayFCM
		}
		if _, err := cl.RegisterPush(t.Context(), pushwire.Registration{InstallationID: app, Gateway: gw, AppID: app, Token: tok, Version: 1}); err != nil {
			t.Fatal(err)
		}
		wt, err := cl.WakeupToken(t.Context(), app)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(base+wt.Path, "", nil)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("wake %s: %v %v", app, resp, err)
		}
		resp.Body.Close()
		ids[app] = strings.TrimPrefix(resp.Header.Get("Location"), "/v1/wake/message/")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got struct{ APNs, FCM []devDelivery }
		resp, err := http.Get(deliveries)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if len(got.APNs) == 1 && len(got.FCM) == 1 {
			if got.APNs[0].ID != ids[devAPNsApp] || got.FCM[0].ID != ids[devFCMApp] {
				t.Fatalf("deliveries %+v, want ids %v", got, ids)
			}
			if strings.Contains(got.APNs[0].Token, tokens[devAPNsApp]) {
				t.Fatal("dev endpoint shows a whole device token")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries = %+v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
