package apnstest

import "time"

// Delivery is one notification the fake accepted (HTTP 200).
type Delivery struct {
	Token      string    // device token from the :path
	ApnsID     string    // apns-id replied (the request's, or one the fake made up)
	CollapseID string    // apns-collapse-id header
	PushType   string    // apns-push-type header
	Priority   int       // apns-priority header, 10 when absent
	Topic      string    // apns-topic header
	Expiration int64     // apns-expiration header (unix seconds), 0 when absent
	Payload    []byte    // raw JSON payload
	At         time.Time // when the fake accepted it
	Remote     string    // the client's address: which connection carried it
}

// Stats are the fake's running totals since it started.
type Stats struct {
	Requests  int64 // requests seen, including reset ones
	Delivered int64 // 200 replies
	Rejected  int64 // non-200 replies
	Resets    int64 // connections closed by ResetNext
}

// Fault is a reply the fake sends instead of processing a request.
type Fault struct {
	// Status is the HTTP status, for example 403, 429, 500 or 503.
	Status int
	// Reason is the APNs reason, for example apns2.ReasonInvalidProviderToken.
	Reason string
	// RetryAfter, when positive, is sent as a Retry-After header (whole
	// seconds, rounded up).
	RetryAfter time.Duration
}
