package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/gorilla/websocket"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/wire"
)

// docClock is the node clock during the conformance run, so that the
// timestamps and hashes written in docs/protocol.md are exact.
var docClock = time.Unix(0, 1700000000000000000)

// docStep is one checked example of docs/protocol.md: a frame to send or a
// frame to expect, on the "authed" or "anon" session.
type docStep struct {
	line    int
	send    bool
	session string
	body    string
}

// parseDocSteps extracts the examples marked with
// MARKER send|expect [session] --> followed by a ```json block, where MARKER
// is e.g. "<!-- conformance:" (the node suite) or "<!-- conformance-market:".
func parseDocSteps(t *testing.T, path, marker string) []docStep {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []docStep
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	var pending *docStep
	var inBlock bool
	var body strings.Builder
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, marker):
			fields := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(text, marker), "-->"))
			if len(fields) == 0 || (fields[0] != "send" && fields[0] != "expect") {
				t.Fatalf("%s:%d: bad conformance marker", path, line)
			}
			pending = &docStep{line: line, send: fields[0] == "send", session: "authed"}
			if len(fields) > 1 {
				pending.session = fields[1]
			}
		case pending != nil && !inBlock && strings.HasPrefix(text, "```json"):
			inBlock = true
			body.Reset()
		case inBlock && strings.HasPrefix(text, "```"):
			inBlock = false
			pending.body = body.String()
			steps = append(steps, *pending)
			pending = nil
		case inBlock:
			body.WriteString(text)
			body.WriteByte('\n')
		}
	}
	return steps
}

// matchDoc reports where got differs from the documented pattern. A string
// "<...>" in the pattern matches any value; objects must have exactly the
// documented keys.
func matchDoc(path string, want, got any) error {
	if s, ok := want.(string); ok && strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		if got == nil {
			return fmt.Errorf("%s: missing, want %s", path, s)
		}
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %v, want an object", path, got)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Errorf("%s.%s: not documented (value %v)", path, k, g[k])
			}
		}
		for k, wv := range w {
			if err := matchDoc(path+"."+k, wv, g[k]); err != nil {
				return err
			}
		}
		return nil
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want %d elements", path, got, len(w))
		}
		for i := range w {
			if err := matchDoc(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Errorf("%s: got %v, want %v", path, got, want)
	}
	return nil
}

func decodeLoose(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
	return v
}

// TestProtocolConformance drives a real node over real websockets through
// every marked example in docs/protocol.md, in order.
func TestProtocolConformance(t *testing.T) {
	steps := parseDocSteps(t, "../docs/protocol.md", "<!-- conformance:")
	if len(steps) < 20 {
		t.Fatalf("only %d conformance examples found", len(steps))
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	scfg := mailstore.DefaultConfig()
	scfg.Retention.Interval = 0
	store, err := mailstore.Open(t.TempDir(), scfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := DefaultConfig()
	cfg.ChainID = 1337
	cfg.LameDuckDuration = 0
	cfg.ProviderID = "1"
	key, _ := crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	srv, err := New(cfg, Deps{NodeKey: key, Store: store, Logger: log, Now: func() time.Time { return docClock }, Push: newDocPush(t, key, log)})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Run(ctx, ln) }()
	defer func() { cancel(); <-done }()
	n := &testNode{srv: srv, url: "ws://" + ln.Addr().String() + "/ws"}

	// "anon" reads its own challenge as the first documented example.
	ws, _, err := websocket.DefaultDialer.Dial(n.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	sessions := map[string]*rawClient{"anon": {t: t, ws: ws}, "authed": dialRaw(t, n)}
	// Authenticate "authed" with the documented session key.
	a := sessions["authed"]
	a.key, _ = crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if m := a.call(wire.MethodAuth, a.authParams(a.key)); m["error"] != nil {
		t.Fatalf("auth: %v", m)
	}
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
