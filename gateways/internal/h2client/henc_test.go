package h2client

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/http2/hpack"
)

// TestHeaderEncoderSameBytes encodes random blocks with headerEncoder and
// with a plain hpack.Encoder side by side. Every field but a never-indexed
// one must come out as the same bytes; a never-indexed one is written
// without Huffman coding. A decoder must read back every block, names,
// values and the never-indexed flag, which also shows that both ends'
// dynamic tables stay in step. The blocks mix repeated values (which
// headerEncoder sends from memory), changing values, never-indexed fields,
// values large enough to evict, and table resizes.
func TestHeaderEncoderSameBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{":method", ":authority", "authorization", "apns-topic", "apns-priority", "x-a", "x-b", ":path", "apns-id"}
	token := "bearer " + strings.Repeat("t", 200)
	value := func(name string) string {
		switch rng.IntN(10) {
		case 0:
			return fmt.Sprintf("v%d", rng.IntN(1000)) // a new value: added to the table
		case 1:
			return strings.Repeat("e", 100+rng.IntN(1900)) // evicts; long lengths take several bytes
		}
		if name == "authorization" {
			return token
		}
		return "v-" + name // a value that repeats
	}

	h := newHeaderEncoder()
	var plainBuf bytes.Buffer
	plain := hpack.NewEncoder(&plainBuf)
	dec := hpack.NewDecoder(4096, nil)
	fromMemory, literals := 0, 0
	for i := range 20000 {
		if rng.IntN(500) == 0 {
			size := uint32(rng.IntN(8192))
			h.setMaxTableSize(size)
			plain.SetMaxDynamicTableSizeLimit(size)
			dec.SetAllowedMaxDynamicTableSize(size)
		}
		h.reset()
		plainBuf.Reset()
		var fields []hpack.HeaderField
		for range 1 + rng.IntN(8) {
			n := names[rng.IntN(len(names))]
			f := hpack.HeaderField{Name: n, Value: value(n), Sensitive: n == ":path" || n == "apns-id" || rng.IntN(20) == 0}
			fields = append(fields, f)
			seen, ok := h.seen[f.Name]
			if !f.Sensitive && ok && seen.gen == h.gen && seen.value == f.Value {
				fromMemory++
			}
			hStart, pStart := h.buf.Len(), plainBuf.Len()
			direct := f.Sensitive && !h.pending
			h.writeField(f)
			plain.WriteField(f)
			got, want := h.block()[hStart:], plainBuf.Bytes()[pStart:]
			if direct {
				literals++
				if got[0]&0xf0 != 0x10 {
					t.Fatalf("block %d: %s written as %x, not a never-indexed literal", i, f.Name, got)
				}
				continue
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("block %d: %s: headerEncoder wrote %x, hpack.Encoder %x", i, f.Name, got, want)
			}
		}
		got, err := dec.DecodeFull(h.block())
		if err != nil {
			t.Fatalf("block %d: decoding: %v", i, err)
		}
		if !slices.Equal(got, fields) {
			t.Fatalf("block %d: decoded %v, sent %v", i, got, fields)
		}
	}
	// Both shortcuts must be taken, or the comparison above shows nothing.
	if fromMemory < 10000 || literals < 10000 {
		t.Fatalf("%d fields were sent from memory and %d as direct literals", fromMemory, literals)
	}
}

func BenchmarkHeaderEncoder(b *testing.B) {
	fields := []hpack.HeaderField{
		{Name: ":method", Value: "POST"},
		{Name: ":scheme", Value: "https"},
		{Name: ":authority", Value: "api.push.apple.com"},
		{Name: ":path", Value: "/3/device/" + strings.Repeat("ab", 32), Sensitive: true},
		{Name: "apns-id", Value: "2b4f8a4e-8c1a-4f7e-9c55-0d0c2b6a5e11", Sensitive: true},
		{Name: "apns-topic", Value: "im.status.ethereum"},
		{Name: "apns-push-type", Value: "background"},
		{Name: "apns-priority", Value: "5"},
		{Name: "authorization", Value: "bearer " + strings.Repeat("t", 200)},
		{Name: "content-length", Value: "62"},
	}
	b.Run("plain", func(b *testing.B) {
		var buf bytes.Buffer
		enc := hpack.NewEncoder(&buf)
		for b.Loop() {
			buf.Reset()
			for _, f := range fields {
				enc.WriteField(f)
			}
		}
	})
	b.Run("remembered", func(b *testing.B) {
		h := newHeaderEncoder()
		for b.Loop() {
			h.reset()
			for _, f := range fields {
				h.writeField(f)
			}
		}
	})
}
