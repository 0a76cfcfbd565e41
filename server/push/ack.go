package push

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/pnmarket/pnmarket/server/push/pushwire"
	"github.com/pnmarket/pnmarket/server/wire"
)

// maxAckBatch bounds the jobs acknowledged, and the receipts signed, in one
// commit.
const maxAckBatch = 1024

// ackLinger is how long the acknowledger gathers finished jobs before it
// commits them (a full group of maxAckBatch commits at once). The wakeups
// are already sent; the linger only delays the receipts, and at low rates
// turns one signature, one commit and one round of thread wake-ups per
// wakeup into one per group. 50 ms rather than 2 ms cut the node's CPU per
// wakeup by a quarter to a third at 100-200 wakeups/s, by ~5 % at 1,000/s,
// and nothing measurable at the peak rate (docs/bench-push.md). Closing
// the queue ends the linger.
const ackLinger = 50 * time.Millisecond

// ackQueue hands finished jobs to the acknowledger. A channel would wake
// the acknowledger for every job it gathers during ackLinger; the queue
// wakes it once per group: when the first job of a group arrives, and when
// the group is full.
type ackQueue struct {
	mu     sync.Mutex
	buf    []ack // guarded by mu; buf[head:] are waiting
	head   int   // guarded by mu
	closed bool  // guarded by mu
	first  chan struct{}
	full   chan struct{}
	done   chan struct{} // closed by close: the acknowledger lingers no more
}

func newAckQueue() *ackQueue {
	return &ackQueue{first: make(chan struct{}, 1), full: make(chan struct{}, 1), done: make(chan struct{})}
}

// put adds a finished job. It never blocks: the jobs in the queue are
// bounded by the jobs that exist.
func (q *ackQueue) put(a ack) {
	q.mu.Lock()
	q.buf = append(q.buf, a)
	n := len(q.buf) - q.head
	q.mu.Unlock()
	switch n {
	case 1:
		ring(q.first)
	case maxAckBatch:
		ring(q.full)
	}
}

func (q *ackQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf) - q.head
}

// close makes take return false once the queue is empty, and ends the
// acknowledger's linger: what waits is committed at once.
func (q *ackQueue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.done)
	}
	q.mu.Unlock()
	ring(q.first)
}

func ring(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// take moves up to maxAckBatch jobs, oldest first, into batch[:0] and
// returns it; ok is false when the queue is closed and empty.
func (q *ackQueue) take(batch []ack) (_ []ack, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.buf)-q.head, maxAckBatch)
	batch = append(batch[:0], q.buf[q.head:q.head+n]...)
	clear(q.buf[q.head : q.head+n])
	q.head += n
	rest := len(q.buf) - q.head
	if rest == 0 || q.head >= len(q.buf)/2 {
		// Move what waits to the front: at most as many jobs as were
		// taken since the last move, so a backlog costs each job O(1).
		copy(q.buf, q.buf[q.head:])
		clear(q.buf[rest:])
		q.buf, q.head = q.buf[:rest], 0
	}
	if rest > 0 || q.closed {
		// More than a group waited: the next take need not wait. Or the
		// queue is closed: close's ring may have been lost behind one
		// this take consumed, and the next take must see the end.
		ring(q.first)
	}
	return batch, n > 0 || !q.closed
}

// ack is a job's final outcome, for the acknowledger.
type ack struct {
	j       *job
	outcome string // receipt outcome; "" drops the job without a receipt
	gateway string
	payer   common.Address
	inst    [32]byte
	dead    *dead // the device token is dead
}

// dead names the registration to disable (or, last hop, the sealed token
// to refuse from now on).
type dead struct {
	version uint64
	owner   common.Address
	inst    string
	sealed  []byte
	rec     *regRecord // set by disableLocked: the disabled record
}

// head is the end of a payer's receipt chain.
type head struct {
	seq  uint64
	hash []byte
}

