package gui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// lanePanel is the sidebar: one row per lane with its URL, state and
// figures, and the per-lane actions.
type lanePanel struct {
	ui     *Inspector
	list   *widget.List
	snap   *inspector.Snapshot
	shown  []*inspector.LaneSnapshot // the stream lanes: plain requests have their own tab
	labels map[int]string            // the lanes' distinct names, as the timeline shows them
	rate   map[int]rateSample
}

// rateWindow is the span events/s is averaged over: long enough that a
// lane receiving bursts every few seconds does not flicker to zero.
const rateWindow = 5 * time.Second

// rateSample remembers a lane's event counts over the last rateWindow.
type rateSample struct {
	at     []time.Duration
	events []int64
	rate   float64
}

func newLanePanel(ui *Inspector) *lanePanel {
	p := &lanePanel{ui: ui, rate: map[int]rateSample{}}
	p.list = widget.NewList(p.length, p.create, p.updateItem)
	p.list.HideSeparators = false
	return p
}

func (p *lanePanel) object() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Lanes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(title, nil, nil, nil, p.list)
}

func (p *lanePanel) length() int { return len(p.shown) }

// laneRow holds the widgets of one row; the list recycles them.
type laneRow struct {
	name, url, state, figures     *widget.Label
	pause, reconnect, ref, remove *widget.Button
	box                           *fyne.Container
}

func (p *lanePanel) create() fyne.CanvasObject {
	r := &laneRow{
		name:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		url:     widget.NewLabel(""),
		state:   widget.NewLabel(""),
		figures: widget.NewLabel(""),
	}
	for _, l := range []*widget.Label{r.name, r.url, r.state, r.figures} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.pause = widget.NewButtonWithIcon("", theme.MediaPauseIcon(), nil)
	r.reconnect = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), nil)
	r.ref = widget.NewButtonWithIcon("ref", theme.RadioButtonIcon(), nil)
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	for _, b := range []*widget.Button{r.pause, r.reconnect, r.ref, r.remove} {
		b.Importance = widget.LowImportance
	}
	actions := container.NewHBox(r.ref, r.pause, r.reconnect, r.remove)
	r.box = container.NewVBox(r.name, r.url, r.state, r.figures, actions)
	item := &laneItem{row: r}
	item.ExtendBaseWidget(item)
	return item
}

// laneItem wraps a row so the list can hand it back to updateItem.
type laneItem struct {
	widget.BaseWidget
	row *laneRow
}

func (li *laneItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(li.row.box)
}

func (p *lanePanel) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.shown) {
		return
	}
	l := p.shown[id]
	r := o.(*laneItem).row
	laneID := l.Info.ID
	name := p.labels[laneID]
	if !strings.HasPrefix(name, "#") {
		name = fmt.Sprintf("%s  #%d", name, laneID)
	}
	r.name.SetText(name)
	r.url.SetText(l.Info.URL)
	sub := p.ui.subs[laneID]
	live := sub != nil || (l.Info.Kind == inspector.LaneTap && p.ui.tap != nil)
	r.state.SetText(stateText(l, live))
	r.state.Importance = stateImportance(l.State)
	if !live {
		r.state.Importance = widget.MediumImportance
	}
	r.state.Refresh()
	if live {
		r.figures.SetText(fmt.Sprintf("%d events · %s · %.1f ev/s", l.TotalEvents(), inspector.FormatBytes(l.Bytes()), p.rate[laneID].rate))
	} else {
		r.figures.SetText(fmt.Sprintf("%d events · %s · %s", l.TotalEvents(), inspector.FormatBytes(l.Bytes()), averageRate(l)))
	}
	isRef := p.ui.reference(p.snap) == laneID
	if isRef {
		r.ref.SetIcon(theme.RadioButtonCheckedIcon())
		r.ref.Importance = widget.HighImportance
	} else {
		r.ref.SetIcon(theme.RadioButtonIcon())
		r.ref.Importance = widget.LowImportance
	}
	r.ref.OnTapped = func() { p.ui.setReference(laneID) }
	r.ref.Refresh()
	if sub == nil {
		r.pause.Disable()
		r.reconnect.Disable()
	} else {
		r.pause.Enable()
		r.reconnect.Enable()
		paused := l.State == inspector.StatePaused
		if paused {
			r.pause.SetIcon(theme.MediaPlayIcon())
		} else {
			r.pause.SetIcon(theme.MediaPauseIcon())
		}
		r.pause.OnTapped = func() { sub.SetPaused(!paused) }
		r.reconnect.OnTapped = sub.ReconnectNow
	}
	r.remove.OnTapped = func() { p.ui.askRemoveLane(laneID) }
}

