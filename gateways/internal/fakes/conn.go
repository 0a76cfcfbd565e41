package fakes

import (
	"context"
	"net"
	"net/http"
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
