package storetest

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// SyncGate wraps a pebble file system so that fsyncs of write-ahead log files wait while the gate is
// shut: a test can hold a write between becoming visible and becoming durable. A new gate is open.
type SyncGate struct {
	vfs.FS
	mu     sync.Mutex
	shut   chan struct{} // nil when open; closed to open it
	waited atomic.Int64  // fsyncs that found the gate shut
}

// Waited returns how many fsyncs found the gate shut.
func (g *SyncGate) Waited() int64 { return g.waited.Load() }

// Hold makes later WAL fsyncs wait until Release.
func (g *SyncGate) Hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut == nil {
		g.shut = make(chan struct{})
	}
}

// Release lets waiting and later WAL fsyncs proceed.
func (g *SyncGate) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut != nil {
		close(g.shut)
		g.shut = nil
	}
}

func (g *SyncGate) wait() {
	g.mu.Lock()
	shut := g.shut
	g.mu.Unlock()
	if shut != nil {
		g.waited.Add(1)
		<-shut
	}
}

// Create wraps the file system's Create.
func (g *SyncGate) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := g.FS.Create(name, c)
	return g.wrap(name, f, err)
}

// ReuseForWrite wraps the file system's ReuseForWrite.
func (g *SyncGate) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := g.FS.ReuseForWrite(oldname, newname, c)
	return g.wrap(newname, f, err)
}

func (g *SyncGate) wrap(name string, f vfs.File, err error) (vfs.File, error) {
	if err != nil || !strings.HasSuffix(name, ".log") {
		return f, err
	}
	return &gatedFile{File: f, g: g}, nil
}

type gatedFile struct {
	vfs.File
	g *SyncGate
}

func (f *gatedFile) Sync() error     { f.g.wait(); return f.File.Sync() }
func (f *gatedFile) SyncData() error { f.g.wait(); return f.File.SyncData() }
func (f *gatedFile) SyncTo(n int64) (bool, error) {
	f.g.wait()
	return f.File.SyncTo(n)
}

// ExpectHeld fails t if done delivers within 100 ms, or if no WAL fsync has reached the gate: what
// done reports must be waiting for a held fsync.
func ExpectHeld[T any](t testing.TB, g *SyncGate, done <-chan T, what string) {
	t.Helper()
	select {
	case v := <-done:
		t.Fatalf("%s while its WAL fsync was held: %v", what, v)
	case <-time.After(100 * time.Millisecond):
	}
	if g.Waited() == 0 {
		t.Fatal("no WAL fsync reached the gate")
	}
}
