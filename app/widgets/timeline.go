package widgets

import (
	"image"
	"math"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// Timeline shows a session's per-event timeline. Scrolling zooms around
// the pointer (horizontal scrolling pans), dragging pans, hovering shows a
// readout of the event under the pointer, and tapping an event selects it.
// While following, the view keeps the end of a live session in sight; a
// pan stops following and Fit resumes it.
//
// All methods must be called on the Fyne main goroutine (from other
// goroutines, through fyne.Do).
type Timeline struct {
	widget.BaseWidget

	// OnSelect, if set, is called when the user taps an event, after the
	// event became the selection. nil means no callback.
	OnSelect func(ref diagnose.EventRef)

	data     *timeline.Data
	from, to time.Duration // visible range
	follow   bool          // the view keeps the end of a live session in sight
	lane     int           // the first lane shown, when not all fit
	fitted   bool          // the view shows the whole session
	hover    fyne.Position
	hovering bool
}

var (
	_ fyne.Widget         = (*Timeline)(nil)
	_ fyne.Scrollable     = (*Timeline)(nil)
	_ fyne.Draggable      = (*Timeline)(nil)
	_ fyne.Tappable       = (*Timeline)(nil)
	_ desktop.Hoverable   = (*Timeline)(nil)
	_ fyne.WidgetRenderer = (*timelineRenderer)(nil)
)

// zoomPerScroll is the zoom factor of one scroll step (a wheel notch
// scrolls by 10 units in Fyne's desktop driver).
const zoomPerScroll = 0.85

// NewTimeline returns a timeline of d showing the whole session and
// following it.
func NewTimeline(d *timeline.Data) *Timeline {
	t := &Timeline{data: d, follow: true, fitted: true}
	t.from, t.to = timeline.FitRange(d)
	t.ExtendBaseWidget(t)
	return t
}

// Data returns the data shown.
func (t *Timeline) Data() *timeline.Data { return t.data }

// SetData replaces the data shown, typically with a newer snapshot of a
// live session (pass the same *Data with its Snapshot replaced to keep its
// index). While following, the view moves to keep the session's end in
// sight: the whole session when it showed the whole session, else the
// same span ending at the session's end.
func (t *Timeline) SetData(d *timeline.Data) {
	t.data = d
	if t.follow {
		t.from, t.to = t.followRange()
	} else {
		t.from, t.to = t.clampRange(t.from, t.to)
	}
	t.Refresh()
}

// Range returns the visible time range.
func (t *Timeline) Range() (from, to time.Duration) { return t.from, t.to }

// SetRange shows the given time range, within the session, and stops
// following.
func (t *Timeline) SetRange(from, to time.Duration) {
	if to <= from {
		return
	}
	t.from, t.to = t.clampRange(from, to)
	t.follow, t.fitted = false, false
	t.Refresh()
}

// Following reports whether the view follows the session's end.
func (t *Timeline) Following() bool { return t.follow }

// Fit shows the whole session and resumes following it.
func (t *Timeline) Fit() {
	t.from, t.to = timeline.FitRange(t.data)
	t.follow, t.fitted = true, true
	t.Refresh()
}

// Selected returns the selected event; a zero Lane means none.
func (t *Timeline) Selected() diagnose.EventRef {
	if t.data == nil {
		return diagnose.EventRef{}
	}
	return t.data.Selected
}

// Select makes ref the selected event without calling OnSelect, and
// scrolls its lane into view.
func (t *Timeline) Select(ref diagnose.EventRef) {
	if t.data == nil {
		return
	}
	t.data.Selected = ref
	t.ShowLane(ref.Lane)
	t.Refresh()
}

// ShowLane scrolls the lanes so that the lane with the given ID is shown.
func (t *Timeline) ShowLane(id int) {
	shown, _ := timeline.LanesShown(t.data, t.View())
	if shown == 0 || t.data.Snapshot == nil {
		return
	}
	i := 0
	for _, l := range t.data.Snapshot.Lanes {
		if l.Info.Kind == inspector.LaneRequest {
			continue
		}
		if l.Info.ID == id {
			if i < t.lane || i >= t.lane+shown {
				t.lane = max(0, i-shown/2)
			}
			return
		}
		i++
	}
}

// View is the timeline.View the widget draws: its range, size and hover.
func (t *Timeline) View() timeline.View {
	s := t.Size()
	return timeline.View{From: t.from, To: t.to, Width: float64(s.Width), Height: float64(s.Height),
		Hover: plot.Point{X: float64(t.hover.X), Y: float64(t.hover.Y)}, Hovering: t.hovering, FirstLane: t.lane,
		Dark: t.darkTheme()}
}

// darkTheme reports whether the theme the widget is drawn with has a dark
// background, so the timeline can match it.
func (t *Timeline) darkTheme() bool {
	a := fyne.CurrentApp()
	if a == nil {
		return false
	}
	bg := t.Theme().Color(theme.ColorNameBackground, a.Settings().ThemeVariant())
	r, g, b, _ := bg.RGBA()
	return 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(b) < 0.5*0xffff
}

// Scrolled zooms around the pointer on vertical scrolling (up zooms in)
// and pans on horizontal scrolling; over the lane names, when there are
// more lanes than fit, vertical scrolling shows the others. The time under the pointer stays put
// unless the range meets the session's start or end. A view that still
// shows the session's end keeps following it; one zoomed into the past
// stays where it is.
func (t *Timeline) Scrolled(e *fyne.ScrollEvent) {
	v := t.View()
	// Some drivers send no position with the event; the pointer is where
	// the last hover put it.
	x := float64(e.Position.X)
	if t.hovering {
		x = float64(t.hover.X)
	}
	if x0, _ := v.PlotX(); x < x0 && e.Scrolled.DY != 0 {
		t.scrollLanes(e.Scrolled.DY)
		return
	}
	if e.Scrolled.DY != 0 {
		v = v.Zoom(x, math.Pow(zoomPerScroll, float64(e.Scrolled.DY)/10))
	}
	if e.Scrolled.DX != 0 {
		v = v.Pan(float64(e.Scrolled.DX))
	}
	t.moveTo(v.From, v.To)
}

// scrollLanes shows earlier lanes (scrolling up) or later ones, one per
// wheel notch, when there are more lanes than the height holds.
func (t *Timeline) scrollLanes(dy float32) {
	step := -int(math.Round(float64(dy) / 10))
	if step == 0 {
		step = -int(math.Copysign(1, float64(dy)))
	}
	shown, total := timeline.LanesShown(t.data, t.View())
	t.lane = max(0, min(t.lane+step, total-shown))
	t.Refresh()
}

// FirstLane is the first lane shown (from 0) when not all lanes fit.
func (t *Timeline) FirstLane() int { return t.lane }

// moveTo shows a range the user chose, within the session; it follows
// the session when it shows its end.
func (t *Timeline) moveTo(from, to time.Duration) {
	fitFrom, fitTo := timeline.FitRange(t.data)
	t.from, t.to = t.clampRange(from, to)
	t.fitted = t.from == fitFrom && t.to == fitTo
	t.follow = t.reachesEnd(t.to)
	t.Refresh()
}

// Dragged pans the view with the pointer; it stops following unless the
// view still reaches the session's end.
func (t *Timeline) Dragged(e *fyne.DragEvent) {
	v := t.View().Pan(float64(e.Dragged.DX))
	t.hover, t.hovering = e.Position, true
	t.moveTo(v.From, v.To)
}

// DragEnd ends a pan.
func (t *Timeline) DragEnd() {}

// Tapped selects the event under the pointer and reports it to OnSelect.
func (t *Timeline) Tapped(e *fyne.PointEvent) {
	if t.data == nil {
		return
	}
	lane, index, ok := timeline.EventAt(t.data, t.View(), float64(e.Position.X), float64(e.Position.Y))
	if !ok {
		return
	}
	l := t.data.Snapshot.Lane(lane)
	ref := diagnose.EventRef{Lane: lane, Seq: l.DroppedEvents + int64(index)}
	t.data.Selected = ref
	t.Refresh()
	if t.OnSelect != nil {
		t.OnSelect(ref)
	}
}

// MouseIn starts the hover readout.
func (t *Timeline) MouseIn(e *desktop.MouseEvent) { t.MouseMoved(e) }

// MouseMoved moves the hover readout.
func (t *Timeline) MouseMoved(e *desktop.MouseEvent) {
	t.hover, t.hovering = e.Position, true
	t.Refresh()
}

// MouseOut hides the hover readout.
func (t *Timeline) MouseOut() {
	t.hovering = false
	t.Refresh()
}

// CreateRenderer returns the widget's renderer.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t, canvas: plot.NewRaster(image.NewRGBA(image.Rect(0, 0, 1, 1)), 1)}
	r.raster = canvas.NewRaster(r.draw)
	return r
}

