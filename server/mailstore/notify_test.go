package mailstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/pnmarket/pnmarket/server/mailstore"
	"github.com/pnmarket/pnmarket/server/mailstore/storetest"
)

// TestPutNotifyBeforeFsync checks that PutNotify reports an envelope visible (and that a query then
// finds it) while its WAL fsync is still pending, and returns only after the fsync. Later calls made
// while that fsync is still held become visible too: a slow fsync does not hold back the batches after
// it.
func TestPutNotifyBeforeFsync(t *testing.T) {
	gate := &storetest.SyncGate{FS: vfs.Default}
	s, err := mailstore.OpenFS(t.TempDir(), storetest.Config(), testLogger(t), gate)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer gate.Release() // before Close, which syncs
	if _, err := s.Put(t.Context(), storetest.Env("", "/g", 0, "first")); err != nil {
		t.Fatal(err)
	}

	gate.Hold()
	const calls = 12 // more batches than an 8-deep pipeline would hold
	returned := make(chan error, calls)
	for i := range calls {
		e := storetest.Env("", "/g", time.Duration(i+1)*time.Second, fmt.Sprint("held ", i))
		visible := make(chan int, 1)
		go func() {
			n, err := s.PutNotify(t.Context(), func(stored int) {
				if err := storetest.Findable(t.Context(), s, e.Hash); err != nil {
					t.Errorf("query in visible: %v", err)
				}
				visible <- stored
			}, e)
			if err == nil && n != 1 {
				t.Errorf("PutNotify stored %d, want 1", n)
			}
			returned <- err
		}()
		select {
		case n := <-visible:
			if n != 1 {
				t.Errorf("call %d: visible(%d), want 1", i, n)
			}
		case err := <-returned:
			t.Fatalf("call %d: PutNotify returned (err %v) before calling visible, with the WAL fsync held", i, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("call %d: visible not called within 10 s while the WAL fsync is held: it waits for an fsync", i)
		}
	}
	storetest.ExpectHeld(t, gate, returned, "PutNotify returned")
	gate.Release()
	for range calls {
		if err := <-returned; err != nil {
			t.Fatal(err)
		}
	}
}
