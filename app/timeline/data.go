package timeline

import (
	"math"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// Data is what the timeline shows. Every field but Snapshot may be empty.
// A Data keeps a private index of its snapshot's lanes; replacing Snapshot
// with a newer snapshot of the same session extends the index instead of
// rebuilding it. A Data must not be drawn from two goroutines at once.
type Data struct {
	// Title names the session or the comparison; empty means "SSE timeline".
	Title    string
	Snapshot *inspector.Snapshot
	// Delays are the per-event delays by lane ID, each in arrival order.
	Delays map[int][]diagnose.Delay
	// Matches pair events with the same event on the reference lane.
	Matches []diagnose.Match
	// MatchesByLane, when not nil, holds the matches by lane ID, each in
	// seq order, and is used instead of Matches (a live measurement keeps
	// them so, and the timeline then needs no copy).
	MatchesByLane map[int][]diagnose.Match
	Findings      []diagnose.Finding
	// Highlight marks events (for instance a finding's evidence).
	Highlight []diagnose.EventRef
	// Selected is the selected event; a zero Lane means none.
	Selected diagnose.EventRef
	// RefLane is the lane ID of the reference lane; 0 means none.
	RefLane int
	// Now is the present of a live session, in session time: connections
	// still open are drawn up to it. 0 for a recording, whose open
	// connections end at their lane's last recorded time.
	Now time.Duration

	idx *index
}

// hasMatches reports whether d pairs any events.
func (d *Data) hasMatches() bool {
	for _, ms := range d.MatchesByLane {
		if len(ms) > 0 {
			return true
		}
	}
	return len(d.Matches) > 0
}

// laneMatches returns a lane's matches sorted by seq.
func (d *Data) laneMatches(idx *index, lane int) []diagnose.Match {
	if d.MatchesByLane != nil {
		return d.MatchesByLane[lane]
	}
	return idx.matchesOf(d.Matches, lane)
}

// DelaysByLane groups delays by lane ID, keeping their order.
func DelaysByLane(all []diagnose.Delay) map[int][]diagnose.Delay {
	out := make(map[int][]diagnose.Delay)
	for _, d := range all {
		out[d.Lane] = append(out[d.Lane], d)
	}
	return out
}

// View is what part of the timeline is shown, at what size, and where the
// pointer is.
type View struct {
	// From and To bound the visible time range (session time).
	From, To time.Duration
	// Width and Height are the drawing's size in logical pixels; zero
	// means the canvas size.
	Width, Height float64
	// Hover is the pointer position when Hovering.
	Hover    plot.Point
	Hovering bool
	// Dark draws on a dark background, to match a dark desktop theme;
	// exports are light unless asked.
	Dark bool
	// FirstLane is the first stream lane shown (from 0) when there are
	// more lanes than the height holds; the drawing keeps it in range.
	FirstLane int
}

// FitView returns a view of the whole session at the given size.
func FitView(d *Data, width, height float64) View {
	from, to := FitRange(d)
	return View{From: from, To: to, Width: width, Height: height}
}

// FitRange is the time range that shows the whole session with a small
// margin on the right; at least one second.
func FitRange(d *Data) (from, to time.Duration) {
	var end time.Duration
	if d != nil && d.Snapshot != nil {
		end = max(d.Snapshot.End(), d.Now)
	}
	end += end / 40
	if end < time.Second {
		end = time.Second
	}
	return 0, end
}

// MinSpan is the narrowest visible range zooming allows.
const MinSpan = 100 * time.Microsecond

// span is the visible range's duration, never zero.
func (v View) span() time.Duration {
	if v.To > v.From {
		return v.To - v.From
	}
	return MinSpan
}

// PlotX returns the left and right edges of the time plot: left of it
// are the lane names.
func (v View) PlotX() (x0, x1 float64) { return v.plotX() }

// LanesShown returns how many stream lanes a view of d shows and how many
// there are.
func LanesShown(d *Data, v View) (shown, total int) {
	L := layoutOf(d, v)
	return len(L.bands), L.totalLanes
}

// plotX returns the left and right edges of the time plot.
func (v View) plotX() (x0, x1 float64) {
	m := metricsFor(v.Width)
	return m.margin + m.gutter, v.Width - m.margin - m.rightAxis
}

// X is the horizontal position of time t.
func (v View) X(t time.Duration) float64 { return v.xmap().x(t) }

// xmap is View's time-to-x mapping with its constants computed once, for
// loops over many events.
type xmap struct {
	from    time.Duration
	x0, pxs float64 // pixels per nanosecond
}

func (v View) xmap() xmap {
	x0, x1 := v.plotX()
	return xmap{from: v.From, x0: x0, pxs: (x1 - x0) / float64(v.span())}
}

func (m xmap) x(t time.Duration) float64 { return m.x0 + float64(t-m.from)*m.pxs }

// t is the time at x.
func (m xmap) t(x float64) time.Duration {
	return m.from + time.Duration(math.Round((x-m.x0)/m.pxs))
}

// TimeAt is the time at horizontal position x.
func (v View) TimeAt(x float64) time.Duration {
	x0, x1 := v.plotX()
	if x1 <= x0 {
		return v.From
	}
	return v.From + time.Duration(math.Round((x-x0)/(x1-x0)*float64(v.span())))
}

// Zoom scales the visible range by factor (below 1 zooms in) keeping the
// time under x where it is. The span never falls below MinSpan.
func (v View) Zoom(x, factor float64) View {
	if factor <= 0 {
		return v
	}
	anchor := v.TimeAt(x)
	span := time.Duration(float64(v.span()) * factor)
	if span < MinSpan {
		span = MinSpan
	}
	x0, x1 := v.plotX()
	frac := 0.5
	if x1 > x0 {
		frac = math.Max(0, math.Min(1, (x-x0)/(x1-x0)))
	}
	v.From = anchor - time.Duration(frac*float64(span))
	v.To = v.From + span
	return v
}

// Pan shifts the visible range so that the content moves dx pixels right.
func (v View) Pan(dx float64) View {
	x0, x1 := v.plotX()
	if x1 <= x0 {
		return v
	}
	shift := time.Duration(math.Round(dx / (x1 - x0) * float64(v.span())))
	v.From -= shift
	v.To -= shift
	return v
}
