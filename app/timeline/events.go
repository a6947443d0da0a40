package timeline

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
)

// Event marks: ticks at arrival, bursts of events completed by one read,
// highlighted and selected events. Like every per-lane mark, each function
// draws one kind of mark of one band, reads only the visible range, and
// aggregates per pixel column where the range holds more items than the
// band has columns.

// visibleEvents is the index range of a lane's events inside the view.
func visibleEvents(li *laneIndex, v View) (lo, hi int) {
	return search(li.arrivals, int64(v.From)), search(li.arrivals, int64(v.To)+1)
}

// drawTicks draws a tick at every event arrival, one per pixel column at
// most; a column holding several events gets a darker tick.
func drawTicks(c plot.Canvas, L *layout, b *band, li *laneIndex) {
	v := L.v
	lo, hi := visibleEvents(li, v)
	if lo >= hi {
		return
	}
	top, bot := b.ticks.Min.Y+2, b.ticks.Max.Y-2
	c.SetLineWidth(1)
	// Opaque shades of the lane color on the band: darker for columns
	// holding more events, and cheaper to draw than translucent ones.
	var tickColors [4]color.NRGBA
	for n := range tickColors {
		tickColors[n] = plot.Over(plot.WithAlpha(b.color, 0.55+0.15*float64(n+1)), colBand)
	}
	x0 := b.rect.Min.X
	cols := int(math.Ceil(b.rect.Dx()))
	prevCol, prevN := math.MinInt, 0
	flush := func() {
		if prevN == 0 {
			return
		}
		c.SetColor(tickColors[min(prevN, len(tickColors))-1])
		x := float64(prevCol) + 0.5
		c.Line(x, top, x, bot)
	}
	if hi-lo <= 2*cols {
		for i := lo; i < hi; i++ {
			col := int(math.Floor(L.xm.x(time.Duration(li.arrivals[i]))))
			if col != prevCol {
				flush()
				prevCol, prevN = col, 0
			}
			prevN++
		}
		flush()
		return
	}
	// Dense: count events per column by binary search, never visiting them.
	k := lo
	for col := 0; col < cols; col++ {
		end := k + search(li.arrivals[k:hi], int64(L.xm.t(x0+float64(col+1))))
		if n := end - k; n > 0 {
			prevCol, prevN = int(x0)+col, n
			flush()
		}
		k = end
	}
}

// drawBursts marks each read that completed several events: a heavier
// tick, and when there is room a bracket from when the first of its events
// was sent (arrival minus delay) to when the read returned, labelled with
// the number of events.
func drawBursts(c plot.Canvas, d *Data, L *layout, b *band, li *laneIndex, idx *index) {
	v := L.v
	k0 := sort64(len(li.bursts), func(k int) bool { return li.bursts[k].at >= int64(v.From) })
	k1 := sort64(len(li.bursts), func(k int) bool { return li.bursts[k].at > int64(v.To) })
	if k0 >= k1 {
		return
	}
	di := idx.delaysOf(b.lane.Info.ID, d.Delays[b.lane.Info.ID])
	least := flaggedBurst(d, li, idx, b.lane.Info.ID, false)
	if denseBursts(li.bursts, k0, k1, least, b.rect.Dx()) {
		least = flaggedBurst(d, li, idx, b.lane.Info.ID, true)
	}
	brackets := float64(k1-k0) <= b.rect.Dx()/6 && b.bursts.Dy() >= 10
	lastCol := math.MinInt
	labelRight := math.Inf(-1)
	for k := k0; k < k1; k++ {
		bu := li.bursts[k]
		if bu.count() < least {
			continue
		}
		x := L.xm.x(time.Duration(bu.at))
		col := int(math.Floor(x))
		if col != lastCol {
			c.SetColor(colBurst)
			c.FillRect(plot.R(float64(col)-1, b.ticks.Min.Y+1, float64(col)+2, b.ticks.Max.Y-1))
			lastCol = col
		}
		if !brackets {
			continue
		}
		from := x - 6
		if di != nil {
			if lo, hi := di.search(time.Duration(bu.at)), di.search(time.Duration(bu.at)+1); lo < hi {
				_, mx := di.rangeMinMax(lo, hi)
				from = math.Min(from, L.xm.x(time.Duration(bu.at-mx)))
			}
		}
		y := b.bursts.Min.Y + b.bursts.Dy()/2 + 3
		if b.ticksBottom {
			y = b.bursts.Max.Y - 1
		}
		if !b.ticksBottom {
			// Feet point at the ticks above.
			drawBracketUp(c, from, x, b.bursts.Min.Y+1)
		} else {
			drawBracket(c, from, x, y, colBurst)
		}
		label := fmt.Sprintf("%d events in one read", bu.count())
		w, _ := c.MeasureText(label, fontSmall)
		// Centre the label on the bracket's visible part.
		vis0, vis1 := math.Max(from, b.rect.Min.X), math.Min(x, b.rect.Max.X)
		lx := (vis0 + vis1) / 2
		if vis1-vis0 < w+8 {
			lx = x + 4 + w/2 // beside the tick when the bracket is short
		}
		if lx-w/2 < labelRight+6 || lx+w/2 > b.rect.Max.X-2 {
			continue
		}
		ly := b.bursts.Min.Y + b.bursts.Dy()/2 + 2
		if b.ticksBottom {
			ly = b.bursts.Min.Y + b.bursts.Dy()/2 - 3
		}
		c.SetColor(colBurst)
		c.Text(lx, ly, label, fontSmall, plot.Center)
		labelRight = lx + w/2
	}
}

