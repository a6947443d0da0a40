package inspector_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// stormServer answers every request with one event and retry: 0, then
// ends the response: a browser-like client reconnects at once, forever.
func stormServer(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		io.WriteString(w, "retry: 0\nid: 1\ndata: storm\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// storm subscribes to a storm server until conns connections ended and
// returns the lane's final snapshot.
func storm(t testing.TB, limits inspector.Limits, conns int) *inspector.LaneSnapshot {
	srv := stormServer(t)
	sess := inspector.NewSession(limits)
	ended := make(chan struct{}, conns)
	sub, err := inspector.Subscribe(t.Context(), sess, inspector.Request{URL: srv.URL},
		inspector.Hooks{OnClose: func(*inspector.Lane, inspector.Conn, time.Duration) {
			select {
			case ended <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	for range conns {
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatal("the subscriber stopped reconnecting")
		}
	}
	sub.Stop()
	<-sub.Done()
	return sess.Snapshot().Lanes[0]
}

// TestReconnectStormStaysUnderTheCap checks that a storm of
// reconnections keeps the lane within its memory cap: the oldest
// connections lose their details, then whole records go, counted, while
// the connection numbers of those kept stay what they were, and what each
// connection left (an event, a read, a retry note) is counted in full.
func TestReconnectStormStaysUnderTheCap(t *testing.T) {
	const conns, limit = 5000, 1 << 20
	snap := storm(t, inspector.Limits{MaxLaneBytes: limit}, conns)
	n := snap.ConnCount()
	if n < conns {
		t.Fatalf("%d connections recorded, want ≥ %d", n, conns)
	}
	if snap.MemoryBytes > limit {
		t.Errorf("lane holds %d bytes, over its %d-byte cap", snap.MemoryBytes, limit)
	}
	if snap.FirstConn == 0 || len(snap.Conns) == 0 {
		t.Fatalf("%d connections dropped and %d kept at %d bytes, want some of each", snap.FirstConn, len(snap.Conns), snap.MemoryBytes)
	}
	if int64(snap.FirstConn) > snap.DroppedConnDetails {
		t.Errorf("%d connections dropped but only %d lost their details first", snap.FirstConn, snap.DroppedConnDetails)
	}
	for k, c := range snap.Conns {
		if c.Index != snap.FirstConn+k {
			t.Fatalf("Conns[%d] has index %d, want %d", k, c.Index, snap.FirstConn+k)
		}
	}
	if _, ok := snap.ConnAt(snap.FirstConn - 1); ok {
		t.Errorf("dropped connection %d still found", snap.FirstConn-1)
	}
	if c, ok := snap.ConnAt(n - 1); !ok || c.Index != n-1 {
		t.Errorf("newest connection %d not found by its index", n-1)
	}
	// Every connection but possibly the last, cut short, sent one event
	// and one retry field: dropped and held add up.
	if ev := snap.TotalEvents(); ev < int64(n-1) || ev > int64(n) {
		t.Errorf("%d events counted (%d dropped) for %d connections", ev, snap.DroppedEvents, n)
	}
	if notes := snap.DroppedNotes + int64(len(snap.Notes())); notes < int64(n-1) || notes > int64(n) {
		t.Errorf("%d retry notes counted (%d dropped) for %d connections", notes, snap.DroppedNotes, n)
	}
	for i := int(snap.DroppedConnDetails); i < n; i++ {
		c, ok := snap.ConnAt(i)
		if !ok || c.RequestHeader == nil || c.Status == http.StatusOK && c.ResponseHeader == nil {
			t.Fatalf("connection %d, after the dropped ones, has no headers", i)
		}
	}
	// A session file keeps the connection numbers of what was held.
	var buf bytes.Buffer
	if err := inspector.WriteSession(&buf, &inspector.Snapshot{Lanes: []*inspector.LaneSnapshot{snap}}, inspector.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	loaded, err := inspector.ReadSession(&buf, inspector.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ls := loaded.Snapshot().Lanes[0]; ls.FirstConn != snap.FirstConn || ls.ConnCount() != n || ls.TotalEvents() != snap.TotalEvents() {
		t.Errorf("loaded: connections %d..%d, %d events; saved %d..%d, %d events",
			ls.FirstConn, ls.ConnCount(), ls.TotalEvents(), snap.FirstConn, n, snap.TotalEvents())
	}
	// Without the cap biting, a connection costs its record and its
	// share of an event, a read and a retry note: far below a kilobyte.
	snap = storm(t, inspector.Limits{}, conns)
	if snap.FirstConn != 0 {
		t.Errorf("%d connections dropped without the cap biting", snap.FirstConn)
	}
	if per := snap.MemoryBytes / int64(snap.ConnCount()); per > 1024 {
		t.Errorf("%d bytes per connection counted, want ≤ 1 KiB", per)
	}
}

// BenchmarkReconnectStorm reports what one reconnection costs through
// HTTP: time and heap growth per connection. The records of the most
// recent DefaultMaxLaneConns connections weigh in a short run and less in
// a longer one; BenchmarkStormRecording measures the cost beyond them,
// flat in the number of connections already recorded.
func BenchmarkReconnectStorm(b *testing.B) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	snap := storm(b, inspector.Limits{}, b.N)
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := float64(snap.ConnCount())
	b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/conn")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/n, "heap-bytes/conn")
	b.ReportMetric(float64(snap.MemoryBytes)/n, "counted-bytes/conn")
}
