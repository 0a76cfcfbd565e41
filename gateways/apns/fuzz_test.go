package apns

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/sideshow/apns2"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
)

// stubTransport answers every request with one canned reply.
type stubTransport struct {
	status     int
	retryAfter string
	body       []byte
}

func (s *stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{"Apns-Id": {"00000000-0000-4000-8000-000000000000"}}
	if s.retryAfter != "" {
		h.Set("Retry-After", s.retryAfter)
	}
	return &http.Response{
		StatusCode: s.status, Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(s.body)), ContentLength: int64(len(s.body)),
	}, nil
}

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
	stub := &stubTransport{}
	s.clients[0].HTTPClient = &http.Client{Transport: &replyTransport{next: stub}}
	notif, err := s.build(gateways.Notification{ID: "1", Token: "00ff", Nonce: "n"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 {
			t.Skip()
		}
		*stub = stubTransport{status: status, retryAfter: retryAfter, body: body}
		err := s.push(t.Context(), notif)
		class := gateways.ClassOf(err)
		if status == http.StatusOK {
			if err != nil {
				t.Fatalf("status 200: err %v, want delivered", err)
			}
			return
		}
		if class == gateways.ClassDelivered {
			t.Fatalf("status %d classified as delivered", status)
		}
		re, ok := errors.AsType[*gateways.RejectedError](err)
		if !ok {
			t.Fatalf("status %d: %v is not a *RejectedError", status, err)
		}
		if re.Status != status {
			t.Fatalf("RejectedError.Status %d, want %d", re.Status, status)
		}
		if re.RetryAfter < 0 || re.RetryAfter > gateways.MaxRetryAfter {
			t.Fatalf("RetryAfter %v out of bounds", re.RetryAfter)
		}
		if secs, err := strconv.Atoi(retryAfter); err == nil && secs > 0 && secs < 3600 && re.RetryAfter != time.Duration(secs)*time.Second {
			t.Fatalf("Retry-After %q gave %v", retryAfter, re.RetryAfter)
		}
		if re.Reason == apns2.ReasonUnregistered && class != gateways.ClassDeadToken {
			t.Fatalf("Unregistered classified %v", class)
		}
	})
}
