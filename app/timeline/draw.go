package timeline

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// Draw draws the timeline of d over the visible range of v. A zero
// v.Width or v.Height means the canvas size. Draw reads d's snapshot and
// analyses and never modifies them.
func Draw(c plot.Canvas, d *Data, v View) {
	if v.Width <= 0 || v.Height <= 0 {
		v.Width, v.Height = c.Size()
	}
	if d == nil {
		d = &Data{}
	}
	drawMu.Lock()
	defer func() {
		lightPalette.use() // the colors outside a drawing stay the light ones
		drawMu.Unlock()
	}()
	if v.Dark {
		darkPalette.use()
	}
	L := layoutOf(d, v)
	idx := d.index()

	c.Push()
	defer c.Pop()
	c.Clip(plot.R(0, 0, v.Width, v.Height))
	fillBackground(c, L)

	drawTitle(c, d, L)
	drawLegend(c, d, L, idx)
	// Back to front: band, bytes area, disconnected shading, grid,
	// highlights, bytes line; then matches across bands; then the marks.
	for i := range L.bands {
		b := &L.bands[i]
		li := idx.lane(b.lane)
		c.Push()
		c.Clip(b.rect)
		steps := bytesSteps(L, b, li)
		drawBandBack(c, b, steps)
		drawGaps(c, L, b)
		drawGrid(c, L, b)
		drawHighlights(c, d, L, b, li)
		c.Pop()
	}
	drawMatches(c, d, L, idx)
	for i := range L.bands {
		b := &L.bands[i]
		li := idx.lane(b.lane)
		c.Push()
		c.Clip(b.rect)
		drawDelays(c, d, L, b, idx)
		drawBytesLine(c, b, bytesSteps(L, b, li))
		drawReadSizes(c, L, b, li)
		drawDelayScale(c, d, L, b, idx)
		drawTicks(c, L, b, li)
		drawBursts(c, d, L, b, li, idx)
		drawReconnects(c, L, b)
		drawPhases(c, d, L, b)
		drawSelection(c, d, L, b, li, idx)
		c.Pop()
		drawGutter(c, d, L, b, li)
	}
	if len(L.bands) == 0 {
		c.SetColor(colMuted)
		c.Text((L.plot.Min.X+L.plot.Max.X)/2, (L.plot.Min.Y+L.plot.Max.Y)/2, "No lanes recorded yet", fontFinding, plot.Center)
	}
	drawAxis(c, L)
	drawFindings(c, d, L)
	drawHover(c, d, L, idx)
}

