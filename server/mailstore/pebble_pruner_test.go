package mailstore_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/mailstore/storetest"
)

// TestBackgroundPruner checks that Open starts a pruner that applies the retention policy on its own
// (synctest's fake clock starts at 2000-01-01, so "now" is known) and that Close stops it.
func TestBackgroundPruner(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		cfg := storetest.Config()
		cfg.Retention.MaxAge = 24 * time.Hour
		cfg.Retention.Interval = time.Minute
		s, err := mailstore.Open(dir, cfg, testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		time.Sleep(30 * time.Minute) // mid-bucket: the bucket of "now" ends in 30 minutes
		e := mailstore.Envelope{ContentTopic: "/p", Timestamp: time.Now().UnixNano()}
		e.Hash = e.ComputeHash()
		if _, err := s.Put(t.Context(), e); err != nil {
			t.Fatal(err)
		}
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if st := s.Stats(); st.Envelopes != 1 {
			t.Fatalf("pruned too early: %+v", st)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if st := s.Stats(); st.Envelopes != 0 {
			t.Fatalf("not pruned after MaxAge plus a bucket: %+v", st)
		}
	})
}
