package gui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// eventRow points at one event of the table.
type eventRow struct {
	lane    int
	seq     int64
	arrival time.Duration
}

// eventFilter is what the filter bar selects.
type eventFilter struct {
	text string
	re   *regexp.Regexp
	typ  string // "" = all
	lane int    // 0 = all
}

func (f *eventFilter) matches(l *inspector.LaneSnapshot, ev *inspector.Event) bool {
	if f.lane != 0 && l.Info.ID != f.lane {
		return false
	}
	if f.typ != "" && ev.Type != f.typ {
		return false
	}
	switch {
	case f.re != nil:
		return f.re.MatchString(ev.Data) || f.re.MatchString(ev.ID)
	case f.text != "":
		return strings.Contains(ev.Data, f.text) || strings.Contains(ev.ID, f.text)
	}
	return true
}

// eventPanel is the event table with its filter bar. Rows are added
// incrementally: each refresh only looks at events that arrived since.
type eventPanel struct {
	ui     *Inspector
	table  *widget.Table
	text   *widget.Entry
	types  *widget.Select
	lanes  *widget.Select
	count  *widget.Label
	rows   []eventRow
	snap   *inspector.Snapshot
	finder eventRows // builds rows off the UI goroutine
	gen    int       // generation of the rows shown

	cacheRow int
	cacheEv  inspector.Event
	cacheOK  bool
}

var eventColumns = []struct {
	title string
	width float32
}{
	{"time", 78}, {"lane", 96}, {"type", 78}, {"id", 56}, {"size", 68}, {"delay", 72}, {"data", 480},
}

func newEventPanel(ui *Inspector) *eventPanel {
	p := &eventPanel{ui: ui, cacheRow: -1}
	p.table = widget.NewTableWithHeaders(p.length, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, p.updateCell)
	p.table.ShowHeaderColumn = false
	p.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(eventColumns) {
			o.(*widget.Label).SetText(eventColumns[id.Col].title)
		}
	}
	for i, c := range eventColumns {
		p.table.SetColumnWidth(i, c.width)
	}
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			r := p.rows[id.Row]
			ui.selectEvent(r.lane, r.seq, false)
		}
	}
	p.text = widget.NewEntry()
	p.text.SetPlaceHolder("filter: text, or /regex/")
	p.types = widget.NewSelect([]string{"all types"}, nil)
	p.types.SetSelectedIndex(0)
	p.lanes = widget.NewSelect([]string{"all lanes"}, nil)
	p.lanes.SetSelectedIndex(0)
	p.count = widget.NewLabel("")
	p.text.OnChanged = func(string) { p.applyFilter() }
	p.types.OnChanged = func(string) { p.applyFilter() }
	p.lanes.OnChanged = func(string) { p.applyFilter() }
	return p
}

func (p *eventPanel) object() fyne.CanvasObject {
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(p.types, p.lanes, p.count), p.text)
	return container.NewBorder(bar, nil, nil, nil, p.table)
}

func (p *eventPanel) length() (int, int) { return len(p.rows), len(eventColumns) }

// event decodes the event of a row, caching the last one: a table row
// asks for each of its cells.
func (p *eventPanel) event(row int) (*inspector.LaneSnapshot, inspector.Event, bool) {
	r := p.rows[row]
	l := p.snap.Lane(r.lane)
	if l == nil {
		return nil, inspector.Event{}, false
	}
	if p.cacheOK && p.cacheRow == row {
		return l, p.cacheEv, true
	}
	i := int(r.seq - l.DroppedEvents)
	if i < 0 || i >= l.Len() {
		return l, inspector.Event{}, false
	}
	p.cacheRow, p.cacheEv, p.cacheOK = row, l.Event(i), true
	return l, p.cacheEv, true
}

func (p *eventPanel) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	label := o.(*widget.Label)
	if p.snap == nil || id.Row >= len(p.rows) {
		label.SetText("")
		return
	}
	l, ev, ok := p.event(id.Row)
	if !ok {
		label.SetText("(dropped)")
		return
	}
	var s string
	switch id.Col {
	case 0:
		s = fmt.Sprintf("%.3f s", ev.Arrival.Seconds())
	case 1:
		s = laneName(l)
	case 2:
		s = ev.Type
	case 3:
		s = ev.ID
	case 4:
		s = inspector.FormatBytes(ev.Size)
		if ev.Truncated {
			s += " (cut)"
		}
	case 5:
		if d, ok := p.ui.result.delayOf(l.Info.ID, ev.Seq); ok {
			s = formatDelay(d)
		}
	case 6:
		s = preview(ev.Data, 200)
	}
	label.SetText(s)
}

// reset forgets all rows and types for a new session; the next update
// rebuilds them.
func (p *eventPanel) reset() {
	p.gen = p.finder.reset()
	p.types.Options = p.types.Options[:1]
	p.clearRows()
}

func (p *eventPanel) clearRows() {
	p.rows = p.rows[:0]
	p.cacheOK = false
	p.table.UnselectAll()
	p.table.Refresh()
}

// applyFilter reads the filter bar and starts the rows over. The rows
// are rebuilt by the refresh loop (or at once when there is none).
func (p *eventPanel) applyFilter() {
	f := eventFilter{text: p.text.Text}
	if t := p.text.Text; len(t) >= 2 && strings.HasPrefix(t, "/") && strings.HasSuffix(t, "/") {
		re, err := regexp.Compile(t[1 : len(t)-1])
		if err != nil {
			p.count.SetText("bad regex")
			return
		}
		f.re = re
	}
	if p.types.SelectedIndex() > 0 {
		f.typ = p.types.Selected
	}
	if i := p.lanes.SelectedIndex(); i > 0 {
		fmt.Sscanf(p.lanes.Selected, "#%d", &f.lane)
	}
	p.gen = p.finder.setFilter(f)
	p.clearRows()
	switch {
	case p.snap == nil:
	case p.ui.autoRefresh:
		p.ui.sess.Touch()
	default:
		p.update(p.snap, p.finder.build(p.snap))
	}
}

// update shows a snapshot and the rows found in it, if any were looked for.
func (p *eventPanel) update(snap *inspector.Snapshot, u *rowUpdate) {
	p.snap = snap
	p.cacheOK = false
	laneOptions := []string{"all lanes"}
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneRequest {
			laneOptions = append(laneOptions, fmt.Sprintf("#%d %s", l.Info.ID, laneName(l)))
		}
	}
	if !slices.Equal(p.lanes.Options, laneOptions) {
		p.lanes.Options = laneOptions
		p.lanes.Refresh()
	}
	if u == nil || u.gen != p.gen {
		return // rows of an earlier filter or session
	}
	if len(u.types) > 0 {
		p.types.Options = append(p.types.Options, u.types...)
		p.types.Refresh()
	}
	if u.reset {
		p.rows = p.rows[:0]
	}
	p.rows = append(p.rows, u.fresh...)
	p.count.SetText(fmt.Sprintf("%d events", len(p.rows)))
	if len(u.fresh) > 0 || u.reset {
		p.table.Refresh()
	}
}

// selectRow selects the table row of an event, if it is listed.
func (p *eventPanel) selectRow(lane int, seq int64) {
	for i, r := range p.rows {
		if r.lane == lane && r.seq == seq {
			p.table.ScrollTo(widget.TableCellID{Row: i, Col: 0})
			return
		}
	}
}

func preview(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n]) + "…"
	}
	return s
}

func formatDelay(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 10000:
		return fmt.Sprintf("%.1f s", ms/1000)
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f ms", ms)
}
