package mailstore

import (
	"encoding/binary"
	"math"
	"sync"
	"sync/atomic"
)

// Recent-filter sizing. Publishes carry timestamps within the node's clock
// skew (20 s by default) of now, so a window of a minute behind the clock
// covers them; an envelope outside the window is looked up in pebble as
// before. The entry cap bounds memory (about 16 bytes an entry) at high
// ingest rates by shortening the window.
const (
	recentSlotNanos  = int64(10e9) // one map per 10 s of envelope timestamps
	recentWindow     = int64(60e9) // slots ending more than this before the clock are dropped
	recentMaxEntries = 1 << 20
)

// recentFilter remembers, by an 8-byte prefix of the hash, every envelope
// this store has written with a timestamp above a floor. For such an
// envelope, absence from the filter proves it is not stored, and Put skips
// its pebble lookup: a Get in a large memtable was about a tenth of the
// node's CPU per publish.
//
// Why absence is proof: when the store opens, the floor is the newest
// timestamp stored, so nothing stored before is above it. Every envelope
// the committer writes is added before its batch becomes visible (before
// PebbleStore.applied moves). An entry leaves only when the floor rises
// past its timestamp, under the same lock the lookups take. Deletions
// (pruning) leave stale entries, and a shared prefix gives a false
// "maybe": both only cost the lookup the filter would have saved.
type recentFilter struct {
	mu      sync.Mutex
	floor   int64                         // envelopes at or below it are not covered; only rises
	slots   map[int64]map[uint64]struct{} // by timestamp / recentSlotNanos
	entries int
	oldest  int64 // smallest key in slots, when len(slots) > 0
	max     int   // entry cap (recentMaxEntries)

	skipped atomic.Int64 // lookups the filter answered
}

func newRecentFilter(newestStored int64, hasStored bool) *recentFilter {
	f := &recentFilter{floor: math.MinInt64, slots: make(map[int64]map[uint64]struct{}), max: recentMaxEntries}
	if hasStored {
		f.floor = newestStored
	}
	return f
}

func hashPrefix(h *Hash) uint64 { return binary.LittleEndian.Uint64(h[:8]) }

// absent reports whether the envelope (ts, h) is certainly not stored. now
// (the wall clock, ns) lets it drop slots that fell out of the window.
func (f *recentFilter) absent(ts int64, h *Hash, now int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expireLocked(now)
	if ts <= f.floor {
		return false
	}
	if _, ok := f.slots[ts/recentSlotNanos][hashPrefix(h)]; ok {
		return false
	}
	f.skipped.Add(1)
	return true
}

// stamped is a written envelope's timestamp and hash.
type stamped struct {
	ts int64
	h  Hash
}

// add records written envelopes. The committer calls it before the batch
// holding them becomes visible to lookups.
func (f *recentFilter) add(written []stamped) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range written {
		w := &written[i]
		if w.ts <= f.floor {
			continue
		}
		k := w.ts / recentSlotNanos
		m := f.slots[k]
		if m == nil {
			m = make(map[uint64]struct{})
			f.slots[k] = m
			if len(f.slots) == 1 || k < f.oldest {
				f.oldest = k
			}
		}
		p := hashPrefix(&w.h)
		if _, ok := m[p]; !ok {
			m[p] = struct{}{}
			f.entries++
		}
	}
	for f.entries > f.max && len(f.slots) > 1 {
		f.dropOldestLocked()
	}
}

// expireLocked drops the slots that ended more than recentWindow before now.
func (f *recentFilter) expireLocked(now int64) {
	for len(f.slots) > 0 && (f.oldest+1)*recentSlotNanos <= now-recentWindow {
		f.dropOldestLocked()
	}
}

// dropOldestLocked removes the oldest slot and raises the floor to its end,
// so the envelopes it held are looked up again.
func (f *recentFilter) dropOldestLocked() {
	k := f.oldest
	f.entries -= len(f.slots[k])
	delete(f.slots, k)
	f.floor = max(f.floor, (k+1)*recentSlotNanos-1)
	if len(f.slots) == 0 {
		return
	}
	f.oldest = math.MaxInt64
	for j := range f.slots {
		f.oldest = min(f.oldest, j)
	}
}
