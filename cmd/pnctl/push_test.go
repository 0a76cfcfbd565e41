package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWake(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodPost:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case strings.HasSuffix(r.URL.Path, "/good"):
			if r.Header.Get("TTL") != "3600" {
				t.Errorf("TTL header = %q", r.Header.Get("TTL"))
			}
			w.Header().Set("Location", "/v1/wake/message/0b8e6a52-3f3c-4d5a-9a39-1b2c3d4e5f60")
			w.WriteHeader(http.StatusCreated)
		case strings.HasSuffix(r.URL.Path, "/busy"):
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":{"code":42901,"message":"rate limit exceeded for this wakeup token"}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":{"code":40403,"message":"unknown or revoked wakeup token"}}`))
		}
	}))
	defer srv.Close()
	out, err := pnctl(t, nil, "", "wake", "--ttl", "1h", srv.URL+"/v1/wake/good")
	if err != nil || !strings.Contains(out, "0b8e6a52-3f3c-4d5a-9a39-1b2c3d4e5f60") {
		t.Fatalf("wake: %q %v", out, err)
	}
	if _, err := pnctl(t, nil, "", "wake", srv.URL+"/v1/wake/gone"); err == nil || !strings.Contains(err.Error(), "40403") {
		t.Fatalf("unknown token: %v", err)
	}
	if _, err := pnctl(t, nil, "", "wake", srv.URL+"/v1/wake/busy"); err == nil || !strings.Contains(err.Error(), "retry after 7s") {
		t.Fatalf("rate limited: %v", err)
	}
	if _, err := pnctl(t, nil, "", "wake", "ftp://x/y"); err == nil {
		t.Fatal("non-wake URL accepted")
	}
}
