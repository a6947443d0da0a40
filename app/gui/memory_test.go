package gui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// TestWindowMemoryPerEvent records 8 stamped lanes into the window, as a
// live session would be shown, and checks what each event costs in memory
// beyond its own bytes: the store's record and read, the table row, the
// timeline's index and the measured delay and match.
func TestWindowMemoryPerEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("records 160,000 events")
	}
	ui, w := newTestInspector(t)
	s := it.NewSession()
	const lanes, perLane, warm = 8, 20_000, 2_000
	var ls []*it.Lane
	for i := range lanes {
		ls = append(ls, s.Lane(fmt.Sprintf("lane %d", i+1)).Connect(0, "").Respond(it.Ms(1)))
	}
	ui.setSession(s.Session, "memory")
	raw := int64(0)
	next := 0
	feed := func(n int) {
		for ; n > 0; n-- {
			at := time.Duration(next) * time.Millisecond
			for j, l := range ls {
				ev := it.Event(fmt.Sprint(next+1), s.Stamp(next, at, 8))
				l.Read(at+time.Duration(j)*time.Microsecond, ev)
				raw += int64(len(ev))
			}
			next++
		}
	}
	refresh := func() {
		ui.refreshNow()
		w.Canvas().Capture() // draws the timeline, building its index
	}
	feed(warm)
	refresh()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	raw0 := raw
	for range 5 {
		feed((perLane - warm) / 5)
		refresh()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	events := int64(lanes * (perLane - warm))
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	rawPer := float64(raw-raw0) / float64(events)
	beyond := float64(grown)/float64(events) - rawPer
	t.Logf("heap grew %d B per event, %.0f B beyond the event's %.0f raw bytes", grown/events, beyond, rawPer)
	if len(ui.result.delays) != lanes {
		t.Fatalf("delays measured on %d lanes, want %d", len(ui.result.delays), lanes)
	}
	if len(ui.events.rows) != lanes*perLane {
		t.Fatalf("%d table rows, want %d", len(ui.events.rows), lanes*perLane)
	}
	if beyond > 300 {
		t.Errorf("%.0f B per event beyond its raw bytes, want at most 300", beyond)
	}
	_ = inspector.Limits{}
}
