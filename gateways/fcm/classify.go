package fcm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"firebase.google.com/go/v4/messaging"
	"golang.org/x/oauth2"

	"github.com/pnmarket/pnmarket/gateways"
)

// maxErrorBody caps how much of an error reply is kept for classification.
const maxErrorBody = 64 << 10

// errCutShort is the cause attemptTransport cancels a send with, to end the
// SDK's internal retry loop after the first failed attempt.
var errCutShort = errors.New("fcm: attempt failed; SDK retry cut short")

// attemptKey keys the *attempt of one Send in its request context.
type attemptKey struct{}

// attempt is what the transports saw of a Send's HTTP exchange. The SDK
// runs its attempts sequentially on the sending goroutine, and the fields
// are read after client.Send returned, so no lock is needed.
type attempt struct {
	stop       context.CancelCauseFunc
	sent       bool // the request passed the token source and reached the network
	status     int
	retryAfter time.Duration
	body       []byte // error reply body, capped at maxErrorBody
	err        error  // transport or token error
}

// attemptTransport is the outermost transport: it records the reply's
// status, Retry-After and error body (firebase's error type is internal and
// keeps neither), and ends the SDK's retry loop after a failure.
type attemptTransport struct {
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	a, _ := req.Context().Value(attemptKey{}).(*attempt)
	resp, err := t.next.RoundTrip(req)
	if a == nil {
		return resp, err
	}
	if err != nil {
		a.err = err
		a.stop(errCutShort)
		return nil, err
	}
	a.status = resp.StatusCode
	a.retryAfter = gateways.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if resp.StatusCode >= 300 {
		// Read the body now, so cancelling the context cannot truncate it.
		a.body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(a.body))
		if resp.StatusCode >= 500 {
			a.stop(errCutShort)
		}
	}
	return resp, nil
}

// CloseIdleConnections forwards to the wrapped transport.
func (t *attemptTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// sentTransport sits below the oauth2 transport and marks that the request
// got an access token, telling token failures from FCM failures.
type sentTransport struct {
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *sentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if a, ok := req.Context().Value(attemptKey{}).(*attempt); ok {
		a.sent = true
	}
	return t.next.RoundTrip(req)
}

// tokenTransport carries the OAuth2 token fetches and remembers the last
// transport error: x/oauth2 formats it with %v, losing its type, so this is
// how a TLS trust failure at the token endpoint is recognised.
type tokenTransport struct {
	next http.RoundTripper
	last atomic.Pointer[error]
}

// RoundTrip implements http.RoundTripper.
func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.last.Store(&err)
	} else {
		t.last.Store(nil)
	}
	return resp, err
}

// lastErr returns the last token-fetch transport error, if the last fetch
// failed.
func (t *tokenTransport) lastErr() error {
	if t == nil {
		return nil
	}
	if p := t.last.Load(); p != nil {
		return *p
	}
	return nil
}

// classify maps the outcome of client.Send onto a gateways class. tokens
// may be nil.
func classify(ctx context.Context, err error, a *attempt, tokens *tokenTransport) error {
	switch {
	case a.status != 0 && (a.status < 200 || a.status >= 300):
		// Any reply but 2xx is a failure, even one the SDK let through (it
		// counts 3xx as success).
		return classifyReply(err, a.status, a.body, a.retryAfter)
	case err == nil:
		return nil
	case a.err == nil && a.status != 0:
		// FCM accepted the message (2xx); only its reply did not parse.
		return nil
	case a.err != nil:
		return transportError(ctx, a, tokens)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", gateways.ErrRetryable, context.Cause(ctx))
	default:
		// The SDK refused the message before sending it.
		return &gateways.RejectedError{Class: gateways.ErrBadRequest, Reason: err.Error()}
	}
}

// classifyReply classifies an FCM error reply: in the SDK's terms when it
// produced a *FirebaseError carrying an FcmError code, else from the reply
// body and status (for example when the SDK's retry loop was cut short).
func classifyReply(err error, status int, body []byte, retryAfter time.Duration) *gateways.RejectedError {
	rep := decodeReply(body)
	reason := rep.code
	if reason == "" {
		reason = rep.status
	}
	var class error
	switch {
	case messaging.IsUnregistered(err), messaging.IsSenderIDMismatch(err):
		class = gateways.ErrUnregistered
	case messaging.IsThirdPartyAuthError(err):
		class = gateways.ErrAuth
	case messaging.IsQuotaExceeded(err):
		class = gateways.ErrQuota
	case messaging.IsUnavailable(err), messaging.IsInternal(err):
		class = gateways.ErrRetryable
	case messaging.IsInvalidArgument(err):
		class = gateways.ErrBadRequest
		if rep.tokenInvalid {
			class = gateways.ErrUnregistered
		}
	default:
		class = classOf(status, rep)
	}
	return &gateways.RejectedError{Class: class, Reason: reason, Status: status, RetryAfter: retryAfter}
}

