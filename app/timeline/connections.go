package timeline

import (
	"fmt"
	"math"
	"time"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// Connection marks: disconnected periods between a lane's connections and
// the reconnects that end them.

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
	for k := range b.lane.Conns {
		conn := &b.lane.Conns[k]
		if conn.Index == 0 || conn.Start < v.From || conn.Start > v.To {
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

// causeLabel describes how a connection ended, for gap labels.
func causeLabel(conn *inspector.Conn) string {
	switch conn.Cause {
	case inspector.CauseEOF:
		return "server closed"
	case inspector.CauseReset:
		return "connection reset"
	case inspector.CauseTimeout:
		return "read timeout"
	case inspector.CauseIncompleteChunked:
		return "cut mid-stream"
	case inspector.CauseHTTPStatus:
		return fmt.Sprintf("HTTP %d", conn.Status)
	case inspector.CauseContentType:
		return "not text/event-stream"
	case inspector.CauseCancelled:
		return "stopped"
	case inspector.CauseConnect:
		return "connect failed"
	case inspector.CauseClientGone:
		return "client went away"
	case inspector.CauseUpstreamError:
		return "upstream error"
	}
	return string(conn.Cause)
}
