package proxytap

import (
	"sync"
	"time"
)

// The tap records a stream's reads after delivering them, and not right
// after: a write to the browser wakes the browser's reader, which the
// kernel often queues on the tap's own core, behind whatever the tap does
// next. So the delivering goroutine only holds each read (its bytes and
// times) and goes back to reading; the tap's sweeper records the held
// reads every sweepEvery, once the stream has been quiet for sweepQuiet.
// The recorded times are those measured at the read and at the write, so
// nothing recorded changes; only the live view lags, by sweepEvery
// usually and heldMaxAge + sweepEvery at most.
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
)

// sweeper records the held reads of a tap's open streams. Its goroutine
// runs while at least one stream is registered.
type sweeper struct {
	mu      sync.Mutex
	flows   map[*flow]struct{}
	running bool
	done    chan struct{} // closed when the running goroutine stops
}

// add registers a stream whose reads are held.
func (s *sweeper) add(f *flow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flows == nil {
		s.flows = make(map[*flow]struct{})
	}
	s.flows[f] = struct{}{}
	if !s.running {
		s.running = true
		s.done = make(chan struct{})
		go s.run(s.done)
	}
}

// stopped returns a channel closed once the sweeper has no goroutine
// running.
func (s *sweeper) stopped() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return closedChan
	}
	return s.done
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// remove unregisters a stream; its own goroutine records what it still
// holds.
func (s *sweeper) remove(f *flow) {
	s.mu.Lock()
	delete(s.flows, f)
	s.mu.Unlock()
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
	for range tick.C {
		s.mu.Lock()
		if len(s.flows) == 0 {
			s.running = false
			s.mu.Unlock()
			return
		}
		for f := range s.flows {
			batch = append(batch, f)
		}
		s.mu.Unlock()
		for i, f := range batch {
			f.sweep()
			batch[i] = nil
		}
		batch = batch[:0]
	}
}
