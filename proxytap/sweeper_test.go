package proxytap

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// A busy stream's reads are held and recorded by the sweeper while the
// stream is open, with the times taken at the read and at the write.
func TestHeldReadsAreRecordedWhileTheStreamStaysOpen(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		// Three events a millisecond apart: a busy stream.
		for i := 1; i <= 3; i++ {
			writePieces(w, fmt.Sprintf("id: %d\ndata: e%d\n\n", i, i))
			time.Sleep(time.Millisecond) // the workload's pace
		}
		<-r.Context().Done() // open until the browser goes
	})
	tap, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	defer resp.Body.Close()
	if got := readDataLines(t, resp.Body, 3); got[2] != "e3" {
		t.Fatalf("browser got %q, want e1 to e3", got)
	}
	received := sess.Now()
	snap := waitFor(t, sess, "three events recorded", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) == 3
	})
	l := laneOfKind(snap, inspector.LaneTap)
	if c := l.Conns[0]; !c.Open() {
		t.Fatalf("the connection ended (%s) before its events were recorded", c.Cause)
	}
	if n := tap.sweep.starts.Load(); n == 0 {
		t.Errorf("the sweeper never started for a busy stream")
	}
	for i, ev := range l.Events() {
		if want := fmt.Sprintf("e%d", i+1); ev.Data != want || ev.ID != fmt.Sprint(i+1) {
			t.Errorf("event %d: %q id %q, want %s id %d", i, ev.Data, ev.ID, want, i+1)
		}
		if ev.Arrival <= 0 || ev.Delivered < ev.Arrival || ev.Delivered > received {
			t.Errorf("event %d: arrival %v, delivered %v, browser read all by %v: want 0 < arrival ≤ delivered ≤ that", i, ev.Arrival, ev.Delivered, received)
		}
	}
}

// A lone event on a stream that is not busy is recorded by the stream's
// own goroutine, right after its delivery: the sweeper does not start.
func TestSparseStreamIsRecordedWithoutTheSweeper(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: lone\n\n")
		<-r.Context().Done() // open until the browser goes
	})
	tap, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	defer resp.Body.Close()
	readDataLines(t, resp.Body, 1)
	waitFor(t, sess, "the event recorded", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) == 1 && l.Conns[0].Open()
	})
	if n := tap.sweep.starts.Load(); n != 0 {
		t.Errorf("the sweeper started %d times for one event", n)
	}
}

// A stream that never pauses long enough for the sweeper is still
// recorded as it goes: its oldest held read waits at most heldMaxAge.
func TestBusyStreamIsRecordedAsItGoes(t *testing.T) {
	stop := make(chan struct{})
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		rc := http.NewResponseController(w)
		for i := 1; ; i++ {
			fmt.Fprintf(w, "data: %d\n\n", i)
			rc.Flush()
			// Shorter than sweepQuiet, so the stream never looks quiet.
			select {
			case <-time.After(sweepQuiet / 5):
			case <-stop:
				return
			case <-r.Context().Done():
				return
			}
		}
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	defer resp.Body.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				return
			}
		}
	}()
	snap := waitFor(t, sess, "200 events recorded while the stream runs", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) >= 200
	})
	close(stop)
	l := laneOfKind(snap, inspector.LaneTap)
	if c := l.Conns[0]; !c.Open() {
		t.Fatalf("the connection ended (%s) before its events were recorded", c.Cause)
	}
	// Recorded as it went, not in one heldMax batch: 200 events were
	// first seen among far fewer than that batch would bring at once
	// (its events are about 10 bytes).
	if n := len(l.Events()); n >= heldMax/10/2 {
		t.Errorf("%d events at the first count past 200: recorded in one held-bytes batch, not as the stream went", n)
	}
}

// Held reads are bounded: once they reach heldMax bytes the stream's own
// goroutine records them, with no sweeper at all.
func TestHeldReadsAreBounded(t *testing.T) {
	f, sess, lane := recordingFlow()
	f.tap.sweep.running.Store(true)                        // as if it ran, but it never visits
	event := "data: " + strings.Repeat("x", 1016) + "\n\n" // 1 KiB
	read := []byte(strings.Repeat(event, 8))               // 8 KiB a read
	reads := 0
	for f.heldLen() < heldMax-len(read) {
		f.arrival = sess.Now()
		f.deliver(read, nil)
		reads++
	}
	if n := lane.Snapshot().TotalEvents(); n != 0 {
		t.Fatalf("%d events recorded below heldMax; want them held", n)
	}
	f.deliver(read, nil)
	reads++
	if n, want := lane.Snapshot().TotalEvents(), int64(reads*8); n != want {
		t.Fatalf("%d events recorded once %d bytes were held, want %d", n, reads*len(read), want)
	}
	if f.heldLen() != 0 {
		t.Errorf("%d bytes still held after recording", f.heldLen())
	}
	// A failed write is recorded at once, with no delivery time.
	f.deliver([]byte(event), errTestWrite)
	evs := lane.Snapshot().Events()
	if last := evs[len(evs)-1]; len(evs) != reads*8+1 || last.Delivered != 0 {
		t.Errorf("after a failed write: %d events, the last delivered at %v; want %d and 0", len(evs), last.Delivered, reads*8+1)
	}
}

