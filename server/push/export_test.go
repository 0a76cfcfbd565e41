package push

import (
	"github.com/cockroachdb/pebble/v2"
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

// SendAtForTest is when a queued job may be sent (unix ms).
func (j *job) SendAtForTest() int64 { return max(j.notBefore, j.created) }
