package apns

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/sideshow/apns2"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
)

// FuzzClassifyAPNsReply feeds arbitrary replies through apns2's decoding and
// the gateway's transport wrapper and classification, with no network:
// status 200 is delivered, anything else is exactly one failure class that
// carries the status, and Retry-After stays within bounds.
func FuzzClassifyAPNsReply(f *testing.F) {
	seeds := []struct {
		status     int
		retryAfter string
		body       string
	}{
		{200, "", ``},
		{200, "", `garbage`},
		{410, "", `{"reason":"Unregistered","timestamp":1700000000000}`},
		{410, "", `{"reason":"Unregistered","timestamp":"x"}`},
		{400, "", `{"reason":"BadDeviceToken"}`},
		{400, "", `{"reason":"DeviceTokenNotForTopic"}`},
		{403, "", `{"reason":"InvalidProviderToken"}`},
		{403, "", `{"reason":"ExpiredProviderToken"}`},
		{429, "30", `{"reason":"TooManyRequests"}`},
		{500, "", `{"reason":"InternalServerError"}`},
		{503, "Wed, 21 Oct 2099 07:28:00 GMT", `{"reason":"ServiceUnavailable"}`},
		{413, "", `{"reason":"PayloadTooLarge"}`},
		{502, "", `<html>bad gateway</html>`},
		{404, "-1", `{"reason":42}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.retryAfter, []byte(s.body))
	}
	key, err := apnstest.GenerateKey()
	if err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.KeyPEM, cfg.KeyID, cfg.TeamID, cfg.Topic = key.PEM, key.KeyID, key.TeamID, "fuzz.topic"
	cfg.Connections = 1
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		f.Fatal(err)
	}
	stub := &gatewaytest.Reply{Header: http.Header{"Apns-Id": {"00000000-0000-4000-8000-000000000000"}}}
	s.clients[0].HTTPClient = &http.Client{Transport: &replyTransport{next: stub}}
	notif, err := s.build(gateways.Notification{ID: "1", Token: "00ff", Nonce: "n"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 {
			t.Skip()
		}
		stub.Status, stub.RetryAfter, stub.Body = status, retryAfter, body
		err := s.push(t.Context(), notif)
		class := gateways.ClassOf(err)
		if status == http.StatusOK {
			if err != nil {
				t.Fatalf("status 200: err %v, want delivered", err)
			}
			return
		}
		re := gatewaytest.CheckRejected(t, status, retryAfter, err)
		if re.Reason == apns2.ReasonUnregistered && class != gateways.ClassDeadToken {
			t.Fatalf("Unregistered classified %v", class)
		}
	})
}
