package widgets

import (
	"flag"
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/internal/golden"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var size = fyne.NewSize(1000, 600)

// lightApp starts a test app on the light theme, whose timeline is the
// exports' light drawing.
func lightApp(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
}

// variantTheme is the default theme held to one variant.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (v variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return v.Theme.Color(n, v.variant)
}

func dataOf(f *fixture.Fixture) *timeline.Data {
	return &timeline.Data{Title: f.Name, Snapshot: f.Session.Snapshot(), Delays: f.DelaysByLane(),
		Matches: f.Matches, Findings: f.Findings, RefLane: f.RefLane}
}

// capture renders the widget alone with the software painter.
func capture(t *testing.T, w fyne.CanvasObject) image.Image {
	t.Helper()
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetContent(w)
	c.Resize(size)
	return c.Capture()
}

// window puts the widget alone in a test window of the test size.
func window(t *testing.T, w fyne.CanvasObject) fyne.Canvas {
	t.Helper()
	win := test.NewTempWindow(t, w)
	win.SetPadded(false)
	win.Resize(size)
	return win.Canvas()
}

func TestTimelineRendersFixtures(t *testing.T) {
	lightApp(t)
	for _, f := range fixture.All() {
		t.Run(f.Name, func(t *testing.T) {
			d := dataOf(f)
			img := capture(t, NewTimeline(d))
			golden.Image(t, "testdata/timeline-"+f.Name+".png", img, *update)

			// The screen is what an export draws.
			export := plot.NewImage(int(size.Width), int(size.Height))
			timeline.Draw(export, d, timeline.FitView(d, float64(size.Width), float64(size.Height)))
			if n, err := golden.Differ(export.Image(), img); err != nil || n != 0 {
				t.Errorf("widget differs from the export drawing: %d pixels, %v", n, err)
			}
		})
	}
}

func TestScrollZoomsAroundPointer(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Buffered()))
	c := window(t, w)
	pos := fyne.NewPos(700, 300)
	test.MoveMouse(c, pos)
	before := w.View()
	anchor := before.TimeAt(float64(pos.X))

	test.Scroll(c, pos, 0, 10) // one wheel notch up
	after := w.View()
	if got, want := after.To-after.From, time.Duration(float64(before.To-before.From)*zoomPerScroll); (got - want).Abs() > time.Millisecond {
		t.Errorf("span after zooming in %v, want %v", got, want)
	}
	if got := after.TimeAt(float64(pos.X)); (got - anchor).Abs() > time.Millisecond {
		t.Errorf("time under the pointer moved from %v to %v", anchor, got)
	}
	if after.From <= before.From || after.To >= before.To {
		t.Errorf("range %v..%v does not lie inside %v..%v", after.From, after.To, before.From, before.To)
	}
	test.Scroll(c, pos, 0, -10)
	back := w.View()
	if (back.To-back.From)-(before.To-before.From) > time.Millisecond || (back.From-before.From).Abs() > time.Millisecond {
		t.Errorf("zooming out again gave %v..%v, want %v..%v", back.From, back.To, before.From, before.To)
	}
	if !w.Following() {
		t.Error("zooming stopped following")
	}
}

func TestDragPansAndStopsFollowing(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Buffered()))
	c := window(t, w)
	if !w.Following() {
		t.Fatal("a new timeline does not follow")
	}
	fitFrom, fitTo := w.Range()
	test.MoveMouse(c, fyne.NewPos(300, 300))
	test.Scroll(c, fyne.NewPos(300, 300), 0, 30) // zoom in, into the past
	from, to := w.Range()
	v := w.View()
	perPixel := v.TimeAt(101) - v.TimeAt(1)

	test.Drag(c, fyne.NewPos(600, 300), -100, 0) // drag left: later times come into view
	f2, t2 := w.Range()
	if shift := f2 - from; (shift-perPixel).Abs() > time.Millisecond || t2-f2 != to-from {
		t.Errorf("range %v..%v after dragging 100 px left from %v..%v, want shifted by %v", f2, t2, from, to, perPixel)
	}
	if w.Following() {
		t.Error("following after a pan that left the session's end out of view")
	}
	w.Fit()
	if f3, t3 := w.Range(); f3 != fitFrom || t3 != fitTo || !w.Following() {
		t.Errorf("Fit gave %v..%v following=%v", f3, t3, w.Following())
	}
}

// TestRangeStaysWithinTheSession checks the zoom-out limit, and that no
// pan or zoom shows times before the session or far past its data.
func TestRangeStaysWithinTheSession(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Buffered()))
	c := window(t, w)
	fitFrom, fitTo := w.Range()
	end := w.Data().Snapshot.End()
	test.Scroll(c, fyne.NewPos(500, 300), 0, -50) // zoom far out
	if from, to := w.Range(); from != fitFrom || to != fitTo {
		t.Errorf("zoomed out to %v..%v, past the whole session %v..%v", from, to, fitFrom, fitTo)
	}
	test.Scroll(c, fyne.NewPos(500, 300), 0, 40)
	test.Drag(c, fyne.NewPos(400, 300), 5000, 0) // far right: earlier times
	if from, _ := w.Range(); from < 0 {
		t.Errorf("range starts at %v, before the session", from)
	}
	test.Drag(c, fyne.NewPos(400, 300), -20000, 0) // far left: later times
	from, to := w.Range()
	if to > end+(to-from)/20 {
		t.Errorf("range ends at %v, past the data's end at %v", to, end)
	}
	if !w.Following() {
		t.Error("a view that shows the session's end does not follow it")
	}
}

