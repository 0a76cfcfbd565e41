// Package wire defines the frames a client and a pnode exchange over the
// websocket API: JSON-RPC 2.0 requests, responses and notifications, the
// envelope type with its deterministic hash, and the parameter and result
// types of every pn_ method.
//
// Protocol flow:
//
//	node   -> client  pn_challenge notification {nonce, nodeKey, chainId, providerId}
//	client -> node    pn_auth [{signature}]            (EIP-191 over AuthMessage)
//	node   -> client  result {address}
//	client -> node    pn_publish / pn_subscribe / pn_history / ... requests
//	node   -> client  pn_subscription notifications {subscription, result: envelope}
//
// Every decoder in this package takes an explicit size cap and validates what
// it decodes; none of them allocates in proportion to anything but its input.
// The package imports only the standard library.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Version is the JSON-RPC version string carried by every frame.
const Version = "2.0"

// Default caps. The server may configure lower or higher values; decoders take
// the cap as a parameter.
const (
	// DefaultMaxFrameBytes caps one websocket frame (a request or a batch).
	DefaultMaxFrameBytes = 512 << 10
	// DefaultMaxBatch caps the number of requests in one batch frame.
	DefaultMaxBatch = 20
	// MaxMethodLen caps the method name.
	MaxMethodLen = 64
	// MaxIDLen caps the encoded request id.
	MaxIDLen = 128
)

// Notification methods sent by the node.
const (
	MethodChallenge    = "pn_challenge"
	MethodSubscription = "pn_subscription"
	MethodReconnect    = "pn_reconnect"
)

// Request methods served by the node.
const (
	MethodAuth        = "pn_auth"
	MethodPublish     = "pn_publish"
	MethodSubscribe   = "pn_subscribe"
	MethodUnsubscribe = "pn_unsubscribe"
	MethodHistory     = "pn_history"
	MethodNodeInfo    = "pn_nodeInfo"
	MethodProviders   = "pn_providers"
)

// Decoding errors. Callers branch on them with errors.Is.
var (
	// ErrParse means the frame is not valid JSON.
	ErrParse = errors.New("wire: malformed JSON")
	// ErrInvalidRequest means the frame is JSON but not a JSON-RPC 2.0 request.
	ErrInvalidRequest = errors.New("wire: invalid JSON-RPC request")
	// ErrBatchTooLarge means a batch holds more requests than allowed.
	ErrBatchTooLarge = errors.New("wire: batch too large")
	// ErrEmptyBatch means a batch frame holds no request.
	ErrEmptyBatch = errors.New("wire: empty batch")
	// ErrFrameTooLarge means the frame exceeds the size cap.
	ErrFrameTooLarge = errors.New("wire: frame too large")
	// ErrInvalidParams means the params do not decode into the method's types.
	ErrInvalidParams = errors.New("wire: invalid params")
)

// Request is one JSON-RPC 2.0 request. A request without an id is a
// notification and gets no response.
type Request struct {
	Version string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
}

// IsNotification reports whether the request carries no id.
func (r *Request) IsNotification() bool { return len(r.ID) == 0 }

