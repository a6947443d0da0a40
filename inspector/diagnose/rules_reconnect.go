package diagnose

import "fmt"

// Rules about what happens across a reconnect.

func checkLastEventIDIgnored(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		var bad []*Disconnect
		for i := range l.disconnects {
			dc := &l.disconnects[i]
			if dc.Reconnected && dc.LastEventIDSent != "" && dc.Duplicated > 0 {
				bad = append(bad, dc)
			}
		}
		if len(bad) == 0 {
			continue
		}
		f := Finding{ID: "last-event-id-ignored", Severity: SeverityWarning, Confidence: 0.85, Lanes: []int{l.id()},
			Title: fmt.Sprintf("%s: the server ignores Last-Event-ID and replays events after a reconnect", l.name()),
			Fix: "Read the Last-Event-ID request header on every stream request and resume after that id " +
				"(send only the events that came after it); keep enough history to cover a reconnect."}
		for i, dc := range bad {
			if i == 3 {
				break
			}
			line := fmt.Sprintf("%s: connection %d reconnected %s after the close and sent Last-Event-ID: %s; "+
				"the server's first id was %s and %s repeated ids already received",
				l.name(), dc.Conn+2, fmtDur(dc.ReconnectDelay), dc.LastEventIDSent, quoteOr(dc.FirstIDAfter, "none"),
				plural(int64(dc.Duplicated), "event", "events"))
			f.Evidence = append(f.Evidence, line)
		}
		out = append(out, f)
	}
	return out
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return fmt.Sprintf("%q", s)
}