// ackLoop is the acknowledger: it owns the receipt chain heads and commits
// finished jobs in groups. Each group is one synced batch that deletes the
// jobs, disables dead registrations and appends the receipts, whose Merkle
// root the node signs once. Groups are pipelined: while one waits for its
// fsync, the next is built and written, and their fsyncs may be shared. A
// second goroutine finishes them in order once synced. ackLoop returns when
// s.acks is closed and every group is finished.
func (s *Service) ackLoop() {
	heads := make(map[common.Address]head)
	batch := make([]ack, 0, maxAckBatch)
	var scratch ackScratch
	synced := make(chan *ackCommit, 8)
	var finisher sync.WaitGroup
	finisher.Go(func() {
		for c := range synced {
			s.finishAcks(c)
		}
	})
	defer finisher.Wait()
	defer close(synced)
	linger := time.NewTimer(time.Hour)
	defer linger.Stop()
	q := s.acks
	for {
		<-q.first
		if q.len() < maxAckBatch {
			// Gather for ackLinger, or until a group's worth is waiting.
			linger.Reset(ackLinger)
			select {
			case <-linger.C:
			case <-q.full:
				linger.Stop()
			case <-q.done:
				linger.Stop()
			}
		}
		var ok bool
		if batch, ok = q.take(batch); !ok {
			return
		}
		if len(batch) == 0 {
			continue
		}
		c, err := s.applyAcks(batch, heads, &scratch)
		if err != nil {
			// The jobs stay in the store and are sent again after a
			// restart; the cached heads may be ahead of the store.
			s.log.Error("push: acknowledging wakeups failed", "jobs", len(batch), "err", err)
			clear(heads)
			continue
		}
		synced <- c
	}
}

// ackCommit is a group of acknowledgements written but not yet synced.
type ackCommit struct {
	b     *pebble.Batch
	jobs  int
	heads map[common.Address]uint64 // chain heads this group moves to
}

// finishAcks waits for a group's fsync, then releases its queue slots and
// makes its receipts readable.
func (s *Service) finishAcks(c *ackCommit) {
	err := c.b.SyncWait()
	c.b.Close()
	if err != nil {
		s.log.Error("push: syncing acknowledgements failed", "jobs", c.jobs, "err", err)
		return
	}
	s.pending.Add(-int64(c.jobs))
	if len(c.heads) == 0 {
		return
	}
	s.headMu.Lock()
	for p, seq := range c.heads {
		s.durable[p] = seq
	}
	s.headMu.Unlock()
}

// ackScratch is applyAcks' working storage, reused from group to group.
type ackScratch struct {
	receipts []newReceipt
	hashes   [][]byte
	canon    []byte
	touched  map[common.Address]bool
}

type newReceipt struct {
	payer common.Address
	r     pushwire.Receipt
	hash  []byte
}

func keccak(data ...[]byte) []byte { return crypto.Keccak256(data...) }

