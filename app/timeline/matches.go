package timeline

import (
	"math"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/plot"
)

// drawMatches joins each event to the same event on the reference lane
// with a thin translucent line, so that events held back and released
// together show as lines fanning into one point. Lines are drawn once per
// pair of pixel columns. Where the lines into one point start less than
// fanGap pixels apart on the reference lane they would merge into a solid
// wedge anyway, so that run is drawn as one translucent triangle with its
// outer lines: the cost then follows the number of bursts, not of events.
func drawMatches(c plot.Canvas, d *Data, L *layout, idx *index) {
	if !d.hasMatches() {
		return
	}
	v := L.v
	c.Push()
	defer c.Pop()
	c.Clip(plot.R(L.plot.Min.X, L.plot.Min.Y, L.plot.Max.X, L.plot.Max.Y))
	c.SetLineWidth(1)
	for i := range L.bands {
		b := &L.bands[i]
		if b.lane.Info.ID == d.RefLane {
			continue
		}
		ms := d.laneMatches(idx, b.lane.Info.ID)
		if len(ms) == 0 {
			continue
		}
		rb := L.bandOf(ms[0].RefLane)
		if rb == nil {
			continue
		}
		li, ri := idx.lane(b.lane), idx.lane(rb.lane)
		f := &fan{c: c, yl: b.tickEdge(rb.rect.Min.Y), yr: rb.tickEdge(b.rect.Min.Y)}
		pair := func(k int) (xr, xl float64, ok bool) {
			il, ir := int(ms[k].Seq-b.lane.DroppedEvents), int(ms[k].RefSeq-rb.lane.DroppedEvents)
			if il < 0 || il >= len(li.arrivals) || ir < 0 || ir >= len(ri.arrivals) {
				return 0, 0, false
			}
			return L.xm.x(time.Duration(ri.arrivals[ir])), L.xm.x(time.Duration(li.arrivals[il])), true
		}
		lo, hi := visibleEvents(li, v)
		if float64(hi-lo) > 4*b.rect.Dx() {
			eachRefColumn(L, b, rb, ms, ri, func(k int) {
				if xr, xl, ok := pair(k); ok {
					f.add(xr, xl)
				}
			})
			f.flush()
			continue
		}
		// Lines run from earlier reference arrivals to later lane arrivals,
		// so start at the first lane event in view.
		first := b.lane.DroppedEvents + int64(lo)
		for k := sort64(len(ms), func(k int) bool { return ms[k].Seq >= first }); k < len(ms); k++ {
			if int(ms[k].Seq-b.lane.DroppedEvents) >= len(li.arrivals) {
				break
			}
			xr, xl, ok := pair(k)
			if !ok {
				continue
			}
			if xl > L.plot.Max.X && xr > L.plot.Max.X {
				break
			}
			f.add(xr, xl)
		}
		f.flush()
	}
}

// fanGap is the spacing on the reference lane below which lines into one
// point are drawn as a wedge.
const fanGap = 2.0

// fan collects consecutive match lines that end in the same pixel column
// of the lane.
type fan struct {
	c      plot.Canvas
	yl, yr float64
	open   bool
	col    int     // lane column of the run
	xl     float64 // lane end of the run
	r0, r1 float64 // first and last reference x of the run
	prevR  int     // reference column of the last line
	dense  bool    // some lines of the run were closer than fanGap
	lines  []float64
}

// add adds the line from reference x xr to lane x xl.
func (f *fan) add(xr, xl float64) {
	col, rcol := int(math.Floor(xl)), int(math.Floor(xr))
	if f.open && col == f.col && rcol == f.prevR {
		return // same pixels as the previous line
	}
	if f.open && col == f.col && xr-f.r1 <= fanGap+1 && xr >= f.r1 {
		f.dense = f.dense || xr-f.r1 < fanGap
		f.r1, f.prevR = xr, rcol
		if !f.dense {
			f.lines = append(f.lines, xr)
		}
		return
	}
	f.flush()
	f.open, f.col, f.xl, f.r0, f.r1, f.prevR, f.dense = true, col, xl, xr, xr, rcol, false
	f.lines = append(f.lines[:0], xr)
}

// flush draws the run collected so far.
func (f *fan) flush() {
	if !f.open {
		return
	}
	f.open = false
	f.c.SetColor(colMatch)
	if f.dense && f.r1-f.r0 >= fanGap {
		f.c.SetColor(colFan)
		f.c.FillPolygon([]plot.Point{{X: f.r0, Y: f.yr}, {X: f.r1, Y: f.yr}, {X: f.xl, Y: f.yl}})
		f.c.SetColor(colMatch)
		f.c.Line(f.r0, f.yr, f.xl, f.yl)
		f.c.Line(f.r1, f.yr, f.xl, f.yl)
		return
	}
	for _, xr := range f.lines {
		f.c.Line(xr, f.yr, f.xl, f.yl)
	}
}

// eachRefColumn calls fn with the first and the last match whose
// reference event arrived in each visible reference pixel column, in
// order. Matches are in seq order and reference arrivals follow seq order,
// so each column is found by binary search without visiting the rest.
func eachRefColumn(L *layout, b, rb *band, ms []diagnose.Match, ri *laneIndex, fn func(k int)) {
	refArrival := func(k int) int64 {
		ir := int(ms[k].RefSeq - rb.lane.DroppedEvents)
		switch {
		case ir < 0:
			return math.MinInt64
		case ir >= len(ri.arrivals):
			return math.MaxInt64
		}
		return ri.arrivals[ir]
	}
	x0 := b.rect.Min.X
	cols := int(math.Ceil(b.rect.Dx()))
	k := sort64(len(ms), func(k int) bool { return refArrival(k) >= int64(L.v.From) })
	for col := 0; col < cols && k < len(ms); col++ {
		limit := int64(L.xm.t(x0 + float64(col+1)))
		end := k + sort64(len(ms)-k, func(j int) bool { return refArrival(k+j) >= limit })
		if end > k {
			fn(k)
			if end-1 > k {
				fn(end - 1)
			}
		}
		k = end
	}
}
