package diagnose

import (
	"slices"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// liveDecideAfter is how many events both lanes must hold for Live's
// choice of how to pair them to be final: enough for distinctive ids to
// show. A choice made on fewer events (a short recording) is made again
// each time both lanes have doubled.
const liveDecideAfter = 8

// maxLivePending bounds the events one side of a pairing keeps while they
// wait for their counterpart; beyond it the oldest are given up as lost,
// so a lane whose reference stopped cannot grow the matcher without end.
const maxLivePending = 1 << 16

// liveMatcher pairs a lane's events with the reference's as they arrive,
// by the method chosen once: the k-th occurrence of a key on one side
// pairs with the k-th on the other, whichever arrives first.
type liveMatcher struct {
	method           MatchMethod
	basis            int   // events on the shorter lane when the method was chosen
	refNext, laneNxt int64 // seq of the next event to read on each side
	ref, lane        pendingSide
}

// pendingEvent is an event waiting for its counterpart.
type pendingEvent struct {
	seq     int64
	arrival time.Duration
}

// pendingSide holds one side's unpaired events by key, and their keys in
// arrival order to give up the oldest first.
type pendingSide struct {
	byKey map[string][]pendingEvent
	order []string
	head  int
	n     int
}

func (p *pendingSide) push(k string, e pendingEvent) {
	if p.byKey == nil {
		p.byKey = map[string][]pendingEvent{}
	}
	p.byKey[k] = append(p.byKey[k], e)
	p.order = append(p.order, k)
	p.n++
	for p.n > maxLivePending {
		p.popOldest()
	}
	if len(p.order)-p.head > 2*p.n+1024 {
		p.compact()
	}
}

// compact drops from the order list the keys no longer pending, so that
// the list follows the pending events instead of every event seen.
func (p *pendingSide) compact() {
	kept := p.order[:0]
	for _, k := range p.order[p.head:] {
		if _, ok := p.byKey[k]; ok {
			kept = append(kept, k)
		}
	}
	clear(p.order[len(kept):])
	p.order, p.head = kept, 0
}

// take removes and returns the oldest pending event with key k.
func (p *pendingSide) take(k string) (pendingEvent, bool) {
	q := p.byKey[k]
	if len(q) == 0 {
		return pendingEvent{}, false
	}
	e := q[0]
	if len(q) == 1 {
		delete(p.byKey, k)
	} else {
		p.byKey[k] = q[1:]
	}
	p.n--
	return e, true
}

// popOldest gives up the oldest pending event. The order list may name
// keys already taken: those entries are skipped.
func (p *pendingSide) popOldest() {
	for p.head < len(p.order) {
		k := p.order[p.head]
		p.order[p.head] = ""
		p.head++
		if _, ok := p.take(k); ok {
			break
		}
	}
	if p.head > len(p.order)/2 && p.head > 1024 {
		p.order = slices.Clone(p.order[p.head:])
		p.head = 0
	}
}

// pair pairs the new events of lane l with those of the reference r.
func (lv *Live) pair(r, l *inspector.LaneSnapshot, ll *liveLane) {
	shorter := min(r.Len(), l.Len())
	switch {
	case shorter == 0:
		return
	case ll.m == nil:
		ll.m = &liveMatcher{method: MatchLanes(r, l).Method, basis: shorter, refNext: r.DroppedEvents, laneNxt: l.DroppedEvents}
	case ll.m.basis < liveDecideAfter && shorter >= 2*ll.m.basis:
		if method := MatchLanes(r, l).Method; method != ll.m.method {
			lv.forget(l.Info.ID, ll)
			ll.m = &liveMatcher{method: method, refNext: r.DroppedEvents, laneNxt: l.DroppedEvents}
		}
		ll.m.basis = shorter
	}
	m := ll.m
	key := m.keyFunc()
	// Read both sides in arrival order, so that whichever side's event
	// comes first waits for the other's.
	ri := int(max(m.refNext, r.DroppedEvents) - r.DroppedEvents)
	li := int(max(m.laneNxt, l.DroppedEvents) - l.DroppedEvents)
	for ri < r.Len() || li < l.Len() {
		fromRef := li >= l.Len() || (ri < r.Len() && r.Arrival(ri) <= l.Arrival(li))
		if fromRef {
			k, seq, at := key(r, ri)
			ri++
			if k == "" {
				continue
			}
			if e, ok := m.lane.take(k); ok {
				lv.addMatch(ll, l.Info.ID, r.Info.ID, e, pendingEvent{seq, at})
			} else {
				m.ref.push(k, pendingEvent{seq, at})
			}
			continue
		}
		k, seq, at := key(l, li)
		li++
		if k == "" {
			continue
		}
		if e, ok := m.ref.take(k); ok {
			lv.addMatch(ll, l.Info.ID, r.Info.ID, pendingEvent{seq, at}, e)
		} else {
			m.lane.push(k, pendingEvent{seq, at})
		}
	}
	m.refNext, m.laneNxt = r.TotalEvents(), l.TotalEvents()
}

// forget drops a lane's pairs, to pair it again by another method.
// Slices handed out earlier stay as they were.
func (lv *Live) forget(lane int, ll *liveLane) {
	delete(lv.matches, lane)
	delete(lv.delays, lane)
	ll.refs = nil
}

// keyFunc returns the key an event is paired by under the method, with
// its seq and arrival; "" means the event pairs with nothing.
func (m *liveMatcher) keyFunc() func(l *inspector.LaneSnapshot, i int) (string, int64, time.Duration) {
	switch m.method {
	case MatchByID:
		return func(l *inspector.LaneSnapshot, i int) (string, int64, time.Duration) {
			var k string
			var seq int64
			var at time.Duration
			l.Scan(i, i+1, func(_ int, em *inspector.EventMeta) bool {
				k, seq, at = em.ID, em.Seq, em.Arrival
				return false
			})
			return k, seq, at
		}
	case MatchByData:
		return func(l *inspector.LaneSnapshot, i int) (string, int64, time.Duration) {
			ev := l.Event(i)
			if ev.Type == "" && ev.Data == "" {
				return "", ev.Seq, ev.Arrival
			}
			return ev.Type + "\x00" + ev.Data, ev.Seq, ev.Arrival
		}
	}
	// By position: the key is the occurrence number on its lane, so the
	// i-th event of each side pairs with the other's i-th.
	return func(l *inspector.LaneSnapshot, i int) (string, int64, time.Duration) {
		seq := l.DroppedEvents + int64(i)
		return positionKey(seq), seq, l.Arrival(i)
	}
}

// positionKey is an event's sequence number as a map key.
func positionKey(seq int64) string {
	var b [8]byte
	for i := range b {
		b[i] = byte(seq >> (8 * i))
	}
	return string(b[:])
}

// addMatch records a pair and the lane event's delay against the
// reference. Delays stay in the lane's event order: the rare pair that
// completes out of order is inserted into a copy, so slices handed out
// earlier never change.
func (lv *Live) addMatch(ll *liveLane, lane, refLane int, ev, ref pendingEvent) {
	lv.matches[lane] = insertBySeq(lv.matches[lane], Match{Lane: lane, Seq: ev.seq, RefLane: refLane, RefSeq: ref.seq},
		func(m Match) int64 { return m.Seq })
	if len(ll.stamps) > 0 {
		return // the lane's stamps are its primary delays: keep one set only
	}
	d := Delay{Lane: lane, Seq: ev.seq, Arrival: ev.arrival, Delay: ev.arrival - ref.arrival, Source: DelayReference}
	ll.refs = insertBySeq(ll.refs, d, func(d Delay) int64 { return d.Seq })
}

// insertBySeq adds v to a slice kept in seq order: appended, as almost
// always, or else inserted into a copy, so that slices handed out earlier
// never change.
func insertBySeq[T any](s []T, v T, seq func(T) int64) []T {
	if n := len(s); n == 0 || seq(s[n-1]) < seq(v) {
		return append(s, v)
	}
	at, _ := slices.BinarySearchFunc(s, seq(v), func(x T, q int64) int { return cmpInt64(seq(x), q) })
	return slices.Insert(slices.Clip(slices.Clone(s)), at, v)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// durationNs converts nanoseconds to a Duration.
func durationNs(ns int64) time.Duration { return time.Duration(ns) }