// applyAcks builds a group's batch and writes it without waiting for its
// fsync; finishAcks waits.
func (s *Service) applyAcks(batch []ack, heads map[common.Address]head, sc *ackScratch) (*ackCommit, error) {
	b := s.db.NewBatch()
	applied := false
	defer func() {
		if !applied {
			b.Close()
		}
	}()
	var locked [numStripes]bool
	defer func() {
		for i, l := range locked {
			if l {
				s.stripes[i].Unlock()
			}
		}
	}()
	now := s.now().UnixMilli()
	receipts := sc.receipts[:0]
	defer func() {
		clear(receipts) // drop the references until the next group
		sc.receipts = receipts[:0]
	}()
	canon := sc.canon
	defer func() { sc.canon = canon[:0] }()
	if sc.touched == nil {
		sc.touched = make(map[common.Address]bool)
	}
	touched := sc.touched
	defer clear(touched)
	var disabled []*dead
	var disabling map[string]bool // registrations disabled by this group
	var kb [9]byte
	for i := range batch {
		a := &batch[i]
		if k := appendJobKey(kb[:0], a.j.seq); a.j.fresh && !a.j.rewritten {
			// Written once since the key's last delete (a sequence number
			// reused after a restart follows its delete): the single
			// delete and the record annihilate at the next flush.
			b.SingleDelete(k, nil) // copies the key
		} else {
			b.Delete(k, nil) // copies the key
		}
		if d := a.dead; d != nil {
			if d.sealed != nil {
				h := sha256.Sum256(d.sealed)
				b.Set(deadKey(h), binary.BigEndian.AppendUint64(nil, uint64(now)), nil)
			} else {
				i := stripeOf(d.owner)
				if !locked[i] {
					s.stripes[i].Lock()
					locked[i] = true
				}
				// Two dead sends of one registration may share a group.
				if disabling == nil {
					disabling = make(map[string]bool)
				}
				if k := string(regKey(d.owner, d.inst)); !disabling[k] {
					disabling[k] = true
					ok, err := s.disableLocked(b, d, now)
					if err != nil {
						return nil, err
					}
					if ok {
						disabled = append(disabled, d)
					}
				}
			}
		}
		if a.outcome == "" {
			continue
		}
		h, err := s.headOf(a.payer, heads)
		if err != nil {
			return nil, err
		}
		r := pushwire.Receipt{
			Seq: h.seq + 1, Time: now, Installation: a.inst[:],
			Gateway: a.gateway, Outcome: a.outcome, PrevHash: h.hash,
		}
		canon = pushwire.AppendCanonical(canon[:0], a.payer[:], r.Seq, r.Time, r.Installation, r.Gateway, r.Outcome, r.PrevHash)
		hash := keccak(canon)
		heads[a.payer] = head{seq: r.Seq, hash: hash}
		touched[a.payer] = true
		receipts = append(receipts, newReceipt{payer: a.payer, r: r, hash: hash})
	}
	if len(receipts) > 0 {
		if err := s.signReceipts(b, receipts, sc); err != nil {
			return nil, err
		}
		for p := range touched {
			h := heads[p]
			b.Set(headKey(p), appendSeqHash(nil, h.seq, h.hash), nil)
		}
	}
	s.spacer.commit()
	if err := s.db.ApplyNoSyncWait(b, pebble.Sync); err != nil {
		return nil, err
	}
	applied = true
	// Visible now, durable after SyncWait: a crash in between sends these
	// jobs again, which is what at-least-once allows.
	for _, d := range disabled {
		s.regWritten(d.owner, regKey(d.owner, d.inst), d.rec)
	}
	if len(disabled) > 0 {
		s.metrics.registrations.Sub(float64(len(disabled)))
	}
	c := &ackCommit{b: b, jobs: len(batch)}
	if len(touched) > 0 {
		c.heads = make(map[common.Address]uint64, len(touched))
		for p := range touched {
			c.heads[p] = heads[p].seq
		}
	}
	return c, nil
}

// disableLocked adds the disabling of a registration whose token is dead
// to b, unless the client re-registered since the send. The owner's stripe
// is held.
func (s *Service) disableLocked(b *pebble.Batch, d *dead, now int64) (bool, error) {
	key := regKey(d.owner, d.inst)
	reg, err := s.getReg(key)
	if err != nil || reg == nil || reg.Deleted || reg.Disabled != 0 || reg.Version != d.version {
		return false, err
	}
	reg.Disabled = now
	for _, t := range reg.Topics {
		b.Delete(topicKey(t, d.owner, d.inst), nil)
	}
	b.Set(key, reg.encode(), nil)
	d.rec = reg
	return true, nil
}

// headOf returns a payer's chain head, reading it from the store the first
// time. Before a head can move, the durable map records its stored value:
// Receipts never serves a receipt that is visible but not yet synced.
func (s *Service) headOf(payer common.Address, heads map[common.Address]head) (head, error) {
	if h, ok := heads[payer]; ok {
		return h, nil
	}
	s.headMu.Lock()
	defer s.headMu.Unlock()
	h, err := s.storedHead(payer)
	if err != nil {
		return h, err
	}
	if _, ok := s.durable[payer]; !ok {
		s.durable[payer] = h.seq // the finisher moves it forward from here
	}
	heads[payer] = h
	return h, nil
}

func (s *Service) storedHead(payer common.Address) (head, error) {
	seq, hash, found, err := s.getSeqHash(headKey(payer), "chain head")
	if err != nil {
		return head{}, err
	}
	if !found {
		return head{hash: make([]byte, 32)}, nil
	}
	return head{seq: seq, hash: hash}, nil
}

// getSeqHash reads a record of a sequence number and a hash (a chain's
// head or base); found is false when there is none. what names the
// record in errors.
func (s *Service) getSeqHash(key []byte, what string) (seq uint64, hash []byte, found bool, err error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, err
	}
	defer closer.Close()
	if len(v) != 40 {
		return 0, nil, false, fmt.Errorf("%w: %s", errCorrupt, what)
	}
	return binary.BigEndian.Uint64(v), bytes.Clone(v[8:]), true, nil
}

