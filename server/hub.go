package server

import (
	"sync"

	"github.com/pnmarket/pnmarket/server/wire"
)

// subscription is one pn_subscribe of one session. Static after construction.
type subscription struct {
	id     string
	sess   *session
	topics []string
	pubsub string // "" matches every pubsub topic
}

// hub routes published envelopes to live subscriptions by content topic.
// Publishing never blocks: each session's send is a non-blocking enqueue,
// and a session that cannot keep up is closed, not waited for.
type hub struct {
	mu     sync.RWMutex
	topics map[string]map[*subscription]struct{} // guarded by mu
}

func newHub() *hub { return &hub{topics: make(map[string]map[*subscription]struct{})} }

func (h *hub) add(sub *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range sub.topics {
		set := h.topics[t]
		if set == nil {
			set = make(map[*subscription]struct{})
			h.topics[t] = set
		}
		set[sub] = struct{}{}
	}
}

func (h *hub) remove(sub *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(sub)
}

func (h *hub) removeLocked(sub *subscription) {
	for _, t := range sub.topics {
		if set := h.topics[t]; set != nil {
			delete(set, sub)
			if len(set) == 0 {
				delete(h.topics, t)
			}
		}
	}
}

// removeSession drops every subscription of a closing session.
func (h *hub) removeSession(c *session) {
	c.subMu.Lock()
	subs := c.subs
	c.subs = nil
	c.subMu.Unlock()
	if len(subs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, sub := range subs {
		h.removeLocked(sub)
	}
}

// publish delivers e (with its Hash set) to every matching subscription. The
// envelope is encoded once; each frame differs only in the subscription id.
// It returns the number of frames queued.
func (h *hub) publish(e *wire.Envelope) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	set := h.topics[e.ContentTopic]
	if len(set) == 0 {
		return 0
	}
	// The first frame is built around the envelope's encoding; the others
	// copy it from there (frames are never modified once queued).
	var ej []byte
	n := 0
	for sub := range set {
		if sub.pubsub != "" && sub.pubsub != e.PubsubTopic {
			continue
		}
		var frame []byte
		if ej == nil {
			frame = make([]byte, 0, wire.SubscriptionEventOverhead+len(sub.id)+e.JSONSize())
			frame = wire.AppendSubscriptionPrefix(frame, sub.id)
			start := len(frame)
			frame = e.AppendJSON(frame)
			ej = frame[start:len(frame):len(frame)]
			frame = wire.AppendSubscriptionSuffix(frame)
		} else {
			frame = wire.AppendSubscriptionEvent(make([]byte, 0, wire.SubscriptionEventOverhead+len(sub.id)+len(ej)), sub.id, ej)
		}
		if sub.sess.send(frame) {
			n++
		}
	}
	return n
}
