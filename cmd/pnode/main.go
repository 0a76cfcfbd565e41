// Command pnode runs a pnmarket provider node: the websocket JSON-RPC API
// and the embedded mailserver.
//
//	pnode dev                      a complete local node with embedded defaults
//	pnode run --config pnode.yaml  a production node
//	pnode run --config pnode.yaml --check-config
//
// Every setting is a YAML key, a --flag and a PNODE_* environment variable,
// with one spelling: max-skew, --max-skew, PNODE_MAX_SKEW. Precedence:
// defaults < file < environment < flags.
package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/mailstore"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := realMain(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pnode:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode maps errors to process exit codes: 2 for usage and config errors.
func exitCode(err error) int {
	var ce configError
	if errors.As(err, &ce) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

type configError struct{ error }

func (e configError) Unwrap() error { return e.error }

const usage = `usage: pnode <command> [flags]

commands:
  dev        run a complete local node with embedded defaults (data in ./pnode-data/dev)
  run        run a production node: pnode run --config pnode.yaml
  version    print the version

Run "pnode run -h" for every setting.
`

func realMain(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return configError{errors.New("missing command")}
	}
	switch args[0] {
	case "dev":
		return runNode(args[1:], true, stdout, stderr)
	case "run":
		return runNode(args[1:], false, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "pnode", version)
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return configError{fmt.Errorf("unknown command %q", args[0])}
}

// config is the whole node configuration, assembled from the packages'
// configs.
type config struct {
	DataDir   string
	LogFormat string
	LogLevel  string
	// DebugListen serves Go's /debug/pprof profiles on their own listener
	// (empty: off). Profiles show memory contents: bind it to loopback.
	DebugListen string
	Server      server.Config
	Store       mailstore.Config
	Push        pushSettings
	Market      marketSettings
}

func defaultConfig(dev bool) config {
	c := config{
		DataDir:   "/var/lib/pnode",
		LogFormat: "json",
		LogLevel:  "info",
		Server:    server.DefaultConfig(),
		Store:     mailstore.DefaultConfig(),
		Push:      defaultPushSettings(),
		Market:    defaultMarketSettings(dev),
	}
	c.Server.Listen = ":8549"
	c.Server.Version = version
	if dev {
		c.DataDir = filepath.Join("pnode-data", "dev")
		c.LogFormat = "text"
		c.Server.Listen = server.DefaultListen
		c.Server.ChainID = 1337
	}
	return c
}

// bind declares every setting on c.
func bind(c *config) *settings {
	s := &settings{}
	s.str(&c.DataDir, "data-dir", "directory for the store and the node key")
	s.str(&c.LogFormat, "log-format", "json or text")
	s.str(&c.LogLevel, "log-level", "debug, info, warn or error")
	s.str(&c.DebugListen, "debug-listen", "listen address for /debug/pprof (empty: off; keep it on loopback)")

	sc := &c.Server
	s.str(&sc.Listen, "listen", "HTTP and websocket listen address")
	s.str(&sc.MetricsListen, "metrics-listen", "separate listen address for /metrics (empty: serve it on listen)")
	s.int(&sc.MaxFrameBytes, "max-frame-bytes", "largest websocket message accepted")
	s.int(&sc.MaxBatch, "max-batch", "most requests in one JSON-RPC batch")
	s.int(&sc.MaxPayload, "max-payload", "largest envelope payload in bytes")
	s.duration(&sc.MaxSkew, "max-skew", "how far an envelope timestamp may be from the node clock")
	s.duration(&sc.AuthTimeout, "auth-timeout", "time a new connection has to authenticate")
	s.duration(&sc.PingInterval, "ping-interval", "websocket keepalive interval")
	s.duration(&sc.WriteTimeout, "write-timeout", "deadline for every websocket write")
	s.int(&sc.SendQueueFrames, "send-queue-frames", "pending frames before a session is closed as slow")
	s.int(&sc.SendQueueBytes, "send-queue-bytes", "pending bytes before a session is closed as slow")
	s.int(&sc.MaxSubsPerSession, "max-subs-per-session", "live subscriptions per session")
	s.int(&sc.MaxInflight, "max-inflight", "concurrently executing requests per session")
	s.int(&sc.HistoryLimit, "history-limit", "default history page size")
	s.int(&sc.HistoryMaxLimit, "history-max-limit", "largest history page size")
	s.float(&sc.PublishRate, "publish-rate", "publishes per second per session key")
	s.int(&sc.PublishBurst, "publish-burst", "publish burst per session key")
	s.float(&sc.HistoryRate, "history-rate", "history pages per second per session key")
	s.int(&sc.HistoryBurst, "history-burst", "history burst per session key")
	s.float(&sc.IPRateFactor, "ip-rate-factor", "per-IP limits as a multiple of the per-key limits")
	s.int(&sc.MaxConnsPerIP, "max-conns-per-ip", "concurrent websocket connections per IP")
	s.duration(&sc.LameDuckDuration, "lame-duck-duration", "window over which sessions are closed on shutdown")
	s.duration(&sc.ShutdownTimeout, "shutdown-timeout", "bound on the whole shutdown")
	s.uint64(&sc.ChainID, "chain-id", "chain id announced to clients")
	s.str(&sc.ProviderID, "provider-id", "market provider id announced to clients")

	st := &c.Store
	s.duration(&st.Retention.MaxAge, "retention-max-age", "drop envelopes older than this (0: keep)")
	s.int64(&st.Retention.MaxBytes, "retention-max-bytes", "drop oldest envelopes past this total size (0: unlimited)")
	s.int64(&st.Retention.MaxCount, "retention-max-count", "drop oldest envelopes past this count (0: unlimited)")
	s.duration(&st.Retention.Interval, "retention-interval", "how often retention runs")
	s.duration(&st.BucketSize, "store-bucket-size", "time bucket width, the pruning unit (fixed at store creation)")
	s.int64(&st.CacheSize, "store-cache-bytes", "store block cache size")
	bindPush(s, &c.Push)
	bindMarket(s, &c.Market)
	return s
}

// loadConfig applies defaults, the file, the environment and the flags, in
// that order of precedence. It returns the config, whether --check-config
// was given, and the settings for printing.
func loadConfig(args []string, dev bool, environ []string, stderr io.Writer) (config, bool, *settings, error) {
	c := defaultConfig(dev)
	s := bind(&c)
	fs := flag.NewFlagSet("pnode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "YAML config file (settings use the flag names as keys)")
	check := fs.Bool("check-config", false, "validate the configuration, print it (secrets redacted) and exit")
	s.register(fs)
	if err := fs.Parse(args); err != nil {
		return c, false, s, configError{err}
	}
	if fs.NArg() > 0 {
		return c, false, s, configError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	// Remember the flags' values: the file and environment are applied to
	// the same fields next, and the flags then win.
	flagVals := make(map[string]string)
	fs.Visit(func(f *flag.Flag) { flagVals[f.Name] = f.Value.String() })
	if *path != "" {
		if err := s.applyFile(*path); err != nil {
			return c, *check, s, configError{err}
		}
	} else if !dev && *check {
		return c, true, s, configError{errors.New("--check-config needs --config FILE")}
	}
	if err := s.applyEnv(environ); err != nil {
		return c, *check, s, configError{err}
	}
	for name, v := range flagVals {
		if st := s.byName[name]; st != nil {
			if err := st.value.Set(v); err != nil {
				return c, *check, s, configError{fmt.Errorf("--%s: %w", name, err)}
			}
		}
	}
	if err := c.validate(); err != nil {
		return c, *check, s, configError{err}
	}
	return c, *check, s, nil
}

func (c config) validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir: required"))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("log-format: %q is not json or text", c.LogFormat))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if err := c.Server.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Store.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Push.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Market.validate(false, c.Server.ProviderID); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func newLogger(c config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runNode loads the config, builds the node and serves until SIGINT/SIGTERM.
func runNode(args []string, dev bool, stdout, stderr io.Writer) error {
	c, check, s, err := loadConfig(args, dev, os.Environ(), stderr)
	if check {
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, s.dump())
		apps, err := checkPush(context.Background(), c, newLogger(c, stderr))
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, apps)
		fmt.Fprintln(stdout, "# configuration OK")
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(c, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, c, dev, log, stdout)
}

// serve builds the node from c and runs it until ctx is done. It closes the
// store only after the server has stopped, so every acknowledged write is
// flushed.
func serve(ctx context.Context, c config, dev bool, log *slog.Logger, stdout io.Writer) error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	key, err := loadOrCreateKey(filepath.Join(c.DataDir, "node.key"))
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	store, err := mailstore.Open(filepath.Join(c.DataDir, "store"), c.Store, log)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	reg.MustRegister(store.Collectors()...)
	// Deferred after the store's close, so it runs first: the push queue
	// drains after the server stopped accepting, before the stores close.
	// The market closes after the push relay, which charges wakeups until it stops.
	mk, err := openMarket(ctx, c, dev, key, reg, log)
	if err != nil {
		return err
	}
	defer mk.close()
	pn, err := openPush(ctx, c, dev, key, reg, log, mk.credit())
	if err != nil {
		return err
	}
	defer pn.close(ctx)
	deps := server.Deps{NodeKey: key, Store: store, Logger: log, Registry: reg, DevHandler: pn.dev}
	if pn.svc != nil {
		deps.Push = pn.svc
	}
	mk.apply(&deps)
	srv, err := server.New(c.Server, deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if c.Server.MetricsListen != "" {
		mln, err := net.Listen("tcp", c.Server.MetricsListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics listen: %w", err)
		}
		stopMetrics := serveMetrics(mln, srv)
		defer stopMetrics()
	}
	if c.DebugListen != "" {
		dln, err := net.Listen("tcp", c.DebugListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("debug listen: %w", err)
		}
		log.Info("pprof listening", "addr", dln.Addr().String())
		stopDebug := serveDebug(dln)
		defer stopDebug()
	}
	abs, _ := filepath.Abs(c.DataDir)
	addr := ln.Addr().String()
	printBanner(stdout, dev, addr, crypto.CompressPubkey(&key.PublicKey), abs)
	pn.printBanner(stdout, "http://"+bannerHost(addr))
	if err := mk.start(ctx, addr); err != nil {
		ln.Close()
		return err
	}
	mk.printBanner(stdout, "http://"+bannerHost(addr))
	log.Info("node started", "listen", addr, "data_dir", abs)
	err = srv.Run(ctx, ln)
	log.Info("node stopped; store flushed on close")
	return err
}

// bannerHost makes a listen address printable as a local URL host.
func bannerHost(addr string) string {
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		return "127.0.0.1" + addr[strings.LastIndex(addr, ":"):]
	}
	return addr
}

func printBanner(w io.Writer, dev bool, addr string, nodeKey []byte, dataDir string) {
	host := bannerHost(addr)
	mode := "run"
	if dev {
		mode = "dev"
	}
	fmt.Fprintf(w, "pnode %s (%s)\n", version, mode)
	fmt.Fprintf(w, "  websocket:  ws://%s/ws\n", host)
	fmt.Fprintf(w, "  dashboard:  http://%s/\n", host)
	fmt.Fprintf(w, "  node key:   0x%x\n", nodeKey)
	fmt.Fprintf(w, "  data dir:   %s\n", dataDir)
	fmt.Fprintf(w, "press Ctrl-C to stop\n")
}

// loadOrCreateKey reads the node key, creating it (mode 0600) on first run.
func loadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	key, err := crypto.LoadECDSA(path)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("node key %s: %w", path, err)
	}
	key, err = crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := crypto.SaveECDSA(path, key); err != nil {
		return nil, fmt.Errorf("save node key: %w", err)
	}
	return key, nil
}

// serveDebug serves the runtime profiles under /debug/pprof/ on their own
// listener until the returned function is called.
func serveDebug(ln net.Listener) func() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return serveMux(ln, mux)
}

// serveMetrics serves /metrics on its own listener until the returned
// function is called.
func serveMetrics(ln net.Listener, srv *server.Server) func() {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	return serveMux(ln, mux)
}

// serveMux serves mux on ln until the returned function is called.
func serveMux(ln net.Listener, mux *http.ServeMux) func() {
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: server.DefaultReadHeaderTimeout}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	return func() { hs.Close(); <-done }
}
