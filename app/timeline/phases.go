package timeline

import (
	"fmt"
	"math"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// Connection phases: each connection of a lane is waiting (the request
// is sent and the response headers have not come: connecting, or a proxy
// holding the response), then open until it ends; between connections
// the lane waits to reconnect (drawn by drawGaps). A strip along the top
// of the band shows the phases, so a lane with no events still says that
// a request is outstanding, and for how long.

const phaseStripH = 3

// phase is one span of a connection's life.
type phase struct {
	from, to time.Duration
	waiting  bool // before the response headers; else open
}

// phases returns a lane's connection phases; an unfinished one ends at
// now, the session's present (or the lane's last time in a recording).
func phases(l *inspector.LaneSnapshot, now time.Duration) []phase {
	now = max(now, l.End())
	var out []phase
	for k := range l.Conns {
		c := &l.Conns[k]
		end := c.End
		if end == 0 {
			end = now
		}
		headers := c.HeadersAt
		if headers == 0 {
			headers = end
		}
		if headers > c.Start {
			out = append(out, phase{from: c.Start, to: headers, waiting: true})
		}
		if c.HeadersAt > 0 && end > c.HeadersAt {
			out = append(out, phase{from: c.HeadersAt, to: end})
		}
	}
	return out
}

// drawPhases draws a lane's phase strip, and labels a wait for headers
// long enough to matter where it has room.
func drawPhases(c plot.Canvas, d *Data, L *layout, b *band) {
	v := L.v
	top := b.rect.Min.Y + 1
	for _, p := range phases(b.lane, d.Now) {
		if p.to < v.From || p.from > v.To {
			continue
		}
		x0, x1 := math.Max(L.xm.x(p.from), b.rect.Min.X), math.Min(L.xm.x(p.to), b.rect.Max.X)
		if x1-x0 < 1 {
			x1 = x0 + 1
		}
		if !p.waiting {
			c.SetColor(colOpen)
			c.FillRect(plot.R(x0, top, x1, top+phaseStripH))
			continue
		}
		c.SetColor(colWaiting)
		c.FillRect(plot.R(x0, top, x1, top+phaseStripH))
		c.SetColor(colWaitingFill)
		c.FillRect(plot.R(x0, top+phaseStripH, x1, b.rect.Max.Y-1))
		if p.to-p.from < 200*time.Millisecond {
			continue
		}
		label := fmt.Sprintf("request sent, waiting for the response headers · %s", fmtDur(p.to-p.from))
		if w, _ := c.MeasureText(label, fontLabel); w+12 > x1-x0 {
			label = "waiting for headers · " + fmtDur(p.to-p.from)
			if w, _ := c.MeasureText(label, fontLabel); w+12 > x1-x0 {
				continue
			}
		}
		c.SetColor(colWaitingText)
		c.Text((x0+x1)/2, b.rect.Min.Y+b.rect.Dy()/2, label, fontLabel, plot.Center)
	}
}

// hasWaits reports whether any shown lane waited visibly for headers.
func hasWaits(d *Data, L *layout) bool {
	for i := range L.bands {
		for _, p := range phases(L.bands[i].lane, d.Now) {
			if p.waiting && L.xm.x(p.to)-L.xm.x(p.from) >= 2 {
				return true
			}
		}
	}
	return false
}
