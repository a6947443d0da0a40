package gui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/app/demo"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/lint"
)

// Inspector is the main window's state: the session shown, its live
// subscriptions, and the panels that display it. Its methods run on the
// Fyne main goroutine unless they say otherwise.
type Inspector struct {
	app fyne.App
	win fyne.Window

	sess    *inspector.Session
	cur     atomic.Pointer[inspector.Session] // sess, for goroutines (the tap)
	name    string                            // shown in the title and in exported images
	subs    map[int]*inspector.Subscription
	ctx     context.Context       // ends with the current session
	stop    context.CancelFunc    // stops the current session's subscriptions and refresh loop
	refLane atomic.Int64          // reference lane ID, read by the refresh loop
	chain   atomic.Pointer[[]int] // lanes analysed as a chain, origin first; nil: none
	demo    *demo.Demo
	tap     *tapRunner

	snap   *inspector.Snapshot
	result analysis
	live   liveDelays // per-event delays, measured as events arrive

	lanes    *lanePanel
	timeline *timelineView
	events   *eventPanel
	detail   *detailPanel
	findings *findingPanel
	requests *requestPanel
	tabs     *container.AppTabs // diagnosis, event detail, plain requests

	requestsTab *container.TabItem
	status      *widget.Label
	tapButton   *widget.Button
	loading     *loadingState

	// savedEvents is the event count of the session when it was last
	// saved or loaded: more events than that are unsaved.
	savedEvents int64

	shortcuts map[string]func() // by shortcut name, for text fields to pass on

	// onFrame, if set, is called after each refresh is shown (tests count
	// refreshes with it). nil means nothing is called.
	onFrame func(frame)

	autoRefresh bool // run a refresh loop per session
	keepSecrets bool // save header secrets (chosen when starting the tap)

	// config is the compared proxy's configuration, linted; the refresh
	// loop ties it to each analysis.
	config atomic.Pointer[lint.Result]
}

// New builds the inspector's content into w, on an empty session, and
// keeps it up to date as the session records.
func New(a fyne.App, w fyne.Window) *Inspector { return newInspector(a, w, true) }

// newInspector is New; without autoRefresh no refresh loop runs and the
// caller refreshes with refreshNow (tests drive the window that way, on
// their own goroutine, since the test driver runs fyne.Do inline).
func newInspector(a fyne.App, w fyne.Window, autoRefresh bool) *Inspector {
	ui := &Inspector{app: a, win: w, subs: map[int]*inspector.Subscription{}, autoRefresh: autoRefresh}
	ui.lanes = newLanePanel(ui)
	ui.timeline = newTimelineView(ui)
	ui.events = newEventPanel(ui)
	ui.detail = newDetailPanel()
	ui.findings = newFindingPanel(ui)
	ui.status = widget.NewLabel("")
	ui.status.Truncation = fyne.TextTruncateEllipsis
	ui.loading = newLoadingState(ui)

	ui.requests = newRequestPanel()
	ui.requestsTab = container.NewTabItemWithIcon("Requests", theme.ListIcon(), ui.requests.object())
	ui.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Diagnosis", theme.WarningIcon(), ui.findings.object()),
		container.NewTabItemWithIcon("Event", theme.InfoIcon(), ui.detail.object()),
		ui.requestsTab,
	)
	bottom := container.NewHSplit(ui.events.object(), ui.tabs)
	bottom.SetOffset(0.5)
	centre := container.NewVSplit(ui.timeline.object(), bottom)
	centre.SetOffset(0.5)
	main := container.NewHSplit(ui.lanes.object(), centre)
	main.SetOffset(0.2)
	statusBar := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(220, 20), ui.loading.bar), ui.status)
	w.SetContent(container.NewBorder(ui.toolbar(), statusBar, nil, nil, main))
	ui.addShortcuts()
	ui.setSession(inspector.NewSession(inspector.Limits{}), "")
	return ui
}

// toolbar is a row of labelled buttons: the actions must be readable at a
// glance by someone who opens the tool for the first time.
func (ui *Inspector) toolbar() fyne.CanvasObject {
	b := func(label string, icon fyne.Resource, f func()) *widget.Button {
		btn := widget.NewButtonWithIcon(label, icon, f)
		btn.Importance = widget.LowImportance
		return btn
	}
	demoBtn := b("Demo", theme.MediaPlayIcon(), func() { ui.askToReplace("the demo", ui.StartDemo) })
	demoBtn.Importance = widget.HighImportance
	ui.tapButton = b("Tap", theme.ComputerIcon(), ui.tapAction)
	return container.NewHBox(
		b("Add stream", theme.ContentAddIcon(), ui.ShowAddStream),
		b("Compare", theme.ViewRefreshIcon(), ui.ShowCompare),
		ui.tapButton,
		demoBtn,
		widget.NewSeparator(),
		b("Open", theme.FolderOpenIcon(), ui.ShowOpen),
		b("Save", theme.DocumentSaveIcon(), ui.ShowSave),
		b("Export image", theme.FileImageIcon(), ui.ShowExport),
		widget.NewSeparator(),
		b("Fit", theme.ZoomFitIcon(), func() { ui.timeline.fit() }),
	)
}

// Close stops everything the window started, waiting for the tap's
// streams to record their end. It runs after the window's event loop has
// ended, never on the UI goroutine while it runs.
func (ui *Inspector) Close() {
	if ui.stop != nil {
		ui.stop()
	}
	if ui.demo != nil {
		ui.demo.Close()
		ui.demo = nil
	}
	if ui.tap != nil {
		<-ui.tap.stop()
		ui.tap = nil
	}
}

// setSession replaces the session on display, stopping the old one's
// subscriptions and any tap (which records into the session shown, and
// must not pour live traffic into the next), and starts the refresh loop
// for the new one. The new session counts as saved until it records.
func (ui *Inspector) setSession(s *inspector.Session, name string) {
	if ui.stop != nil {
		ui.stop()
	}
	ui.stopTap()
	ctx, cancel := context.WithCancel(context.Background())
	ui.ctx, ui.stop = ctx, cancel
	ui.sess, ui.name = s, name
	ui.cur.Store(s)
	ui.subs = map[int]*inspector.Subscription{}
	ui.refLane.Store(0)
	ui.chain.Store(nil)
	ui.config.Store(nil)
	ui.snap, ui.result = s.Snapshot(), analysis{}
	ui.markSaved(ui.snap)
	ui.live.reset()
	ui.events.reset()
	ui.detail.clear()
	ui.timeline.reset()
	ui.lanes.reset()
	ui.findings.set(nil)
	ui.apply(s, frame{snap: ui.snap, figures: true})
	title := "SSE Inspector"
	if name != "" {
		title += " — " + name
	}
	ui.win.SetTitle(title)
	if ui.autoRefresh {
		go ui.refreshLoop(ctx, s)
	}
}

// setReference makes a lane the reference for per-event delays.
func (ui *Inspector) setReference(id int) {
	ui.refLane.Store(int64(id))
	ui.lanes.refresh()
	ui.sess.Touch()
}

// reference returns the reference lane ID, choosing the first lane when
// none was chosen and there are several.
func (ui *Inspector) reference(snap *inspector.Snapshot) int {
	if id := int(ui.refLane.Load()); id != 0 && snap.Lane(id) != nil {
		return id
	}
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneRequest {
			return l.Info.ID
		}
	}
	return 0
}
