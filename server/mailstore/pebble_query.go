package mailstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// ctxCheckEvery is how many keys a scan reads between checks of its context.
const ctxCheckEvery = 256

// Query returns one page of envelopes; see Store.Query. Errors wrap ErrBadQuery, ErrTooManyTopics,
// ErrBadCursor or ErrClosed, or the context's error.
func (s *PebbleStore) Query(ctx context.Context, q Query) (Page, error) {
	p, err := NewPlan(q)
	if err != nil {
		return Page{}, err
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return Page{}, ErrClosed
	}
	if p.Empty() {
		return Page{}, nil
	}
	if len(p.Hashes) > 0 {
		return s.lookup(ctx, &p)
	}
	return s.scan(ctx, &p)
}

// topicStream walks one content topic's data keys within one bucket at a time.
type topicStream struct {
	topic     string
	it        *pebble.Iterator
	prefixLen int
	valid     bool
	pos       Position
}

// scan answers a topic query. It visits the live buckets overlapping the time range in scan order; in
// each it positions one iterator per topic on that topic's key range (bounded by the time range and the
// cursor), then merges the topics by (timestamp, hash) until the page has Limit+1 envelopes.
func (s *PebbleStore) scan(ctx context.Context, p *Plan) (Page, error) {
	lo, hi := p.Start, p.End-1
	if p.After != nil {
		if p.Forward {
			lo = p.After.Timestamp
		} else {
			hi = p.After.Timestamp
		}
	}
	buckets := s.liveBuckets(s.lay.bucketOf(lo), s.lay.bucketOf(hi))
	if len(buckets) == 0 {
		return Page{}, nil
	}
	if !p.Forward {
		slices.Reverse(buckets)
	}

	streams := make([]topicStream, len(p.Topics))
	defer func() {
		for i := range streams {
			if streams[i].it != nil {
				streams[i].it.Close()
			}
		}
	}()
	for i, t := range p.Topics {
		it, err := s.db.NewIter(&pebble.IterOptions{KeyTypes: pebble.IterKeyTypePointsOnly})
		if err != nil {
			return Page{}, fmt.Errorf("mailstore: query: %w", err)
		}
		streams[i] = topicStream{topic: t, it: it, prefixLen: 1 + bucketLen + 1 + len(t)}
	}

	out := make([]Envelope, 0, min(p.Limit+1, 128))
	var lower, upper []byte
	var lastPubsub string
	steps := 0
	for _, b := range buckets {
		for i := range streams {
			st := &streams[i]
			lower = appendDataPrefix(lower[:0], b, st.topic)
			upper = append(upper[:0], lower...)
			lower = binary.BigEndian.AppendUint64(lower, uint64(p.Start))
			upper = binary.BigEndian.AppendUint64(upper, uint64(p.End))
			if p.After != nil {
				// The cursor position is exclusive. Within later buckets (forward) or earlier ones
				// (backward) this bound lies outside the bucket's keys and changes nothing.
				if p.Forward {
					lower = appendCursorKey(lower[:st.prefixLen], p.After)
					lower = append(lower, 0) // immediate successor of the cursor's key
				} else {
					upper = appendCursorKey(upper[:st.prefixLen], p.After)
				}
			}
			st.it.SetBounds(lower, upper)
			if p.Forward {
				st.valid = st.it.First()
			} else {
				st.valid = st.it.Last()
			}
			if err := st.load(); err != nil {
				return Page{}, err
			}
		}
		for len(out) <= p.Limit {
			best := -1
			for i := range streams {
				if streams[i].valid && (best < 0 || p.Before(streams[i].pos, streams[best].pos)) {
					best = i
				}
			}
			if best < 0 {
				break // bucket exhausted
			}
			st := &streams[best]
			env, ok, err := st.envelope(p, &lastPubsub)
			if err != nil {
				return Page{}, err
			}
			if ok {
				out = append(out, env)
			}
			if p.Forward {
				st.valid = st.it.Next()
			} else {
				st.valid = st.it.Prev()
			}
			if err := st.load(); err != nil {
				return Page{}, err
			}
			if steps++; steps%ctxCheckEvery == 0 {
				if err := ctx.Err(); err != nil {
					return Page{}, fmt.Errorf("mailstore: query: %w", err)
				}
			}
		}
		if len(out) > p.Limit {
			break
		}
	}
	return p.Paginate(out), nil
}

func appendCursorKey(dst []byte, pos *Position) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(pos.Timestamp))
	return append(dst, pos.Hash[:]...)
}

// load parses the iterator's current key into st.pos, or surfaces the iterator's error once exhausted.
func (st *topicStream) load() error {
	if !st.valid {
		if err := st.it.Error(); err != nil {
			return fmt.Errorf("mailstore: query: %w", err)
		}
		return nil
	}
	pos, err := parseDataSuffix(st.it.Key(), st.prefixLen)
	if err != nil {
		return err
	}
	st.pos = pos
	return nil
}

