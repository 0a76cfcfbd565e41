package fcm

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"
)

// Defaults used by DefaultConfig.
const (
	// DefaultConcurrency bounds in-flight requests per Sender. FCM takes each
	// send as one HTTP/2 request; 1000 in flight carry 50,000 sends/s at a
	// 20 ms round trip, above any single project's FCM quota.
	DefaultConcurrency = 1000
	// DefaultTimeout bounds one Send, the OAuth2 token fetch included.
	DefaultTimeout = 10 * time.Second
	// DefaultDialTimeout bounds the TCP and TLS handshake of a connection.
	DefaultDialTimeout = 10 * time.Second
	// MaxTTL is the longest TTL FCM accepts (28 days); later expirations
	// are clamped to it.
	MaxTTL = 28 * 24 * time.Hour
	// MaxTokenLen caps a registration token.
	MaxTokenLen = 4096
	// defaultEndpoint is the FCM API base URL the SDK uses when Endpoint
	// is empty.
	defaultEndpoint = "https://fcm.googleapis.com/v1"
	// Scope is the OAuth2 scope requested for the service account.
	Scope = "https://www.googleapis.com/auth/firebase.messaging"
)

// Config configures one FCM credential (a service account of one Firebase
// project). A node runs one Sender per app credential.
//
// Constructors never read files: set CredentialsFile from configuration
// and call LoadFiles (cmd/pnode does), or fill CredentialsJSON directly.
type Config struct {
	// CredentialsFile is the path of the service-account JSON key.
	CredentialsFile string
	// CredentialsJSON is the content of CredentialsFile. Secret.
	CredentialsJSON []byte
	// ProjectID is the Firebase project; empty means the key's project_id.
	ProjectID string
	// Endpoint overrides the FCM API base URL, for example a fake's
	// Endpoint() ("https://127.0.0.1:port/v1"). Empty means
	// https://fcm.googleapis.com/v1.
	Endpoint string
	// RootCAs overrides the trusted roots for FCM and the token endpoint
	// (nil: the system pool).
	RootCAs *x509.CertPool

	// Concurrency caps in-flight requests; Send waits for a slot.
	Concurrency int
	// Timeout bounds each Send, including the SDK's internal work and any
	// OAuth2 token fetch.
	Timeout time.Duration
	// DialTimeout bounds connection setup.
	DialTimeout time.Duration
}

// DefaultConfig returns a Config with every tunable set to its default and
// no credential.
func DefaultConfig() Config {
	return Config{
		Concurrency: DefaultConcurrency,
		Timeout:     DefaultTimeout,
		DialTimeout: DefaultDialTimeout,
	}
}

// LoadFiles returns a copy of c with CredentialsJSON read from
// CredentialsFile when that is set and the data is empty.
func (c Config) LoadFiles() (Config, error) {
	if c.CredentialsFile != "" && len(c.CredentialsJSON) == 0 {
		b, err := os.ReadFile(c.CredentialsFile)
		if err != nil {
			return c, fmt.Errorf("fcm credentials file: %w", err)
		}
		c.CredentialsJSON = b
	}
	return c, nil
}

// serviceAccount is the part of the key file Validate and New look at.
type serviceAccount struct {
	Type        string `json:"type"`
	ProjectID   string `json:"project_id"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
	TokenURI    string `json:"token_uri"`
}

func (c Config) serviceAccount() (serviceAccount, error) {
	var sa serviceAccount
	if err := json.Unmarshal(c.CredentialsJSON, &sa); err != nil {
		return sa, fmt.Errorf("credentials: %w", err)
	}
	if sa.Type != "service_account" {
		return sa, fmt.Errorf("credentials type %q, want service_account", sa.Type)
	}
	if sa.ClientEmail == "" || sa.PrivateKey == "" {
		return sa, errors.New("credentials lack client_email or private_key")
	}
	return sa, nil
}

// projectID returns the configured or the key's project.
func (c Config) projectID() string {
	if c.ProjectID != "" {
		return c.ProjectID
	}
	sa, _ := c.serviceAccount()
	return sa.ProjectID
}

// Validate checks c for missing or contradictory settings.
func (c Config) Validate() error {
	var errs []error
	switch {
	case len(c.CredentialsJSON) == 0 && c.CredentialsFile != "":
		errs = append(errs, errors.New("credentials file not loaded (call Config.LoadFiles)"))
	case len(c.CredentialsJSON) == 0:
		errs = append(errs, errors.New("no credential: set a service-account key"))
	default:
		if _, err := c.serviceAccount(); err != nil {
			errs = append(errs, err)
		} else if c.projectID() == "" {
			errs = append(errs, errors.New("project id is required (the key has no project_id)"))
		}
	}
	if c.Endpoint != "" {
		if u, err := url.Parse(c.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("endpoint %q must be an https URL", c.Endpoint))
		}
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d must be at least 1", c.Concurrency))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout %v must be positive", c.Timeout))
	}
	if c.DialTimeout <= 0 {
		errs = append(errs, fmt.Errorf("dial timeout %v must be positive", c.DialTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("fcm config: %w", err)
	}
	return nil
}

// LogValue implements slog.LogValuer and leaves out every secret.
func (c Config) LogValue() slog.Value {
	sa, _ := c.serviceAccount()
	return slog.GroupValue(
		slog.String("project", c.projectID()),
		slog.String("client_email", sa.ClientEmail),
		slog.String("endpoint", c.Endpoint),
		slog.Int("concurrency", c.Concurrency),
		slog.Duration("timeout", c.Timeout),
	)
}