var errTestWrite = fmt.Errorf("test: write failed")

// recordingFlow is a tapped stream's flow recording into a lane of its
// own, outside any proxying: deliver and sweep can be called directly.
func recordingFlow() (*flow, *inspector.Session, *inspector.Lane) {
	sess := inspector.NewSession(inspector.Limits{})
	lane := sess.AddLane(inspector.LaneInfo{Kind: inspector.LaneTap, Name: "held"})
	conn := lane.StartConn(0, "GET", "http://origin/", nil, "")
	f := &flow{tap: &Tap{}, sess: sess, rec: &inspector.ConnRecorder{Lane: lane, Conn: conn, Parser: &sse.Parser{}}}
	return f, sess, lane
}

func TestSweepDue(t *testing.T) {
	const now = time.Hour
	for _, c := range []struct {
		oldest, newest time.Duration
		want           bool
	}{
		{now, now, false}, // just delivered
		{now - sweepQuiet + 1, now - sweepQuiet + 1, false},         // not quiet long enough
		{now - sweepQuiet, now - sweepQuiet, true},                  // quiet for sweepQuiet
		{now - heldMaxAge + 1, now, false},                          // busy, oldest young enough
		{now - heldMaxAge, now, true},                               // busy, oldest waited heldMaxAge
		{now - 2*heldMaxAge, now - sweepQuiet/2, true},              // both: the age decides
		{now - heldMaxAge/2, now - heldMaxAge/2 + sweepQuiet, true}, // quiet since the newest
	} {
		if got := sweepDue(now, c.oldest, c.newest); got != c.want {
			t.Errorf("sweepDue(now, now%+v, now%+v) = %v, want %v", c.oldest-now, c.newest-now, got, c.want)
		}
	}
}

// The sweeper's visit records held reads only when they are due, all of
// them, in order, with their own times.
func TestSweepRecordsOnlyWhatIsDue(t *testing.T) {
	f, sess, lane := recordingFlow()
	hold := func(data string, arrival, delivered time.Duration) {
		f.heldBytes = append(f.heldBytes, "data: "+data+"\n\n"...)
		f.held = append(f.held, heldRead{arrival: arrival, delivered: delivered, end: len(f.heldBytes)})
	}
	// Delivered (as far as the clock goes) in the future: neither quiet
	// nor old.
	future := sess.Now() + time.Hour
	hold("a", future-2, future-1)
	f.sweep()
	if n := lane.Snapshot().TotalEvents(); n != 0 || f.heldLen() == 0 {
		t.Fatalf("a visit before it was due recorded %d events", n)
	}
	// An older read first: the oldest has waited heldMaxAge.
	f.held, f.heldBytes = nil, nil
	past := sess.Now() - 2*heldMaxAge
	hold("b", past-10, past)
	hold("c", future-2, future-1)
	f.sweep()
	evs := lane.Snapshot().Events()
	if len(evs) != 2 || evs[0].Data != "b" || evs[1].Data != "c" {
		t.Fatalf("recorded %+v, want b then c", evs)
	}
	if evs[0].Arrival != past-10 || evs[0].Delivered != past || evs[1].Delivered != future-1 {
		t.Errorf("times: b %v/%v, c delivered %v; want the held ones", evs[0].Arrival, evs[0].Delivered, evs[1].Delivered)
	}
	if f.heldLen() != 0 {
		t.Errorf("%d bytes still held", f.heldLen())
	}
}

// heldLen is how many bytes the flow holds.
func (f *flow) heldLen() int {
	f.heldMu.Lock()
	defer f.heldMu.Unlock()
	return len(f.heldBytes)
}

// The sweeper's goroutine stops once it has had nothing to record for
// sweepIdle.
func TestSweeperStopsWhenIdle(t *testing.T) {
	origin := newOrigin(t, pacedOrigin(time.Millisecond, 20, 10))
	tap, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	readDataLines(t, resp.Body, 20)
	resp.Body.Close()
	waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	if tap.sweep.starts.Load() == 0 {
		t.Fatal("the sweeper never started for a busy stream")
	}
	select {
	case <-tap.sweep.stopped():
	case <-time.After(10 * time.Second):
		t.Fatal("the sweeper still runs with nothing to record")
	}
	tap.sweep.mu.Lock()
	defer tap.sweep.mu.Unlock()
	if tap.sweep.running.Load() || len(tap.sweep.flows) != 0 {
		t.Errorf("after the last stream: running %v with %d streams", tap.sweep.running.Load(), len(tap.sweep.flows))
	}
	if n := laneOfKind(sess.Snapshot(), inspector.LaneTap).TotalEvents(); n != 20 {
		t.Errorf("%d events recorded, want 20", n)
	}
}

// stopped returns a channel closed once the sweeper has no goroutine
// running.
func (s *sweeper) stopped() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running.Load() {
		c := make(chan struct{})
		close(c)
		return c
	}
	return s.done
}
