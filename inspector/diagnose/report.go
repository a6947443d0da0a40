package diagnose

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Report is the result of analysing a session: per-lane figures, per-event
// delays, bursts, disconnects and the diagnosis. Its JSON form is stable
// (the CLI's --json prints it):
//
//	{
//	  "start": "2026-05-01T10:00:00Z",     // wall-clock start of the session
//	  "durationMs": 15012.3,               // span of the recording
//	  "reference": "direct",               // key of the reference lane, if any
//	  "laneOrder": ["direct", "proxied"],  // lane keys in session order
//	  "lanes": {
//	    "proxied": {
//	      "id": 2, "name": "proxied", "kind": "subscription", "role": "proxied",
//	      "url": "http://127.0.0.1:8080/stamped", "status": 200, "proto": "HTTP/1.1",
//	      "headers": {"Content-Type": ["text/event-stream"], ...},
//	      "connections": 1, "events": 80, "bytes": 16400, "wireBytes": 16400,
//	      "timeToHeadersMs": 812.4, "timeToFirstEventMs": 812.5,
//	      "eventsPerSecond": 19.9, "comments": 0,
//	      "matching": {"method": "id", "matched": 80, "lost": 0, "extra": 0},
//	      "notCompared": "...",            // set instead of matching on a lane
//	                                       // that does not carry the reference's stream
//	      "bursts": {"reads": 5, "eventReads": 5, "bursts": 5, "burstEvents": 80,
//	                 "maxEvents": 21, "maxAtMs": 1020.1, "innerReads": 4, "splitReads": 4,
//	                 "stepSize": 4096, "stepReads": 4, "meanRead": 3280,
//	                 "staircase": [{"tMs": 812.4, "conn": 0, "size": 4096, "total": 4096, "events": 20}, ...]},
//	      "disconnects": [{"conn": 0, "atMs": 4020, "cause": "eof", "by": "server", "idleMs": 0.3, ...}]
//	    }, ...
//	  },
//	  "delay": {
//	    "proxied": {"source": "stamp", "count": 80, "minMs": 2.1, "p50Ms": 480.2, "p95Ms": 951.0, "maxMs": 1002.7,
//	                "sources": {"stamp": {...}, "reference": {...}}}
//	  },
//	  "findings": [{"id": "nginx-buffering", "severity": "warning", "title": "...",
//	                "confidence": 0.9, "evidence": ["..."], "fix": "...", "lanes": [2, 1]}],
//	  "problems": true,                    // a finding of warning severity or worse
//	  "hops": [...]                        // only when a chain was analysed: see HopReport
//	}
//
// Times are milliseconds (fields ending in Ms, of type Millis); a time
// that never happened (no headers, no event) is omitted. The lanes' bursts,
// disconnects and delay statistics are the analysis types themselves
// (Bursts, Disconnect, DelayStats), not copies.
type Report struct {
	Start     time.Time              `json:"start"`
	Duration  Millis                 `json:"durationMs"`
	Reference string                 `json:"reference,omitempty"`
	LaneOrder []string               `json:"laneOrder"`
	Lanes     map[string]*LaneReport `json:"lanes"`
	Delay     map[string]*LaneDelay  `json:"delay"`
	Findings  []Finding              `json:"findings"`
	Problems  bool                   `json:"problems"`

	// Delays holds, by lane ID, each lane's per-event delays from its
	// primary source, in arrival order: what a timeline draws. Not in the
	// JSON form, which carries their percentiles.
	Delays map[int][]Delay `json:"-"`
	// Matches pairs the events of every compared lane with the
	// reference's. Not in the JSON form.
	Matches []Match `json:"-"`
	// ReferenceID is the reference lane's ID, 0 without one.
	ReferenceID int `json:"-"`
	// Hops describes each hop of an analysed chain (see HopReport); nil
	// without a chain.
	Hops []HopReport `json:"hops,omitempty"`
	// Chain follows every origin event along an analysed chain: what a
	// per-event waterfall draws. Not in the JSON form.
	Chain *Chain `json:"-"`
}

// LaneReport holds the figures of one lane.
type LaneReport struct {
	ID               int                `json:"id"`
	Name             string             `json:"name"`
	Kind             inspector.LaneKind `json:"kind"`
	Role             Role               `json:"role"`
	URL              string             `json:"url"`
	Client           string             `json:"client,omitempty"`
	Status           int                `json:"status,omitempty"`
	Proto            string             `json:"proto,omitempty"`
	Headers          http.Header        `json:"headers,omitempty"`
	Connections      int                `json:"connections"`
	Events           int64              `json:"events"`
	Bytes            int64              `json:"bytes"`
	WireBytes        int64              `json:"wireBytes"`
	TimeToHeaders    *Millis            `json:"timeToHeadersMs,omitempty"`
	TimeToFirstEvent *Millis            `json:"timeToFirstEventMs,omitempty"`
	EventsPerSecond  float64            `json:"eventsPerSecond"`
	Comments         int                `json:"comments"`
	Matching         *MatchReport       `json:"matching,omitempty"`
	// NotCompared says why a lane was not compared with the reference:
	// it does not carry the same stream.
	NotCompared string       `json:"notCompared,omitempty"`
	Bursts      Bursts       `json:"bursts"`
	Disconnects []Disconnect `json:"disconnects,omitempty"`
}

// MatchReport summarizes how a lane's events paired with the reference's.
type MatchReport struct {
	Method  MatchMethod `json:"method"`
	Matched int         `json:"matched"`
	Lost    int         `json:"lost"`
	// Pending counts the lost events sent after the last one that did
	// arrive: at the end of a recording they may still be on their way
	// (held in a buffer), so they are not evidence of a drop.
	Pending int `json:"pending"`
	Extra   int `json:"extra"`
}