// Response is one JSON-RPC 2.0 response: exactly one of Result and Error is set.
type Response struct {
	Version string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// Error is a JSON-RPC error object. Code is the JSON-RPC code (-32700,
// -32600, -32601, -32602, -32603 or -32000); Data carries the node's stable
// numeric code that clients branch on.
type Error struct {
	Code    int        `json:"code"`
	Message string     `json:"message"`
	Data    *ErrorData `json:"data,omitempty"`
}

// ErrorData is the node-specific part of an error.
type ErrorData struct {
	// Code is the stable pnode error code (see docs/protocol.md).
	Code int `json:"code"`
	// RetryAfter is set on rate and quota errors: whole seconds to wait.
	RetryAfter int `json:"retry_after,omitempty"`
}

// Error implements error so clients can return a wire error directly.
func (e *Error) Error() string {
	if e.Data != nil {
		return fmt.Sprintf("pnode error %d: %s", e.Data.Code, e.Message)
	}
	return fmt.Sprintf("json-rpc error %d: %s", e.Code, e.Message)
}

// Notification is a server-to-client JSON-RPC notification.
type Notification struct {
	Version string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// Frame is an incoming frame after decoding: one request, or a batch.
type Frame struct {
	Requests []Request
	Batch    bool
}

// DecodeFrame decodes one websocket text frame into requests. It enforces
// maxBytes and maxBatch, and checks the JSON-RPC envelope of each request.
// A batch whose individual members are invalid still decodes: those members
// come back with Method == "" and Version != "2.0"; use Request.Check.
// The requests' ID and Params may alias b: keep b unchanged while they are
// in use.
func DecodeFrame(b []byte, maxBytes, maxBatch int) (Frame, error) {
	if len(b) > maxBytes {
		return Frame{}, ErrFrameTooLarge
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return Frame{}, ErrParse
	}
	if b[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			return Frame{}, ErrParse
		}
		if len(raws) == 0 {
			return Frame{}, ErrEmptyBatch
		}
		if len(raws) > maxBatch {
			return Frame{}, ErrBatchTooLarge
		}
		f := Frame{Requests: make([]Request, len(raws)), Batch: true}
		for i, raw := range raws {
			// A member that is not an object stays zero and fails Check.
			_ = json.Unmarshal(raw, &f.Requests[i])
		}
		return f, nil
	}
	if b[0] != '{' {
		if json.Valid(b) {
			return Frame{}, ErrInvalidRequest
		}
		return Frame{}, ErrParse
	}
	if r, ok := decodeRequestFast(b); ok {
		return Frame{Requests: []Request{r}}, nil
	}
	var r Request
	if err := json.Unmarshal(b, &r); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return Frame{}, ErrInvalidRequest
		}
		return Frame{}, ErrParse
	}
	return Frame{Requests: []Request{r}}, nil
}

// Check validates the JSON-RPC envelope of a decoded request.
func (r *Request) Check() error {
	if r.Version != Version || r.Method == "" || len(r.Method) > MaxMethodLen {
		return ErrInvalidRequest
	}
	if len(r.ID) > MaxIDLen {
		return ErrInvalidRequest
	}
	if len(r.ID) > 0 {
		switch r.ID[0] {
		case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		case 'n': // null id: allowed by JSON-RPC, treated as a request with id null
			if !bytes.Equal(r.ID, []byte("null")) {
				return ErrInvalidRequest
			}
		default:
			return ErrInvalidRequest
		}
	}
	if len(r.Params) > 0 && r.Params[0] != '[' && r.Params[0] != '{' && !bytes.Equal(r.Params, []byte("null")) {
		return ErrInvalidRequest
	}
	return nil
}

// errParamsNotArray is built once: DecodeParams runs for every request.
var errParamsNotArray = fmt.Errorf("%w: params must be an array", ErrInvalidParams)

// DecodeParams decodes positional params (a JSON array) into the given
// pointers, in order. Missing trailing params keep their zero values; extra
// params or values of the wrong type fail with ErrInvalidParams. Unknown
// object fields are refused so that typos do not pass silently.
func DecodeParams(params json.RawMessage, dst ...any) error {
	if err, ok := decodeParamsFast(params, dst); ok {
		return err
	}
	return decodeParamsSlow(params, dst)
}

// decodeParamsSlow is DecodeParams with encoding/json alone, in one
// streaming pass (splitting into raw elements first would scan everything
// three times). It is the reference the fast path must agree with.
func decodeParamsSlow(params json.RawMessage, dst []any) error {
	if len(params) == 0 || bytes.Equal(params, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return errParamsNotArray
	}
	n := 0
	for ; dec.More(); n++ {
		if n >= len(dst) {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return errParamsNotArray
			}
			continue
		}
		if err := dec.Decode(dst[n]); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errParamsNotArray
			}
			return paramError(n, err)
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return errParamsNotArray
	}
	if _, err := dec.Token(); err != io.EOF {
		return errParamsNotArray
	}
	if n > len(dst) {
		return tooManyParams(len(dst), n)
	}
	return nil
}