// appendSeqHash appends the record getSeqHash reads.
func appendSeqHash(dst []byte, seq uint64, hash []byte) []byte {
	return append(binary.BigEndian.AppendUint64(dst, seq), hash...)
}

// signReceipts signs the Merkle root of the receipts once and adds the
// batch record and the receipts to b.
func (s *Service) signReceipts(b *pebble.Batch, rs []newReceipt, sc *ackScratch) error {
	hashes := sc.hashes[:0]
	for i := range rs {
		hashes = append(hashes, rs[i].hash)
	}
	defer func() {
		clear(hashes)
		sc.hashes = hashes[:0]
	}()
	root := pushwire.MerkleRoot(keccak, hashes)
	sig, err := crypto.Sign(keccak([]byte(pushwire.BatchDomain), root), s.key)
	if err != nil {
		return err
	}
	s.batchSeq++
	e := enc{b: make([]byte, 0, 32+65+4+32*len(rs))}
	e.raw(root)
	e.raw(sig)
	e.u(uint64(len(rs)))
	for _, h := range hashes {
		e.raw(h)
	}
	b.Set(batchKey(s.batchSeq), e.b, nil)
	b.Set(nextBatchKey, binary.BigEndian.AppendUint64(nil, s.batchSeq), nil)
	var kb [29]byte
	e = enc{b: make([]byte, 0, 128)}
	for i := range rs {
		nr := &rs[i]
		r := &nr.r
		e.b = append(e.b[:0], receiptV2)
		e.i(r.Time)
		e.raw(r.Installation)
		e.s(r.Gateway)
		e.s(r.Outcome)
		e.u(s.batchSeq)
		e.u(uint64(i))
		b.Set(appendReceiptKey(kb[:0], nr.payer, r.Seq), e.b, nil) // Set copies both
	}
	return nil
}

// receiptV2 starts a receipt record that holds neither its hash nor the
// previous one: its hash is in its batch record (at its index), and the
// previous hash is the hash of the payer's receipt before it. A record
// without the marker (written before it) starts with its time, a varint
// of a unix-ms time, whose first byte always has the high bit set, and
// holds both hashes.
const receiptV2 = 2

// storedReceipt is a decoded receipt record.
type storedReceipt struct {
	time             int64
	inst             []byte
	gateway, outcome string
	prev, hash       []byte // only in records written before receiptV2
	batch            uint64
	idx              int
}

func decodeReceipt(v []byte) (storedReceipt, error) {
	var r storedReceipt
	d := dec{b: v}
	v2 := len(v) > 0 && v[0] == receiptV2
	if v2 {
		d.b = v[1:]
	}
	r.time = d.i()
	r.inst = d.raw(32)
	r.gateway = d.s()
	r.outcome = d.s()
	if !v2 {
		r.prev = d.raw(32)
		r.hash = d.raw(32)
	}
	r.batch, r.idx = d.u(), int(d.u())
	return r, d.done("receipt")
}

