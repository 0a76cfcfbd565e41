package push

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"
)

// Receipt retention. Every wakeup adds a receipt to its payer's chain, so
// without a bound the store grows with every wakeup ever sent. With
// Config.ReceiptRetention set, a pruner drops each payer's receipts older
// than that, oldest first, and keeps the sequence number and hash of the
// last one dropped as the chain's base: the chain goes on from it, and
// pn_receipts links the first receipt it still holds to that hash. Batch
// records (the signed Merkle roots) go once no kept receipt points into
// them. A client that wants proof older than the retention keeps the
// receipts it fetched; VerifyReceipts checks a run that starts past seq 1
// against the receipt before it, when the client has it.

// receiptPruneEvery is how often the pruner runs.
const receiptPruneEvery = 10 * time.Minute

// chainBase is what a payer's chain keeps of its dropped receipts: the
// last one's sequence number and hash.
type chainBase struct {
	seq  uint64
	hash []byte
}

func baseKey(payer common.Address) []byte { return ownerPrefix(famBase, payer) }

// receiptBase returns payer's chain base; seq 0 when nothing was dropped.
func (s *Service) receiptBase(payer common.Address) (chainBase, error) {
	seq, hash, _, err := s.getSeqHash(baseKey(payer), "chain base")
	if err != nil && !errors.Is(err, errCorrupt) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return chainBase{seq: seq, hash: hash}, err
}

// durableHead returns the last receipt of payer's chain that is synced.
func (s *Service) durableHead(payer common.Address) (uint64, error) {
	s.headMu.Lock()
	defer s.headMu.Unlock()
	if seq, ok := s.durable[payer]; ok {
		return seq, nil
	}
	h, err := s.storedHead(payer)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return h.seq, nil
}

// pruneLoop drops old receipts every receiptPruneEvery until Close.
func (s *Service) pruneLoop() {
	t := time.NewTicker(receiptPruneEvery)
	defer t.Stop()
	for {
		n, err := s.pruneReceipts(s.now().Add(-s.cfg.ReceiptRetention).UnixMilli())
		if err != nil && s.ctx.Err() == nil {
			s.log.Error("push: dropping old receipts failed", "err", err)
		} else if n > 0 {
			s.log.Debug("push: dropped old receipts", "receipts", n)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneReceipts drops every synced receipt made before the unix-ms time
// before, and the batch records no kept receipt points into. It returns
// how many receipts it dropped.
func (s *Service) pruneReceipts(before int64) (int, error) {
	// Every batch up to the last one stored now is visible to the payer
	// scan below, which starts after this read; batches written later are
	// past the bound.
	last, err := s.storedBatchSeq()
	if err != nil {
		return 0, err
	}
	keepFrom := last + 1 // the oldest batch a kept receipt points into
	total := 0
	err = s.scan([]byte{famHead}, func(k, _ []byte) error {
		if s.ctx != nil && s.ctx.Err() != nil {
			return s.ctx.Err()
		}
		if len(k) != 21 {
			return fmt.Errorf("%w: chain head key", errCorrupt)
		}
		n, keep, err := s.prunePayer(common.BytesToAddress(k[1:]), before)
		total += n
		if keep != 0 {
			keepFrom = min(keepFrom, keep)
		}
		return err
	})
	if total > 0 {
		s.metrics.receiptsPruned.Add(float64(total))
	}
	if err != nil {
		return total, err
	}
	s.pruneMu.Lock()
	defer s.pruneMu.Unlock()
	if keepFrom <= s.batchesFrom {
		return total, nil // nothing new to drop
	}
	if err := s.db.DeleteRange(batchKey(0), batchKey(keepFrom), pebble.NoSync); err != nil {
		return total, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.batchesFrom = keepFrom
	return total, nil
}

// storedBatchSeq reads the number of the last receipt batch written.
func (s *Service) storedBatchSeq() (uint64, error) {
	v, closer, err := s.db.Get(nextBatchKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer closer.Close()
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: batch counter", errCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// prunePayer drops payer's synced receipts made before before and moves
// its chain base past them. keep is the batch of the oldest receipt it
// kept (0: it kept none).
func (s *Service) prunePayer(payer common.Address, before int64) (n int, keep uint64, err error) {
	durable, err := s.durableHead(payer)
	if err != nil {
		return 0, 0, err
	}
	base, err := s.receiptBase(payer)
	if err != nil {
		return 0, 0, err
	}
	start := base.seq + 1
	prefix := ownerPrefix(famReceipt, payer)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: receiptKey(payer, start), UpperBound: prefixEnd(prefix)})
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var lastSeq uint64
	var lastHash []byte // of lastSeq, when its record holds it
	var lastBatch uint64
	var lastIdx int
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+8 {
			it.Close()
			return 0, 0, fmt.Errorf("%w: receipt key", errCorrupt)
		}
		seq := beUint64(k[len(prefix):])
		sr, err := decodeReceipt(it.Value())
		if err != nil {
			it.Close()
			return 0, 0, err
		}
		if sr.time >= before || seq > durable {
			keep = sr.batch
			break
		}
		lastSeq, lastBatch, lastIdx = seq, sr.batch, sr.idx
		lastHash = append(lastHash[:0], sr.hash...)
	}
	err = it.Error()
	it.Close()
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if lastSeq == 0 {
		return 0, keep, nil
	}
	if len(lastHash) == 0 {
		if lastHash, err = s.batchLeaf(lastBatch, lastIdx); err != nil {
			return 0, 0, err
		}
	}
	b := s.db.NewBatch()
	defer b.Close()
	b.DeleteRange(receiptKey(payer, start), receiptKey(payer, lastSeq+1), nil)
	b.Set(baseKey(payer), appendSeqHash(nil, lastSeq, lastHash), nil)
	s.pruneMu.Lock()
	err = b.Commit(pebble.NoSync)
	s.pruneMu.Unlock()
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return int(lastSeq - start + 1), keep, nil
}

// batchLeaf returns the hash at index idx of a receipt batch record.
func (s *Service) batchLeaf(id uint64, idx int) ([]byte, error) {
	v, closer, err := s.db.Get(batchKey(id))
	if err != nil {
		return nil, fmt.Errorf("%w: receipt batch %d: %w", errCorrupt, id, err)
	}
	defer closer.Close()
	_, _, leaves, err := decodeBatch(v)
	if err != nil {
		return nil, fmt.Errorf("receipt batch %d: %w", id, err)
	}
	if idx < 0 || idx >= len(leaves) {
		return nil, fmt.Errorf("%w: receipt batch %d has no leaf %d", errCorrupt, id, idx)
	}
	return bytes.Clone(leaves[idx]), nil
}
