package main

import "time"

// hiccupMeter measures, during a run, how late a 1 ms sleep wakes up, over
// and over. A late wakeup means pnbench could not run: its own load, or the
// machine (the hypervisor, another tenant) not scheduling it. This is the
// jHiccup idea: a latency spike that lines up with hiccups belongs to the
// platform, not to the node.
type hiccupMeter struct {
	stop chan struct{}
	done chan struct{}
	late []time.Duration // owned by the meter's goroutine until done
}

const hiccupTick = time.Millisecond

func startHiccups() *hiccupMeter {
	h := &hiccupMeter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		for {
			select {
			case <-h.stop:
				return
			default:
			}
			t0 := time.Now()
			time.Sleep(hiccupTick)
			h.late = append(h.late, max(0, time.Since(t0)-hiccupTick))
		}
	}()
	return h
}

// finish stops the meter and returns how late the wakeups were and how many
// were more than 10 ms late.
func (h *hiccupMeter) finish() (Latency, int) {
	close(h.stop)
	<-h.done
	over := 0
	for _, d := range h.late {
		if d > 10*time.Millisecond {
			over++
		}
	}
	return summarize(h.late), over
}
