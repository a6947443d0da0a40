package timeline

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/plot"
)

// Palette: dark slate text on white, one saturated color per lane, and a
// few semantic colors that stay readable on white.
var (
	colBackground = plot.Hex("#ffffff")
	colBand       = plot.Hex("#f8fafc")
	colBandEdge   = plot.Hex("#e2e8f0")
	colGrid       = plot.Hex("#e8ecf1")
	colText       = plot.Hex("#0f172a")
	colText2      = plot.Hex("#475569")
	colMuted      = plot.Hex("#64748b")
	colAxis       = plot.Hex("#94a3b8")
	colBytes      = plot.Hex("#475569")

	colOpen        = plot.WithAlpha(plot.Hex("#16a34a"), 0.55)
	colWaiting     = plot.Hex("#d97706")
	colWaitingFill = plot.WithAlpha(plot.Hex("#f59e0b"), 0.10)
	colWaitingText = plot.Hex("#92400e")

	colGap      = plot.Hex("#fde2e2")
	colGapFill  = plot.WithAlpha(plot.Hex("#f87171"), 0.2)
	colGapEdge  = plot.Hex("#f5a3a3")
	colGapText  = plot.Hex("#b91c1c")
	colConnect  = plot.Hex("#7c3aed")
	colBurst    = plot.Hex("#c2410c")
	colMatch    = plot.WithAlpha(plot.Hex("#64748b"), 0.35)
	colFan      = plot.WithAlpha(plot.Hex("#64748b"), 0.22)
	colHigh     = plot.Hex("#fde68a")
	colSelected = plot.Hex("#0f172a")
	colHover    = plot.WithAlpha(plot.Hex("#0f172a"), 0.45)
	colTooltip  = plot.Hex("#1e293b")

	lanePalette = []color.NRGBA{
		plot.Hex("#2563eb"), // blue
		plot.Hex("#ea580c"), // orange
		plot.Hex("#059669"), // green
		plot.Hex("#9333ea"), // purple
		plot.Hex("#db2777"), // pink
		plot.Hex("#0891b2"), // cyan
		plot.Hex("#ca8a04"), // amber
		plot.Hex("#4f46e5"), // indigo
	}
)

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

// fmtBytes formats a byte count: "812 B", "4.0 KiB", "12 MiB".
func fmtBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 1<<20:
		return fmt.Sprintf("%.0f KiB", float64(n)/1024)
	case n < 10<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n < 1<<30:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
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
