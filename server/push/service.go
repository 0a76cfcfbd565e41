package push

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/crypto/ecies"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// Errors callers branch on. The server maps them to client codes.
var (
	ErrBadRegistration      = errors.New("push: bad registration")
	ErrUnknownApp           = errors.New("push: unknown app")
	ErrBadDeviceToken       = errors.New("push: device token malformed for its gateway")
	ErrStaleVersion         = errors.New("push: registration version not newer than the stored one")
	ErrUnknownInstallation  = errors.New("push: no such installation")
	ErrTooManyInstallations = errors.New("push: too many installations for this owner")
	ErrTooManyWakeTokens    = errors.New("push: too many wakeup tokens for this installation")
	ErrUnknownWakeToken     = errors.New("push: unknown or revoked wakeup token")
	ErrQueueFull            = errors.New("push: queue full")
	ErrShuttingDown         = errors.New("push: shutting down")
	ErrUnavailable          = errors.New("push: store unavailable")
	ErrBadRelay             = errors.New("push: malformed relay request")
	ErrRelayAuth            = errors.New("push: relay signature invalid")
	ErrRelayForbidden       = errors.New("push: node not allowed to relay")
	ErrUnknownRelayApp      = errors.New("push: no credential for the relayed app")
	ErrDeadToken            = errors.New("push: device token is dead")
	ErrRelaySkew            = errors.New("push: relay request time too far from the clock")
)

// RateError is a rate-limit refusal; RetryAfter is the time until a token is
// available. It matches ErrRateLimited.
type RateError struct {
	RetryAfter time.Duration
	PerIP      bool
}

// ErrRateLimited is matched by every *RateError.
var ErrRateLimited = errors.New("push: rate limited")

func (e *RateError) Error() string {
	return fmt.Sprintf("push: rate limited, retry after %v", e.RetryAfter)
}
func (e *RateError) Is(target error) bool { return target == ErrRateLimited }

// QueueFullRetryAfter is the Retry-After sent with ErrQueueFull.
const QueueFullRetryAfter = 5 * time.Second

// App is one app the node can wake: a gateway credential (Sender), or, in
// upstream mode, a last-hop node that holds the credential.
type App struct {
	// ID is what registrations name in appId.
	ID string
	// Gateway is "apns" or "fcm": the push service the app's tokens are for.
	Gateway string
	// Sender delivers the app's wakeups; nil in upstream mode.
	Sender gateways.Sender
	// PushType is the default for registrations that name none.
	PushType gateways.PushType
	// AlertTitle and AlertBody are the generic text of alert wakeups.
	AlertTitle, AlertBody string
	// Upstream, when set, forwards the app's wakeups to a last hop.
	Upstream *Upstream
}

// Upstream is a last-hop node for an app this node has no credential for.
type Upstream struct {
	// URL is the last hop's relay endpoint, https://host/v1/relay (http
	// only for loopback hosts).
	URL string
	// NodeKey is the last hop's node key: clients seal device tokens to it.
	NodeKey *ecdsa.PublicKey
	// Client sends the relay requests; nil means a client with the
	// config's SendTimeout and the system roots.
	Client *http.Client
}

// Deps are the push service's collaborators, built by the caller.
type Deps struct {
	// NodeKey decrypts sealed registrations and relayed tokens and signs
	// receipts and relay requests. Required.
	NodeKey *ecdsa.PrivateKey
	// StorageKey (32 bytes) encrypts device tokens at rest. Required.
	StorageKey []byte
	// Apps the node can wake.
	Apps []App
	// Logger receives the service's logs. Required.
	Logger *slog.Logger
	// Registry receives the metrics; nil means a private registry.
	Registry prometheus.Registerer
	// Now is the clock (coalescing, retries, receipts); nil means time.Now.
	Now func() time.Time
	// Credit, when set, meters wakeups against their payer's credit; a
	// wakeup it refuses is held, not dropped (see credit.go).
	Credit Credit
}

// poolID names a worker pool: one per gateway, plus relay for upstream apps.
type poolID uint8

const (
	poolAPNs poolID = iota
	poolFCM
	poolRelay
	numPools
)

var poolNames = [numPools]string{"apns", "fcm", "relay"}

func (p poolID) String() string { return poolNames[p] }

