package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/fcm"
	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// maxAppsFile caps the apps file size.
const maxAppsFile = 1 << 20

// defaultAlertTitle is the generic text of alert wakeups when the apps file
// names none.
const defaultAlertTitle = "New message"

// Dev-mode apps, served by the local fakes.
const (
	devAPNsApp   = "dev.apns"
	devFCMApp    = "dev.fcm"
	devAPNsTopic = "im.pnmarket.dev"
	devProject   = "pnmarket-dev"
)

// pushSettings is the push part of the node config.
type pushSettings struct {
	// AppsFile is the YAML file of app credentials (see docs/operations.md).
	AppsFile string
	// RelayAllow is a comma-separated list of node addresses this node
	// relays for as a last hop; empty accepts any signing node.
	RelayAllow string
	Config     push.Config
}

func defaultPushSettings() pushSettings { return pushSettings{Config: push.DefaultConfig()} }

// bindPush declares the push settings.
func bindPush(s *settings, p *pushSettings) {
	c := &p.Config
	s.str(&p.AppsFile, "push-apps-file", "YAML file of push app credentials (APNs, FCM, upstream); empty: no push (dev: the local fakes)")
	s.int(&c.QueueSize, "push-queue-size", "wakeups accepted and not finished before wake requests get 503")
	s.int(&c.Workers, "push-workers", "sending goroutines per gateway (apns, fcm, relay)")
	s.duration(&c.CoalesceWindow, "push-coalesce-window", "at most one topic-triggered wakeup per installation per window")
	s.int(&c.MaxAttempts, "push-max-attempts", "sends of one wakeup that fail with retryable errors before it fails")
	s.duration(&c.MaxAge, "push-max-age", "a wakeup not delivered this long after acceptance fails")
	s.duration(&c.RetryMin, "push-retry-min", "first retry backoff")
	s.duration(&c.RetryMax, "push-retry-max", "largest retry backoff")
	s.duration(&c.QuotaBackoff, "push-quota-backoff", "how long an app rests after a quota refusal without Retry-After")
	s.duration(&c.AuthRetry, "push-auth-retry", "how often a refused credential is probed again")
	s.duration(&c.SendTimeout, "push-send-timeout", "bound on one relay request to a last hop")
	s.float(&c.WakeRate, "push-wake-rate", "wake requests per second per wakeup token")
	s.int(&c.WakeBurst, "push-wake-burst", "wake request burst per wakeup token")
	s.float(&c.WakeIPRate, "push-wake-ip-rate", "wake requests per second per client IP")
	s.int(&c.WakeIPBurst, "push-wake-ip-burst", "wake request burst per client IP")
	s.int(&c.MaxWakeBody, "push-max-wake-body", "largest wake request body (ignored) before 413")
	s.duration(&c.MaxWakeTTL, "push-max-wake-ttl", "cap on the TTL header of a wake request")
	s.int(&c.MaxInstallations, "push-max-installations", "push registrations per session key")
	s.int(&c.MaxWakeTokens, "push-max-wake-tokens", "live wakeup tokens per installation")
	s.float(&c.RelayRate, "push-relay-rate", "relay requests per second per forwarding node (last hop)")
	s.int(&c.RelayBurst, "push-relay-burst", "relay request burst per forwarding node")
	s.str(&p.RelayAllow, "push-relay-allow", "node addresses allowed to relay through this node, comma-separated (empty: any signing node)")
	s.duration(&c.DrainTimeout, "push-drain-timeout", "on shutdown, how long queued wakeups may still be sent")
	s.duration(&c.ReceiptRetention, "push-receipt-retention", "drop receipts older than this (0: keep all); a chain goes on from the last one dropped")
}

// config returns the push.Config with the relay allow-list filled in.
func (p pushSettings) config() push.Config {
	c := p.Config
	c.RelayAllow = nil
	for _, a := range strings.Split(p.RelayAllow, ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.RelayAllow = append(c.RelayAllow, a)
		}
	}
	return c
}

func (p pushSettings) validate() error { return p.config().Validate() }

// checkPush reads and builds the apps file for --check-config and
// describes it with the credential files redacted.
func checkPush(ctx context.Context, c config, log *slog.Logger) (string, error) {
	if c.Push.AppsFile == "" {
		return "# push: no push-apps-file\n", nil
	}
	b, err := os.ReadFile(c.Push.AppsFile)
	if err != nil {
		return "", configError{fmt.Errorf("push apps file: %w", err)}
	}
	f, err := parseAppsFile(c.Push.AppsFile, b)
	if err != nil {
		return "", configError{err}
	}
	_, closeApps, err := buildApps(ctx, f, c.Push.Config.SendTimeout, log)
	if err != nil {
		return "", configError{err}
	}
	closeApps()
	return describeApps(f), nil
}

