package timeline

import (
	"math"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// The bytes-over-time staircase.

// step is one run of pixel columns of the bytes staircase at one height.
type step struct{ x0, x1, y float64 }

// bytesSteps computes the bytes-over-time staircase of a band: decoded
// bytes received, scaled from the first to the last visible byte count,
// as runs of pixel columns of equal height.
func bytesSteps(L *layout, b *band, li *laneIndex) []step {
	if b.chart.Empty() || len(li.readAt) == 0 {
		return nil
	}
	v := L.v
	base, top := li.bytesAt(int64(v.From)), li.bytesAt(int64(v.To))
	if top <= base {
		return nil
	}
	ch := b.chart
	yOf := func(n int64) float64 { return ch.Max.Y - float64(n-base)/float64(top-base)*ch.Dy() }
	cols := int(math.Ceil(b.rect.Dx()))
	x0 := b.rect.Min.X
	k := search(li.readAt, int64(v.From)+1)
	var out []step
	cur := step{x0: x0, y: yOf(base)}
	for col := 0; col < cols; col++ {
		x := x0 + float64(col)
		k += search(li.readAt[k:], int64(L.xm.t(x+1))+1)
		n := base
		if k > 0 {
			n = li.readCum[k-1]
		}
		if y := yOf(n); y != cur.y {
			cur.x1 = x
			out = append(out, cur)
			cur = step{x0: x, y: y}
		}
	}
	cur.x1 = b.rect.Max.X
	return append(out, cur)
}

// drawBytesLine strokes the staircase's outline.
func drawBytesLine(c plot.Canvas, b *band, steps []step) {
	if len(steps) == 0 {
		return
	}
	pts := make([]plot.Point, 0, 2*len(steps))
	for _, s := range steps {
		pts = append(pts, plot.Point{X: s.x0, Y: s.y}, plot.Point{X: s.x1, Y: s.y})
	}
	c.SetColor(plot.WithAlpha(colBytes, 0.7))
	c.SetLineWidth(1.25)
	c.Polyline(pts)
	c.SetLineWidth(1)
}

// maxSizeLabels is the most reads in view for which each step of the
// staircase is labelled with the read's size.
const maxSizeLabels = 40

// drawReadSizes labels the staircase's steps with the bytes each read
// carried when few reads are in view: buffering shows as equal steps of a
// buffer's size ("+4,096 B").
func drawReadSizes(c plot.Canvas, L *layout, b *band, li *laneIndex) {
	if b.chart.Empty() {
		return
	}
	v := L.v
	lo, hi := search(li.readAt, int64(v.From)), search(li.readAt, int64(v.To)+1)
	if hi-lo > maxSizeLabels || hi <= lo {
		return
	}
	base, top := li.bytesAt(int64(v.From)), li.bytesAt(int64(v.To))
	if top <= base {
		return
	}
	ch := b.chart
	yOf := func(n int64) float64 { return ch.Max.Y - float64(n-base)/float64(top-base)*ch.Dy() }
	right := math.Inf(-1)
	c.SetColor(colBytes)
	for r := lo; r < hi; r++ {
		prev := int64(0)
		if r > 0 {
			prev = li.readCum[r-1]
		}
		size := li.readCum[r] - prev
		y0, y1 := yOf(prev), yOf(li.readCum[r])
		if size <= 0 || y0-y1 < 12 {
			continue
		}
		label := "+" + fmtCount(size) + " B"
		w, _ := c.MeasureText(label, fontSmall)
		x := L.xm.x(time.Duration(li.readAt[r])) + 4
		if x+w > ch.Max.X-2 {
			x -= w + 8 // left of the riser at the right edge
		}
		if x < right+6 || x < ch.Min.X+2 {
			continue
		}
		c.Text(x, y1+3, label, fontSmall, plot.TopLeft)
		right = x + w
	}
}

// drawBytesScale labels the bytes staircase's range right of the chart.
func drawBytesScale(c plot.Canvas, L *layout, b *band, li *laneIndex) {
	if b.chart.Empty() || len(li.readAt) == 0 {
		return
	}
	base, top := li.bytesAt(int64(L.v.From)), li.bytesAt(int64(L.v.To))
	if top <= base {
		return
	}
	ch := b.chart
	c.SetColor(colMuted)
	x := ch.Max.X + 6
	topLabel := inspector.FormatBytes(top)
	if topLabel == inspector.FormatBytes(base) || top-base < base/10 {
		topLabel = "+" + inspector.FormatBytes(top-base) // the view's share of a long stream
	}
	c.Text(x, ch.Min.Y, topLabel, fontSmall, plot.TopLeft)
	c.Text(x, ch.Max.Y, inspector.FormatBytes(base), fontSmall, plot.BottomLeft)
}