// appState is an App with its credential state. Lock order: Service.closeMu,
// then an owner stripe, then appState.mu.
type appState struct {
	App
	pool poolID // static after construction

	mu          sync.Mutex
	pausedUntil time.Time // quota back-off; guarded by mu
	authDown    bool      // credential refused; guarded by mu
	probing     bool      // a probe send is in flight; guarded by mu
	probeAt     time.Time // next probe; guarded by mu
	parked      []*job    // waiting for the credential; guarded by mu
}

// Service is the push relay: registrations, wakeup tokens, the durable
// queue, the worker pools and the receipt chains, in one pebble store.
// It is safe for concurrent use.
type Service struct {
	cfg      Config                  // static after construction
	log      *slog.Logger            // static after construction
	now      func() time.Time        // static after construction
	key      *ecdsa.PrivateKey       // static after construction
	eciesKey *ecies.PrivateKey       // static after construction
	nodeAddr common.Address          // static after construction
	aead     cipher.AEAD             // static after construction
	apps     map[string]*appState    // static after construction
	allow    map[common.Address]bool // static after construction; empty = any node
	credit   Credit                  // static after construction; nil = no metering
	db       *pebble.DB
	spacer   syncSpacer // the store's fsync spacing
	metrics  *metrics

	pools   [numPools]chan *job // ready jobs; capacity >= every job that can exist
	sched   *scheduler
	acks    *ackQueue
	pending atomic.Int64  // jobs in the store's queue
	nextSeq atomic.Uint64 // last job sequence number used

	// pruneMu keeps Receipts from reading a chain while the pruner drops
	// part of it.
	pruneMu     sync.RWMutex
	batchesFrom uint64       // batch records below this are dropped; guarded by pruneMu
	busy        atomic.Int64 // jobs a worker is processing

	missingApps sync.Map // error text -> true: missing apps are logged once

	wakeLimits  *limiter
	relayLimits *limiter
	coalesce    coalescer

	stripes [numStripes]sync.Mutex // per-owner locks for read-check-write of registrations
	regGens [numStripes]atomic.Uint64
	regs    *readCache[*regRecord] // by regKey; values are never mutated
	wakeGen atomic.Uint64
	wakes   *readCache[wakeTarget] // by wake token hash

	headMu   sync.Mutex
	durable  map[common.Address]uint64 // receipt chain heads known synced; guarded by headMu
	batchSeq uint64                    // last receipt batch id; owned by ackLoop after Open

	closeMu sync.RWMutex
	closing bool // guarded by closeMu

	started  bool // set by Start
	ctx      context.Context
	cancel   context.CancelFunc
	workers  sync.WaitGroup
	services sync.WaitGroup // scheduler and acker
	reloaded []*job         // jobs found in the store by Open; dispatched by Start
}

