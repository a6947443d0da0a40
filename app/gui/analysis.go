package gui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/lint"
)

// analysis is what the window shows of the inspector's analysis: the
// findings of the last diagnosis, and the per-event delays and matches,
// which are measured incrementally and so are usually more recent.
type analysis struct {
	report   *diagnose.Report
	findings []diagnose.Finding
	figures  string // a one-line summary of the measured figures

	delays  map[int][]diagnose.Delay // by lane, in event order
	matches map[int][]diagnose.Match // by lane, in event order
	refLane int
	// chain is set when the session is analysed along a chain of hops:
	// the delays are then the ones each hop added, from the diagnosis.
	chain bool
}

// delayOf returns an event's measured delay. A lane's delays are in event
// order, so a binary search finds it without a per-event index.
func (a *analysis) delayOf(lane int, seq int64) (time.Duration, bool) {
	ds := a.delays[lane]
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Seq >= seq })
	if i < len(ds) && ds[i].Seq == seq {
		return ds[i].Delay, true
	}
	return 0, false
}

// setLive takes the delays and matches of an incremental measurement;
// along a chain the diagnosis' per-hop delays are kept instead.
func (a *analysis) setLive(r diagnose.LiveResult) {
	if a.chain {
		return
	}
	a.delays, a.matches, a.refLane = r.Delays, r.Matches, r.ReferenceID
}

// diagnosis is one run of the diagnosis rules and what it cost.
type diagnosis struct {
	report   *diagnose.Report
	findings []diagnose.Finding // the report's, with the proxy configuration's
	figures  string
	cost     time.Duration
	// hopDelays are, along a chain, the delay each hop added to each event.
	hopDelays map[int][]diagnose.Delay
}

// diagnoseSnapshot runs the diagnosis rules against the reference lane, or
// along chain (origin first) when it is set, and ties the proxy
// configuration's lint (cfg, may be nil) to the result. It runs off the UI
// goroutine.
func diagnoseSnapshot(snap *inspector.Snapshot, ref int, chain []int, cfg *lint.Result) diagnosis {
	if len(snap.Lanes) == 0 {
		return diagnosis{}
	}
	began := time.Now()
	r := diagnose.Analyze(snap, diagnose.Options{Reference: ref, Chain: chain})
	d := diagnosis{report: r, figures: figuresLine(r)}
	if chain != nil {
		d.hopDelays = r.TimelineDelays()
	}
	// The report's per-event delays are dropped at once: the window keeps
	// its own, measured incrementally, and holding both would double the
	// memory per event.
	r.Delays, r.Matches = nil, nil
	d.findings = withConfig(r, cfg, outerLane(snap, chain))
	d.cost = time.Since(began)
	return d
}

// set takes the findings of a diagnosis, and along a chain its per-hop
// delays.
func (a *analysis) set(d diagnosis) {
	a.report, a.figures, a.findings = d.report, d.figures, d.findings
	a.chain = d.hopDelays != nil
	if a.chain {
		a.delays, a.matches = d.hopDelays, nil
		if d.report != nil {
			a.refLane = d.report.ReferenceID
		}
	}
}

// liveDelays measures the per-event delays of the session shown,
// incrementally, against the current reference lane.
type liveDelays struct {
	mu   sync.Mutex
	live *diagnose.Live
	ref  int
}

// update measures what is new in snap; a new reference lane starts over.
func (l *liveDelays) update(snap *inspector.Snapshot, ref int) diagnose.LiveResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.live == nil || l.ref != ref {
		l.live, l.ref = diagnose.NewLive(diagnose.Options{Reference: ref}), ref
	}
	return l.live.Update(snap)
}

// reset forgets the measurements, for a new session.
func (l *liveDelays) reset() {
	l.mu.Lock()
	l.live = nil
	l.mu.Unlock()
}

// figuresLine summarises the per-lane delay percentiles, so "no problems
// found" comes with the numbers that back it.
func figuresLine(r *diagnose.Report) string {
	var parts []string
	names := make([]string, 0, len(r.Delay))
	for name := range r.Delay {
		names = append(names, name)
	}
	slices.Sort(names)
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
