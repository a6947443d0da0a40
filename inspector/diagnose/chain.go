package diagnose

import (
	"fmt"
	"net/url"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// A chain is one stream fetched at every hop of a path: the origin first,
// then each proxy outwards (origin → nginx → CDN). Events are matched
// between neighbours, so what each hop adds is measured on its own: the
// arrival at hop k minus the arrival at hop k−1 of the same event.

// Chain is the events of a stream matched along a chain of lanes.
type Chain struct {
	// Lanes are the lane IDs, origin first.
	Lanes []int
	// Labels name the hops, in the same order.
	Labels []string
	// Links pairs each hop k ≥ 1 with hop k−1: Links[k-1] matches lane
	// Lanes[k] against Lanes[k-1].
	Links []*Matching
	// Events follow each origin event along the chain, in origin order.
	Events []ChainEvent
}

// ChainEvent is one origin event and when it arrived at each hop.
type ChainEvent struct {
	// Seqs holds the event's seq on each hop's lane, -1 where it never
	// arrived.
	Seqs []int64
	// Arrivals holds its arrival time at each hop, -1 where it never
	// arrived.
	Arrivals []time.Duration
}

// Added returns the delay hop k (k ≥ 1) added to the event, and whether
// both hop k and hop k−1 received it.
func (e *ChainEvent) Added(k int) (time.Duration, bool) {
	if k < 1 || k >= len(e.Arrivals) || e.Arrivals[k] < 0 || e.Arrivals[k-1] < 0 {
		return 0, false
	}
	return e.Arrivals[k] - e.Arrivals[k-1], true
}

// chainLanes resolves a chain of lane IDs against a snapshot.
func chainLanes(snap *inspector.Snapshot, ids []int) ([]*inspector.LaneSnapshot, error) {
	out := make([]*inspector.LaneSnapshot, len(ids))
	seen := make(map[int]bool, len(ids))
	for i, id := range ids {
		l := snap.Lane(id)
		if l == nil {
			return nil, fmt.Errorf("chain hop %d: no lane %d in the session", i, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("chain hop %d: lane %d is already hop of the chain", i, id)
		}
		seen[id] = true
		out[i] = l
	}
	return out, nil
}

// MatchChain matches the events of a chain of lanes (origin first) hop by
// hop. It needs at least two lanes.
func MatchChain(snap *inspector.Snapshot, ids []int) (*Chain, error) {
	if len(ids) < 2 {
		return nil, fmt.Errorf("a chain needs at least two lanes, got %d", len(ids))
	}
	lanes, err := chainLanes(snap, ids)
	if err != nil {
		return nil, err
	}
	metas := make([][]inspector.EventMeta, len(lanes))
	for i, l := range lanes {
		metas[i] = scanAll(l)
	}
	return matchChain(lanes, metas), nil
}

// matchChain is MatchChain with the lanes resolved and scanned.
func matchChain(lanes []*inspector.LaneSnapshot, metas [][]inspector.EventMeta) *Chain {
	c := &Chain{}
	for _, l := range lanes {
		c.Lanes = append(c.Lanes, l.Info.ID)
		c.Labels = append(c.Labels, hopLabel(l))
	}
	// next[k] maps a seq on hop k to the matching seq on hop k+1.
	next := make([]map[int64]int64, len(lanes)-1)
	arrival := make([]map[int64]time.Duration, len(lanes))
	for k := range lanes {
		arrival[k] = make(map[int64]time.Duration, len(metas[k]))
		for _, m := range metas[k] {
			arrival[k][m.Seq] = m.Arrival
		}
	}
	for k := 1; k < len(lanes); k++ {
		m := matchLanes(lanes[k-1], lanes[k], metas[k-1], metas[k])
		c.Links = append(c.Links, m)
		next[k-1] = make(map[int64]int64, len(m.Matches))
		for _, mt := range m.Matches {
			next[k-1][mt.RefSeq] = mt.Seq
		}
	}
	c.Events = make([]ChainEvent, 0, len(metas[0]))
	for _, m := range metas[0] {
		e := ChainEvent{Seqs: make([]int64, len(lanes)), Arrivals: make([]time.Duration, len(lanes))}
		seq, ok := m.Seq, true
		for k := range lanes {
			if k > 0 && ok {
				seq, ok = next[k-1][seq]
			}
			if !ok {
				e.Seqs[k], e.Arrivals[k] = -1, -1
				continue
			}
			e.Seqs[k], e.Arrivals[k] = seq, arrival[k][seq]
		}
		c.Events = append(c.Events, e)
	}
	return c
}

// hopLabel is how a hop is named: its lane's name, else "lane N".
func hopLabel(l *inspector.LaneSnapshot) string {
	if l.Info.Name != "" {
		return l.Info.Name
	}
	return fmt.Sprintf("lane %d", l.Info.ID)
}

// hopHost is the host:port a hop's lane was fetched from, or "".
func hopHost(l *inspector.LaneSnapshot) string {
	u, err := url.Parse(l.Info.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

// hopName is how evidence names hop k: "hop 2 (nginx, 127.0.0.1:8080)",
// and hop 0 "the origin (direct, 127.0.0.1:41234)".
func hopName(k int, l *inspector.LaneSnapshot) string {
	what := hopLabel(l)
	if h := hopHost(l); h != "" && h != what {
		what += ", " + h
	}
	if k == 0 {
		return "the origin (" + what + ")"
	}
	return fmt.Sprintf("hop %d (%s)", k, what)
}
