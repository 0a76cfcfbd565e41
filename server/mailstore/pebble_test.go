package mailstore_test

import (
	"errors"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/mailstore/storetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// openAt opens a PebbleStore in dir and closes it at the end of the test.
func openAt(t testing.TB, dir string, cfg mailstore.Config) *mailstore.PebbleStore {
	t.Helper()
	s, err := mailstore.Open(dir, cfg, testLogger(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, mailstore.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	var dirs sync.Map // *testing.T -> directory, so that a second open of the same test reopens its store
	storetest.Run(t, func(t *testing.T, cfg mailstore.Config) mailstore.Store {
		dir, ok := dirs.Load(t)
		if !ok {
			dir = t.TempDir()
			dirs.Store(t, dir)
		}
		return openAt(t, dir.(string), cfg)
	})
}

func TestLayoutFixedAtCreation(t *testing.T) {
	dir := t.TempDir()
	cfg := storetest.Config()
	s := openAt(t, dir, cfg)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.BucketSize = 2 * time.Hour
	if s, err := mailstore.Open(dir, other, testLogger(t)); err == nil {
		s.Close()
		t.Fatal("Open with another bucket size succeeded")
	}
	openAt(t, dir, cfg) // and the original still opens
}

func TestOpenRejectsBadConfig(t *testing.T) {
	cfg := mailstore.DefaultConfig()
	cfg.BucketSize = 0
	if _, err := mailstore.Open(t.TempDir(), cfg, testLogger(t)); err == nil {
		t.Fatal("Open with an invalid config succeeded")
	}
	if _, err := mailstore.Open(t.TempDir(), mailstore.DefaultConfig(), nil); err == nil {
		t.Fatal("Open with a nil logger succeeded")
	}
}

func TestConfigValidate(t *testing.T) {
	if err := mailstore.DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig invalid: %v", err)
	}
	tests := map[string]func(c *mailstore.Config){
		"tiny bucket":           func(c *mailstore.Config) { c.BucketSize = time.Millisecond },
		"index not a multiple":  func(c *mailstore.Config) { c.IndexBucketSize = 90 * time.Minute },
		"index below bucket":    func(c *mailstore.Config) { c.IndexBucketSize = 30 * time.Minute },
		"negative max age":      func(c *mailstore.Config) { c.Retention.MaxAge = -1 },
		"negative max bytes":    func(c *mailstore.Config) { c.Retention.MaxBytes = -1 },
		"max age below bucket":  func(c *mailstore.Config) { c.Retention.MaxAge = time.Minute },
		"tiny cache":            func(c *mailstore.Config) { c.CacheSize = 1 },
		"tiny memtable":         func(c *mailstore.Config) { c.MemTableSize = 1 },
		"no batch":              func(c *mailstore.Config) { c.MaxBatchEnvelopes = 0 },
		"no queue":              func(c *mailstore.Config) { c.PutQueue = 0 },
		"negative interval":     func(c *mailstore.Config) { c.Retention.Interval = -time.Second },
		"negative max count":    func(c *mailstore.Config) { c.Retention.MaxCount = -2 },
		"no batch bytes":        func(c *mailstore.Config) { c.MaxBatchBytes = 0 },
		"huge memtable":         func(c *mailstore.Config) { c.MemTableSize = 8 << 30 },
		"bucket larger than 1d": func(c *mailstore.Config) { c.BucketSize = 48 * time.Hour },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			c := mailstore.DefaultConfig()
			change(&c)
			if err := c.Validate(); err == nil {
				t.Fatal("Validate accepted it")
			}
		})
	}
}

func TestCollectors(t *testing.T) {
	s := openAt(t, t.TempDir(), storetest.Config())
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(s.Collectors()...)
	if _, err := s.Put(t.Context(), storetest.Series("", "/m", 0, time.Second, 3)...); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	lsm := map[string]bool{}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "pnode_store_") {
			t.Errorf("metric %s lacks the pnode_store_ prefix", mf.GetName())
		}
		if strings.HasPrefix(mf.GetName(), "pnode_store_lsm_") {
			lsm[mf.GetName()] = true
		}
		if mf.GetName() == "pnode_store_wal_fsync_seconds" {
			// The Put above waited for at least one WAL fsync.
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() == 0 || h.GetSampleSum() <= 0 || h.GetBucket()[len(h.GetBucket())-1].GetCumulativeCount() != h.GetSampleCount() {
				t.Errorf("pnode_store_wal_fsync_seconds = %v", h)
			}
		}
		if mf.GetName() == "pnode_store_dedup_lookups_spared_total" {
			// A new store: the filter answers every lookup.
			if v := mf.GetMetric()[0].GetCounter().GetValue(); v != 3 {
				t.Errorf("pnode_store_dedup_lookups_spared_total = %v, want 3", v)
			}
		}
		if mf.GetName() == "pnode_store_envelopes" {
			found = true
			if v := mf.GetMetric()[0].GetGauge().GetValue(); v != 3 {
				t.Errorf("pnode_store_envelopes = %v, want 3", v)
			}
		}
	}
	if !found {
		t.Error("pnode_store_envelopes not gathered")
	}
	if len(lsm) != 9 || !lsm["pnode_store_lsm_compaction_debt_bytes"] || !lsm["pnode_store_lsm_read_amplification"] {
		t.Errorf("LSM metrics gathered: %v", lsm)
	}
	s.Close()
	if l := s.LSM(); l != (mailstore.LSM{}) {
		t.Errorf("LSM after Close = %+v, want zero", l)
	}
	if _, err := reg.Gather(); err != nil {
		t.Errorf("gather after Close: %v", err)
	}
}

// TestDeps checks the dependency direction: mailstore imports nothing else of this module.
func TestDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.CommandContext(t.Context(), goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/pnmarket/pnmarket/") && pkg != "github.com/pnmarket/pnmarket/server/mailstore" {
			t.Errorf("mailstore depends on %s", pkg)
		}
	}
}
