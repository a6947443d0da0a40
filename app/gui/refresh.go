package gui

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// Refresh rates: the timeline follows live data smoothly (each refresh
// repaints the window, which software GL pays for in full); the table, the
// lane figures and the status bar change at a rate a person can read.
const (
	timelineInterval = time.Second / 10
	tableInterval    = 250 * time.Millisecond
	figuresInterval  = 500 * time.Millisecond
	// The diagnosis re-reads the whole session, so it runs at most every
	// minDiagnosisInterval and waits diagnosisCostFactor times as long as
	// its last run took: its share of a core stays under 1/factor however
	// large the session grows. Per-event delays do not wait for it: they
	// are measured incrementally at every table refresh.
	minDiagnosisInterval = time.Second
	diagnosisCostFactor  = 20
	// releaseAfter is how long a diagnosis must have taken for its garbage
	// to be worth returning to the system at once.
	releaseAfter = 50 * time.Millisecond
)

// frame is one refresh of the window: a snapshot, and whatever was
// measured for it.
type frame struct {
	snap    *inspector.Snapshot
	live    *diagnose.LiveResult // new delays and matches, on table refreshes
	diag    *diagnosis           // a new diagnosis
	rows    *rowUpdate           // new event table rows
	figures bool                 // update the lane figures and status bar
}

// refreshLoop coalesces session changes into refreshes at the rates
// above. Snapshots, row filtering and delay measurement happen here, off
// the UI goroutine; the diagnosis runs on a goroutine of its own, so a
// long one never holds up redraws. Only apply runs on the UI goroutine,
// through fyne.DoAndWait, so a slow UI slows the loop instead of queueing
// refreshes.
func (ui *Inspector) refreshLoop(ctx context.Context, s *inspector.Session) {
	tick := time.NewTicker(timelineInterval)
	defer tick.Stop()
	requests := make(chan *inspector.Snapshot)
	results := make(chan diagnosis)
	go ui.diagnosisLoop(ctx, requests, results)

	// A session may arrive with data in it (a loaded file): everything
	// starts out of date so it is drawn and analysed at once.
	dirty, tableDirty, figuresDirty, stale, running := true, true, true, true, false
	var lastTable, lastFigures, nextDiagnosis time.Time
	for {
		f := frame{}
		select {
		case <-ctx.Done():
			return
		case <-s.Changed():
			dirty, tableDirty, figuresDirty, stale = true, true, true, true
			continue
		case d := <-results:
			running = false
			nextDiagnosis = time.Now().Add(diagnosisPause(d.cost))
			f.diag = &d
		case <-tick.C:
		}
		now := time.Now()
		table := tableDirty && now.Sub(lastTable) >= tableInterval
		f.figures = (figuresDirty && now.Sub(lastFigures) >= figuresInterval) || f.diag != nil
		wantDiagnosis := stale && !running && !now.Before(nextDiagnosis)
		if !dirty && !table && !f.figures && f.diag == nil && !wantDiagnosis {
			continue
		}
		f.snap = s.Snapshot()
		if wantDiagnosis {
			select {
			case requests <- f.snap:
				running, stale = true, false
			case <-ctx.Done():
				return
			}
		}
		if table {
			f.rows = ui.events.finder.build(f.snap)
			live := ui.live.update(f.snap, ui.reference(f.snap))
			f.live = &live
			tableDirty, lastTable = false, now
		}
		if f.figures {
			figuresDirty, lastFigures = false, now
		}
		dirty = false
		if ctx.Err() != nil {
			return
		}
		fyne.DoAndWait(func() {
			if ctx.Err() == nil {
				ui.apply(s, f)
			}
		})
	}
}

// diagnosisPause is how long to wait after a diagnosis that took cost
// before the next: its share of a core stays under 1/diagnosisCostFactor.
func diagnosisPause(cost time.Duration) time.Duration {
	return max(minDiagnosisInterval, diagnosisCostFactor*cost)
}

// diagnosisLoop diagnoses the snapshots it is sent, one at a time.
func (ui *Inspector) diagnosisLoop(ctx context.Context, requests <-chan *inspector.Snapshot, results chan<- diagnosis) {
	for {
		select {
		case <-ctx.Done():
			return
		case snap := <-requests:
			r := diagnoseSnapshot(snap, ui.reference(snap), ui.chainOf(snap), ui.config.Load())
			if r.cost >= releaseAfter {
				// A diagnosis of a large session allocates in proportion
				// to it and drops it all at once; handing that memory back
				// keeps the window's RSS at what it holds, not at its peak.
				debug.FreeOSMemory()
			}
			select {
			case results <- r:
			case <-ctx.Done():
				return
			}
		}
	}
}

// refreshNow takes a snapshot, analyses it and shows it, synchronously.
func (ui *Inspector) refreshNow() {
	snap := ui.sess.Snapshot()
	d := diagnoseSnapshot(snap, ui.reference(snap), ui.chainOf(snap), ui.config.Load())
	live := ui.live.update(snap, ui.reference(snap))
	ui.apply(ui.sess, frame{snap: snap, live: &live, diag: &d, rows: ui.events.finder.build(snap), figures: true})
}

// apply shows a frame of session s. The timeline is redrawn every frame;
// the other panels only when the frame carries something for them.
func (ui *Inspector) apply(s *inspector.Session, f frame) {
	if s != ui.sess {
		return // a late refresh of a session no longer shown
	}
	ui.snap = f.snap
	delaysChanged := false
	if f.live != nil {
		delaysChanged = countAll(f.live.Matches) != countAll(ui.result.matches) || countAll(f.live.Delays) != countAll(ui.result.delays)
		ui.result.setLive(*f.live)
	}
	if f.diag != nil {
		ui.result.set(*f.diag)
		ui.findings.set(ui.result.findings)
	}
	if f.figures {
		ui.lanes.set(f.snap)
		label := "Requests"
		if n := ui.requests.set(f.snap); n > 0 {
			label = fmt.Sprintf("Requests (%d)", n)
		}
		if ui.requestsTab.Text != label {
			ui.requestsTab.Text = label
			ui.tabs.Refresh()
		}
		ui.status.SetText(ui.statusLine(f.snap))
	}
	if f.rows != nil || delaysChanged {
		ui.events.update(f.snap, f.rows, delaysChanged)
	}
	ui.timeline.update(f.snap, &ui.result)
	if ui.onFrame != nil {
		ui.onFrame(f)
	}
}

// countAll counts the items of all lanes.
func countAll[T any](m map[int][]T) int {
	n := 0
	for _, ds := range m {
		n += len(ds)
	}
	return n
}
