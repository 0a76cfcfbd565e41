package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/server"
	"github.com/pnmarket/pnmarket/server/mailstore"
)

func startNode(t *testing.T) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := mailstore.Open(t.TempDir(), mailstore.DefaultConfig(), log)
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	cfg.LameDuckDuration = 0
	key, _ := crypto.GenerateKey()
	srv, err := server.New(cfg, server.Deps{NodeKey: key, Store: store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; store.Close() })
	return "ws://" + ln.Addr().String() + "/ws"
}

func pnctl(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(t.Context(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return out.String(), err
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k")
	out, err := pnctl(t, nil, "", "keys", "new", "--out", path)
	if err != nil || !strings.Contains(out, "address: 0x") {
		t.Fatalf("keys new: %q %v", out, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi, err)
	}
	if _, err := pnctl(t, nil, "", "keys", "new", "--out", path); err == nil {
		t.Fatal("keys new overwrote an existing key")
	}
	show, err := pnctl(t, nil, "", "keys", "show", "--key-file", path)
	if err != nil || !strings.Contains(show, strings.Split(out, "\n")[0][len("address: "):]) {
		t.Fatalf("keys show: %q %v", show, err)
	}
	if _, err := pnctl(t, map[string]string{"PNCTL_KEY": "zz"}, "", "keys", "show"); err == nil {
		t.Fatal("bad PNCTL_KEY accepted")
	}
}

func TestPublishHistoryTail(t *testing.T) {
	url := startNode(t)
	env := map[string]string{"PNCTL_URL": url}
	out, err := pnctl(t, env, "", "publish", "--topic", "/cli/1/t/proto", "hello", "world")
	if err != nil || !strings.Contains(out, "stored") {
		t.Fatalf("publish: %q %v", out, err)
	}
	out, err = pnctl(t, env, "from stdin", "publish", "--topic", "/cli/1/t/proto")
	if err != nil || !strings.HasPrefix(out, "0x") {
		t.Fatalf("publish stdin: %q %v", out, err)
	}
	out, err = pnctl(t, env, "", "history", "--topic", "/cli/1/t/proto", "--forward")
	if err != nil || !strings.Contains(out, `"hello world"`) || !strings.Contains(out, `"from stdin"`) || strings.Index(out, "hello") > strings.Index(out, "stdin") {
		t.Fatalf("history: %q %v", out, err)
	}
	out, err = pnctl(t, env, "", "history", "--topic", "/cli/1/t/proto", "--json", "--max", "1")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"contentTopic":"/cli/1/t/proto"`) {
		t.Fatalf("history json: %q %v", out, err)
	}
	// tail: exits after one live envelope.
	done := make(chan string, 1)
	go func() {
		o, err := pnctl(t, env, "", "tail", "--topic", "/cli/1/live/proto", "-n", "1")
		if err != nil {
			o = err.Error()
		}
		done <- o
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pnctl(t, env, "", "publish", "--topic", "/cli/1/live/proto", "live!")
		select {
		case o := <-done:
			if !strings.Contains(o, `"live!"`) {
				t.Fatalf("tail: %q", o)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("tail printed nothing")
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":      {},
		"unknown":         {"frobnicate"},
		"publish topic":   {"publish", "x"},
		"history topic":   {"history"},
		"keys subcommand": {"keys", "lose"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := pnctl(t, nil, "", args...); err == nil {
				t.Fatal("no error")
			}
		})
	}
}
