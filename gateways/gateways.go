// Package gateways holds the types shared by the push gateways (gateways/apns,
// gateways/fcm): the Notification a gateway sends, the Sender interface the
// server consumes, and the error classes every gateway maps its upstream
// replies onto.
//
// # Content-free wakeups
//
// A wakeup tells a device "something is waiting, go and fetch it". It carries
// no message content, no sender and no chat or topic identifier, so Apple and
// Google learn nothing but timing. The only application data a gateway puts
// into a payload is the random Notification.Nonce (key "n"), plus, for FCM
// only, the idempotency key Notification.ID (key "id"). APNs alert wakeups
// additionally carry the generic AlertTitle/AlertBody chosen by the node
// operator (for example "New message"), never anything derived from content.
//
// # Error classes
//
// A gateway classifies every upstream reply once, at its edge, into one of
// the sentinel errors below (wrapped, usually inside a *RejectedError), so the
// caller can branch with errors.Is and count outcomes with ClassOf:
//
//	class        sentinel         caller's action
//	delivered    (nil)            done
//	retryable    ErrRetryable     retry with backoff + jitter, honour RetryAfter
//	quota        ErrQuota         back off the whole credential for RetryAfter
//	dead_token   ErrUnregistered  disable the registration, never retry
//	auth         ErrAuth          alert the operator, stop the credential
//	bad_request  ErrBadRequest    drop the notification (a bug), count it
//
// The package imports only the standard library.
package gateways

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// MaxNonceLen caps Notification.Nonce. A nonce is a short random string (for
// example 16 random bytes, hex or base64 encoded); anything longer is refused
// with ErrBadRequest so a payload can never be used to smuggle content.
const MaxNonceLen = 128

// MaxIDLen caps Notification.ID.
const MaxIDLen = 128

// PushType selects how the wakeup is presented to the device.
type PushType uint8

const (
	// Background is a silent wakeup: APNs content-available with push type
	// background and priority 5; FCM high-priority data message. It is the
	// zero value.
	Background PushType = iota
	// Alert is a visible wakeup with the generic AlertTitle/AlertBody: APNs
	// mutable-content with push type alert and priority 10, so a notification
	// service extension can fetch and replace the text on the device. FCM
	// sends the same data-only message as for Background.
	Alert
)

// String returns "background" or "alert".
func (p PushType) String() string {
	switch p {
	case Background:
		return "background"
	case Alert:
		return "alert"
	default:
		return fmt.Sprintf("PushType(%d)", uint8(p))
	}
}

// Notification is one content-free wakeup for one device.
type Notification struct {
	// ID is the idempotency key of this wakeup; retries of the same wakeup
	// reuse it. APNs sends it as apns-id (used as is when it is a canonical
	// UUID, otherwise mapped deterministically onto one); FCM puts it into
	// the data payload as "id".
	ID string
	// Token is the device token (APNs: hex string; FCM: registration token).
	Token string
	// Topic is the APNs topic (the app's bundle id); empty means the
	// gateway's configured topic. FCM ignores it.
	Topic string
	// PushType selects a silent (Background) or visible (Alert) wakeup.
	PushType PushType
	// CollapseID coalesces wakeups on the device: APNs apns-collapse-id (at
	// most 64 bytes), FCM android collapse_key. Empty means none.
	CollapseID string
	// Nonce is the only data sent to the device: a random string of at most
	// MaxNonceLen bytes, key "n" in the payload.
	Nonce string
	// Expiration is when the push service may drop the wakeup if it could not
	// deliver it. Zero means the push service's default (store and retry).
	Expiration time.Time
	// AlertTitle and AlertBody are the generic, operator-chosen text of an
	// Alert wakeup. They are ignored for Background and by FCM.
	AlertTitle, AlertBody string
}

// Sender sends one wakeup. Implementations are safe for concurrent use.
// Send returns nil when the push service accepted the wakeup; otherwise the
// error matches exactly one of the class sentinels (see ClassOf).
type Sender interface {
	Send(ctx context.Context, n Notification) error
}

