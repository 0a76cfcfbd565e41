package client

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/pnmarket/pnmarket/server/wire"
)

// Subscription limits.
const (
	subBuffer   = 4096 // envelopes buffered for a slow reader of C
	seenHashes  = 8192 // recent hashes remembered for deduplication
	catchupPage = 500
)

// Subscription delivers live envelopes for a filter, in arrival order,
// without gaps across reconnects and without duplicates among the recent
// envelopes it remembers.
type Subscription struct {
	c      *Client
	filter wire.SubscribeParams
	ch     chan wire.Envelope
	done   chan struct{}

	conn *conn // connection the node-side subscription lives on; guarded by c.mu

	mu         sync.Mutex
	seen       map[wire.Hash]struct{} // guarded by mu
	order      []wire.Hash            // ring of seen hashes, oldest first; guarded by mu
	lastTs     int64                  // newest timestamp delivered; guarded by mu
	catchingUp bool                   // live events are buffered; guarded by mu
	buffered   []wire.Envelope        // guarded by mu
	err        error                  // guarded by mu
	ended      bool                   // guarded by mu
}

// Subscribe starts a live subscription.
func (c *Client) Subscribe(ctx context.Context, filter wire.SubscribeParams) (*Subscription, error) {
	if err := filter.Validate(); err != nil {
		return nil, err
	}
	s := &Subscription{
		c:      c,
		filter: filter,
		ch:     make(chan wire.Envelope, subBuffer),
		done:   make(chan struct{}),
		seen:   make(map[wire.Hash]struct{}),
		lastTs: time.Now().UnixNano(),
	}
	for {
		cn, err := c.current(ctx)
		if err != nil {
			return nil, err
		}
		// Register before subscribing so no event on this conn is missed.
		c.mu.Lock()
		s.conn = cn
		c.subs[s] = ""
		c.mu.Unlock()
		id, err := s.subscribeOn(ctx, cn)
		if errors.Is(err, errDisconnected) {
			// Registered: the reconnect restores it with a catch-up.
			return s, nil
		}
		if err != nil {
			c.mu.Lock()
			delete(c.subs, s)
			c.mu.Unlock()
			return nil, err
		}
		c.mu.Lock()
		if s.conn == cn {
			c.subs[s] = id
		}
		c.mu.Unlock()
		return s, nil
	}
}

func (s *Subscription) subscribeOn(ctx context.Context, cn *conn) (string, error) {
	raw, _ := json.Marshal([]any{s.filter})
	res, err := cn.call(ctx, wire.MethodSubscribe, raw)
	if err != nil {
		return "", err
	}
	var id string
	err = json.Unmarshal(res, &id)
	return id, err
}

// C delivers envelopes. It is closed when the subscription ends.
func (s *Subscription) C() <-chan wire.Envelope { return s.ch }

// Done is closed when the subscription ends; Err then says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err returns why the subscription ended, or nil while it runs.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription.
func (s *Subscription) Close() error {
	c := s.c
	c.mu.Lock()
	id, ok := c.subs[s]
	cn := s.conn
	delete(c.subs, s)
	c.mu.Unlock()
	if ok && id != "" && cn != nil && !cn.isDead() {
		raw, _ := json.Marshal([]any{id})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = cn.call(ctx, wire.MethodUnsubscribe, raw)
		cancel()
	}
	s.end(ErrClosed)
	return nil
}

func (s *Subscription) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended, s.err = true, err
	close(s.done)
	close(s.ch)
}

// live handles an event from the node.
func (s *Subscription) live(e wire.Envelope) {
	s.mu.Lock()
	if s.catchingUp {
		s.buffered = append(s.buffered, e)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.deliver(e)
}

// deliver hands e to the reader unless it was seen recently. It blocks
// while the buffer is full: the node then closes the connection as a slow
// consumer, and the catch-up after the reconnect fills the gap.
func (s *Subscription) deliver(e wire.Envelope) {
	h := e.ComputeHash()
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	if _, dup := s.seen[h]; dup {
		s.mu.Unlock()
		return
	}
	s.seen[h] = struct{}{}
	s.order = append(s.order, h)
	if len(s.order) > seenHashes {
		delete(s.seen, s.order[0])
		s.order = s.order[1:]
	}
	s.lastTs = max(s.lastTs, e.Timestamp)
	s.mu.Unlock()
	select {
	case s.ch <- e:
	case <-s.done:
	}
}

// resubscribe restores every subscription on the new connection and fills
// the gap since the drop from history.
func (c *Client) resubscribe(droppedAt time.Time) {
	c.mu.Lock()
	cn := c.conn
	subs := make([]*Subscription, 0, len(c.subs))
	for s := range c.subs {
		subs = append(subs, s)
	}
	c.mu.Unlock()
	if cn == nil {
		return
	}
	for _, s := range subs {
		if err := s.resume(c.ctx, cn, droppedAt); err != nil {
			c.log.Debug("resubscribe failed; will retry on the next connection", "err", err)
			return
		}
	}
}

func (s *Subscription) resume(ctx context.Context, cn *conn, droppedAt time.Time) error {
	c := s.c
	s.mu.Lock()
	s.catchingUp = true
	since := min(s.lastTs, droppedAt.UnixNano()) - int64(c.opts.ResumeOverlap)
	s.mu.Unlock()
	defer s.flushCatchup()

	c.mu.Lock()
	if _, ok := c.subs[s]; !ok {
		c.mu.Unlock()
		return nil // closed meanwhile
	}
	s.conn = cn
	c.mu.Unlock()
	id, err := s.subscribeOn(ctx, cn)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if _, ok := c.subs[s]; ok {
		c.subs[s] = id
	}
	c.mu.Unlock()

	q := wire.HistoryParams{
		ContentTopics: s.filter.ContentTopics,
		PubsubTopic:   s.filter.PubsubTopic,
		StartTime:     max(since, 1),
		Forward:       true,
		Limit:         catchupPage,
	}
	for {
		raw, _ := json.Marshal([]any{q})
		res, err := cn.call(ctx, wire.MethodHistory, raw)
		if err != nil {
			return err
		}
		var page wire.HistoryResult
		if err := json.Unmarshal(res, &page); err != nil {
			return err
		}
		for _, e := range page.Envelopes {
			e.Hash = nil
			s.deliver(e)
		}
		if len(page.Cursor) == 0 {
			return nil
		}
		q.Cursor = page.Cursor
	}
}

// flushCatchup delivers the live events buffered during catch-up.
func (s *Subscription) flushCatchup() {
	for {
		s.mu.Lock()
		buf := s.buffered
		s.buffered = nil
		if len(buf) == 0 {
			s.catchingUp = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		for _, e := range buf {
			s.deliver(e)
		}
	}
}