// timelineRenderer draws the timeline into one raster object with the same
// function the export uses.
type timelineRenderer struct {
	t      *Timeline
	raster *canvas.Raster
	canvas *plot.Raster // kept across frames: it caches rendered glyphs
	img    *image.RGBA
}

// draw renders a frame of w×h device pixels.
func (r *timelineRenderer) draw(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	if r.img == nil || r.img.Bounds().Dx() != w || r.img.Bounds().Dy() != h {
		r.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	v := r.t.View()
	scale := 1.0
	if v.Width > 0 {
		scale = float64(w) / v.Width
	}
	r.canvas.Reset(r.img, scale)
	timeline.Draw(r.canvas, r.t.data, v)
	return r.img
}

// Destroy releases nothing: the renderer holds only memory.
func (r *timelineRenderer) Destroy() {}

// Layout sizes the raster to the widget.
func (r *timelineRenderer) Layout(size fyne.Size) { r.raster.Resize(size) }

// MinSize leaves room for the title, two lanes, the axis and a finding.
func (r *timelineRenderer) MinSize() fyne.Size { return fyne.NewSize(480, 280) }

// Objects is the one raster the timeline is drawn into.
func (r *timelineRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.raster} }

// Refresh redraws the raster on the next frame.
func (r *timelineRenderer) Refresh() { r.raster.Refresh() }
