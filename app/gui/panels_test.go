package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/sseinspector/sseinspector/inspector"
)

// TestTimeAndIDColumnsFit checks that long times and ids fit their
// columns instead of being cut.
func TestTimeAndIDColumnsFit(t *testing.T) {
	newTestInspector(t)
	pad := 2 * theme.Padding()
	for _, c := range []struct{ col, sample string }{{"time", "86399.999 s"}, {"id", "1234567890"}, {"#", "1234567"}, {"delay", "12345 ms"}} {
		for _, col := range eventColumns {
			if col.title != c.col {
				continue
			}
			if w := fyne.MeasureText(c.sample, theme.TextSize(), fyne.TextStyle{}).Width + pad; w > col.width {
				t.Errorf("column %s is %.0f wide; %q needs %.0f", c.col, col.width, c.sample, w)
			}
		}
	}
}

// TestStatusCountsAsTheTimeline: the status bar counts stream lanes and
// their events, with the tap's plain requests apart, as the timeline's
// title does.
func TestStatusCountsAsTheTimeline(t *testing.T) {
	ui, _ := newTestInspector(t)
	s := recordedSession()
	req := s.AddLane(inspector.LaneInfo{Name: "GET /app.js", Kind: inspector.LaneRequest, URL: "http://127.0.0.1/app.js"})
	req.StartConn(0, "GET", "http://127.0.0.1/app.js", nil, "")
	ui.setSession(s, "with a request")
	ui.refreshNow()
	if got, want := ui.status.Text[:len("2 lanes · 6 events")], "2 lanes · 6 events"; got != want {
		t.Errorf("status %q, want it to start %q", ui.status.Text, want)
	}
	if !strings.Contains(ui.status.Text, "1 other request") {
		t.Errorf("status %q does not count the plain request apart", ui.status.Text)
	}
}

// TestDiagnosisCostStaysBounded: however long a diagnosis takes, the
// pause after it keeps its share of a core under 1/diagnosisCostFactor.
func TestDiagnosisCostStaysBounded(t *testing.T) {
	for _, cost := range []time.Duration{time.Millisecond, 80 * time.Millisecond, 3 * time.Second} {
		pause := diagnosisPause(cost)
		if share := float64(cost) / float64(cost+pause); share > 1.0/diagnosisCostFactor || pause < minDiagnosisInterval {
			t.Errorf("a %v diagnosis is followed by %v: %.1f%% of a core", cost, pause, 100*share)
		}
	}
}
