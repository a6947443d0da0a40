package capture_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/capture"
)

// captureMB is the size of the capture TestLargeCaptureInBoundedMemory
// writes: SSEINSPECTOR_CAPTURE_MB, 32 by default (make capture-1g sets
// 1024).
func captureMB(t *testing.T) int {
	mb := 32
	if v := os.Getenv("SSEINSPECTOR_CAPTURE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("SSEINSPECTOR_CAPTURE_MB=%q: want a positive number of MiB", v)
		}
		mb = n
	}
	return mb
}

// writeLargeCapture writes a capture of about mb MiB: one long event stream
// interleaved with a steady churn of unrelated connections. It returns the
// number of events in the stream.
func writeLargeCapture(t *testing.T, path string, mb int) int {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	b := newCaptureTo(t, w, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), chunkedHeader)
	pad := strings.Repeat("x", 900)
	events := 0
	var other *tcpConn
	for at := ms(3); ; at += time.Millisecond {
		if events%8 == 0 {
			if other != nil {
				other.fin(true, at)
				other.fin(false, at)
			}
			other = b.conn(fmt.Sprintf("10.1.%d.%d:6000", events/8%200, events/1600%250+1), "10.0.0.1:6379", at)
			other.send(true, at, "*1\r\n$4\r\nPING\r\n")
		}
		events++
		c.send(false, at, chunk(fmt.Sprintf("id: %d\ndata: %s\n\n", events, pad)))
		if events%64 == 0 {
			if st, err := f.Stat(); err == nil && st.Size() >= int64(mb)<<20 {
				break
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return events
}

// TestLargeCaptureInBoundedMemory reads a large capture with lanes capped at
// 8 MiB and checks that the heap stays bounded whatever the file's size,
// that progress is reported, and that every event was counted.
func TestLargeCaptureInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a capture of tens of MiB")
	}
	mb := captureMB(t)
	path := filepath.Join(t.TempDir(), "large.pcap")
	events := writeLargeCapture(t, path, mb)
	runtime.GC()
	var peak uint64
	reports := 0
	var ms runtime.MemStats
	start := time.Now()
	res, err := capture.ReadFile(path, capture.Options{
		Limits: inspector.Limits{MaxLaneBytes: 8 << 20},
		Progress: func(read, total int64) {
			reports++
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	l := onlyLane(t, res)
	if got := l.TotalEvents(); got != int64(events) {
		t.Errorf("%d events counted, want %d", got, events)
	}
	if reports < mb/4 {
		t.Errorf("%d progress reports for %d MiB", reports, mb)
	}
	const limit = 96 << 20
	if peak > limit {
		t.Errorf("heap peaked at %d MiB reading %d MiB, want under %d MiB", peak>>20, mb, limit>>20)
	}
	t.Logf("%d MiB, %d events, %d connections: read in %s (%.0f MiB/s), heap peak %d MiB",
		mb, events, res.Connections, elapsed.Round(time.Millisecond), float64(mb)/elapsed.Seconds(), peak>>20)
}
