//go:build !linux

package server

import "syscall"

// waitSocketReadable does not wait on other systems: the session reads
// through the websocket library directly, which parks with a larger stack.
func waitSocketReadable(syscall.RawConn) error { return nil }
