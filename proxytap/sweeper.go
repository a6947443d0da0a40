package proxytap

import (
	"sync"
	"sync/atomic"
	"time"
)

// The tap records a busy stream's reads after delivering them, and not
// right after: a write to the browser wakes the browser's reader, which
// the kernel often queues on the tap's own core, behind whatever the tap
// does next. So the delivering goroutine only holds each read (its bytes
// and the times taken at the read and at the write) and goes back to
// reading; the tap's sweeper records the held reads every sweepEvery, once
// the stream has been quiet for sweepQuiet. The recorded times are those
// measured at the read and at the write, so nothing recorded changes; only
// the live view lags, by sweepEvery usually and heldMaxAge + sweepEvery at
// most.
//
// The sweeper runs only while some stream is busy (a delivery within
// sweepBusy of the previous one), and stops after sweepIdle without
// anything to record, so an idle tap does not wake up. A stream that is
// not busy while the sweeper is stopped records each read itself, right
// after delivering it.
const (
	// sweepEvery is how often the sweeper looks at the open streams.
	sweepEvery = 20 * time.Millisecond
	// sweepQuiet is how long after a stream's last delivery the sweeper
	// waits before recording it, unless its oldest held read is older
	// than heldMaxAge.
	sweepQuiet = time.Millisecond
	// heldMaxAge bounds how late a read is recorded.
	heldMaxAge = 100 * time.Millisecond
	// heldMax bounds the bytes a stream holds: beyond it the stream's own
	// goroutine records them at once.
	heldMax = 64 << 10
	// sweepBusy: a delivery this soon after the stream's previous one
	// starts the sweeper.
	sweepBusy = 100 * time.Millisecond
	// sweepIdle: the sweeper stops after this long with nothing to record.
	sweepIdle = 200 * time.Millisecond
)

// sweeper records the held reads of a tap's open streams.
type sweeper struct {
	running atomic.Bool  // read without mu by deliveries; set under mu
	starts  atomic.Int64 // how many times its goroutine started (tests)

	mu    sync.Mutex
	flows map[*flow]struct{}
	done  chan struct{} // closed when the running goroutine stops (tests)
}

// add registers a stream whose reads may be held.
func (s *sweeper) add(f *flow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flows == nil {
		s.flows = make(map[*flow]struct{})
	}
	s.flows[f] = struct{}{}
}

// remove unregisters a stream; its own goroutine records what it still
// holds.
func (s *sweeper) remove(f *flow) {
	s.mu.Lock()
	delete(s.flows, f)
	s.mu.Unlock()
}

// start starts the sweeper's goroutine unless it runs.
func (s *sweeper) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running.Load() {
		return
	}
	s.running.Store(true)
	s.starts.Add(1)
	s.done = make(chan struct{})
	go s.run(s.done)
}

// sweepDue reports whether held reads, the oldest delivered at oldest and
// the newest at newest, are to be recorded at now: the stream has been
// quiet for sweepQuiet, or the oldest has waited heldMaxAge.
func sweepDue(now, oldest, newest time.Duration) bool {
	return now-newest >= sweepQuiet || now-oldest >= heldMaxAge
}

func (s *sweeper) run(done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(sweepEvery)
	defer tick.Stop()
	var batch []*flow
	idle := time.Duration(0)
	for range tick.C {
		batch = s.registered(batch)
		held := false
		for _, f := range batch {
			if f.sweep() {
				held = true
			}
		}
		if held {
			idle = 0
			continue
		}
		if idle += sweepEvery; idle < sweepIdle {
			continue
		}
		// Stop. A delivery that saw the sweeper running may have held a
		// read since this round looked: record whatever is held once the
		// deliveries can see it stopped.
		s.mu.Lock()
		s.running.Store(false)
		s.mu.Unlock()
		for _, f := range s.registered(batch) {
			f.recMu.Lock()
			f.recordHeld(true)
			f.recMu.Unlock()
		}
		return
	}
}

// registered returns the registered streams, in batch's storage.
func (s *sweeper) registered(batch []*flow) []*flow {
	clear(batch)
	batch = batch[:0]
	s.mu.Lock()
	for f := range s.flows {
		batch = append(batch, f)
	}
	s.mu.Unlock()
	return batch
}
