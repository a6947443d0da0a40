package inspector

import (
	"bytes"
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
	block := []byte("data: " + strings.Repeat("x", size) + "\n\n")
	for i := range events {
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
