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

// encoderPair runs a headerEncoder and a plain hpack.Encoder side by side
// and decodes the headerEncoder's blocks. Every field but a never-indexed
// one must come out as the same bytes; a never-indexed one is written
// without Huffman coding. The decoder must read back every block: names,
// values and the never-indexed flag, which also shows that both ends'
// dynamic tables stay in step.
type encoderPair struct {
	h          *headerEncoder
	plainBuf   bytes.Buffer
	plain      *hpack.Encoder
	dec        *hpack.Decoder
	fields     []hpack.HeaderField
	fromMemory int // fields sent as remembered index bytes
	literals   int // never-indexed fields written directly
}

func newEncoderPair() *encoderPair {
	p := &encoderPair{h: newHeaderEncoder(), dec: hpack.NewDecoder(4096, nil)}
	p.plain = hpack.NewEncoder(&p.plainBuf)
	return p
}

func (p *encoderPair) resize(size uint32) {
	p.h.setMaxTableSize(size)
	p.plain.SetMaxDynamicTableSizeLimit(size)
	p.dec.SetAllowedMaxDynamicTableSize(size)
}

func (p *encoderPair) field(t testing.TB, f hpack.HeaderField) {
	t.Helper()
	if len(p.fields) == 0 {
		p.h.reset()
		p.plainBuf.Reset()
	}
	p.fields = append(p.fields, f)
	if seen, ok := p.h.seen[f.Name]; !f.Sensitive && ok && seen.gen == p.h.gen && seen.value == f.Value {
		p.fromMemory++
	}
	hStart, pStart := p.h.buf.Len(), p.plainBuf.Len()
	direct := f.Sensitive && !p.h.pending
	p.h.writeField(f)
	p.plain.WriteField(f)
	got, want := p.h.block()[hStart:], p.plainBuf.Bytes()[pStart:]
	if direct {
		p.literals++
		if got[0]&0xf0 != 0x10 {
			t.Fatalf("%s written as %x, not a never-indexed literal", f.Name, got)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: headerEncoder wrote %x, hpack.Encoder %x", f.Name, got, want)
	}
}

func (p *encoderPair) endBlock(t testing.TB) {
	t.Helper()
	if len(p.fields) == 0 {
		return
	}
	got, err := p.dec.DecodeFull(p.h.block())
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if !slices.Equal(got, p.fields) {
		t.Fatalf("decoded %v, sent %v", got, p.fields)
	}
	p.fields = p.fields[:0]
}

var encoderTestNames = []string{":method", ":authority", "authorization", "apns-topic", "apns-priority", "x-a", "x-b", ":path", "apns-id"}

// TestHeaderEncoderSameBytes runs an encoderPair over random blocks that mix
// repeated values (which headerEncoder sends from memory), changing values,
// never-indexed fields, values large enough to evict, and table resizes.
func TestHeaderEncoderSameBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
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
	p := newEncoderPair()
	for range 20000 {
		if rng.IntN(500) == 0 {
			p.resize(uint32(rng.IntN(8192)))
		}
		for range 1 + rng.IntN(8) {
			n := encoderTestNames[rng.IntN(len(encoderTestNames))]
			p.field(t, hpack.HeaderField{Name: n, Value: value(n), Sensitive: n == ":path" || n == "apns-id" || rng.IntN(20) == 0})
		}
		p.endBlock(t)
	}
	// Both shortcuts must be taken, or the comparison shows nothing.
	if p.fromMemory < 10000 || p.literals < 10000 {
		t.Fatalf("%d fields were sent from memory and %d as direct literals", p.fromMemory, p.literals)
	}
}

// FuzzHeaderEncoder runs an encoderPair over blocks that the input spells:
// each byte picks a name (low 4 bits), whether the field is never-indexed
// (bit 4), its value (bits 5-6: the name's usual value, a value from the
// next byte, a long value whose length the next byte sets, or a table
// resize to the next byte times 32) and whether the block ends (bit 7).
func FuzzHeaderEncoder(f *testing.F) {
	f.Add([]byte{0x00, 0x02, 0x83, 0x00, 0x02, 0x83})
	f.Add([]byte{0x27, 0x05, 0x80, 0x60, 0x00, 0x88, 0x42, 0xff, 0x82})
	f.Add([]byte{0x60, 0x10, 0x12, 0x92, 0x21, 0x01, 0xa1, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := newEncoderPair()
		next := func(i *int) byte {
			if *i+1 < len(data) {
				*i++
				return data[*i]
			}
			return 0
		}
		for i := 0; i < len(data); i++ {
			b := data[i]
			name := encoderTestNames[int(b&0x0f)%len(encoderTestNames)]
			var v string
			switch b >> 5 & 3 {
			case 0:
				v = "v-" + name
			case 1:
				v = fmt.Sprintf("v%d", next(&i))
			case 2:
				v = strings.Repeat("e", 16*int(next(&i)))
			case 3:
				p.endBlock(t) // a size update belongs between blocks
				p.resize(uint32(next(&i)) * 32)
				continue
			}
			p.field(t, hpack.HeaderField{Name: name, Value: v, Sensitive: b&0x10 != 0})
			if b&0x80 != 0 {
				p.endBlock(t)
			}
		}
		p.endBlock(t)
	})
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
