package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestBurstsOfAFlushingServer(t *testing.T) {
	s := it.NewSession()
	l := flowing(s, "direct", 40, 200, it.Ms(50))
	b := diagnose.MeasureBursts(laneSnap(s, l))
	if b.Reads != 40 || b.EventReads != 40 || b.Bursts != 0 || b.MaxEvents != 1 || b.SplitReads != 0 || b.StepSize != 0 {
		t.Fatalf("got %+v", *b)
	}
	if b.InnerReads != 39 {
		t.Fatalf("inner reads %d, want 39 (the last read of a closed connection is not inner)", b.InnerReads)
	}
	if len(b.Staircase) != 40 || b.Staircase[39].Total != 40*200 {
		t.Fatalf("staircase of %d steps ending at %d B", len(b.Staircase), b.Staircase[len(b.Staircase)-1].Total)
	}
	ct := b.Conns[0]
	if ct.ToHeaders != it.Ms(1) || ct.ToFirstEvent != it.Ms(3) || ct.HeldToEnd || ct.Silent {
		t.Fatalf("timing %+v", ct)
	}
}

func TestBurstsFindThePageStep(t *testing.T) {
	s := it.NewSession()
	l := paged(s, "proxied", 100, 200, it.Ms(50), 4096)
	b := diagnose.MeasureBursts(laneSnap(s, l))
	if b.StepSize != 4096 || b.StepReads != 4 || b.InnerReads != 4 {
		t.Fatalf("step %d over %d of %d reads, want 4096 over 4 of 4", b.StepSize, b.StepReads, b.InnerReads)
	}
	if b.SplitReads < 3 || b.MaxEvents < 20 {
		t.Fatalf("split %d max %d: pages cut events and carry about 20", b.SplitReads, b.MaxEvents)
	}
	if !b.Conns[0].HeadersWithBody {
		t.Fatal("headers arrived with the first page but HeadersWithBody is false")
	}
}

func TestBurstsStepAfterHeldHeaders(t *testing.T) {
	// nginx's first buffer holds the upstream's headers too, so the first
	// release is short of a page; the rest are whole pages.
	s := it.NewSession()
	l := s.Lane("proxied").Connect(0, "")
	evs, sent := it.Stream(80, it.Ms(2), it.Ms(25), func(i int) string { return it.Numbered(i, 200) })
	l.PagedAfterHeaders(evs, sent, 4096, 114, it.Ms(1), it.Ms(2100))
	l.Close(it.Ms(2101), inspector.CauseEOF)
	snap := laneSnap(s, l)
	if r := snap.Read(0); r.WireSize != 4096-114 {
		t.Fatalf("first read %d B, want %d", r.WireSize, 4096-114)
	}
	if b := diagnose.MeasureBursts(snap); b.StepSize != 4096 || b.StepReads != 2 {
		t.Fatalf("step %d over %d reads, want 4096 over 2", b.StepSize, b.StepReads)
	}
}

func TestBurstsNoStepForRegularSmallEvents(t *testing.T) {
	// 600-byte events, one per read: regular, but a flush per event.
	s := it.NewSession()
	l := flowing(s, "direct", 30, 600, it.Ms(20))
	if b := diagnose.MeasureBursts(laneSnap(s, l)); b.StepSize != 0 {
		t.Fatalf("step %d for one event per read", b.StepSize)
	}
}

func TestBurstsHeldToEndAndSilent(t *testing.T) {
	s := it.NewSession()
	held := s.Lane("held").Connect(0, "").Respond(it.Ms(1))
	body := ""
	for i := range 10 {
		body += it.Numbered(i, 100)
	}
	held.Read(it.Sec(3), body).Close(it.Sec(3)+it.Ms(1), inspector.CauseEOF)
	silent := s.Lane("silent").Connect(0, "")
	silent.Close(it.Sec(5), inspector.CauseCancelled)
	snap := s.Snapshot()
	if ct := diagnose.MeasureBursts(snap.Lane(held.ID())).Conns[0]; !ct.HeldToEnd {
		t.Fatalf("all events in the last read of a 3 s connection: %+v", ct)
	}
	if ct := diagnose.MeasureBursts(snap.Lane(silent.ID())).Conns[0]; !ct.Silent || ct.ToHeaders != -1 {
		t.Fatalf("no byte in 5 s: %+v", ct)
	}
}

func TestStaircaseStaysSmall(t *testing.T) {
	s := it.NewSession()
	l := flowing(s, "direct", 2000, 20, it.Ms(1))
	snap := laneSnap(s, l)
	b := diagnose.MeasureBursts(snap)
	if len(b.Staircase) > 512 || b.Staircase[len(b.Staircase)-1].Total != snap.Bytes() {
		t.Fatalf("%d steps, total %d", len(b.Staircase), b.Staircase[len(b.Staircase)-1].Total)
	}
}

// A reader that falls behind gets two pages at once more often than one:
// the page is still found, since every read is a multiple of it.
func TestBurstsFindThePageStepWhenPagesMostlyArriveInPairs(t *testing.T) {
	s := it.NewSession()
	stream := numberedBody(11 * 4096)
	l := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	at, off := it.Ms(10), 0
	for _, pages := range []int{2, 1, 2, 2, 1, 2, 1} { // 8192 B most often, then 4096 B
		n := pages * 4096
		l.Read(at, stream[off:off+n])
		at, off = at+it.Ms(500), off+n
	}
	l.Close(at, inspector.CauseEOF)
	b := diagnose.MeasureBursts(laneSnap(s, l))
	if b.StepSize != 4096 {
		t.Fatalf("step %d B over %d reads, want 4096: every read is a multiple of a page", b.StepSize, b.StepReads)
	}
}

// A loaded reader can get one page in two reads at one moment (4090 B,
// then 6 B): those count as one page; the same pieces far apart do not.
func TestBurstsJoinAPageReadInPieces(t *testing.T) {
	build := func(gap time.Duration) *diagnose.Bursts {
		s := it.NewSession()
		stream := numberedBody(10 * 4096)
		l := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
		at, off := it.Ms(10), 0
		for page := range 9 {
			if page%3 == 1 { // every third page in two pieces
				l.Read(at, stream[off:off+4090])
				l.Read(at+gap, stream[off+4090:off+4096])
			} else {
				l.Read(at, stream[off:off+4096])
			}
			at, off = at+it.Ms(200), off+4096
		}
		l.Read(at, stream[off:])
		l.Close(at, inspector.CauseEOF)
		return diagnose.MeasureBursts(laneSnap(s, l))
	}
	if b := build(40 * time.Microsecond); b.StepSize != 4096 || b.StepReads != 9 {
		t.Fatalf("pieces 40 µs apart: step %d over %d reads, want 4096 over 9", b.StepSize, b.StepReads)
	}
	if b := build(it.Ms(50)); b.StepSize == 4096 && b.StepReads == 9 {
		t.Fatalf("pieces 50 ms apart were joined into pages")
	}
}

// numberedBody is a stream of numbered 200-byte events at least n bytes
// long.
func numberedBody(n int) string {
	var body strings.Builder
	for i := 0; body.Len() < n; i++ {
		body.WriteString(it.Numbered(i, 200))
	}
	return body.String()
}
