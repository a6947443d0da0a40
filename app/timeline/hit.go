package timeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// hitRadius is how far from an event's tick or dot a point still hits it.
const hitRadius = 5

// EventAt returns the event under (x, y): the lane's ID and the event's
// index in that lane's snapshot. Over a band's chart the nearest delay dot
// wins; elsewhere in the band the nearest tick, the earliest on a tie.
func EventAt(d *Data, v View, x, y float64) (lane, index int, ok bool) {
	if d == nil || d.Snapshot == nil || v.Width <= 0 || v.Height <= 0 {
		return 0, 0, false
	}
	L := layoutOf(d, v)
	b := L.bandAt(y)
	if b == nil || x < L.plot.Min.X-hitRadius || x > L.plot.Max.X+hitRadius {
		return 0, 0, false
	}
	idx := d.index()
	li := idx.lane(b.lane)
	id := b.lane.Info.ID
	if b.chart.Contains(plot.Point{X: x, Y: y}) {
		if di := idx.delaysOf(id, d.Delays[id]); di != nil {
			scale := delayScale(di, v)
			lo, hi := di.search(L.xm.t(x-hitRadius)), di.search(L.xm.t(x+hitRadius)+1)
			best, bestD := -1, math.Inf(1)
			for k := lo; k < hi && k < lo+4096; k++ {
				e := di.delays[k]
				dx, dy := L.xm.x(e.Arrival)-x, delayY(b, e.Delay, scale)-y
				if dist := dx*dx + dy*dy; dist < bestD {
					best, bestD = k, dist
				}
			}
			if best >= 0 && bestD <= 4*hitRadius*hitRadius {
				i := int(di.delays[best].Seq - b.lane.DroppedEvents)
				if i >= 0 && i < len(li.arrivals) {
					return id, i, true
				}
			}
		}
	}
	lo := search(li.arrivals, int64(L.xm.t(x-hitRadius)))
	hi := search(li.arrivals, int64(L.xm.t(x+hitRadius))+1)
	best, bestD := -1, math.Inf(1)
	for i := lo; i < hi; i++ {
		if dx := math.Abs(L.xm.x(time.Duration(li.arrivals[i])) - x); dx < bestD {
			best, bestD = i, dx
		}
		if i-lo > 4096 {
			break
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return id, best, true
}

// drawHover draws the pointer's time line and, over an event, a readout.
func drawHover(c plot.Canvas, d *Data, L *layout, idx *index) {
	v := L.v
	p := v.Hover
	if !v.Hovering || p.X < L.plot.Min.X || p.X > L.plot.Max.X || p.Y < L.plot.Min.Y || p.Y > L.axis.Max.Y {
		return
	}
	c.SetColor(colHover)
	c.SetLineWidth(1)
	c.Line(math.Floor(p.X)+0.5, L.plot.Min.Y, math.Floor(p.X)+0.5, L.plot.Max.Y)
	// The time under the pointer, on the axis.
	label := fmtTime(L.xm.t(p.X), v.span())
	w, _ := c.MeasureText(label, fontLabel)
	bx := math.Max(L.axis.Min.X, math.Min(p.X-w/2-5, L.axis.Max.X-w-10))
	c.SetColor(colTooltip)
	c.FillRect(plot.R(bx, L.axis.Min.Y+3, bx+w+10, L.axis.Min.Y+22))
	c.SetColor(colBackground)
	c.Text(bx+5, L.axis.Min.Y+12.5, label, fontLabel, plot.Left)

	lane, i, ok := EventAt(d, v, p.X, p.Y)
	if !ok {
		return
	}
	drawReadout(c, d, L, idx, lane, i)
}

// fmtCoarse formats a point in time to about a tenth of span, in
// milliseconds for views within the first second and seconds otherwise.
func fmtCoarse(t, span time.Duration) string {
	if span >= 10*time.Minute {
		return fmt.Sprintf("%d:%02d", int(t.Minutes()), int(t.Seconds())%60)
	}
	unit, name := time.Second, "s"
	if t+span < time.Second {
		unit, name = time.Millisecond, "ms"
	}
	digits := int(math.Ceil(-math.Log10(float64(span) / float64(unit) / 10)))
	digits = max(0, min(digits, 6))
	return strconv.FormatFloat(float64(t)/float64(unit), 'f', digits, 64) + " " + name
}

// fmtTime formats a point in time with a precision suited to the span shown.
func fmtTime(t, span time.Duration) string {
	switch {
	case span < 100*time.Millisecond:
		return fmt.Sprintf("%.3f ms", float64(t)/1e6)
	case span < 10*time.Second:
		return fmt.Sprintf("%.3f s", t.Seconds())
	case span < 10*time.Minute:
		return fmt.Sprintf("%.2f s", t.Seconds())
	}
	return fmt.Sprintf("%d:%05.2f", int(t.Minutes()), t.Seconds()-60*math.Floor(t.Minutes()))
}

// Readout returns the lines describing an event, as the hover readout
// shows them.
func Readout(d *Data, lane, index int) []string {
	if d == nil || d.Snapshot == nil {
		return nil
	}
	l := d.Snapshot.Lane(lane)
	if l == nil || index < 0 || index >= l.Len() {
		return nil
	}
	ev := l.Event(index)
	// The lane as the gutter names it, the event as the table and the
	// detail number it (from 1).
	name := LaneLabels(streamLanes(d))[l.Info.ID]
	lines := []string{fmt.Sprintf("%s · event #%d", name, ev.Seq+1)}
	head := fmt.Sprintf("arrived %s", fmtTime(ev.Arrival, time.Minute))
	if ev.ID != "" {
		head += " · id " + clip(ev.ID, 24)
	}
	head += " · " + inspector.FormatBytes(ev.Size)
	lines = append(lines, head)
	if ev.Type != "" || ev.Data != "" {
		typ := ev.Type
		if typ == "" {
			typ = "message"
		}
		lines = append(lines, typ+": "+clip(strings.ReplaceAll(ev.Data, "\n", " / "), 56))
	}
	idx := d.index()
	if di := idx.delaysOf(lane, d.Delays[lane]); di != nil {
		if dl, ok := delayOf(di, ev.Arrival, ev.Seq); ok {
			src := ""
			for k := di.search(ev.Arrival); k < len(di.delays) && di.delays[k].Arrival == ev.Arrival; k++ {
				if di.delays[k].Seq == ev.Seq {
					src = string(di.delays[k].Source)
				}
			}
			lines = append(lines, fmt.Sprintf("delay %s (%s)", fmtDur(dl), src))
		}
	}
	if bu, ok := idx.lane(l).burstOf(index); ok {
		lines = append(lines, fmt.Sprintf("read #%d completed %d events", ev.LastRead+1, bu.count()))
	} else {
		lines = append(lines, fmt.Sprintf("completed by read #%d", ev.LastRead+1))
	}
	return lines
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// drawReadout draws an event's readout box beside the pointer, kept inside
// the drawing.
func drawReadout(c plot.Canvas, d *Data, L *layout, idx *index, lane, i int) {
	lines := Readout(d, lane, i)
	if len(lines) == 0 {
		return
	}
	b := L.bandOf(lane)
	p := L.v.Hover
	// Mark the event.
	x := L.xm.x(time.Duration(idx.lane(b.lane).arrivals[i]))
	c.SetColor(colSelected)
	c.FillRect(plot.R(x-1, b.ticks.Min.Y, x+1, b.ticks.Max.Y))

	w := 0.0
	for k, s := range lines {
		f := fontLabel
		if k == 0 {
			f = fontBold
		}
		tw, _ := c.MeasureText(s, f)
		w = math.Max(w, tw)
	}
	const pad, lineH = 8, 16
	bw, bh := w+2*pad, float64(len(lines))*lineH+2*pad-2
	bx, by := p.X+14, p.Y+14
	if bx+bw > L.w-4 {
		bx = p.X - 14 - bw
	}
	if by+bh > L.h-4 {
		by = p.Y - 14 - bh
	}
	bx, by = math.Max(4, bx), math.Max(4, by)
	c.SetColor(plot.WithAlpha(colText, 0.12))
	c.FillRect(plot.R(bx+2, by+2, bx+bw+2, by+bh+2))
	c.SetColor(colTooltip)
	c.FillRect(plot.R(bx, by, bx+bw, by+bh))
	c.SetColor(b.color)
	c.FillRect(plot.R(bx, by, bx+3, by+bh))
	for k, s := range lines {
		f := fontLabel
		c.SetColor(colTooltipText2)
		if k == 0 {
			f = fontBold
			c.SetColor(colBackground)
		}
		c.Text(bx+pad+1, by+pad+float64(k)*lineH, s, f, plot.TopLeft)
	}
}
