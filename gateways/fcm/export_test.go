package fcm

import "time"

// SetStallAfter sets how long a pool connection may be silent with sends in
// flight before sends skip it, for Senders made from now on, and returns
// the function that restores it.
func SetStallAfter(d time.Duration) (restore func()) {
	old := stallAfter
	stallAfter = d
	return func() { stallAfter = old }
}
