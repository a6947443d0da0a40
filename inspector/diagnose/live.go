package diagnose

import (
	"github.com/sseinspector/sseinspector/inspector"
)

// Live measures the per-event delays and matches of a growing session
// incrementally: each Update looks only at the events that arrived since
// the previous one, so a live view can keep its delay figures current at a
// cost that follows the event rate, not the session's size. It computes
// what Analyze's Delays and Matches hold, with one difference: the match
// method (id, data or position) is chosen once per lane, from the events
// present when both lanes first hold some, instead of from the whole
// session at every call. Delays against the reference are kept only for
// lanes without send stamps, whose primary delays they are.
//
// A Live is for one session; it is not safe for concurrent use.
type Live struct {
	opts  Options
	start int64 // session start, to tell sessions apart
	stamp *stamper
	lanes map[int]*liveLane
	ref   int // reference lane ID, 0 for none

	matches map[int][]Match // by lane, in seq order
	delays  map[int][]Delay
}

// liveLane is what Live keeps about one lane between updates.
type liveLane struct {
	next   int64 // seq of the next event to look at
	stamps []Delay
	taps   []Delay
	refs   []Delay // delays against the reference lane
	m      *liveMatcher
}

// LiveResult is the state after an Update. Its slices are shared with the
// Live and only ever appended to: a caller may keep them, and slices from
// an earlier result stay valid and unchanged.
type LiveResult struct {
	// Delays holds each lane's delays from its primary source (stamp, else
	// reference, else tap), in arrival order, by lane ID.
	Delays map[int][]Delay
	// Matches pairs events of compared lanes with the reference's, by
	// lane ID, in seq order.
	Matches map[int][]Match
	// ReferenceID is the reference lane's ID, 0 without one.
	ReferenceID int
}

// NewLive starts an incremental measurement with the given options; the
// reference lane is resolved as in Analyze at each Update.
func NewLive(opts Options) *Live {
	lv := &Live{opts: opts, lanes: map[int]*liveLane{}, delays: map[int][]Delay{}, matches: map[int][]Match{}}
	if st, err := opts.Stamp.compile(); err == nil {
		lv.stamp = st
	}
	return lv
}

// Update measures the events of snap not measured yet. Passing a snapshot
// of another session, or one with a different reference lane, starts over.
func (lv *Live) Update(snap *inspector.Snapshot) LiveResult {
	ref := 0
	if r := referenceLane(snap, lv.opts); r != nil {
		ref = r.Info.ID
	}
	if start := snap.Start.UnixNano(); start != lv.start || ref != lv.ref {
		*lv = Live{opts: lv.opts, stamp: lv.stamp, start: start, ref: ref, lanes: map[int]*liveLane{}, delays: map[int][]Delay{}, matches: map[int][]Match{}}
	}
	var refSnap *inspector.LaneSnapshot
	if ref != 0 {
		refSnap = snap.Lane(ref)
	}
	for _, l := range snap.Lanes {
		ll := lv.lanes[l.Info.ID]
		if ll == nil {
			ll = &liveLane{}
			lv.lanes[l.Info.ID] = ll
		}
		lv.measure(l, ll)
	}
	if refSnap != nil {
		for _, l := range snap.Lanes {
			if l == refSnap || l.Info.Kind != inspector.LaneSubscription {
				continue
			}
			lv.pair(refSnap, l, lv.lanes[l.Info.ID])
		}
	}
	for id, ll := range lv.lanes {
		switch {
		case len(ll.stamps) > 0:
			lv.delays[id] = ll.stamps
		case len(ll.refs) > 0:
			lv.delays[id] = ll.refs
		case len(ll.taps) > 0:
			lv.delays[id] = ll.taps
		}
	}
	return LiveResult{Delays: lv.delays, Matches: lv.matches, ReferenceID: ref}
}

// measure reads a lane's new events: their stamps and tap delays.
func (lv *Live) measure(l *inspector.LaneSnapshot, ll *liveLane) {
	from := int(max(ll.next, l.DroppedEvents) - l.DroppedEvents)
	for i := from; i < l.Len(); i++ {
		if lv.stamp != nil {
			ev := l.Event(i)
			if sent, ok := lv.stamp.sendTime(ev.Data); ok {
				arrival := lv.start + int64(ev.Arrival)
				ll.stamps = append(ll.stamps, Delay{Lane: l.Info.ID, Seq: ev.Seq, Arrival: ev.Arrival,
					Delay: durationNs(arrival - sent.UnixNano()), Source: DelayStamp})
			}
		}
	}
	if l.Info.Kind == inspector.LaneTap {
		l.Scan(from, l.Len(), func(_ int, m *inspector.EventMeta) bool {
			if m.Delivered > 0 {
				ll.taps = append(ll.taps, Delay{Lane: l.Info.ID, Seq: m.Seq, Arrival: m.Arrival,
					Delay: m.Delivered - m.Arrival, Source: DelayTap})
			}
			return true
		})
	}
	ll.next = l.TotalEvents()
}
