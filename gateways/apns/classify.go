package apns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/sideshow/apns2"

	"github.com/pnmarket/pnmarket/gateways"
)

// replyKey keys the *reply of one Send in its request context.
type replyKey struct{}

// reply is what replyTransport saw of the one HTTP exchange of a Send.
// apns2.Response keeps neither the headers nor, when the body does not
// decode, the status; the transport records them here. Written by
// RoundTrip, read by push after PushWithContext returned, both on the
// sending goroutine.
type reply struct {
	status     int
	retryAfter string
	bearer     string // authorization header sent, to refresh exactly that token
}

// replyTransport wraps the HTTP/2 transport to record, per request, what
// apns2 does not expose. The request context carries the *reply, so the
// record belongs to exactly one Send without any lookup by apns-id.
type replyTransport struct {
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *replyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rep, _ := req.Context().Value(replyKey{}).(*reply)
	if rep != nil {
		rep.bearer = req.Header.Get("authorization")
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && rep != nil {
		rep.status = resp.StatusCode
		rep.retryAfter = resp.Header.Get("Retry-After")
	}
	return resp, err
}

// classify maps a non-200 APNs reply onto a gateways class.
func classify(status int, reason string, retryAfter time.Duration) *gateways.RejectedError {
	return &gateways.RejectedError{
		Class:      classOf(status, reason),
		Reason:     reason,
		Status:     status,
		RetryAfter: retryAfter,
	}
}

func classOf(status int, reason string) error {
	switch reason {
	case apns2.ReasonUnregistered, apns2.ReasonExpiredToken,
		apns2.ReasonBadDeviceToken, apns2.ReasonDeviceTokenNotForTopic:
		return gateways.ErrUnregistered
	case apns2.ReasonTooManyRequests, apns2.ReasonTooManyProviderTokenUpdates:
		return gateways.ErrQuota
	case apns2.ReasonIdleTimeout, apns2.ReasonInternalServerError,
		apns2.ReasonServiceUnavailable, apns2.ReasonShutdown:
		return gateways.ErrRetryable
	case apns2.ReasonBadCertificate, apns2.ReasonBadCertificateEnvironment,
		apns2.ReasonExpiredProviderToken, apns2.ReasonForbidden,
		apns2.ReasonInvalidProviderToken, apns2.ReasonMissingProviderToken:
		return gateways.ErrAuth
	}
	switch {
	case status == http.StatusGone:
		return gateways.ErrUnregistered
	case status == http.StatusTooManyRequests:
		return gateways.ErrQuota
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return gateways.ErrAuth
	case status == http.StatusRequestTimeout || status >= 500:
		return gateways.ErrRetryable
	case status >= 400:
		// Bad headers, topic, payload, path or method: this notification
		// cannot succeed as built.
		return gateways.ErrBadRequest
	default:
		// 1xx/2xx/3xx other than 200: not an APNs answer (a proxy?). Retry.
		return gateways.ErrRetryable
	}
}

// transportError classifies a failure without a reply: broken trust or
// credentials during the TLS handshake are ErrAuth; everything else
// (timeout, cancellation, reset, refused connection, GOAWAY) is
// ErrRetryable.
//
// The *url.Error layer is dropped: its URL holds the whole device token,
// which must never reach a log.
func transportError(ctx context.Context, tokenPrefix string, err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	var (
		alert      tls.AlertError
		verify     *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalidCrt x509.CertificateInvalidError
	)
	if errors.As(err, &alert) || errors.As(err, &verify) || errors.As(err, &unknownCA) ||
		errors.As(err, &hostname) || errors.As(err, &invalidCrt) {
		return fmt.Errorf("apns push to %s: %w: %w", tokenPrefix, gateways.ErrAuth, err)
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
		return fmt.Errorf("apns push to %s: %w: %w (%w)", tokenPrefix, gateways.ErrRetryable, err, cause)
	}
	return fmt.Errorf("apns push to %s: %w: %w", tokenPrefix, gateways.ErrRetryable, err)
}

// CloseIdleConnections closes the idle connections of the wrapped
// transport (apns2.Client.CloseIdleConnections needs it).
func (t *replyTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
