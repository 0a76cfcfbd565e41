package gateways_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/gateways"
)

func TestClassOf(t *testing.T) {
	tests := map[string]struct {
		err  error
		want gateways.Class
	}{
		"nil":        {nil, gateways.ClassDelivered},
		"retryable":  {fmt.Errorf("apns push: %w: %w", gateways.ErrRetryable, context.DeadlineExceeded), gateways.ClassRetryable},
		"quota":      {&gateways.RejectedError{Class: gateways.ErrQuota, Status: 429, RetryAfter: time.Second}, gateways.ClassQuota},
		"dead token": {fmt.Errorf("wrapped: %w", &gateways.RejectedError{Class: gateways.ErrUnregistered, Status: 410}), gateways.ClassDeadToken},
		"auth":       {&gateways.RejectedError{Class: gateways.ErrAuth, Status: 403}, gateways.ClassAuth},
		"bad":        {&gateways.RejectedError{Class: gateways.ErrBadRequest}, gateways.ClassBadRequest},
		"unknown":    {errors.New("boom"), gateways.ClassRetryable},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := gateways.ClassOf(tc.err); got != tc.want {
				t.Errorf("ClassOf(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestRejectedError(t *testing.T) {
	err := fmt.Errorf("fcm push: %w", &gateways.RejectedError{Class: gateways.ErrQuota, Reason: "QUOTA_EXCEEDED", Status: 429, RetryAfter: 3 * time.Second})
	if !errors.Is(err, gateways.ErrQuota) {
		t.Fatal("errors.Is(err, ErrQuota) = false")
	}
	if errors.Is(err, gateways.ErrRetryable) {
		t.Fatal("errors.Is(err, ErrRetryable) = true")
	}
	re, ok := errors.AsType[*gateways.RejectedError](err)
	if !ok || re.RetryAfter != 3*time.Second || re.Reason != "QUOTA_EXCEEDED" {
		t.Fatalf("AsType = %+v, %v", re, ok)
	}
}

func TestClassStrings(t *testing.T) {
	want := []string{"delivered", "retryable", "quota", "dead_token", "auth", "bad_request"}
	for i, c := range gateways.Classes() {
		if c.String() != want[i] {
			t.Errorf("Class(%d).String() = %q, want %q", i, c, want[i])
		}
	}
}

func TestTokenPrefix(t *testing.T) {
	tok := "0123456789abcdef0123456789abcdef"
	if got := gateways.TokenPrefix(tok); got != "01234567…" {
		t.Errorf("TokenPrefix = %q", got)
	}
	if got := gateways.TokenPrefix("abcd"); got != "ab…" {
		t.Errorf("TokenPrefix(short) = %q", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]struct {
		in   string
		want time.Duration
	}{
		"empty":          {"", 0},
		"seconds":        {"120", 2 * time.Minute},
		"zero":           {"0", 0},
		"negative":       {"-5", 0},
		"garbage":        {"soon", 0},
		"capped":         {"999999999999", gateways.MaxRetryAfter},
		"http date":      {now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		"past http date": {now.Add(-time.Hour).Format(http.TimeFormat), 0},
		"far http date":  {now.Add(48 * time.Hour).Format(http.TimeFormat), gateways.MaxRetryAfter},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := gateways.ParseRetryAfter(tc.in, now); got != tc.want {
				t.Errorf("ParseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestFormatUUID(t *testing.T) {
	var b [16]byte
	for i := range b {
		b[i] = byte(i)
	}
	for version, want := range map[byte]string{
		4: "00010203-0405-4607-8809-0a0b0c0d0e0f",
		8: "00010203-0405-8607-8809-0a0b0c0d0e0f",
	} {
		if got := gateways.FormatUUID(b, version); got != want {
			t.Errorf("FormatUUID(v%d) = %s, want %s", version, got, want)
		}
	}
	b[8] = 0xff // variant bits are forced to 10xx
	if got := gateways.FormatUUID(b, 4); got[19:21] != "bf" {
		t.Errorf("variant: %s", got)
	}
	if got := string(gateways.AppendUUID([]byte("id:"), b, 4)); got != "id:"+gateways.FormatUUID(b, 4) {
		t.Errorf("AppendUUID: %s", got)
	}
}
