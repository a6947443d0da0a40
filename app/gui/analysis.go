package gui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
)

// analysis is what the window shows of inspector's analysis of a snapshot.
type analysis struct {
	report   *diagnose.Report
	findings []diagnose.Finding
	delays   map[int][]diagnose.Delay
	matches  []diagnose.Match
	refLane  int
	delayIdx map[diagnose.EventRef]time.Duration
	figures  string // a one-line summary of the measured figures
}

// delayOf returns an event's measured delay.
func (a *analysis) delayOf(lane int, seq int64) (time.Duration, bool) {
	d, ok := a.delayIdx[diagnose.EventRef{Lane: lane, Seq: seq}]
	return d, ok
}

// analyze runs the inspector's analysis against the reference lane. It runs
// off the UI goroutine.
func analyze(snap *inspector.Snapshot, ref int) analysis {
	if len(snap.Lanes) == 0 {
		return analysis{}
	}
	r := diagnose.Analyze(snap, diagnose.Options{Reference: ref})
	a := analysis{report: r, findings: r.Findings, delays: r.Delays, matches: r.Matches, refLane: r.ReferenceID}
	n := 0
	for _, ds := range r.Delays {
		n += len(ds)
	}
	a.delayIdx = make(map[diagnose.EventRef]time.Duration, n)
	for _, ds := range r.Delays {
		for _, d := range ds {
			a.delayIdx[diagnose.EventRef{Lane: d.Lane, Seq: d.Seq}] = d.Delay
		}
	}
	a.figures = figuresLine(r)
	return a
}

// figuresLine summarises the per-lane delay percentiles, so "no problems
// found" comes with the numbers that back it.
func figuresLine(r *diagnose.Report) string {
	var parts []string
	names := make([]string, 0, len(r.Delay))
	for name := range r.Delay {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := r.Delay[name]
		if d.Count == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: delay p50 %.1f ms, p95 %.1f ms, max %.1f ms over %d events (%s)", name, d.P50.Ms(), d.P95.Ms(), d.Max.Ms(), d.Count, d.Source))
	}
	if len(parts) == 0 {
		return "No per-event delays measured yet."
	}
	return strings.Join(parts, "; ") + "."
}