// Receipts returns up to limit receipts of payer's chain from seq fromSeq
// (1 is the first), each with the proof of the node's batch signature.
// Receipts dropped past push-receipt-retention are skipped: the run then
// starts after the chain's base and links to the last dropped hash.
func (s *Service) Receipts(ctx context.Context, payer common.Address, fromSeq uint64, limit int) ([]pushwire.Receipt, error) {
	if limit <= 0 || limit > pushwire.MaxReceipts {
		limit = pushwire.MaxReceipts
	}
	fromSeq = max(fromSeq, 1)
	s.pruneMu.RLock()
	defer s.pruneMu.RUnlock()
	last, err := s.durableHead(payer)
	if err != nil {
		return nil, err
	}
	// Receipts before the chain's base were dropped (push-receipt-
	// retention): the run starts after it.
	base, err := s.receiptBase(payer)
	if err != nil {
		return nil, err
	}
	fromSeq = max(fromSeq, base.seq+1)
	out := []pushwire.Receipt{}
	if fromSeq > last {
		return out, nil
	}
	end := min(last, fromSeq+uint64(limit)-1)
	batches := make(map[uint64]*batchRec)
	batch := func(id uint64) (*batchRec, error) {
		br := batches[id]
		if br == nil {
			var err error
			if br, err = s.loadBatch(id); err != nil {
				return nil, err
			}
			batches[id] = br
		}
		return br, nil
	}
	// hashOf returns a stored receipt's hash, checked against its batch.
	hashOf := func(sr *storedReceipt) (*batchRec, []byte, error) {
		br, err := batch(sr.batch)
		if err != nil {
			return nil, nil, err
		}
		if sr.idx >= len(br.hashes) || sr.hash != nil && !bytes.Equal(sr.hash, br.hashes[sr.idx]) {
			return nil, nil, errCorrupt
		}
		return br, br.hashes[sr.idx], nil
	}
	prev := make([]byte, 32) // the previous hash of the chain's first receipt
	if fromSeq == base.seq+1 && base.seq > 0 {
		prev = base.hash
	} else if fromSeq > 1 {
		v, closer, err := s.db.Get(receiptKey(payer, fromSeq-1))
		if err != nil {
			return nil, fmt.Errorf("%w: receipt %d: %w", errCorrupt, fromSeq-1, err)
		}
		sr, err := decodeReceipt(v)
		if err == nil {
			_, prev, err = hashOf(&sr)
		}
		closer.Close()
		if err != nil {
			return nil, err
		}
	}
	prefix := ownerPrefix(famReceipt, payer)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: receiptKey(payer, fromSeq), UpperBound: receiptKey(payer, end+1)})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+8 || beUint64(k[len(prefix):]) != fromSeq+uint64(len(out)) {
			return nil, errCorrupt
		}
		sr, err := decodeReceipt(it.Value())
		if err != nil {
			return nil, err
		}
		br, hash, err := hashOf(&sr)
		if err != nil {
			return nil, err
		}
		if sr.prev != nil && !bytes.Equal(sr.prev, prev) {
			return nil, errCorrupt
		}
		r := pushwire.Receipt{
			Payer: payer.Hex(), Seq: beUint64(k[len(prefix):]), Time: sr.time,
			Installation: bytes.Clone(sr.inst), Gateway: sr.gateway, Outcome: sr.outcome,
			PrevHash: prev, Hash: hash,
		}
		prev = hash
		r.Sig = pushwire.BatchSig{Root: br.root, Index: sr.idx, Size: len(br.proofs), Signature: br.sig}
		r.Sig.Proof = make([]wire.Bytes, len(br.proofs[sr.idx]))
		for i, p := range br.proofs[sr.idx] {
			r.Sig.Proof[i] = p
		}
		out = append(out, r)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if uint64(len(out)) != end-fromSeq+1 {
		return nil, errCorrupt // a durable receipt is missing
	}
	return out, nil
}

type batchRec struct {
	root   []byte
	sig    []byte
	hashes [][]byte // the receipts' hashes, in order
	proofs [][][]byte
}

func (s *Service) loadBatch(id uint64) (*batchRec, error) {
	v, closer, err := s.db.Get(batchKey(id))
	if err != nil {
		return nil, fmt.Errorf("%w: receipt batch %d: %w", errCorrupt, id, err)
	}
	defer closer.Close()
	root, sig, leaves, err := decodeBatch(v)
	if err != nil {
		return nil, err
	}
	br := &batchRec{root: bytes.Clone(root), sig: bytes.Clone(sig), hashes: make([][]byte, len(leaves))}
	for i, h := range leaves {
		br.hashes[i] = bytes.Clone(h)
	}
	_, br.proofs = pushwire.MerkleTree(keccak, br.hashes)
	return br, nil
}

// decodeBatch decodes a batch record: its Merkle root, its signature and
// its leaves (the receipts' hashes), as slices of v.
func decodeBatch(v []byte) (root, sig []byte, leaves [][]byte, err error) {
	d := dec{b: v}
	root, sig = d.raw(32), d.raw(65)
	n := d.u()
	if n > maxAckBatch*4 {
		d.fail()
	}
	leaves = make([][]byte, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		leaves = append(leaves, d.raw(32))
	}
	if err := d.done("receipt batch"); err != nil {
		return nil, nil, nil, err
	}
	return root, sig, leaves, nil
}

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
