package market

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
	"github.com/ethereum/go-ethereum/common/compiler"
	"github.com/ethereum/go-ethereum/crypto"
)

var (
	combinedJSON = filepath.Join("..", "contracts", "build", "combined.json")
	bindingsGo   = filepath.Join("bindings", "bindings.go")
	contractsDir = filepath.Join("..", "contracts")
)

// TestBindingsFresh regenerates market/bindings/bindings.go in memory from the checked-in
// combined.json exactly as `go generate ./market/bindings` (abigen --v2 --combined-json) does, and
// fails if the checked-in file differs.
func TestBindingsFresh(t *testing.T) {
	data, err := os.ReadFile(combinedJSON)
	if err != nil {
		t.Fatal(err)
	}
	contracts, err := compiler.ParseCombinedJSON(data, "", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	var types, abis, bins []string
	libs := map[string]string{}
	for name, c := range contracts { // as cmd/abigen does; BindV2 sorts its output
		parts := strings.Split(name, ":")
		typ := parts[len(parts)-1]
		abi, err := json.Marshal(c.Info.AbiDefinition)
		if err != nil {
			t.Fatal(err)
		}
		types, abis, bins = append(types, typ), append(abis, string(abi)), append(bins, c.Code)
		libs[crypto.Keccak256Hash([]byte(name)).String()[2:36]] = typ
	}
	code, err := abigen.BindV2(types, abis, bins, "bindings", libs, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(bindingsGo)
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != code {
		t.Fatalf("%s is stale: run `go generate ./market/bindings`", bindingsGo)
	}
	for _, want := range []string{"Registry", "Escrow", "TestToken"} {
		if !strings.Contains(code, "type "+want+" struct") {
			t.Errorf("bindings lack %s", want)
		}
	}
}

// TestGenerateDirective pins the go:generate line that produces bindings.go.
func TestGenerateDirective(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("bindings", "gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "//go:generate go tool abigen --v2 --combined-json ../../contracts/build/combined.json --pkg bindings --out bindings.go"
	if !strings.Contains(string(src), want) {
		t.Fatalf("gen.go lacks %q", want)
	}
}

// TestContractsCompileFresh recompiles the Solidity sources with the pinned solc (node
// compile.js --check) and fails if contracts/build/combined.json differs. Without node it skips,
// unless CI is set: then it fails, and it installs the npm packages (npm ci) when they are missing.
func TestContractsCompileFresh(t *testing.T) {
	t.Parallel() // runs node while the chain tests run
	if testing.Short() {
		t.Skip("recompiling the contracts takes a while; skipped in -short mode")
	}
	ci := os.Getenv("CI") != ""
	node, err := exec.LookPath("node")
	if err != nil {
		if ci {
			t.Fatal("CI is set but node is not installed: cannot check contracts/build/combined.json")
		}
		t.Skip("node is not installed: skipping the contracts freshness check (set CI=true to make this fatal)")
	}
	if _, err := os.Stat(filepath.Join(contractsDir, "node_modules", "solc")); errors.Is(err, os.ErrNotExist) {
		if !ci {
			t.Skip("contracts/node_modules is missing: run `cd contracts && npm ci` (set CI=true to install automatically)")
		}
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatal("CI is set but npm is not installed")
		}
		cmd := exec.CommandContext(t.Context(), npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = contractsDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	cmd := exec.CommandContext(t.Context(), node, "compile.js", "--check")
	cmd.Dir = contractsDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node compile.js --check: %v\n%s", err, out)
	}
}

// TestRevertTableComplete makes sure every custom error the contracts can raise decodes to a
// sentinel, so callers can always branch with errors.Is.
func TestRevertTableComplete(t *testing.T) {
	for _, a := range contractABIs {
		for name, e := range a.Errors {
			if revertSentinels[name] == nil {
				t.Errorf("error %s has no sentinel in revertSentinels", e.Sig)
			}
			var sel [4]byte
			copy(sel[:], e.ID[:4])
			if err := sentinelBySelector(sel); !errors.Is(err, revertSentinels[name]) {
				t.Errorf("selector of %s maps to %v", e.Sig, err)
			}
		}
	}
	for name := range revertSentinels {
		found := false
		for _, a := range contractABIs {
			if _, ok := a.Errors[name]; ok {
				found = true
			}
		}
		if !found {
			t.Errorf("revertSentinels lists %s, which no contract declares", name)
		}
	}
}

func TestDecodeRevert(t *testing.T) {
	esc := contractABIs[0]
	thaw := esc.Errors["ThawNotEnded"]
	args, err := thaw.Inputs.Pack(bigID(1234))
	if err != nil {
		t.Fatal(err)
	}
	batchErr := esc.Errors["InvalidBatchEntry"]
	var badSig [4]byte
	badID := esc.Errors["BadSignature"].ID
	copy(badSig[:], badID[:4])
	batchArgs, err := batchErr.Inputs.Pack(bigID(3), badSig)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		data     []byte
		want     error
		name     string
		checkArg func(*RevertError) bool
	}{
		"custom error with argument": {
			data: append(thaw.ID[:4:4], args...), want: ErrThawNotEnded, name: "ThawNotEnded",
			checkArg: func(e *RevertError) bool { return e.Uint(0).Int64() == 1234 },
		},
		"batch entry": {
			data: append(batchErr.ID[:4:4], batchArgs...), want: ErrBadSignature, name: "InvalidBatchEntry",
			checkArg: func(e *RevertError) bool {
				be, ok := errors.AsType[*BatchEntryError](e)
				return ok && be.Index == 3 && errors.Is(e, ErrInvalidBatchEntry)
			},
		},
		"require string": {
			data: append([]byte{0x08, 0xc3, 0x79, 0xa0}, mustPackString(t, "nope")...), want: ErrReverted, name: "Error",
			checkArg: func(e *RevertError) bool { return len(e.Args) == 1 && e.Args[0] == "nope" },
		},
		"unknown selector": {data: []byte{1, 2, 3, 4}, want: ErrReverted, name: ""},
		"too short":        {data: []byte{1, 2}, want: ErrReverted, name: ""},
		"empty":            {data: nil, want: ErrReverted, name: ""},
		"truncated args":   {data: thaw.ID[:4:4], want: ErrThawNotEnded, name: "ThawNotEnded"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := DecodeRevert(tt.data)
			if !errors.Is(e, tt.want) || !errors.Is(e, ErrReverted) || e.Name != tt.name {
				t.Fatalf("DecodeRevert = %v (name %q), want %v / %q", e, e.Name, tt.want, tt.name)
			}
			if tt.checkArg != nil && !tt.checkArg(e) {
				t.Fatalf("arguments of %v wrong: %#v", e, e.Args)
			}
			if e.Error() == "" {
				t.Fatal("empty message")
			}
		})
	}
	if err := decodeRevert(errors.New("plain")); err.Error() != "plain" {
		t.Fatalf("non-revert error changed: %v", err)
	}
}

func mustPackString(t *testing.T, s string) []byte {
	t.Helper()
	enc := make([]byte, 0, 96)
	word := func(n int) []byte {
		b := make([]byte, 32)
		b[31] = byte(n)
		return b
	}
	enc = append(enc, word(32)...)
	enc = append(enc, word(len(s))...)
	pad := make([]byte, 32)
	copy(pad, s)
	return append(enc, pad...)
}
