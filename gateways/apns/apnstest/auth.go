package apnstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sideshow/apns2"
)

// Provider token rules, as APNs applies them.
const (
	// TokenMaxAge is how old a provider token's iat may be before APNs
	// answers 403 ExpiredProviderToken.
	TokenMaxAge = time.Hour
	// tokenMaxSkew tolerates an iat this far in the future.
	tokenMaxSkew = time.Minute
	// maxCachedBearers bounds the verified-token cache.
	maxCachedBearers = 4096
)

// ProviderKey is an APNs token-auth signing key (the ".p8" file Apple hands
// out) with its key id and team id. Configure the sender with PEM, KeyID and
// TeamID, and the fake with the same ProviderKey (Options.Keys or AddKey).
type ProviderKey struct {
	// KeyID is the 10-character key id (the JWT "kid").
	KeyID string
	// TeamID is the 10-character team id (the JWT "iss").
	TeamID string
	// PEM is the PKCS#8 "PRIVATE KEY" block, the format of an AuthKey_XXX.p8.
	PEM []byte
	// Public verifies the provider tokens signed with the key.
	Public *ecdsa.PublicKey
}

// GenerateKey returns a fresh P-256 provider key with a random 10-character
// key id and team id.
func GenerateKey() (ProviderKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ProviderKey{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return ProviderKey{}, err
	}
	return ProviderKey{
		KeyID:  randomID(),
		TeamID: randomID(),
		PEM:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		Public: &priv.PublicKey,
	}, nil
}

// randomID returns 10 random characters from [0-9A-Z], like Apple's ids.
func randomID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 10)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}

// ClientCert is a certificate-auth credential: certificate and private key.
type ClientCert struct {
	// PEM holds the CERTIFICATE and PRIVATE KEY blocks in one file, the form
	// apns2's certificate.FromPemBytes reads.
	PEM []byte
	// Cert is the parsed certificate, to register with the fake.
	Cert *x509.Certificate
}

// GenerateClientCert returns a self-signed client certificate named after
// the topic, valid for a day.
func GenerateClientCert(topic string) (ClientCert, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return ClientCert{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return ClientCert{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "Apple Push Services: " + topic},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return ClientCert{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return ClientCert{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return ClientCert{}, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	return ClientCert{PEM: out, Cert: cert}, nil
}

// verifier checks provider tokens (ES256 JWTs) and client certificates.
// Verified bearer strings are cached, as a sender reuses one token for up
// to an hour and an ECDSA verification per request would dominate the cost.
type verifier struct {
	mu    sync.RWMutex
	keys  map[string]ProviderKey // guarded by mu; by key id
	certs map[[32]byte]bool      // guarded by mu; SHA-256 of accepted client certs

	cache  sync.Map // bearer string -> iat (int64 unix seconds)
	cached atomic.Int64
}

func newVerifier() *verifier {
	return &verifier{keys: make(map[string]ProviderKey), certs: make(map[[32]byte]bool)}
}

func (v *verifier) addKey(k ProviderKey) {
	v.mu.Lock()
	v.keys[k.KeyID] = k
	v.mu.Unlock()
}

func (v *verifier) addCert(c *x509.Certificate) {
	v.mu.Lock()
	v.certs[sha256.Sum256(c.Raw)] = true
	v.mu.Unlock()
}

func (v *verifier) certOK(raw []byte) bool {
	sum := sha256.Sum256(raw)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.certs[sum]
}

var errBadToken = errors.New("bad provider token")

// checkBearer returns "" when the authorization header value carries a
// valid provider token, else the APNs reason to reply with.
func (v *verifier) checkBearer(header string, now time.Time) string {
	bearer, ok := strings.CutPrefix(header, "bearer ")
	if !ok {
		if header == "" {
			return apns2.ReasonMissingProviderToken
		}
		return apns2.ReasonInvalidProviderToken
	}
	iat, ok := v.cache.Load(bearer)
	if !ok {
		t, err := v.verifyJWT(bearer)
		if err != nil {
			return apns2.ReasonInvalidProviderToken
		}
		if v.cached.Add(1) > maxCachedBearers {
			v.cache.Clear()
			v.cached.Store(0)
		}
		v.cache.Store(bearer, t)
		iat = t
	}
	issued := time.Unix(iat.(int64), 0)
	switch {
	case issued.After(now.Add(tokenMaxSkew)):
		return apns2.ReasonInvalidProviderToken
	case now.Sub(issued) > TokenMaxAge:
		return apns2.ReasonExpiredProviderToken
	}
	return ""
}

// verifyJWT checks the ES256 signature, key id and team id of a provider
// token and returns its iat.
func (v *verifier) verifyJWT(token string) (int64, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, errBadToken
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims struct {
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return 0, err
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return 0, err
	}
	if header.Alg != "ES256" {
		return 0, fmt.Errorf("%w: alg %q", errBadToken, header.Alg)
	}
	v.mu.RLock()
	key, ok := v.keys[header.Kid]
	v.mu.RUnlock()
	if !ok || key.TeamID != claims.Iss || key.Public == nil {
		return 0, fmt.Errorf("%w: unknown key id or team id", errBadToken)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return 0, fmt.Errorf("%w: signature encoding", errBadToken)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(key.Public, digest[:], r, s) {
		return 0, fmt.Errorf("%w: signature", errBadToken)
	}
	return claims.Iat, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("%w: %w", errBadToken, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %w", errBadToken, err)
	}
	return nil
}