// appsFile is the push apps file.
//
//	apps:
//	  - id: im.status.ethereum          # what registrations name in appId
//	    gateway: apns                   # apns | fcm
//	    push-type: background           # background (default) | alert
//	    alert-title: New message        # generic text of alert wakeups
//	    apns:
//	      key-file: /etc/pnode/AuthKey_ABCDE12345.p8   # token auth (secret: a path)
//	      key-id: ABCDE12345
//	      team-id: TEAM123456
//	      # cert-file: /etc/pnode/apns.p12   cert-password-file: ...  (certificate auth)
//	      topic: im.status.ethereum
//	      environment: production       # production | sandbox
//	      # host: https://127.0.0.1:4443  ca-file: fake.pem  (a fake)
//	  - id: im.status.android
//	    gateway: fcm
//	    fcm:
//	      credentials-file: /etc/pnode/firebase-sa.json  # secret: a path
//	      project-id: status-im
//	      # endpoint: https://127.0.0.1:4444/v1  ca-file: fake.pem
//	  - id: org.example.chat
//	    gateway: apns
//	    upstream:                       # no credential here: forward to a last hop
//	      url: https://lasthop.example/v1/relay
//	      node-key: 0x03...             # the last hop's node key
type appsFile struct {
	Apps []appEntry `yaml:"apps"`
}

type appEntry struct {
	ID         string         `yaml:"id"`
	Gateway    string         `yaml:"gateway"`
	PushType   string         `yaml:"push-type"`
	AlertTitle string         `yaml:"alert-title"`
	AlertBody  string         `yaml:"alert-body"`
	APNs       *apnsEntry     `yaml:"apns"`
	FCM        *fcmEntry      `yaml:"fcm"`
	Upstream   *upstreamEntry `yaml:"upstream"`
}

type apnsEntry struct {
	KeyFile          string `yaml:"key-file"`
	KeyID            string `yaml:"key-id"`
	TeamID           string `yaml:"team-id"`
	CertFile         string `yaml:"cert-file"`
	CertPasswordFile string `yaml:"cert-password-file"`
	Topic            string `yaml:"topic"`
	Environment      string `yaml:"environment"`
	Host             string `yaml:"host"`
	CAFile           string `yaml:"ca-file"`
	Connections      int    `yaml:"connections"`
	Concurrency      int    `yaml:"concurrency"`
}

type fcmEntry struct {
	CredentialsFile string `yaml:"credentials-file"`
	ProjectID       string `yaml:"project-id"`
	Endpoint        string `yaml:"endpoint"`
	CAFile          string `yaml:"ca-file"`
	Concurrency     int    `yaml:"concurrency"`
}

type upstreamEntry struct {
	URL     string `yaml:"url"`
	NodeKey string `yaml:"node-key"`
	CAFile  string `yaml:"ca-file"`
}

