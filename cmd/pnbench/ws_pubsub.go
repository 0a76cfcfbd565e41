package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/wire"
)

// subReadBuf is a subscriber's read buffer: one delivery frame fits.
const subReadBuf = 2048

// pubsubOptions shape phase B.
type pubsubOptions struct {
	subscribers int
	publishers  int
	topics      int
	rate        int
	duration    time.Duration
	payload     int
	inflight    int
	drain       time.Duration
}

// pubsubRun is the raw outcome of phase B.
type pubsubRun struct {
	scheduled  int64
	published  int64
	acked      int64
	pubErrors  int64
	firstErr   string
	expected   int64
	received   int64
	disconnect int64
	late       int64 // sends that waited for a free in-flight slot
	window     time.Duration
	deliveries []time.Duration
	acks       []time.Duration
}

// subscriber is one subscribed connection and its reader's tallies.
type subscriber struct {
	ws       *websocket.Conn
	received atomic.Int64
	lat      []time.Duration // owned by the reader until it returns
	done     chan struct{}
	early    atomic.Bool // the connection ended before the run did
}

// payloadHeader is the prefix every published payload carries: send time
// (unix ns) and a sequence number that makes every envelope unique.
const payloadHeader = 16

// subscriptionPrefix starts every pn_subscription frame the node sends.
var (
	subscriptionPrefix = []byte(`{"jsonrpc":"2.0","method":"pn_subscription"`)
	payloadKey         = []byte(`"payload":"`)
)

// sendTime extracts the send time from a pn_subscription frame without a
// full JSON decode: the payload's first 24 base64 characters hold its
// first 18 bytes.
func sendTime(frame []byte) (int64, bool) {
	if !bytes.HasPrefix(frame, subscriptionPrefix) {
		return 0, false
	}
	i := bytes.Index(frame, payloadKey)
	if i < 0 || len(frame) < i+len(payloadKey)+24 {
		return 0, false
	}
	var hdr [18]byte
	if _, err := base64.StdEncoding.Decode(hdr[:], frame[i+len(payloadKey):i+len(payloadKey)+24]); err != nil {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(hdr[:8])), true
}

// read records the latency of every pn_subscription frame. It reads each
// frame into one reused buffer (ReadMessage allocates one per frame): the
// load generator shares the cores with the node it measures.
func (s *subscriber) read() {
	defer close(s.done)
	var buf bytes.Buffer
	buf.Grow(2048)
	for {
		_, r, err := s.ws.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		b := buf.Bytes()
		now := time.Now().UnixNano()
		if ts, ok := sendTime(b); ok {
			s.lat = append(s.lat, time.Duration(now-ts))
			s.received.Add(1)
		}
	}
}

