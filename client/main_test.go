package client_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Close stops every goroutine a Client starts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
