package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/sseinspector/sseinspector/inspector"
)

const (
	// frameInterval caps UI refreshes at 60 per second however fast events come.
	frameInterval = time.Second / 60
	// analysisInterval spaces the analyses, which cost more than a redraw.
	analysisInterval = 400 * time.Millisecond
)

// refreshLoop coalesces session changes into at most one UI refresh per
// frame. Snapshots are taken here, off the UI goroutine, and analyses run
// on a goroutine of their own, so a long analysis of a large session never
// holds up redraws. Only the apply step runs on the UI goroutine, through
// fyne.DoAndWait, so that a slow UI slows the loop instead of queueing
// refreshes.
func (ui *Inspector) refreshLoop(ctx context.Context, s *inspector.Session) {
	tick := time.NewTicker(frameInterval)
	defer tick.Stop()
	requests := make(chan *inspector.Snapshot)
	results := make(chan analysis)
	go ui.analysisLoop(ctx, requests, results)

	// dirty: the data changed since the last redraw; stale: since the last
	// analysis was asked for, which happens at most every analysisInterval
	// and never while one is running. A session may arrive with data in it
	// (a loaded file): both start true so it is drawn and analysed at once.
	dirty, stale, running := true, true, false
	var lastAnalysis time.Time
	for {
		var res *analysis
		select {
		case <-ctx.Done():
			return
		case <-s.Changed():
			dirty, stale = true, true
			continue
		case r := <-results:
			running, res = false, &r
		case <-tick.C:
		}
		redraw := dirty || res != nil
		wantAnalysis := stale && !running && time.Since(lastAnalysis) >= analysisInterval
		if !redraw && !wantAnalysis {
			continue
		}
		dirty = false
		snap := s.Snapshot()
		if wantAnalysis {
			select {
			case requests <- snap:
				running, stale, lastAnalysis = true, false, time.Now()
			case <-ctx.Done():
				return
			}
		}
		if !redraw {
			continue
		}
		rows := ui.events.finder.build(snap)
		if ctx.Err() != nil {
			return
		}
		fyne.DoAndWait(func() {
			if ctx.Err() == nil {
				ui.apply(s, snap, res, rows)
			}
		})
	}
}

// analysisLoop analyses the snapshots it is sent, one at a time.
func (ui *Inspector) analysisLoop(ctx context.Context, requests <-chan *inspector.Snapshot, results chan<- analysis) {
	for {
		select {
		case <-ctx.Done():
			return
		case snap := <-requests:
			r := withConfig(analyze(snap, ui.reference(snap), ui.chainOf(snap)), ui.config.Load())
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
	r := withConfig(analyze(snap, ui.reference(snap), ui.chainOf(snap)), ui.config.Load())
	ui.apply(ui.sess, snap, &r, ui.events.finder.build(snap))
}

// apply shows a snapshot of session s and, when given, a new analysis and
// new event table rows.
func (ui *Inspector) apply(s *inspector.Session, snap *inspector.Snapshot, res *analysis, rows *rowUpdate) {
	if s != ui.sess {
		return // a late refresh of a session no longer shown
	}
	ui.snap = snap
	if res != nil {
		ui.result = *res
		ui.findings.set(ui.result.findings)
	}
	ui.lanes.set(snap)
	label := "Requests"
	if n := ui.requests.set(snap); n > 0 {
		label = fmt.Sprintf("Requests (%d)", n)
	}
	if ui.requestsTab.Text != label {
		ui.requestsTab.Text = label
		ui.tabs.Refresh()
	}
	ui.events.update(snap, rows)
	ui.timeline.update(snap, &ui.result)
	ui.status.SetText(statusLine(snap, &ui.result))
}
