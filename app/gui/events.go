package gui

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// eventRow points at one event of the table: 16 bytes a row, since a
// live session adds thousands a second. Its arrival is looked up in the
// snapshot when needed.
type eventRow struct {
	seq  int64
	lane int32
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
	ui        *Inspector
	table     *widget.Table
	text      *keyEntry
	types     *widget.Select
	lanes     *widget.Select
	count     *widget.Label
	rows      []eventRow
	snap      *inspector.Snapshot
	finder    eventRows // builds rows off the UI goroutine
	gen       int       // generation of the rows shown
	selecting bool      // selectRow is selecting: not the user
	selected  int       // the selected row, -1 for none
	// filterErr is why the text filter is not applied (a bad /regex/); it
	// stays shown until the filter changes.
	filterErr string

	cacheRow int
	cacheEv  inspector.Event
	cacheOK  bool
}

var eventColumns = []struct {
	title string
	width float32
}{
	{"#", 76}, {"time", 96}, {"lane", 110}, {"type", 78}, {"id", 96}, {"size", 76}, {"delay", 76}, {"data", 480},
}

func newEventPanel(ui *Inspector) *eventPanel {
	p := &eventPanel{ui: ui, cacheRow: -1, selected: -1}
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
		p.selected = id.Row
		if !p.selecting && id.Row >= 0 && id.Row < len(p.rows) {
			r := p.rows[id.Row]
			ui.selectEvent(int(r.lane), r.seq, false)
		}
	}
	p.text = newKeyEntry()
	p.text.SetPlaceHolder("filter: text, or /regex/")
	// The window's Ctrl-shortcuts work while the filter has focus; Escape
	// clears it.
	p.text.keys.shortcut = ui.runShortcut
	p.text.keys.onEscape = func() { p.text.SetText("") }
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
	l := p.snap.Lane(int(r.lane))
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
	label.SetText(p.cellText(id.Col, l, &ev))
}

// cellText is the text of one cell of an event's row.
func (p *eventPanel) cellText(col int, l *inspector.LaneSnapshot, ev *inspector.Event) string {
	switch eventColumns[col].title {
	case "#":
		return eventNumber(ev.Seq)
	case "time":
		return fmt.Sprintf("%.3f s", ev.Arrival.Seconds())
	case "lane":
		return fmt.Sprintf("#%d %s", l.Info.ID, laneName(l))
	case "type":
		return ev.Type
	case "id":
		return ev.ID
	case "size":
		s := inspector.FormatBytes(ev.Size)
		if ev.Truncated {
			s += " (cut)"
		}
		return s
	case "delay":
		if d, ok := p.ui.result.delayOf(l.Info.ID, ev.Seq); ok {
			return formatDelay(d)
		}
	case "data":
		return preview(ev.Data, 200)
	}
	return ""
}

// eventNumber is how the table, the detail and the timeline's readout
// number an event: from 1, over all the lane's events including any
// dropped by the memory cap.
func eventNumber(seq int64) string {
	return fmt.Sprintf("%d", seq+1)
}

// reset forgets all rows, types and lanes for a new session and clears
// the type and lane filters, which named the old session's; the text
// filter stays. The next update rebuilds the rows.
func (p *eventPanel) reset() {
	p.types.Options = p.types.Options[:1]
	p.lanes.Options = p.lanes.Options[:1]
	p.setSelectQuietly(p.types, 0)
	p.setSelectQuietly(p.lanes, 0)
	p.finder.resetTypes()
	p.snap = nil
	p.applyFilter()
}

// setSelectQuietly selects an option without running the select's
// OnChanged (which would rebuild the rows for each call).
func (p *eventPanel) setSelectQuietly(s *widget.Select, i int) {
	f := s.OnChanged
	s.OnChanged = nil
	s.SetSelectedIndex(i)
	s.OnChanged = f
}

func (p *eventPanel) clearRows() {
	p.rows = p.rows[:0]
	p.cacheOK = false
	p.table.UnselectAll()
	p.selected = -1
	p.table.ScrollToTop()
	p.table.Refresh()
}

// applyFilter reads the filter bar and starts the rows over. The rows
// are rebuilt by the refresh loop (or at once when there is none).
func (p *eventPanel) applyFilter() {
	f := eventFilter{text: p.text.Text}
	p.filterErr = ""
	if t := p.text.Text; len(t) >= 2 && strings.HasPrefix(t, "/") && strings.HasSuffix(t, "/") {
		re, err := regexp.Compile(t[1 : len(t)-1])
		if err != nil {
			// Keep showing the rows of the last valid filter, and say why
			// this one is not applied until it changes.
			p.filterErr = "invalid regex: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")
			p.showCount()
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
		p.update(p.snap, p.finder.build(p.snap), false)
	}
}

// showCount shows how many rows are listed, or why the filter is not
// applied.
func (p *eventPanel) showCount() {
	if p.filterErr != "" {
		p.count.Importance = widget.DangerImportance
		p.count.SetText(p.filterErr)
		return
	}
	p.count.Importance = widget.MediumImportance
	p.count.SetText(fmt.Sprintf("%d events", len(p.rows)))
}

// update shows a snapshot and the rows found in it, if any were looked
// for; delaysChanged says the visible rows' delays may have changed.
func (p *eventPanel) update(snap *inspector.Snapshot, u *rowUpdate, delaysChanged bool) {
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
		// No rows, or rows of an earlier filter or session.
		if delaysChanged {
			p.table.Refresh()
		}
		return
	}
	if len(u.types) > 0 {
		p.types.Options = append(p.types.Options, u.types...)
		p.types.Refresh()
	}
	if u.reset {
		p.rows = p.rows[:0]
	}
	p.rows = append(p.rows, u.fresh...)
	p.showCount()
	if len(u.fresh) > 0 || u.reset || delaysChanged {
		p.table.Refresh()
	}
}

// arrivalOf is a row's arrival time; rows whose event was dropped sort
// first.
func (p *eventPanel) arrivalOf(r eventRow) time.Duration {
	l := p.snap.Lane(int(r.lane))
	if l == nil {
		return -1
	}
	i := int(r.seq - l.DroppedEvents)
	if i < 0 || i >= l.Len() {
		return -1
	}
	return l.Arrival(i)
}

// selectRow highlights the table row of an event, if it is listed, and
// scrolls to it. The rows are in arrival order (but for the odd event
// recorded just after a later one of another lane), so a binary search
// finds the event's arrival first.
func (p *eventPanel) selectRow(lane int, seq int64, arrival time.Duration) {
	row := -1
	if p.snap != nil {
		i := sort.Search(len(p.rows), func(i int) bool { return p.arrivalOf(p.rows[i]) >= arrival })
		for ; i < len(p.rows) && p.arrivalOf(p.rows[i]) == arrival; i++ {
			if r := p.rows[i]; int(r.lane) == lane && r.seq == seq {
				row = i
			}
		}
	}
	if row < 0 {
		row = slices.IndexFunc(p.rows, func(r eventRow) bool { return int(r.lane) == lane && r.seq == seq })
	}
	if row < 0 {
		return
	}
	p.selecting = true
	p.table.Select(widget.TableCellID{Row: row, Col: 0})
	p.selecting = false
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