// reply is the decoded Google API error body.
type reply struct {
	code         string // FcmError errorCode
	status       string // google.rpc status, e.g. "UNAUTHENTICATED"
	tokenInvalid bool   // a BadRequest field violation names message.token
}

// decodeReply decodes an FCM error body; anything unparseable gives the
// zero reply.
func decodeReply(body []byte) reply {
	var b struct {
		Error struct {
			Status  string `json:"status"`
			Details []struct {
				Type            string `json:"@type"`
				ErrorCode       string `json:"errorCode"`
				FieldViolations []struct {
					Field string `json:"field"`
				} `json:"fieldViolations"`
			} `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return reply{}
	}
	r := reply{status: b.Error.Status}
	for _, d := range b.Error.Details {
		switch d.Type {
		case "type.googleapis.com/google.firebase.fcm.v1.FcmError":
			if r.code == "" {
				r.code = d.ErrorCode
			}
		case "type.googleapis.com/google.rpc.BadRequest":
			for _, v := range d.FieldViolations {
				if v.Field == "message.token" {
					r.tokenInvalid = true
				}
			}
		}
	}
	return r
}

// classOf classifies by FcmError code, then by HTTP status.
func classOf(status int, rep reply) error {
	switch rep.code {
	case "UNREGISTERED", "SENDER_ID_MISMATCH":
		return gateways.ErrUnregistered
	case "THIRD_PARTY_AUTH_ERROR":
		return gateways.ErrAuth
	case "QUOTA_EXCEEDED":
		return gateways.ErrQuota
	case "UNAVAILABLE", "INTERNAL":
		return gateways.ErrRetryable
	}
	switch {
	case rep.tokenInvalid && status == http.StatusBadRequest:
		return gateways.ErrUnregistered
	case status == http.StatusTooManyRequests:
		return gateways.ErrQuota
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound:
		// Without an FcmError code these are about the credential or the
		// project (wrong key, no permission, unknown project).
		return gateways.ErrAuth
	case status == http.StatusRequestTimeout || status >= 500:
		return gateways.ErrRetryable
	case status >= 400:
		return gateways.ErrBadRequest
	default:
		return gateways.ErrRetryable
	}
}

// transportError classifies a failure without an FCM reply: a refused
// OAuth2 token exchange is ErrAuth (or retryable for 5xx at the token
// endpoint), broken TLS trust is ErrAuth, everything else is ErrRetryable.
func transportError(ctx context.Context, a *attempt, tokens *tokenTransport) error {
	err := a.err
	if re, ok := errors.AsType[*oauth2.RetrieveError](err); ok {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		class := gateways.ErrAuth
		switch {
		case status == http.StatusTooManyRequests:
			class = gateways.ErrQuota
		case status >= 500 || status == 0:
			class = gateways.ErrRetryable
		}
		code := re.ErrorCode
		if code == "" {
			// x/oauth2's JWT source does not parse the error body.
			var body struct {
				Error string `json:"error"`
			}
			json.Unmarshal(re.Body, &body)
			code = body.Error
		}
		return &gateways.RejectedError{Class: class, Reason: "oauth2 " + code, Status: status}
	}
	if !a.sent {
		if terr := tokens.lastErr(); terr != nil {
			err = fmt.Errorf("%w (token endpoint: %w)", err, terr)
		}
	}
	var (
		alert     tls.AlertError
		verify    *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	if errors.As(err, &alert) || errors.As(err, &verify) || errors.As(err, &unknownCA) ||
		errors.As(err, &hostname) || errors.As(err, &invalid) {
		return fmt.Errorf("%w: %w", gateways.ErrAuth, err)
	}
	if cause := context.Cause(ctx); cause != nil && cause != errCutShort && !errors.Is(err, cause) {
		return fmt.Errorf("%w: %w (%w)", gateways.ErrRetryable, err, cause)
	}
	return fmt.Errorf("%w: %w", gateways.ErrRetryable, err)
}
