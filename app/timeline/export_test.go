package timeline_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/internal/golden"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

const goldenW, goldenH = 1200, 700

func dataOf(f *fixture.Fixture) *timeline.Data {
	return &timeline.Data{Title: f.Name, Snapshot: f.Session.Snapshot(), Delays: f.DelaysByLane(),
		Matches: f.Matches, Findings: f.Findings, RefLane: f.RefLane}
}

// TestExportGolden exports each fixture as PNG and SVG and compares the
// files with testdata/export-NAME.{png,svg}.
func TestExportGolden(t *testing.T) {
	for _, f := range fixture.All() {
		t.Run(f.Name, func(t *testing.T) {
			dir := t.TempDir()
			for _, ext := range []string{"png", "svg"} {
				out := filepath.Join(dir, "timeline."+ext)
				if err := timeline.Export(out, dataOf(f), goldenW, goldenH); err != nil {
					t.Fatal(err)
				}
				want := filepath.Join("testdata", "export-"+f.Name+"."+ext)
				if ext == "svg" {
					got, err := os.ReadFile(out)
					if err != nil {
						t.Fatal(err)
					}
					golden.Text(t, want, got, *update)
					continue
				}
				img, err := golden.ReadPNG(out)
				if err != nil {
					t.Fatal(err)
				}
				golden.Image(t, want, img, *update)
			}
		})
	}
}

// render draws d at the golden size with the raster backend.
func render(d *timeline.Data) *plot.Raster {
	c := plot.NewImage(goldenW, goldenH)
	timeline.Draw(c, d, timeline.FitView(d, goldenW, goldenH))
	return c
}

// TestGoldenCatchesMissingMarks makes sure the tolerant comparison is not
// so tolerant that a lost finding, lane or burst label would pass.
func TestGoldenCatchesMissingMarks(t *testing.T) {
	if *update {
		t.Skip("goldens being rewritten")
	}
	want, err := golden.ReadPNG("testdata/export-buffered.png")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := golden.Differ(want, render(dataOf(fixture.Buffered())).Image()); err != nil || n != 0 {
		t.Fatalf("the unchanged drawing differs from its golden image (%d pixels, %v)", n, err)
	}
	for name, change := range map[string]func(d *timeline.Data){
		"second finding dropped": func(d *timeline.Data) { d.Findings = d.Findings[:1] },
		"one lane dropped":       func(d *timeline.Data) { d.Snapshot.Lanes = d.Snapshot.Lanes[:1] },
		"matches dropped":        func(d *timeline.Data) { d.Matches = nil },
		"delays dropped":         func(d *timeline.Data) { d.Delays = nil },
		"finding retitled": func(d *timeline.Data) {
			d.Findings = append([]diagnose.Finding(nil), d.Findings...)
			d.Findings[1].Title = strings.Replace(d.Findings[1].Title, "4 KiB", "8 KiB", 1)
		},
	} {
		d := dataOf(fixture.Buffered())
		change(d)
		n, err := golden.Differ(want, render(d).Image())
		if err == nil && n == 0 {
			t.Errorf("%s: the comparison still matches the golden image", name)
		}
	}
}

func TestExportErrors(t *testing.T) {
	d := dataOf(fixture.Clean())
	dir := t.TempDir()
	if err := timeline.Export(filepath.Join(dir, "x.pdf"), d, 100, 100); err == nil || !strings.Contains(err.Error(), ".png") {
		t.Errorf("unknown format: err = %v, want one naming the known formats", err)
	}
	if err := timeline.Export(filepath.Join(dir, "missing", "x.png"), d, 100, 100); err == nil {
		t.Error("export into a missing directory succeeded")
	}
	v := timeline.View{From: 5, To: 5, Width: 100, Height: 100}
	if err := timeline.ExportView(filepath.Join(dir, "x.png"), d, v); err == nil {
		t.Error("empty range accepted")
	}
}

// TestSVGCarriesText checks that the SVG export keeps titles as text.
func TestSVGCarriesText(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.svg")
	f := fixture.Reconnect()
	if err := timeline.Export(out, dataOf(f), 1000, 600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	for _, want := range []string{">reconnect<", "Last-Event-ID: 12", ">disconnected<", ">3.0 s<", ">cut mid-stream<", "idle timeout", ">via proxy<"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// TestHoverAndSelectionGolden draws the readout of an event under the
// pointer, and a selected event.
func TestHoverAndSelectionGolden(t *testing.T) {
	f := fixture.Buffered()
	d := dataOf(f)
	v := timeline.FitView(d, goldenW, goldenH)
	lane := d.Snapshot.Lanes[1]
	d.Selected = diagnose.EventRef{Lane: lane.Info.ID, Seq: 40}
	d.Highlight = []diagnose.EventRef{{Lane: 1, Seq: 7}, {Lane: 1, Seq: 8}}
	// Hover the tick row of the buffered lane at its second burst.
	x := v.X(lane.Arrival(40))
	var y float64
	for y = 300; y < 600; y++ {
		if l, i, ok := timeline.EventAt(d, v, x, y); ok && l == lane.Info.ID && i >= 34 && i < 68 {
			break
		}
	}
	v.Hover, v.Hovering = plot.Point{X: x, Y: y}, true
	c := plot.NewImage(goldenW, goldenH)
	timeline.Draw(c, d, v)
	golden.Image(t, "testdata/buffered-hover.png", c.Image(), *update)
}
