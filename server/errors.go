package server

import (
	"errors"
	"fmt"
	"time"

	"github.com/pnmarket/pnmarket/server/wire"
)

// Code is a stable client error code. The first three digits are the HTTP
// status family, the last two number the error within it. Codes are never
// renumbered or reused; messages may change, so clients branch on the code.
type Code int

// The error table. TestErrorTableGolden pins it; docs/protocol.md lists it.
const (
	CodeBadRequest        Code = 40000
	CodeParse             Code = 40001
	CodeInvalidRequest    Code = 40002
	CodeBatchTooLarge     Code = 40003
	CodeMethodNotFound    Code = 40004
	CodeInvalidParams     Code = 40005
	CodeFrameTooLarge     Code = 40006
	CodePayloadTooLarge   Code = 40007
	CodeTooManyTopics     Code = 40008
	CodeBadCursor         Code = 40009
	CodeTimestampSkew     Code = 40010
	CodeBadEnvelope       Code = 40011
	CodeAuthRequired      Code = 40101
	CodeAuthFailed        Code = 40102
	CodeAuthTimeout       Code = 40103
	CodeAlreadyAuthed     Code = 40104
	CodeUnknownSub        Code = 40401
	CodeRateLimited       Code = 42901
	CodeTooManySubs       Code = 42902
	CodeSlowConsumer      Code = 42903
	CodeInternal          Code = 50000
	CodeStoreUnavailable  Code = 50301
	CodeShuttingDown      Code = 50302
	CodeServiceNotEnabled Code = 50303

	// Push relay.
	CodeBadRegistration      Code = 40012
	CodeUnknownApp           Code = 40013
	CodeBadDeviceToken       Code = 40014
	CodeBadRelayRequest      Code = 40015
	CodeRelayAuthFailed      Code = 40105
	CodeRelayForbidden       Code = 40301
	CodeNotPayer             Code = 40302
	CodeUnknownInstallation  Code = 40402
	CodeUnknownWakeToken     Code = 40403
	CodeUnknownRelayApp      Code = 40404
	CodeStaleVersion         Code = 40901
	CodeDeadDeviceToken      Code = 41001
	CodeWakeBodyTooLarge     Code = 41301
	CodeTooManyInstallations Code = 42904
	CodeTooManyWakeTokens    Code = 42905
	CodePushUnavailable      Code = 50304
	CodeQueueFull            Code = 50305

	// Market: payment and vouchers.
	CodePaymentRequired      Code = 40201
	CodeBadVoucher           Code = 40202
	CodeUnauthorisedSigner   Code = 40203
	CodeVoucherNotIncreasing Code = 40204
	CodeInsufficientEscrow   Code = 40205
	CodeChainUnavailable     Code = 50306
)

// codeInfo is one row of the error table.
type codeInfo struct {
	Name    string
	Message string
	RPC     int // JSON-RPC error.code
}

// errorTable is the single source of error names, default messages and
// JSON-RPC codes.
var errorTable = map[Code]codeInfo{
	CodeBadRequest:        {"BadRequest", "bad request", rpcServerError},
	CodeParse:             {"Parse", "malformed JSON", rpcParseError},
	CodeInvalidRequest:    {"InvalidRequest", "not a valid JSON-RPC 2.0 request", rpcInvalidRequest},
	CodeBatchTooLarge:     {"BatchTooLarge", "batch has too many requests", rpcInvalidRequest},
	CodeMethodNotFound:    {"MethodNotFound", "method not found", rpcMethodNotFound},
	CodeInvalidParams:     {"InvalidParams", "invalid params", rpcInvalidParams},
	CodeFrameTooLarge:     {"FrameTooLarge", "frame exceeds the size limit", rpcInvalidRequest},
	CodePayloadTooLarge:   {"PayloadTooLarge", "payload exceeds the size limit", rpcInvalidParams},
	CodeTooManyTopics:     {"TooManyTopics", "too many content topics", rpcInvalidParams},
	CodeBadCursor:         {"BadCursor", "cursor is malformed or belongs to another query", rpcInvalidParams},
	CodeTimestampSkew:     {"TimestampSkew", "timestamp too far from the node's clock", rpcInvalidParams},
	CodeBadEnvelope:       {"BadEnvelope", "invalid envelope", rpcInvalidParams},
	CodeAuthRequired:      {"AuthRequired", "authenticate with pn_auth first", rpcServerError},
	CodeAuthFailed:        {"AuthFailed", "bad auth signature", rpcServerError},
	CodeAuthTimeout:       {"AuthTimeout", "authentication deadline passed", rpcServerError},
	CodeAlreadyAuthed:     {"AlreadyAuthenticated", "session already authenticated", rpcServerError},
	CodeUnknownSub:        {"UnknownSubscription", "no such subscription", rpcInvalidParams},
	CodeRateLimited:       {"RateLimited", "rate limit exceeded", rpcServerError},
	CodeTooManySubs:       {"TooManySubscriptions", "too many subscriptions on this session", rpcServerError},
	CodeSlowConsumer:      {"SlowConsumer", "session could not keep up and was closed", rpcServerError},
	CodeInternal:          {"Internal", "internal error", rpcInternalError},
	CodeStoreUnavailable:  {"StoreUnavailable", "message store unavailable", rpcServerError},
	CodeShuttingDown:      {"ShuttingDown", "node is shutting down", rpcServerError},
	CodeServiceNotEnabled: {"ServiceNotEnabled", "service not enabled on this node", rpcServerError},

	CodeBadRegistration:      {"BadRegistration", "sealed registration cannot be decrypted or is invalid", rpcInvalidParams},
	CodeUnknownApp:           {"UnknownApp", "no such app on this node", rpcInvalidParams},
	CodeBadDeviceToken:       {"BadDeviceToken", "device token malformed for its gateway", rpcInvalidParams},
	CodeBadRelayRequest:      {"BadRelayRequest", "malformed relay request", rpcInvalidParams},
	CodeRelayAuthFailed:      {"RelayAuthFailed", "relay request signature invalid", rpcServerError},
	CodeRelayForbidden:       {"RelayForbidden", "this node does not relay for the sending node", rpcServerError},
	CodeNotPayer:             {"NotPayer", "receipts are readable by their payer only", rpcServerError},
	CodeUnknownInstallation:  {"UnknownInstallation", "no such push installation", rpcInvalidParams},
	CodeUnknownWakeToken:     {"UnknownWakeToken", "unknown or revoked wakeup token", rpcInvalidParams},
	CodeUnknownRelayApp:      {"UnknownRelayApp", "no credential for this app on the last hop", rpcServerError},
	CodeStaleVersion:         {"StaleVersion", "registration version is not newer than the stored one", rpcInvalidParams},
	CodeDeadDeviceToken:      {"DeadDeviceToken", "device token is unregistered", rpcServerError},
	CodeWakeBodyTooLarge:     {"WakeBodyTooLarge", "wake request body too large", rpcInvalidRequest},
	CodeTooManyInstallations: {"TooManyInstallations", "too many push installations for this key", rpcServerError},
	CodeTooManyWakeTokens:    {"TooManyWakeTokens", "too many wakeup tokens for this installation", rpcServerError},
	CodePushUnavailable:      {"PushUnavailable", "push store unavailable", rpcServerError},
	CodeQueueFull:            {"QueueFull", "push queue full", rpcServerError},

	CodePaymentRequired:      {"PaymentRequired", "payment required: sign a voucher for more credit (see pn_credit)", rpcServerError},
	CodeBadVoucher:           {"BadVoucher", "voucher malformed or for another provider or token", rpcInvalidParams},
	CodeUnauthorisedSigner:   {"UnauthorisedSigner", "voucher not signed by the payer or a signer it authorised", rpcServerError},
	CodeVoucherNotIncreasing: {"VoucherNotIncreasing", "voucher cumulative is not above the lane's best or collected amount", rpcInvalidParams},
	CodeInsufficientEscrow:   {"InsufficientEscrow", "vouchers would exceed the payer's escrow balance", rpcServerError},
	CodeChainUnavailable:     {"ChainUnavailable", "chain unavailable; retry later", rpcServerError},
}

