package server

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/wire"
)

// Fixed market of the market tests and of the checked examples in docs/protocol.md.
var (
	docToken    = common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	docEscrow   = common.HexToAddress("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
	docOperator = common.HexToAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	docDomain   = market.EscrowDomain(big.NewInt(1337), docEscrow)
	docPrice    = market.Price{PerKWakeups: big.NewInt(1e15), PerKHistory: big.NewInt(1e14), PerGBMonth: big.NewInt(2e15)}
)

// docListing is the listing the fake registry serves.
func docListing() market.Listing {
	key := common.FromHex("0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5")
	p := market.Provider{
		ID: 1, Operator: docOperator, Token: docToken, Stake: new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18)),
		Services: market.ServicePush | market.ServiceStore, Gateways: market.GatewayAPNs | market.GatewayFCM,
		CapacityWakeupsPerDay: 1_000_000, CapacityGB: 100, Price: docPrice, Active: true,
		NodeKey: key, Endpoint: "wss://pn1.example.org/ws",
	}
	return market.Listing{Block: 4242, SyncedAt: docClock.Unix(), Providers: []market.ListedProvider{market.ListProvider(p, docClock)}}
}

type fakeLister struct{ l market.Listing }

func (f fakeLister) Listing() market.Listing { return f.l }

// docEscrowReader is a hand-written market.EscrowReader: every payer holds 10 tokens, nothing is
// collected, one device signer is authorised.
type docEscrowReader struct {
	mu      sync.Mutex
	signers map[common.Address]bool
	down    bool
}

func (d *docEscrowReader) Account(context.Context, common.Address, uint64, common.Address) (market.Account, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return market.Account{}, errors.New("dial tcp: connection refused")
	}
	return market.Account{Balance: new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)), Thawing: new(big.Int)}, nil
}

func (d *docEscrowReader) Collected(context.Context, common.Address, uint64, common.Address, uint64) (*big.Int, error) {
	return new(big.Int), nil
}

func (d *docEscrowReader) IsAuthorisedSigner(_ context.Context, _, signer common.Address) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.signers[signer], nil
}

// marketNode is a server with a real ledger over docEscrowReader and a fake listing.
type marketNode struct {
	*testNode
	ledger *market.Ledger
	esc    *docEscrowReader
	http   string
}

func newMarketNode(t *testing.T, lcfg market.LedgerConfig, now func() time.Time) *marketNode {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	esc := &docEscrowReader{signers: map[common.Address]bool{}}
	led, err := market.OpenLedger(t.TempDir(), lcfg, market.LedgerDeps{
		ProviderID: 1, Token: docToken, Domain: docDomain, Escrow: esc,
		Price: func() market.Price { return docPrice }, Logger: log, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.LameDuckDuration = 0
	cfg.ChainID = 1337
	cfg.ProviderID = "1"
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.Open(t.TempDir(), scfg, log)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	srv, err := New(cfg, Deps{NodeKey: key, Store: store, Logger: log, Now: now, Providers: fakeLister{docListing()}, Ledger: led})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; store.Close(); led.Close() })
	return &marketNode{testNode: &testNode{srv: srv, url: "ws://" + ln.Addr().String() + "/ws", store: store},
		ledger: led, esc: esc, http: "http://" + ln.Addr().String()}
}

// callNoting is call that also collects pn_creditLow notifications arriving before the response.
func (c *rawClient) callNoting(notes *[]map[string]any, method string, params ...any) map[string]any {
	c.t.Helper()
	reqID++
	p, _ := json.Marshal(params)
	c.sendRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, reqID, method, p))
	for {
		m := c.next()
		if m["method"] == market.MethodCreditLow {
			*notes = append(*notes, m)
			continue
		}
		if m["method"] != nil {
			continue
		}
		return m
	}
}

func signDoc(t *testing.T, key *ecdsa.PrivateKey, payer common.Address, provider, lane uint64, cum *big.Int) market.SignedVoucherJSON {
	t.Helper()
	v := market.Voucher{Payer: payer, ProviderID: provider, Token: docToken, Lane: lane, Cumulative: cum}
	sig, err := market.SignVoucher(key, docDomain, v)
	if err != nil {
		t.Fatal(err)
	}
	return market.SignedVoucher{Voucher: v, Signature: sig}.JSON()
}

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e15)) }

