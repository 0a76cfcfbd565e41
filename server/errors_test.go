package server

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pnmarket/pnmarket/server/wire"
)

// TestErrorTableGolden pins the stable error codes: a code may be added,
// never renumbered, renamed or reused. Rewrite with UPDATE_GOLDEN=1 only when
// adding a code.
func TestErrorTableGolden(t *testing.T) {
	codes := make([]Code, 0, len(errorTable))
	for c := range errorTable {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	for _, c := range codes {
		info := errorTable[c]
		fmt.Fprintf(&b, "%d %s rpc=%d\n", c, info.Name, info.RPC)
	}
	const path = "testdata/errors.golden"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Every pinned line must still be present exactly; new lines may be added.
	got := b.String()
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("pinned error code changed or removed: %q", line)
		}
	}
	if got != string(want) {
		t.Errorf("error table grew; run with UPDATE_GOLDEN=1 and document the new codes in docs/protocol.md")
	}
}

// TestErrorTableDocumented checks docs/protocol.md lists every code.
func TestErrorTableDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	for c, info := range errorTable {
		if !strings.Contains(string(doc), fmt.Sprintf("| %d | %s |", c, info.Name)) {
			t.Errorf("code %d %s missing from the error table in docs/protocol.md", c, info.Name)
		}
	}
}

func TestToWire(t *testing.T) {
	tests := map[string]struct {
		err  error
		code Code
		rpc  int
	}{
		"wrapped typed":   {fmt.Errorf("ctx: %w", errCode(CodeBadCursor)), CodeBadCursor, -32602},
		"parse sentinel":  {wire.ErrParse, CodeParse, -32700},
		"params sentinel": {fmt.Errorf("x: %w", wire.ErrInvalidParams), CodeInvalidParams, -32602},
		"unknown":         {errors.New("disk on fire at /secret/path"), CodeInternal, -32603},
		"unknown code":    {&Error{Code: 12345}, CodeInternal, -32603},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			we := toWire(tt.err)
			if we.Data.Code != int(tt.code) || we.Code != tt.rpc {
				t.Fatalf("toWire = %+v / %+v", we, we.Data)
			}
			if strings.Contains(we.Message, "secret") {
				t.Fatalf("internal detail leaked: %q", we.Message)
			}
		})
	}
	we := toWire(&Error{Code: CodeRateLimited, RetryAfter: 1500 * time.Millisecond})
	if we.Data.RetryAfter != 2 {
		t.Fatalf("retry_after = %d, want 2 (rounded up)", we.Data.RetryAfter)
	}
}
