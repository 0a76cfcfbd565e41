package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/wire"
)

// readIdle: a connection that receives nothing (not even a ping) for this
// long is considered dead.
const readIdle = 90 * time.Second

type rpcResult struct {
	result json.RawMessage
	err    error
}

// conn is one authenticated websocket connection. Its reader goroutine owns
// reads; writes are serialised by wmu.
type conn struct {
	ws     *websocket.Conn
	log    *slog.Logger
	onNote func(*conn, string, json.RawMessage)

	wmu sync.Mutex // serialises writes

	mu      sync.Mutex
	pending map[uint64]chan rpcResult // guarded by mu
	nextID  uint64                    // guarded by mu
	failure error                     // set once when the connection dies; guarded by mu

	challengeCh chan wire.Challenge
	reconnectMs atomic.Int64
	dead        chan struct{} // closed when the reader exits
	closeOnce   sync.Once
}

func newConn(ws *websocket.Conn, log *slog.Logger, onNote func(*conn, string, json.RawMessage)) *conn {
	cn := &conn{
		ws:          ws,
		log:         log,
		onNote:      onNote,
		pending:     make(map[uint64]chan rpcResult),
		challengeCh: make(chan wire.Challenge, 1),
		dead:        make(chan struct{}),
	}
	ws.SetReadDeadline(time.Now().Add(readIdle))
	ws.SetPingHandler(func(data string) error {
		ws.SetReadDeadline(time.Now().Add(readIdle))
		cn.wmu.Lock()
		defer cn.wmu.Unlock()
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(10*time.Second))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
	go cn.readLoop()
	return cn
}

func (cn *conn) close() {
	cn.closeOnce.Do(func() {
		cn.wmu.Lock()
		_ = cn.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		cn.wmu.Unlock()
		cn.ws.Close()
	})
	<-cn.dead
}

func (cn *conn) isDead() bool {
	select {
	case <-cn.dead:
		return true
	default:
		return false
	}
}

func (cn *conn) err() error {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.failure
}

// reconnectAfter is the delay the node asked for in pn_reconnect, if any.
func (cn *conn) reconnectAfter() time.Duration {
	return time.Duration(cn.reconnectMs.Load()) * time.Millisecond
}

func (cn *conn) challenge(ctx context.Context) (wire.Challenge, error) {
	select {
	case ch := <-cn.challengeCh:
		return ch, nil
	case <-cn.dead:
		return wire.Challenge{}, cn.err()
	case <-ctx.Done():
		return wire.Challenge{}, ctx.Err()
	}
}

// call sends one request and waits for its response.
func (cn *conn) call(ctx context.Context, method string, params json.RawMessage) (json.RawMessage, error) {
	reply := make(chan rpcResult, 1)
	cn.mu.Lock()
	if cn.failure != nil {
		cn.mu.Unlock()
		return nil, errDisconnected
	}
	cn.nextID++
	id := cn.nextID
	cn.pending[id] = reply
	cn.mu.Unlock()
	defer func() {
		cn.mu.Lock()
		delete(cn.pending, id)
		cn.mu.Unlock()
	}()
	frame, err := json.Marshal(wire.Request{Version: wire.Version, ID: json.RawMessage(strconv.FormatUint(id, 10)), Method: method, Params: params})
	if err != nil {
		return nil, err
	}
	cn.wmu.Lock()
	cn.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	err = cn.ws.WriteMessage(websocket.TextMessage, frame)
	cn.wmu.Unlock()
	if err != nil {
		cn.ws.Close()
		return nil, errDisconnected
	}
	select {
	case r := <-reply:
		return r.result, r.err
	case <-cn.dead:
		// The reader may have delivered the reply just before it exited.
		select {
		case r := <-reply:
			return r.result, r.err
		default:
			return nil, errDisconnected
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (cn *conn) readLoop() {
	var failure error
	defer func() {
		cn.mu.Lock()
		if failure == nil {
			failure = errDisconnected
		}
		cn.failure = failure
		cn.mu.Unlock()
		close(cn.dead)
	}()
	for {
		_, b, err := cn.ws.ReadMessage()
		if err != nil {
			if ce, ok := errors.AsType[*websocket.CloseError](err); ok && ce.Text != "" {
				failure = errors.New("client: node closed the connection: " + ce.Text)
			} else {
				failure = err
			}
			return
		}
		cn.ws.SetReadDeadline(time.Now().Add(readIdle))
		b = bytes.TrimLeft(b, " \t\r\n")
		if len(b) > 0 && b[0] == '[' {
			var rs []json.RawMessage
			if json.Unmarshal(b, &rs) == nil {
				for _, r := range rs {
					cn.handle(r)
				}
			}
			continue
		}
		cn.handle(b)
	}
}

// handle routes one incoming object: a response or a notification.
func (cn *conn) handle(b []byte) {
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
		Result json.RawMessage `json:"result"`
		Error  *wire.Error     `json:"error"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		cn.log.Debug("undecodable frame from node", "err", err)
		return
	}
	if m.Method != "" {
		switch m.Method {
		case wire.MethodChallenge:
			var ch wire.Challenge
			if json.Unmarshal(m.Params, &ch) == nil {
				select {
				case cn.challengeCh <- ch:
				default:
				}
			}
		case wire.MethodReconnect:
			var r wire.Reconnect
			if json.Unmarshal(m.Params, &r) == nil {
				cn.reconnectMs.Store(min(r.AfterMs, 60_000))
			}
		default:
			cn.onNote(cn, m.Method, m.Params)
		}
		return
	}
	id, err := strconv.ParseUint(string(m.ID), 10, 64)
	if err != nil {
		if m.Error != nil {
			cn.log.Debug("node error without request id", "code", m.Error.Data, "msg", m.Error.Message)
		}
		return
	}
	cn.mu.Lock()
	reply := cn.pending[id]
	cn.mu.Unlock()
	if reply == nil {
		return
	}
	if m.Error != nil {
		reply <- rpcResult{err: m.Error}
		return
	}
	reply <- rpcResult{result: m.Result}
}
