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
//	      "bursts": {"reads": 5, "eventReads": 5, "bursts": 5, "burstEvents": 80,
//	                 "maxEvents": 21, "maxAtMs": 1020.1, "innerReads": 4, "splitReads": 4,
//	                 "stepSize": 4096, "stepReads": 4, "meanRead": 3280,
//	                 "staircase": [{"tMs": 812.4, "conn": 0, "size": 4096, "total": 4096, "events": 20}, ...]},
//	      "disconnects": [{"conn": 0, "atMs": 4020, "cause": "eof", "by": "server", "idleMs": 0.3, ...}]
//	    }, ...
//	  },
//	  "delay": {
//	    "proxied": {"source": "stamp", "count": 80, "p50Ms": 480.2, "p95Ms": 951.0, "maxMs": 1002.7,
//	                "sources": {"stamp": {...}, "reference": {...}}}
//	  },
//	  "findings": [{"id": "nginx-buffering", "severity": "warning", "title": "...",
//	                "confidence": 0.9, "evidence": ["..."], "fix": "...", "lanes": [2, 1]}],
//	  "problems": true                     // a finding of warning severity or worse
//	}
//
// Times are milliseconds (fields ending in Ms); a time that never happened
// (no headers, no event) is omitted.
type Report struct {
	Start     time.Time              `json:"start"`
	Duration  float64                `json:"durationMs"`
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
	TimeToHeaders    *float64           `json:"timeToHeadersMs,omitempty"`
	TimeToFirstEvent *float64           `json:"timeToFirstEventMs,omitempty"`
	EventsPerSecond  float64            `json:"eventsPerSecond"`
	Comments         int                `json:"comments"`
	Matching         *MatchReport       `json:"matching,omitempty"`
	// NotCompared says why a lane was not compared with the reference:
	// it does not carry the same stream.
	NotCompared string            `json:"notCompared,omitempty"`
	Bursts      BurstReport       `json:"bursts"`
	Disconnects []DisconnectEntry `json:"disconnects,omitempty"`
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

// BurstReport is Bursts with times in milliseconds.
type BurstReport struct {
	Reads       int         `json:"reads"`
	EventReads  int         `json:"eventReads"`
	Bursts      int         `json:"bursts"`
	BurstEvents int         `json:"burstEvents"`
	MaxEvents   int         `json:"maxEvents"`
	MaxAt       float64     `json:"maxAtMs"`
	InnerReads  int         `json:"innerReads"`
	SplitReads  int         `json:"splitReads"`
	StepSize    int         `json:"stepSize,omitempty"`
	StepReads   int         `json:"stepReads,omitempty"`
	MeanRead    float64     `json:"meanRead"`
	Staircase   []StepEntry `json:"staircase,omitempty"`
}

// StepEntry is a Step with its time in milliseconds.
type StepEntry struct {
	At     float64 `json:"tMs"`
	Conn   int     `json:"conn"`
	Size   int     `json:"size"`
	Total  int64   `json:"total"`
	Events int     `json:"events"`
}

// DisconnectEntry is a Disconnect with times in milliseconds.
type DisconnectEntry struct {
	Conn            int                  `json:"conn"`
	At              float64              `json:"atMs"`
	Cause           inspector.CloseCause `json:"cause"`
	Peer            inspector.CloseCause `json:"peer,omitempty"`
	By              Closer               `json:"by"`
	Err             string               `json:"err,omitempty"`
	Idle            float64              `json:"idleMs"`
	Lifetime        float64              `json:"lifetimeMs"`
	LongestGap      float64              `json:"longestGapMs"`
	Events          int64                `json:"events"`
	LastID          string               `json:"lastId,omitempty"`
	Reconnected     bool                 `json:"reconnected"`
	ReconnectDelay  *float64             `json:"reconnectDelayMs,omitempty"`
	LastEventIDSent string               `json:"lastEventIdSent,omitempty"`
	FirstIDAfter    string               `json:"firstIdAfter,omitempty"`
	Duplicated      int                  `json:"duplicated,omitempty"`
	Skipped         int                  `json:"skipped,omitempty"`
}

// LaneDelay is a lane's per-event delay: the percentiles of its primary
// source, and every source measured.
type LaneDelay struct {
	Source  DelaySource                  `json:"source"`
	Count   int                          `json:"count"`
	P50     float64                      `json:"p50Ms"`
	P95     float64                      `json:"p95Ms"`
	Max     float64                      `json:"maxMs"`
	Sources map[DelaySource]DelaySummary `json:"sources"`
}

// DelaySummary is DelayStats in milliseconds.
type DelaySummary struct {
	Count int     `json:"count"`
	Min   float64 `json:"minMs"`
	P50   float64 `json:"p50Ms"`
	P95   float64 `json:"p95Ms"`
	Max   float64 `json:"maxMs"`
}

// ms converts a duration to milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

func msPtr(d time.Duration) *float64 {
	if d < 0 {
		return nil
	}
	v := ms(d)
	return &v
}

// Analyze measures every lane of a snapshot and diagnoses it.
func Analyze(snap *inspector.Snapshot, opts Options) *Report {
	d := newDiag(snap, opts)
	r := &Report{Start: snap.Start, Duration: ms(snap.End()),
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
	r.Findings = d.run()
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
		Client: l.Info.Client, Connections: len(l.Conns), Events: l.TotalEvents(), Comments: f.comments()}
	for _, c := range l.Conns {
		lr.Bytes += c.Bytes
		lr.WireBytes += c.WireBytes
	}
	if c := f.responded(); c != nil {
		lr.Status, lr.Proto, lr.Headers = c.Status, c.Proto, c.ResponseHeader
	}
	if t := f.firstTiming(); t != nil {
		lr.TimeToHeaders = msPtr(t.ToHeaders)
		lr.TimeToFirstEvent = msPtr(t.ToFirstEvent)
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
	b := f.bursts
	lr.Bursts = BurstReport{Reads: b.Reads, EventReads: b.EventReads, Bursts: b.Bursts, BurstEvents: b.BurstEvents,
		MaxEvents: b.MaxEvents, MaxAt: ms(b.MaxAt), InnerReads: b.InnerReads, SplitReads: b.SplitReads,
		StepSize: b.StepSize, StepReads: b.StepReads, MeanRead: math.Round(b.MeanRead*10) / 10}
	for _, s := range b.Staircase {
		lr.Bursts.Staircase = append(lr.Bursts.Staircase, StepEntry{At: ms(s.At), Conn: s.Conn, Size: s.Size,
			Total: s.Total, Events: s.Events})
	}
	for _, dc := range f.disconnects {
		e := DisconnectEntry{Conn: dc.Conn, At: ms(dc.End), Cause: dc.Cause, Peer: dc.Peer, By: dc.By, Err: dc.Err,
			Idle: ms(dc.Idle), Lifetime: ms(dc.Lifetime), LongestGap: ms(dc.LongestGap), Events: dc.Events,
			LastID: dc.LastID, Reconnected: dc.Reconnected, LastEventIDSent: dc.LastEventIDSent,
			FirstIDAfter: dc.FirstIDAfter, Duplicated: dc.Duplicated, Skipped: dc.Skipped}
		if dc.Reconnected {
			e.ReconnectDelay = msPtr(dc.ReconnectDelay)
		}
		lr.Disconnects = append(lr.Disconnects, e)
	}
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
	ld := &LaneDelay{Sources: make(map[DelaySource]DelaySummary)}
	for _, src := range []DelaySource{DelayStamp, DelayReference, DelayTap} {
		st := SummarizeDelays(sources[src])
		if st.Count == 0 {
			continue
		}
		ld.Sources[src] = DelaySummary{Count: st.Count, Min: ms(st.Min), P50: ms(st.P50), P95: ms(st.P95), Max: ms(st.Max)}
		if ld.Count == 0 {
			ld.Source, ld.Count, ld.P50, ld.P95, ld.Max = src, st.Count, ms(st.P50), ms(st.P95), ms(st.Max)
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
