package client

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/market"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// Provider picking: fetch the listing (a node's pn_providers or GET /v1/providers, or the chain),
// Probe each endpoint, Rank, OpenPool with the best few, register push with every member, and
// pay each with vouchers from a Payer.

// Defaults for probing and pools.
const (
	DefaultProbeTimeout     = 5 * time.Second
	DefaultProbeConcurrency = 16
	DefaultProbeTries       = 2
	DefaultPoolSize         = 2
	DefaultTryTimeout       = 10 * time.Second
	maxListingBody          = 16 << 20
)

// Errors of provider picking.
var (
	// ErrTooFewProviders reports a pool that could not connect to as many providers as wanted.
	ErrTooFewProviders = errors.New("client: too few providers reachable")
	// ErrWrongNodeKey reports an endpoint whose node key is not the one registered for it: it is
	// not the provider it claims to be.
	ErrWrongNodeKey = errors.New("client: endpoint's node key differs from the registry's")
)

// Providers fetches the node's provider listing (pn_providers).
func (c *Client) Providers(ctx context.Context) (market.Listing, error) {
	var l market.Listing
	err := c.Call(ctx, wire.MethodProviders, &l)
	return l, err
}

// FetchProviders reads a node's listing over plain HTTP (GET /v1/providers), with no session.
// nodeURL is the node's http(s) base URL or its ws(s)://host/ws endpoint.
func FetchProviders(ctx context.Context, nodeURL string) (market.Listing, error) {
	base, err := httpBase(nodeURL)
	if err != nil {
		return market.Listing{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/providers", nil)
	if err != nil {
		return market.Listing{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return market.Listing{}, fmt.Errorf("client: providers: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxListingBody))
	if err != nil {
		return market.Listing{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return market.Listing{}, fmt.Errorf("client: providers: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	var l market.Listing
	if err := json.Unmarshal(body, &l); err != nil {
		return market.Listing{}, fmt.Errorf("client: providers: %w", err)
	}
	return l, nil
}

// ProvidersFromChain reads the listing from the chain with paginated view calls at the latest
// block (no log scanning, as a mobile client would).
func ProvidersFromChain(ctx context.Context, chain *market.Chain) ([]market.ListedProvider, error) {
	ps, err := chain.AllProviders(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]market.ListedProvider, len(ps))
	for i, p := range ps {
		out[i] = market.ListProvider(p, now)
	}
	return out, nil
}

// httpBase turns a node URL (http, https, ws or wss; with or without /ws) into its HTTP base.
func httpBase(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("client: node URL %q", s)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	case "http", "https":
	default:
		return "", fmt.Errorf("client: node URL %q: want http(s) or ws(s)", s)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/ws")
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimSuffix(u.String(), "/"), nil
}

// ---------------------------------------------------------------- probing

// Candidate is a provider with what the client measured of it.
type Candidate struct {
	Provider market.ListedProvider
	// RTT is the best pn_nodeInfo round trip over an open websocket; 0 when not probed.
	RTT time.Duration
	// Err is why the provider cannot be used (unreachable, wrong node key); nil when usable.
	Err error
	// Score is the rank score from Rank: lower is better; +Inf for unusable candidates.
	Score float64
}

// ProbeOptions tune Probe.
type ProbeOptions struct {
	Timeout     time.Duration // per provider (dial, challenge and round trips); DefaultProbeTimeout
	Concurrency int           // providers probed at once; DefaultProbeConcurrency
	Tries       int           // round trips per provider, the best counts; DefaultProbeTries
}

// Probe measures every provider's RTT (the best of Tries pn_nodeInfo round trips on one
// websocket, after the handshake) and checks that its endpoint shows the registered node key in
// its challenge. Candidates come back in the input order.
func Probe(ctx context.Context, ps []market.ListedProvider, opts ProbeOptions) []Candidate {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultProbeTimeout
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultProbeConcurrency
	}
	if opts.Tries <= 0 {
		opts.Tries = DefaultProbeTries
	}
	out := make([]Candidate, len(ps))
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	for i, p := range ps {
		out[i].Provider = p
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			pctx, cancel := context.WithTimeout(ctx, opts.Timeout)
			defer cancel()
			out[i].RTT, out[i].Err = probe(pctx, p, opts.Tries)
		})
	}
	wg.Wait()
	return out
}

// probe dials one endpoint, checks the node key of its challenge and times pn_nodeInfo.
func probe(ctx context.Context, p market.ListedProvider, tries int) (time.Duration, error) {
	d := websocket.Dialer{HandshakeTimeout: DefaultProbeTimeout}
	ws, _, err := d.DialContext(ctx, p.Endpoint, nil)
	if err != nil {
		return 0, fmt.Errorf("client: probe %s: %w", p.Endpoint, err)
	}
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() { ws.SetReadDeadline(time.Now()) })
	defer stop()
	ws.SetReadLimit(1 << 20)
	var ch struct {
		Method string         `json:"method"`
		Params wire.Challenge `json:"params"`
	}
	if err := ws.ReadJSON(&ch); err != nil || ch.Method != wire.MethodChallenge {
		return 0, fmt.Errorf("client: probe %s: no challenge: %v", p.Endpoint, err)
	}
	if !bytes.Equal(ch.Params.NodeKey, p.NodeKey) {
		return 0, fmt.Errorf("%w: %s shows 0x%x", ErrWrongNodeKey, p.Endpoint, []byte(ch.Params.NodeKey))
	}
	best := time.Duration(math.MaxInt64)
	for i := range tries {
		start := time.Now()
		req := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":[]}`, i+1, wire.MethodNodeInfo)
		if err := ws.WriteMessage(websocket.TextMessage, []byte(req)); err != nil {
			return 0, fmt.Errorf("client: probe %s: %w", p.Endpoint, err)
		}
		for {
			var resp struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if err := ws.ReadJSON(&resp); err != nil {
				return 0, fmt.Errorf("client: probe %s: %w", p.Endpoint, err)
			}
			if resp.Method == "" && string(resp.ID) == strconv.Itoa(i+1) {
				break
			}
		}
		best = min(best, time.Since(start))
	}
	return best, nil
}

// ---------------------------------------------------------------- ranking

// Weights weigh the rank criteria; they need not sum to 1.
type Weights struct {
	Price, RTT, Capacity, Stake float64
}

// DefaultWeights favour price, then measured latency, then stake, then declared capacity.
var DefaultWeights = Weights{Price: 0.4, RTT: 0.3, Stake: 0.2, Capacity: 0.1}

// RankOptions filter and weigh candidates.
type RankOptions struct {
	Weights Weights // zero value: DefaultWeights
	// Service, when set ("push", "store"), drops providers that do not offer it.
	Service string
	// Token, when set, drops providers paid in another token (prices compare only within one).
	Token *common.Address
	// MaxPricePerKWakeups, when set, drops providers charging more per 1,000 wakeups: a client
	// never signs vouchers above the price it accepted.
	MaxPricePerKWakeups *big.Int
}

// Rank scores candidates and sorts them, best first. The score (lower is better) is
//
//	score = wPrice·n(price) + wRTT·n(rtt) + wCapacity·n'(capacity) + wStake·n'(stake)
//
// where n(x) = (x − min) / (max − min) and n'(x) = (max − x) / (max − min) over the usable
// candidates (both 0 when all are equal), so each term is 0 for the best and its weight for the
// worst. price is
// the price per 1,000 wakeups in force, rtt the measured round trip (the worst measured when not
// probed), capacity the declared wakeups per day and stake the provider's stake. Candidates with
// a probe error or filtered out get +Inf and sort last, in their input order; ties keep the input
// order.
func Rank(cands []Candidate, opts RankOptions) []Candidate {
	w := opts.Weights
	if w == (Weights{}) {
		w = DefaultWeights
	}
	out := append([]Candidate(nil), cands...)
	usable := func(c *Candidate) bool {
		p := c.Provider
		switch {
		case c.Err != nil:
			return false
		case opts.Service != "" && !p.HasService(opts.Service):
			return false
		case opts.Token != nil && p.Token != *opts.Token:
			return false
		case opts.MaxPricePerKWakeups != nil && p.Price.PerKWakeups.Int().Cmp(opts.MaxPricePerKWakeups) > 0:
			return false
		}
		return true
	}
	var price, rtt, capa, stake span
	for i := range out {
		if c := &out[i]; usable(c) {
			price.add(bigFloat(c.Provider.Price.PerKWakeups.Int()))
			if c.RTT > 0 {
				rtt.add(float64(c.RTT))
			}
			capa.add(float64(c.Provider.CapacityWakeupsPerDay))
			stake.add(bigFloat(c.Provider.Stake.Int()))
		}
	}
	for i := range out {
		c := &out[i]
		if !usable(c) {
			c.Score = math.Inf(1)
			continue
		}
		r := rtt.max // not probed: assume the worst measured
		if c.RTT > 0 {
			r = float64(c.RTT)
		}
		c.Score = w.Price*price.norm(bigFloat(c.Provider.Price.PerKWakeups.Int())) +
			w.RTT*rtt.norm(r) +
			w.Capacity*capa.normDesc(float64(c.Provider.CapacityWakeupsPerDay)) +
			w.Stake*stake.normDesc(bigFloat(c.Provider.Stake.Int()))
	}
	sort.SliceStable(out, func(i, k int) bool { return out[i].Score < out[k].Score })
	return out
}

type span struct {
	min, max float64
	set      bool
}

func (s *span) add(x float64) {
	if !s.set {
		s.min, s.max, s.set = x, x, true
		return
	}
	s.min, s.max = math.Min(s.min, x), math.Max(s.max, x)
}

func (s span) norm(x float64) float64 {
	if !s.set || s.max == s.min {
		return 0
	}
	return (x - s.min) / (s.max - s.min)
}

func (s span) normDesc(x float64) float64 {
	if !s.set || s.max == s.min {
		return 0
	}
	return (s.max - x) / (s.max - s.min)
}

func bigFloat(x *big.Int) float64 {
	f, _ := new(big.Float).SetInt(x).Float64()
	return f
}

// SortCandidates orders candidates by one criterion, for listings: "price" (per 1,000 wakeups,
// ascending), "stake" and "capacity" (descending), "rtt" (ascending; unprobed and unreachable
// last), "id". Ties keep id order.
func SortCandidates(cands []Candidate, by string) error {
	var less func(a, b *Candidate) int
	switch by {
	case "price":
		less = func(a, b *Candidate) int {
			return a.Provider.Price.PerKWakeups.Int().Cmp(b.Provider.Price.PerKWakeups.Int())
		}
	case "stake":
		less = func(a, b *Candidate) int { return b.Provider.Stake.Int().Cmp(a.Provider.Stake.Int()) }
	case "capacity":
		less = func(a, b *Candidate) int {
			return cmpU(b.Provider.CapacityWakeupsPerDay, a.Provider.CapacityWakeupsPerDay)
		}
	case "rtt":
		key := func(c *Candidate) time.Duration {
			if c.Err != nil || c.RTT <= 0 {
				return time.Duration(math.MaxInt64)
			}
			return c.RTT
		}
		less = func(a, b *Candidate) int { return cmpU(uint64(key(a)), uint64(key(b))) }
	case "id", "":
		less = func(a, b *Candidate) int { return 0 }
	default:
		return fmt.Errorf("client: sort by %q: want price, stake, capacity, rtt or id", by)
	}
	sort.SliceStable(cands, func(i, k int) bool {
		if c := less(&cands[i], &cands[k]); c != 0 {
			return c < 0
		}
		return cands[i].Provider.ID < cands[k].Provider.ID
	})
	return nil
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---------------------------------------------------------------- payment

// Payer signs cumulative vouchers for a payer's escrow with its own key or an authorised device
// key, one lane per device, and tops up each provider's credit in prepaid blocks.
type Payer struct {
	// Key signs: the payer's key, or a device key the payer authorised (authoriseSigner).
	Key *ecdsa.PrivateKey
	// Payer is whose escrow pays; zero means Key's address.
	Payer common.Address
	// Lane is this device's lane; each device signing for a payer needs its own.
	Lane uint64
	// Domain is the escrow's EIP-712 domain (chain id and escrow address), pinned by the app.
	Domain market.Domain
	// MaxBlock, when set, caps one top-up: a provider asking for more is refused.
	MaxBlock *big.Int

	mu   sync.Mutex
	sent map[uint64]*big.Int // highest cumulative signed per provider (this lane); guarded by mu
}

// ErrBlockTooLarge reports a provider asking for a larger top-up than MaxBlock.
var ErrBlockTooLarge = errors.New("client: provider asks for a block above MaxBlock")

func (p *Payer) payer() common.Address {
	if p.Payer != (common.Address{}) {
		return p.Payer
	}
	return crypto.PubkeyToAddress(p.Key.PublicKey)
}

// Sign signs a voucher for providerID in token raising this lane to cumulative.
func (p *Payer) Sign(providerID uint64, token common.Address, cumulative *big.Int) (market.SignedVoucher, error) {
	v := market.Voucher{Payer: p.payer(), ProviderID: providerID, Token: token, Lane: p.Lane, Cumulative: new(big.Int).Set(cumulative)}
	sig, err := market.SignVoucher(p.Key, p.Domain, v)
	if err != nil {
		return market.SignedVoucher{}, err
	}
	return market.SignedVoucher{Voucher: v, Signature: sig}, nil
}

// SubmitVoucher hands a signed voucher to the node (pn_submitVoucher).
func (c *Client) SubmitVoucher(ctx context.Context, sv market.SignedVoucher) (market.Credit, error) {
	var cr market.Credit
	err := c.Call(ctx, market.MethodSubmitVoucher, &cr, sv.JSON())
	return cr, err
}

// Credit returns a payer's credit on the node (pn_credit); the zero address asks for the
// session's payer.
func (c *Client) Credit(ctx context.Context, payer common.Address) (market.Credit, error) {
	var cr market.Credit
	var err error
	if payer == (common.Address{}) {
		err = c.Call(ctx, market.MethodCredit, &cr)
	} else {
		err = c.Call(ctx, market.MethodCredit, &cr, payer.Hex())
	}
	return cr, err
}

// TopUp reads the payer's credit on c's node and, when it is low, a wakeup is held or force is
// set, signs the next block (the node's nextBlock on top of this lane's cumulative) and submits
// it. It returns the credit after.
func (p *Payer) TopUp(ctx context.Context, c *Client, force bool) (market.Credit, error) {
	cr, err := c.Credit(ctx, p.payer())
	if err != nil {
		return cr, err
	}
	if !force && !cr.Low && cr.Held == 0 {
		return cr, nil
	}
	block := cr.NextBlock.Int()
	if block.Sign() == 0 {
		return cr, nil // nothing costs anything here
	}
	if p.MaxBlock != nil && block.Cmp(p.MaxBlock) > 0 {
		return cr, fmt.Errorf("%w: %s > %s", ErrBlockTooLarge, block, p.MaxBlock)
	}
	cum := new(big.Int)
	for _, l := range cr.Lanes {
		if l.Lane == p.Lane {
			cum = l.Cumulative.Int()
		}
	}
	p.mu.Lock()
	if s := p.sent[cr.ProviderID]; s != nil && s.Cmp(cum) > 0 {
		cum = new(big.Int).Set(s) // the node lost a voucher we signed: never sign below it
	}
	cum.Add(cum, block)
	if p.sent == nil {
		p.sent = make(map[uint64]*big.Int)
	}
	p.sent[cr.ProviderID] = new(big.Int).Set(cum)
	p.mu.Unlock()
	sv, err := p.Sign(cr.ProviderID, cr.Token, cum)
	if err != nil {
		return cr, err
	}
	return c.SubmitVoucher(ctx, sv)
}

// ---------------------------------------------------------------- pools

// PoolOptions configure OpenPool.
type PoolOptions struct {
	// Key is the session key used with every provider.
	Key *ecdsa.PrivateKey
	// Want is how many providers to connect (DefaultPoolSize: push registrations go to each, so
	// the app keeps working when one is down).
	Want int
	// TryTimeout bounds one attempt on one member before failing over; DefaultTryTimeout.
	TryTimeout time.Duration
	// Payer, when set, tops up a member's credit when it answers 40201 (and the call is retried)
	// and when the member sends pn_creditLow.
	Payer *Payer
	// Client is the template for each member's client options (URL and Key are set per member).
	Client Options
	Logger *slog.Logger
}

// Member is one provider of a pool.
type Member struct {
	Provider market.ListedProvider
	Client   *Client
}

// Pool keeps connections to several providers, best first, and fails over between them.
type Pool struct {
	opts    PoolOptions // static after OpenPool
	log     *slog.Logger
	members []*Member // static after OpenPool, in rank order
}

// OpenPool connects to the first Want usable candidates that accept a session, in order,
// checking that each shows its registered node key. It fails with ErrTooFewProviders (and no
// pool) when fewer than Want connect.
func OpenPool(ctx context.Context, ranked []Candidate, opts PoolOptions) (*Pool, error) {
	if opts.Key == nil {
		return nil, errors.New("client: pool needs a Key")
	}
	if opts.Want <= 0 {
		opts.Want = DefaultPoolSize
	}
	if opts.TryTimeout <= 0 {
		opts.TryTimeout = DefaultTryTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pool{opts: opts, log: log}
	var errs []error
	for _, c := range ranked {
		if len(p.members) == opts.Want {
			break
		}
		if c.Err != nil || math.IsInf(c.Score, 1) {
			continue
		}
		co := opts.Client
		co.URL, co.Key = c.Provider.Endpoint, opts.Key
		if opts.Payer != nil && co.OnCreditLow == nil {
			payer := opts.Payer
			co.OnCreditLow = func(ctx context.Context, cl *Client, _ market.CreditLowParams) {
				if _, err := payer.TopUp(ctx, cl, false); err != nil {
					log.Debug("top-up on pn_creditLow failed", "provider", c.Provider.ID, "err", err)
				}
			}
		}
		dctx, cancel := context.WithTimeout(ctx, opts.TryTimeout)
		cl, err := Dial(dctx, co)
		if err == nil {
			var info wire.NodeInfo
			if info, err = cl.NodeInfo(dctx); err == nil && !bytes.Equal(info.NodeKey, c.Provider.NodeKey) {
				err = fmt.Errorf("%w: %s", ErrWrongNodeKey, c.Provider.Endpoint)
			}
			if err != nil {
				cl.Close()
			}
		}
		cancel()
		if err != nil {
			log.Debug("provider skipped", "provider", c.Provider.ID, "err", err)
			errs = append(errs, fmt.Errorf("provider %d: %w", c.Provider.ID, err))
			continue
		}
		p.members = append(p.members, &Member{Provider: c.Provider, Client: cl})
	}
	if len(p.members) < opts.Want {
		p.Close()
		return nil, fmt.Errorf("%w: %d of %d: %w", ErrTooFewProviders, len(p.members), opts.Want, errors.Join(errs...))
	}
	return p, nil
}

// Members returns the pool's providers, best first.
func (p *Pool) Members() []*Member { return p.members }

// Close closes every member's connection.
func (p *Pool) Close() error {
	for _, m := range p.members {
		m.Client.Close()
	}
	return nil
}

// ShouldFailOver reports whether an error from one provider means trying the next: it is down
// or unreachable (dial errors, timeouts, a closed connection), rate-limiting (429xx) or
// unavailable (503xx).
func ShouldFailOver(err error) bool {
	if err == nil {
		return false
	}
	code := ErrorCode(err)
	switch {
	case code/100 == 429, code/100 == 503:
		return true
	case code != 0:
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errDisconnected) || errors.As(err, &ne) ||
		strings.Contains(err.Error(), "dial")
}

// Call performs a request on the best member that answers: a member that is down, rate-limits or
// is unavailable is skipped for the next. A 40201 (payment required) with a Payer set tops up
// that member and retries it once. It returns the member that answered.
func (p *Pool) Call(ctx context.Context, method string, result any, params ...any) (*Member, error) {
	var errs []error
	for _, m := range p.members {
		err := p.try(ctx, m, method, result, params)
		if err == nil {
			return m, nil
		}
		errs = append(errs, fmt.Errorf("provider %d: %w", m.Provider.ID, err))
		if !ShouldFailOver(err) || ctx.Err() != nil {
			return m, err
		}
		p.log.Debug("failing over", "provider", m.Provider.ID, "method", method, "err", err)
	}
	return nil, errors.Join(errs...)
}

func (p *Pool) try(ctx context.Context, m *Member, method string, result any, params []any) error {
	tctx, cancel := context.WithTimeout(ctx, p.opts.TryTimeout)
	defer cancel()
	err := m.Client.Call(tctx, method, result, params...)
	if ErrorCode(err) == 40201 && p.opts.Payer != nil {
		if _, terr := p.opts.Payer.TopUp(tctx, m.Client, true); terr != nil {
			return errors.Join(err, terr)
		}
		err = m.Client.Call(tctx, method, result, params...)
	}
	return err
}

// RegisterPush registers the installation with every member, so a wakeup token from any of them
// wakes the device while another is down. It returns each member's result by provider id and
// fails when fewer than two members (or fewer than the pool, if smaller) registered it.
func (p *Pool) RegisterPush(ctx context.Context, reg pushwire.Registration) (map[uint64]pushwire.RegisterResult, error) {
	out := make(map[uint64]pushwire.RegisterResult)
	var errs []error
	for _, m := range p.members {
		tctx, cancel := context.WithTimeout(ctx, p.opts.TryTimeout)
		res, err := m.Client.RegisterPush(tctx, reg)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("provider %d: %w", m.Provider.ID, err))
			continue
		}
		out[m.Provider.ID] = res
	}
	if need := min(2, len(p.members)); len(out) < need {
		return out, fmt.Errorf("%w: registered with %d providers: %w", ErrTooFewProviders, len(out), errors.Join(errs...))
	}
	return out, nil
}

// TopUp tops up the payer's credit with every member (see Payer.TopUp); call it on connect and
// after a wakeup. It returns the credits by provider id.
func (p *Pool) TopUp(ctx context.Context, payer *Payer, force bool) (map[uint64]market.Credit, error) {
	out := make(map[uint64]market.Credit)
	var errs []error
	for _, m := range p.members {
		tctx, cancel := context.WithTimeout(ctx, p.opts.TryTimeout)
		cr, err := payer.TopUp(tctx, m.Client, force)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("provider %d: %w", m.Provider.ID, err))
			continue
		}
		out[m.Provider.ID] = cr
	}
	return out, errors.Join(errs...)
}
