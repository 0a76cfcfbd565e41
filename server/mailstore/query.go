package mailstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// Plan is a validated, normalized Query. Every Store implementation executes a Plan, so validation,
// limits and cursors behave the same on all of them.
type Plan struct {
	Topics      []string  // sorted, unique; empty only for hash lookups without a topic filter
	PubsubTopic string    // "" = any
	Start       int64     // inclusive, >= 0
	End         int64     // exclusive; math.MaxInt64 when the query had no upper bound
	Hashes      []Hash    // sorted, unique; non-empty for hash lookups
	Forward     bool      // oldest first
	HashesOnly  bool      // omit Payload and Meta
	Limit       int       // 1..MaxLimit
	After       *Position // resume strictly after this position (in the scan direction); nil on the first page

	fingerprint [fingerprintLen]byte
}

// NewPlan validates and normalizes q, and decodes its cursor. Errors wrap ErrBadQuery, ErrTooManyTopics
// or ErrBadCursor.
func NewPlan(q Query) (Plan, error) {
	p := Plan{
		PubsubTopic: q.PubsubTopic,
		Start:       q.Start,
		End:         q.End,
		Forward:     q.Forward,
		HashesOnly:  q.HashesOnly,
		Limit:       q.Limit,
	}
	switch {
	case p.Limit < 0:
		return Plan{}, fmt.Errorf("%w: negative limit %d", ErrBadQuery, q.Limit)
	case p.Limit == 0:
		p.Limit = DefaultLimit
	case p.Limit > MaxLimit:
		p.Limit = MaxLimit
	}
	if q.Start < 0 || q.End < 0 {
		return Plan{}, fmt.Errorf("%w: negative time bound", ErrBadQuery)
	}
	if q.End == 0 {
		p.End = math.MaxInt64
	}
	if p.Start > p.End {
		return Plan{}, fmt.Errorf("%w: start %d after end %d", ErrBadQuery, q.Start, q.End)
	}
	if len(q.PubsubTopic) > MaxTopicLen {
		return Plan{}, fmt.Errorf("%w: pubsub topic longer than %d bytes", ErrBadQuery, MaxTopicLen)
	}
	if len(q.Hashes) > MaxHashes {
		return Plan{}, fmt.Errorf("%w: %d hashes, at most %d", ErrBadQuery, len(q.Hashes), MaxHashes)
	}
	if len(q.Hashes) > 0 {
		p.Hashes = slices.Clone(q.Hashes)
		slices.SortFunc(p.Hashes, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
		p.Hashes = slices.Compact(p.Hashes)
	}
	for _, t := range q.ContentTopics {
		if t == "" || len(t) > MaxTopicLen {
			return Plan{}, fmt.Errorf("%w: content topic must be 1..%d bytes", ErrBadQuery, MaxTopicLen)
		}
	}
	if len(q.ContentTopics) > 0 {
		p.Topics = slices.Clone(q.ContentTopics)
		slices.Sort(p.Topics)
		p.Topics = slices.Compact(p.Topics)
	}
	if len(p.Topics) > MaxTopics {
		return Plan{}, fmt.Errorf("%w: %d topics, at most %d", ErrTooManyTopics, len(p.Topics), MaxTopics)
	}
	if len(p.Topics) == 0 && len(p.Hashes) == 0 {
		return Plan{}, fmt.Errorf("%w: no content topics and no hashes", ErrBadQuery)
	}
	p.fingerprint = p.computeFingerprint()
	if len(q.Cursor) > 0 {
		pos, err := p.DecodeCursor(q.Cursor)
		if err != nil {
			return Plan{}, err
		}
		p.After = &pos
	}
	return p, nil
}

// Empty reports whether the plan's time range selects nothing.
func (p *Plan) Empty() bool { return p.Start >= p.End }

// Matches reports whether an envelope with these attributes passes the plan's filters (time range,
// pubsub topic, content topics, and the cursor). It does not check Hashes.
func (p *Plan) Matches(pos Position, contentTopic, pubsubTopic string) bool {
	if pos.Timestamp < p.Start || pos.Timestamp >= p.End {
		return false
	}
	if p.PubsubTopic != "" && pubsubTopic != p.PubsubTopic {
		return false
	}
	if len(p.Topics) > 0 {
		if _, ok := slices.BinarySearch(p.Topics, contentTopic); !ok {
			return false
		}
	}
	return p.Beyond(pos)
}

// Beyond reports whether pos lies strictly after the cursor in the scan direction
// (always true on the first page).
func (p *Plan) Beyond(pos Position) bool {
	if p.After == nil {
		return true
	}
	c := pos.Compare(*p.After)
	if p.Forward {
		return c > 0
	}
	return c < 0
}

// Before reports whether a comes before b in the plan's scan direction.
func (p *Plan) Before(a, b Position) bool {
	if p.Forward {
		return a.Compare(b) < 0
	}
	return a.Compare(b) > 0
}

// Paginate turns up to Limit+1 envelopes, already in scan order, into a page: the first Limit of them,
// and a cursor at the last of those if there were more.
func (p *Plan) Paginate(envs []Envelope) Page {
	if len(envs) <= p.Limit {
		if len(envs) == 0 {
			envs = nil
		}
		return Page{Envelopes: envs}
	}
	envs = envs[:p.Limit]
	return Page{Envelopes: envs, Cursor: p.EncodeCursor(envs[len(envs)-1].Position())}
}

// computeFingerprint hashes everything that defines the result set and its order, but not the limit
// (a client may change its page size between pages) nor the cursor itself.
func (p *Plan) computeFingerprint() [fingerprintLen]byte {
	h := sha256.New()
	var b [8]byte
	writeStr := func(s string) {
		binary.BigEndian.PutUint16(b[:2], uint16(len(s)))
		h.Write(b[:2])
		h.Write([]byte(s))
	}
	h.Write([]byte{cursorVersion, boolByte(p.Forward), boolByte(p.HashesOnly)})
	binary.BigEndian.PutUint64(b[:], uint64(p.Start))
	h.Write(b[:])
	binary.BigEndian.PutUint64(b[:], uint64(p.End))
	h.Write(b[:])
	writeStr(p.PubsubTopic)
	binary.BigEndian.PutUint16(b[:2], uint16(len(p.Topics)))
	h.Write(b[:2])
	for _, t := range p.Topics {
		writeStr(t)
	}
	binary.BigEndian.PutUint16(b[:2], uint16(len(p.Hashes)))
	h.Write(b[:2])
	for _, x := range p.Hashes {
		h.Write(x[:])
	}
	var fp [fingerprintLen]byte
	copy(fp[:], h.Sum(nil))
	return fp
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
