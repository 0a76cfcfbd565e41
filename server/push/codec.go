package push

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Key families of the push store. Every key starts with one family byte.
//
//	'r' owner(20) inst                 -> registration (regRecord)
//	't' len(topic)(2) topic owner(20) inst -> nil   watched-topic index
//	'w' sha256(wake token)(32)         -> owner(20) inst
//	'x' owner(20) len(inst)(1) inst sha256(wake token)(32) -> nil   tokens of an installation
//	'q' seq(8)                         -> job
//	'h' payer(20)                      -> receipt chain head: seq(8) hash(32)
//	'R' payer(20) seq(8)               -> receipt (receiptRecord)
//	'B' batch(8)                       -> receipt batch: root, signature, leaves
//	'P' payer(20)                      -> chain base: seq(8) hash(32) of the last receipt dropped
//	'D' sha256(sealed token)(32)       -> unix ms: sealed tokens found dead (last hop)
//	'M' name                           -> metadata (storage key check, counters)
const (
	famReg       = 'r'
	famTopic     = 't'
	famWake      = 'w'
	famWakeByReg = 'x'
	famJob       = 'q'
	famHead      = 'h'
	famReceipt   = 'R'
	famBatch     = 'B'
	famBase      = 'P'
	famDead      = 'D'
	famMeta      = 'M'
)

var (
	errCorrupt    = errors.New("push: corrupt record")
	keyCheckKey   = []byte{famMeta, 'k'}
	nextBatchKey  = []byte{famMeta, 'b'}
	keyCheckPlain = []byte("pnode push storage key check v1")
)

func regKey(owner common.Address, inst string) []byte {
	return appendRegKey(make([]byte, 0, 1+20+len(inst)), owner, inst)
}

func appendRegKey(k []byte, owner common.Address, inst string) []byte {
	k = append(k, famReg)
	k = append(k, owner[:]...)
	return append(k, inst...)
}

func ownerPrefix(fam byte, owner common.Address) []byte {
	k := make([]byte, 0, 21)
	k = append(k, fam)
	return append(k, owner[:]...)
}

func topicPrefix(topic string) []byte {
	k := make([]byte, 0, 3+len(topic))
	k = append(k, famTopic)
	k = binary.BigEndian.AppendUint16(k, uint16(len(topic)))
	return append(k, topic...)
}

func topicKey(topic string, owner common.Address, inst string) []byte {
	k := topicPrefix(topic)
	k = append(k, owner[:]...)
	return append(k, inst...)
}

func wakeKey(hash [32]byte) []byte { return append([]byte{famWake}, hash[:]...) }

func wakeByRegPrefix(owner common.Address, inst string) []byte {
	k := make([]byte, 0, 22+len(inst)+32)
	k = append(k, famWakeByReg)
	k = append(k, owner[:]...)
	k = append(k, byte(len(inst)))
	return append(k, inst...)
}

func jobKey(seq uint64) []byte { return appendJobKey(make([]byte, 0, 9), seq) }

func appendJobKey(k []byte, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(append(k, famJob), seq)
}

func headKey(payer common.Address) []byte { return ownerPrefix(famHead, payer) }

func receiptKey(payer common.Address, seq uint64) []byte {
	return appendReceiptKey(make([]byte, 0, 29), payer, seq)
}

func appendReceiptKey(k []byte, payer common.Address, seq uint64) []byte {
	k = append(append(k, famReceipt), payer[:]...)
	return binary.BigEndian.AppendUint64(k, seq)
}

func batchKey(id uint64) []byte { return binary.BigEndian.AppendUint64([]byte{famBatch}, id) }

func deadKey(hash [32]byte) []byte { return append([]byte{famDead}, hash[:]...) }

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// enc appends length-prefixed fields; dec reads them back and remembers
// the first error, so a record decodes in straight-line code.
type enc struct{ b []byte }

func (e *enc) u(v uint64)     { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) i(v int64)      { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) s(v string)     { e.u(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) bytes(v []byte) { e.u(uint64(len(v))); e.b = append(e.b, v...) }
func (e *enc) raw(v []byte)   { e.b = append(e.b, v...) }

type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *dec) u() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) i() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) bytes() []byte {
	n := d.u()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) s() string { return string(d.bytes()) }

func (d *dec) raw(n int) []byte {
	if d.err != nil || n > len(d.b) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) addr() (a common.Address) {
	copy(a[:], d.raw(20))
	return a
}

func (d *dec) done(what string) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("%w: %s", d.err, what)
	}
	return nil
}
