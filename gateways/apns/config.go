package apns

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/sideshow/apns2/certificate"
)

// Defaults used by DefaultConfig.
const (
	// DefaultConcurrency bounds in-flight requests per Sender. APNs allows
	// 1000 concurrent streams per connection; with a 20 ms round trip, 1000
	// streams carry up to 50,000 sends/s, so the cap never limits a node.
	DefaultConcurrency = 1000
	// DefaultConnections is the number of HTTP/2 connections per Sender:
	// the second takes the sends when the first has its share of
	// Concurrency in flight or has stalled.
	DefaultConnections = 2
	// DefaultTimeout bounds one Send, connection setup included.
	DefaultTimeout = 10 * time.Second
	// DefaultDialTimeout bounds the TCP and TLS handshake of a new connection.
	DefaultDialTimeout = 10 * time.Second
	// DefaultPingInterval is how long a connection may be silent before the
	// client sends an HTTP/2 PING to check it, so a dead connection found
	// by NAT or firewall timeouts is replaced before it eats a send.
	DefaultPingInterval = 15 * time.Second
	// MaxPayloadBytes is the APNs payload limit for alert and background
	// pushes.
	MaxPayloadBytes = 4096
	// MaxCollapseIDBytes is the APNs limit for apns-collapse-id.
	MaxCollapseIDBytes = 64
	// MaxTokenLen caps a device token (hex digits). APNs tokens are 64 digits
	// today; Apple reserves the right to make them longer.
	MaxTokenLen = 200
)

// Config configures one APNs credential: exactly one of token auth (KeyPEM,
// KeyID, TeamID) or certificate auth (CertData). A node runs one Sender per
// app credential.
//
// Constructors never read files: set KeyFile or CertFile from configuration
// and call LoadFiles (cmd/pnode does), or fill KeyPEM / CertData directly.
type Config struct {
	// KeyFile is the path of the token-auth key (AuthKey_<KeyID>.p8).
	KeyFile string
	// KeyPEM is the content of the .p8 file (PKCS#8 PEM). Secret.
	KeyPEM []byte
	// KeyID is the 10-character id of the signing key.
	KeyID string
	// TeamID is the 10-character Apple developer team id.
	TeamID string

	// CertFile is the path of the certificate-auth credential, a PEM file
	// (certificate and key) or a PKCS#12 (.p12) file.
	CertFile string
	// CertData is the content of CertFile; PEM when it starts with
	// "-----BEGIN", PKCS#12 otherwise. Secret.
	CertData []byte
	// CertPassword decrypts CertData, if encrypted. Secret.
	CertPassword string

	// Topic is the default apns-topic (the app's bundle id), used when a
	// Notification has none.
	Topic string
	// Production selects api.push.apple.com; false selects the sandbox.
	Production bool
	// Host overrides the APNs base URL (for example a fake's URL).
	Host string
	// RootCAs overrides the trusted roots (nil: the system pool).
	RootCAs *x509.CertPool

	// Concurrency caps in-flight requests; Send waits for a slot.
	Concurrency int
	// Connections is the number of HTTP/2 connections. A send takes the
	// first that has fewer than Concurrency/Connections requests in flight
	// (and a free stream) and has not stalled; round robin when none has.
	Connections int
	// Timeout bounds each Send (its HTTP/2 round trip).
	Timeout time.Duration
	// DialTimeout bounds connection setup.
	DialTimeout time.Duration
	// PingInterval is the idle time after which a connection is pinged.
	PingInterval time.Duration
}

// DefaultConfig returns a Config with every tunable set to its default and
// no credential.
func DefaultConfig() Config {
	return Config{
		Concurrency:  DefaultConcurrency,
		Connections:  DefaultConnections,
		Timeout:      DefaultTimeout,
		DialTimeout:  DefaultDialTimeout,
		PingInterval: DefaultPingInterval,
	}
}

// LoadFiles returns a copy of c with KeyPEM and CertData read from KeyFile
// and CertFile when those are set and the data is empty.
func (c Config) LoadFiles() (Config, error) {
	var err error
	if c.KeyFile != "" && len(c.KeyPEM) == 0 {
		if c.KeyPEM, err = os.ReadFile(c.KeyFile); err != nil {
			return c, fmt.Errorf("apns key file: %w", err)
		}
	}
	if c.CertFile != "" && len(c.CertData) == 0 {
		if c.CertData, err = os.ReadFile(c.CertFile); err != nil {
			return c, fmt.Errorf("apns cert file: %w", err)
		}
	}
	return c, nil
}

// tokenAuth reports whether c selects token authentication.
func (c Config) tokenAuth() bool { return len(c.KeyPEM) > 0 || c.KeyFile != "" }

// certAuth reports whether c selects certificate authentication.
func (c Config) certAuth() bool { return len(c.CertData) > 0 || c.CertFile != "" }

// Validate checks c for missing or contradictory settings.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.tokenAuth() && c.certAuth():
		errs = append(errs, errors.New("set either a token key or a certificate, not both"))
	case c.tokenAuth():
		if len(c.KeyPEM) == 0 {
			errs = append(errs, errors.New("key file not loaded (call Config.LoadFiles)"))
		}
		if c.KeyID == "" {
			errs = append(errs, errors.New("key id is required with a token key"))
		}
		if c.TeamID == "" {
			errs = append(errs, errors.New("team id is required with a token key"))
		}
	case c.certAuth():
		if len(c.CertData) == 0 {
			errs = append(errs, errors.New("cert file not loaded (call Config.LoadFiles)"))
		}
	default:
		errs = append(errs, errors.New("no credential: set a token key or a certificate"))
	}
	if c.Topic == "" {
		errs = append(errs, errors.New("topic (bundle id) is required"))
	}
	if c.Host != "" {
		if u, err := url.Parse(c.Host); err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("host %q must be an https base URL", c.Host))
		}
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d must be at least 1", c.Concurrency))
	}
	if c.Connections < 1 {
		errs = append(errs, fmt.Errorf("connections %d must be at least 1", c.Connections))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout %v must be positive", c.Timeout))
	}
	if c.DialTimeout <= 0 {
		errs = append(errs, fmt.Errorf("dial timeout %v must be positive", c.DialTimeout))
	}
	if c.PingInterval < 0 {
		errs = append(errs, fmt.Errorf("ping interval %v must not be negative", c.PingInterval))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apns config: %w", err)
	}
	return nil
}

// LogValue implements slog.LogValuer and leaves out every secret.
func (c Config) LogValue() slog.Value {
	mode := "token"
	if c.certAuth() {
		mode = "certificate"
	}
	return slog.GroupValue(
		slog.String("auth", mode),
		slog.String("key_id", c.KeyID),
		slog.String("team_id", c.TeamID),
		slog.String("topic", c.Topic),
		slog.Bool("production", c.Production),
		slog.String("host", c.Host),
		slog.Int("concurrency", c.Concurrency),
		slog.Int("connections", c.Connections),
		slog.Duration("timeout", c.Timeout),
	)
}

// loadCertificate decodes CertData as PEM or PKCS#12.
func (c Config) loadCertificate() (tls.Certificate, error) {
	if bytes.HasPrefix(bytes.TrimSpace(c.CertData), []byte("-----BEGIN")) {
		return certificate.FromPemBytes(c.CertData, c.CertPassword)
	}
	return certificate.FromP12Bytes(c.CertData, c.CertPassword)
}