func TestMarketProvidersPublic(t *testing.T) {
	n := newMarketNode(t, market.DefaultLedgerConfig(), nil)
	c := dialRaw(t, n.testNode) // not authenticated
	m := c.call(wire.MethodProviders)
	r := resultMap(t, m)
	ps := r["providers"].([]any)
	if len(ps) != 1 || ps[0].(map[string]any)["endpoint"] != "wss://pn1.example.org/ws" {
		t.Fatalf("pn_providers: %v", m)
	}
	c.expectCode(c.call(market.MethodCredit), CodeAuthRequired)
	resp, err := http.Get(n.http + "/v1/providers")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l market.Listing
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil || resp.StatusCode != 200 || len(l.Providers) != 1 || l.Block != 4242 {
		t.Fatalf("GET /v1/providers: %d %+v %v", resp.StatusCode, l, err)
	}
	if l.Providers[0].Price.PerKWakeups.Int().Cmp(docPrice.PerKWakeups) != 0 {
		t.Fatalf("price: %+v", l.Providers[0].Price)
	}
}

func TestMarketNotEnabled(t *testing.T) {
	n := newTestNode(t, nil)
	c := dialAuthed(t, n)
	c.expectCode(c.call(wire.MethodProviders), CodeServiceNotEnabled)
	c.expectCode(c.call(market.MethodCredit), CodeServiceNotEnabled)
	resp, err := http.Get(strings.Replace(strings.TrimSuffix(n.url, "/ws"), "ws://", "http://", 1) + "/v1/providers")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET /v1/providers without a market: %d", resp.StatusCode)
	}
	// Without a ledger nothing is metered.
	if m := c.call(wire.MethodPublish, envelope("/t/1/a/proto", "x")); m["error"] != nil {
		t.Fatal(m)
	}
}

func TestMarketVouchersAndMetering(t *testing.T) {
	lcfg := market.DefaultLedgerConfig()
	lcfg.FreeHistory, lcfg.FreeStorageBytes, lcfg.BlockWakeups = 2, 0, 10
	n := newMarketNode(t, lcfg, nil)
	c := dialAuthed(t, n.testNode)
	payer := crypto.PubkeyToAddress(c.key.PublicKey)
	var notes []map[string]any
	// Storage is not free here: a publish needs credit.
	c.expectCode(c.callNoting(&notes, wire.MethodPublish, envelope("/t/1/a/proto", "hello")), CodePaymentRequired)
	// Vouchers: errors first.
	other, _ := crypto.GenerateKey()
	for name, tc := range map[string]struct {
		v    market.SignedVoucherJSON
		want Code
	}{
		"other provider": {signDoc(t, c.key, payer, 2, 0, tokens(10)), CodeBadVoucher},
		"other signer":   {signDoc(t, other, payer, 1, 0, tokens(10)), CodeUnauthorisedSigner},
		"over escrow":    {signDoc(t, c.key, payer, 1, 0, tokens(20_000)), CodeInsufficientEscrow},
	} {
		t.Run(name, func(t *testing.T) { c.expectCode(c.callNoting(&notes, market.MethodSubmitVoucher, tc.v), tc.want) })
	}
	bad := signDoc(t, c.key, payer, 1, 0, tokens(10))
	bad.Signature[64] = 30
	c.expectCode(c.callNoting(&notes, market.MethodSubmitVoucher, bad), CodeBadVoucher)
	m := c.callNoting(&notes, market.MethodSubmitVoucher, signDoc(t, c.key, payer, 1, 0, tokens(10)))
	if got := resultMap(t, m)["signed"]; got != tokens(10).String() {
		t.Fatalf("submit: %v", m)
	}
	c.expectCode(c.callNoting(&notes, market.MethodSubmitVoucher, signDoc(t, c.key, payer, 1, 0, tokens(9))), CodeVoucherNotIncreasing)
	// Now publishing works and is charged per byte.
	for i := range 3 {
		e := envelope("/t/1/a/proto", fmt.Sprintf("hello %d", i))
		if m := c.callNoting(&notes, wire.MethodPublish, e); m["error"] != nil {
			t.Fatal(m)
		}
		if i == 2 { // a duplicate is acknowledged and not charged again
			if m := c.callNoting(&notes, wire.MethodPublish, e); m["error"] != nil || resultMap(t, m)["duplicate"] != true {
				t.Fatal(m)
			}
		}
	}
	// History: 2 envelopes free today, then 0.1 token per 1,000 envelopes.
	hist := wire.HistoryParams{ContentTopics: []string{"/t/1/a/proto"}, Forward: true}
	if m := c.callNoting(&notes, wire.MethodHistory, hist); m["error"] != nil || len(resultMap(t, m)["envelopes"].([]any)) != 3 {
		t.Fatal(m)
	}
	cr := resultMap(t, c.callNoting(&notes, market.MethodCredit))
	free := cr["free"].(map[string]any)
	spent, _ := new(big.Int).SetString(cr["spent"].(string), 10)
	// 1 envelope of history at 1e14 per 1,000, plus three 7-byte payloads at 2e15 per GiB-month
	// (one month), each rounded up to 1/1000 unit; the total is rounded up to a unit.
	perEnv := (7*2_000_000_000_000_000*1000 + (1 << 30) - 1) / (1 << 30)
	want := big.NewInt(int64((100_000_000_000_000 + 3*perEnv + 999) / 1000))
	if free["history"].(float64) != 0 || spent.Cmp(want) != 0 {
		t.Fatalf("credit after metering: spent %v want %v: %v", spent, want, cr)
	}
	// Someone else's credit is private.
	c2 := dialAuthed(t, n.testNode)
	c2.expectCode(c2.call(market.MethodCredit, payer.Hex()), CodeNotPayer)
	// Chain down: a voucher cannot be checked.
	n.esc.mu.Lock()
	n.esc.down = true
	n.esc.mu.Unlock()
	m = c.callNoting(&notes, market.MethodSubmitVoucher, signDoc(t, c.key, payer, 1, 1, tokens(1)))
	c.expectCode(m, CodeChainUnavailable)
	if d := m["error"].(map[string]any)["data"].(map[string]any); d["retry_after"] == nil {
		t.Fatalf("no retry_after: %v", m)
	}
}

