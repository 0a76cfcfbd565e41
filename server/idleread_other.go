//go:build !linux

package server

import "syscall"

// waitSocketReadable does not wait on other systems: the session reads
// through the websocket library directly, which parks with a larger stack.
func waitSocketReadable(syscall.RawConn) error { return nil }

// rawIdleRead: readIdle leaves the waiting to the connection's Read.
const rawIdleRead = false

// readFD is not used where rawIdleRead is false.
func readFD(uintptr, []byte) (int, error) { return 0, syscall.ENOTSUP }