// Open opens (or creates) the push store in dir and reloads every queued
// wakeup. It starts no goroutines: Start does.
func Open(dir string, cfg Config, deps Deps) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("push config: %w", err)
	}
	if deps.NodeKey == nil || deps.Logger == nil || len(deps.StorageKey) != 32 {
		return nil, errors.New("push: NodeKey, Logger and a 32-byte StorageKey are required")
	}
	block, err := aes.NewCipher(deps.StorageKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{
		cfg:      cfg,
		log:      deps.Logger.With("component", "push"),
		now:      now,
		key:      deps.NodeKey,
		eciesKey: ecies.ImportECDSA(deps.NodeKey),
		nodeAddr: crypto.PubkeyToAddress(deps.NodeKey.PublicKey),
		aead:     aead,
		apps:     make(map[string]*appState),
		allow:    make(map[common.Address]bool),
		credit:   deps.Credit,
		acks:     newAckQueue(),
		durable:  make(map[common.Address]uint64),
		regs:     newReadCache[*regRecord](),
		wakes:    newReadCache[wakeTarget](),
	}
	for _, a := range cfg.RelayAllow {
		s.allow[common.HexToAddress(a)] = true
	}
	for _, a := range deps.Apps {
		if err := s.addApp(a); err != nil {
			return nil, err
		}
	}
	s.wakeLimits = newLimiter(now)
	s.relayLimits = newLimiter(now)
	s.coalesce.m = make(map[instKey]int64)
	reg := deps.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	opts := &pebble.Options{
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebbleLogger{s.log},
		// The block cache's budget also covers the memtables: without room
		// above them, no block stays cached and every read decompresses.
		CacheSize: cacheSize,
		// Queue entries live for milliseconds: a larger memtable lets most
		// of them be set and deleted before a flush writes them out.
		MemTableSize: memTableSize,
		// Synced commits arriving while an fsync is pending share it
		// (pebble's commit pipeline groups them); under load, spacing the
		// fsyncs makes the groups larger (syncSpacer).
		WALMinSyncInterval: s.spacer.interval,
	}
	// Queue records are deleted milliseconds after they are written, so
	// flushed tables are dense with their tombstones, and pebble would
	// rewrite them just to drop those. Nothing iterates over the queue's
	// keys but the scan at open, and ordinary compactions drop the
	// tombstones at the bottom level anyway.
	opts.Experimental.TombstoneDenseCompactionThreshold = -1
	for i := range opts.Levels {
		// Point reads (registrations, tokens, receipts) skip tables by filter.
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	s.db, err = pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("push: open %s: %w", dir, err)
	}
	if err := s.load(); err != nil {
		return nil, errors.Join(err, s.db.Close())
	}
	if s.metrics, err = newMetrics(reg, s); err != nil {
		return nil, errors.Join(err, s.db.Close())
	}
	s.metrics.registrations.Set(float64(s.countRegistrations()))
	capacity := max(cfg.QueueSize, len(s.reloaded)) + 1
	for p := range s.pools {
		s.pools[p] = make(chan *job, capacity)
	}
	s.sched = newScheduler(now, s.dispatch)
	s.log.Info("push store opened", "dir", dir, "apps", len(s.apps), "queued", len(s.reloaded))
	return s, nil
}

func (s *Service) addApp(a App) error {
	if !pushwire.ValidID(a.ID, pushwire.MaxAppIDLen) {
		return fmt.Errorf("push: app id %q invalid", a.ID)
	}
	if _, dup := s.apps[a.ID]; dup {
		return fmt.Errorf("push: app %q configured twice", a.ID)
	}
	st := &appState{App: a}
	switch {
	case a.Upstream != nil:
		if a.Upstream.NodeKey == nil || a.Upstream.URL == "" {
			return fmt.Errorf("push: app %q: upstream needs a URL and a node key", a.ID)
		}
		if a.Upstream.Client == nil {
			a.Upstream.Client = &http.Client{Timeout: s.cfg.SendTimeout}
			st.App = a
		}
		st.pool = poolRelay
	case a.Sender == nil:
		return fmt.Errorf("push: app %q has neither a sender nor an upstream", a.ID)
	case a.Gateway == pushwire.GatewayAPNs:
		st.pool = poolAPNs
	case a.Gateway == pushwire.GatewayFCM:
		st.pool = poolFCM
	}
	if a.Gateway != pushwire.GatewayAPNs && a.Gateway != pushwire.GatewayFCM {
		return fmt.Errorf("push: app %q: gateway %q is not apns or fcm", a.ID, a.Gateway)
	}
	if a.PushType == gateways.Alert && a.AlertTitle == "" && a.AlertBody == "" {
		return fmt.Errorf("push: app %q: alert wakeups need a generic alert title or body", a.ID)
	}
	s.apps[a.ID] = st
	return nil
}

// load checks the storage key against the store and reloads the queue.
func (s *Service) load() error {
	v, closer, err := s.db.Get(keyCheckKey)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if err := s.db.Set(keyCheckKey, s.seal(keyCheckPlain, keyCheckKey), pebble.Sync); err != nil {
			return fmt.Errorf("push: write key check: %w", err)
		}
	case err != nil:
		return fmt.Errorf("push: read key check: %w", err)
	default:
		_, err := s.open(v, keyCheckKey)
		closer.Close()
		if err != nil {
			return errors.New("push: the storage key does not match the push store (was storage.key replaced?)")
		}
	}
	if s.batchSeq, err = s.storedBatchSeq(); err != nil {
		return fmt.Errorf("push: read batch counter: %w", err)
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{famJob}, UpperBound: []byte{famJob + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != 9 {
			return fmt.Errorf("%w: job key", errCorrupt)
		}
		seq := beUint64(k[1:])
		j, err := decodeJob(seq, it.Value())
		if err != nil {
			return err
		}
		s.reloaded = append(s.reloaded, j)
		s.nextSeq.Store(max(s.nextSeq.Load(), seq))
	}
	s.pending.Store(int64(len(s.reloaded)))
	return it.Error()
}

