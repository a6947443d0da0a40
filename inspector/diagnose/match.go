package diagnose

import "github.com/sseinspector/sseinspector/inspector"

// MatchMethod says how a lane's events were paired with a reference lane's.
type MatchMethod string

// Match methods, tried in this order of preference.
const (
	MatchByID       MatchMethod = "id"       // the k-th event with an id pairs with the k-th with that id
	MatchByData     MatchMethod = "data"     // the k-th event with a (type, data) pairs with the k-th with the same
	MatchByPosition MatchMethod = "position" // the i-th event pairs with the i-th
)

// Matching is the result of pairing the events of a lane with those of a
// reference lane (typically the same stream fetched directly).
type Matching struct {
	Lane    int
	RefLane int
	Method  MatchMethod
	Matches []Match
	// Lost are the reference events (by seq) that never arrived on the lane.
	Lost []int64
	// Extra are the lane's events (by seq) with no counterpart on the reference.
	Extra []int64
	// Delays holds, for every match, the lane's arrival minus the
	// reference's arrival (Source DelayReference), in the lane's event order.
	Delays []Delay
}

// minKeyedShare is the share of events a key-based method must pair before
// it is preferred over plain position: below it, the keys are not shared by
// the two lanes (per-connection data such as send times) and position is
// the better guess.
const minKeyedShare = 0.5

// MatchLanes pairs the events of lane with those of ref. It pairs by event
// id when the ids are distinctive, else by (type, data), else by position.
// Events are paired by occurrence, so a stream that repeats an id or a
// payload (a replay after a reconnect) pairs its k-th repetition with the
// reference's k-th and reports the rest as extra or lost.
func MatchLanes(ref, lane *inspector.LaneSnapshot) *Matching {
	return matchLanes(ref, lane, scanAll(ref), scanAll(lane))
}

// matchLanes is MatchLanes with the lanes' event meta already scanned.
func matchLanes(ref, lane *inspector.LaneSnapshot, refMeta, laneMeta []inspector.EventMeta) *Matching {
	m := &Matching{Lane: lane.Info.ID, RefLane: ref.Info.ID}
	if len(refMeta) == 0 || len(laneMeta) == 0 {
		m.Method = MatchByPosition
		m.pair(refMeta, laneMeta, nil, nil)
		return m
	}
	need := int(minKeyedShare * float64(min(len(refMeta), len(laneMeta))))
	if need < 1 {
		need = 1
	}
	idKey := func(i int, ms []inspector.EventMeta) string { return ms[i].ID }
	if distinctive(refMeta, idKey) && distinctive(laneMeta, idKey) {
		refKeys, laneKeys := keysOf(refMeta, idKey), keysOf(laneMeta, idKey)
		if countKeyed(refKeys, laneKeys) >= need {
			m.Method = MatchByID
			m.pair(refMeta, laneMeta, refKeys, laneKeys)
			return m
		}
	}
	refKeys, laneKeys := dataKeys(ref), dataKeys(lane)
	dataKey := func(i int, _ []inspector.EventMeta) string { return refKeys[i] }
	laneDataKey := func(i int, _ []inspector.EventMeta) string { return laneKeys[i] }
	if distinctive(refMeta, dataKey) && distinctive(laneMeta, laneDataKey) && countKeyed(refKeys, laneKeys) >= need {
		m.Method = MatchByData
		m.pair(refMeta, laneMeta, refKeys, laneKeys)
		return m
	}
	m.Method = MatchByPosition
	m.pair(refMeta, laneMeta, nil, nil)
	return m
}

// pair fills the matches, lost, extra and delays. With nil keys it pairs by
// position.
func (m *Matching) pair(refMeta, laneMeta []inspector.EventMeta, refKeys, laneKeys []string) {
	m.Matches = make([]Match, 0, min(len(refMeta), len(laneMeta)))
	m.Delays = make([]Delay, 0, min(len(refMeta), len(laneMeta)))
	refUsed := make([]bool, len(refMeta))
	laneRef := make([]int, len(laneMeta))
	for i := range laneRef {
		laneRef[i] = -1
	}
	if refKeys == nil {
		for i := 0; i < len(laneMeta) && i < len(refMeta); i++ {
			laneRef[i] = i
			refUsed[i] = true
		}
	} else {
		// Queue the reference occurrences of each key in order, then hand
		// them out to the lane's occurrences in order.
		queue := make(map[string][]int, len(refKeys))
		for i, k := range refKeys {
			if k != "" {
				queue[k] = append(queue[k], i)
			}
		}
		for i, k := range laneKeys {
			q := queue[k]
			if k == "" || len(q) == 0 {
				continue
			}
			laneRef[i] = q[0]
			refUsed[q[0]] = true
			queue[k] = q[1:]
		}
	}
	for i, r := range laneRef {
		lm := &laneMeta[i]
		if r < 0 {
			m.Extra = append(m.Extra, lm.Seq)
			continue
		}
		rm := &refMeta[r]
		m.Matches = append(m.Matches, Match{Lane: m.Lane, Seq: lm.Seq, RefLane: m.RefLane, RefSeq: rm.Seq})
		m.Delays = append(m.Delays, Delay{Lane: m.Lane, Seq: lm.Seq, Arrival: lm.Arrival,
			Delay: lm.Arrival - rm.Arrival, Source: DelayReference})
	}
	for i, used := range refUsed {
		if !used {
			m.Lost = append(m.Lost, refMeta[i].Seq)
		}
	}
}

// scanAll collects the meta of every held event of a lane.
func scanAll(l *inspector.LaneSnapshot) []inspector.EventMeta {
	out := make([]inspector.EventMeta, 0, l.Len())
	l.Scan(0, l.Len(), func(_ int, m *inspector.EventMeta) bool {
		out = append(out, *m)
		return true
	})
	return out
}

// distinctive reports whether a key tells events apart: most events have
// one, and the keys are not all alike. A constant id (sent once, inherited
// by every later event) or an empty one pairs nothing useful.
func distinctive(ms []inspector.EventMeta, key func(int, []inspector.EventMeta) string) bool {
	seen := make(map[string]struct{})
	keyed := 0
	for i := range ms {
		k := key(i, ms)
		if k == "" {
			continue
		}
		keyed++
		seen[k] = struct{}{}
	}
	return keyed*2 >= len(ms) && len(seen)*2 >= keyed && len(seen) > 1
}

func keysOf(ms []inspector.EventMeta, key func(int, []inspector.EventMeta) string) []string {
	out := make([]string, len(ms))
	for i := range ms {
		out[i] = key(i, ms)
	}
	return out
}

// dataKeys derives a (type, data) key per event. Decoding every event costs
// more than a scan, so it only happens when ids do not pair the lanes.
func dataKeys(l *inspector.LaneSnapshot) []string {
	out := make([]string, l.Len())
	for i := range out {
		ev := l.Event(i)
		if ev.Type == "" && ev.Data == "" {
			continue
		}
		out[i] = ev.Type + "\x00" + ev.Data
	}
	return out
}

// countKeyed counts how many lane events a key-based pairing would match.
func countKeyed(refKeys, laneKeys []string) int {
	avail := make(map[string]int, len(refKeys))
	for _, k := range refKeys {
		if k != "" {
			avail[k]++
		}
	}
	n := 0
	for _, k := range laneKeys {
		if k != "" && avail[k] > 0 {
			avail[k]--
			n++
		}
	}
	return n
}