// drawTitle draws the title and, on the right, what the view shows.
func drawTitle(c plot.Canvas, d *Data, L *layout) {
	title := d.Title
	if title == "" {
		title = "SSE timeline"
	}
	var events int64
	shown := streamLanes(d)
	lanes := len(shown)
	for _, l := range shown {
		events += l.TotalEvents()
	}
	laneCount := plural(lanes, "lane")
	if L.hiddenLanes > 0 {
		laneCount += fmt.Sprintf(" (%d–%d shown; scroll over the names for the others)", L.firstLane+1, L.firstLane+len(L.bands))
	}
	if d.Snapshot != nil && len(d.Snapshot.Lanes) > lanes {
		laneCount += fmt.Sprintf(" · %s", plural(len(d.Snapshot.Lanes)-lanes, "other request"))
	}
	summary := fmt.Sprintf("%s · %s events · showing %s – %s", laneCount, fmtCount(events),
		fmtCoarse(L.v.From, L.v.span()), fmtCoarse(L.v.To, L.v.span()))
	sw, _ := c.MeasureText(summary, fontLabel)
	y := L.title.Min.Y + L.title.Dy()/2
	c.SetColor(colText2)
	c.Text(L.title.Max.X, y, summary, fontLabel, plot.Right)
	c.SetColor(colText)
	c.Text(L.title.Min.X, y, truncate(c, title, fontTitle, L.title.Dx()-sw-24), fontTitle, plot.Left)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// legendSet says which marks the drawn lanes show, so the legend lists
// only those.
type legendSet struct{ charts, gap, reconnect, burst bool }

func legendMarks(L *layout, idx *index) legendSet {
	var has legendSet
	for i := range L.bands {
		l := L.bands[i].lane
		has.charts = has.charts || !L.bands[i].chart.Empty()
		has.reconnect = has.reconnect || l.ConnCount() > 1
		has.gap = has.gap || len(gaps(l)) > 0
		has.burst = has.burst || len(idx.lane(l).bursts) > 0
	}
	return has
}

// drawLegend draws the key to the marks.
func drawLegend(c plot.Canvas, d *Data, L *layout, idx *index) {
	x := L.legend.Min.X
	y := L.legend.Min.Y + L.legend.Dy()/2
	item := func(label string, glyph func(x float64)) {
		if w, _ := c.MeasureText(label, fontLabel); x+18+w > L.legend.Max.X {
			x = math.Inf(1) // no room: this item and the rest are left out
			return
		}
		glyph(x)
		c.SetColor(colText2)
		c.Text(x+18, y, label, fontLabel, plot.Left)
		w, _ := c.MeasureText(label, fontLabel)
		x += 18 + w + 18
	}
	c.SetLineWidth(1)
	item("event arrival", func(x float64) {
		c.SetColor(colText2)
		c.Line(x+6, y-6, x+6, y+6)
		c.Line(x+10, y-6, x+10, y+6)
	})
	has := legendMarks(L, idx)
	charts := has.charts
	if charts && len(d.Delays) > 0 {
		item("delay", func(x float64) {
			c.SetColor(colText2)
			c.FillCircle(x+5, y+2, 2.4)
			c.FillCircle(x+11, y-3, 2.4)
		})
	}
	if charts {
		item("bytes received", func(x float64) {
			c.SetColor(plot.WithAlpha(colText2, 0.15))
			c.FillRect(plot.R(x, y+1, x+7, y+6))
			c.FillRect(plot.R(x+7, y-5, x+14, y+6))
			c.SetColor(colText2)
			c.Polyline([]plot.Point{{X: x, Y: y + 1}, {X: x + 7, Y: y + 1}, {X: x + 7, Y: y - 5}, {X: x + 14, Y: y - 5}})
		})
	}
	if hasWaits(d, L) {
		item("waiting for response headers", func(x float64) {
			c.SetColor(colWaiting)
			c.FillRect(plot.R(x, y-6, x+14, y-3))
			c.SetColor(colWaitingFill)
			c.FillRect(plot.R(x, y-3, x+14, y+6))
		})
	}
	if has.gap {
		item("disconnected", func(x float64) {
			c.SetColor(colGap)
			c.FillRect(plot.R(x, y-6, x+14, y+6))
			c.SetColor(colGapEdge)
			c.Line(x, y-6, x, y+6)
			c.Line(x+14, y-6, x+14, y+6)
		})
	}
	if has.reconnect {
		item("reconnect, with the Last-Event-ID sent", func(x float64) {
			c.SetColor(colConnect)
			c.SetLineWidth(1.5)
			dashedV(c, x+7, y-7, y+7)
			c.SetLineWidth(1)
		})
	}
	if has.burst {
		item("events completed by one read", func(x float64) {
			drawBracket(c, x+1, x+13, y+3, colBurst)
		})
	}
	if d.hasMatches() {
		item("same event on the reference lane", func(x float64) {
			c.SetColor(plot.WithAlpha(colMatch, 1))
			c.Line(x+1, y-6, x+13, y+6)
		})
	}
}

// drawBracket draws a burst bracket from x0 to x1 whose feet stand on y.
func drawBracket(c plot.Canvas, x0, x1, y float64, col color.Color) {
	c.SetColor(col)
	c.SetLineWidth(1.5)
	c.Line(x0, y-5, x1, y-5)
	c.Line(x0, y-5, x0, y)
	c.Line(x1, y-5, x1, y)
	c.SetLineWidth(1)
}

// dashedV draws a vertical dashed line.
func dashedV(c plot.Canvas, x, y0, y1 float64) {
	for y := y0; y < y1; y += 6 {
		c.Line(x, y, x, min(y+3.5, y1))
	}
}

// fillBackground paints the background everywhere but under the bands,
// which paint their own.
func fillBackground(c plot.Canvas, L *layout) {
	c.SetColor(colBackground)
	if len(L.bands) == 0 {
		c.FillRect(plot.R(0, 0, L.w, L.h))
		return
	}
	first, last := L.bands[0].rect, L.bands[len(L.bands)-1].rect
	c.FillRect(plot.R(0, 0, L.w, first.Min.Y))
	c.FillRect(plot.R(0, last.Max.Y, L.w, L.h))
	c.FillRect(plot.R(0, first.Min.Y, first.Min.X, last.Max.Y))
	c.FillRect(plot.R(first.Max.X, first.Min.Y, L.w, last.Max.Y))
	for i := 1; i < len(L.bands); i++ {
		c.FillRect(plot.R(first.Min.X, L.bands[i-1].rect.Max.Y, first.Max.X, L.bands[i].rect.Min.Y))
	}
}

// drawBandBack paints a band: its background, the tinted area under the
// bytes staircase, and its edges. Each pixel is painted once: the
// staircase only rises, so each step's rows are background left of the
// step and tint from it to the right edge.
func drawBandBack(c plot.Canvas, b *band, steps []step) {
	r := b.rect
	c.SetColor(colBand)
	if b.chart.Empty() {
		c.FillRect(r)
	} else {
		c.FillRect(plot.R(r.Min.X, r.Min.Y, r.Max.X, b.chart.Min.Y))
		c.FillRect(plot.R(r.Min.X, b.chart.Max.Y, r.Max.X, r.Max.Y))
		tint := plot.Over(plot.WithAlpha(colBytes, 0.07), colBand)
		below := b.chart.Max.Y
		for _, s := range steps {
			y := math.Round(s.y)
			if y >= below {
				continue
			}
			c.SetColor(colBand)
			c.FillRect(plot.R(r.Min.X, y, s.x0, below))
			c.SetColor(tint)
			c.FillRect(plot.R(s.x0, y, r.Max.X, below))
			below = y
		}
		c.SetColor(colBand)
		c.FillRect(plot.R(r.Min.X, b.chart.Min.Y, r.Max.X, below))
	}
	c.SetColor(colBandEdge)
	c.SetLineWidth(1)
	c.Line(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y)
	c.Line(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y-1)
	c.Line(r.Min.X, r.Min.Y, r.Min.X, r.Max.Y)
	c.Line(r.Max.X-1, r.Min.Y, r.Max.X-1, r.Max.Y)
}

// drawGutter draws a lane's name and figures left of its band, and the
// delay and bytes scales beside its chart.
func drawGutter(c plot.Canvas, d *Data, L *layout, b *band, li *laneIndex) {
	l := b.lane
	x := L.dims.margin
	maxW := L.plot.Min.X - x - 12
	y := b.rect.Min.Y + 2
	c.SetColor(b.color)
	c.FillRect(plot.R(x, y+2, x+10, y+12))
	c.SetColor(colText)
	c.Text(x+16, y, truncate(c, b.label, fontLane, maxW-16), fontLane, plot.TopLeft)
	if b.rect.Dy() < 48 {
		return
	}
	lines := []string{
		fmt.Sprintf("%s events · %s", fmtCount(l.TotalEvents()), plural(l.ConnCount(), "conn")),
		inspector.FormatBytes(l.Bytes()) + " received",
	}
	if l.Info.ID == d.RefLane {
		lines = append(lines, "reference lane")
	} else if u := strings.TrimPrefix(strings.TrimPrefix(l.Info.URL, "https://"), "http://"); u != "" {
		lines = append(lines, u)
	}
	yy := y + 19
	for i, s := range lines {
		if yy+14 > b.rect.Max.Y {
			break
		}
		f := fontLabel
		c.SetColor(colText2)
		if i == 2 {
			f = fontSmall
			c.SetColor(colMuted)
		}
		c.Text(x, yy, truncate(c, s, f, maxW), f, plot.TopLeft)
		yy += 15
	}
	drawBytesScale(c, L, b, li)
}

// drawFindings lists the findings' titles below the time axis.
func drawFindings(c plot.Canvas, d *Data, L *layout) {
	if L.findings.Empty() {
		return
	}
	r := L.findings
	c.SetColor(colBandEdge)
	c.SetLineWidth(1)
	c.Line(r.Min.X, r.Min.Y+0.5, r.Max.X, r.Min.Y+0.5)
	y := r.Min.Y + 10
	for _, f := range d.Findings[:L.shownFindings] {
		cy := y + findingLineH/2
		label := strings.ToUpper(f.Severity.String())
		c.SetColor(severityColor(f.Severity))
		c.FillRect(plot.R(r.Min.X, cy-8, r.Min.X+62, cy+8))
		c.SetColor(colBackground)
		c.Text(r.Min.X+31, cy, label, fontBadge, plot.Center)
		conf := ""
		if f.Confidence > 0 {
			conf = fmt.Sprintf("%.0f%% confidence", f.Confidence*100)
		}
		cw, _ := c.MeasureText(conf, fontLabel)
		c.SetColor(colText)
		c.Text(r.Min.X+72, cy, truncate(c, f.Title, fontFinding, r.Dx()-82-cw-16), fontFinding, plot.Left)
		c.SetColor(colMuted)
		c.Text(r.Max.X, cy, conf, fontLabel, plot.Right)
		y += findingLineH
	}
	if more := len(d.Findings) - L.shownFindings; more > 0 {
		c.SetColor(colMuted)
		c.Text(r.Min.X+72, y+findingLineH/2, fmt.Sprintf("+ %s", plural(more, "more finding")), fontLabel, plot.Left)
	}
}
