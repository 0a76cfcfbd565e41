package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The fast paths below decode and encode the frames of the hot path
// (pn_publish in, its ack and pn_subscription out) without reflection. They
// accept only the plain form of a value: strings without escapes, integers
// without fraction or exponent, each field at most once. Anything else, and
// anything invalid, goes to encoding/json, so the result and every error
// message stay exactly those of encoding/json (FuzzFastPaths checks that
// both paths agree).

// maxFastDepth bounds the nesting the fast scanner follows; deeper values go
// to encoding/json, which has its own limit.
const maxFastDepth = 64

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString scans the string starting at b[i] == '"'. It returns the index
// after the closing quote, whether the string holds escapes, and whether it
// holds bytes outside ASCII.
func scanString(b []byte, i int) (end int, escaped, nonASCII, ok bool) {
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, escaped, nonASCII, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, false, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, false, false, false
					}
				}
				i += 6
			default:
				return 0, false, false, false
			}
		case c < 0x20:
			return 0, false, false, false
		default:
			if c >= utf8.RuneSelf {
				nonASCII = true
			}
			i++
		}
	}
	return 0, false, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber scans a JSON number starting at b[i].
func scanNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return 0, false
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return 0, false
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	return i, true
}

// scanValue scans one JSON value starting at b[i] (no leading space) and
// returns the index after it. ok is false for invalid JSON and for values
// nested deeper than maxFastDepth.
func scanValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '{', '[':
		if depth >= maxFastDepth {
			return 0, false
		}
		open, close := b[i], byte('}')
		if open == '[' {
			close = ']'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == close {
			return i + 1, true
		}
		for {
			var ok bool
			if open == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				if i, _, _, ok = scanString(b, i); !ok {
					return 0, false
				}
				i = skipSpace(b, i)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipSpace(b, i+1)
			}
			if i, ok = scanValue(b, i, depth+1); !ok {
				return 0, false
			}
			var done bool
			if i, done, ok = nextMember(b, i, close); done || !ok {
				return i, ok
			}
		}
	case '"':
		end, _, _, ok := scanString(b, i)
		return end, ok
	case 't':
		return scanLiteral(b, i, "true")
	case 'f':
		return scanLiteral(b, i, "false")
	case 'n':
		return scanLiteral(b, i, "null")
	default:
		return scanNumber(b, i)
	}
}

// nextMember moves past the separator after a member or element at b[i]:
// to the next one (done false), or past the closing byte (done true).
func nextMember(b []byte, i int, close byte) (next int, done, ok bool) {
	i = skipSpace(b, i)
	switch {
	case i >= len(b):
		return 0, false, false
	case b[i] == ',':
		return skipSpace(b, i+1), false, true
	case b[i] == close:
		return i + 1, true, true
	}
	return 0, false, false
}

func scanLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// objectMember is called for each member of an object by eachMember, with
// the raw key (without quotes; plain form guaranteed) and the raw value.
type objectMember func(key, val []byte) bool

// eachMember walks the object at b[i] == '{' and returns the index after
// it. ok is false when the object is invalid, when a key is not in plain
// form (escapes or non-ASCII), or when fn returns false.
func eachMember(b []byte, i int, fn objectMember) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, escaped, nonASCII, ok := scanString(b, i)
		if !ok || escaped || nonASCII {
			return 0, false
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		start := i
		if i, ok = scanValue(b, i, 1); !ok {
			return 0, false
		}
		if !fn(key, b[start:i]) {
			return 0, false
		}
		var done bool
		if i, done, ok = nextMember(b, i, '}'); done || !ok {
			return i, ok
		}
	}
}

// foldsTo reports whether key matches one of names the way encoding/json
// matches object keys to fields (case-insensitively). Keys reaching it are
// ASCII, so ASCII folding is exact.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

// plainString returns the contents of a JSON string value in plain form:
// no escapes, valid UTF-8 (encoding/json would replace invalid bytes).
func plainString(val []byte) ([]byte, bool) {
	if len(val) < 2 || val[0] != '"' {
		return nil, false
	}
	s := val[1 : len(val)-1]
	if bytes.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return s, utf8.Valid(s)
		}
	}
	return s, true
}

