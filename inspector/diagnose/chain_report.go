package diagnose

import (
	"fmt"
	"io"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// HopReport is one hop of a chain in a report's "hops" section:
//
//	"hops": [
//	  {"hop": 0, "label": "origin", "lane": "origin", "url": "http://127.0.0.1:41234/stream",
//	   "host": "127.0.0.1:41234", "events": 80},
//	  {"hop": 1, "label": "nginx", "lane": "nginx", "url": "http://127.0.0.1:8080/stream",
//	   "host": "127.0.0.1:8080", "events": 80,
//	   "matching": {"method": "id", "matched": 80, "lost": 0, "pending": 0, "extra": 0},
//	   "added": {"source": "reference", "count": 80, "minMs": 0.1, "p50Ms": 480.2, "p95Ms": 951.0, "maxMs": 1002.7},
//	   "total": {"source": "reference", "count": 80, "minMs": 0.1, "p50Ms": 480.2, "p95Ms": 951.0, "maxMs": 1002.7},
//	   "findings": ["nginx-buffering"]},
//	  ...
//	]
//
// "matching" pairs the hop's events with the hop before it; "added" is the
// delay the hop itself added (arrival here minus arrival at the hop
// before), "total" the delay since the origin. Hop 0, the origin, has
// neither. The section is present only when a chain was analysed.
type HopReport struct {
	Hop      int          `json:"hop"`
	Label    string       `json:"label"`
	Lane     string       `json:"lane"`
	URL      string       `json:"url"`
	Host     string       `json:"host,omitempty"`
	Events   int64        `json:"events"`
	Matching *MatchReport `json:"matching,omitempty"`
	Added    *DelayStats  `json:"added,omitempty"`
	Total    *DelayStats  `json:"total,omitempty"`
	Findings []string     `json:"findings,omitempty"`
}

// addHops fills the report's chain and hops section when the analysis
// followed a chain.
func (r *Report) addHops(d *diag) {
	if len(d.opts.Chain) < 2 {
		return
	}
	lanes, err := chainLanes(d.snap, d.opts.Chain)
	if err != nil {
		return
	}
	metas := make([][]inspector.EventMeta, len(lanes))
	for i, l := range lanes {
		metas[i] = d.metaOf(l.Info.ID)
	}
	c := matchChain(lanes, metas)
	r.Chain = c
	keys := laneKeys(d.snap)
	for k, l := range lanes {
		h := HopReport{Hop: k, Label: c.Labels[k], Lane: keys[l.Info.ID], URL: l.Info.URL, Host: hopHost(l),
			Events: l.TotalEvents()}
		if k > 0 {
			m := c.Links[k-1]
			h.Matching = &MatchReport{Method: m.Method, Matched: len(m.Matches), Lost: len(m.Lost), Extra: len(m.Extra)}
			h.Matching.Pending = pendingLost(m)
			h.Added = summaryPtr(SummarizeDelays(m.Delays))
			var total []Delay
			for i := range c.Events {
				e := &c.Events[i]
				if e.Arrivals[k] >= 0 {
					total = append(total, Delay{Lane: l.Info.ID, Seq: e.Seqs[k], Arrival: e.Arrivals[k],
						Delay: e.Arrivals[k] - e.Arrivals[0], Source: DelayReference})
				}
			}
			h.Total = summaryPtr(SummarizeDelays(total))
		}
		prefix := hopName(k, l) + ":"
		for _, f := range r.Findings {
			if strings.HasPrefix(f.Title, prefix) {
				h.Findings = append(h.Findings, f.ID)
			}
		}
		r.Hops = append(r.Hops, h)
	}
}

// pendingLost counts the lost events sent after the last one that arrived.
func pendingLost(m *Matching) int {
	var lastRef int64 = -1
	for _, mt := range m.Matches {
		lastRef = max(lastRef, mt.RefSeq)
	}
	n := 0
	for _, seq := range m.Lost {
		if seq > lastRef {
			n++
		}
	}
	return n
}

func summaryPtr(st DelayStats) *DelayStats {
	if st.Count == 0 {
		return nil
	}
	return &st
}

// metaOf returns the scanned events of a lane of the diagnosis.
func (d *diag) metaOf(id int) []inspector.EventMeta {
	for _, f := range d.lanes {
		if f.id() == id {
			return f.events
		}
	}
	return nil
}

// writeHops renders the hops of a chain, origin first.
func (r *Report) writeHops(w io.Writer) {
	if len(r.Hops) == 0 {
		return
	}
	fmt.Fprintln(w, "Hops (origin first; delay each hop added to the hop before it)")
	for _, h := range r.Hops {
		fmt.Fprintf(w, "  %d %s  %s  %s\n", h.Hop, h.Label, h.Host, plural(h.Events, "event", "events"))
		if h.Matching != nil {
			fmt.Fprintf(w, "      %d matched by %s, %d lost (%d maybe still buffered), %d extra\n",
				h.Matching.Matched, h.Matching.Method, h.Matching.Lost, h.Matching.Pending, h.Matching.Extra)
		}
		if a := h.Added; a != nil {
			fmt.Fprintf(w, "      added p50 %s, p95 %s, max %s", fmtDur(a.P50), fmtDur(a.P95), fmtDur(a.Max))
			if t := h.Total; t != nil {
				fmt.Fprintf(w, "; since the origin p50 %s, p95 %s, max %s", fmtDur(t.P50), fmtDur(t.P95), fmtDur(t.Max))
			}
			fmt.Fprintln(w)
		}
		if len(h.Findings) > 0 {
			fmt.Fprintf(w, "      first shows: %s\n", strings.Join(h.Findings, ", "))
		}
	}
	fmt.Fprintln(w)
}

// TimelineDelays returns the per-event delays a timeline draws, by lane
// ID: Delays, except that along an analysed chain each hop's lane carries
// the delay that hop added (arrival there minus arrival at the hop
// before), so the dots show where along the chain the time went.
func (r *Report) TimelineDelays() map[int][]Delay {
	if r.Chain == nil {
		return r.Delays
	}
	out := make(map[int][]Delay, len(r.Delays))
	for id, ds := range r.Delays {
		out[id] = ds
	}
	for k, link := range r.Chain.Links {
		out[r.Chain.Lanes[k+1]] = link.Delays
	}
	return out
}
