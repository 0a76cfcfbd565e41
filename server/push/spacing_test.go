package push

import (
	"testing"
	"time"
)

// TestSyncSpacer: the spacer spaces fsyncs only while synced commits pile
// up between them, with hysteresis, and stops when they no longer do.
func TestSyncSpacer(t *testing.T) {
	var sp syncSpacer
	// fsyncs runs one fsync per entry of perFsync, with that many commits
	// counted before it, and returns how many were spaced and the
	// interval the last one got.
	fsyncs := func(perFsync ...int) (spaced int, last time.Duration) {
		for _, n := range perFsync {
			for range n {
				sp.commit()
			}
			if last = sp.interval(); last > 0 {
				spaced++
			}
		}
		return spaced, last
	}
	repeat := func(k int, pattern ...int) []int {
		var out []int
		for range k {
			out = append(out, pattern...)
		}
		return out
	}
	// 1.75 commits per fsync on average: between spaceUntil and spaceFrom.
	between := repeat(50, 2, 2, 2, 1)

	if spaced, _ := fsyncs(repeat(200, 1)...); spaced != 0 {
		t.Fatalf("one commit per fsync (light load): %d fsyncs spaced, want none", spaced)
	}
	if spaced, _ := fsyncs(between...); spaced != 0 {
		t.Fatalf("1.75 commits per fsync, unspaced before: %d fsyncs spaced, want none", spaced)
	}
	if _, last := fsyncs(repeat(40, 4)...); last != walMinSyncInterval {
		t.Fatalf("four commits per fsync: interval %v, want %v", last, walMinSyncInterval)
	}
	if spaced, _ := fsyncs(between...); spaced != len(between) {
		t.Fatalf("1.75 commits per fsync, spaced before: %d of %d spaced, want all", spaced, len(between))
	}
	if _, last := fsyncs(repeat(40, 1)...); last != 0 {
		t.Fatal("one commit per fsync did not end the spacing")
	}
	// fsyncs that pebble makes for its own reasons (no commit counted)
	// end it too.
	fsyncs(repeat(40, 4)...)
	if _, last := fsyncs(repeat(40, 0)...); last != 0 {
		t.Fatal("fsyncs without commits kept the spacing on")
	}
}
