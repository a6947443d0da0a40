package inspector

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// stream100B returns n events of exactly 100 bytes each: "id: N\ndata: ...\n\n".
func stream100B(n int) []byte {
	out := make([]byte, 0, n*100)
	for i := 0; i < n; i++ {
		head := fmt.Sprintf("id: %d\ndata: ", i)
		pad := 100 - len(head) - 2
		out = append(out, head...)
		for j := 0; j < pad; j++ {
			out = append(out, 'a'+byte(j%26))
		}
		out = append(out, "\n\n"...)
	}
	return out
}

// BenchmarkParseAndRecord100B measures the whole per-lane hot path: parse
// 100-byte events from 16 KiB reads and record them (event store, reads).
// Target: >= 300k events/s on one core, <= 2 allocations per event.
func BenchmarkParseAndRecord100B(b *testing.B) {
	const perRound = 10000
	stream := stream100B(perRound)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	var events int64
	for b.Loop() {
		s := NewSession(Limits{})
		l := s.AddLane(LaneInfo{Kind: LaneSubscription})
		c := l.StartConn(0, "GET", "http://127.0.0.1/", nil, "")
		rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
		for off := 0; off < len(stream); off += 16 << 10 {
			end := min(off+16<<10, len(stream))
			rec.Feed(time.Duration(off), 0, end-off, stream[off:end])
		}
		events += l.Snapshot().TotalEvents()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N*perRound), "events")
}

// BenchmarkStoredEventOverhead measures the heap bytes each stored event
// costs beyond its raw payload. Target: <= 64 B.
func BenchmarkStoredEventOverhead(b *testing.B) {
	const n = 200000
	stream := stream100B(n)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := NewSession(Limits{})
		l := s.AddLane(LaneInfo{Kind: LaneSubscription})
		c := l.StartConn(0, "GET", "http://127.0.0.1/", nil, "")
		rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
		for off := 0; off < len(stream); off += 16 << 10 {
			end := min(off+16<<10, len(stream))
			rec.Feed(time.Duration(off), 0, end-off, stream[off:end])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := l.Snapshot().Len(); got != n {
			b.Fatalf("stored %d events, want %d", got, n)
		}
		perEvent := float64(after.HeapAlloc-before.HeapAlloc)/n - 100
		b.ReportMetric(perEvent, "B-overhead/event")
		runtime.KeepAlive(rec)
	}
}
