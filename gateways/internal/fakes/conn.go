package fakes

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

type connKey struct{}

// ConnContext is an http.Server ConnContext hook that remembers each
// request's connection, so ResetConn can drop it.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// ResetConn closes the connection r arrived on (installed by ConnContext),
// the way a reset upstream looks to a client.
func ResetConn(r *http.Request) {
	if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		c.Close()
	}
}

// Delay waits d (no wait when d <= 0) and reports whether the request is
// still wanted: false when its context ended first.
func Delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Hold keeps chosen requests unanswered until Release: a connection whose
// only requests are held goes quiet, as a stuck one does. The zero value
// holds nothing.
type Hold struct {
	next    Countdown
	mu      sync.Mutex
	release chan struct{} // guarded by mu; closed by Release
}

// Add makes the next n requests that reach Wait wait.
func (h *Hold) Add(n int) { h.next.Add(n) }

// Wait holds r when a hold is pending, until Release or the end of r's
// context, and reports whether r is still wanted: false when its context
// ended first.
func (h *Hold) Wait(r *http.Request) bool {
	if !h.next.Take() {
		return true
	}
	h.mu.Lock()
	if h.release == nil {
		h.release = make(chan struct{})
	}
	release := h.release
	h.mu.Unlock()
	select {
	case <-release:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Release lets every held request go on.
func (h *Hold) Release() {
	h.mu.Lock()
	if h.release != nil {
		close(h.release)
		h.release = nil
	}
	h.mu.Unlock()
}
