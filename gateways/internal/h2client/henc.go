package h2client

import (
	"bytes"

	"golang.org/x/net/http2/hpack"
)

// maxRemembered bounds how many header names a headerEncoder remembers an
// indexed representation for.
const maxRemembered = 64

// headerEncoder is a connection's HPACK encoder. Most fields of a push
// request repeat on every request of a connection (method, authority, the
// provider token, topic, push type, priority) and, once in the dynamic
// table, are sent as a one- or two-byte index. Finding that index costs
// hpack.Encoder two hash lookups of name and value per field, the ~200-byte
// provider token included. headerEncoder remembers, per name, the last
// value that was sent as an index and the bytes of that index, and sends
// them again without asking the encoder, for as long as the dynamic table
// has not changed: an index names the same entry until an entry is added
// (which renumbers them all) or the table is resized (which may evict).
// gen counts those changes. The bytes are exactly those the encoder would
// write: it adds nothing to the table for an indexed field, and with no
// change to the table its lookup returns the same index.
//
// Never-indexed fields (Config.NeverIndex: the device token's path, the
// push id) are unique per request, and headerEncoder writes them itself,
// without Huffman coding: that would save about a quarter of their ~120
// bytes a request, for about 2.5 ns a byte of CPU. Such a literal leaves
// the dynamic table as it is, so the encoder's state stays right.
type headerEncoder struct {
	enc     *hpack.Encoder
	buf     bytes.Buffer // the block being encoded
	gen     uint64       // changes to the dynamic table so far
	seen    map[string]indexedField
	names   map[string][]byte // name -> never-indexed literal up to its value
	pending bool              // a table size update is owed at the start of a block
}

// indexedField is one remembered indexed representation.
type indexedField struct {
	value string
	gen   uint64
	n     uint8
	b     [6]byte // an index needs 1 to 5 bytes
}

func newHeaderEncoder() *headerEncoder {
	h := &headerEncoder{seen: make(map[string]indexedField), names: make(map[string][]byte)}
	h.enc = hpack.NewEncoder(&h.buf)
	return h
}

// reset starts a new header block.
func (h *headerEncoder) reset() { h.buf.Reset() }

// block returns the block encoded since reset.
func (h *headerEncoder) block() []byte { return h.buf.Bytes() }

// setMaxTableSize applies the peer's SETTINGS_HEADER_TABLE_SIZE.
func (h *headerEncoder) setMaxTableSize(v uint32) {
	h.enc.SetMaxDynamicTableSizeLimit(v)
	h.gen++ // the table may shrink, and a size update is owed
	h.pending = true
}

// writeField appends f to the block.
func (h *headerEncoder) writeField(f hpack.HeaderField) {
	if f.Sensitive && !h.pending {
		h.buf.Write(h.neverIndexedName(f.Name))
		h.buf.Write(appendInt(h.buf.AvailableBuffer(), 7, 0, uint64(len(f.Value))))
		h.buf.WriteString(f.Value)
		return
	}
	if e, ok := h.seen[f.Name]; ok && !f.Sensitive && e.gen == h.gen && e.value == f.Value {
		h.buf.Write(e.b[:e.n])
		return
	}
	start := h.buf.Len()
	h.enc.WriteField(f) // writes to a bytes.Buffer: cannot fail
	h.pending = false
	out := h.buf.Bytes()[start:]
	switch b := out[0]; {
	case b&0x80 != 0: // indexed header field (RFC 7541 §6.1)
		if f.Sensitive || len(out) > len(indexedField{}.b) {
			return
		}
		if _, ok := h.seen[f.Name]; !ok && len(h.seen) >= maxRemembered {
			return
		}
		e := indexedField{value: f.Value, gen: h.gen, n: uint8(len(out))}
		copy(e.b[:], out)
		h.seen[f.Name] = e
	case b&0xc0 == 0x40, b&0xe0 == 0x20:
		// A literal with incremental indexing adds an entry (§6.2.1); a
		// dynamic table size update (§6.3) may evict.
		h.gen++
	}
}

// neverIndexedName returns the start of a never-indexed literal for name
// (RFC 7541 §6.2.3): the name as an index into the static table, or as a
// literal. The dynamic table is not used, so the bytes never change; they
// are what a fresh encoder writes for the name with an empty value.
func (h *headerEncoder) neverIndexedName(name string) []byte {
	if p, ok := h.names[name]; ok {
		return p
	}
	var buf bytes.Buffer
	hpack.NewEncoder(&buf).WriteField(hpack.HeaderField{Name: name, Sensitive: true})
	p := buf.Bytes()
	p = p[:len(p)-1] // the empty value's length byte
	if len(h.names) < maxRemembered {
		h.names[name] = p
	}
	return p
}

// appendInt appends i as an HPACK integer with an n-bit prefix (RFC 7541
// §5.1) in a first byte whose other bits are first.
func appendInt(b []byte, n uint, first byte, i uint64) []byte {
	limit := uint64(1)<<n - 1
	if i < limit {
		return append(b, first|byte(i))
	}
	b = append(b, first|byte(limit))
	for i -= limit; i >= 128; i >>= 7 {
		b = append(b, byte(i&0x7f|0x80))
	}
	return append(b, byte(i))
}