// LaneDelay is a lane's per-event delay: the percentiles of its primary
// source, and every source measured.
type LaneDelay struct {
	DelayStats                            // the primary source's
	Sources    map[DelaySource]DelayStats `json:"sources"`
}

// happened returns a time that may not have happened (negative) for the
// JSON form, which omits it then.
func happened(d time.Duration) *Millis {
	if d < 0 {
		return nil
	}
	m := Millis(d)
	return &m
}

// Analyze measures every lane of a snapshot and diagnoses it.
func Analyze(snap *inspector.Snapshot, opts Options) *Report {
	opts = opts.chained()
	d := newDiag(snap, opts)
	r := &Report{Start: snap.Start, Duration: Millis(snap.End()),
		Lanes: make(map[string]*LaneReport), Delay: make(map[string]*LaneDelay), Delays: make(map[int][]Delay)}
	keys := laneKeys(snap)
	for _, f := range d.lanes {
		key := keys[f.id()]
		r.LaneOrder = append(r.LaneOrder, key)
		if f.role == RoleDirect {
			r.Reference, r.ReferenceID = key, f.id()
		}
		r.Lanes[key] = laneReport(f)
		if ld := laneDelay(f); ld != nil {
			r.Delay[key] = ld
			r.Delays[f.id()] = f.delays(ld.Source)
		}
		if f.matching != nil {
			r.Matches = append(r.Matches, f.matching.Matches...)
		}
	}
	r.Findings = d.findings()
	r.addHops(d)
	for _, f := range r.Findings {
		if f.Severity >= SeverityWarning {
			r.Problems = true
		}
	}
	return r
}

// laneKeys names each lane uniquely: its name, else "lane N"; a name
// shared by several lanes gets "#ID" appended.
func laneKeys(snap *inspector.Snapshot) map[int]string {
	count := make(map[string]int)
	for _, l := range snap.Lanes {
		count[l.Info.Name]++
	}
	keys := make(map[int]string)
	for _, l := range snap.Lanes {
		switch name := l.Info.Name; {
		case name == "":
			keys[l.Info.ID] = fmt.Sprintf("lane %d", l.Info.ID)
		case count[name] > 1:
			keys[l.Info.ID] = fmt.Sprintf("%s#%d", name, l.Info.ID)
		default:
			keys[l.Info.ID] = name
		}
	}
	return keys
}

func laneReport(f *laneFacts) *LaneReport {
	l := f.snap
	lr := &LaneReport{ID: l.Info.ID, Name: l.Info.Name, Kind: l.Info.Kind, Role: f.role, URL: l.Info.URL,
		Client: l.Info.Client, Connections: l.ConnCount(), Events: l.TotalEvents(), Comments: f.comments()}
	lr.Bytes, lr.WireBytes = l.Bytes(), l.WireBytes()
	if c := f.responded(); c != nil {
		lr.Status, lr.Proto, lr.Headers = c.Status, c.Proto, c.ResponseHeader
	}
	if t := f.firstTiming(); t != nil {
		lr.TimeToHeaders = happened(t.ToHeaders)
		lr.TimeToFirstEvent = happened(t.ToFirstEvent)
	}
	if n := len(f.events); n > 1 {
		if span := f.events[n-1].Arrival - f.events[0].Arrival; span > 0 {
			lr.EventsPerSecond = math.Round(float64(n-1)/span.Seconds()*100) / 100
		}
	}
	lr.NotCompared = f.notCompared
	if m := f.matching; m != nil {
		lr.Matching = &MatchReport{Method: m.Method, Matched: len(m.Matches), Lost: len(m.Lost), Extra: len(m.Extra)}
		var lastRef int64 = -1
		for _, mt := range m.Matches {
			lastRef = max(lastRef, mt.RefSeq)
		}
		for _, seq := range m.Lost {
			if seq > lastRef {
				lr.Matching.Pending++
			}
		}
	}
	lr.Bursts, lr.Disconnects = *f.bursts, f.disconnects
	return lr
}

// laneDelay summarizes a lane's delays by source. The primary source is
// the send stamp when there is one (it measures the whole path), else the
// reference lane, else the tap.
func laneDelay(f *laneFacts) *LaneDelay {
	sources := map[DelaySource][]Delay{DelayStamp: f.stamps, DelayTap: f.taps}
	if f.matching != nil {
		sources[DelayReference] = f.matching.Delays
	}
	ld := &LaneDelay{Sources: make(map[DelaySource]DelayStats)}
	for _, src := range []DelaySource{DelayStamp, DelayReference, DelayTap} {
		st := SummarizeDelays(sources[src])
		if st.Count == 0 {
			continue
		}
		ld.Sources[src] = st
		if ld.Count == 0 {
			ld.DelayStats = st
		}
	}
	if ld.Count == 0 {
		return nil
	}
	return ld
}

// delays returns the lane's delays from one source.
func (f *laneFacts) delays(src DelaySource) []Delay {
	switch src {
	case DelayStamp:
		return f.stamps
	case DelayTap:
		return f.taps
	case DelayReference:
		if f.matching != nil {
			return f.matching.Delays
		}
	}
	return nil
}

// LaneByID returns the report of the lane with the given ID, or nil.
func (r *Report) LaneByID(id int) *LaneReport {
	for _, l := range r.Lanes {
		if l.ID == id {
			return l
		}
	}
	return nil
}
