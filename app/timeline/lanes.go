package timeline

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"sseinspector/app/plot"
	"sseinspector/inspector"
)

// Per-lane marks. Each function draws one kind of mark of one band, reads
// only the visible range, and aggregates per pixel column where the range
// holds more items than the band has columns.

// gap is a period between two connections of a lane.
type gap struct {
	from, to time.Duration
	ended    *inspector.Conn // the connection whose end opened the gap
}

// gaps returns a lane's disconnected periods: from the end of a connection
// that had delivered its headers to the moment the next one delivers them.
func gaps(l *inspector.LaneSnapshot) []gap {
	var out []gap
	var open *inspector.Conn // last connection that got through
	for k := range l.Conns {
		c := &l.Conns[k]
		up := c.HeadersAt
		if up == 0 {
			up = c.FirstByteAt
		}
		if up == 0 {
			continue // never got through: part of the gap
		}
		if open != nil && open.End > 0 && up > open.End {
			out = append(out, gap{from: open.End, to: up, ended: open})
		}
		open = c
	}
	return out
}

// drawGaps shades disconnected periods and labels them with their
// duration and cause.
func drawGaps(c plot.Canvas, L *layout, b *band) {
	v := L.v
	for _, g := range gaps(b.lane) {
		if g.to < v.From || g.from > v.To {
			continue
		}
		x0, x1 := L.xm.x(g.from), L.xm.x(g.to)
		r := plot.R(x0, b.rect.Min.Y, x1, b.rect.Max.Y)
		c.SetColor(colGapFill)
		c.FillRect(r)
		c.SetColor(colGapEdge)
		c.SetLineWidth(1)
		c.Line(x0, r.Min.Y, x0, r.Max.Y)
		c.Line(x1, r.Min.Y, x1, r.Max.Y)
		// Label inside the shading, where no event can be.
		area := b.chart
		if area.Empty() {
			area = b.bursts
		}
		// The widest layout of the label that fits the shading.
		dur, cause := fmtDur(g.to-g.from), causeLabel(g.ended)
		var lines []string
		var fonts []plot.Font
		w := 0.0
		for _, cand := range []struct {
			lines []string
			fonts []plot.Font
		}{
			{[]string{"disconnected " + dur, cause}, []plot.Font{fontBold, fontSmall}},
			{[]string{"disconnected", dur, cause}, []plot.Font{fontBold, fontBold, fontSmall}},
			{[]string{dur}, []plot.Font{fontBold}},
		} {
			cw := 0.0
			for i, s := range cand.lines {
				tw, _ := c.MeasureText(s, cand.fonts[i])
				cw = math.Max(cw, tw)
			}
			if cw+8 <= x1-x0 {
				lines, fonts, w = cand.lines, cand.fonts, cw
				break
			}
		}
		if lines == nil {
			continue
		}
		cx := math.Max(L.xm.x(v.From)+w/2+4, math.Min((x0+x1)/2, L.xm.x(v.To)-w/2-4))
		y := area.Min.Y + 4
		for i, s := range lines {
			if y+14 > area.Max.Y+2 {
				break
			}
			c.SetColor(colGapText)
			c.Text(cx, y, s, fonts[i], plot.Top)
			y += 15
		}
	}
}

// drawReconnects marks each reconnection attempt with a dashed line and
// the Last-Event-ID it sent.
func drawReconnects(c plot.Canvas, L *layout, b *band) {
	v := L.v
	lastRight := math.Inf(-1)
	for k := 1; k < len(b.lane.Conns); k++ {
		conn := &b.lane.Conns[k]
		if conn.Start < v.From || conn.Start > v.To {
			continue
		}
		x := L.xm.x(conn.Start)
		c.SetColor(colConnect)
		c.SetLineWidth(1.5)
		dashedV(c, x, b.labels.Min.Y+2, b.rect.Max.Y)
		c.SetLineWidth(1)
		label := "reconnect · no Last-Event-ID"
		if conn.LastEventID != "" {
			label = "reconnect · Last-Event-ID: " + conn.LastEventID
		}
		w, _ := c.MeasureText(label, fontLabel)
		lx := x + 4 // right of the line, or left of it near the band's end
		if lx+w > b.rect.Max.X-2 {
			lx = x - 4 - w
		}
		if lx < lastRight+6 || b.labels.Dy() < 12 {
			continue
		}
		c.SetColor(colBackground)
		c.FillRect(plot.R(lx-2, b.labels.Min.Y+1, lx+w+2, b.labels.Max.Y))
		c.SetColor(colConnect)
		c.Text(lx, b.labels.Min.Y+b.labels.Dy()/2+1, label, fontLabel, plot.Left)
		lastRight = lx + w + 2
	}
}

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
	brackets := float64(k1-k0) <= b.rect.Dx()/6 && b.bursts.Dy() >= 10
	lastCol := math.MinInt
	labelRight := math.Inf(-1)
	for k := k0; k < k1; k++ {
		bu := li.bursts[k]
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
func sortDelays(ds []inspector.Delay, t time.Duration) int {
	return sort64(len(ds), func(i int) bool { return ds[i].Arrival >= t })
}

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
	topLabel := fmtBytes(top)
	if topLabel == fmtBytes(base) || top-base < base/10 {
		topLabel = "+" + fmtBytes(top-base) // the view's share of a long stream
	}
	c.Text(x, ch.Min.Y, topLabel, fontSmall, plot.TopLeft)
	c.Text(x, ch.Max.Y, fmtBytes(base), fontSmall, plot.BottomLeft)
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
