package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/wire"
)

// Timeouts of the raw client.
const (
	dialTimeout = 10 * time.Second
	authTimeout = 15 * time.Second
)

// ipBindAddressNoPort is IP_BIND_ADDRESS_NO_PORT (linux/in.h): with a bound
// source address, the port is picked at connect time, per destination, so
// many source addresses each get the whole ephemeral range.
const ipBindAddressNoPort = 24

// rawDialer opens authenticated websocket connections with small buffers,
// cheaper than the client SDK's (which keeps a reader goroutine, a pending
// map and reconnect state per connection). One session key serves all
// connections; the node only binds a signature to its connection's nonce.
type rawDialer struct {
	url     string
	key     *ecdsa.PrivateKey
	address string
	ips     []net.IP // source addresses, used round-robin by connection index; nil: the kernel's choice
	pool    *sync.Pool
}

func newRawDialer(url string, key *ecdsa.PrivateKey, ips []net.IP) *rawDialer {
	return &rawDialer{url: url, key: key, address: crypto.PubkeyToAddress(key.PublicKey).Hex(), ips: ips, pool: &sync.Pool{}}
}

// dial opens connection number i and authenticates it. readBuf sizes the
// read buffer (small for idle connections, larger for subscribers).
func (d *rawDialer) dial(ctx context.Context, i, readBuf int) (*websocket.Conn, error) {
	nd := &net.Dialer{Timeout: dialTimeout}
	if len(d.ips) > 0 {
		nd.LocalAddr = &net.TCPAddr{IP: d.ips[i%len(d.ips)]}
		nd.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
			})
			return errors.Join(err, serr)
		}
	}
	wd := websocket.Dialer{
		NetDialContext:   nd.DialContext,
		HandshakeTimeout: dialTimeout,
		ReadBufferSize:   readBuf,
		WriteBufferSize:  1024,
		WriteBufferPool:  d.pool,
	}
	ws, resp, err := wd.DialContext(ctx, d.url, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial: %s", resp.Status)
		}
		return nil, fmt.Errorf("dial: %w", err)
	}
	if err := d.auth(ws); err != nil {
		ws.Close()
		return nil, err
	}
	return ws, nil
}

// auth answers the node's challenge with a signature by the session key.
func (d *rawDialer) auth(ws *websocket.Conn) error {
	ws.SetReadDeadline(time.Now().Add(authTimeout))
	defer ws.SetReadDeadline(time.Time{})
	_, b, err := ws.ReadMessage()
	if err != nil {
		return fmt.Errorf("read challenge: %w", err)
	}
	var note struct {
		Method string         `json:"method"`
		Params wire.Challenge `json:"params"`
	}
	if err := json.Unmarshal(b, &note); err != nil || note.Method != wire.MethodChallenge {
		return fmt.Errorf("want %s, got %.200s", wire.MethodChallenge, b)
	}
	ch := note.Params
	sig, err := crypto.Sign(accounts.TextHash(wire.AuthMessage(ch.Nonce, ch.NodeKey, ch.ChainID)), d.key)
	if err != nil {
		return err
	}
	if _, err := call(ws, 1, wire.MethodAuth, wire.AuthParams{Address: d.address, Signature: sig}); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

// call sends one request and reads frames until its response. Only for
// connection setup, before any reader goroutine runs.
func call(ws *websocket.Conn, id int, method string, params ...any) (json.RawMessage, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	frame, err := json.Marshal(wire.Request{Version: wire.Version, ID: json.RawMessage(fmt.Sprint(id)), Method: method, Params: raw})
	if err != nil {
		return nil, err
	}
	ws.SetWriteDeadline(time.Now().Add(authTimeout))
	if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return nil, err
	}
	ws.SetReadDeadline(time.Now().Add(authTimeout))
	defer ws.SetReadDeadline(time.Time{})
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		var resp wire.Response
		if err := json.Unmarshal(b, &resp); err != nil || string(resp.ID) != fmt.Sprint(id) {
			continue // a notification
		}
		if resp.Error != nil {
			return nil, resp.Error
		}
		return resp.Result, nil
	}
}

// parseIPs parses a comma-separated list of loopback addresses.
func parseIPs(s string) ([]net.IP, error) {
	var out []net.IP
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ip := net.ParseIP(f)
		if ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("source address %q is not a loopback address", f)
		}
		out = append(out, ip)
	}
	return out, nil
}

// autoIPs returns enough 127.0.0.x source addresses for n connections to
// one destination, each using at most perIP ephemeral ports; nil when the
// kernel's default source suffices.
func autoIPs(n, perIP int) []net.IP {
	k := (n + perIP - 1) / perIP
	if k <= 1 {
		return nil
	}
	out := make([]net.IP, k)
	for i := range out {
		out[i] = net.IPv4(127, 0, 0, byte(i+1))
	}
	return out
}