// The error classes. Gateways wrap them, usually in a *RejectedError; test
// with errors.Is.
var (
	// ErrRetryable: the push service was unavailable (5xx), the request timed
	// out or the connection broke. Retry later with backoff and jitter.
	ErrRetryable = errors.New("push service unavailable")
	// ErrQuota: the credential is sending too fast (HTTP 429, APNs
	// TooManyRequests, FCM QUOTA_EXCEEDED). Back off the whole credential,
	// for RejectedError.RetryAfter when set.
	ErrQuota = errors.New("push quota exceeded")
	// ErrUnregistered: the device token is dead (APNs 410 Unregistered, 400
	// BadDeviceToken or DeviceTokenNotForTopic; FCM UNREGISTERED, invalid
	// registration token or SENDER_ID_MISMATCH). Disable the registration and
	// never retry.
	ErrUnregistered = errors.New("device token unregistered")
	// ErrAuth: the credential or its configuration was refused (APNs 403
	// InvalidProviderToken, ExpiredProviderToken, BadCertificate...; FCM
	// 401/403, THIRD_PARTY_AUTH_ERROR, OAuth token refused; TLS trust
	// failures). Alert the operator and stop using the credential.
	ErrAuth = errors.New("push credential refused")
	// ErrBadRequest: the notification itself is malformed (payload too large,
	// bad header value, bad collapse id...). Retrying cannot help.
	ErrBadRequest = errors.New("push request malformed")
)

// RejectedError is a classified refusal, by the push service or by the
// gateway's own checks before sending. It matches its Class with errors.Is;
// errors.AsType[*RejectedError] gives the details.
type RejectedError struct {
	// Class is one of ErrRetryable, ErrQuota, ErrUnregistered, ErrAuth,
	// ErrBadRequest.
	Class error
	// Reason is the push service's reason code (APNs reason such as
	// "Unregistered", FCM error code such as "UNREGISTERED" or status such as
	// "UNAUTHENTICATED"), or a short local reason when Status is 0.
	Reason string
	// Status is the HTTP status of the reply, 0 when the gateway refused the
	// notification before sending it.
	Status int
	// RetryAfter is the delay the push service asked for (Retry-After
	// header); zero when it sent none.
	RetryAfter time.Duration
	// Timestamp is, for APNs 410 replies, the last time APNs confirmed the
	// token was invalid. Ignore the rejection if the registration is newer.
	Timestamp time.Time
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := fmt.Sprintf("%v (status %d, reason %q", e.Class, e.Status, e.Reason)
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(", retry after %v", e.RetryAfter)
	}
	return msg + ")"
}

// Unwrap returns the class sentinel.
func (e *RejectedError) Unwrap() error { return e.Class }

// Is reports whether target is the class sentinel.
func (e *RejectedError) Is(target error) bool { return target == e.Class }

// Class is the outcome of one Send, as a closed set suitable for metric
// labels.
type Class uint8

// The outcome classes, in the order of Classes().
const (
	ClassDelivered Class = iota
	ClassRetryable
	ClassQuota
	ClassDeadToken
	ClassAuth
	ClassBadRequest
	numClasses
)

var classNames = [numClasses]string{"delivered", "retryable", "quota", "dead_token", "auth", "bad_request"}

// String returns the snake_case metric label of c.
func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Classes returns every Class, for pre-setting metric label values to 0.
func Classes() []Class {
	out := make([]Class, numClasses)
	for i := range out {
		out[i] = Class(i)
	}
	return out
}

// ClassOf maps the result of Send onto a Class. nil is ClassDelivered. An
// error matching none of the sentinels (which a gateway never returns) is
// ClassRetryable: at-least-once delivery must not drop a wakeup because of an
// unexpected error; the caller's retry budget bounds the cost.
func ClassOf(err error) Class {
	switch {
	case err == nil:
		return ClassDelivered
	case errors.Is(err, ErrUnregistered):
		return ClassDeadToken
	case errors.Is(err, ErrAuth):
		return ClassAuth
	case errors.Is(err, ErrQuota):
		return ClassQuota
	case errors.Is(err, ErrBadRequest):
		return ClassBadRequest
	default:
		return ClassRetryable
	}
}

// TokenPrefix returns a loggable prefix of a device token: never log a whole
// token.
func TokenPrefix(token string) string {
	const n = 8
	if len(token) <= 2*n {
		return token[:len(token)/2] + "…"
	}
	return token[:n] + "…"
}

// MaxRetryAfter caps the delay ParseRetryAfter returns, so a bogus header
// cannot park a credential for days.
const MaxRetryAfter = time.Hour

// ParseRetryAfter decodes an HTTP Retry-After header value: delay-seconds or
// an HTTP-date relative to now. It returns 0 for an empty, malformed or past
// value and caps the result at MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs >= int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// FormatUUID returns b as a canonical lower-case UUID of the given version
// (4: random, 8: derived from other data), with the RFC 9562 variant bits
// set. Idempotency ids (APNs apns-id) have this form.
func FormatUUID(b [16]byte, version byte) string {
	var s [36]byte
	return string(AppendUUID(s[:0], b, version))
}

// AppendUUID appends FormatUUID(b, version) to dst.
func AppendUUID(dst []byte, b [16]byte, version byte) []byte {
	b[6] = b[6]&0x0f | version<<4
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return append(dst, s[:]...)
}
