package timeline

import (
	"github.com/sseinspector/sseinspector/app/plot"
)

// Waterfall drawing: one row per stage of an event's way along a chain,
// on one time axis from the first stage to the last; each row's bar runs
// from the stage before to this one, so the longest bar is the hop that
// held the event.
const (
	waterfallRow    = 22.0
	waterfallLabelW = 150.0
	waterfallTimeW  = 80.0
	waterfallPad    = 6.0
)

// WaterfallHeight is the height a waterfall of n stages needs.
func WaterfallHeight(n int) float64 { return 2*waterfallPad + float64(n)*waterfallRow }

// DrawWaterfall draws steps (see Waterfall) across the canvas.
func DrawWaterfall(c plot.Canvas, steps []WaterfallStep) {
	w, h := c.Size()
	c.SetColor(colBackground)
	c.FillRect(plot.R(0, 0, w, h))
	first, last, ok := waterfallSpan(steps)
	if !ok {
		return
	}
	x0, x1 := waterfallLabelW, w-waterfallTimeW
	if x1 <= x0 {
		return
	}
	scale := func(t float64) float64 {
		if last <= first {
			return x0
		}
		return x0 + (t-first)/(last-first)*(x1-x0)
	}
	prev := -1.0
	for i, s := range steps {
		y := waterfallPad + float64(i)*waterfallRow
		mid := y + waterfallRow/2
		c.SetColor(colText)
		c.Text(waterfallPad, mid, s.Label, fontSmall, plot.Left)
		if s.Missing {
			c.SetColor(colGapText)
			c.Text(x0, mid, "never arrived", fontSmall, plot.Left)
			continue
		}
		at := float64(s.At)
		color := laneColor(i)
		c.SetColor(color)
		if prev < 0 || s.Sent {
			c.FillCircle(scale(at), mid, 4)
		} else {
			left, right := scale(min(prev, at)), scale(max(prev, at))
			c.FillRect(plot.R(left, y+5, max(right, left+2), y+waterfallRow-5))
		}
		c.SetColor(colText2)
		label := fmtAdded(s.At)
		switch {
		case s.Added < 0:
			label = "-" + fmtAdded(-s.Added)
		case s.Added > 0 || i > 0:
			label = "+" + fmtAdded(s.Added)
		}
		c.Text(w-waterfallPad, mid, label, fontSmall, plot.Right)
		prev = at
	}
}

// waterfallSpan is the first and last time among the stages that happened.
func waterfallSpan(steps []WaterfallStep) (first, last float64, ok bool) {
	for _, s := range steps {
		if s.Missing {
			continue
		}
		t := float64(s.At)
		if !ok {
			first, last, ok = t, t, true
		}
		first, last = min(first, t), max(last, t)
	}
	return first, last, ok
}
