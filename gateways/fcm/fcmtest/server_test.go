package fcmtest_test

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	project = "pnmarket-test"
	devTok  = "dGVzdC10b2tlbi10aGF0LWlzLWxvbmctZW5vdWdo:APA91bHPRgkF"
)

type fixture struct {
	srv    *fcmtest.Server
	sa     fcmtest.ServiceAccount
	key    *rsa.PrivateKey
	client *http.Client
}

func newFixture(t *testing.T, opts fcmtest.Options) *fixture {
	t.Helper()
	srv, err := fcmtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	sa, err := fcmtest.GenerateServiceAccount(project, srv.TokenURL())
	if err != nil {
		t.Fatal(err)
	}
	srv.AddServiceAccount(sa)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &fixture{srv: srv, sa: sa, key: privateKey(t, sa.JSON), client: &http.Client{Transport: tr}}
}

func privateKey(t *testing.T, saJSON []byte) *rsa.PrivateKey {
	t.Helper()
	var sa struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(saJSON, &sa); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(sa.PrivateKey))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// assertion signs a JWT-bearer assertion; mutate adjusts the claims.
func (f *fixture) assertion(t *testing.T, key *rsa.PrivateKey, mutate func(jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{
		"iss": f.sa.ClientEmail, "scope": fcmtest.ScopeMessaging, "aud": f.srv.TokenURL(),
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if mutate != nil {
		mutate(claims)
	}
	j := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	j.Header["kid"] = f.sa.KeyID
	s, err := j.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// token runs the token endpoint; it returns the status and the access
// token or OAuth error code.
func (f *fixture) token(t *testing.T, grant, assertion string) (int, string) {
	t.Helper()
	resp, err := f.client.PostForm(f.srv.TokenURL(), url.Values{"grant_type": {grant}, "assertion": {assertion}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&r)
	return resp.StatusCode, r.AccessToken + r.Error
}

func TestTokenEndpoint(t *testing.T) {
	f := newFixture(t, fcmtest.Options{})
	other, err := fcmtest.GenerateServiceAccount(project, f.srv.TokenURL())
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		grant     string
		assertion string
		status    int
		code      string
	}{
		"valid":        {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, nil), 200, ""},
		"cloud scope":  {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["scope"] = fcmtest.ScopeCloudPlatform }), 200, ""},
		"wrong grant":  {"client_credentials", f.assertion(t, f.key, nil), 400, "unsupported_grant_type"},
		"wrong key":    {fcmtest.GrantTypeJWTBearer, f.assertion(t, privateKey(t, other.JSON), nil), 400, "invalid_grant"},
		"wrong aud":    {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["aud"] = "https://oauth2.googleapis.com/token" }), 400, "invalid_grant"},
		"unknown iss":  {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["iss"] = "x@y.iam.gserviceaccount.com" }), 400, "invalid_grant"},
		"expired":      {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), 400, "invalid_grant"},
		"too long":     {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(3 * time.Hour).Unix() }), 400, "invalid_grant"},
		"wrong scope":  {fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, func(c jwt.MapClaims) { c["scope"] = "https://www.googleapis.com/auth/datastore" }), 400, "invalid_scope"},
		"garbage":      {fcmtest.GrantTypeJWTBearer, "a.b.c", 400, "invalid_grant"},
		"no assertion": {fcmtest.GrantTypeJWTBearer, "", 400, "invalid_grant"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			status, got := f.token(t, tc.grant, tc.assertion)
			if status != tc.status || (tc.code != "" && got != tc.code) || (tc.code == "" && !strings.HasPrefix(got, "ya29.")) {
				t.Errorf("got %d %q, want %d %q", status, got, tc.status, tc.code)
			}
		})
	}
}

// send posts a messages:send body and returns the status and the reply.
func (f *fixture) send(t *testing.T, bearer, proj, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", f.srv.Endpoint()+"/projects/"+proj+"/messages:send", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("reply %q: %v", b, err)
	}
	return resp.StatusCode, r
}

// errorCode extracts the FcmError errorCode and google.rpc status of an
// error reply.
func errorCode(r map[string]any) (code, status string) {
	e, _ := r["error"].(map[string]any)
	status, _ = e["status"].(string)
	details, _ := e["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		if m["@type"] == "type.googleapis.com/google.firebase.fcm.v1.FcmError" {
			code, _ = m["errorCode"].(string)
		}
	}
	return code, status
}

