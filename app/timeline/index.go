package timeline

import (
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
)

// index holds, per lane, flat arrays that make per-frame drawing cost
// depend on the pixel width rather than the session's size. It is built on
// first use and extended when Data.Snapshot is replaced by a newer snapshot
// of the same session: recorded events and reads never change, so only
// the new ones are scanned.
type index struct {
	start   time.Time
	lanes   map[int]*laneIndex
	delays  map[int]*delayIndex
	matches *matchIndex
}

// laneIndex is one lane's event arrivals, bursts and bytes-over-time.
type laneIndex struct {
	dropped, droppedReads int64

	arrivals []int64 // arrival of each held event, ns
	// bursts are the reads that completed two events or more, in order.
	bursts      []burst
	burstEvents int     // events in bursts
	burstSizes  [33]int // bursts by bits.Len of their event count
	runFirst    int     // first event of the run completed by runRead
	runRead     int64   // read that completed the last event

	readAt  []int64 // time of each held read, ns
	readCum []int64 // decoded bytes received up to and including each held read
}

// burst is a read that completed the events first..last (indices).
type burst struct {
	first, last int
	at          int64
}

func (b burst) count() int { return b.last - b.first + 1 }

// delayIndex is one lane's delays in arrival order, with the minimum and
// maximum of each block of delayBlock, for per-column aggregation.
type delayIndex struct {
	src      *diagnose.Delay // identity of the slice it was built from
	n        int
	delays   []diagnose.Delay
	blockMin []int64
	blockMax []int64
}

const delayBlock = 32

// matchIndex is Data.Matches split by lane and sorted by seq.
type matchIndex struct {
	src    *diagnose.Match
	n      int
	last   diagnose.Match // all[n-1], to recognise an extension
	byLane map[int][]diagnose.Match
}

// index returns d's index brought up to date with d's snapshot and analyses.
func (d *Data) index() *index {
	if d.idx == nil || d.Snapshot == nil || !d.idx.start.Equal(d.Snapshot.Start) {
		d.idx = &index{lanes: map[int]*laneIndex{}, delays: map[int]*delayIndex{}}
		if d.Snapshot != nil {
			d.idx.start = d.Snapshot.Start
		}
	}
	return d.idx
}

// lane returns the up-to-date index of a lane snapshot.
func (x *index) lane(s *inspector.LaneSnapshot) *laneIndex {
	li := x.lanes[s.Info.ID]
	if li == nil || !li.validFor(s) {
		li = &laneIndex{dropped: s.DroppedEvents, droppedReads: s.DroppedReads, runFirst: -1}
		x.lanes[s.Info.ID] = li
	}
	li.extend(s)
	return li
}

// validFor reports whether li describes a prefix of s.
func (li *laneIndex) validFor(s *inspector.LaneSnapshot) bool {
	n, r := len(li.arrivals), len(li.readAt)
	return li.dropped == s.DroppedEvents && li.droppedReads == s.DroppedReads &&
		n <= s.Len() && r <= s.ReadCount() &&
		(n == 0 || int64(s.Arrival(n-1)) == li.arrivals[n-1]) &&
		(r == 0 || int64(s.Read(r-1).At) == li.readAt[r-1])
}

// extend indexes the events and reads of s not indexed yet.
func (li *laneIndex) extend(s *inspector.LaneSnapshot) {
	if n := s.Len(); n > len(li.arrivals) {
		li.arrivals = slices.Grow(li.arrivals, n-len(li.arrivals))
		s.Scan(len(li.arrivals), n, func(i int, m *inspector.EventMeta) bool {
			li.arrivals = append(li.arrivals, int64(m.Arrival))
			if li.runFirst >= 0 && m.LastRead == li.runRead {
				if i-li.runFirst == 1 {
					li.bursts = append(li.bursts, burst{first: li.runFirst, last: i, at: int64(m.Arrival)})
					li.burstEvents += 2
					li.burstSizes[bits.Len(2)]++
				} else {
					bu := &li.bursts[len(li.bursts)-1]
					li.burstSizes[bits.Len(uint(bu.count()))]--
					bu.last = i
					li.burstSizes[bits.Len(uint(bu.count()))]++
					li.burstEvents++
				}
			} else {
				li.runFirst, li.runRead = i, m.LastRead
			}
			return true
		})
	}
	if n := s.ReadCount(); n > len(li.readAt) {
		var cum int64
		if k := len(li.readCum); k > 0 {
			cum = li.readCum[k-1]
		}
		for i := len(li.readAt); i < n; i++ {
			r := s.Read(i)
			cum += int64(r.Size)
			li.readAt = append(li.readAt, int64(r.At))
			li.readCum = append(li.readCum, cum)
		}
	}
}

// search returns the first index in a sorted slice whose value is ≥ t.
func search(a []int64, t int64) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// burstShare is the share of the lane's events that came several to a
// read, and the mean number of events in such a read.
func (li *laneIndex) burstShare() (share, mean float64) {
	if len(li.arrivals) == 0 || len(li.bursts) == 0 {
		return 0, 0
	}
	return float64(li.burstEvents) / float64(len(li.arrivals)), float64(li.burstEvents) / float64(len(li.bursts))
}

// rareBurst is a burst size (a power of two) that at most one burst in
// 200 of the lane reaches.
func (li *laneIndex) rareBurst() int {
	allowed := max(1, len(li.bursts)/200)
	above := 0
	for k := len(li.burstSizes) - 1; k > 1; k-- {
		if above+li.burstSizes[k] > allowed {
			return 1 << k // the next power of two above this bucket
		}
		above += li.burstSizes[k]
	}
	return 2
}

