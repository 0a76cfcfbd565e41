// Package client is the Go SDK for a pnode: connect, authenticate with a
// session key, publish, subscribe and page through history.
//
// A Client keeps one websocket connection and reconnects by itself with
// jittered exponential backoff. Subscriptions survive reconnects without
// gaps: after a reconnect the client subscribes again, then pages through
// history from shortly before the connection dropped, and delivers what it
// has not seen (deduplicated by envelope hash) before resuming live delivery.
// Publish is idempotent (the node keys envelopes by hash), so the client
// retries a publish whose connection dropped before the acknowledgement.
package client

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// Defaults for Options.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultReconnectMin   = 250 * time.Millisecond
	DefaultReconnectMax   = 30 * time.Second
	// DefaultResumeOverlap is how far before a dropped connection the client
	// starts its catch-up history query. It must exceed the node's timestamp
	// skew plus the clock difference between client and node.
	DefaultResumeOverlap = 60 * time.Second
	maxIncomingFrame     = 8 << 20
)

// ErrClosed is returned after Close.
var ErrClosed = errors.New("client: closed")

// errDisconnected is returned to requests whose connection dropped.
var errDisconnected = errors.New("client: disconnected")

// Options configure a Client.
type Options struct {
	// URL is the node's websocket endpoint, e.g. ws://127.0.0.1:8549/ws.
	URL string
	// Key is the session key that signs the auth challenge.
	Key *ecdsa.PrivateKey
	// Logger receives the client's logs; nil discards them.
	Logger *slog.Logger
	// RequestTimeout bounds each request when ctx has no earlier deadline.
	RequestTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the reconnect backoff.
	ReconnectMin, ReconnectMax time.Duration
	// ResumeOverlap: see DefaultResumeOverlap.
	ResumeOverlap time.Duration
	// Header is sent with the websocket handshake.
	Header http.Header
	// OnPushStatus, when set, receives the pn_pushStatus notification a
	// node sends after authentication when some of the session owner's push
	// installations were disabled (their device tokens died). It runs on
	// the connection's reader goroutine: do not block.
	OnPushStatus func(pushwire.Status)
	// OnCreditLow, when set, is called (on its own goroutine, one at a time)
	// when the node sends pn_creditLow: the payer's signed credit is nearly
	// used up, or a wakeup is held for credit. Payer.TopUp is the usual answer.
	OnCreditLow func(ctx context.Context, c *Client, p market.CreditLowParams)
}

// Client is a connection to one node. It is safe for concurrent use.
type Client struct {
	opts Options      // static after Dial
	log  *slog.Logger // static after Dial

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the connection manager goroutine
	cbWG   sync.WaitGroup // OnCreditLow callbacks; Add only under mu while !closed
	cbBusy bool           // an OnCreditLow callback runs; guarded by mu
	closed bool           // Close was called; guarded by mu

	mu        sync.Mutex
	conn      *conn                    // current connection or nil; guarded by mu
	connReady chan struct{}            // closed when conn is set; guarded by mu
	subs      map[*Subscription]string // live subscriptions -> node sub id; guarded by mu
	info      wire.NodeInfo            // from the latest connection; guarded by mu
	address   string                   // session address as the node sees it; guarded by mu
}

