package sse

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// eventStream returns n events of exactly size bytes each, shaped like a
// typical feed: "id: N\ndata: xxx…\n\n".
func eventStream(n, size int) []byte {
	var b strings.Builder
	for i := range n {
		head := fmt.Sprintf("id: %d\ndata: ", i)
		b.WriteString(head)
		b.WriteString(strings.Repeat("x", size-len(head)-2))
		b.WriteString("\n\n")
	}
	return []byte(b.String())
}

// benchmarkFeed feeds a stream of events in reads of readSize bytes and
// reports per-event figures, which are what the throughput target is
// stated in.
func benchmarkFeed(b *testing.B, readSize int) {
	const events, eventSize = 10000, 100
	stream := eventStream(events, eventSize)
	var p Parser
	got := 0
	emit := func(it *Item) {
		if it.Kind == ItemEvent {
			got++
		}
	}
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	read := int64(0)
	for b.Loop() {
		for off := 0; off < len(stream); off += readSize {
			p.Feed(stream[off:min(off+readSize, len(stream))], read, emit)
			read++
		}
		p.End()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if got != b.N*events {
		b.Fatalf("parsed %d events, want %d", got, b.N*events)
	}
	total := float64(got)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/event")
	b.ReportMetric(total/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/event")
}

// BenchmarkParser100B is the hot path: 100-byte events in 16 KiB reads.
func BenchmarkParser100B(b *testing.B) { benchmarkFeed(b, 16<<10) }

// BenchmarkParserByteByByte is the worst case for per-read overhead: a
// server that flushes every byte.
func BenchmarkParserByteByByte(b *testing.B) { benchmarkFeed(b, 1) }

// BenchmarkParserLongLine measures a single line far beyond the cap, which
// must cost a scan, not buffering.
func BenchmarkParserLongLine(b *testing.B) {
	chunk := []byte(strings.Repeat("x", 16<<10))
	p := Parser{MaxEventSize: 1 << 20}
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	p.Feed([]byte("data: "), 0, nil)
	for i := 0; b.Loop(); i++ {
		p.Feed(chunk, int64(i), nil)
	}
}

func BenchmarkDecodeBlock(b *testing.B) {
	raw := eventStream(1, 100)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		DecodeBlock(raw)
	}
}
