package timeline_test

import (
	"fmt"
	"image"
	"runtime"
	"testing"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
)

// BenchmarkDraw draws a 1600×900 frame of the whole session with the
// raster backend, as the widget does on every frame: events are split
// over a direct and a buffered lane, each buffered event with a delay and
// a match. The index is built by the first frame, outside the timer.
// Besides wall time it reports cpu-ms/op, the process's CPU time per frame,
// which a busy shared machine does not inflate.
func BenchmarkDraw(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			f := fixture.Large(n)
			d := &timeline.Data{Title: "benchmark", Snapshot: f.Session.Snapshot(), Delays: f.DelaysByLane(),
				Matches: f.Matches, Findings: fixture.Buffered().Findings, RefLane: f.RefLane}
			v := timeline.FitView(d, 1600, 900)
			v.Hover, v.Hovering = plot.Point{X: 800, Y: 500}, true
			img := image.NewRGBA(image.Rect(0, 0, 1600, 900))
			c := plot.NewRaster(img, 1)
			timeline.Draw(c, d, v)
			runtime.GC() // the fixture's garbage is not the frame's
			b.ResetTimer()
			cpu0 := cpuTime()
			for b.Loop() {
				c.Reset(img, 1)
				timeline.Draw(c, d, v)
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
			}
		})
	}
}

// BenchmarkFirstFrame draws the first frame of a fresh Data, which builds
// the per-lane index (one Scan of every event and read) before drawing;
// later frames, and frames after a live session grew, reuse and extend it.
func BenchmarkFirstFrame(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			f := fixture.Large(n)
			snap, delays := f.Session.Snapshot(), f.DelaysByLane()
			img := image.NewRGBA(image.Rect(0, 0, 1600, 900))
			c := plot.NewRaster(img, 1)
			runtime.GC()
			b.ResetTimer()
			for b.Loop() {
				d := &timeline.Data{Title: "benchmark", Snapshot: snap, Delays: delays, Matches: f.Matches, RefLane: f.RefLane}
				c.Reset(img, 1)
				timeline.Draw(c, d, timeline.FitView(d, 1600, 900))
			}
		})
	}
}
