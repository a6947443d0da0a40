package inspector

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

func TestRecordSizeIsAccounted(t *testing.T) {
	if got := unsafe.Sizeof(record{}); got != recordSize {
		t.Fatalf("record is %d bytes, memory accounting assumes %d", got, recordSize)
	}
	if got := unsafe.Sizeof(storedNote{}); got != storedNoteSize {
		t.Fatalf("storedNote is %d bytes, memory accounting assumes %d", got, storedNoteSize)
	}
	if got := unsafe.Sizeof(Conn{}); got != connRecordSize {
		t.Fatalf("Conn is %d bytes, memory accounting assumes %d", got, connRecordSize)
	}
	if got := unsafe.Sizeof(readRecord{}); got != readRecordSize {
		t.Fatalf("readRecord is %d bytes, memory accounting assumes %d", got, readRecordSize)
	}
}

// feedLane records a stream through the real parser, one read per chunk,
// the i-th read at i milliseconds.
func feedLane(t testing.TB, l *Lane, chunks ...string) {
	t.Helper()
	c := l.StartConn(0, http.MethodGet, "http://127.0.0.1/x", nil, "")
	l.SetResponse(c, time.Millisecond, 200, "HTTP/1.1", http.Header{"Content-Type": {"text/event-stream"}})
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{MaxEventSize: l.sess.limits.MaxEventSize}}
	for i, ch := range chunks {
		rec.Feed(time.Duration(i+1)*time.Millisecond, 0, len(ch), []byte(ch))
	}
	rec.End(time.Duration(len(chunks)+1)*time.Millisecond, CauseEOF, nil)
}

func TestLaneEventsAndReads(t *testing.T) {
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Name: "direct", Kind: LaneSubscription})
	feedLane(t, l, "id: 1\ndata: a\n\n", "data: b\n\nda", "ta: c\n\n: ping\n\nretry: 250\n\ndata: partial")
	snap := l.Snapshot()
	if snap.Len() != 3 {
		t.Fatalf("events = %d, want 3", snap.Len())
	}
	want := []struct {
		data, id     string
		first, last  int64
		arrival      time.Duration
		offset, size int64
	}{
		{"a", "1", 0, 0, 1 * time.Millisecond, 0, 15},
		{"b", "1", 1, 1, 2 * time.Millisecond, 15, 9},
		{"c", "1", 1, 2, 3 * time.Millisecond, 24, 9},
	}
	for i, w := range want {
		ev := snap.Event(i)
		if ev.Data != w.data || ev.ID != w.id || ev.Type != "message" || ev.FirstRead != w.first || ev.LastRead != w.last ||
			ev.Arrival != w.arrival || ev.Offset != w.offset || ev.Size != w.size || ev.Seq != int64(i) {
			t.Errorf("event %d = %+v, want %+v", i, ev, w)
		}
	}
	if snap.ReadCount() != 3 || snap.Read(2).Size != len("ta: c\n\n: ping\n\nretry: 250\n\ndata: partial") {
		t.Errorf("reads = %+v", snap.Reads())
	}
	notes := snap.Notes()
	if len(notes) != 2 || notes[0].Kind != sse.ItemComment || notes[0].Text != " ping" || notes[1].Kind != sse.ItemRetry || notes[1].Retry != 250*time.Millisecond {
		t.Errorf("notes = %+v", notes)
	}
	c := snap.Conns[0]
	if c.Events != 3 || c.Reads != 3 || c.Cause != CauseEOF || c.Discarded != int64(len("data: partial")) || c.FirstByteAt != time.Millisecond {
		t.Errorf("conn = %+v", c)
	}
}

func TestSnapshotIsStableWhileWriting(t *testing.T) {
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	c := l.StartConn(0, "GET", "http://x/", nil, "")
	var p sse.Parser
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			snap := l.Snapshot()
			n := snap.Len()
			last := time.Duration(-1)
			seen := 0
			snap.Scan(0, n, func(i int, m *EventMeta) bool {
				if m.Arrival < last || m.Seq != int64(i) {
					t.Errorf("event %d: seq %d arrival %v after %v", i, m.Seq, m.Arrival, last)
				}
				last = m.Arrival
				seen++
				return true
			})
			if seen != n {
				t.Errorf("scanned %d events of a snapshot holding %d", seen, n)
			}
			if n > 0 {
				// The newest held event decodes to what was written.
				if ev := snap.Event(n - 1); ev.Data != fmt.Sprintf("%04d", (n-1)%10000) {
					t.Errorf("event %d decodes to %q", n-1, ev.Data)
				}
			}
		}
	}()
	for i := 0; i < 20000; i++ {
		idx := l.AddRead(c, time.Duration(i), 0, 12, 12)
		p.Feed([]byte(fmt.Sprintf("data: %04d\n\n", i%10000)), idx, func(it *sse.Item) { l.AddItem(c, it, time.Duration(i), 0) })
	}
	close(stop)
	wg.Wait()
	if got := l.Snapshot().Len(); got != 20000 {
		t.Fatalf("events = %d, want 20000", got)
	}
}

