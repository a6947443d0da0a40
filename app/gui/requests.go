package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// requestPanel lists the plain (non-SSE) requests the tap forwarded, so a
// page's context — its HTML, scripts and API calls — is visible beside its
// streams without crowding the lanes.
type requestPanel struct {
	list *widget.List
	rows []*inspector.LaneSnapshot
}

func newRequestPanel() *requestPanel {
	p := &requestPanel{}
	p.list = widget.NewList(func() int { return len(p.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle = fyne.TextStyle{Monospace: true}
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.rows) {
				o.(*widget.Label).SetText(requestLine(p.rows[id]))
			}
		})
	return p
}

func (p *requestPanel) object() fyne.CanvasObject { return p.list }

// set shows the request lanes of a snapshot; it returns how many there are.
func (p *requestPanel) set(snap *inspector.Snapshot) int {
	p.rows = p.rows[:0]
	for _, l := range snap.Lanes {
		if l.Info.Kind == inspector.LaneRequest {
			p.rows = append(p.rows, l)
		}
	}
	p.list.Refresh()
	return len(p.rows)
}

// requestLine is one request: when, method, status, time to headers,
// duration, size and URL.
func requestLine(l *inspector.LaneSnapshot) string {
	if len(l.Conns) == 0 {
		return l.Info.Method + " " + l.Info.URL
	}
	c := l.Conns[0]
	status := "…"
	if c.Status != 0 {
		status = fmt.Sprint(c.Status)
	} else if c.Cause != inspector.CauseNone {
		status = string(c.Cause)
	}
	headers, total := "", ""
	if c.HeadersAt > 0 {
		headers = formatDelay(c.HeadersAt - c.Start)
	}
	if c.End > 0 {
		total = formatDelay(c.End - c.Start)
	}
	return fmt.Sprintf("%8.3f s  %-6s %-5s %9s %9s %9s  %s", c.Start.Seconds(), c.Method, status, headers, total, inspector.FormatBytes(c.Bytes), c.URL)
}