// envelope builds the current envelope, copying out of pebble's buffers. ok is false when the
// envelope fails the pubsub filter. lastPubsub interns the pubsub topic across a page.
func (st *topicStream) envelope(p *Plan, lastPubsub *string) (env Envelope, ok bool, err error) {
	v, err := st.it.ValueAndErr()
	if err != nil {
		return Envelope{}, false, fmt.Errorf("mailstore: query: %w", err)
	}
	pubsub, meta, payload, err := splitDataValue(v)
	if err != nil {
		return Envelope{}, false, err
	}
	if p.PubsubTopic != "" && string(pubsub) != p.PubsubTopic {
		return Envelope{}, false, nil
	}
	env = Envelope{Hash: st.pos.Hash, Timestamp: st.pos.Timestamp, ContentTopic: st.topic}
	env.PubsubTopic = intern(lastPubsub, pubsub)
	if !p.HashesOnly {
		env.Meta, env.Payload = copyBodies(meta, payload)
	}
	return env, true, nil
}

// copyBodies copies meta and payload into one allocation; empty ones become nil.
func copyBodies(meta, payload []byte) (m, pl []byte) {
	if len(meta)+len(payload) == 0 {
		return nil, nil
	}
	buf := make([]byte, len(meta)+len(payload))
	copy(buf, meta)
	copy(buf[len(meta):], payload)
	if len(meta) > 0 {
		m = buf[:len(meta):len(meta)]
	}
	if len(payload) > 0 {
		pl = buf[len(meta):]
	}
	return m, pl
}

func intern(last *string, b []byte) string {
	if string(b) != *last {
		*last = string(b)
	}
	return *last
}

// lookup answers a hash query. Each hash is probed in the hash index, newest index bucket first, over the
// index buckets that overlap both the live buckets and the query's time range. An entry whose bucket is
// below the horizon was pruned and is ignored; otherwise the envelope is read from its data key (whose
// absence also means it is gone). Results are sorted into scan order and paginated like a scan.
func (s *PebbleStore) lookup(ctx context.Context, p *Plan) (Page, error) {
	s.stateMu.RLock()
	horizon := s.horizon
	var ibuckets []uint64
	per := s.lay.bucketsPerIndex()
	lo, hi := s.lay.bucketOf(p.Start), s.lay.bucketOf(p.End-1)
	for _, b := range s.buckets {
		if b < lo || b > hi {
			continue
		}
		if ib := b / per; len(ibuckets) == 0 || ibuckets[len(ibuckets)-1] != ib {
			ibuckets = append(ibuckets, ib)
		}
	}
	s.stateMu.RUnlock()
	slices.Reverse(ibuckets)

	var out []Envelope
	var key []byte
	var lastPubsub string
	for i := range p.Hashes {
		if err := ctx.Err(); err != nil {
			return Page{}, fmt.Errorf("mailstore: query: %w", err)
		}
		h := &p.Hashes[i]
		for _, ib := range ibuckets {
			key = appendIndexKey(key[:0], ib, h)
			env, found, err := s.lookupOne(p, key, h, horizon, &lastPubsub)
			if err != nil {
				return Page{}, err
			}
			if found {
				if env != nil {
					out = append(out, *env)
				}
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b Envelope) int {
		if p.Forward {
			return a.Position().Compare(b.Position())
		}
		return b.Position().Compare(a.Position())
	})
	return p.Paginate(out[:min(len(out), p.Limit+1)]), nil
}

// lookupOne reads one hash-index key. found reports whether the index holds it; env is nil when the
// envelope is filtered out or pruned.
func (s *PebbleStore) lookupOne(p *Plan, ikey []byte, h *Hash, horizon uint64, lastPubsub *string) (env *Envelope, found bool, err error) {
	v, closer, err := s.db.Get(ikey)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("mailstore: query: %w", err)
	}
	defer closer.Close()
	ts, topic, pubsub, err := splitIndexValue(v)
	if err != nil {
		return nil, false, err
	}
	pos := Position{Timestamp: ts, Hash: *h}
	bucket := s.lay.bucketOf(ts)
	if bucket < horizon || !p.Matches(pos, string(topic), string(pubsub)) {
		return nil, true, nil
	}
	e := &Envelope{Hash: *h, Timestamp: ts, ContentTopic: string(topic), PubsubTopic: intern(lastPubsub, pubsub)}
	if p.HashesOnly {
		// The index entry and the data key are written in one batch and the horizon covers every
		// pruned bucket, so the index alone is authoritative here.
		return e, true, nil
	}
	dv, dcloser, err := s.db.Get(appendDataKey(nil, bucket, e.ContentTopic, ts, h))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("mailstore: query: %w", err)
	}
	defer dcloser.Close()
	_, meta, payload, err := splitDataValue(dv)
	if err != nil {
		return nil, false, err
	}
	e.Meta, e.Payload = copyBodies(meta, payload)
	return e, true, nil
}