func TestSend(t *testing.T) {
	f := newFixture(t, fcmtest.Options{KeepDeliveries: 2})
	_, access := f.token(t, fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, nil))
	msg := func(m string) string { return `{"message":` + m + `}` }
	ok := `{"token":"` + devTok + `","data":{"n":"x"},"android":{"priority":"high","ttl":"60s","collapse_key":"c"}}`
	tests := map[string]struct {
		bearer, project, body string
		status                int
		code, rpc             string
	}{
		"delivered":          {access, project, msg(ok), 200, "", ""},
		"validate only":      {access, project, `{"validate_only":true,"message":` + ok + `}`, 200, "", ""},
		"no bearer":          {"", project, msg(ok), 401, "", "UNAUTHENTICATED"},
		"unknown bearer":     {"ya29.nope", project, msg(ok), 401, "", "UNAUTHENTICATED"},
		"other project":      {access, "other", msg(ok), 403, "", "PERMISSION_DENIED"},
		"bad token":          {access, project, msg(`{"token":"short"}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"two targets":        {access, project, msg(`{"token":"` + devTok + `","topic":"t"}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"non-string data":    {access, project, msg(`{"token":"` + devTok + `","data":{"n":1}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"reserved data key":  {access, project, msg(`{"token":"` + devTok + `","data":{"gcm.x":"1"}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"too much data":      {access, project, msg(`{"token":"` + devTok + `","data":{"n":"` + strings.Repeat("x", 4097) + `"}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"bad priority":       {access, project, msg(`{"token":"` + devTok + `","android":{"priority":"urgent"}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"bad ttl":            {access, project, msg(`{"token":"` + devTok + `","android":{"ttl":"1h"}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"ttl over 28 days":   {access, project, msg(`{"token":"` + devTok + `","android":{"ttl":"2419201s"}}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"unknown field":      {access, project, msg(`{"token":"` + devTok + `","priority":"high"}`), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"not json":           {access, project, `{"message":`, 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"},
		"notification is ok": {access, project, msg(`{"token":"` + devTok + `","notification":{"title":"t"}}`), 200, "", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			status, r := f.send(t, tc.bearer, tc.project, tc.body)
			code, rpc := errorCode(r)
			if status != tc.status || code != tc.code || rpc != tc.rpc {
				t.Errorf("got %d %q %q, want %d %q %q (%v)", status, code, rpc, tc.status, tc.code, tc.rpc, r)
			}
			if status == 200 && !strings.HasPrefix(r["name"].(string), "projects/"+project+"/messages/") {
				t.Errorf("name %v", r["name"])
			}
		})
	}
	// delivered + notification (validate_only is not recorded); keep 2.
	ds := f.srv.Deliveries()
	if f.srv.Count() != 2 || len(ds) != 2 {
		t.Fatalf("count %d, kept %d", f.srv.Count(), len(ds))
	}
	for _, d := range ds {
		if d.Project != project || d.Token != devTok {
			t.Errorf("delivery %+v", d)
		}
	}
}

func TestFaults(t *testing.T) {
	f := newFixture(t, fcmtest.Options{})
	_, access := f.token(t, fcmtest.GrantTypeJWTBearer, f.assertion(t, f.key, nil))
	body := `{"message":{"token":"` + devTok + `"}}`

	f.srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeQuotaExceeded, RetryAfter: 10 * time.Second})
	f.srv.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeUnavailable})
	f.srv.FailNext(1, fcmtest.Fault{Status: 502})
	for i, want := range []struct {
		status    int
		code, rpc string
	}{{429, "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED"}, {503, "UNAVAILABLE", "UNAVAILABLE"}, {502, "", ""}, {200, "", ""}} {
		status, r := f.send(t, access, project, body)
		code, rpc := errorCode(r)
		if status != want.status || code != want.code || rpc != want.rpc {
			t.Errorf("request %d: %d %q %q, want %+v", i, status, code, rpc, want)
		}
	}
	f.srv.Unregister(devTok)
	if status, r := f.send(t, access, project, body); status != 404 {
		t.Errorf("unregistered: %d %v", status, r)
	} else if code, rpc := errorCode(r); code != "UNREGISTERED" || rpc != "NOT_FOUND" {
		t.Errorf("unregistered: %q %q", code, rpc)
	}
	f.srv.ClearToken(devTok)
	f.srv.ResetNext(1)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", f.srv.Endpoint()+"/projects/"+project+"/messages:send", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+access)
	if resp, err := f.client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset request answered %d", resp.StatusCode)
	}
	if st := f.srv.Stats(); st.Delivered != 1 || st.Rejected != 4 || st.Resets != 1 || st.TokensIssued != 1 {
		t.Errorf("stats %+v", st)
	}
}