// parseAppsFile decodes and checks the apps file (no file is read but it).
func parseAppsFile(path string, b []byte) (appsFile, error) {
	var f appsFile
	if len(b) > maxAppsFile {
		return f, fmt.Errorf("%s: larger than %d bytes", path, maxAppsFile)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	var errs []error
	seen := make(map[string]bool)
	for i, a := range f.Apps {
		where := fmt.Sprintf("%s: apps[%d] (%s)", path, i, a.ID)
		modes := 0
		for _, set := range []bool{a.APNs != nil, a.FCM != nil, a.Upstream != nil} {
			if set {
				modes++
			}
		}
		switch {
		case !pushwire.ValidID(a.ID, pushwire.MaxAppIDLen):
			errs = append(errs, fmt.Errorf("%s: id must be 1-%d characters of [A-Za-z0-9._:-]", where, pushwire.MaxAppIDLen))
		case seen[a.ID]:
			errs = append(errs, fmt.Errorf("%s: id listed twice", where))
		case a.Gateway != pushwire.GatewayAPNs && a.Gateway != pushwire.GatewayFCM:
			errs = append(errs, fmt.Errorf("%s: gateway must be apns or fcm", where))
		case modes != 1:
			errs = append(errs, fmt.Errorf("%s: want exactly one of apns, fcm or upstream", where))
		case a.APNs != nil && a.Gateway != pushwire.GatewayAPNs, a.FCM != nil && a.Gateway != pushwire.GatewayFCM:
			errs = append(errs, fmt.Errorf("%s: credential block does not match gateway %s", where, a.Gateway))
		case a.PushType != "" && a.PushType != pushwire.PushTypeBackground && a.PushType != pushwire.PushTypeAlert:
			errs = append(errs, fmt.Errorf("%s: push-type must be background or alert", where))
		case a.APNs != nil && a.APNs.Environment != "" && a.APNs.Environment != "production" && a.APNs.Environment != "sandbox":
			errs = append(errs, fmt.Errorf("%s: environment must be production or sandbox", where))
		}
		seen[a.ID] = true
	}
	return f, errors.Join(errs...)
}

// describeApps renders the apps for --check-config: credential files are
// secrets and only reported as set.
func describeApps(f appsFile) string {
	var b strings.Builder
	set := func(p string) string {
		if p == "" {
			return "unset"
		}
		return "set (REDACTED)"
	}
	for _, a := range f.Apps {
		fmt.Fprintf(&b, "# push app %q gateway=%s", a.ID, a.Gateway)
		switch {
		case a.APNs != nil:
			auth := "token key-file=" + set(a.APNs.KeyFile) + " key-id=" + a.APNs.KeyID + " team-id=" + a.APNs.TeamID
			if a.APNs.CertFile != "" {
				auth = "certificate cert-file=" + set(a.APNs.CertFile) + " cert-password-file=" + set(a.APNs.CertPasswordFile)
			}
			fmt.Fprintf(&b, " apns %s topic=%s environment=%s host=%s", auth, a.APNs.Topic, a.APNs.Environment, a.APNs.Host)
		case a.FCM != nil:
			fmt.Fprintf(&b, " fcm credentials-file=%s project-id=%s endpoint=%s", set(a.FCM.CredentialsFile), a.FCM.ProjectID, a.FCM.Endpoint)
		case a.Upstream != nil:
			fmt.Fprintf(&b, " upstream url=%s node-key=%s", a.Upstream.URL, a.Upstream.NodeKey)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// buildApps makes the senders of the apps file. It reads the credential
// files and builds the SDK clients, but connects nowhere.
func buildApps(ctx context.Context, f appsFile, sendTimeout time.Duration, log *slog.Logger) ([]push.App, func(), error) {
	var apps []push.App
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	for _, a := range f.Apps {
		app := push.App{ID: a.ID, Gateway: a.Gateway, AlertTitle: a.AlertTitle, AlertBody: a.AlertBody}
		if a.PushType == pushwire.PushTypeAlert {
			app.PushType = gateways.Alert
			if app.AlertTitle == "" && app.AlertBody == "" {
				app.AlertTitle = defaultAlertTitle
			}
		}
		var err error
		switch {
		case a.APNs != nil:
			var s *apns.Sender
			s, err = newAPNs(a.APNs, log)
			if err == nil {
				app.Sender = s
				closers = append(closers, func() { s.Close() })
			}
		case a.FCM != nil:
			var s *fcm.Sender
			s, err = newFCM(ctx, a.FCM, log)
			if err == nil {
				app.Sender = s
				closers = append(closers, func() { s.Close() })
			}
		case a.Upstream != nil:
			app.Upstream, err = newUpstream(a.Upstream, sendTimeout)
		}
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("push app %s: %w", a.ID, err)
		}
		apps = append(apps, app)
	}
	return apps, closeAll, nil
}

func newAPNs(e *apnsEntry, log *slog.Logger) (*apns.Sender, error) {
	cfg := apns.DefaultConfig()
	cfg.KeyFile, cfg.KeyID, cfg.TeamID, cfg.CertFile = e.KeyFile, e.KeyID, e.TeamID, e.CertFile
	cfg.Topic, cfg.Production, cfg.Host = e.Topic, e.Environment == "production", e.Host
	if e.Connections > 0 {
		cfg.Connections = e.Connections
	}
	if e.Concurrency > 0 {
		cfg.Concurrency = e.Concurrency
	}
	if e.CertPasswordFile != "" {
		pw, err := os.ReadFile(e.CertPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("cert-password-file: %w", err)
		}
		cfg.CertPassword = strings.TrimRight(string(pw), "\r\n")
	}
	var err error
	if cfg.RootCAs, err = loadCAs(e.CAFile); err != nil {
		return nil, err
	}
	if cfg, err = cfg.LoadFiles(); err != nil {
		return nil, err
	}
	return apns.New(cfg, log)
}

func newFCM(ctx context.Context, e *fcmEntry, log *slog.Logger) (*fcm.Sender, error) {
	cfg := fcm.DefaultConfig()
	cfg.CredentialsFile, cfg.ProjectID, cfg.Endpoint = e.CredentialsFile, e.ProjectID, e.Endpoint
	if e.Concurrency > 0 {
		cfg.Concurrency = e.Concurrency
	}
	var err error
	if cfg.RootCAs, err = loadCAs(e.CAFile); err != nil {
		return nil, err
	}
	if cfg, err = cfg.LoadFiles(); err != nil {
		return nil, err
	}
	return fcm.New(ctx, cfg, log)
}

// newUpstream checks a last hop: an https URL (http only on loopback, for
// tests and dev) and its compressed node key.
func newUpstream(e *upstreamEntry, timeout time.Duration) (*push.Upstream, error) {
	u, err := url.Parse(e.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return nil, fmt.Errorf("upstream url %q must be https (http only on loopback)", e.URL)
	}
	key, err := decodeNodeKey(e.NodeKey)
	if err != nil {
		return nil, fmt.Errorf("upstream node-key: %w", err)
	}
	pub, err := crypto.DecompressPubkey(key)
	if err != nil {
		return nil, fmt.Errorf("upstream node-key: %w", err)
	}
	roots, err := loadCAs(e.CAFile)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 256
	return &push.Upstream{URL: e.URL, NodeKey: pub, Client: &http.Client{Transport: tr, Timeout: timeout}}, nil
}

func decodeNodeKey(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(strings.TrimSpace(s), "0x")
	if !ok {
		return nil, errors.New("want 0x-prefixed hex")
	}
	b := common.FromHex(h)
	if len(b) != 33 {
		return nil, errors.New("want a 33-byte compressed public key")
	}
	return b, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadCAs reads a PEM bundle of trusted roots; "" means the system pool.
func loadCAs(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca-file: %w", err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("ca-file %s: no PEM certificates", path)
	}
	return p, nil
}

// loadOrCreateStorageKey reads the 32-byte key that encrypts device tokens
// at rest, creating it (mode 0600) on first start.
func loadOrCreateStorageKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(b) != 32 {
			return nil, fmt.Errorf("storage key %s: %d bytes, want 32", path, len(b))
		}
		return b, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("storage key %s: %w", path, err)
	}
	b = make([]byte, 32)
	rand.Read(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create storage key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}

// pushNode is the push relay as the node runs it: the service, the app
// senders and, in dev mode, the local fakes.
type pushNode struct {
	svc      *push.Service
	apps     []push.App
	dev      http.Handler // /v1/dev/ in dev mode
	closers  []func()
	devAPNs  *apnstest.Server
	devFCM   *fcmtest.Server
	shutdown time.Duration
}

// openPush builds the push relay from the config: the apps file (and, in
// dev mode, apps on local fakes), the storage key and the push store in
// DATA_DIR/push. With no app at all it returns a pushNode without service.
func openPush(ctx context.Context, c config, dev bool, nodeKey *ecdsa.PrivateKey, reg prometheus.Registerer, log *slog.Logger, credit push.Credit) (*pushNode, error) {
	pn := &pushNode{shutdown: c.Push.Config.DrainTimeout + 5*time.Second}
	ok := false
	defer func() {
		if !ok {
			pn.close(ctx)
		}
	}()
	if c.Push.AppsFile != "" {
		b, err := os.ReadFile(c.Push.AppsFile)
		if err != nil {
			return nil, fmt.Errorf("push apps file: %w", err)
		}
		f, err := parseAppsFile(c.Push.AppsFile, b)
		if err != nil {
			return nil, err
		}
		apps, closeApps, err := buildApps(ctx, f, c.Push.Config.SendTimeout, log)
		if err != nil {
			return nil, err
		}
		pn.apps, pn.closers = apps, append(pn.closers, closeApps)
	}
	if dev {
		if err := pn.startFakes(ctx, log); err != nil {
			return nil, err
		}
	}
	if len(pn.apps) == 0 {
		ok = true
		return pn, nil
	}
	skey, err := loadOrCreateStorageKey(filepath.Join(c.DataDir, "storage.key"))
	if err != nil {
		return nil, err
	}
	pn.svc, err = push.Open(filepath.Join(c.DataDir, "push"), c.Push.config(), push.Deps{
		NodeKey: nodeKey, StorageKey: skey, Apps: pn.apps, Logger: log, Registry: reg, Credit: credit,
	})
	if err != nil {
		return nil, err
	}
	pn.svc.Start()
	ok = true
	return pn, nil
}

// startFakes runs the local APNs and FCM fakes and adds an app on each.
func (pn *pushNode) startFakes(ctx context.Context, log *slog.Logger) error {
	key, err := apnstest.GenerateKey()
	if err != nil {
		return err
	}
	pn.devAPNs, err = apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{key}, Topics: []string{devAPNsTopic}, Logger: log})
	if err != nil {
		return err
	}
	pn.closers = append(pn.closers, pn.devAPNs.Close)
	acfg := apns.DefaultConfig()
	acfg.KeyPEM, acfg.KeyID, acfg.TeamID, acfg.Topic = key.PEM, key.KeyID, key.TeamID, devAPNsTopic
	acfg.Host, acfg.RootCAs = pn.devAPNs.URL(), pn.devAPNs.CertPool()
	as, err := apns.New(acfg, log)
	if err != nil {
		return err
	}
	pn.closers = append(pn.closers, func() { as.Close() })
	pn.devFCM, err = fcmtest.NewServer(fcmtest.Options{Logger: log})
	if err != nil {
		return err
	}
	pn.closers = append(pn.closers, pn.devFCM.Close)
	sa, err := pn.devFCM.NewServiceAccount(devProject)
	if err != nil {
		return err
	}
	fcfg := fcm.DefaultConfig()
	fcfg.CredentialsJSON, fcfg.Endpoint, fcfg.RootCAs = sa, pn.devFCM.Endpoint(), pn.devFCM.CertPool()
	fs, err := fcm.New(ctx, fcfg, log)
	if err != nil {
		return err
	}
	pn.closers = append(pn.closers, func() { fs.Close() })
	pn.apps = append(pn.apps,
		push.App{ID: devAPNsApp, Gateway: pushwire.GatewayAPNs, Sender: as},
		push.App{ID: devFCMApp, Gateway: pushwire.GatewayFCM, Sender: fs})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/dev/deliveries", pn.serveDeliveries)
	pn.dev = mux
	return nil
}