// plainInt parses a JSON number that is a plain integer (no fraction, no
// exponent) within int64.
func plainInt(val []byte) (int64, bool) {
	digits := val
	neg := len(digits) > 0 && digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 { // 19 digits always fit a uint64
		return 0, false
	}
	var n uint64
	for _, c := range digits {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case neg && n <= 1<<63:
		return int64(-n), true
	case !neg && n < 1<<63:
		return int64(n), true
	}
	return 0, false
}

// plainBase64 decodes a JSON string of standard base64, as encoding/json
// decodes a []byte field.
func plainBase64(val []byte) ([]byte, bool) {
	s, ok := plainString(val)
	if !ok {
		return nil, false
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}

// knownMethods lets the fast frame decoder return the method name without
// allocating a string.
var knownMethods = []string{
	MethodPublish, MethodHistory, MethodSubscribe, MethodUnsubscribe, MethodAuth,
	MethodNodeInfo, MethodProviders,
}

func methodString(s []byte) string {
	for _, m := range knownMethods {
		if string(s) == m {
			return m
		}
	}
	return string(s)
}

// decodeRequestFast decodes a single-request frame in plain form. ID and
// Params alias b. ok is false when b is not in plain form or not valid; the
// caller then decodes with encoding/json.
func decodeRequestFast(b []byte) (r Request, ok bool) {
	end, ok := eachMember(b, 0, func(key, val []byte) bool {
		switch string(key) {
		case "jsonrpc":
			s, ok := plainString(val)
			if !ok {
				return false
			}
			if string(s) == Version {
				r.Version = Version
			} else {
				r.Version = string(s)
			}
		case "method":
			s, ok := plainString(val)
			if !ok {
				return false
			}
			r.Method = methodString(s)
		case "id":
			r.ID = json.RawMessage(val)
		case "params":
			r.Params = json.RawMessage(val)
		default:
			return !foldsTo(key, "jsonrpc", "method", "id", "params")
		}
		return true
	})
	if !ok || skipSpace(b, end) != len(b) {
		return Request{}, false
	}
	return r, true
}

// fastDecoder is implemented by param types with a fast decoder. decodeFast
// returns false, leaving the receiver unchanged, for any input it does not
// handle; DecodeParams then uses encoding/json.
type fastDecoder interface {
	decodeFast(b []byte) bool
}

// Envelope field bits for decodeFast's duplicate check.
const (
	envContentTopic = 1 << iota
	envPubsubTopic
	envPayload
	envMeta
	envTimestamp
	envEphemeral
	envHash
)

func (e *Envelope) decodeFast(b []byte) bool {
	out := *e
	var seen uint8
	end, ok := eachMember(b, 0, func(key, val []byte) bool {
		var bit uint8
		var ok bool
		switch string(key) {
		case "contentTopic":
			bit = envContentTopic
			var s []byte
			if s, ok = plainString(val); ok {
				out.ContentTopic = string(s)
			}
		case "pubsubTopic":
			bit = envPubsubTopic
			var s []byte
			if s, ok = plainString(val); ok {
				out.PubsubTopic = string(s)
			}
		case "payload":
			bit = envPayload
			out.Payload, ok = plainBase64(val)
		case "meta":
			bit = envMeta
			out.Meta, ok = plainBase64(val)
		case "timestamp":
			bit = envTimestamp
			out.Timestamp, ok = plainInt(val)
		case "ephemeral":
			bit = envEphemeral
			switch string(val) {
			case "true":
				out.Ephemeral, ok = true, true
			case "false":
				out.Ephemeral, ok = false, true
			}
		case "hash":
			bit = envHash
			var s []byte
			if s, ok = plainString(val); ok {
				h := new(Hash)
				ok = h.UnmarshalText(s) == nil
				out.Hash = h
			}
		default:
			return false
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	if !ok || end != len(b) {
		return false
	}
	*e = out
	return true
}

// decodeParamsFast is DecodeParams for valid arrays: it returns handled ==
// false when params is not a valid JSON array (encoding/json then reports
// the error). Elements whose target has no fast decoder, or which are not
// in plain form, are decoded one by one with encoding/json.
func decodeParamsFast(params []byte, dst []any) (err error, handled bool) {
	i := skipSpace(params, 0)
	if i >= len(params) || params[i] != '[' {
		return nil, false
	}
	// One pass validates the array and finds the elements to decode; only
	// then is any element decoded, so an invalid array is reported as
	// encoding/json would report it.
	var small [4][]byte
	elems := small[:0]
	n := 0
	i = skipSpace(params, i+1)
	if i < len(params) && params[i] == ']' {
		i++
	} else {
		for {
			start := i
			var ok, done bool
			if i, ok = scanValue(params, i, 1); !ok {
				return nil, false
			}
			if n < len(dst) {
				elems = append(elems, params[start:i])
			}
			n++
			if i, done, ok = nextMember(params, i, ']'); !ok {
				return nil, false
			} else if done {
				break
			}
		}
	}
	if skipSpace(params, i) != len(params) {
		return nil, false
	}
	for k, elem := range elems {
		if err := decodeParam(elem, k, dst[k]); err != nil {
			return err, true
		}
	}
	if n > len(dst) {
		return tooManyParams(len(dst), n), true
	}
	return nil, true
}

// decodeParam decodes element n, which is valid JSON, into dst.
func decodeParam(elem []byte, n int, dst any) error {
	if f, ok := dst.(fastDecoder); ok && f.decodeFast(elem) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(elem))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return paramError(n, err)
	}
	return nil
}

// jsonAppender is implemented by result types with a fast encoder that
// produces exactly what encoding/json would.
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// appendString appends s as encoding/json encodes a string (HTML-safe).
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func appendBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

func appendHash(dst []byte, h *Hash) []byte {
	const hexdigits = "0123456789abcdef"
	dst = append(dst, `"0x`...)
	for _, c := range h {
		dst = append(dst, hexdigits[c>>4], hexdigits[c&0xf])
	}
	return append(dst, '"')
}

// JSONSize is an upper bound of the length of AppendJSON's output for
// envelopes whose topics need no escaping (a guess otherwise), for sizing
// buffers.
func (e *Envelope) JSONSize() int {
	return 150 + len(e.ContentTopic) + len(e.PubsubTopic) +
		base64.StdEncoding.EncodedLen(len(e.Payload)) + base64.StdEncoding.EncodedLen(len(e.Meta))
}

// AppendJSON appends the envelope's JSON form, byte for byte what
// encoding/json produces, without reflection.
func (e *Envelope) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"contentTopic":`...)
	dst = appendString(dst, e.ContentTopic)
	if e.PubsubTopic != "" {
		dst = append(dst, `,"pubsubTopic":`...)
		dst = appendString(dst, e.PubsubTopic)
	}
	if len(e.Payload) > 0 {
		dst = append(dst, `,"payload":`...)
		dst = appendBase64(dst, e.Payload)
	}
	if len(e.Meta) > 0 {
		dst = append(dst, `,"meta":`...)
		dst = appendBase64(dst, e.Meta)
	}
	dst = append(dst, `,"timestamp":`...)
	dst = strconv.AppendInt(dst, e.Timestamp, 10)
	if e.Ephemeral {
		dst = append(dst, `,"ephemeral":true`...)
	}
	if e.Hash != nil {
		dst = append(dst, `,"hash":`...)
		dst = appendHash(dst, e.Hash)
	}
	return append(dst, '}')
}

func (r PublishResult) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"hash":`...)
	dst = appendHash(dst, &r.Hash)
	if r.Stored {
		dst = append(dst, `,"stored":true`...)
	} else {
		dst = append(dst, `,"stored":false`...)
	}
	if r.Duplicate {
		dst = append(dst, `,"duplicate":true`...)
	}
	return append(dst, '}')
}