func TestFollowsLiveData(t *testing.T) {
	lightApp(t)
	s := inspector.NewSession(inspector.Limits{})
	lane := s.AddLane(inspector.LaneInfo{Name: "live", Kind: inspector.LaneSubscription})
	conn := lane.StartConn(0, "GET", "http://x/", nil, "")
	addEvent := func(at time.Duration) {
		read := lane.AddRead(conn, at, 0, 9, 9)
		lane.AddItem(conn, &sse.Item{Kind: sse.ItemEvent, Raw: []byte("data: x\n\n"), FirstRead: read, LastRead: read}, at, 0)
	}
	addEvent(2 * time.Second)
	d := &timeline.Data{Snapshot: s.Snapshot()}
	w := NewTimeline(d)
	c := window(t, w)

	addEvent(20 * time.Second)
	d.Snapshot = s.Snapshot()
	w.SetData(d)
	if _, to := w.Range(); to < 20*time.Second {
		t.Errorf("following view ends at %v, before the new event at 20 s", to)
	}
	// Zoomed in at the live end, the view keeps its span and follows,
	// never showing a range past the data.
	test.MoveMouse(c, fyne.NewPos(920, 300))
	test.Scroll(c, fyne.NewPos(920, 300), 0, 30)
	from, to := w.Range()
	span := to - from
	addEvent(30 * time.Second)
	d.Snapshot = s.Snapshot()
	w.SetData(d)
	if f2, t2 := w.Range(); t2-f2 != span || t2 < 30*time.Second || t2 > 30*time.Second+span/20 {
		t.Errorf("zoomed live view moved to %v..%v, want a %v span ending just past 30 s", f2, t2, span)
	}
	// Zoomed into the past, the time under the pointer stays put as data
	// arrives.
	pos := fyne.NewPos(300, 300)
	test.MoveMouse(c, pos)
	test.Scroll(c, pos, 0, 20)
	anchor := w.View().TimeAt(float64(pos.X))
	from, to = w.Range()
	addEvent(40 * time.Second)
	d.Snapshot = s.Snapshot()
	w.SetData(d)
	if f2, t2 := w.Range(); f2 != from || t2 != to || w.View().TimeAt(float64(pos.X)) != anchor {
		t.Errorf("view moved to %v..%v after zooming into the past, want %v..%v", f2, t2, from, to)
	}
}

func TestHover(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Clean()))
	c := window(t, w)
	test.MoveMouse(c, fyne.NewPos(400, 200))
	if v := w.View(); !v.Hovering || v.Hover != (plot.Point{X: 400, Y: 200}) {
		t.Errorf("after moving the mouse: hover %v, %v", v.Hover, v.Hovering)
	}
	test.MoveMouse(c, fyne.NewPos(-50, -50)) // off the widget
	if w.View().Hovering {
		t.Error("still hovering after the mouse left")
	}
}

// tickOf finds a point over the given event's tick.
func tickOf(t *testing.T, w *Timeline, lane, index int) fyne.Position {
	t.Helper()
	v := w.View()
	x := v.X(w.Data().Snapshot.Lane(lane).Arrival(index))
	for y := 0.0; y < v.Height; y++ {
		if l, i, ok := timeline.EventAt(w.Data(), v, x, y); ok && l == lane && i == index {
			return fyne.NewPos(float32(x), float32(y))
		}
	}
	t.Fatalf("no point over event %d of lane %d", index, lane)
	return fyne.Position{}
}

func TestTapSelectsEvent(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Clean()))
	c := window(t, w)
	var got []diagnose.EventRef
	w.OnSelect = func(ref diagnose.EventRef) { got = append(got, ref) }

	test.TapCanvas(c, tickOf(t, w, 2, 12))
	want := diagnose.EventRef{Lane: 2, Seq: 12}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("OnSelect got %v, want [%v]", got, want)
	}
	if w.Selected() != want {
		t.Errorf("Selected = %v", w.Selected())
	}
	test.TapCanvas(c, fyne.NewPos(500, 10)) // the title: no event
	if len(got) != 1 || w.Selected() != want {
		t.Errorf("tapping the title changed the selection: %v, %v", got, w.Selected())
	}
}

func TestRendersSelectionAndHover(t *testing.T) {
	lightApp(t)
	w := NewTimeline(dataOf(fixture.Buffered()))
	c := window(t, w)
	pos := tickOf(t, w, 2, 40)
	test.TapCanvas(c, pos)
	test.MoveMouse(c, pos)
	golden.Image(t, "testdata/timeline-buffered-selected.png", capture(t, w), *update)
}

// TestFollowsADarkTheme: on a dark theme the timeline draws dark; an
// export of the same view stays light unless asked.
func TestFollowsADarkTheme(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	w := NewTimeline(dataOf(fixture.Clean()))
	img := capture(t, w)
	r, g, b, _ := img.At(3, 3).RGBA()
	if (r+g+b)/3>>8 > 64 {
		t.Errorf("on a dark theme the timeline's background is %d/255 bright", (r+g+b)/3>>8)
	}
	if !w.View().Dark {
		t.Error("the view is not dark on a dark theme")
	}
}