// Where reads that complete several events are frequent (a fast stream
// read in buffer-sized gulps), marking each would draw a solid bar; they
// are flagged only where they say something: beyond what the reference
// lane shows, or, when still too many to mark, beyond the lane's own
// usual size.
const (
	burstsUsual      = 0.3 // share of events in bursts above which bursts are a lane's pattern
	burstsDifferBy   = 0.25
	burstsStandOutBy = 4.0 // a burst this many times the usual size stands out
	burstMarkSpacing = 6   // pixels per mark below which marks are too dense
)

// flaggedBurst is the smallest burst (in events) worth marking on a lane;
// dense says the bursts that qualify otherwise are too many for the view.
func flaggedBurst(d *Data, li *laneIndex, idx *index, lane int, dense bool) int {
	share, mean := li.burstShare()
	least := 2
	if ref := d.Snapshot.Lane(d.RefLane); ref != nil && d.RefLane != lane {
		refShare, refMean := idx.lane(ref).burstShare()
		if share > refShare+burstsDifferBy || (share >= burstsUsual && mean > 2*refMean) {
			// This lane's gulps are what sets it apart from the
			// reference: mark those larger than the reference's.
			least = max(2, int(math.Ceil(2*refMean)))
			if !dense || refShare < burstsUsual {
				return least
			}
		}
	}
	if !dense {
		return least
	}
	// The lane's own pattern: only the rare, much larger gulps stand out.
	return max(least, 3, int(math.Ceil(burstsStandOutBy*mean)), li.rareBurst())
}

// denseBursts reports whether the bursts of at least least events among
// bursts[k0:k1] are too many to mark one by one in width pixels.
func denseBursts(bursts []burst, k0, k1, least int, width float64) bool {
	limit := int(width / burstMarkSpacing)
	if k1-k0 <= limit {
		return false
	}
	n := 0
	for _, bu := range bursts[k0:k1] {
		if bu.count() >= least {
			if n++; n > limit {
				return true
			}
		}
	}
	return false
}

// drawBracketUp draws a bracket whose feet point up to the tick row at y.
func drawBracketUp(c plot.Canvas, x0, x1, y float64) {
	c.SetColor(colBurst)
	c.SetLineWidth(1.5)
	c.Line(x0, y+4, x1, y+4)
	c.Line(x0, y, x0, y+4)
	c.Line(x1, y, x1, y+4)
	c.SetLineWidth(1)
}

func sort64(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// drawHighlights puts a band of color behind highlighted events.
func drawHighlights(c plot.Canvas, d *Data, L *layout, b *band, li *laneIndex) {
	c.SetColor(colHigh)
	for _, ref := range d.Highlight {
		if ref.Lane != b.lane.Info.ID {
			continue
		}
		i := int(ref.Seq - b.lane.DroppedEvents)
		if i < 0 || i >= len(li.arrivals) {
			continue
		}
		x := L.xm.x(time.Duration(li.arrivals[i]))
		c.FillRect(plot.R(x-2.5, b.rect.Min.Y+1, x+2.5, b.rect.Max.Y-1))
	}
}

// drawSelection rings the selected event's tick and dot.
func drawSelection(c plot.Canvas, d *Data, L *layout, b *band, li *laneIndex, idx *index) {
	sel := d.Selected
	if sel.Lane != b.lane.Info.ID {
		return
	}
	i := int(sel.Seq - b.lane.DroppedEvents)
	if i < 0 || i >= len(li.arrivals) {
		return
	}
	at := time.Duration(li.arrivals[i])
	x := L.xm.x(at)
	c.SetColor(colSelected)
	c.FillRect(plot.R(x-1, b.ticks.Min.Y, x+1, b.ticks.Max.Y))
	if b.chart.Empty() {
		return
	}
	di := idx.delaysOf(b.lane.Info.ID, d.Delays[b.lane.Info.ID])
	if dl, ok := delayOf(di, at, sel.Seq); ok {
		y := delayY(b, dl, delayScale(di, L.v))
		c.SetColor(colSelected)
		c.FillCircle(x, y, 5)
		c.SetColor(colBackground)
		c.FillCircle(x, y, 3.4)
		c.SetColor(b.color)
		c.FillCircle(x, y, 2.4)
	}
}
