// Command pnctl is the operator and user CLI for pnode.
//
//	pnctl keys new [--out FILE]              create a session key (file mode 0600)
//	pnctl keys show                          print the address of the configured key
//	pnctl info                               print the node's self-description
//	pnctl publish --topic T [MESSAGE]        publish MESSAGE (or stdin) durably
//	pnctl tail --topic T [--topic T2]        print live envelopes; resumes across reconnects
//	pnctl history --topic T [--since 1h]     page through stored envelopes
//	pnctl wake [--ttl 1h] URL                send a test wakeup to a wake URL
//
// The node URL comes from --url or PNCTL_URL (default ws://127.0.0.1:8549/ws).
// The session key comes from --key-file or PNCTL_KEY (hex); it is never
// taken from the command line. Without either, a throwaway key is used.
package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/server/wire"
)

const defaultURL = "ws://127.0.0.1:8549/ws"

// maxStdinMessage caps a message read from stdin.
const maxStdinMessage = 16 << 20

const usage = `usage: pnctl <command> [flags]

commands:
  keys new [--out FILE]     create a session key
  keys show                 print the configured key's address
  info                      print the node's self-description
  publish --topic T [MSG]   publish MSG (or stdin) and wait for the durable ack
  tail --topic T ...        print live envelopes (resumes without gaps after reconnects)
  history --topic T ...     page through stored envelopes
  market <command> ...      on-chain market: register, price, stake, exit, deposit, thaw, withdraw, ... (pnctl market help)
  providers [--sort price]  list providers from the chain (--rpc) or a node (--url), probed and sorted
  wake URL                  send a test wakeup to a node's /v1/wake/{token} URL

common flags: --url (env PNCTL_URL), --key-file (env PNCTL_KEY holds a hex key)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pnctl:", err)
		}
		os.Exit(1)
	}
}

// env abstracts os.Getenv for tests.
type env func(string) string

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "node" && len(rest) > 0 { // "pnctl node tail" == "pnctl tail"
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "keys":
		return runKeys(rest, stdout, stderr, getenv)
	case "info":
		return runInfo(ctx, rest, stdout, stderr, getenv)
	case "publish":
		return runPublish(ctx, rest, stdin, stdout, stderr, getenv)
	case "tail":
		return runTail(ctx, rest, stdout, stderr, getenv)
	case "history":
		return runHistory(ctx, rest, stdout, stderr, getenv)
	case "market":
		return runMarket(ctx, rest, stdout, stderr, getenv)
	case "providers":
		return runProviders(ctx, rest, stdout, stderr, getenv)
	case "wake":
		return runWake(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// common holds the flags shared by the node commands.
type common struct {
	url     string
	keyFile string
	jsonOut bool
	timeout time.Duration
}

func (c *common) register(fs *flag.FlagSet, getenv env) {
	url := getenv("PNCTL_URL")
	if url == "" {
		url = defaultURL
	}
	fs.StringVar(&c.url, "url", url, "node websocket URL (env PNCTL_URL)")
	fs.StringVar(&c.keyFile, "key-file", "", "session key file (hex); env PNCTL_KEY may hold the key instead")
	fs.BoolVar(&c.jsonOut, "json", false, "print JSON lines")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "request timeout")
}

// loadKey reads the session key from --key-file or PNCTL_KEY, or makes a
// throwaway one.
func loadKey(file string, getenv env, stderr io.Writer) (*ecdsa.PrivateKey, error) {
	if file != "" {
		k, err := crypto.LoadECDSA(file)
		if err != nil {
			return nil, fmt.Errorf("key file: %w", err)
		}
		return k, nil
	}
	if h := strings.TrimPrefix(strings.TrimSpace(getenv("PNCTL_KEY")), "0x"); h != "" {
		k, err := crypto.HexToECDSA(h)
		if err != nil {
			return nil, errors.New("PNCTL_KEY: not a hex secp256k1 key")
		}
		return k, nil
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, "pnctl: no --key-file or PNCTL_KEY; using a throwaway session key")
	return k, nil
}

func (c *common) dial(ctx context.Context, getenv env, stderr io.Writer) (*client.Client, error) {
	key, err := loadKey(c.keyFile, getenv, stderr)
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return client.Dial(dctx, client.Options{URL: c.url, Key: key, RequestTimeout: c.timeout})
}

func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	return fs.Parse(args)
}

func runKeys(args []string, stdout, stderr io.Writer, getenv env) error {
	if len(args) == 0 {
		return errors.New("keys: want 'new' or 'show'")
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "new":
		out := fs.String("out", "", "write the key to this file (mode 0600); default: print nothing secret, write ./pnctl.key")
		if err := parse(fs, args[1:], stderr); err != nil {
			return err
		}
		path := *out
		if path == "" {
			path = "pnctl.key"
		}
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("keys new: %s exists; refusing to overwrite", path)
		}
		k, err := crypto.GenerateKey()
		if err != nil {
			return err
		}
		if err := crypto.SaveECDSA(path, k); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "address: %s\nkey file: %s\n", crypto.PubkeyToAddress(k.PublicKey).Hex(), path)
		return nil
	case "show":
		file := fs.String("key-file", "", "session key file")
		if err := parse(fs, args[1:], stderr); err != nil {
			return err
		}
		k, err := loadKey(*file, getenv, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "address: %s\npublic key: 0x%s\n", crypto.PubkeyToAddress(k.PublicKey).Hex(), hex.EncodeToString(crypto.CompressPubkey(&k.PublicKey)))
		return nil
	}
	return fmt.Errorf("keys: unknown subcommand %q", args[0])
}

func runInfo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var c common
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	c.register(fs, getenv)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	cl, err := c.dial(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer cl.Close()
	info, err := cl.NodeInfo(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(info)
}

// topics is a repeatable --topic flag.
type topics []string

func (t *topics) String() string     { return strings.Join(*t, ",") }
func (t *topics) Set(s string) error { *t = append(*t, s); return nil }

func runPublish(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) error {
	var c common
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	c.register(fs, getenv)
	topic := fs.String("topic", "", "content topic (required)")
	pubsub := fs.String("pubsub", "", "pubsub topic")
	ephemeral := fs.Bool("ephemeral", false, "relay live only, do not store")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *topic == "" {
		return errors.New("publish: --topic is required")
	}
	var payload []byte
	if fs.NArg() > 0 {
		payload = []byte(strings.Join(fs.Args(), " "))
	} else {
		b, err := io.ReadAll(io.LimitReader(stdin, maxStdinMessage+1))
		if err != nil {
			return err
		}
		if len(b) > maxStdinMessage {
			return fmt.Errorf("publish: message larger than %d bytes", maxStdinMessage)
		}
		payload = b
	}
	cl, err := c.dial(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer cl.Close()
	res, err := cl.Publish(ctx, wire.Envelope{ContentTopic: *topic, PubsubTopic: *pubsub, Payload: payload, Ephemeral: *ephemeral})
	if err != nil {
		return err
	}
	if c.jsonOut {
		return json.NewEncoder(stdout).Encode(res)
	}
	state := "stored"
	switch {
	case res.Duplicate:
		state = "duplicate (already stored)"
	case !res.Stored:
		state = "relayed (ephemeral)"
	}
	fmt.Fprintf(stdout, "%s %s\n", res.Hash, state)
	return nil
}

func printEnvelope(w io.Writer, e wire.Envelope, jsonOut bool) error {
	if jsonOut {
		return json.NewEncoder(w).Encode(e)
	}
	h := ""
	if e.Hash != nil {
		h = e.Hash.String()[:18]
	} else {
		h = e.ComputeHash().String()[:18]
	}
	ts := time.Unix(0, e.Timestamp).UTC().Format(time.RFC3339Nano)
	_, err := fmt.Fprintf(w, "%s %s %s %q\n", ts, h, e.ContentTopic, printable(e.Payload))
	return err
}

// printable shows short text payloads as text and others as a length.
func printable(p []byte) string {
	if len(p) <= 200 && isText(p) {
		return string(p)
	}
	return fmt.Sprintf("<%d bytes>", len(p))
}

func isText(p []byte) bool {
	for _, b := range p {
		if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

func runTail(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var c common
	var ts topics
	fs := flag.NewFlagSet("tail", flag.ContinueOnError)
	c.register(fs, getenv)
	fs.Var(&ts, "topic", "content topic (repeat for several, up to 10)")
	pubsub := fs.String("pubsub", "", "pubsub topic filter")
	count := fs.Int("n", 0, "exit after this many envelopes (0: run until Ctrl-C)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if len(ts) == 0 {
		return errors.New("tail: --topic is required")
	}
	cl, err := c.dial(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer cl.Close()
	sub, err := cl.Subscribe(ctx, wire.SubscribeParams{ContentTopics: ts, PubsubTopic: *pubsub})
	if err != nil {
		return err
	}
	defer sub.Close()
	seen := 0
	for {
		select {
		case e, ok := <-sub.C():
			if !ok {
				return sub.Err()
			}
			if err := printEnvelope(stdout, e, c.jsonOut); err != nil {
				return err
			}
			if seen++; *count > 0 && seen >= *count {
				return nil
			}
		case <-ctx.Done():
			return nil
		}
	}
}

func runHistory(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var c common
	var ts topics
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	c.register(fs, getenv)
	fs.Var(&ts, "topic", "content topic (repeat for several, up to 10)")
	pubsub := fs.String("pubsub", "", "pubsub topic filter")
	since := fs.Duration("since", 24*time.Hour, "start this long ago")
	until := fs.Duration("until", 0, "end this long ago (0: now)")
	limit := fs.Int("limit", 100, "page size")
	max := fs.Int("max", 0, "stop after this many envelopes (0: all)")
	forward := fs.Bool("forward", false, "oldest first (default newest first)")
	hashesOnly := fs.Bool("hashes-only", false, "print hashes and times only")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if len(ts) == 0 {
		return errors.New("history: --topic is required")
	}
	cl, err := c.dial(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer cl.Close()
	now := time.Now()
	q := wire.HistoryParams{ContentTopics: ts, PubsubTopic: *pubsub, StartTime: now.Add(-*since).UnixNano(), Forward: *forward, Limit: *limit, HashesOnly: *hashesOnly}
	if *until > 0 {
		q.EndTime = now.Add(-*until).UnixNano()
	}
	n := 0
	errStop := errors.New("stop")
	err = cl.HistoryAll(ctx, q, func(e wire.Envelope) error {
		if err := printEnvelope(stdout, e, c.jsonOut); err != nil {
			return err
		}
		if n++; *max > 0 && n >= *max {
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}
