package server

import (
	"syscall"
	"unsafe"
)

// waitSocketReadable parks on the runtime's poller until a one-byte
// MSG_PEEK finds data (or end of stream, or an error for the next read to
// report). The probe buffer is per call; the peeked byte stays in the socket.
func waitSocketReadable(raw syscall.RawConn) error {
	return raw.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
			syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
		return errno != syscall.EAGAIN
	})
}

// rawIdleRead: readIdle reads an idle connection's first bytes itself.
const rawIdleRead = true

// readFD reads from a non-blocking socket; syscall.EAGAIN when it has
// nothing.
func readFD(fd uintptr, b []byte) (int, error) { return syscall.Read(int(fd), b) }