// Dial connects to the node and authenticates. The returned client keeps
// the connection alive until Close.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	if opts.URL == "" || opts.Key == nil {
		return nil, errors.New("client: URL and Key are required")
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.ReconnectMin <= 0 {
		opts.ReconnectMin = DefaultReconnectMin
	}
	if opts.ReconnectMax < opts.ReconnectMin {
		opts.ReconnectMax = max(DefaultReconnectMax, opts.ReconnectMin)
	}
	if opts.ResumeOverlap <= 0 {
		opts.ResumeOverlap = DefaultResumeOverlap
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Client{opts: opts, log: log, ctx: cctx, cancel: cancel, connReady: make(chan struct{}), subs: make(map[*Subscription]string)}
	first, err := c.connect(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	c.setConn(first)
	c.wg.Add(1)
	go c.manage(first)
	return c, nil
}

// Close ends the connection and every subscription.
func (c *Client) Close() error {
	c.cancel()
	c.mu.Lock()
	c.closed = true
	if c.conn != nil {
		c.conn.close()
	}
	c.mu.Unlock()
	c.wg.Wait()
	c.cbWG.Wait()
	c.mu.Lock()
	for s := range c.subs {
		s.end(ErrClosed)
	}
	c.subs = map[*Subscription]string{}
	c.mu.Unlock()
	return nil
}

// Address returns the session key's address.
func (c *Client) Address() string {
	return crypto.PubkeyToAddress(c.opts.Key.PublicKey).Hex()
}

// NodeInfo returns the node's self-description.
func (c *Client) NodeInfo(ctx context.Context) (wire.NodeInfo, error) {
	var info wire.NodeInfo
	err := c.Call(ctx, wire.MethodNodeInfo, &info)
	return info, err
}

// Publish stores an envelope on the node and returns once the node has
// acknowledged it durably. Timestamp defaults to now. A publish interrupted
// by a reconnect is retried: the node stores each hash once.
func (c *Client) Publish(ctx context.Context, e wire.Envelope) (wire.PublishResult, error) {
	if e.Timestamp == 0 {
		e.Timestamp = time.Now().UnixNano()
	}
	var res wire.PublishResult
	err := c.Call(ctx, wire.MethodPublish, &res, e)
	return res, err
}

// History returns one page of a history query.
func (c *Client) History(ctx context.Context, q wire.HistoryParams) (wire.HistoryResult, error) {
	var res wire.HistoryResult
	err := c.Call(ctx, wire.MethodHistory, &res, q)
	return res, err
}

// HistoryAll pages through a whole query, calling fn for each envelope in
// order, until the last page or an error from fn.
func (c *Client) HistoryAll(ctx context.Context, q wire.HistoryParams, fn func(wire.Envelope) error) error {
	q.Cursor = nil
	for {
		page, err := c.History(ctx, q)
		if err != nil {
			return err
		}
		for _, e := range page.Envelopes {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page.Cursor) == 0 {
			return nil
		}
		q.Cursor = page.Cursor
	}
}

// Call performs one JSON-RPC request on the current connection, waiting for
// a connection if the client is reconnecting. Requests whose connection
// drops are retried on the next one; every pn_ method is safe to repeat.
func (c *Client) Call(ctx context.Context, method string, result any, params ...any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.RequestTimeout)
		defer cancel()
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	if params == nil {
		raw = []byte("[]")
	}
	for {
		cn, err := c.current(ctx)
		if err != nil {
			return err
		}
		res, err := cn.call(ctx, method, raw)
		if errors.Is(err, errDisconnected) {
			continue
		}
		if err != nil {
			return err
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(res, result)
	}
}

// current returns the live connection, waiting while the client reconnects.
func (c *Client) current(ctx context.Context) (*conn, error) {
	for {
		c.mu.Lock()
		cn, ready := c.conn, c.connReady
		c.mu.Unlock()
		if cn != nil && !cn.isDead() {
			return cn, nil
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.ctx.Done():
			return nil, ErrClosed
		}
	}
}

func (c *Client) setConn(cn *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conn = cn
	close(c.connReady)
}

func (c *Client) clearConn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conn = nil
	c.connReady = make(chan struct{})
}

// connect dials and authenticates one connection.
func (c *Client) connect(ctx context.Context) (*conn, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.DialContext(ctx, c.opts.URL, c.opts.Header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("client: dial %s: %s", c.opts.URL, resp.Status)
		}
		return nil, fmt.Errorf("client: dial: %w", err)
	}
	ws.SetReadLimit(maxIncomingFrame)
	cn := newConn(ws, c.log, c.onNotification)
	ch, err := cn.challenge(ctx)
	if err != nil {
		cn.close()
		return nil, err
	}
	sig, err := crypto.Sign(accounts.TextHash(wire.AuthMessage(ch.Nonce, ch.NodeKey, ch.ChainID)), c.opts.Key)
	if err != nil {
		cn.close()
		return nil, err
	}
	raw, _ := json.Marshal([]any{wire.AuthParams{Address: c.Address(), Signature: sig}})
	res, err := cn.call(ctx, wire.MethodAuth, raw)
	if err != nil {
		cn.close()
		return nil, fmt.Errorf("client: auth: %w", err)
	}
	var ar wire.AuthResult
	if err := json.Unmarshal(res, &ar); err != nil {
		cn.close()
		return nil, err
	}
	c.mu.Lock()
	c.address = ar.Address
	c.mu.Unlock()
	return cn, nil
}

