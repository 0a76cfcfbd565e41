package push

import (
	"sync"
	"sync/atomic"
)

// maxCached bounds each read cache; beyond it, a random entry is evicted.
const maxCached = 200_000

// readCache is a bounded map in front of the store for the hot path (every
// wake request and every send reads a wakeup token and a registration).
// Writers update the store, then the cache, then bump the generation they
// share with readers; a reader fills the cache only if no writer touched
// that generation since before its store read, so a read that raced a
// write never caches the old value.
type readCache[V any] struct {
	mu sync.Mutex
	m  map[string]V // guarded by mu
}

func newReadCache[V any]() *readCache[V] { return &readCache[V]{m: make(map[string]V)} }

func (c *readCache[V]) get(k []byte) (V, bool) {
	c.mu.Lock()
	v, ok := c.m[string(k)]
	c.mu.Unlock()
	return v, ok
}

// fill inserts v if the generation is still g and k is absent.
func (c *readCache[V]) fill(k []byte, v V, gen *atomic.Uint64, g uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen.Load() != g {
		return
	}
	if _, ok := c.m[string(k)]; ok {
		return
	}
	c.evictLocked()
	c.m[string(k)] = v
}

// put stores v for a writer, after its store commit.
func (c *readCache[V]) put(k []byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[string(k)]; !ok {
		c.evictLocked()
	}
	c.m[string(k)] = v
}

func (c *readCache[V]) del(k []byte) {
	c.mu.Lock()
	delete(c.m, string(k))
	c.mu.Unlock()
}

func (c *readCache[V]) evictLocked() {
	if len(c.m) < maxCached {
		return
	}
	for k := range c.m { // map order is random: a random victim
		delete(c.m, k)
		return
	}
}
