package diagnose

import (
	"fmt"
	"strings"
	"time"
)

// Catch-all rules for a proxied lane that is slower than the direct one or
// misses events, when no rule with a named cause explains it.

// minNotableDelay is the median extra delay worth reporting: well above
// loopback and LAN jitter, well below what users notice as "late".
const minNotableDelay = 100 * time.Millisecond

// minNotableTail is the same for the 95th percentile.
const minNotableTail = 250 * time.Millisecond

// excessDelay is how much later a proxied lane's events arrive than the
// direct lane's: from send stamps when both lanes carry them (independent
// of when each connection started), else from the matched arrivals.
func excessDelay(p, ref *laneFacts) (p50, p95 time.Duration, how string, ok bool) {
	if len(p.stamps)*2 >= len(p.events) && len(ref.stamps)*2 >= len(ref.events) && len(p.stamps) > 0 && len(ref.stamps) > 0 {
		ps, rs := SummarizeDelays(p.stamps), SummarizeDelays(ref.stamps)
		return ps.P50.D() - rs.P50.D(), ps.P95.D() - rs.P95.D(),
			fmt.Sprintf("send stamps: %s p50 %s, p95 %s; %s p50 %s, p95 %s",
				p.name(), fmtDur(ps.P50), fmtDur(ps.P95), ref.name(), fmtDur(rs.P50), fmtDur(rs.P95)), true
	}
	if st := p.refDelays(); st.Count > 0 {
		return st.P50.D(), st.P95.D(), p.delayEvidence(ref), true
	}
	return 0, 0, "", false
}

func checkEventDelay(d *diag) []Finding {
	if d.ref == nil || d.ref.bufferSign(nil).held() {
		return nil
	}
	var out []Finding
	for _, p := range d.proxied() {
		if p.bufferSign(d.ref).held() || p.encoding() != "" {
			continue // a named cause covers it
		}
		p50, p95, how, ok := excessDelay(p, d.ref)
		if !ok || p50 < minNotableDelay && p95 < minNotableTail {
			continue
		}
		f := Finding{ID: "event-delay", Severity: SeverityWarning, Confidence: 0.5, Lanes: []int{p.id(), d.ref.id()},
			Title:    fmt.Sprintf("Events reach %s about %s later than %s; no known buffering signature explains it", p.name(), fmtDur(p50), d.ref.name()),
			Evidence: []string{how, p.flowEvidence(), d.ref.flowEvidence()},
			Fix: "Look for per-event latency in the proxy path: compare the proxy's access-log times with the origin's, " +
				"check for rate limiting, a slow or distant upstream, or an overloaded proxy; with nginx also try\n" +
				"    proxy_buffering off;"}
		out = append(out, f)
	}
	return out
}

func checkLostEvents(d *diag) []Finding {
	if d.ref == nil {
		return nil
	}
	var out []Finding
	for _, p := range d.proxied() {
		m := p.matching
		if m == nil || m.Method == MatchByPosition || len(m.Lost) == 0 || len(m.Matches) == 0 {
			continue
		}
		// Only events missing before the last one that did arrive count:
		// missing ones at the end may still have been on their way.
		var lastRef int64 = -1
		for _, mt := range m.Matches {
			lastRef = max(lastRef, mt.RefSeq)
		}
		var lost []int64
		for _, seq := range m.Lost {
			if seq < lastRef {
				lost = append(lost, seq)
			}
		}
		if len(lost) == 0 {
			continue
		}
		names := make([]string, 0, 5)
		for i, seq := range lost {
			if i == 5 {
				names = append(names, "…")
				break
			}
			names = append(names, eventNo(seq))
		}
		f := Finding{ID: "lost-events", Severity: SeverityWarning, Confidence: 0.7, Lanes: []int{p.id(), d.ref.id()},
			Title: fmt.Sprintf("%s never reached %s", plural(int64(len(lost)), "event", "events"), p.name()),
			Evidence: []string{fmt.Sprintf("%s received %s that %s did not (matched by %s): %s of %s",
				d.ref.name(), plural(int64(len(lost)), "event", "events"), p.name(), m.Method,
				strings.Join(names, ", "), d.ref.name())},
			Fix: "Give every event an id and make the server resume from Last-Event-ID, so that a reconnect replays " +
				"what was missed; then look for what drops events on the proxied path (reconnects, a proxy's error log)."}
		for _, dc := range p.disconnects {
			if dc.Reconnected {
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s reconnected at %s after a %s close (%s)",
					p.name(), fmtDur(dc.End), dc.By, dc.Cause))
			}
		}
		for i, seq := range lost {
			if i == 5 {
				break
			}
			f.Events = append(f.Events, EventRef{Lane: d.ref.id(), Seq: seq})
		}
		out = append(out, f)
	}
	return out
}