// set shows a new snapshot and updates the events/s figures.
func (p *lanePanel) set(snap *inspector.Snapshot) {
	p.snap = snap
	p.shown = p.shown[:0]
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneRequest {
			p.shown = append(p.shown, l)
		}
	}
	p.labels = timeline.LaneLabels(p.shown)
	for _, l := range snap.Lanes {
		s := p.rate[l.Info.ID]
		n := l.TotalEvents()
		s.at, s.events = append(s.at, snap.Taken), append(s.events, n)
		for len(s.at) > 2 && snap.Taken-s.at[1] >= rateWindow {
			s.at, s.events = s.at[1:], s.events[1:]
		}
		if dt := snap.Taken - s.at[0]; dt >= time.Second {
			s.rate = float64(n-s.events[0]) / dt.Seconds()
		}
		p.rate[l.Info.ID] = s
	}
	p.list.Refresh()
}

func (p *lanePanel) refresh() { p.list.Refresh() }

// reset forgets the figures of the previous session, whose lane IDs the
// next one reuses.
func (p *lanePanel) reset() { p.rate = map[int]rateSample{} }

// averageRate is a recorded lane's mean events/s between its first and
// last event: a lane nothing feeds any more has no current rate.
func averageRate(l *inspector.LaneSnapshot) string {
	n := l.Len()
	if n < 2 {
		return "recorded"
	}
	span := l.Arrival(n-1) - l.Arrival(0)
	if span <= 0 {
		return "recorded"
	}
	return fmt.Sprintf("%.1f ev/s avg", float64(n-1)/span.Seconds())
}

func laneName(l *inspector.LaneSnapshot) string {
	if l.Info.Name != "" {
		return l.Info.Name
	}
	return string(l.Info.Kind)
}

// stateText is the lane state with the cause of a failure or the last
// close. A lane nothing records into any more (loaded from a file, or
// left by a tap that stopped) says "recorded" instead of the state it was
// saved in.
func stateText(l *inspector.LaneSnapshot, live bool) string {
	s := string(l.State)
	if !live && l.State != inspector.StateFailed && l.State != inspector.StateClosed {
		s = "recorded"
	}
	if l.StateDetail != "" {
		s += ": " + l.StateDetail
	}
	if n := l.ConnCount(); n > 1 {
		s += fmt.Sprintf(" · %d connections", n)
	}
	return s
}

func stateImportance(s inspector.LaneState) widget.Importance {
	switch s {
	case inspector.StateOpen:
		return widget.SuccessImportance
	case inspector.StateFailed:
		return widget.DangerImportance
	case inspector.StateReconnecting, inspector.StateConnecting:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// askRemoveLane removes a lane once the user confirms: its events go with it.
func (ui *Inspector) askRemoveLane(id int) {
	l := ui.sess.Lane(id)
	if l == nil {
		return
	}
	snap := l.Snapshot()
	msg := fmt.Sprintf("Remove lane #%d %s and its %s? This cannot be undone.", id, laneName(snap), count(int(snap.TotalEvents()), "event", "events"))
	dialog.ShowConfirm("Remove lane?", msg, func(ok bool) {
		if ok {
			ui.removeLane(id)
		}
	}, ui.win)
}

// removeLane stops a lane's subscription and drops it from the session.
func (ui *Inspector) removeLane(id int) {
	if sub := ui.subs[id]; sub != nil {
		sub.Stop()
		delete(ui.subs, id)
	}
	if int(ui.refLane.Load()) == id {
		ui.refLane.Store(0)
	}
	ui.sess.RemoveLane(id)
	ui.events.reset()
}
