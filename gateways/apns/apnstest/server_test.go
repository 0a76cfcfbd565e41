package apnstest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/token"
	"go.uber.org/goleak"
	"golang.org/x/net/http2"

	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	topic    = "im.status.ethereum"
	devToken = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
)

type fixture struct {
	srv    *apnstest.Server
	key    apnstest.ProviderKey
	bearer string
	client *http.Client
}

func newFixture(t *testing.T, opts apnstest.Options) *fixture {
	t.Helper()
	key, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	opts.Keys = append(opts.Keys, key)
	srv, err := apnstest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	pk, err := token.AuthKeyFromBytes(key.PEM)
	if err != nil {
		t.Fatal(err)
	}
	tok := &token.Token{AuthKey: pk, KeyID: key.KeyID, TeamID: key.TeamID}
	tr := &http2.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}
	t.Cleanup(tr.CloseIdleConnections)
	return &fixture{srv: srv, key: key, bearer: "bearer " + tok.GenerateIfExpired(), client: &http.Client{Transport: tr}}
}

// post sends one request and returns the status and APNs reason.
func (f *fixture) post(t *testing.T, method, path string, header map[string]string, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("authorization", f.bearer)
	req.Header.Set("apns-topic", topic)
	req.Header.Set("apns-push-type", "background")
	req.Header.Set("apns-priority", "5")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Reason    string `json:"reason"`
		Timestamp int64  `json:"timestamp"`
	}
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("reply %q: %v", b, err)
		}
	}
	if resp.StatusCode == http.StatusGone && r.Timestamp == 0 {
		t.Error("410 without timestamp")
	}
	return resp.StatusCode, r.Reason, resp.Header
}

// signJWT signs a provider token with arbitrary claims.
func signJWT(t *testing.T, key apnstest.ProviderKey, iat time.Time) string {
	t.Helper()
	pk, err := token.AuthKeyFromBytes(key.PEM)
	if err != nil {
		t.Fatal(err)
	}
	j := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": key.TeamID, "iat": iat.Unix()})
	j.Header["kid"] = key.KeyID
	s, err := j.SignedString(pk)
	if err != nil {
		t.Fatal(err)
	}
	return "bearer " + s
}

func TestProtocol(t *testing.T) {
	const bg = `{"aps":{"content-available":1},"n":"x"}`
	f := newFixture(t, apnstest.Options{Topics: []string{topic}})
	dev := "/3/device/" + devToken
	tests := map[string]struct {
		method string
		path   string
		header map[string]string
		body   string
		status int
		reason string
	}{
		"background":            {path: dev, body: bg, status: 200},
		"alert":                 {path: dev, header: map[string]string{"apns-push-type": "alert", "apns-priority": "10"}, body: `{"aps":{"alert":{"body":"hi"},"mutable-content":1}}`, status: 200},
		"GET":                   {method: "GET", path: dev, status: 405, reason: apns2.ReasonMethodNotAllowed},
		"bad path":              {path: "/3/other/" + devToken, body: bg, status: 404, reason: apns2.ReasonBadPath},
		"no token":              {path: "/3/device/", body: bg, status: 400, reason: apns2.ReasonMissingDeviceToken},
		"short token":           {path: "/3/device/abcd", body: bg, status: 400, reason: apns2.ReasonBadDeviceToken},
		"bad apns-id":           {path: dev, header: map[string]string{"apns-id": "nope"}, body: bg, status: 400, reason: apns2.ReasonBadMessageID},
		"long collapse id":      {path: dev, header: map[string]string{"apns-collapse-id": strings.Repeat("c", 65)}, body: bg, status: 400, reason: apns2.ReasonBadCollapseID},
		"bad expiration":        {path: dev, header: map[string]string{"apns-expiration": "soon"}, body: bg, status: 400, reason: apns2.ReasonBadExpirationDate},
		"bad priority":          {path: dev, header: map[string]string{"apns-priority": "7"}, body: bg, status: 400, reason: apns2.ReasonBadPriority},
		"background prio 10":    {path: dev, header: map[string]string{"apns-priority": "10"}, body: bg, status: 400, reason: apns2.ReasonBadPriority},
		"unknown push type":     {path: dev, header: map[string]string{"apns-push-type": "telepathy"}, body: bg, status: 400, reason: apns2.ReasonInvalidPushType},
		"background w/ alert":   {path: dev, body: `{"aps":{"content-available":1,"alert":"hi"}}`, status: 400, reason: apns2.ReasonInvalidPushType},
		"background w/o flag":   {path: dev, body: `{"aps":{}}`, status: 400, reason: apns2.ReasonInvalidPushType},
		"alert w/o alert":       {path: dev, header: map[string]string{"apns-push-type": "alert", "apns-priority": "10"}, body: bg, status: 400, reason: apns2.ReasonInvalidPushType},
		"missing topic":         {path: dev, header: map[string]string{"apns-topic": ""}, body: bg, status: 400, reason: apns2.ReasonMissingTopic},
		"other topic":           {path: dev, header: map[string]string{"apns-topic": "com.example"}, body: bg, status: 400, reason: apns2.ReasonTopicDisallowed},
		"empty payload":         {path: dev, status: 400, reason: apns2.ReasonPayloadEmpty},
		"not json":              {path: dev, body: `{"aps":`, status: 400, reason: "BadPayload"},
		"no aps":                {path: dev, body: `{"n":"x"}`, status: 400, reason: "BadPayload"},
		"payload too large":     {path: dev, body: `{"aps":{"content-available":1},"n":"` + strings.Repeat("x", 4096) + `"}`, status: 413, reason: apns2.ReasonPayloadTooLarge},
		"no authorization":      {path: dev, header: map[string]string{"authorization": ""}, body: bg, status: 403, reason: apns2.ReasonMissingProviderToken},
		"not a JWT":             {path: dev, header: map[string]string{"authorization": "bearer abc"}, body: bg, status: 403, reason: apns2.ReasonInvalidProviderToken},
		"tampered JWT":          {path: dev, header: map[string]string{"authorization": f.bearer[:len(f.bearer)-4] + "AAAA"}, body: bg, status: 403, reason: apns2.ReasonInvalidProviderToken},
		"JWT issued 2h ago":     {path: dev, header: map[string]string{"authorization": signJWT(t, f.key, time.Now().Add(-2*time.Hour))}, body: bg, status: 403, reason: apns2.ReasonExpiredProviderToken},
		"JWT from the future":   {path: dev, header: map[string]string{"authorization": signJWT(t, f.key, time.Now().Add(time.Hour))}, body: bg, status: 403, reason: apns2.ReasonInvalidProviderToken},
		"JWT of an unknown key": {path: dev, header: map[string]string{"authorization": signJWT(t, mustKey(t), time.Now())}, body: bg, status: 403, reason: apns2.ReasonInvalidProviderToken},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			status, reason, h := f.post(t, method, tc.path, tc.header, tc.body)
			if status != tc.status || reason != tc.reason {
				t.Errorf("got %d %q, want %d %q", status, reason, tc.status, tc.reason)
			}
			if h.Get("apns-id") == "" {
				t.Error("reply without apns-id")
			}
		})
	}
}