// runPubsub opens the subscribers (subscriber j on topic j mod topics), then
// the publishers, publishes at o.rate for o.duration, and waits up to
// o.drain for every acknowledged envelope to reach its subscribers.
func runPubsub(ctx context.Context, d *rawDialer, o pubsubOptions, onStart, onEnd func()) (pubsubRun, error) {
	var r pubsubRun
	topics := topicNames("pnbench", o.topics)
	perTopic := make([]int64, o.topics)
	subs := make([]*subscriber, o.subscribers)
	defer func() {
		for _, s := range subs {
			if s != nil {
				s.ws.Close()
				<-s.done
			}
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range min(64, o.subscribers) {
		wg.Go(func() {
			for ctx.Err() == nil {
				j := int(next.Add(1) - 1)
				if j >= o.subscribers {
					return
				}
				ws, err := d.dial(ctx, j, subReadBuf)
				if err == nil {
					_, err = call(ws, 2, wire.MethodSubscribe, wire.SubscribeParams{ContentTopics: []string{topics[j%o.topics]}})
					if err != nil {
						ws.Close()
					}
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("subscriber %d: %w", j, err):
					default:
					}
					return
				}
				s := &subscriber{ws: ws, done: make(chan struct{})}
				subs[j] = s
				go s.read()
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := errors.Join(<-errs, ctx.Err()); err != nil {
		return r, err
	}
	for j := range subs {
		perTopic[j%o.topics]++
	}

	pubs := make([]*publisher, o.publishers)
	defer func() {
		for _, p := range pubs {
			if p != nil {
				p.ws.Close()
				<-p.done
			}
		}
	}()
	for i := range pubs {
		ws, err := d.dial(ctx, o.subscribers+i, subReadBuf)
		if err != nil {
			return r, fmt.Errorf("publisher %d: %w", i, err)
		}
		pubs[i] = &publisher{
			ws: ws, idx: i, n: o.publishers, topics: topics, perTopic: perTopic,
			slots: make(chan struct{}, o.inflight), sent: make(map[uint64]int64), done: make(chan struct{}),
		}
		go pubs[i].read()
	}

	// Publish: each publisher sends its share on a fixed schedule.
	onStart()
	start := time.Now()
	end := start.Add(o.duration)
	interval := time.Duration(float64(time.Second) * float64(o.publishers) / float64(o.rate))
	filler := bytes.Repeat([]byte{0xa5}, max(0, o.payload-payloadHeader))
	for _, p := range pubs {
		wg.Go(func() {
			p.publish(ctx, start.Add(time.Duration(p.idx)*interval/time.Duration(o.publishers)), end, interval, filler)
		})
	}
	wg.Wait()
	r.window = time.Since(start)
	r.scheduled = int64(o.duration.Seconds() * float64(o.rate))
	// Wait for acknowledgements, then for deliveries.
	deadline := time.Now().Add(o.drain)
	for _, p := range pubs {
		for i := 0; i < cap(p.slots) && time.Now().Before(deadline); {
			select {
			case p.slots <- struct{}{}:
				i++
			case <-p.done:
				i = cap(p.slots)
			case <-time.After(time.Until(deadline)):
			}
		}
	}
	for _, p := range pubs {
		r.expected += p.expected.Load()
	}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var got int64
		for _, s := range subs {
			got += s.received.Load()
		}
		if got >= r.expected {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	onEnd()
	for _, p := range pubs {
		p.ws.Close()
		<-p.done
		r.published += p.published
		r.acked += p.acked.Load()
		r.pubErrors += p.errors.Load()
		r.late += p.late
		r.acks = append(r.acks, p.ackLat...)
		if r.firstErr == "" {
			if e, ok := p.firstErr.Load().(string); ok {
				r.firstErr = e
			}
		}
	}
	pubs = nil
	for _, s := range subs {
		select {
		case <-s.done:
			s.early.Store(true)
		default:
		}
		s.ws.Close()
		<-s.done
		r.received += s.received.Load()
		r.deliveries = append(r.deliveries, s.lat...)
		if s.early.Load() {
			r.disconnect++
		}
	}
	subs = nil
	return r, ctx.Err()
}

// publisher is one publishing connection. The publish loop owns writes; the
// reader owns acknowledgements.
type publisher struct {
	ws       *websocket.Conn
	idx, n   int
	topics   []string
	perTopic []int64
	slots    chan struct{} // in-flight publishes

	published int64 // owned by publish
	late      int64 // owned by publish

	mu   sync.Mutex
	sent map[uint64]int64 // request id -> send time; guarded by mu

	acked    atomic.Int64
	errors   atomic.Int64
	expected atomic.Int64 // deliveries owed for acknowledged envelopes
	firstErr atomic.Value
	ackLat   []time.Duration // owned by read
	done     chan struct{}
}

// topicOf maps request id k of this publisher to a topic, round-robin over
// all publishers' envelopes.
func (p *publisher) topicOf(k uint64) int {
	return int((k*uint64(p.n) + uint64(p.idx)) % uint64(len(p.topics)))
}

func (p *publisher) publish(ctx context.Context, first, end time.Time, interval time.Duration, filler []byte) {
	frame := make([]byte, 0, 2*len(filler)+512)
	payload := make([]byte, payloadHeader+len(filler))
	copy(payload[payloadHeader:], filler)
	stop := time.NewTimer(time.Until(end))
	defer stop.Stop()
	for k := uint64(1); ; k++ {
		// Sends fall behind the schedule when every slot is taken; they never
		// go past end, so the run keeps its duration.
		due := first.Add(time.Duration(k-1) * interval)
		if !due.Before(end) || !time.Now().Before(end) || ctx.Err() != nil {
			return
		}
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		select {
		case p.slots <- struct{}{}:
		default:
			p.late++
			select {
			case p.slots <- struct{}{}:
			case <-stop.C:
				return
			case <-p.done:
				return
			case <-ctx.Done():
				return
			}
		}
		now := time.Now().UnixNano()
		binary.BigEndian.PutUint64(payload[0:], uint64(now))
		binary.BigEndian.PutUint64(payload[8:], uint64(p.idx)<<40|k)
		frame = append(frame[:0], `{"jsonrpc":"2.0","id":`...)
		frame = strconv.AppendUint(frame, k, 10)
		frame = append(frame, `,"method":"pn_publish","params":[{"contentTopic":"`...)
		frame = append(frame, p.topics[p.topicOf(k)]...)
		frame = append(frame, `","payload":"`...)
		frame = base64.StdEncoding.AppendEncode(frame, payload)
		frame = append(frame, `","timestamp":`...)
		frame = strconv.AppendInt(frame, now, 10)
		frame = append(frame, `}]}`...)
		p.mu.Lock()
		p.sent[k] = now
		p.mu.Unlock()
		p.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := p.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			p.firstErr.CompareAndSwap(nil, "write: "+err.Error())
			return
		}
		p.published++
	}
}

func (p *publisher) read() {
	defer close(p.done)
	for {
		_, b, err := p.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		var resp struct {
			ID     uint64             `json:"id"`
			Error  *wire.Error        `json:"error"`
			Result wire.PublishResult `json:"result"`
		}
		if json.Unmarshal(b, &resp) != nil || resp.ID == 0 {
			continue // a notification
		}
		p.mu.Lock()
		sent, ok := p.sent[resp.ID]
		delete(p.sent, resp.ID)
		p.mu.Unlock()
		if !ok {
			continue
		}
		switch {
		case resp.Error != nil:
			p.errors.Add(1)
			p.firstErr.CompareAndSwap(nil, resp.Error.Error())
		case resp.Result.Duplicate:
			p.errors.Add(1)
			p.firstErr.CompareAndSwap(nil, "unexpected duplicate")
		default:
			p.acked.Add(1)
			p.expected.Add(p.perTopic[p.topicOf(resp.ID)])
			p.ackLat = append(p.ackLat, time.Duration(now-sent))
		}
		select {
		case <-p.slots:
		default:
		}
	}
}
