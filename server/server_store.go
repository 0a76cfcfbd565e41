package server

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/wire"
)

// handlePublish serves pn_publish without metering.
func (c *session) handlePublish(params json.RawMessage) (any, error) {
	res, _, err := c.publish(params)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// publish validates an envelope, stores it durably (unless ephemeral), fans
// it out to live subscribers once it is visible to history, and acknowledges
// it once it is durable. size is the envelope's payload and meta bytes.
func (c *session) publish(params json.RawMessage) (res wire.PublishResult, size int64, err error) {
	s := c.srv
	var e wire.Envelope
	if err := wire.DecodeParams(params, &e); err != nil {
		return res, 0, err
	}
	size = int64(len(e.Payload) + len(e.Meta))
	if err := e.Validate(s.cfg.MaxPayload); err != nil {
		return res, 0, err
	}
	if err := s.checkSkew(e.Timestamp); err != nil {
		return res, 0, err
	}
	if err := s.limits.allow(limitPublish, c.addrKey, c.ip); err != nil {
		return res, 0, err
	}
	h := e.ComputeHash()
	e.Hash = &h
	if e.Ephemeral {
		s.metrics.published.WithLabelValues(publishEphemeral).Inc()
		s.hub.publish(&e)
		return wire.PublishResult{Hash: h}, size, nil
	}
	// Live subscribers get the envelope as soon as history can return it (the store's batch is
	// applied), not after the fsync the acknowledgement waits for: see docs/decisions.md.
	start := time.Now()
	n, err := mailstore.PutNotify(c.ctx, s.store, func(stored int) {
		if stored > 0 {
			s.hub.publish(&e)
		}
	}, toStore(&e))
	s.metrics.publishSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		if errors.Is(err, mailstore.ErrBadEnvelope) {
			return res, 0, errf(CodeBadEnvelope, "%v", err)
		}
		c.log.Warn("store put failed", "err", err)
		return res, 0, errCode(CodeStoreUnavailable)
	}
	if n == 0 {
		s.metrics.published.WithLabelValues(publishDuplicate).Inc()
		return wire.PublishResult{Hash: h, Stored: true, Duplicate: true}, size, nil
	}
	s.metrics.published.WithLabelValues(publishStored).Inc()
	c.envelopeStored(e.ContentTopic)
	return wire.PublishResult{Hash: h, Stored: true}, size, nil
}

// handleHistory serves one page of a history query.
func (c *session) handleHistory(params json.RawMessage) (any, error) {
	s := c.srv
	var p wire.HistoryParams
	if err := wire.DecodeParams(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.limits.allow(limitHistory, c.addrKey, c.ip); err != nil {
		return nil, err
	}
	limit := p.Limit
	if limit == 0 {
		limit = s.cfg.HistoryLimit
	}
	limit = min(limit, s.cfg.HistoryMaxLimit)
	q := mailstore.Query{
		ContentTopics: p.ContentTopics,
		PubsubTopic:   p.PubsubTopic,
		Start:         p.StartTime,
		End:           p.EndTime,
		Cursor:        p.Cursor,
		Forward:       p.Forward,
		Limit:         limit,
		HashesOnly:    p.HashesOnly,
	}
	for _, h := range p.Hashes {
		q.Hashes = append(q.Hashes, mailstore.Hash(h))
	}
	start := time.Now()
	page, err := s.store.Query(c.ctx, q)
	s.metrics.historySeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		return nil, storeError(err)
	}
	out := wire.HistoryResult{Envelopes: make([]wire.Envelope, len(page.Envelopes)), Cursor: page.Cursor}
	for i := range page.Envelopes {
		out.Envelopes[i] = fromStore(&page.Envelopes[i], p.HashesOnly)
	}
	return out, nil
}

// storeError maps store errors to client codes.
func storeError(err error) error {
	switch {
	case errors.Is(err, mailstore.ErrBadCursor):
		return errCode(CodeBadCursor)
	case errors.Is(err, mailstore.ErrTooManyTopics):
		return errCode(CodeTooManyTopics)
	case errors.Is(err, mailstore.ErrBadQuery):
		return errf(CodeInvalidParams, "%v", err)
	case errors.Is(err, mailstore.ErrClosed):
		return errCode(CodeShuttingDown)
	}
	return &Error{Code: CodeStoreUnavailable}
}

func toStore(e *wire.Envelope) mailstore.Envelope {
	return mailstore.Envelope{
		Hash:         mailstore.Hash(*e.Hash),
		PubsubTopic:  e.PubsubTopic,
		ContentTopic: e.ContentTopic,
		Payload:      e.Payload,
		Meta:         e.Meta,
		Timestamp:    e.Timestamp,
	}
}

func fromStore(e *mailstore.Envelope, hashesOnly bool) wire.Envelope {
	h := wire.Hash(e.Hash)
	out := wire.Envelope{
		ContentTopic: e.ContentTopic,
		PubsubTopic:  e.PubsubTopic,
		Timestamp:    e.Timestamp,
		Hash:         &h,
	}
	if !hashesOnly {
		out.Payload, out.Meta = e.Payload, e.Meta
	}
	return out
}
