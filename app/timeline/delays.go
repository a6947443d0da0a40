package timeline

import (
	"math"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/plot"
)

// The per-event delay chart.

// delayScale is the delay at the top of a band's chart: the largest
// visible delay rounded up, at least a millisecond.
func delayScale(di *delayIndex, v View) time.Duration {
	if di == nil {
		return 0
	}
	lo, hi := di.search(v.From), di.search(v.To+1)
	if lo >= hi {
		return time.Millisecond
	}
	_, mx := di.rangeMinMax(lo, hi)
	ms := niceCeil(math.Max(1, float64(mx)/1e6))
	return time.Duration(ms * 1e6)
}

// delayY is the y of a delay on a band's chart.
func delayY(b *band, d, scale time.Duration) float64 {
	f := math.Max(0, math.Min(1, float64(d)/float64(scale)))
	return b.chart.Max.Y - f*b.chart.Dy()
}

// drawDelays draws each event's delay as a dot, or per pixel column a bar
// from the smallest to the largest delay when the range is dense.
func drawDelays(c plot.Canvas, d *Data, L *layout, b *band, idx *index) {
	if b.chart.Empty() {
		return
	}
	di := idx.delaysOf(b.lane.Info.ID, d.Delays[b.lane.Info.ID])
	if di == nil {
		return
	}
	v := L.v
	scale := delayScale(di, v)
	lo, hi := di.search(v.From), di.search(v.To+1)
	c.SetColor(b.color)
	cols := int(math.Ceil(b.rect.Dx()))
	if hi-lo <= 3*cols {
		lastX, lastY := math.NaN(), math.NaN()
		for _, e := range di.delays[lo:hi] {
			x, y := math.Round(L.xm.x(e.Arrival)*2)/2, math.Round(delayY(b, e.Delay, scale)*2)/2
			if x == lastX && y == lastY {
				continue
			}
			c.FillCircle(x, y, 2.4)
			lastX, lastY = x, y
		}
		return
	}
	x0 := b.rect.Min.X
	k := lo
	for col := 0; col < cols; col++ {
		t := L.xm.t(x0 + float64(col+1))
		end := k + sortDelays(di.delays[k:hi], t)
		if end > k {
			mn, mx := di.rangeMinMax(k, end)
			y0, y1 := delayY(b, time.Duration(mx), scale), delayY(b, time.Duration(mn), scale)
			c.FillRect(plot.R(x0+float64(col), y0-1.5, x0+float64(col)+1, y1+1.5))
		}
		k = end
	}
}

// sortDelays is the first delay in ds arriving at or after t.
func sortDelays(ds []diagnose.Delay, t time.Duration) int {
	return sort64(len(ds), func(i int) bool { return ds[i].Arrival >= t })
}

// drawDelayScale marks the top of the delay chart with a faint line and
// labels its value inside the chart, so the gutter stays free for the
// lane's figures.
func drawDelayScale(c plot.Canvas, d *Data, L *layout, b *band, idx *index) {
	di := idx.delaysOf(b.lane.Info.ID, d.Delays[b.lane.Info.ID])
	if b.chart.Empty() || di == nil {
		return
	}
	ch := b.chart
	c.SetColor(plot.WithAlpha(b.color, 0.35))
	c.SetLineWidth(1)
	for x := ch.Min.X; x < ch.Max.X; x += 8 {
		c.Line(x, ch.Min.Y, math.Min(x+4, ch.Max.X), ch.Min.Y)
	}
	label := "delay " + fmtDur(delayScale(di, L.v))
	w, h := c.MeasureText(label, fontSmall)
	c.SetColor(plot.WithAlpha(colBand, 0.85))
	c.FillRect(plot.R(ch.Min.X+2, ch.Min.Y+2, ch.Min.X+8+w, ch.Min.Y+4+h))
	c.SetColor(b.color)
	c.Text(ch.Min.X+5, ch.Min.Y+3, label, fontSmall, plot.TopLeft)
}

// delayOf finds the delay of the event seq arriving at at.
func delayOf(di *delayIndex, at time.Duration, seq int64) (time.Duration, bool) {
	if di == nil {
		return 0, false
	}
	for k := di.search(at); k < len(di.delays) && di.delays[k].Arrival == at; k++ {
		if di.delays[k].Seq == seq {
			return di.delays[k].Delay, true
		}
	}
	return 0, false
}