// devDelivery is what /v1/dev/deliveries shows of one wakeup a fake
// accepted; the device token only as a prefix.
type devDelivery struct {
	App        string            `json:"app"`
	Token      string            `json:"token"`
	ID         string            `json:"id"`
	CollapseID string            `json:"collapseId,omitempty"`
	PushType   string            `json:"pushType,omitempty"`
	Priority   string            `json:"priority,omitempty"`
	Payload    json.RawMessage   `json:"payload,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
	At         time.Time         `json:"at"`
}

func (pn *pushNode) serveDeliveries(w http.ResponseWriter, _ *http.Request) {
	out := struct {
		APNs []devDelivery `json:"apns"`
		FCM  []devDelivery `json:"fcm"`
	}{APNs: []devDelivery{}, FCM: []devDelivery{}}
	for _, d := range pn.devAPNs.Deliveries() {
		out.APNs = append(out.APNs, devDelivery{App: devAPNsApp, Token: gateways.TokenPrefix(d.Token), ID: d.ApnsID,
			CollapseID: d.CollapseID, PushType: d.PushType, Priority: fmt.Sprint(d.Priority), Payload: d.Payload, At: d.At})
	}
	for _, d := range pn.devFCM.Deliveries() {
		out.FCM = append(out.FCM, devDelivery{App: devFCMApp, Token: gateways.TokenPrefix(d.Token), ID: d.Data["id"],
			CollapseID: d.CollapseKey, Priority: d.Priority, Data: d.Data, At: d.At})
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

// printBanner adds the push lines to the node's banner.
func (pn *pushNode) printBanner(w io.Writer, base string) {
	if pn.svc == nil {
		fmt.Fprintf(w, "  push:       off (no push-apps-file)\n")
		return
	}
	ids := make([]string, len(pn.apps))
	for i, a := range pn.apps {
		ids[i] = a.ID
	}
	fmt.Fprintf(w, "  push apps:  %s\n", strings.Join(ids, ", "))
	fmt.Fprintf(w, "  wake URL:   %s/v1/wake/{token}  (pn_wakeupToken issues tokens)\n", base)
	if pn.dev != nil {
		fmt.Fprintf(w, "  fake APNs:  %s  (app %s, topic %s)\n", pn.devAPNs.URL(), devAPNsApp, devAPNsTopic)
		fmt.Fprintf(w, "  fake FCM:   %s  (app %s)\n", pn.devFCM.URL(), devFCMApp)
		fmt.Fprintf(w, "  deliveries: %s/v1/dev/deliveries  (what each fake delivered)\n", base)
	}
}

// close drains and closes the push store, then the senders and fakes. The
// caller runs it after the server stopped accepting and before the
// mailstore closes.
func (pn *pushNode) close(ctx context.Context) {
	if pn.svc != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pn.shutdown)
		pn.svc.Close(cctx)
		cancel()
		pn.svc = nil
	}
	for i := len(pn.closers) - 1; i >= 0; i-- {
		pn.closers[i]()
	}
	pn.closers = nil
}