func paramError(n int, err error) error {
	return fmt.Errorf("%w: param %d: %s", ErrInvalidParams, n, cleanJSONError(err))
}

func tooManyParams(want, got int) error {
	return fmt.Errorf("%w: want at most %d params, got %d", ErrInvalidParams, want, got)
}

// cleanJSONError shortens encoding/json errors to something safe to echo.
func cleanJSONError(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		if ute.Field != "" {
			return "field " + strconv.Quote(ute.Field) + " must be " + ute.Type.String()
		}
		return "must be " + ute.Type.String()
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// EncodeResult builds a success response frame.
func EncodeResult(id json.RawMessage, result any) ([]byte, error) {
	if a, ok := result.(jsonAppender); ok && validScalarID(id) {
		b := make([]byte, 0, 128+len(id))
		b = append(b, `{"jsonrpc":"2.0","id":`...)
		b = append(b, nullID(id)...)
		b = append(b, `,"result":`...)
		b = a.appendJSON(b)
		return append(b, '}'), nil
	}
	res, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Response{Version: Version, ID: nullID(id), Result: res})
}

// EncodeError builds an error response frame.
func EncodeError(id json.RawMessage, e *Error) []byte {
	b, err := json.Marshal(Response{Version: Version, ID: nullID(id), Error: e})
	if err != nil {
		// Error holds only ints and strings: Marshal cannot fail.
		panic(err)
	}
	return b
}

// EncodeNotification builds a notification frame.
func EncodeNotification(method string, params any) ([]byte, error) {
	return json.Marshal(Notification{Version: Version, Method: method, Params: params})
}

// validScalarID reports whether id can be copied into a response as is:
// absent, or a number, null, or a string that encoding/json would not
// re-escape.
func validScalarID(id json.RawMessage) bool {
	if len(id) == 0 {
		return true
	}
	switch id[0] {
	case '"':
		end, escaped, nonASCII, ok := scanString(id, 0)
		return ok && end == len(id) && !escaped && !nonASCII && bytes.IndexAny(id, "<>&") < 0
	case 'n':
		return string(id) == "null"
	default:
		end, ok := scanNumber(id, 0)
		return ok && end == len(id)
	}
}

func nullID(id json.RawMessage) json.RawMessage {
	if len(id) == 0 {
		return json.RawMessage("null")
	}
	return id
}

// AppendSubscriptionEvent appends a pn_subscription notification frame for a
// pre-encoded envelope. Fan-out encodes each envelope once and splices it
// into every subscriber's frame, which differs only in the subscription id.
// subID must be a JSON-safe string (the node issues hex ids).
func AppendSubscriptionEvent(dst []byte, subID string, envelopeJSON []byte) []byte {
	dst = AppendSubscriptionPrefix(dst, subID)
	dst = append(dst, envelopeJSON...)
	return AppendSubscriptionSuffix(dst)
}

const (
	subscriptionPrefix = `{"jsonrpc":"2.0","method":"pn_subscription","params":{"subscription":"`
	subscriptionMiddle = `","result":`
	subscriptionSuffix = "}}"
	// SubscriptionEventOverhead is the length of a pn_subscription frame
	// without its subscription id and envelope.
	SubscriptionEventOverhead = len(subscriptionPrefix) + len(subscriptionMiddle) + len(subscriptionSuffix)
)

// AppendSubscriptionPrefix appends what precedes the envelope in a
// pn_subscription frame; the envelope and AppendSubscriptionSuffix complete it.
func AppendSubscriptionPrefix(dst []byte, subID string) []byte {
	dst = append(dst, subscriptionPrefix...)
	dst = append(dst, subID...)
	return append(dst, subscriptionMiddle...)
}

// AppendSubscriptionSuffix closes a frame begun by AppendSubscriptionPrefix.
func AppendSubscriptionSuffix(dst []byte) []byte { return append(dst, subscriptionSuffix...) }
