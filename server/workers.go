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
// the node's CPU. Once per idle period the workers idle at that moment exit,
// so a quiet node keeps none, and all exit when the server stops.
type workers struct {
	tasks   chan func() // unbuffered: a send succeeds only when a worker waits
	done    <-chan struct{}
	n       atomic.Int64 // running workers, busy or idle
	idle    time.Duration
	reaping atomic.Bool // a reap is scheduled
}

// workerIdle is how often idle workers are ended: a worker idle for longer
// than this is gone.
const workerIdle = 5 * time.Second

func newWorkers(ctx context.Context) *workers {
	return &workers{tasks: make(chan func()), done: ctx.Done(), idle: workerIdle}
}

// Go runs f on an idle worker, or on a new one when none is idle. It never
// blocks.
func (w *workers) Go(f func()) {
	select {
	case w.tasks <- f:
	default:
		w.n.Add(1)
		go w.loop(f)
		w.scheduleReap()
	}
}

// loop runs tasks until it is handed nil (see reap) or the server stops.
// It waits without a timer: arming one per task cost more than the task
// handoff itself.
func (w *workers) loop(f func()) {
	defer w.n.Add(-1)
	for f != nil {
		f()
		f = nil // do not pin the task's closure while idle
		select {
		case f = <-w.tasks:
		case <-w.done:
			return
		}
	}
}

func (w *workers) scheduleReap() {
	if w.reaping.CompareAndSwap(false, true) {
		time.AfterFunc(w.idle, w.reap)
	}
}

// reap ends every worker idle right now by handing it nil, and schedules
// the next reap while workers remain.
func (w *workers) reap() {
	for stop := false; !stop; {
		select {
		case w.tasks <- nil:
		default:
			stop = true
		}
	}
	w.reaping.Store(false)
	if w.n.Load() > 0 {
		w.scheduleReap()
	}
}