// JSON-RPC 2.0 error codes.
const (
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcMethodNotFound = -32601
	rpcInvalidParams  = -32602
	rpcInternalError  = -32603
	rpcServerError    = -32000
)

// Error is an error with a client code. Handlers return it (possibly
// wrapped); toWire maps it at one boundary.
type Error struct {
	Code       Code
	Msg        string        // optional detail replacing the default message
	RetryAfter time.Duration // for 429xx codes
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("%d %s", e.Code, e.Msg)
	}
	return fmt.Sprintf("%d %s", e.Code, errorTable[e.Code].Message)
}

// errf returns an *Error with a formatted detail message.
func errf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// errCode returns an *Error with the default message.
func errCode(code Code) *Error { return &Error{Code: code} }

// toWire maps any error to the wire error object. Unknown errors become
// CodeInternal with no internals; known sentinels from wire map to their codes.
func toWire(err error) *wire.Error {
	e, ok := errors.AsType[*Error](err)
	if !ok {
		e = classify(err)
	}
	info, ok := errorTable[e.Code]
	if !ok {
		info = errorTable[CodeInternal]
		e = errCode(CodeInternal)
	}
	msg := info.Message
	if e.Msg != "" {
		msg = e.Msg
	}
	out := &wire.Error{Code: info.RPC, Message: msg, Data: &wire.ErrorData{Code: int(e.Code)}}
	if e.RetryAfter > 0 {
		out.Data.RetryAfter = int((e.RetryAfter + time.Second - 1) / time.Second)
	}
	return out
}

// classify maps sentinel errors of the packages the server uses to codes.
func classify(err error) *Error {
	if e := classifyMarket(err); e != nil {
		return e
	}
	switch {
	case errors.Is(err, wire.ErrParse):
		return errCode(CodeParse)
	case errors.Is(err, wire.ErrInvalidRequest), errors.Is(err, wire.ErrEmptyBatch):
		return errCode(CodeInvalidRequest)
	case errors.Is(err, wire.ErrBatchTooLarge):
		return errCode(CodeBatchTooLarge)
	case errors.Is(err, wire.ErrFrameTooLarge):
		return errCode(CodeFrameTooLarge)
	case errors.Is(err, wire.ErrPayloadTooLarge):
		return errCode(CodePayloadTooLarge)
	case errors.Is(err, wire.ErrTooManyTopics):
		return errCode(CodeTooManyTopics)
	case errors.Is(err, wire.ErrInvalidParams):
		return &Error{Code: CodeInvalidParams, Msg: err.Error()}
	case errors.Is(err, wire.ErrMetaTooLarge), errors.Is(err, wire.ErrBadTopic),
		errors.Is(err, wire.ErrBadTimestamp), errors.Is(err, wire.ErrBadHash):
		return &Error{Code: CodeBadEnvelope, Msg: err.Error()}
	}
	return errCode(CodeInternal)
}
