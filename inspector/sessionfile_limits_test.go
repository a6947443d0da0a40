package inspector

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// TestLoadAppliesTheLimits saves a session recorded with generous limits
// and loads it under small ones: events are truncated and flagged as in
// live capture, and the lane keeps to its cap, counting what it dropped.
func TestLoadAppliesTheLimits(t *testing.T) {
	const events, size = 3000, 4 << 10
	s := NewSession(Limits{MaxEventSize: 1 << 20})
	l := s.AddLane(LaneInfo{Name: "big", Kind: LaneSubscription, URL: "http://127.0.0.1:1/"})
	c := l.StartConn(0, "GET", "http://127.0.0.1:1/", nil, "")
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{MaxEventSize: 1 << 20}}
	// Every block differs: equal blocks in a row would share their bytes.
	block := []byte("data: " + strings.Repeat("x", size) + "\n\n")
	for i := range events {
		copy(block[len("data: "):], fmt.Sprintf("%06d", i))
		rec.Feed(time.Duration(i+1)*time.Millisecond, 0, len(block), block)
	}
	var buf bytes.Buffer
	if err := WriteSession(&buf, s.Snapshot(), SaveOptions{}); err != nil {
		t.Fatal(err)
	}

	const maxEvent, maxLane = 1000, 1 << 20
	loaded, err := ReadSession(&buf, LoadOptions{Limits: Limits{MaxEventSize: maxEvent, MaxLaneBytes: maxLane}})
	if err != nil {
		t.Fatal(err)
	}
	ls := loaded.Snapshot().Lanes[0]
	if ls.MemoryBytes > maxLane {
		t.Errorf("loaded lane holds %d bytes, over its %d-byte cap", ls.MemoryBytes, maxLane)
	}
	if ls.DroppedEvents == 0 || ls.DroppedEvents+int64(ls.Len()) != events {
		t.Errorf("dropped %d and kept %d events, want some dropped and %d in all", ls.DroppedEvents, ls.Len(), events)
	}
	for i := range ls.Len() {
		ev := ls.Event(i)
		if len(ev.Raw) > maxEvent || !ev.Truncated || ev.Size != int64(len(block)) {
			t.Fatalf("event %d: %d raw bytes, truncated %v, size %d; want ≤ %d, true, %d", i, len(ev.Raw), ev.Truncated, ev.Size, maxEvent, len(block))
		}
	}
}

// TestLoadKeepsReadsUnderTheCap loads a lane of reads and no events (a
// stream that never completed one) under a small lane cap: the reads are
// held to the cap as they load, as in live capture.
func TestLoadKeepsReadsUnderTheCap(t *testing.T) {
	const reads = 200000
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Name: "unframed", Kind: LaneSubscription, URL: "http://127.0.0.1:1/"})
	c := l.StartConn(0, "GET", "http://127.0.0.1:1/", nil, "")
	for i := range reads {
		l.AddRead(c, time.Duration(i+1)*time.Microsecond, 0, 10, 10)
	}
	var buf bytes.Buffer
	if err := WriteSession(&buf, s.Snapshot(), SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	const maxLane = 1 << 20
	loaded, err := ReadSession(&buf, LoadOptions{Limits: Limits{MaxLaneBytes: maxLane}})
	if err != nil {
		t.Fatal(err)
	}
	ls := loaded.Snapshot().Lanes[0]
	if ls.MemoryBytes > maxLane || ls.DroppedReads == 0 || ls.DroppedReads+int64(ls.ReadCount()) != reads {
		t.Errorf("loaded lane: %d bytes (cap %d), %d reads dropped and %d kept of %d", ls.MemoryBytes, maxLane, ls.DroppedReads, ls.ReadCount(), reads)
	}
}