// seal encrypts plain with the storage key, bound to the record key.
func (s *Service) seal(plain, recordKey []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plain, recordKey)
}

// open decrypts what seal produced for the same record key.
func (s *Service) open(sealed, recordKey []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errCorrupt
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], recordKey)
}

// Start starts the worker pools, the retry scheduler and the acknowledger,
// and dispatches the wakeups reloaded by Open. Close stops them.
func (s *Service) Start() {
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.started = true
	s.services.Go(func() { s.sched.run(s.ctx) })
	s.services.Go(s.ackLoop)
	if s.cfg.ReceiptRetention > 0 {
		s.services.Go(s.pruneLoop)
	}
	for p := range s.pools {
		for range s.cfg.Workers {
			s.workers.Go(func() { s.workLoop(poolID(p)) })
		}
	}
	for _, j := range s.reloaded {
		s.schedule(j)
	}
	s.reloaded = nil
}

// Close stops accepting wakeups, lets the workers send what is ready for up
// to DrainTimeout (or until ctx is done), stops every goroutine, writes the
// last acknowledgements and closes the store. Wakeups still queued are sent
// after the next Start.
func (s *Service) Close(ctx context.Context) error {
	s.closeMu.Lock()
	if s.closing {
		s.closeMu.Unlock()
		return nil
	}
	s.closing = true
	s.closeMu.Unlock()
	if s.started {
		dctx, cancel := context.WithTimeout(ctx, s.cfg.DrainTimeout)
		s.drain(dctx)
		cancel()
		s.cancel()
		s.workers.Wait()
		s.acks.close() // the acknowledger writes what the workers finished, then exits
		s.services.Wait()
	}
	left := s.pending.Load()
	err := s.db.Close()
	s.log.Info("push store closed", "queued", left)
	return err
}

// drain waits until no job is ready or being sent, or ctx is done.
func (s *Service) drain(ctx context.Context) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		ready := 0
		for _, ch := range s.pools {
			ready += len(ch)
		}
		if ready == 0 && s.busy.Load() == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Info describes the apps and limits, for pn_pushInfo.
func (s *Service) Info() pushwire.Info {
	info := pushwire.Info{
		Apps:             make([]pushwire.App, 0, len(s.apps)),
		MaxTopics:        pushwire.MaxTopics,
		CoalesceMs:       s.cfg.CoalesceWindow.Milliseconds(),
		MaxWakeBody:      s.cfg.MaxWakeBody,
		MaxWakeTokens:    s.cfg.MaxWakeTokens,
		MaxInstallations: s.cfg.MaxInstallations,
	}
	for _, a := range s.apps {
		pa := pushwire.App{AppID: a.ID, Gateway: a.Gateway}
		if a.Upstream != nil {
			pa.UpstreamKey = crypto.CompressPubkey(a.Upstream.NodeKey)
		}
		info.Apps = append(info.Apps, pa)
	}
	sortApps(info.Apps)
	return info
}

// MaxWakeBody is the largest wake request body accepted.
func (s *Service) MaxWakeBody() int { return s.cfg.MaxWakeBody }

// memTableSize is the push store's memtable size.
const memTableSize = 32 << 20

// cacheSize is the push store's block cache, two memtables included.
const cacheSize = 2*memTableSize + 32<<20

// numStripes is the number of per-owner locks.
const numStripes = 64

func stripeOf(owner common.Address) int { return int(owner[19]) % numStripes }

func (s *Service) stripe(owner common.Address) *sync.Mutex { return &s.stripes[stripeOf(owner)] }

type pebbleLogger struct{ log *slog.Logger }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(format, args...)))
}
func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error(strings.TrimSpace(fmt.Sprintf(format, args...)))
}
func (l pebbleLogger) Fatalf(format string, args ...any) {
	l.log.Error(strings.TrimSpace(fmt.Sprintf(format, args...)))
	panic(fmt.Sprintf(format, args...))
}