// manage watches the connection and reconnects when it drops, then restores
// subscriptions with a gap-free catch-up.
func (c *Client) manage(cn *conn) {
	defer c.wg.Done()
	for {
		select {
		case <-cn.dead:
		case <-c.ctx.Done():
			cn.close()
			return
		}
		droppedAt := time.Now()
		wait := cn.reconnectAfter()
		c.clearConn()
		c.log.Debug("connection lost; reconnecting", "err", cn.err())
		backoff := c.opts.ReconnectMin
		for {
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-c.ctx.Done():
					t.Stop()
					return
				}
			}
			next, err := c.connect(c.ctx)
			if err == nil {
				cn = next
				break
			}
			if c.ctx.Err() != nil {
				return
			}
			c.log.Debug("reconnect failed", "err", err)
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(backoff*2, c.opts.ReconnectMax)
		}
		c.setConn(cn)
		c.resubscribe(droppedAt)
	}
}

// onNotification routes pn_subscription events to subscriptions and
// pn_pushStatus to Options.OnPushStatus.
func (c *Client) onNotification(cn *conn, method string, params json.RawMessage) {
	if method == pushwire.MethodPushStatus {
		c.onPushStatus(params)
		return
	}
	if method == market.MethodCreditLow {
		c.onCreditLow(params)
		return
	}
	if method != wire.MethodSubscription {
		return
	}
	var ev struct {
		Subscription string        `json:"subscription"`
		Result       wire.Envelope `json:"result"`
	}
	if err := json.Unmarshal(params, &ev); err != nil {
		return
	}
	c.mu.Lock()
	var target *Subscription
	for s, id := range c.subs {
		if id == ev.Subscription && s.conn == cn {
			target = s
			break
		}
	}
	c.mu.Unlock()
	if target != nil {
		target.live(ev.Result)
	}
}

// Backoff returns a jittered delay for attempt n (from 0), for callers that
// retry on their own. Exported for pnctl.
func Backoff(n int, lo, hi time.Duration) time.Duration {
	d := lo << min(n, 20)
	if d > hi || d <= 0 {
		d = hi
	}
	return d/2 + rand.N(d/2+1)
}

// RetryAfter extracts the node's retry_after hint from a rate-limit error.
func RetryAfter(err error) (time.Duration, bool) {
	if we, ok := errors.AsType[*wire.Error](err); ok && we.Data != nil && we.Data.RetryAfter > 0 {
		return time.Duration(we.Data.RetryAfter) * time.Second, true
	}
	return 0, false
}

// ErrorCode returns the node's stable error code in err, or 0.
func ErrorCode(err error) int {
	if we, ok := errors.AsType[*wire.Error](err); ok && we.Data != nil {
		return we.Data.Code
	}
	return 0
}

// onCreditLow runs Options.OnCreditLow off the reader goroutine (the
// callback makes calls whose responses that goroutine must read). Notices
// that arrive while a callback runs are dropped: it reads the fresh credit.
func (c *Client) onCreditLow(params json.RawMessage) {
	if c.opts.OnCreditLow == nil {
		return
	}
	var p market.CreditLowParams
	if err := json.Unmarshal(params, &p); err != nil {
		c.log.Debug("bad pn_creditLow notification", "err", err)
		return
	}
	c.mu.Lock()
	if c.closed || c.cbBusy {
		c.mu.Unlock()
		return
	}
	c.cbBusy = true
	c.cbWG.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.cbWG.Done()
		defer func() {
			c.mu.Lock()
			c.cbBusy = false
			c.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(c.ctx, c.opts.RequestTimeout)
		defer cancel()
		c.opts.OnCreditLow(ctx, c, p)
	}()
}
