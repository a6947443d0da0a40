package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Catch-all rules for a proxied lane that is slower than the direct one or
// misses events, when no rule with a named cause explains it.

// minNotableDelay is the median extra delay worth reporting: well above
// loopback and LAN jitter, well below what users notice as "late".
const minNotableDelay = 100 * time.Millisecond

// minNotableTail is the same for the 95th percentile.
const minNotableTail = 250 * time.Millisecond

// minDelayEvents is how many events a verdict on the median needs: then
// at least five events were late, which one scheduler stall on a loaded
// machine does not make (it delays both lanes' readers alike, and the
// comparison cancels it).
const minDelayEvents = 10

// minTailEvents is how many events a verdict on the 95th percentile
// needs, so that it stands for at least three late events, not one.
const minTailEvents = 60

// delayExcess is how much later a proxied lane's events arrive than the
// reference's, at two percentiles, with the reference's own jitter.
type delayExcess struct {
	p50, p95 time.Duration
	later50  time.Duration // p50 over the later half of the events: a delay that lasts
	jitter   time.Duration // the reference's own p95 − p50 (stamps only)
	count    int
	how      string
}

// withoutFirsts drops each connection's first event: its delay holds the
// connection's set-up (a TLS handshake, a proxy's upstream connect),
// which is no event's delay.
func withoutFirsts(ds []Delay, events []inspector.EventMeta) []Delay {
	first := make(map[int]bool)
	firstSeq := make(map[int64]bool)
	for i := range events {
		if !first[events[i].Conn] {
			first[events[i].Conn] = true
			firstSeq[events[i].Seq] = true
		}
	}
	out := make([]Delay, 0, len(ds))
	for _, d := range ds {
		if !firstSeq[d.Seq] {
			out = append(out, d)
		}
	}
	return out
}

// excessDelay is how much later a proxied lane's events arrive than the
// direct lane's: from send stamps when both lanes carry them (independent
// of when each connection started), else from the matched arrivals.
func excessDelay(p, ref *laneFacts) (delayExcess, bool) {
	if len(p.stamps)*2 >= len(p.events) && len(ref.stamps)*2 >= len(ref.events) && len(p.stamps) > 0 && len(ref.stamps) > 0 {
		pd, rd := withoutFirsts(p.stamps, p.events), withoutFirsts(ref.stamps, ref.events)
		ps, rs := SummarizeDelays(pd), SummarizeDelays(rd)
		later := SummarizeDelays(pd[len(pd)/2:]).P50.D() - SummarizeDelays(rd[len(rd)/2:]).P50.D()
		return delayExcess{p50: ps.P50.D() - rs.P50.D(), p95: ps.P95.D() - rs.P95.D(), later50: later,
			jitter: rs.P95.D() - rs.P50.D(), count: ps.Count,
			how: fmt.Sprintf("send stamps: %s p50 %s, p95 %s; %s p50 %s, p95 %s (%d events, each connection's first left out)",
				p.name(), fmtDur(ps.P50), fmtDur(ps.P95), ref.name(), fmtDur(rs.P50), fmtDur(rs.P95), ps.Count)}, true
	}
	if p.matching == nil {
		return delayExcess{}, false
	}
	ds := withoutFirsts(p.matching.Delays, p.events)
	st := SummarizeDelays(ds)
	if st.Count == 0 {
		return delayExcess{}, false
	}
	return delayExcess{p50: st.P50.D(), p95: st.P95.D(), later50: SummarizeDelays(ds[len(ds)/2:]).P50.D(), count: st.Count, how: p.delayEvidence(ref)}, true
}

// verdict says which percentile shows a sustained delay worth reporting,
// or "" when none does.
func (x delayExcess) verdict() string {
	switch {
	case x.count < minDelayEvents:
		return ""
	case x.p50 >= minNotableDelay && x.later50 >= minNotableDelay:
		return "p50" // late throughout, not only while the stream started
	case x.count >= minTailEvents && x.p95 >= max(minNotableTail, 3*x.jitter):
		return "p95"
	}
	return ""
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
		x, ok := excessDelay(p, d.ref)
		pct := x.verdict()
		if !ok || pct == "" {
			continue
		}
		title := fmt.Sprintf("Events reach %s about %s later than %s (p50 of %d events); no known buffering signature explains it",
			p.name(), fmtDur(x.p50), d.ref.name(), x.count)
		if pct == "p95" {
			title = fmt.Sprintf("One event in twenty reaches %s %s or more later than %s (p95 of %d events; p50 %s); "+
				"no known buffering signature explains it", p.name(), fmtDur(x.p95), d.ref.name(), x.count, fmtDur(x.p50))
		}
		f := Finding{ID: "event-delay", Severity: SeverityWarning, Confidence: 0.5, Lanes: []int{p.id(), d.ref.id()},
			Title:    title,
			Evidence: []string{x.how, p.flowEvidence(), d.ref.flowEvidence()},
			Fix: "Look for per-event latency in the proxy path: compare the proxy's access-log times with the origin's, " +
				"check for rate limiting, a slow or distant upstream, or an overloaded proxy; with nginx also try\n" +
				"    proxy_buffering off;\nwith HAProxy, option http-no-delay."}
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
