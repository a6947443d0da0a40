package inspector_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// bareConnBytes bounds what a connection record costs once its details
// are dropped, in the lane's own accounting (its string fields included).
const bareConnBytes = 400

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
	return sub.Lane().Snapshot()
}

// TestReconnectStormStaysUnderTheCap checks that connection records
// count against the lane's memory cap: under a storm of reconnections
// the lane stays within its cap, dropping (and counting) the oldest
// connections' details, and equal headers are stored once.
func TestReconnectStormStaysUnderTheCap(t *testing.T) {
	const conns, limit = 2000, 256 << 10
	snap := storm(t, inspector.Limits{MaxLaneBytes: limit}, conns)
	if len(snap.Conns) < conns {
		t.Fatalf("%d connections recorded, want ≥ %d", len(snap.Conns), conns)
	}
	// Everything but the bare connection records (counted, never
	// dropped, so that connection indices stay valid) is held to the cap.
	if bare := int64(bareConnBytes * len(snap.Conns)); snap.MemoryBytes > limit+bare {
		t.Errorf("lane holds %d bytes, over its %d-byte cap plus %d bytes of bare connection records", snap.MemoryBytes, limit, bare)
	}
	if snap.DroppedConnDetails == 0 {
		t.Errorf("no connection details dropped at %d bytes for %d connections", snap.MemoryBytes, len(snap.Conns))
	}
	for _, c := range snap.Conns[snap.DroppedConnDetails:] {
		if c.RequestHeader == nil || c.Status == http.StatusOK && c.ResponseHeader == nil {
			t.Fatalf("connection %d, after the dropped ones, has no headers", c.Index)
		}
	}
	// Without the cap biting, a connection costs its record and its
	// share of an event, a read and a retry note: far below a kilobyte.
	snap = storm(t, inspector.Limits{}, conns)
	if per := snap.MemoryBytes / int64(len(snap.Conns)); per > 1024 {
		t.Errorf("%d bytes per connection counted, want ≤ 1 KiB", per)
	}
}

// BenchmarkReconnectStorm reports what one reconnection costs: time and
// heap growth per connection, whose flatness over b.N shows the cost is
// O(1) in the number of connections already recorded.
func BenchmarkReconnectStorm(b *testing.B) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	snap := storm(b, inspector.Limits{}, b.N)
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := float64(len(snap.Conns))
	b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/conn")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/n, "heap-bytes/conn")
	b.ReportMetric(float64(snap.MemoryBytes)/n, "counted-bytes/conn")
}
