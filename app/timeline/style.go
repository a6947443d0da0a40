package timeline

import (
	"fmt"
	"image/color"
	"math"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/plot"
)

// Palettes. The light one (dark slate text on white, one saturated color
// per lane, semantic colors that stay readable on white) is for exports
// and light desktops; the dark one follows a dark desktop theme. Draw
// sets the col* variables from the palette of its View, under drawMu.
type palette struct {
	background   color.NRGBA
	band         color.NRGBA
	bandEdge     color.NRGBA
	grid         color.NRGBA
	text         color.NRGBA
	text2        color.NRGBA
	muted        color.NRGBA
	axis         color.NRGBA
	bytes        color.NRGBA
	open         color.NRGBA
	waiting      color.NRGBA
	waitingFill  color.NRGBA
	waitingText  color.NRGBA
	gap          color.NRGBA
	gapFill      color.NRGBA
	gapEdge      color.NRGBA
	gapText      color.NRGBA
	connect      color.NRGBA
	burst        color.NRGBA
	match        color.NRGBA
	fan          color.NRGBA
	high         color.NRGBA
	selected     color.NRGBA
	hover        color.NRGBA
	tooltip      color.NRGBA
	tooltipText2 color.NRGBA
	lanes        []color.NRGBA
}

var lightPalette = palette{
	background:   plot.Hex("#ffffff"),
	band:         plot.Hex("#f8fafc"),
	bandEdge:     plot.Hex("#e2e8f0"),
	grid:         plot.Hex("#e8ecf1"),
	text:         plot.Hex("#0f172a"),
	text2:        plot.Hex("#475569"),
	muted:        plot.Hex("#64748b"),
	axis:         plot.Hex("#94a3b8"),
	bytes:        plot.Hex("#475569"),
	open:         plot.WithAlpha(plot.Hex("#16a34a"), 0.55),
	waiting:      plot.Hex("#d97706"),
	waitingFill:  plot.WithAlpha(plot.Hex("#f59e0b"), 0.10),
	waitingText:  plot.Hex("#92400e"),
	gap:          plot.Hex("#fde2e2"),
	gapFill:      plot.WithAlpha(plot.Hex("#f87171"), 0.2),
	gapEdge:      plot.Hex("#f5a3a3"),
	gapText:      plot.Hex("#b91c1c"),
	connect:      plot.Hex("#7c3aed"),
	burst:        plot.Hex("#c2410c"),
	match:        plot.WithAlpha(plot.Hex("#64748b"), 0.35),
	fan:          plot.WithAlpha(plot.Hex("#64748b"), 0.22),
	high:         plot.Hex("#fde68a"),
	selected:     plot.Hex("#0f172a"),
	hover:        plot.WithAlpha(plot.Hex("#0f172a"), 0.45),
	tooltip:      plot.Hex("#1e293b"),
	tooltipText2: plot.Hex("#cbd5e1"),
	lanes: []color.NRGBA{
		plot.Hex("#2563eb"), // blue
		plot.Hex("#ea580c"), // orange
		plot.Hex("#059669"), // green
		plot.Hex("#9333ea"), // purple
		plot.Hex("#db2777"), // pink
		plot.Hex("#0891b2"), // cyan
		plot.Hex("#ca8a04"), // amber
		plot.Hex("#4f46e5"), // indigo
	},
}

var darkPalette = palette{
	background:   plot.Hex("#1b1d22"),
	band:         plot.Hex("#22252c"),
	bandEdge:     plot.Hex("#363a44"),
	grid:         plot.Hex("#2c3039"),
	text:         plot.Hex("#e5e7eb"),
	text2:        plot.Hex("#b4bac5"),
	muted:        plot.Hex("#8d95a3"),
	axis:         plot.Hex("#6b7280"),
	bytes:        plot.Hex("#9aa3b2"),
	open:         plot.WithAlpha(plot.Hex("#22c55e"), 0.6),
	waiting:      plot.Hex("#f59e0b"),
	waitingFill:  plot.WithAlpha(plot.Hex("#f59e0b"), 0.12),
	waitingText:  plot.Hex("#fcd34d"),
	gap:          plot.Hex("#4a2228"),
	gapFill:      plot.WithAlpha(plot.Hex("#f87171"), 0.18),
	gapEdge:      plot.Hex("#8b3a44"),
	gapText:      plot.Hex("#fca5a5"),
	connect:      plot.Hex("#a78bfa"),
	burst:        plot.Hex("#fb923c"),
	match:        plot.WithAlpha(plot.Hex("#94a3b8"), 0.35),
	fan:          plot.WithAlpha(plot.Hex("#94a3b8"), 0.22),
	high:         plot.Hex("#5c4a14"),
	selected:     plot.Hex("#f8fafc"),
	hover:        plot.WithAlpha(plot.Hex("#f8fafc"), 0.45),
	tooltip:      plot.Hex("#e5e7eb"),
	tooltipText2: plot.Hex("#374151"),
	lanes: []color.NRGBA{
		plot.Hex("#60a5fa"), // blue
		plot.Hex("#fb923c"), // orange
		plot.Hex("#34d399"), // green
		plot.Hex("#c084fc"), // purple
		plot.Hex("#f472b6"), // pink
		plot.Hex("#22d3ee"), // cyan
		plot.Hex("#facc15"), // amber
		plot.Hex("#818cf8"), // indigo
	},
}

