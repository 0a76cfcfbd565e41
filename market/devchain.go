package market

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/ethereum/go-ethereum/rpc"
)

// maxRPCBody caps a JSON-RPC request body served by RPCHandler.
const maxRPCBody = 8 << 20

// RPCHandler serves the simulated chain's Ethereum JSON-RPC API over HTTP POST (single requests
// and batches), so that ordinary clients (pnctl, wallets, ethclient.Dial) can use a dev chain.
// After every eth_sendRawTransaction it seals blocks until the transaction is mined, so a client
// waiting for its receipt sees it at once. Dev and tests only: it has no limits beyond a body cap.
func (d *DevChain) RPCHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "JSON-RPC over POST", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRPCBody+1))
		if err != nil || len(body) > maxRPCBody {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		rc := simRPC(d.Sim.Client())
		if rc == nil {
			http.Error(w, "simulated chain closed", http.StatusServiceUnavailable)
			return
		}
		type request struct {
			ID     json.RawMessage   `json:"id"`
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
		}
		type rpcErr struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Data    any    `json:"data,omitempty"`
		}
		type response struct {
			Version string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Result  json.RawMessage `json:"result,omitempty"`
			Error   *rpcErr         `json:"error,omitempty"`
		}
		serve := func(req request) response {
			out := response{Version: "2.0", ID: req.ID}
			if len(out.ID) == 0 {
				out.ID = json.RawMessage("null")
			}
			args := make([]any, len(req.Params))
			for i, p := range req.Params {
				args[i] = p
			}
			var res json.RawMessage
			if err := rc.CallContext(r.Context(), &res, req.Method, args...); err != nil {
				e := &rpcErr{Code: -32000, Message: err.Error()}
				if ce, ok := errors.AsType[rpc.Error](err); ok {
					e.Code = ce.ErrorCode()
				}
				if de, ok := errors.AsType[rpc.DataError](err); ok {
					e.Data = de.ErrorData()
				}
				out.Error = e
				return out
			}
			if len(res) == 0 {
				res = json.RawMessage("null")
			}
			out.Result = res
			var h common.Hash
			if req.Method == "eth_sendRawTransaction" && json.Unmarshal(res, &h) == nil {
				d.sealTx(r.Context(), h)
			}
			return out
		}
		w.Header().Set("Content-Type", "application/json")
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			var reqs []request
			if err := json.Unmarshal(trimmed, &reqs); err != nil {
				json.NewEncoder(w).Encode(response{Version: "2.0", ID: json.RawMessage("null"), Error: &rpcErr{Code: -32700, Message: "parse error"}})
				return
			}
			out := make([]response, len(reqs))
			for i, q := range reqs {
				out[i] = serve(q)
			}
			json.NewEncoder(w).Encode(out)
			return
		}
		var req request
		if err := json.Unmarshal(trimmed, &req); err != nil {
			json.NewEncoder(w).Encode(response{Version: "2.0", ID: json.RawMessage("null"), Error: &rpcErr{Code: -32700, Message: "parse error"}})
			return
		}
		json.NewEncoder(w).Encode(serve(req))
	})
}

// simRPC digs the in-process *rpc.Client out of the simulated backend's client, which wraps an
// *ethclient.Client in an unexported struct whose embedded field hides its Client method.
func simRPC(c simulated.Client) *rpc.Client {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Struct || v.NumField() == 0 {
		return nil
	}
	ec, ok := v.Field(0).Interface().(*ethclient.Client)
	if !ok || ec == nil {
		return nil
	}
	return ec.Client()
}

// DevChain is a DevMarket whose blocks are sealed one at a time: go-ethereum's simulated
// beacon is not safe for concurrent Commit calls, and a dev chain serves several clients at once
// (the node's collector, its RPC endpoint, tests). Use its Backend, Commit, AdjustTime and
// RPCHandler rather than the SimChain's. For `pnode dev`, pnctl and end-to-end tests.
type DevChain struct {
	*DevMarket
	commitMu sync.Mutex // serialises Commit and AdjustTime
}

// StartDevChain starts a simulated chain with `accounts` funded accounts (keys used first),
// deploys the market with p and mints DevTokens to every account.
func StartDevChain(ctx context.Context, p Params, accounts int, keys ...*ecdsa.PrivateKey) (*DevChain, error) {
	sc, err := NewSimChain(accounts, keys...)
	if err != nil {
		return nil, err
	}
	d := &DevChain{DevMarket: &DevMarket{SimChain: sc}}
	d.Addresses, err = DeployAll(ctx, d.Backend(), sc.Transactor(0), p)
	if err != nil {
		sc.Close()
		return nil, err
	}
	c, err := NewChain(ctx, d.Backend(), d.Addresses)
	if err != nil {
		sc.Close()
		return nil, err
	}
	for i := range sc.Keys {
		if err := c.Mint(ctx, sc.Transactor(0), sc.Address(i), DevTokens); err != nil {
			sc.Close()
			return nil, err
		}
	}
	return d, nil
}

// Commit seals the pending transactions into a block.
func (d *DevChain) Commit() common.Hash {
	d.commitMu.Lock()
	defer d.commitMu.Unlock()
	return d.Sim.Commit()
}

// AdjustTime seals a block d later than the previous one (see SimChain.AdjustTime).
func (d *DevChain) AdjustTime(dur time.Duration) error {
	d.commitMu.Lock()
	defer d.commitMu.Unlock()
	return d.SimChain.AdjustTime(dur)
}

// Backend returns the client side of the chain; Chain and DeployAll seal through it.
func (d *DevChain) Backend() Backend { return devBackend{d.Sim.Client(), d} }

type devBackend struct {
	simulated.Client
	d *DevChain
}

func (b devBackend) Commit() common.Hash { return b.d.Commit() }

// sealTx seals blocks until the transaction hash has a receipt (the simulated block builder can
// miss a transaction still being promoted in its pool), at most maxSeals blocks.
func (d *DevChain) sealTx(ctx context.Context, h common.Hash) {
	const maxSeals = 100
	for range maxSeals {
		d.Commit()
		if _, err := d.Sim.Client().TransactionReceipt(ctx, h); err == nil || ctx.Err() != nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
