package mailstore

import (
	"crypto/subtle"
	"encoding/binary"
	"fmt"
)

// Cursor format, shared by every Store implementation (version 1, 49 bytes):
//
//	version      1 byte   cursorVersion
//	fingerprint  8 bytes  first 8 bytes of sha256 over the normalized query (see Plan.computeFingerprint)
//	timestamp    8 bytes  big-endian, of the last envelope of the page
//	hash        32 bytes  of the last envelope of the page
//
// The cursor is not authenticated: it only names a position, which any client could ask for by changing
// the time range. The fingerprint catches cursors reused with a different query (other topics, pubsub
// topic, time range, direction, hashes or hashesOnly), which would otherwise silently skip or repeat results.
const (
	cursorVersion  = 1
	fingerprintLen = 8
	// CursorLen is the length of every cursor this package issues.
	CursorLen = 1 + fingerprintLen + 8 + len(Hash{})
)

// EncodeCursor returns the cursor that resumes the plan's query strictly after pos.
func (p *Plan) EncodeCursor(pos Position) []byte {
	b := make([]byte, CursorLen)
	b[0] = cursorVersion
	copy(b[1:], p.fingerprint[:])
	binary.BigEndian.PutUint64(b[1+fingerprintLen:], uint64(pos.Timestamp))
	copy(b[1+fingerprintLen+8:], pos.Hash[:])
	return b
}

// DecodeCursor parses a cursor issued for the plan's query. It fails with an error wrapping ErrBadCursor
// if the cursor is malformed, has an unknown version, was issued for a different query, or names a
// position outside the query's time range.
func (p *Plan) DecodeCursor(b []byte) (Position, error) {
	if len(b) != CursorLen {
		return Position{}, fmt.Errorf("%w: length %d, want %d", ErrBadCursor, len(b), CursorLen)
	}
	if b[0] != cursorVersion {
		return Position{}, fmt.Errorf("%w: unknown version %d", ErrBadCursor, b[0])
	}
	if subtle.ConstantTimeCompare(b[1:1+fingerprintLen], p.fingerprint[:]) != 1 {
		return Position{}, fmt.Errorf("%w: issued for a different query", ErrBadCursor)
	}
	var pos Position
	ts := binary.BigEndian.Uint64(b[1+fingerprintLen:])
	if ts > 1<<63-1 {
		return Position{}, fmt.Errorf("%w: negative timestamp", ErrBadCursor)
	}
	pos.Timestamp = int64(ts)
	if pos.Timestamp < p.Start || pos.Timestamp >= p.End {
		return Position{}, fmt.Errorf("%w: position outside the query's time range", ErrBadCursor)
	}
	copy(pos.Hash[:], b[1+fingerprintLen+8:])
	return pos, nil
}
