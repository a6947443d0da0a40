package gui

import (
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
	t.data.Delays, t.data.Matches, t.data.Findings = a.delays, a.matches, a.findings
	t.data.RefLane = a.refLane
	if t.data.RefLane == 0 {
		t.data.RefLane = t.ui.reference(snap)
	}
	t.widget.SetData(t.data)
}

func (t *timelineView) fit() { t.widget.Fit() }

// highlight marks a finding's events.
func (t *timelineView) highlight(refs []diagnose.EventRef) {
	t.data.Highlight = refs
	t.widget.Refresh()
}

func (t *timelineView) selectEvent(lane int, seq int64) {
	t.widget.Select(diagnose.EventRef{Lane: lane, Seq: seq})
}

// exportData is a copy of what is shown, for drawing off screen: a Data
// must not be drawn by two goroutines, and the copy has its own index.
func (t *timelineView) exportData() *timeline.Data {
	d := *t.data
	return &timeline.Data{Title: d.Title, Snapshot: d.Snapshot, Delays: d.Delays, Matches: d.Matches,
		Findings: d.Findings, Highlight: d.Highlight, Selected: d.Selected, RefLane: d.RefLane}
}
