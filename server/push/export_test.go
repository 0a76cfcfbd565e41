package push

import (
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// QueuedForTest returns the jobs in the store's queue, in order.
func (s *Service) QueuedForTest() []*job {
	var out []*job
	_ = s.scan([]byte{famJob}, func(k, v []byte) error {
		j, err := decodeJob(beUint64(k[1:]), v)
		if err == nil {
			out = append(out, j)
		}
		return err
	})
	return out
}

// PendingForTest is the queue depth.
func (s *Service) PendingForTest() int64 { return s.pending.Load() }

// DBForTest exposes the store.
func (s *Service) DBForTest() *pebble.DB { return s.db }

// PruneReceiptsForTest runs one pass of the receipt pruner: it drops the
// receipts made before before.
func (s *Service) PruneReceiptsForTest(before time.Time) (int, error) {
	return s.pruneReceipts(before.UnixMilli())
}

// BatchRecordsForTest lists the receipt batch records kept.
func (s *Service) BatchRecordsForTest() (ids []uint64) {
	_ = s.scan([]byte{famBatch}, func(k, _ []byte) error {
		ids = append(ids, beUint64(k[1:]))
		return nil
	})
	return ids
}

// SendAtForTest is when a queued job may be sent (unix ms).
func (j *job) SendAtForTest() int64 { return max(j.notBefore, j.created) }

// RewriteReceiptForTest rewrites a stored receipt in the layout written
// before receiptV2 (both hashes stored), with prev as its previous hash.
func (s *Service) RewriteReceiptForTest(payer common.Address, r pushwire.Receipt, prev []byte) error {
	key := receiptKey(payer, r.Seq)
	v, closer, err := s.db.Get(key)
	if err != nil {
		return err
	}
	sr, err := decodeReceipt(v)
	closer.Close()
	if err != nil {
		return err
	}
	e := enc{}
	e.i(r.Time)
	e.raw(r.Installation)
	e.s(r.Gateway)
	e.s(r.Outcome)
	e.raw(prev)
	e.raw(r.Hash)
	e.u(sr.batch)
	e.u(uint64(sr.idx))
	return s.db.Set(key, e.b, pebble.Sync)
}

// SpacerSeenForTest is the synced-commit count the fsync spacer read at
// the last fsync of the store's log (0 until pebble first asks it).
func (s *Service) SpacerSeenForTest() uint64 {
	s.spacer.mu.Lock()
	defer s.spacer.mu.Unlock()
	return s.spacer.last
}
