package server

import (
	"context"
	"sync/atomic"
	"time"
)

// workers runs short tasks (reading a frame, a request, a burst of writes)
// on reused goroutines. A fresh goroutine starts with a 2 KiB stack and
// grows it, copying, on every task that decodes JSON or enters the store; a
// reused one has grown already. Under load that copying was about a tenth of
// the node's CPU. An idle worker exits after workerIdle, so a quiet node
// keeps none, and all exit when the server stops.
type workers struct {
	tasks chan func() // unbuffered: a send succeeds only when a worker waits
	done  <-chan struct{}
	n     atomic.Int64 // running workers, busy or idle
}

// workerIdle is how long a worker waits for another task before exiting.
const workerIdle = 5 * time.Second

func newWorkers(ctx context.Context) *workers {
	return &workers{tasks: make(chan func()), done: ctx.Done()}
}

// Go runs f on an idle worker, or on a new one when none is idle. It never
// blocks.
func (w *workers) Go(f func()) {
	select {
	case w.tasks <- f:
	default:
		w.n.Add(1)
		go w.loop(f)
	}
}

func (w *workers) loop(f func()) {
	defer w.n.Add(-1)
	t := time.NewTimer(workerIdle)
	defer t.Stop()
	for {
		f()
		f = nil // do not pin the task's closure while idle
		t.Reset(workerIdle)
		select {
		case f = <-w.tasks:
		case <-t.C:
			return
		case <-w.done:
			return
		}
	}
}
