package timeline

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/inspector"
)

func TestBurstsOfBufferedLane(t *testing.T) {
	f := fixture.Buffered()
	d := &Data{Snapshot: f.Session.Snapshot()}
	direct, proxied := d.Snapshot.Lanes[0], d.Snapshot.Lanes[1]
	if got := d.index().lane(direct).bursts; len(got) != 0 {
		t.Errorf("direct lane has %d bursts, want none: each event has its own read", len(got))
	}
	var counts []int
	for _, b := range d.index().lane(proxied).bursts {
		counts = append(counts, b.count())
	}
	// 120 events of 120 bytes in 4096-byte pages: 34 complete per page.
	if want := []int{34, 34, 34, 18}; !slices.Equal(counts, want) {
		t.Errorf("burst sizes %v, want %v", counts, want)
	}
	li := d.index().lane(proxied)
	if got, want := li.bytesAt(int64(li.readAt[0])), int64(4096); got != want {
		t.Errorf("bytes after the first read = %d, want %d", got, want)
	}
	if got := li.bytesAt(int64(li.readAt[0]) - 1); got != 0 {
		t.Errorf("bytes before the first read = %d, want 0", got)
	}
}

func TestIndexExtendsWithNewerSnapshots(t *testing.T) {
	s := inspector.NewSession(inspector.Limits{})
	lane := s.AddLane(inspector.LaneInfo{Name: "l", Kind: inspector.LaneSubscription})
	conn := lane.StartConn(0, "GET", "http://x/", http.Header{}, "")
	add := func(at time.Duration, n int) {
		read := lane.AddRead(conn, at, 0, 10*n, 10*n)
		for i := 0; i < n; i++ {
			lane.AddItem(conn, &sse.Item{Kind: sse.ItemEvent, Raw: []byte("data: x\n\n"), FirstRead: read, LastRead: read}, at, 0)
		}
	}
	add(time.Second, 1)
	add(2*time.Second, 3)
	d := &Data{Snapshot: s.Snapshot()}
	first := d.index().lane(d.Snapshot.Lanes[0])
	if len(first.arrivals) != 4 || len(first.bursts) != 1 {
		t.Fatalf("indexed %d events, %d bursts", len(first.arrivals), len(first.bursts))
	}
	// The burst grows in the next snapshot: more events of the same read.
	for i := 0; i < 2; i++ {
		lane.AddItem(conn, &sse.Item{Kind: sse.ItemEvent, Raw: []byte("data: x\n\n"), FirstRead: 1, LastRead: 1}, 2*time.Second, 0)
	}
	add(3*time.Second, 2)
	d.Snapshot = s.Snapshot()
	li := d.index().lane(d.Snapshot.Lanes[0])
	if li != first {
		t.Error("index was rebuilt instead of extended")
	}
	fresh := (&Data{Snapshot: d.Snapshot}).index().lane(d.Snapshot.Lanes[0])
	if !slices.Equal(li.arrivals, fresh.arrivals) || !slices.Equal(li.bursts, fresh.bursts) ||
		!slices.Equal(li.readCum, fresh.readCum) {
		t.Errorf("extended index differs from a fresh one:\n%+v\n%+v", li, fresh)
	}
	if want := []burst{{first: 1, last: 5, at: int64(2 * time.Second)}, {first: 6, last: 7, at: int64(3 * time.Second)}}; !slices.Equal(li.bursts, want) {
		t.Errorf("bursts %+v, want %+v", li.bursts, want)
	}

	// A snapshot of another session is not mistaken for a newer one.
	d.Snapshot = fixture.Clean().Session.Snapshot()
	if d.index().lane(d.Snapshot.Lanes[0]) == first {
		t.Error("index kept across sessions")
	}
}

func TestGaps(t *testing.T) {
	snap := fixture.Reconnect().Session.Snapshot()
	gs := gaps(snap.Lanes[0])
	if len(gs) != 2 {
		t.Fatalf("%d gaps, want 2", len(gs))
	}
	for _, g := range gs {
		if d := g.to - g.from; d < 3*time.Second || d > 3100*time.Millisecond {
			t.Errorf("gap %v..%v lasts %v, want about 3 s (retry plus headers)", g.from, g.to, d)
		}
		if g.ended.Cause != inspector.CauseIncompleteChunked {
			t.Errorf("gap opened by %q", g.ended.Cause)
		}
	}
	if got := gaps(fixture.Clean().Session.Snapshot().Lanes[0]); len(got) != 0 {
		t.Errorf("clean lane has gaps %v", got)
	}
}

func TestDelayRangeMinMax(t *testing.T) {
	var ds []diagnose.Delay
	for i := 0; i < 200; i++ {
		ds = append(ds, diagnose.Delay{Seq: int64(i), Arrival: time.Duration(i) * time.Millisecond, Delay: time.Duration((i*37)%101) * time.Millisecond})
	}
	di := (&index{delays: map[int]*delayIndex{}}).delaysOf(1, ds)
	for _, r := range [][2]int{{0, 200}, {3, 5}, {31, 97}, {64, 128}, {150, 151}} {
		mn, mx := di.rangeMinMax(r[0], r[1])
		wmn, wmx := int64(1<<62), int64(-1<<62)
		for _, d := range ds[r[0]:r[1]] {
			wmn, wmx = min(wmn, int64(d.Delay)), max(wmx, int64(d.Delay))
		}
		if mn != wmn || mx != wmx {
			t.Errorf("range %v: min/max %v/%v, want %v/%v", r, mn, mx, wmn, wmx)
		}
	}
	// Unsorted input is sorted into a copy, not in place.
	rev := slices.Clone(ds)
	slices.Reverse(rev)
	di = (&index{delays: map[int]*delayIndex{}}).delaysOf(1, rev)
	if di.delays[0].Seq != 0 || rev[0].Seq != 199 {
		t.Error("unsorted delays not sorted into a copy")
	}
}

// TestGrowingAnalysesExtendTheIndex: delays and matches that grow by
// appending, as a live measurement hands them over, give the same index
// as one built from scratch.
func TestGrowingAnalysesExtendTheIndex(t *testing.T) {
	var ds []diagnose.Delay
	var ms []diagnose.Match
	x := &index{delays: map[int]*delayIndex{}}
	for i := 0; i < 300; i++ {
		ds = append(ds, diagnose.Delay{Lane: 2, Seq: int64(i), Arrival: time.Duration(i) * time.Millisecond, Delay: time.Duration((i*37)%101) * time.Millisecond})
		ms = append(ms, diagnose.Match{Lane: 2 + i%2, Seq: int64(i / 2), RefLane: 1, RefSeq: int64(i)})
		if i%7 == 0 {
			x.delaysOf(2, ds)
			x.matchesOf(ms, 2)
		}
	}
	grown := x.delaysOf(2, ds)
	fresh := (&index{delays: map[int]*delayIndex{}}).delaysOf(2, ds)
	if !slices.Equal(grown.blockMin, fresh.blockMin) || !slices.Equal(grown.blockMax, fresh.blockMax) || len(grown.delays) != 300 {
		t.Fatalf("extended delay index differs from a fresh one")
	}
	for lane := 2; lane <= 3; lane++ {
		got, want := x.matchesOf(ms, lane), (&index{}).matchesOf(ms, lane)
		if !slices.Equal(got, want) || len(got) != 150 {
			t.Fatalf("lane %d: extended matches (%d) differ from fresh ones (%d)", lane, len(got), len(want))
		}
	}
}