// burstOf returns the burst holding event i, if any.
func (li *laneIndex) burstOf(i int) (burst, bool) {
	k := sort.Search(len(li.bursts), func(k int) bool { return li.bursts[k].last >= i })
	if k < len(li.bursts) && li.bursts[k].first <= i {
		return li.bursts[k], true
	}
	return burst{}, false
}

// bytesAt is the decoded bytes received by time t (reads at or before t).
func (li *laneIndex) bytesAt(t int64) int64 {
	k := search(li.readAt, t+1)
	if k == 0 {
		return 0
	}
	return li.readCum[k-1]
}

// delaysOf returns the up-to-date delay index of a lane. Delays that
// grew by appending (a live measurement) extend the index; anything else
// rebuilds it.
func (x *index) delaysOf(lane int, ds []diagnose.Delay) *delayIndex {
	if len(ds) == 0 {
		return nil
	}
	di := x.delays[lane]
	if di != nil && di.src == &ds[0] && di.n == len(ds) {
		return di
	}
	if di != nil && di.extends(ds) {
		di.extend(ds)
		x.delays[lane] = di
		return di
	}
	di = &delayIndex{src: &ds[0], n: len(ds), delays: ds}
	if !slices.IsSortedFunc(ds, func(a, b diagnose.Delay) int { return cmpDur(a.Arrival, b.Arrival) }) {
		di.delays = slices.Clone(ds)
		slices.SortStableFunc(di.delays, func(a, b diagnose.Delay) int { return cmpDur(a.Arrival, b.Arrival) })
	}
	di.blockMin, di.blockMax = nil, nil
	di.fillBlocks(0)
	x.delays[lane] = di
	return di
}

// extends reports whether ds is the indexed delays (kept in their own
// order) with more appended in arrival order.
func (di *delayIndex) extends(ds []diagnose.Delay) bool {
	n := di.n
	if len(ds) <= n || len(di.delays) != n || di.src != &di.delays[0] || ds[n-1] != di.delays[n-1] {
		return false
	}
	return ds[n].Arrival >= ds[n-1].Arrival &&
		slices.IsSortedFunc(ds[n:], func(a, b diagnose.Delay) int { return cmpDur(a.Arrival, b.Arrival) })
}

// extend takes the appended delays, recomputing only the blocks they touch.
func (di *delayIndex) extend(ds []diagnose.Delay) {
	from := di.n / delayBlock
	di.src, di.n, di.delays = &ds[0], len(ds), ds
	di.blockMin, di.blockMax = di.blockMin[:from], di.blockMax[:from]
	di.fillBlocks(from)
}

// fillBlocks computes the minimum and maximum of blocks from on.
func (di *delayIndex) fillBlocks(from int) {
	nb := (len(di.delays) + delayBlock - 1) / delayBlock
	for b := from; b < nb; b++ {
		lo, hi := b*delayBlock, min((b+1)*delayBlock, len(di.delays))
		mn, mx := int64(di.delays[lo].Delay), int64(di.delays[lo].Delay)
		for _, e := range di.delays[lo+1 : hi] {
			mn, mx = min(mn, int64(e.Delay)), max(mx, int64(e.Delay))
		}
		di.blockMin, di.blockMax = append(di.blockMin, mn), append(di.blockMax, mx)
	}
}

// search returns the first delay arriving at or after t.
func (di *delayIndex) search(t time.Duration) int {
	return sort.Search(len(di.delays), func(i int) bool { return di.delays[i].Arrival >= t })
}

// rangeMinMax is the smallest and largest delay among delays[lo:hi].
func (di *delayIndex) rangeMinMax(lo, hi int) (mn, mx int64) {
	mn, mx = 1<<62, -1<<62
	for lo < hi && lo%delayBlock != 0 {
		v := int64(di.delays[lo].Delay)
		mn, mx = min(mn, v), max(mx, v)
		lo++
	}
	for ; lo+delayBlock <= hi; lo += delayBlock {
		b := lo / delayBlock
		mn, mx = min(mn, di.blockMin[b]), max(mx, di.blockMax[b])
	}
	for ; lo < hi; lo++ {
		v := int64(di.delays[lo].Delay)
		mn, mx = min(mn, v), max(mx, v)
	}
	return mn, mx
}

// matchesOf returns a lane's matches sorted by seq. Matches that grew by
// appending (a live measurement) extend the index; anything else rebuilds
// it.
func (x *index) matchesOf(all []diagnose.Match, lane int) []diagnose.Match {
	if len(all) == 0 {
		return nil
	}
	mi := x.matches
	switch {
	case mi != nil && mi.src == &all[0] && mi.n == len(all):
	case mi != nil && len(all) > mi.n && all[mi.n-1] == mi.last:
		mi.add(all[mi.n:])
		mi.src, mi.n, mi.last = &all[0], len(all), all[len(all)-1]
	default:
		mi = &matchIndex{src: &all[0], n: len(all), last: all[len(all)-1], byLane: map[int][]diagnose.Match{}}
		mi.add(all)
		x.matches = mi
	}
	return mi.byLane[lane]
}

// add files matches by lane, keeping each lane's sorted by seq.
func (mi *matchIndex) add(ms []diagnose.Match) {
	touched := map[int]bool{}
	for _, m := range ms {
		l := mi.byLane[m.Lane]
		if n := len(l); n > 0 && l[n-1].Seq > m.Seq {
			touched[m.Lane] = true
		}
		mi.byLane[m.Lane] = append(l, m)
	}
	for lane := range touched {
		slices.SortFunc(mi.byLane[lane], cmpSeq)
	}
}

func cmpSeq(a, b diagnose.Match) int {
	switch {
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

func cmpDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
