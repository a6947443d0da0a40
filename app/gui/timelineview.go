package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/app/widgets"
	"github.com/sseinspector/sseinspector/inspector"
)

// timelineView connects the timeline widget to the window: it keeps one
// timeline.Data per session, replacing only its snapshot and analysis so
// the widget's per-lane index grows instead of being rebuilt.
type timelineView struct {
	ui     *Inspector
	widget *widgets.Timeline
	data   *timeline.Data
}

func newTimelineView(ui *Inspector) *timelineView {
	t := &timelineView{ui: ui, data: &timeline.Data{}}
	t.widget = widgets.NewTimeline(t.data)
	t.widget.OnSelect = func(ref diagnose.EventRef) { ui.selectEvent(ref.Lane, ref.Seq, true) }
	return t
}

func (t *timelineView) object() fyne.CanvasObject { return t.widget }

// reset starts over for a new session.
func (t *timelineView) reset() {
	t.data = &timeline.Data{Title: t.ui.name}
	t.widget.SetData(t.data)
	t.widget.Fit()
}

// update shows a new snapshot with the latest analysis. Handing over the
// same slices again is cheap: the widget's index knows them by identity.
func (t *timelineView) update(snap *inspector.Snapshot, a *analysis) {
	t.data.Title = t.ui.name
	t.data.Snapshot = snap
	t.data.Delays, t.data.MatchesByLane, t.data.Findings = a.delays, a.matches, a.findings
	t.data.RefLane = a.refLane
	if t.data.RefLane == 0 {
		t.data.RefLane = t.ui.reference(snap)
	}
	// A session something records into runs up to now: a request still
	// waiting for its headers is drawn as such up to the present.
	t.data.Now = 0
	if len(t.ui.subs) > 0 || t.ui.tap != nil {
		t.data.Now = snap.Taken
	}
	t.widget.SetData(t.data)
}

func (t *timelineView) fit() { t.widget.Fit() }

// highlight marks a finding's events.
func (t *timelineView) highlight(refs []diagnose.EventRef) {
	t.data.Highlight = refs
	t.widget.Refresh()
}

// focus zooms the timeline to a set of events (a finding's), with a
// margin either side, and scrolls the first one's lane into view.
func (t *timelineView) focus(refs []diagnose.EventRef) {
	snap := t.data.Snapshot
	if snap == nil || len(refs) == 0 {
		return
	}
	first, last := time.Duration(-1), time.Duration(0)
	for _, r := range refs {
		l := snap.Lane(r.Lane)
		if l == nil {
			continue
		}
		i := int(r.Seq - l.DroppedEvents)
		if i < 0 || i >= l.Len() {
			continue
		}
		at := l.Arrival(i)
		if first < 0 || at < first {
			first = at
		}
		last = max(last, at)
	}
	if first < 0 {
		return
	}
	pad := max((last-first)/10, 250*time.Millisecond)
	t.widget.SetRange(first-pad, last+pad)
	t.widget.ShowLane(refs[0].Lane)
}

func (t *timelineView) selectEvent(lane int, seq int64) {
	t.widget.Select(diagnose.EventRef{Lane: lane, Seq: seq})
}

// exportData is a copy of what is shown, for drawing off screen: a Data
// must not be drawn by two goroutines, and the copy has its own index.
func (t *timelineView) exportData() *timeline.Data {
	d := *t.data
	return &timeline.Data{Title: d.Title, Snapshot: d.Snapshot, Delays: d.Delays, Matches: d.Matches, MatchesByLane: d.MatchesByLane,
		Findings: d.Findings, Highlight: d.Highlight, Selected: d.Selected, RefLane: d.RefLane, Now: d.Now}
}