func mustKey(t *testing.T) apnstest.ProviderKey {
	k, err := apnstest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestFaults(t *testing.T) {
	f := newFixture(t, apnstest.Options{})
	const bg = `{"aps":{"content-available":1}}`
	dev := "/3/device/" + devToken

	f.srv.FailNext(2, apnstest.Fault{Status: 429, Reason: apns2.ReasonTooManyRequests, RetryAfter: 1500 * time.Millisecond})
	f.srv.FailNext(1, apnstest.Fault{Status: 503, Reason: apns2.ReasonServiceUnavailable})
	for i, want := range []int{429, 429, 503, 200} {
		status, _, h := f.post(t, "POST", dev, nil, bg)
		if status != want {
			t.Fatalf("request %d: status %d, want %d", i, status, want)
		}
		if want == 429 && h.Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q, want 2 (rounded up)", h.Get("Retry-After"))
		}
	}

	f.srv.Unregister(devToken)
	if status, reason, _ := f.post(t, "POST", dev, nil, bg); status != 410 || reason != apns2.ReasonUnregistered {
		t.Errorf("unregistered token: %d %s", status, reason)
	}
	f.srv.ClearToken(devToken)
	if status, _, _ := f.post(t, "POST", dev, nil, bg); status != 200 {
		t.Errorf("cleared token: %d", status)
	}

	f.srv.ResetNext(1)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", f.srv.URL()+dev, strings.NewReader(bg))
	req.Header.Set("authorization", f.bearer)
	req.Header.Set("apns-topic", topic)
	req.Header.Set("apns-push-type", "background")
	req.Header.Set("apns-priority", "5")
	if resp, err := f.client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset request answered %d", resp.StatusCode)
	}
	if status, _, _ := f.post(t, "POST", dev, nil, bg); status != 200 {
		t.Errorf("after reset: %d", status)
	}

	f.srv.SetLatency(50 * time.Millisecond)
	start := time.Now()
	f.post(t, "POST", dev, nil, bg)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}
	st := f.srv.Stats()
	if st.Delivered != 4 || st.Rejected != 4 || st.Resets != 1 || st.Requests != 9 {
		t.Errorf("stats %+v", st)
	}
}

func TestDeliveriesBounded(t *testing.T) {
	f := newFixture(t, apnstest.Options{KeepDeliveries: 3})
	for i := range 5 {
		body := `{"aps":{"content-available":1},"n":"` + string(rune('a'+i)) + `"}`
		if status, reason, _ := f.post(t, "POST", "/3/device/"+devToken, nil, body); status != 200 {
			t.Fatalf("status %d %s", status, reason)
		}
	}
	ds := f.srv.Deliveries()
	if len(ds) != 3 || f.srv.Count() != 5 {
		t.Fatalf("kept %d, counted %d", len(ds), f.srv.Count())
	}
	if !bytes.Contains(ds[0].Payload, []byte(`"n":"c"`)) || !bytes.Contains(ds[2].Payload, []byte(`"n":"e"`)) {
		t.Errorf("kept the wrong deliveries: %s ... %s", ds[0].Payload, ds[2].Payload)
	}
	d := ds[2]
	if d.Token != devToken || d.Topic != topic || d.PushType != "background" || d.Priority != 5 || d.ApnsID == "" {
		t.Errorf("delivery %+v", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if err := f.srv.WaitFor(ctx, 6); err == nil {
		t.Error("WaitFor(6) returned nil after 5 deliveries")
	}
	if err := f.srv.WaitFor(t.Context(), 5); err != nil {
		t.Error(err)
	}
}