// The colors of the drawing under way (see palette.use).
var (
	colBackground   color.NRGBA
	colBand         color.NRGBA
	colBandEdge     color.NRGBA
	colGrid         color.NRGBA
	colText         color.NRGBA
	colText2        color.NRGBA
	colMuted        color.NRGBA
	colAxis         color.NRGBA
	colBytes        color.NRGBA
	colOpen         color.NRGBA
	colWaiting      color.NRGBA
	colWaitingFill  color.NRGBA
	colWaitingText  color.NRGBA
	colGap          color.NRGBA
	colGapFill      color.NRGBA
	colGapEdge      color.NRGBA
	colGapText      color.NRGBA
	colConnect      color.NRGBA
	colBurst        color.NRGBA
	colMatch        color.NRGBA
	colFan          color.NRGBA
	colHigh         color.NRGBA
	colSelected     color.NRGBA
	colHover        color.NRGBA
	colTooltip      color.NRGBA
	colTooltipText2 color.NRGBA
	lanePalette     []color.NRGBA
)

// drawMu serializes drawings, which share the col* variables.
var drawMu sync.Mutex

func init() { lightPalette.use() }

// use makes p the palette of the drawing under way; drawMu must be held
// (or, in init, no drawing can be under way).
func (p *palette) use() {
	colBackground = p.background
	colBand = p.band
	colBandEdge = p.bandEdge
	colGrid = p.grid
	colText = p.text
	colText2 = p.text2
	colMuted = p.muted
	colAxis = p.axis
	colBytes = p.bytes
	colOpen = p.open
	colWaiting = p.waiting
	colWaitingFill = p.waitingFill
	colWaitingText = p.waitingText
	colGap = p.gap
	colGapFill = p.gapFill
	colGapEdge = p.gapEdge
	colGapText = p.gapText
	colConnect = p.connect
	colBurst = p.burst
	colMatch = p.match
	colFan = p.fan
	colHigh = p.high
	colSelected = p.selected
	colHover = p.hover
	colTooltip = p.tooltip
	colTooltipText2 = p.tooltipText2
	lanePalette = p.lanes
}

// severityColor is the badge color of a finding.
func severityColor(s diagnose.Severity) color.NRGBA {
	switch s {
	case diagnose.SeverityError:
		return plot.Hex("#dc2626")
	case diagnose.SeverityWarning:
		return plot.Hex("#d97706")
	}
	return plot.Hex("#2563eb")
}

// Fonts.
var (
	fontTitle   = plot.Font{Size: 16, Bold: true}
	fontLane    = plot.Font{Size: 13, Bold: true}
	fontLabel   = plot.Font{Size: 12}
	fontBold    = plot.Font{Size: 12, Bold: true}
	fontSmall   = plot.Font{Size: 11}
	fontBadge   = plot.Font{Size: 10, Bold: true}
	fontFinding = plot.Font{Size: 13}
)

// fmtDur formats a duration for labels: "0.4 ms", "812 ms", "3.2 s", "75 s", "12 min".
func fmtDur(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%s%.2g ms", neg, float64(d)/1e6)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%s%.1f ms", neg, float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%s%.0f ms", neg, float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%s%.1f s", neg, d.Seconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%s%.0f s", neg, d.Seconds())
	case d < 100*time.Minute:
		return fmt.Sprintf("%s%.0f min", neg, d.Minutes())
	}
	return fmt.Sprintf("%s%.1f h", neg, d.Hours())
}

// fmtCount formats a count with thousands separators.
func fmtCount(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + fmtCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// truncate shortens s with an ellipsis until it is at most w wide.
func truncate(c plot.Canvas, s string, f plot.Font, w float64) string {
	if tw, _ := c.MeasureText(s, f); tw <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi { // longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if tw, _ := c.MeasureText(string(r[:mid])+"…", f); tw <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}
