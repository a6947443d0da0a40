package diagnose

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Rules about the browser side, from what the tap sees.

// browserConnLimit is the per-host connection limit of browsers over HTTP/1.1.
const browserConnLimit = 6

// streamSpan is one tapped stream's connection, for counting overlaps.
type streamSpan struct {
	lane       *laneFacts
	start, end time.Duration
}

func checkConnectionLimit(d *diag) []Finding {
	groups := make(map[string][]streamSpan)
	var keys []string
	for _, l := range d.lanes {
		if l.snap.Info.Kind != inspector.LaneTap || l.snap.Info.Client == "" {
			continue
		}
		u, err := url.Parse(l.snap.Info.URL)
		if err != nil || u.Host == "" {
			continue
		}
		client := l.snap.Info.Client
		if h, _, err := net.SplitHostPort(client); err == nil {
			client = h
		}
		key := client + " → " + u.Host
		for _, c := range l.snap.Conns {
			end := c.End
			if c.Open() {
				end = d.snap.End() // not Taken: a loaded session was taken long after
			}
			if _, ok := groups[key]; !ok {
				keys = append(keys, key)
			}
			groups[key] = append(groups[key], streamSpan{lane: l, start: c.Start, end: end})
		}
	}
	var out []Finding
	for _, key := range keys {
		peak, at, open := peakOverlap(groups[key])
		if peak < browserConnLimit {
			continue
		}
		f := Finding{ID: "connection-limit", Severity: SeverityWarning, Confidence: 0.75,
			Title: fmt.Sprintf("%d connections held open at once by event streams from one browser to one host: "+
				"over HTTP/1.1 a browser opens at most %d, so the next EventSource stays pending", peak, browserConnLimit),
			Fix: "Serve the streams over HTTP/2 (browsers multiplex them over one connection), or share one " +
				"EventSource between tabs and widgets (a SharedWorker or BroadcastChannel), or spread streams over host names."}
		names := make([]string, 0, len(open))
		for _, s := range open {
			names = append(names, s.lane.name())
			if !slices.Contains(f.Lanes, s.lane.id()) {
				f.Lanes = append(f.Lanes, s.lane.id())
			}
		}
		f.Evidence = []string{
			fmt.Sprintf("%s: %d streams on %d separate connections open at %s: %s", key, len(open), peak, fmtDur(at), strings.Join(names, ", ")),
			"no request beyond the sixth reaches any proxy while they stay open",
		}
		out = append(out, f)
	}
	return out
}

// peakOverlap returns the most browser connections open at one time, when,
// and the streams open then. Connections are told apart by the client's
// address and port: HTTP/2 carries every stream to a host over one
// connection (one port), which is exactly why it escapes the limit, while
// each HTTP/1.1 stream holds a connection of its own.
func peakOverlap(spans []streamSpan) (peak int, at time.Duration, open []streamSpan) {
	for _, s := range spans {
		var now []streamSpan
		conns := make(map[string]bool)
		for _, o := range spans {
			if o.start <= s.start && o.end > s.start {
				now = append(now, o)
				conns[o.lane.snap.Info.Client] = true
			}
		}
		if len(conns) > peak {
			peak, at, open = len(conns), s.start, now
		}
	}
	return peak, at, open
}
