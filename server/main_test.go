package server

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine the server starts is stopped by Run/Shutdown and session close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
