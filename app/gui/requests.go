package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// requestPanel lists the plain (non-SSE) requests the tap forwarded, so a
// page's context — its HTML, scripts and API calls — is visible beside its
// streams without crowding the lanes. The URL column is cut to fit; the
// full URL of the row under the pointer (or selected) shows below.
type requestPanel struct {
	table *widget.Table
	full  *widget.Label
	rows  []*inspector.LaneSnapshot
}

var requestColumns = []struct {
	title string
	width float32
}{
	{"start", 80}, {"method", 70}, {"status", 70}, {"headers", 80}, {"duration", 80}, {"size", 76}, {"URL", 560},
}

func newRequestPanel() *requestPanel {
	p := &requestPanel{full: widget.NewLabel("")}
	p.full.Truncation = fyne.TextTruncateEllipsis
	p.full.Selectable = true
	p.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(p.rows), len(requestColumns) },
		func() fyne.CanvasObject { return newHoverLabel() },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			h := o.(*hoverLabel)
			if id.Row >= len(p.rows) {
				h.SetText("")
				h.onHover = nil
				return
			}
			l := p.rows[id.Row]
			h.SetText(requestCell(l, id.Col))
			url := requestCell(l, len(requestColumns)-1)
			h.onHover = func() { p.full.SetText(url) }
		})
	p.table.ShowHeaderColumn = false
	p.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(requestColumns) {
			o.(*widget.Label).SetText(requestColumns[id.Col].title)
		}
	}
	for i, c := range requestColumns {
		p.table.SetColumnWidth(i, c.width)
	}
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.full.SetText(requestCell(p.rows[id.Row], len(requestColumns)-1))
		}
	}
	return p
}

func (p *requestPanel) object() fyne.CanvasObject {
	return container.NewBorder(nil, p.full, nil, nil, p.table)
}

// set shows the request lanes of a snapshot; it returns how many there are.
func (p *requestPanel) set(snap *inspector.Snapshot) int {
	n := len(p.rows)
	p.rows = p.rows[:0]
	for _, l := range snap.Lanes {
		if l.Info.Kind == inspector.LaneRequest {
			p.rows = append(p.rows, l)
		}
	}
	if n > 0 || len(p.rows) > 0 {
		p.table.Refresh()
	}
	return len(p.rows)
}

// requestCell is one cell of a request's row: when, method, status, time
// to headers, duration, size and URL.
func requestCell(l *inspector.LaneSnapshot, col int) string {
	if len(l.Conns) == 0 {
		switch requestColumns[col].title {
		case "method":
			return l.Info.Method
		case "URL":
			return l.Info.URL
		}
		return ""
	}
	c := l.Conns[0]
	switch requestColumns[col].title {
	case "start":
		return fmt.Sprintf("%.3f s", c.Start.Seconds())
	case "method":
		return c.Method
	case "status":
		switch {
		case c.Status != 0:
			return fmt.Sprint(c.Status)
		case c.Cause != inspector.CauseNone:
			return string(c.Cause)
		}
		return "…"
	case "headers":
		if c.HeadersAt > 0 {
			return formatDelay(c.HeadersAt - c.Start)
		}
	case "duration":
		if c.End > 0 {
			return formatDelay(c.End - c.Start)
		}
	case "size":
		return inspector.FormatBytes(c.Bytes)
	case "URL":
		return c.URL
	}
	return ""
}

// hoverLabel is a table cell that reports the pointer entering it.
type hoverLabel struct {
	widget.Label
	onHover func()
}

var _ desktop.Hoverable = (*hoverLabel)(nil)

func newHoverLabel() *hoverLabel {
	h := &hoverLabel{}
	h.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

// MouseIn reports the hover.
func (h *hoverLabel) MouseIn(*desktop.MouseEvent) {
	if h.onHover != nil {
		h.onHover()
	}
}

// MouseMoved does nothing: MouseIn reported the cell.
func (h *hoverLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut does nothing: the full URL stays until another row is pointed at.
func (h *hoverLabel) MouseOut() {}
