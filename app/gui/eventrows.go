package gui

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// eventRows finds the event table's rows off the UI goroutine: deciding
// whether an event passes the filter, and learning its type for the type
// menu, means decoding it, which at high event rates must not hold up the
// window. The refresh loop calls build; the UI goroutine sets the filter.
type eventRows struct {
	mu      sync.Mutex
	gen     int // bumped by every filter change or reset
	filter  eventFilter
	seen    map[int]int64 // lane ID -> next seq to look at
	types   map[string]bool
	restart bool // the next build replaces the rows
}

// rowUpdate is what one build found: rows to append (or to replace the
// table's rows with, when reset) and event types not seen before.
type rowUpdate struct {
	gen   int
	reset bool
	fresh []eventRow
	types []string
}

// setFilter starts the rows over under a new filter and returns its
// generation; updates of older generations are to be ignored.
func (b *eventRows) setFilter(f eventFilter) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gen++
	b.filter, b.seen, b.restart = f, map[int]int64{}, true
	return b.gen
}

// resetTypes forgets the event types seen, for a new session.
func (b *eventRows) resetTypes() {
	b.mu.Lock()
	b.types = nil
	b.mu.Unlock()
}

// build finds the rows of the events that arrived since the last build.
func (b *eventRows) build(snap *inspector.Snapshot) *rowUpdate {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.types == nil {
		b.types = map[string]bool{}
	}
	u := &rowUpdate{gen: b.gen, reset: b.restart}
	b.restart = false
	var arrivals []time.Duration // of u.fresh, to sort them by
	for _, l := range snap.Lanes {
		if l.Info.Kind == inspector.LaneRequest {
			continue
		}
		id := l.Info.ID
		start := int(max(b.seen[id], l.DroppedEvents) - l.DroppedEvents)
		for i := start; i < l.Len(); i++ {
			ev := l.Event(i)
			if !b.types[ev.Type] {
				b.types[ev.Type] = true
				u.types = append(u.types, ev.Type)
			}
			if b.filter.matches(l, &ev) {
				u.fresh = append(u.fresh, eventRow{lane: int32(id), seq: ev.Seq})
				arrivals = append(arrivals, ev.Arrival)
			}
		}
		b.seen[id] = l.DroppedEvents + int64(l.Len())
	}
	sortByArrival(u.fresh, arrivals)
	return u
}

// sortByArrival sorts rows by their arrivals (given in the same order),
// keeping the order of equal ones.
func sortByArrival(rows []eventRow, arrivals []time.Duration) {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(arrivals[x], arrivals[y]) })
	sorted := make([]eventRow, len(rows))
	for i, k := range order {
		sorted[i] = rows[k]
	}
	copy(rows, sorted)
}
