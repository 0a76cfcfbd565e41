package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/server/wire"
)

// buildPnode compiles this command once per test binary run.
var buildPnode = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pnode-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "pnode")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

var wsLine = regexp.MustCompile(`websocket:\s+(ws://\S+)`)

// nodeProc is a pnode running as a child process.
type nodeProc struct {
	cmd *exec.Cmd
	url string
}

// startProc runs `pnode run` on a fresh loopback port and waits for its banner.
func startProc(t *testing.T, dataDir string, extra ...string) *nodeProc {
	t.Helper()
	bin, err := buildPnode()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"run", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--log-level", "warn",
		"--publish-rate", "100000", "--publish-burst", "100000", "--history-rate", "10000", "--history-burst", "10000"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = t.Output()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := wsLine.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urls:
		return &nodeProc{cmd: cmd, url: u}
	case <-time.After(60 * time.Second):
		t.Fatal("pnode did not print its websocket URL")
	}
	return nil
}

// TestNothingAcknowledgedIsLost publishes concurrently, SIGKILLs the node
// mid-stream, restarts it on the same data directory and checks that every
// acknowledged envelope is served by pn_history.
func TestNothingAcknowledgedIsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts pnode processes")
	}
	dataDir := t.TempDir()
	n := startProc(t, dataDir)

	const publishers = 8
	ctx, cancel := context.WithCancel(t.Context())
	var mu sync.Mutex
	var acked []wire.Hash
	var wg sync.WaitGroup
	for p := range publishers {
		key, _ := crypto.GenerateKey()
		c, err := client.Dial(ctx, client.Options{URL: n.url, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				res, err := c.Publish(ctx, wire.Envelope{ContentTopic: fmt.Sprintf("/crash/1/%d/proto", p%3), Payload: fmt.Appendf(nil, "p%d-%d", p, i)})
				if err != nil {
					return // in flight at the kill: not acknowledged
				}
				mu.Lock()
				acked = append(acked, res.Hash)
				mu.Unlock()
			}
		})
	}
	// Let the publishers get going, then kill the node without warning.
	for {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= 2000 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n.cmd.Wait()
	cancel()
	wg.Wait()
	mu.Lock()
	hashes := append([]wire.Hash(nil), acked...)
	mu.Unlock()
	t.Logf("%d envelopes acknowledged before SIGKILL", len(hashes))

	n2 := startProc(t, dataDir)
	key, _ := crypto.GenerateKey()
	c, err := client.Dial(t.Context(), client.Options{URL: n2.url, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	found := 0
	for i := 0; i < len(hashes); i += wire.MaxHistoryHashes {
		chunk := hashes[i:min(i+wire.MaxHistoryHashes, len(hashes))]
		page, err := c.History(t.Context(), wire.HistoryParams{Hashes: chunk, HashesOnly: true, Limit: wire.MaxHistoryHashes})
		if err != nil {
			t.Fatal(err)
		}
		have := make(map[wire.Hash]bool)
		for _, e := range page.Envelopes {
			have[*e.Hash] = true
		}
		for _, h := range chunk {
			if !have[h] {
				t.Errorf("acknowledged envelope %v lost", h)
			}
		}
		found += len(page.Envelopes)
	}
	if found != len(hashes) {
		t.Fatalf("found %d of %d acknowledged envelopes", found, len(hashes))
	}
}

// TestCleanShutdown: SIGTERM makes the node tell clients to reconnect,
// flush and exit 0.
func TestCleanShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts pnode processes")
	}
	n := startProc(t, t.TempDir(), "--lame-duck-duration", "200ms")
	key, _ := crypto.GenerateKey()
	c, err := client.Dial(t.Context(), client.Options{URL: n.url, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Publish(t.Context(), wire.Envelope{ContentTopic: "t", Payload: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("pnode did not exit after SIGTERM")
	}
}
