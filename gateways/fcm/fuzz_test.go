package fcm

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"firebase.google.com/go/v4/messaging"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/gateways/internal/gatewaytest"
)

// FuzzClassifyFCMReply feeds arbitrary replies through the real SDK and the
// gateway's transports and classification, with no network: status 2xx is
// delivered, anything else is exactly one failure class carrying the
// status, and Retry-After stays within bounds. The SDK's retry on 503 is
// cut short, so even those return at once.
func FuzzClassifyFCMReply(f *testing.F) {
	seeds := []struct {
		status     int
		retryAfter string
		body       string
	}{
		{200, "", `{"name":"projects/p/messages/1"}`},
		{200, "", `not json`},
		{404, "", `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`},
		{400, "", `{"error":{"code":400,"message":"The registration token is not a valid FCM registration token","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"},{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.token","description":"Invalid registration token"}]}]}}`},
		{429, "17", `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}}`},
		{503, "Wed, 21 Oct 2099 07:28:00 GMT", `{"error":{"code":503,"status":"UNAVAILABLE","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNAVAILABLE"}]}}`},
		{500, "", `{"error":{"code":500,"status":"INTERNAL"}}`},
		{403, "", `{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}`},
		{401, "", `{"error":{"code":401,"status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"THIRD_PARTY_AUTH_ERROR"}]}}`},
		{401, "", `{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`},
		{302, "", ``},
		{418, "-5", `{"error":[]}`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.retryAfter, []byte(s.body))
	}
	stub := &gatewaytest.Reply{Header: http.Header{"Content-Type": {"application/json"}}}
	hc := &http.Client{Transport: &attemptTransport{next: &sentTransport{next: stub}}}
	client, err := newClient(f.Context(), "fuzz-project", "https://fcm.invalid/v1", hc)
	if err != nil {
		f.Fatal(err)
	}
	msg, err := build(gateways.Notification{ID: "1", Token: "fuzz-token", Nonce: "n"}, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 || len(body) > maxErrorBody {
			t.Skip()
		}
		stub.Status, stub.RetryAfter, stub.Body = status, retryAfter, body
		start := time.Now()
		err := send(t.Context(), client, msg, 5*time.Second, nil)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("send took %v: the SDK retry was not cut short", d)
		}
		class := gateways.ClassOf(err)
		if status >= 200 && status < 300 {
			if err != nil {
				t.Fatalf("status %d: err %v, want delivered", status, err)
			}
			return
		}
		gatewaytest.CheckRejected(t, status, retryAfter, err)
		// The SDK's verdict on the FcmError code always wins.
		if messaging.IsUnregistered(errors.Unwrap(err)) && class != gateways.ClassDeadToken {
			t.Fatalf("IsUnregistered but class %v", class)
		}
	})
}
