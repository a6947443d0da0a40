package timeline

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
)

// timeSteps are the tick intervals the time axis may use, smallest first.
var timeSteps = func() []time.Duration {
	var out []time.Duration
	for p := time.Microsecond; p < time.Second; p *= 10 {
		out = append(out, p, 2*p, 5*p)
	}
	for _, s := range []int{1, 2, 5, 10, 15, 30} {
		out = append(out, time.Duration(s)*time.Second)
	}
	for _, m := range []int{1, 2, 5, 10, 15, 30} {
		out = append(out, time.Duration(m)*time.Minute)
	}
	for _, h := range []int{1, 2, 3, 6, 12, 24} {
		out = append(out, time.Duration(h)*time.Hour)
	}
	return out
}()

// minTickSpacing is the least distance between labelled time ticks.
const minTickSpacing = 90

// timeStep picks the smallest step whose ticks are at least minTickSpacing apart.
func timeStep(span time.Duration, width float64) time.Duration {
	if width <= 0 {
		return timeSteps[len(timeSteps)-1]
	}
	for _, s := range timeSteps {
		if float64(s)/float64(span)*width >= minTickSpacing {
			return s
		}
	}
	return timeSteps[len(timeSteps)-1]
}

// tickLabel formats tick time t on an axis of the given step that ends
// at end, in one unit for the whole axis: milliseconds below a second,
// seconds below two minutes, then minutes and seconds ("250 ms", "1.5 s", "2:30").
func tickLabel(t, step, end time.Duration) string {
	neg := ""
	if t < 0 {
		neg, t = "-", -t
	}
	switch {
	case step < time.Millisecond || end < time.Second && step < time.Second:
		return neg + decimals(float64(t)/1e6, step, time.Millisecond) + " ms"
	case end < 2*time.Minute || step < time.Second:
		return neg + decimals(t.Seconds(), step, time.Second) + " s"
	case step < time.Hour:
		return fmt.Sprintf("%s%d:%02d", neg, int(t.Minutes()), int(t.Seconds())%60)
	}
	return fmt.Sprintf("%s%d:%02d:00", neg, int(t.Hours()), int(t.Minutes())%60)
}

// decimals formats v (in unit) with as many decimals as step needs.
func decimals(v float64, step, unit time.Duration) string {
	n := 0
	for s := step; s < unit && n < 6; s *= 10 {
		n++
	}
	return strconv.FormatFloat(v, 'f', n, 64)
}

// drawGrid draws the vertical grid lines at the time ticks across a band.
func drawGrid(c plot.Canvas, L *layout, b *band) {
	v := L.v
	step := timeStep(v.span(), L.plot.Dx())
	c.SetColor(colGrid)
	c.SetLineWidth(1)
	for t := firstTick(v.From, step); t <= v.To; t += step {
		x := L.xm.x(t)
		c.Line(x, b.rect.Min.Y+1, x, b.rect.Max.Y-1)
	}
}

// drawAxis draws the time axis below the bands.
func drawAxis(c plot.Canvas, L *layout) {
	v := L.v
	a := L.axis
	step := timeStep(v.span(), a.Dx())
	c.SetColor(colAxis)
	c.SetLineWidth(1)
	c.Line(a.Min.X, a.Min.Y+0.5, a.Max.X, a.Min.Y+0.5)
	c.SetColor(colText2)
	last := -1e9
	for t := firstTick(v.From, step); t <= v.To; t += step {
		x := L.xm.x(t)
		c.SetColor(colAxis)
		c.Line(x, a.Min.Y, x, a.Min.Y+5)
		label := tickLabel(t, step, v.To)
		w, _ := c.MeasureText(label, fontLabel)
		if x-w/2 < last+8 || x+w/2 > L.w-2 {
			continue
		}
		c.SetColor(colText2)
		c.Text(x, a.Min.Y+8, label, fontLabel, plot.Top)
		last = x + w/2
	}
}

// firstTick is the first multiple of step at or after t.
func firstTick(t, step time.Duration) time.Duration {
	f := t / step * step
	if f < t {
		f += step
	}
	return f
}
