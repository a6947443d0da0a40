package widgets

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// manyLanes is a session of n unnamed lanes on one host, differing only in
// a query parameter, each with a few events.
func manyLanes(n int) *timeline.Data {
	s := inspector.NewSession(inspector.Limits{})
	for i := 1; i <= n; i++ {
		l := s.AddLane(inspector.LaneInfo{Kind: inspector.LaneSubscription, URL: fmt.Sprintf("http://127.0.0.1:2300/stamped?rate=1000&lane=%d", i)})
		conn := l.StartConn(0, "GET", l.Info().URL, nil, "")
		for k := range 5 {
			at := time.Duration(k+1) * time.Second
			read := l.AddRead(conn, at, 0, 9, 9)
			l.AddItem(conn, &sse.Item{Kind: sse.ItemEvent, Raw: []byte("data: x\n\n"), FirstRead: read, LastRead: read}, at, 0)
		}
	}
	return &timeline.Data{Snapshot: s.Snapshot()}
}

func TestEveryLaneIsReachable(t *testing.T) {
	test.NewTempApp(t)
	d := manyLanes(24)
	w := NewTimeline(d)
	c := window(t, w)
	shown, total := timeline.LanesShown(d, w.View())
	if total != 24 || shown >= total || shown == 0 {
		t.Fatalf("%d of %d lanes shown; the test needs some hidden", shown, total)
	}
	gutter := fyne.NewPos(40, 300)
	test.MoveMouse(c, gutter)
	from, to := w.Range()
	for range 20 {
		test.Scroll(c, gutter, 0, -10) // wheel down over the names
	}
	if w.FirstLane() != total-shown {
		t.Errorf("after scrolling down over the names the first lane is %d, want %d (the last ones shown)", w.FirstLane(), total-shown)
	}
	if f2, t2 := w.Range(); f2 != from || t2 != to {
		t.Errorf("scrolling over the names zoomed the time range to %v..%v", f2, t2)
	}
	test.Scroll(c, gutter, 0, 10)
	if w.FirstLane() != total-shown-1 {
		t.Errorf("one notch up shows first lane %d, want %d", w.FirstLane(), total-shown-1)
	}
	// Selecting an event of a hidden lane brings the lane into view.
	w.Select(diagnose.EventRef{Lane: d.Snapshot.Lanes[0].Info.ID, Seq: 2})
	if w.FirstLane() != 0 {
		t.Errorf("selecting an event of the first lane left lanes from %d shown", w.FirstLane())
	}
}

func TestHoverReadoutNamesTheLaneDistinctly(t *testing.T) {
	d := manyLanes(8)
	lines := timeline.Readout(d, d.Snapshot.Lanes[3].Info.ID, 1)
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "#4 …lane=4 · event #2") {
		t.Fatalf("readout %q, want it to name lane #4 by what sets it apart and number the event from 1", lines)
	}
}
