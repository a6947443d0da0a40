package gui

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// TestRefreshesAtReadableRates records events as fast as it can for a
// while and counts the window's refreshes: the timeline at most every
// timelineInterval, the table every tableInterval, the figures every
// figuresInterval, however many events arrive.
func TestRefreshesAtReadableRates(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui := newInspector(a, w, true)
	t.Cleanup(ui.Close)
	var mu sync.Mutex
	var frames, tables, figures int
	ui.onFrame = func(f frame) {
		mu.Lock()
		defer mu.Unlock()
		if f.diag == nil { // a diagnosis is shown as soon as it is done
			frames++
		}
		if f.rows != nil {
			tables++
		}
		if f.figures {
			figures++
		}
	}
	s := inspector.NewSession(inspector.Limits{})
	l := s.AddLane(inspector.LaneInfo{Name: "fast", Kind: inspector.LaneSubscription})
	c := l.StartConn(0, "GET", "http://127.0.0.1/", nil, "")
	rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	ui.setSession(s, "fast") // starts the refresh loop
	const span = 1500 * time.Millisecond
	start := time.Now()
	n := 0
	for time.Since(start) < span {
		// A burst of events every millisecond: a change every moment,
		// with memory bounded.
		for range 20 {
			ev := []byte(fmt.Sprintf("id: %d\ndata: x\n\n", n))
			rec.Feed(s.Now(), 0, len(ev), ev)
			n++
		}
		time.Sleep(time.Millisecond) // pacing the feed, not waiting for the window
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	if tables == 0 || frames == 0 {
		t.Fatalf("no refresh shown while %d events arrived", n)
	}
	// Each kind of refresh is paced by its interval, plus the first.
	if max := int(elapsed/timelineInterval) + 2; frames > max {
		t.Errorf("%d refreshes in %v for %d events, want at most %d", frames, elapsed, n, max)
	}
	if max := int(elapsed/tableInterval) + 2; tables > max {
		t.Errorf("%d table refreshes in %v, want at most %d", tables, elapsed, max)
	}
	if max := int(elapsed/figuresInterval) + 4; figures > max { // diagnoses refresh the figures too
		t.Errorf("%d figure refreshes in %v, want at most %d", figures, elapsed, max)
	}
	t.Logf("%d events in %v: %d refreshes, %d of the table, %d of the figures", n, elapsed, frames, tables, figures)
}
