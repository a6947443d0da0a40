package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"sseinspector/inspector"
)

const (
	// frameInterval caps UI refreshes at 60 per second however fast events come.
	frameInterval = time.Second / 60
	// analysisInterval spaces the analyses, which cost more than a redraw.
	analysisInterval = 400 * time.Millisecond
)

// refreshLoop coalesces session changes into at most one UI refresh per
// frame. Snapshots and analyses are made here, off the UI goroutine; only
// the apply step runs on it, through fyne.DoAndWait so that a slow UI slows
// the loop instead of queueing refreshes.
func (ui *Inspector) refreshLoop(ctx context.Context, s *inspector.Session) {
	tick := time.NewTicker(frameInterval)
	defer tick.Stop()
	// dirty: the data changed since the last redraw; stale: since the last
	// analysis, which is redone at most every analysisInterval.
	dirty, stale := false, false
	var lastAnalysis time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Changed():
			dirty, stale = true, true
			continue
		case <-tick.C:
		}
		analyseNow := stale && time.Since(lastAnalysis) >= analysisInterval
		if !dirty && !analyseNow {
			continue
		}
		dirty = false
		snap := s.Snapshot()
		var res *analysis
		if analyseNow {
			r := analyze(snap, ui.reference(snap))
			res = &r
			lastAnalysis, stale = time.Now(), false
		}
		if ctx.Err() != nil {
			return
		}
		fyne.DoAndWait(func() {
			if ctx.Err() == nil {
				ui.apply(s, snap, res)
			}
		})
	}
}

// refreshNow takes a snapshot, analyses it and shows it, synchronously.
func (ui *Inspector) refreshNow() {
	snap := ui.sess.Snapshot()
	r := analyze(snap, ui.reference(snap))
	ui.apply(ui.sess, snap, &r)
}

// apply shows a snapshot (and, when given, a new analysis) of session s.
func (ui *Inspector) apply(s *inspector.Session, snap *inspector.Snapshot, res *analysis) {
	if s != ui.sess {
		return // a late refresh of a session no longer shown
	}
	ui.snap = snap
	if res != nil {
		ui.result = *res
		ui.findings.set(ui.result.findings)
	}
	ui.lanes.set(snap)
	ui.events.update(snap)
	ui.timeline.update(snap, &ui.result)
	ui.status.SetText(statusLine(snap, &ui.result))
}
