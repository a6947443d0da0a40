package timeline

import (
	"image/color"
	"math"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// dims are the horizontal measures, which depend on the width only, so
// View's time/x conversions need no data.
type dims struct {
	margin, gutter, rightAxis float64
}

func metricsFor(width float64) dims {
	return dims{margin: 16, gutter: math.Max(120, math.Min(200, width*0.13)), rightAxis: 60}
}

// Vertical measures.
const (
	titleH       = 24
	legendH      = 18
	headGap      = 14
	axisH        = 30
	findingLineH = 20
	bandGap      = 10
	labelRowH    = 16 // disconnect and reconnect labels
	tickRowH     = 16 // event ticks
	burstRowH    = 15 // burst brackets and their labels
	minChartH    = 24
	minBandH     = 30
)

// layout places every part of the drawing.
type layout struct {
	v        View
	xm       xmap
	w, h     float64
	dims     dims
	title    plot.Rect
	legend   plot.Rect
	plot     plot.Rect // the lane bands, over the time plot's x range
	axis     plot.Rect
	findings plot.Rect
	// shownFindings is how many finding lines fit; a last line counts the rest.
	shownFindings int
	bands         []band
	hiddenLanes   int
	firstLane     int // index among the stream lanes of the first band
	totalLanes    int
}

// band is one lane's row.
type band struct {
	lane        *inspector.LaneSnapshot
	label       string // the lane's distinct name
	color       color.NRGBA
	rect        plot.Rect // the whole band over the plot's x range
	labels      plot.Rect // disconnect and reconnect labels
	ticks       plot.Rect
	bursts      plot.Rect
	chart       plot.Rect // delay dots and bytes staircase; empty in compact bands
	ticksBottom bool      // the tick row is at the band's bottom, facing the reference lane below
}

// laneColor is a lane's color by its position in the snapshot.
func laneColor(i int) color.NRGBA { return lanePalette[i%len(lanePalette)] }

func layoutOf(d *Data, v View) *layout {
	L := &layout{v: v, xm: v.xmap(), w: v.Width, h: v.Height, dims: metricsFor(v.Width)}
	m := L.dims
	x0, x1 := v.plotX()
	y := m.margin
	L.title = plot.R(m.margin, y, v.Width-m.margin, y+titleH)
	y += titleH + 4
	L.legend = plot.R(m.margin, y, v.Width-m.margin, y+legendH)
	y += legendH + headGap

	bottom := v.Height - m.margin
	if n := len(d.Findings); n > 0 {
		maxLines := int(math.Max(1, math.Min(5, math.Floor((v.Height-300)/80))))
		lines := n
		if n > maxLines {
			lines = maxLines + 1 // the last line says how many more
			L.shownFindings = maxLines
		} else {
			L.shownFindings = n
		}
		fh := 12 + float64(lines)*findingLineH
		L.findings = plot.R(m.margin, bottom-fh, v.Width-m.margin, bottom)
		bottom -= fh + 6
	}
	L.axis = plot.R(x0, bottom-axisH, x1, bottom)
	L.plot = plot.R(x0, y, x1, bottom-axisH)

	lanes := streamLanes(d)
	n := len(lanes)
	if n == 0 {
		return L
	}
	// Show as many lanes as fit at the minimum height.
	fit := int((L.plot.Dy() + bandGap) / (minBandH + bandGap))
	if fit < 1 {
		fit = 1
	}
	L.totalLanes = n
	if n > fit {
		// Too many lanes for the height: show fit of them from the one
		// the view scrolled to.
		L.hiddenLanes = n - fit
		L.firstLane = max(0, min(v.FirstLane, n-fit))
		lanes = lanes[L.firstLane : L.firstLane+fit]
		n = fit
	}
	labels := LaneLabels(streamLanes(d))
	bandH := (L.plot.Dy() - bandGap*float64(n-1)) / float64(n)
	refPos := -1
	for i := 0; i < n; i++ {
		if lanes[i].Info.ID == d.RefLane {
			refPos = i
		}
	}
	for i := 0; i < n; i++ {
		top := L.plot.Min.Y + float64(i)*(bandH+bandGap)
		b := band{lane: lanes[i], label: labels[lanes[i].Info.ID], color: laneColor(L.firstLane + i), rect: plot.R(x0, top, x1, top+bandH)}
		// The tick row faces the reference lane, so that the lines joining
		// matched events stay short.
		b.ticksBottom = refPos >= 0 && (i < refPos || (i == refPos && refPos < n-1))
		b.split()
		L.bands = append(L.bands, b)
	}
	return L
}

// split divides a band into its rows.
func (b *band) split() {
	r := b.rect
	b.labels = plot.R(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+math.Min(labelRowH, r.Dy()/3))
	rest := plot.R(r.Min.X, b.labels.Max.Y, r.Max.X, r.Max.Y)
	compact := rest.Dy() < tickRowH+burstRowH+minChartH
	if compact {
		th := math.Min(tickRowH, rest.Dy())
		if b.ticksBottom {
			b.ticks = plot.R(r.Min.X, rest.Max.Y-th, r.Max.X, rest.Max.Y)
			b.bursts = plot.R(r.Min.X, rest.Min.Y, r.Max.X, b.ticks.Min.Y)
		} else {
			b.ticks = plot.R(r.Min.X, rest.Min.Y, r.Max.X, rest.Min.Y+th)
			b.bursts = plot.R(r.Min.X, b.ticks.Max.Y, r.Max.X, rest.Max.Y)
		}
		b.chart = plot.Rect{}
		return
	}
	if b.ticksBottom {
		b.ticks = plot.R(r.Min.X, r.Max.Y-tickRowH, r.Max.X, r.Max.Y)
		b.bursts = plot.R(r.Min.X, b.ticks.Min.Y-burstRowH, r.Max.X, b.ticks.Min.Y)
		b.chart = plot.R(r.Min.X, rest.Min.Y+4, r.Max.X, b.bursts.Min.Y-2)
		return
	}
	b.ticks = plot.R(r.Min.X, rest.Min.Y, r.Max.X, rest.Min.Y+tickRowH)
	b.bursts = plot.R(r.Min.X, b.ticks.Max.Y, r.Max.X, b.ticks.Max.Y+burstRowH)
	b.chart = plot.R(r.Min.X, b.bursts.Max.Y+2, r.Max.X, r.Max.Y-4)
}

// tickEdge is the y of the tick row's edge that faces other lanes' match
// lines, and the row's far edge.
func (b *band) tickEdge(toward float64) float64 {
	if toward < b.ticks.Min.Y {
		return b.ticks.Min.Y
	}
	return b.ticks.Max.Y
}

// bandAt returns the band containing y, or nil.
func (L *layout) bandAt(y float64) *band {
	for i := range L.bands {
		if r := L.bands[i].rect; y >= r.Min.Y && y < r.Max.Y {
			return &L.bands[i]
		}
	}
	return nil
}

// bandOf returns the band of a lane ID, or nil.
func (L *layout) bandOf(lane int) *band {
	for i := range L.bands {
		if L.bands[i].lane.Info.ID == lane {
			return &L.bands[i]
		}
	}
	return nil
}

// streamLanes are the lanes the timeline draws: every lane but the tap's
// plain (non-SSE) requests, which have no events to show and would crowd
// out the streams of a page with many assets.
func streamLanes(d *Data) []*inspector.LaneSnapshot {
	if d == nil || d.Snapshot == nil {
		return nil
	}
	out := make([]*inspector.LaneSnapshot, 0, len(d.Snapshot.Lanes))
	for _, l := range d.Snapshot.Lanes {
		if l.Info.Kind != inspector.LaneRequest {
			out = append(out, l)
		}
	}
	return out
}
