package diagnose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// Along a chain every hop is diagnosed against the hop before it, with the
// same rules that compare a proxied lane with a direct one. A pattern is
// thereby named at the first hop that shows it: the hops after it inherit
// it from their reference, which already shows it, so the rules stay
// silent there. A finding already named at an earlier hop is not repeated
// for a later one.

// chained returns the options with the chain's origin as the reference
// when a chain is given and no reference is.
func (o Options) chained() Options {
	if len(o.Chain) >= 2 && o.Reference == 0 {
		o.Reference = o.Chain[0]
	}
	return o
}

// findings runs the rules: hop by hop along a chain, else over the whole
// session.
func (d *diag) findings() []Finding {
	if len(d.opts.Chain) < 2 {
		return d.run()
	}
	lanes, err := chainLanes(d.snap, d.opts.Chain)
	if err != nil {
		return d.run()
	}
	return chainFindings(d.snap, d.opts, lanes)
}

// chainFindings diagnoses hop k against hop k−1 for every hop and names
// each finding after the hop where it first appears.
func chainFindings(snap *inspector.Snapshot, opts Options, lanes []*inspector.LaneSnapshot) []Finding {
	out := []Finding{}
	named := make(map[string]bool)
	for k := 1; k < len(lanes); k++ {
		sub := &inspector.Snapshot{Start: snap.Start, Taken: snap.Taken, Lanes: []*inspector.LaneSnapshot{lanes[k-1], lanes[k]}}
		sub.Lanes = append(sub.Lanes, sideRequests(snap, lanes[k])...)
		o := opts
		o.Chain, o.Reference = nil, lanes[k-1].Info.ID
		d := newDiag(sub, o)
		for _, f := range d.run() {
			hop := findingHop(f, k, lanes)
			if hop < 0 || named[f.ID] {
				continue
			}
			named[f.ID] = true
			out = append(out, nameHop(f, d, hop, lanes))
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	return out
}

// sideRequests are the session's plain requests to the host of a hop's
// lane (the side request compare sends to name the outermost proxy): they
// join the hop's comparison, where they can name its proxy.
func sideRequests(snap *inspector.Snapshot, hop *inspector.LaneSnapshot) []*inspector.LaneSnapshot {
	host := hostOf(hop.Info.URL)
	var out []*inspector.LaneSnapshot
	for _, l := range snap.Lanes {
		if l.Info.Kind == inspector.LaneRequest && host != "" && hostOf(l.Info.URL) == host {
			out = append(out, l)
		}
	}
	return out
}

// findingHop is the hop a finding of the comparison of hop k with hop k−1
// is about: its first lane's, or -1 when it is about hop k−1 and was
// therefore decided in the comparison before (the origin, hop 0, has no
// comparison before it and keeps its findings).
func findingHop(f Finding, k int, lanes []*inspector.LaneSnapshot) int {
	if len(f.Lanes) == 0 {
		return k
	}
	switch f.Lanes[0] {
	case lanes[k].Info.ID:
		return k
	case lanes[k-1].Info.ID:
		if k == 1 {
			return 0
		}
	}
	return -1
}

// nameHop puts the hop's name in the finding's title and, for a buffer or
// compression, a first line of evidence contrasting it with the hop
// before.
func nameHop(f Finding, d *diag, hop int, lanes []*inspector.LaneSnapshot) Finding {
	f.Title = hopName(hop, lanes[hop]) + ": " + f.Title
	if hop == 0 || d.ref == nil || len(d.lanes) < 2 || d.lanes[1].snap != lanes[hop] {
		return f
	}
	ref, p := d.ref, d.lanes[1]
	var line string
	switch {
	case strings.Contains(f.ID, "buffering"):
		line = fmt.Sprintf("%s buffers: %s; %s %s", hopName(hop, lanes[hop]), p.burstSummary(),
			hopName(hop-1, lanes[hop-1]), ref.flowSummary())
	case strings.Contains(f.ID, "compression"):
		line = fmt.Sprintf("%s compresses the stream (Content-Encoding: %s); %s does not", hopName(hop, lanes[hop]),
			p.encoding(), hopName(hop-1, lanes[hop-1]))
	case f.ID == "lost-events" && p.matching != nil:
		line = fmt.Sprintf("%s lost %s that %s delivered", hopName(hop, lanes[hop]),
			plural(int64(len(p.matching.Lost)-pendingLost(p.matching)), "event", "events"), hopName(hop-1, lanes[hop-1]))
	default:
		return f
	}
	f.Evidence = append([]string{line}, f.Evidence...)
	return f
}

// burstSummary says in a few words how a buffered lane's events arrived.
func (f *laneFacts) burstSummary() string {
	b := f.bursts
	switch {
	case b.StepSize > 0 && b.Bursts > 0:
		return fmt.Sprintf("%d events per %s-byte read", (b.BurstEvents+b.Bursts/2)/b.Bursts, thousands(b.StepSize))
	case b.Bursts > 0:
		return fmt.Sprintf("up to %d events in one read, %d of %d events several to a read",
			b.MaxEvents, b.BurstEvents, len(f.events))
	case len(f.events) == 0:
		return "no event arrived"
	}
	for _, t := range b.Conns {
		if t.HeldToEnd {
			return "every event held until the connection ended"
		}
	}
	return "the response was held back"
}

// flowSummary says how a lane's events arrived, for contrast.
func (f *laneFacts) flowSummary() string {
	b := f.bursts
	if b.Bursts == 0 && len(f.events) > 0 {
		return "delivers each event at once"
	}
	return fmt.Sprintf("delivers %d of %d events one to a read", b.EventReads-b.Bursts, len(f.events))
}

// thousands formats n with a comma between thousands: 4,096.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
