package fcmtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// OAuth2 rules the fake token endpoint applies, as Google's does.
const (
	// GrantTypeJWTBearer is the only grant the token endpoint accepts.
	GrantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// ScopeMessaging is the FCM scope; ScopeCloudPlatform also grants it.
	ScopeMessaging = "https://www.googleapis.com/auth/firebase.messaging"
	// ScopeCloudPlatform is the broad Google Cloud scope.
	ScopeCloudPlatform = "https://www.googleapis.com/auth/cloud-platform"
	// maxAssertionLifetime is the longest exp-iat Google accepts.
	maxAssertionLifetime = time.Hour
	// clockSkew tolerated on iat and exp.
	clockSkew = time.Minute
	// maxAccessTokens bounds the issued-token table.
	maxAccessTokens = 10000
)

// ServiceAccount is a Google service-account key for the fake.
type ServiceAccount struct {
	// JSON is the key file, as the Firebase console downloads it; its
	// token_uri points at the fake.
	JSON        []byte
	ProjectID   string         // project_id
	ClientEmail string         // client_email, the assertion's iss
	KeyID       string         // private_key_id, the assertion's kid
	Public      *rsa.PublicKey // verifies the assertions
}

// GenerateServiceAccount returns a fresh service account (RSA-2048 key) for
// projectID whose token_uri is tokenURI. Register it with
// Server.AddServiceAccount, or use Server.NewServiceAccount, which does both.
func GenerateServiceAccount(projectID, tokenURI string) (ServiceAccount, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return ServiceAccount{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return ServiceAccount{}, err
	}
	kid := make([]byte, 20)
	rand.Read(kid)
	sa := ServiceAccount{
		ProjectID:   projectID,
		ClientEmail: "firebase-adminsdk@" + projectID + ".iam.gserviceaccount.com",
		KeyID:       hex.EncodeToString(kid),
		Public:      &priv.PublicKey,
	}
	sa.JSON, err = json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  projectID,
		"private_key_id":              sa.KeyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                sa.ClientEmail,
		"client_id":                   "100000000000000000000",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   tokenURI,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	}, "", "  ")
	return sa, err
}

// account is a registered service account.
type account struct {
	projectID string
	keyID     string
	public    *rsa.PublicKey
}

// accessToken is an issued OAuth2 access token.
type accessToken struct {
	projectID string
	expires   time.Time
}

// issuer runs the OAuth2 JWT-bearer token endpoint and checks the access
// tokens it issued.
type issuer struct {
	tokenURI string        // static after construction; the expected aud
	lifetime time.Duration // static after construction

	mu       sync.RWMutex
	accounts map[string]account // guarded by mu; by client_email

	tokens sync.Map // access token -> accessToken
	count  atomic.Int64
	issued atomic.Int64
}

func (is *issuer) add(sa ServiceAccount) {
	is.mu.Lock()
	is.accounts[sa.ClientEmail] = account{projectID: sa.ProjectID, keyID: sa.KeyID, public: sa.Public}
	is.mu.Unlock()
}

// oauthError is Google's token endpoint error body.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// serveToken implements POST /token.
func (is *issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", err.Error()})
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != GrantTypeJWTBearer {
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "Invalid grant_type: " + gt})
		return
	}
	project, err := is.verifyAssertion(r.PostForm.Get("assertion"), time.Now())
	if err != nil {
		var oe *oauthError
		if !errors.As(err, &oe) {
			oe = &oauthError{"invalid_grant", err.Error()}
		}
		writeJSON(w, http.StatusBadRequest, oe)
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := "ya29.fake-" + base64.RawURLEncoding.EncodeToString(b)
	if is.count.Add(1) > maxAccessTokens {
		is.tokens.Clear()
		is.count.Store(1)
	}
	is.tokens.Store(tok, accessToken{projectID: project, expires: time.Now().Add(is.lifetime)})
	is.issued.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"expires_in":   int(is.lifetime / time.Second),
		"token_type":   "Bearer",
	})
}

// Error implements error, so verifyAssertion can return the exact reply.
func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

// verifyAssertion checks a JWT-bearer assertion (RS256, signed by a
// registered service account, aud = token_uri, a messaging scope, sane
// iat/exp) and returns the account's project.
func (is *issuer) verifyAssertion(assertion string, now time.Time) (string, error) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return "", &oauthError{"invalid_grant", "Invalid JWT: malformed"}
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims struct {
		Iss   string `json:"iss"`
		Scope string `json:"scope"`
		Aud   string `json:"aud"`
		Exp   int64  `json:"exp"`
		Iat   int64  `json:"iat"`
	}
	if decodeSegment(parts[0], &header) != nil || decodeSegment(parts[1], &claims) != nil {
		return "", &oauthError{"invalid_grant", "Invalid JWT: undecodable"}
	}
	if header.Alg != "RS256" {
		return "", &oauthError{"invalid_grant", "Invalid JWT: alg must be RS256"}
	}
	is.mu.RLock()
	acct, ok := is.accounts[claims.Iss]
	is.mu.RUnlock()
	if !ok {
		return "", &oauthError{"invalid_grant", "Invalid grant: account not found"}
	}
	if header.Kid != "" && header.Kid != acct.keyID {
		return "", &oauthError{"invalid_grant", "Invalid JWT Signature."}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", &oauthError{"invalid_grant", "Invalid JWT Signature."}
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(acct.public, crypto.SHA256, digest[:], sig) != nil {
		return "", &oauthError{"invalid_grant", "Invalid JWT Signature."}
	}
	if claims.Aud != is.tokenURI {
		return "", &oauthError{"invalid_grant", fmt.Sprintf("Invalid JWT: aud %q is not %q", claims.Aud, is.tokenURI)}
	}
	iat, exp := time.Unix(claims.Iat, 0), time.Unix(claims.Exp, 0)
	if iat.After(now.Add(clockSkew)) || exp.Before(now.Add(-clockSkew)) || exp.Sub(iat) > maxAssertionLifetime {
		return "", &oauthError{"invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."}
	}
	scopes := strings.Fields(claims.Scope)
	if !slices.Contains(scopes, ScopeMessaging) && !slices.Contains(scopes, ScopeCloudPlatform) {
		return "", &oauthError{"invalid_scope", "The scope does not grant Firebase Cloud Messaging."}
	}
	return acct.projectID, nil
}

// checkBearer returns the project of a valid "Bearer <token>" header.
func (is *issuer) checkBearer(header string, now time.Time) (string, bool) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return "", false
	}
	v, ok := is.tokens.Load(tok)
	if !ok {
		return "", false
	}
	at := v.(accessToken)
	if now.After(at.expires) {
		return "", false
	}
	return at.projectID, true
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
