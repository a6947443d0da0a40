package timeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// TestAWaitForHeadersIsDrawn records a lane whose request is still
// waiting for its response headers (a proxy holding them) beside a lane
// that flows: the waiting lane is not empty but says what it waits for.
func TestAWaitForHeadersIsDrawn(t *testing.T) {
	s := inspector.NewSession(inspector.Limits{})
	held := s.AddLane(inspector.LaneInfo{Name: "via proxy", Kind: inspector.LaneSubscription, URL: "http://127.0.0.1:8080/s"})
	held.StartConn(100*time.Millisecond, "GET", "http://127.0.0.1:8080/s", nil, "")
	snap := s.Snapshot()
	l := snap.Lanes[0]
	ps := phases(l, 12*time.Second)
	if len(ps) != 1 || !ps[0].waiting || ps[0].from != 100*time.Millisecond || ps[0].to != 12*time.Second {
		t.Fatalf("phases %+v, want one wait from 0.1 s to now", ps)
	}
	d := &Data{Title: "held", Snapshot: snap, Now: 12 * time.Second}
	if _, to := FitRange(d); to < 12*time.Second {
		t.Fatalf("a live session's range ends at %v, before now", to)
	}
	path := filepath.Join(t.TempDir(), "held.svg")
	if err := ExportView(path, d, FitView(d, 1200, 500)); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"waiting for the response headers · 12 s", "waiting for response headers"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the drawing lacks %q", want)
		}
	}
	// Once the headers came, the connection is open from then on.
	held.SetResponse(0, 3*time.Second, 200, "HTTP/1.1", nil)
	ps = phases(s.Snapshot().Lanes[0], 12*time.Second)
	if len(ps) != 2 || ps[0].to != 3*time.Second || ps[1].waiting || ps[1].to != 12*time.Second {
		t.Fatalf("phases after the headers %+v, want a wait to 3 s then open to now", ps)
	}
}
