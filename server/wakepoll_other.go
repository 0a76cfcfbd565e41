//go:build !linux

package server

// wakePoller is Linux's (epoll); elsewhere every fast-path connection keeps
// its goroutine.
type wakePoller struct{}

func newWakePoller(*wakeFront) *wakePoller { return nil }
func (*wakePoller) adopt(*frontConn) bool  { return false }
func (*wakePoller) close()                 {}