// TestMarketCreditLowNotice: a session of the payer gets pn_creditLow when a charge leaves less
// than (1 - threshold) of a block; a device signer's session spends and sees the payer's credit.
func TestMarketCreditLowNotice(t *testing.T) {
	lcfg := market.DefaultLedgerConfig()
	lcfg.FreeHistory, lcfg.FreeStorageBytes = 0, 1<<20
	lcfg.BlockWakeups = 1 // a block is 0.001 token: one history envelope costs 10% of it
	n := newMarketNode(t, lcfg, nil)
	payerKey, _ := crypto.GenerateKey()
	payer := crypto.PubkeyToAddress(payerKey.PublicKey)
	dev := dialAuthed(t, n.testNode)
	n.esc.mu.Lock()
	n.esc.signers[crypto.PubkeyToAddress(dev.key.PublicKey)] = true
	n.esc.mu.Unlock()
	var notes []map[string]any
	// The device key signs for the payer: one block.
	if m := dev.callNoting(&notes, market.MethodSubmitVoucher, signDoc(t, dev.key, payer, 1, 7, big.NewInt(1e12))); m["error"] != nil {
		t.Fatal(m)
	}
	if m := dev.callNoting(&notes, market.MethodCredit, payer.Hex()); resultMap(t, m)["payer"] != strings.ToLower(payer.Hex()) && resultMap(t, m)["payer"] != payer.Hex() {
		t.Fatalf("device reads the payer's credit: %v", m)
	}
	for i := range 9 {
		if m := dev.callNoting(&notes, wire.MethodPublish, envelope("/t/1/b/proto", fmt.Sprintf("m%d", i))); m["error"] != nil {
			t.Fatal(m)
		}
	}
	hist := wire.HistoryParams{ContentTopics: []string{"/t/1/b/proto"}, Forward: true, Limit: 7}
	if m := dev.callNoting(&notes, wire.MethodHistory, hist); m["error"] != nil {
		t.Fatal(m)
	}
	// 7 of 10 tenths used: not low yet. 2 more: low.
	if len(notes) != 0 {
		t.Fatalf("early notice: %v", notes)
	}
	hist.Limit = 2
	dev.callNoting(&notes, wire.MethodHistory, hist)
	for deadline := time.Now().Add(5 * time.Second); len(notes) == 0 && time.Now().Before(deadline); {
		dev.callNoting(&notes, wire.MethodNodeInfo)
	}
	if len(notes) != 1 {
		t.Fatalf("notices: %v", notes)
	}
	p := notes[0]["params"].(map[string]any)
	if p["reason"] != "low" || p["credit"].(map[string]any)["low"] != true {
		t.Fatalf("pn_creditLow: %v", notes[0])
	}
	// Overdraw by the last page, then the next page is refused with what to sign.
	hist.Limit = 5
	dev.callNoting(&notes, wire.MethodHistory, hist)
	m := dev.callNoting(&notes, wire.MethodHistory, hist)
	dev.expectCode(m, CodePaymentRequired)
	if msg := m["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "sign a voucher") {
		t.Fatalf("402 message: %q", msg)
	}
}

