package inspector

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// stormBlock is what a reconnect storm's server sends on every
// connection before it ends the response.
const stormBlock = "retry: 0\nid: 1\ndata: storm\n\n"

// stormLane records reconnect storms through the lane's writer methods,
// as the subscriber does: every connection sends a fresh request header,
// gets a fresh response header and protocol string equal to the previous
// ones, reads one block and ends.
type stormLane struct {
	l      *Lane
	parser sse.Parser
	at     time.Duration
}

func newStormLane(limits Limits) *stormLane {
	return &stormLane{l: NewSession(limits).AddLane(LaneInfo{Name: "storm", Kind: LaneSubscription, URL: "http://127.0.0.1:1/"})}
}

// record records n connections; end, if set, says how the i-th of them
// (counted over the lane) ends instead of a clean end.
func (s *stormLane) record(n int, end func(i int) (CloseCause, error)) {
	for range n {
		s.at += 100 * time.Microsecond
		req := http.Header{"Accept": {"text/event-stream"}, "Cache-Control": {"no-cache"}}
		c := s.l.StartConn(s.at, http.MethodGet, "http://127.0.0.1:1/", req, s.parser.LastEventID())
		resp := http.Header{"Content-Type": {"text/event-stream"}, "Content-Length": {"28"}}
		s.l.SetResponse(c, s.at+10*time.Microsecond, http.StatusOK, string([]byte("HTTP/1.1")), resp)
		rec := &ConnRecorder{Lane: s.l, Conn: c, Parser: &s.parser}
		rec.Feed(s.at+20*time.Microsecond, 0, len(stormBlock), []byte(stormBlock))
		cause, err := CauseEOF, error(nil)
		if end != nil {
			cause, err = end(c)
		}
		rec.End(s.at+30*time.Microsecond, cause, err)
	}
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestStormCostPerConnectionIsFlat records a reconnect storm past the
// lane's MaxLaneConns and checks what each further connection costs,
// counted and on the heap: its event record (the block shared with the
// previous event), its read and its retry note, about 104 bytes, the same
// over the next 20,480 connections as over the 40,960 after them, while
// the connection records stay within their budget. The counts are
// multiples of a segment's 4,096 events, so every store is at the same
// point of its growth at each measure.
func TestStormCostPerConnectionIsFlat(t *testing.T) {
	const w0, w1, w2 = 5 * segmentRecords, 5 * segmentRecords, 10 * segmentRecords
	s := newStormLane(Limits{})
	s.record(w0, nil)
	m0, h0 := s.l.Snapshot().MemoryBytes, heapAlloc()
	s.record(w1, nil)
	m1, h1 := s.l.Snapshot().MemoryBytes, heapAlloc()
	s.record(w2, nil)
	snap := s.l.Snapshot()
	m2, h2 := snap.MemoryBytes, heapAlloc()
	runtime.KeepAlive(s)

	counted1, counted2 := float64(m1-m0)/w1, float64(m2-m1)/w2
	heap1, heap2 := float64(h1-h0)/w1, float64(h2-h1)/w2
	t.Logf("per connection: %.1f and %.1f counted bytes, %.1f and %.1f heap bytes", counted1, counted2, heap1, heap2)
	const want = recordSize + readRecordSize + storedNoteSize // 104
	for _, per := range []float64{counted1, counted2} {
		if per < want-4 || per > want+4 {
			t.Errorf("%.1f counted bytes per connection, want about %d", per, want)
		}
	}
	if d := counted1 - counted2; d > 1 || d < -1 {
		t.Errorf("the cost per connection moved from %.1f to %.1f bytes as the lane grew", counted1, counted2)
	}
	if heap := (heap1*w1 + heap2*w2) / (w1 + w2); heap > 1.25*want {
		t.Errorf("%.1f heap bytes per connection, want at most %.0f", heap, 1.25*want)
	}

	const total = w0 + w1 + w2
	if n := len(snap.Conns); n > DefaultMaxLaneConns || n <= DefaultMaxLaneConns-logChunk {
		t.Errorf("%d connection records held, want the most recent %d or up to %d fewer", n, DefaultMaxLaneConns, logChunk)
	}
	if snap.ConnCount() != total || snap.TotalEvents() != total || snap.DroppedNotes+int64(len(snap.Notes())) != total {
		t.Errorf("%d connections, %d events, %d+%d notes counted; want %d of each",
			snap.ConnCount(), snap.TotalEvents(), snap.DroppedNotes, len(snap.Notes()), total)
	}
	if got := snap.DroppedConns.Causes[CauseEOF]; got != int64(snap.FirstConn) || snap.Bytes() != total*int64(len(stormBlock)) {
		t.Errorf("dropped connections: %d clean ends of %d dropped, %d bytes in all", got, snap.FirstConn, snap.Bytes())
	}
}

// TestMaxLaneConnsKeepsTheTotals records connections that end in
// different ways past a small MaxLaneConns: the lane holds the most
// recent records, and the dropped ones' figures add up exactly to what
// was recorded.
func TestMaxLaneConnsKeepsTheTotals(t *testing.T) {
	const limit, total = 2000, 5000
	s := newStormLane(Limits{MaxLaneConns: limit})
	end := func(i int) (CloseCause, error) {
		if i%7 == 3 {
			return CauseReset, fmt.Errorf("read tcp 127.0.0.1:%d: connection reset by peer", 40000+i)
		}
		return CauseEOF, nil
	}
	s.record(total, end)
	snap := s.l.Snapshot()
	if n := len(snap.Conns); n > limit || n <= limit-logChunk {
		t.Fatalf("%d records held, want at most %d and more than %d", n, limit, limit-logChunk)
	}
	if snap.ConnCount() != total || snap.Conns[0].Index != snap.FirstConn {
		t.Fatalf("%d connections counted from %d (first held %d), want %d", snap.ConnCount(), snap.FirstConn, snap.Conns[0].Index, total)
	}
	resets := 0
	for i := range total {
		if i%7 == 3 {
			resets++
		}
	}
	causes := map[CloseCause]int64{}
	var answered int64
	for _, c := range snap.Conns {
		causes[c.Cause]++
		if c.Status != 0 {
			answered++
		}
	}
	for cause, n := range snap.DroppedConns.Causes {
		causes[cause] += n
	}
	if causes[CauseReset] != int64(resets) || causes[CauseEOF] != int64(total-resets) {
		t.Errorf("causes %v, want %d resets and %d clean ends", causes, resets, total-resets)
	}
	d := snap.DroppedConns
	if d.Answered+answered != total || d.Events != int64(snap.FirstConn) || d.Reads != int64(snap.FirstConn) ||
		snap.Bytes() != total*int64(len(stormBlock)) || snap.WireBytes() != snap.Bytes() {
		t.Errorf("dropped totals %+v with %d held: bytes %d, want %d", d, len(snap.Conns), snap.Bytes(), total*len(stormBlock))
	}
	if snap.Start() != 100*time.Microsecond || d.End <= d.Start || d.End >= snap.Conns[0].Start {
		t.Errorf("lane starts at %v, dropped connections span %v..%v, first held starts at %v", snap.Start(), d.Start, d.End, snap.Conns[0].Start)
	}
}

// TestConnStringsAreCountedOnce records connections whose error texts
// repeat, then lets the cap drop records: what the lane counts for the
// records it holds matches what a lane holding only those records counts.
func TestConnStringsAreCountedOnce(t *testing.T) {
	s := newStormLane(Limits{MaxLaneConns: 1500})
	s.record(4000, func(int) (CloseCause, error) { return CauseReset, errors.New("connection reset by peer") })
	snap := s.l.Snapshot()
	held := snap.Conns
	first, last := held[0], held[len(held)-1]
	if !sameString(first.Err, last.Err) || !sameString(first.Proto, last.Proto) || !sameHeader(first.ResponseHeader, last.ResponseHeader) {
		t.Fatal("equal strings and headers of successive connections are not shared")
	}
	// Only the newest chunk of records and what it refers to is left once
	// everything before is dropped by a cap that cannot hold more.
	l := s.l
	l.mu.Lock()
	for l.dropConns() {
	}
	records := int64(cap(l.conns.chunks[0])) * connRecordSize
	strs := int64(len(first.Method) + len(first.URL) + len(first.LastEventID) + len(first.Proto) + len(first.Err))
	got := l.connBytes[0]
	l.mu.Unlock()
	if got != records+strs {
		t.Errorf("the held records count %d bytes, want %d for the records and %d for their one copy of each string", got, records, strs)
	}
}

// TestRepeatedEventsShareTheirBytes records the same block many times,
// then different ones: equal blocks in a row are stored once, and every
// event still reads back as it came.
func TestRepeatedEventsShareTheirBytes(t *testing.T) {
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	block := "id: 42\ndata: " + strings.Repeat("x", 500) + "\n\n"
	var in []string
	for i := range 3000 {
		in = append(in, block)
		if i%1000 == 999 {
			in = append(in, fmt.Sprintf("id: %d\ndata: other\n\n", i))
		}
	}
	feedLane(t, l, in...)
	snap := l.Snapshot()
	if snap.Len() != len(in) {
		t.Fatalf("%d events held, want %d", snap.Len(), len(in))
	}
	for i, want := range in {
		ev := snap.Event(i)
		wantID := strings.TrimPrefix(strings.SplitN(want, "\n", 2)[0], "id: ")
		if string(ev.Raw) != want || ev.ID != wantID || ev.Size != int64(len(want)) {
			t.Fatalf("event %d: raw %q id %q size %d, want %q id %q", i, ev.Raw, ev.ID, ev.Size, want, wantID)
		}
	}
	// 3,003 events of about 500 bytes: records, one read each and the
	// few distinct blocks, far below the bytes they carried.
	if limit := int64(len(in))*(recordSize+readRecordSize) + 64<<10; snap.MemoryBytes > limit {
		t.Errorf("lane holds %d bytes for %d repeated events, want at most %d", snap.MemoryBytes, len(in), limit)
	}
}

// TestRepeatedCommentsShareTheirText sends heartbeats that repeat a text
// a few times before changing it, between retry fields, under a cap small
// enough to drop the oldest: every note held reads back as it was sent,
// and held plus dropped adds up.
func TestRepeatedCommentsShareTheirText(t *testing.T) {
	const reads, limit = 60000, 256 << 10
	s := NewSession(Limits{MaxLaneBytes: limit})
	l := s.AddLane(LaneInfo{Kind: LaneSubscription})
	c := l.StartConn(0, http.MethodGet, "http://127.0.0.1/x", nil, "")
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	text := func(i int) string { return fmt.Sprintf(" heartbeat %d%s", i/5, strings.Repeat("!", i/5%40)) }
	for i := range reads {
		b := ":" + text(i) + "\n\n"
		if i%3 == 0 {
			b = "retry: " + fmt.Sprint(i) + "\n\n"
		}
		rec.Feed(time.Duration(i+1)*time.Microsecond, 0, len(b), []byte(b))
	}
	snap := l.Snapshot()
	notes := snap.Notes()
	if snap.DroppedNotes == 0 || snap.DroppedNotes+int64(len(notes)) != reads {
		t.Fatalf("%d notes dropped and %d held, want some dropped and %d in all", snap.DroppedNotes, len(notes), reads)
	}
	if snap.MemoryBytes > limit {
		t.Errorf("lane holds %d bytes, over its %d-byte cap", snap.MemoryBytes, limit)
	}
	for _, n := range notes {
		i := int(n.Read)
		switch {
		case i%3 == 0 && (n.Kind != sse.ItemRetry || n.Retry != time.Duration(i)*time.Millisecond):
			t.Fatalf("note of read %d: %+v, want retry %d ms", i, n, i)
		case i%3 != 0 && (n.Kind != sse.ItemComment || n.Text != text(i)):
			t.Fatalf("note of read %d: %+v, want comment %q", i, n, text(i))
		case n.At != time.Duration(i+1)*time.Microsecond:
			t.Fatalf("note of read %d at %v", i, n.At)
		}
	}
	// The texts still held are those of the notes held, give or take a
	// chunk of texts whose last ones are held.
	l.mu.Lock()
	texts := l.notes.texts.n - l.notes.texts.first
	l.mu.Unlock()
	if max := int64(len(notes))/2 + logChunk; texts > max {
		t.Errorf("%d texts held for %d notes, want at most %d", texts, len(notes), max)
	}
}

// TestDroppedCountersSurviveASessionFile saves a lane that dropped
// connection records, connection details, events, reads and notes under
// its limits, and loads it: every counter and total comes back, with what
// was held.
func TestDroppedCountersSurviveASessionFile(t *testing.T) {
	s := newStormLane(Limits{MaxLaneConns: 1500, MaxLaneBytes: 256 << 10})
	s.record(6000, func(i int) (CloseCause, error) {
		if i%5 == 0 {
			return CauseReset, errors.New("connection reset by peer")
		}
		return CauseEOF, nil
	})
	want := &Snapshot{Start: s.l.sess.Start(), Lanes: []*LaneSnapshot{s.l.Snapshot()}}
	w := want.Lanes[0]
	if w.FirstConn == 0 || w.DroppedConnDetails <= int64(w.FirstConn) || w.DroppedNotes == 0 || w.DroppedEvents == 0 || w.DroppedReads == 0 {
		t.Fatalf("the lane dropped %d connections, %d connection details, %d notes, %d events, %d reads: want some of each",
			w.FirstConn, w.DroppedConnDetails, w.DroppedNotes, w.DroppedEvents, w.DroppedReads)
	}
	var buf bytes.Buffer
	if err := WriteSession(&buf, want, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	loaded, err := ReadSession(&buf, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := loaded.Snapshot()
	compareSnapshots(t, got, want)
	g := got.Lanes[0]
	if g.Bytes() != w.Bytes() || g.Start() != w.Start() || g.ConnCount() != 6000 || g.TotalEvents() != w.TotalEvents() {
		t.Errorf("loaded: %d bytes from %v, %d connections, %d events; saved %d from %v, 6000, %d",
			g.Bytes(), g.Start(), g.ConnCount(), g.TotalEvents(), w.Bytes(), w.Start(), w.TotalEvents())
	}
	if !reflect.DeepEqual(g.DroppedConns, w.DroppedConns) {
		t.Errorf("dropped connections loaded as %+v, saved %+v", g.DroppedConns, w.DroppedConns)
	}
}

// BenchmarkStormRecording records b.N connections of a reconnect storm
// through the lane's writer methods, after enough to fill the lane's
// connection-record budget, and reports the time, counted bytes and heap
// bytes each took: flat in b.N (go test -bench StormRecording -benchtime
// 100000x, then 400000x).
func BenchmarkStormRecording(b *testing.B) {
	s := newStormLane(Limits{})
	s.record(DefaultMaxLaneConns, nil)
	m0, h0 := s.l.Snapshot().MemoryBytes, heapAlloc()
	b.ResetTimer()
	s.record(b.N, nil)
	b.StopTimer()
	m1, h1 := s.l.Snapshot().MemoryBytes, heapAlloc()
	runtime.KeepAlive(s)
	b.ReportMetric(float64(m1-m0)/float64(b.N), "counted-bytes/conn")
	b.ReportMetric(float64(h1-h0)/float64(b.N), "heap-bytes/conn")
}

// TestFileWithoutDroppedCountersLoads loads a session file written before
// the dropped counters were saved, whose lane had dropped its first five
// connection records: it loads, counting them by the first record's index,
// with no totals for them.
func TestFileWithoutDroppedCountersLoads(t *testing.T) {
	file := `{"format":"sseinspector-session","version":1,"start":"2026-05-01T10:00:00Z","saved":"2026-05-01T10:00:02Z"}
{"rec":"lane","id":1,"name":"storm","kind":"subscription","url":"http://127.0.0.1:1/","state":"reconnecting"}
{"rec":"conn","lane":1,"conn":5,"start":5000000,"method":"GET","url":"http://127.0.0.1:1/","status":200,"proto":"HTTP/1.1","headersAt":5100000,"wireBytes":0,"bytes":0,"reads":0,"events":0,"end":5200000,"cause":"eof"}
{"rec":"end","lanes":1,"events":0}
`
	sess, err := ReadSession(strings.NewReader(file), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := sess.Snapshot().Lanes[0]
	if l.FirstConn != 5 || l.ConnCount() != 6 || l.DroppedConnDetails != 5 || l.DroppedNotes != 0 || l.DroppedConns.Causes != nil {
		t.Errorf("loaded: connections %d..%d, %d without details, %d notes dropped, dropped totals %+v",
			l.FirstConn, l.ConnCount(), l.DroppedConnDetails, l.DroppedNotes, l.DroppedConns)
	}
	if l.Start() != 5*time.Millisecond {
		t.Errorf("lane starts at %v, want the first held connection's 5ms", l.Start())
	}
}