func TestLaneMemoryCapDropsOldest(t *testing.T) {
	const limit = 2 << 20
	s := NewSession(Limits{MaxLaneBytes: limit})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	c := l.StartConn(0, "GET", "http://x/", nil, "")
	var p sse.Parser
	payload := make([]byte, 0, 200)
	const total = 60000
	for i := 0; i < total; i++ {
		payload = fmt.Appendf(payload[:0], "id: %d\ndata: %0180d\n\n", i, i)
		idx := l.AddRead(c, time.Duration(i), 0, len(payload), len(payload))
		p.Feed(payload, idx, func(it *sse.Item) { l.AddItem(c, it, time.Duration(i), 0) })
	}
	snap := l.Snapshot()
	if snap.DroppedEvents == 0 {
		t.Fatal("no events dropped although the lane is far over its cap")
	}
	if snap.TotalEvents() != total {
		t.Fatalf("held %d + dropped %d != %d", snap.Len(), snap.DroppedEvents, total)
	}
	if snap.MemoryBytes > limit+segmentArena+segmentRecords*recordSize {
		t.Fatalf("memory %d exceeds cap %d by more than one segment", snap.MemoryBytes, limit)
	}
	first := snap.Event(0)
	if first.Seq != snap.DroppedEvents || first.ID != fmt.Sprint(first.Seq) {
		t.Fatalf("oldest held event = seq %d id %q, want seq %d", first.Seq, first.ID, snap.DroppedEvents)
	}
	if last := snap.Event(snap.Len() - 1); last.Seq != total-1 {
		t.Fatalf("newest event seq %d, want %d", last.Seq, total-1)
	}
}

func TestTruncatedEventKeepsFullSize(t *testing.T) {
	s := NewSession(Limits{MaxEventSize: 64})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	big := "data: " + string(make([]byte, 1000)) + "\n\n"
	feedLane(t, l, big, "data: after\n\n")
	snap := l.Snapshot()
	if snap.Len() != 2 {
		t.Fatalf("events = %d, want 2", snap.Len())
	}
	ev := snap.Event(0)
	if !ev.Truncated || ev.Size != int64(len(big)) || len(ev.Raw) > 64 {
		t.Fatalf("truncated event: truncated=%v size=%d raw=%d", ev.Truncated, ev.Size, len(ev.Raw))
	}
	if ev2 := snap.Event(1); ev2.Data != "after" || ev2.Truncated {
		t.Fatalf("event after the big one = %+v", ev2)
	}
}

// Comments count against the cap too: a stream padded with comments must
// not grow a lane without bound.
func TestLaneMemoryCapCoversComments(t *testing.T) {
	const limit = 1 << 20
	s := NewSession(Limits{MaxLaneBytes: limit})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	c := l.StartConn(0, "GET", "http://x/", nil, "")
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	// Every comment differs: equal ones in a row would share their text.
	comment := []byte(":" + strings.Repeat("p", 2048) + "\n\n")
	for i := 0; i < 20000; i++ {
		copy(comment[1:], fmt.Sprintf("%06d", i))
		rec.Feed(time.Duration(i), 0, len(comment), comment)
	}
	snap := l.Snapshot()
	if snap.DroppedNotes == 0 {
		t.Fatal("no comments dropped although they are 40 MiB under a 1 MiB cap")
	}
	var held int64
	for _, n := range snap.Notes() {
		held += storedNoteSize + textSize + int64(len(n.Text))
	}
	if held > 2*limit || snap.MemoryBytes > 2*limit {
		t.Fatalf("comments hold %d B, lane reports %d B, cap %d", held, snap.MemoryBytes, limit)
	}
	if got := int64(len(snap.Notes())) + snap.DroppedNotes; got != 20000 {
		t.Fatalf("held + dropped comments = %d, want 20000", got)
	}
}