func TestMarketErrorMapping(t *testing.T) {
	for name, tc := range map[string]struct {
		err    error
		code   Code
		status int
	}{
		"held wakeup":    {fmt.Errorf("%w: wakeup x is held", push.ErrPaymentRequired), CodePaymentRequired, 402},
		"payment":        {&market.PaymentRequiredError{Kind: "history", Credit: market.Credit{Available: market.NewAmount(nil), NextBlock: market.NewAmount(big.NewInt(5))}}, CodePaymentRequired, 402},
		"chain":          {fmt.Errorf("x: %w", market.ErrChainUnavailable), CodeChainUnavailable, 503},
		"escrow":         {market.ErrInsufficientEscrow, CodeInsufficientEscrow, 402},
		"not mine":       {errors.New("boom"), CodeInternal, 500},
		"bad voucher":    {market.ErrBadVoucher, CodeBadVoucher, 402},
		"not increasing": {market.ErrVoucherNotIncreasing, CodeVoucherNotIncreasing, 402},
	} {
		t.Run(name, func(t *testing.T) {
			we := toWire(tc.err)
			if we.Data.Code != int(tc.code) {
				t.Fatalf("code %d, want %d", we.Data.Code, tc.code)
			}
			rec := httptest.NewRecorder()
			writeHTTPError(rec, tc.err)
			if rec.Code != tc.status {
				t.Fatalf("HTTP status %d, want %d", rec.Code, tc.status)
			}
		})
	}
}

// TestMarketProtocolConformance replays the market examples of docs/protocol.md, marked
// <!-- conformance-market: send|expect [anon] -->, against a node with the documented market:
// provider 1 at price docPrice, escrow docEscrow on chain 1337, the documented session key as
// payer, and the documented clock.
func TestMarketProtocolConformance(t *testing.T) {
	steps := parseDocSteps(t, "../docs/protocol.md", "<!-- conformance-market:")
	if len(steps) < 6 {
		t.Fatalf("only %d market examples found", len(steps))
	}
	n := newMarketNode(t, market.DefaultLedgerConfig(), func() time.Time { return docClock })
	ws, _, err := websocket.DefaultDialer.Dial(n.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	anon := &rawClient{t: t, ws: ws}
	anon.next() // challenge
	authed := dialRaw(t, n.testNode)
	authed.key, _ = crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if m := authed.call(wire.MethodAuth, authed.authParams(authed.key)); m["error"] != nil {
		t.Fatalf("auth: %v", m)
	}
	sessions := map[string]*rawClient{"anon": anon, "authed": authed}
	for _, st := range steps {
		c := sessions[st.session]
		if c == nil {
			t.Fatalf("protocol.md:%d: unknown session %q", st.line, st.session)
		}
		if st.send {
			c.sendRaw(strings.TrimSpace(st.body))
			continue
		}
		c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, got, err := c.ws.ReadMessage()
		if err != nil {
			t.Fatalf("protocol.md:%d: reading the expected frame: %v", st.line, err)
		}
		if err := matchDoc("frame", decodeLoose(t, []byte(st.body)), decodeLoose(t, got)); err != nil {
			t.Errorf("protocol.md:%d: %v\n got: %s", st.line, err, got)
		}
	}
}

// TestPrintMarketDocVoucher prints the voucher of the documented pn_submitVoucher example (run
// with -v when the example changes).
func TestPrintMarketDocVoucher(t *testing.T) {
	key, _ := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	payer := crypto.PubkeyToAddress(key.PublicKey)
	for _, cum := range []int64{1, 2} {
		v := signDoc(t, key, payer, 1, 0, new(big.Int).Mul(big.NewInt(cum), big.NewInt(1e18)))
		b, _ := json.Marshal(v)
		t.Logf("%s", b)
	}
}
