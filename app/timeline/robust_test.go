package timeline_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// TestDrawAnyViewAndSize draws odd data at odd sizes and ranges: nothing
// may panic, and both backends must accept the same calls.
func TestDrawAnyViewAndSize(t *testing.T) {
	empty := inspector.NewSession(inspector.Limits{})
	silent := inspector.NewSession(inspector.Limits{})
	l := silent.AddLane(inspector.LaneInfo{Name: "connecting", Kind: inspector.LaneSubscription})
	l.StartConn(time.Second, "GET", "http://x/", http.Header{}, "")
	many := inspector.NewSession(inspector.Limits{})
	for i := 0; i < 40; i++ {
		many.AddLane(inspector.LaneInfo{Name: fmt.Sprintf("tap %d", i), Kind: inspector.LaneTap})
	}
	datas := map[string]*timeline.Data{
		"nil snapshot": {},
		"no lanes":     {Snapshot: empty.Snapshot()},
		"no events":    {Snapshot: silent.Snapshot(), Findings: fixture.Buffered().Findings},
		"40 lanes":     {Snapshot: many.Snapshot()},
	}
	for _, f := range fixture.All() {
		datas[f.Name] = dataOf(f)
		d := dataOf(f)
		d.Findings = append(d.Findings, d.Findings...)
		d.Findings = append(d.Findings, d.Findings...)
		d.Findings = append(d.Findings, d.Findings...)
		datas[f.Name+" with many findings"] = d
	}
	sizes := [][2]int{{1, 1}, {40, 30}, {300, 150}, {480, 280}, {3000, 200}}
	ranges := [][2]time.Duration{{0, 0}, {-time.Hour, time.Hour}, {time.Hour, 2 * time.Hour}, {3 * time.Second, 3*time.Second + time.Microsecond}}
	for name, d := range datas {
		for _, sz := range sizes {
			for _, r := range ranges {
				v := timeline.View{From: r[0], To: r[1], Width: float64(sz[0]), Height: float64(sz[1]),
					Hover: plot.Point{X: float64(sz[0]) / 2, Y: float64(sz[1]) / 2}, Hovering: true}
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%s at %v over %v: panic %v", name, sz, r, p)
						}
					}()
					timeline.Draw(plot.NewImage(sz[0], sz[1]), d, v)
					timeline.Draw(plot.NewSVG(float64(sz[0]), float64(sz[1])), d, v)
					timeline.EventAt(d, v, v.Hover.X, v.Hover.Y)
				}()
			}
		}
	}
}
