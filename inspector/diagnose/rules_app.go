package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Rules for buffering in the application itself: the buffer's signature is
// on the lane fetched directly, which is what separates it from a proxy.

// appBufferingFix lists the per-stack ways to flush each event.
const appBufferingFix = `Flush after every event, and keep middleware from holding the body:
    Go:     call http.NewResponseController(w).Flush() (or w.(http.Flusher).Flush()) after each event,
            and make sure wrappers around the ResponseWriter pass Flush through
    Node:   res.flush() after each write when compression middleware is in use
    PHP:    output_buffering=Off (php.ini), then ob_flush(); flush(); after each event
    Rails:  set Last-Modified (or an ETag) yourself so that Rack::ETag leaves the stream alone`

// appCause names the application-side buffer from the response headers.
func (f *laneFacts) appCause() (title string, evidence []string) {
	if etag, ok := f.header("ETag"); ok {
		return "ETag middleware buffers the whole response to hash it (Rack::ETag, the Rails default, and the like)",
			[]string{fmt.Sprintf("%s: the response carries ETag: %s, which middleware computes over the whole body", f.name(), etag)}
	}
	if p, ok := f.header("X-Powered-By"); ok && strings.Contains(strings.ToLower(p), "php") {
		return "PHP output buffering holds events until a buffer fills (output_buffering=4096)",
			[]string{fmt.Sprintf("%s: X-Powered-By: %s", f.name(), p)}
	}
	if f.batches() {
		return fmt.Sprintf("The application writes its events in batches (up to %d to a write): each read carries whole events, "+
			"which a byte buffer would cut", f.bursts.MaxEvents), nil
	}
	if f.bursts.StepSize > 0 {
		return fmt.Sprintf("The application does not flush each event: its %d-byte write buffer goes out when full", f.bursts.StepSize), nil
	}
	return "The application holds events back instead of flushing each one", nil
}

// checkAppBuffering reports a buffer's signature on the direct lane: the
// application holds the events, whatever the proxies do. Compressed
// responses are left to the compression rules.
func checkAppBuffering(d *diag) []Finding {
	if d.ref == nil || d.ref.encoding() != "" {
		return nil
	}
	s := d.ref.bufferSign(nil)
	if !s.held() {
		return nil
	}
	if peers := d.flowingPeers(); len(peers) > 0 {
		return []Finding{d.bufferedReference(s, peers[0])}
	}
	title, ev := d.ref.appCause()
	f := Finding{ID: "app-buffering", Severity: SeverityWarning, Confidence: 0.8, Title: title,
		Lanes: []int{d.ref.id()}, Fix: appBufferingFix}
	f.Evidence = append(d.ref.bufferEvidence(s, nil), ev...)
	d.ref.batchSeverity(&f)
	for _, p := range d.proxied() {
		if p.bufferSign(d.ref).held() {
			f.Lanes = append(f.Lanes, p.id())
			f.Evidence = append(f.Evidence, fmt.Sprintf(
				"%s shows the same signature, so the events are held before any proxy: in the application", p.name()))
		} else {
			f.Evidence = append(f.Evidence, p.flowEvidence())
		}
	}
	if d.ref.bursts.MaxEvents > 1 {
		f.Events = []EventRef{{Lane: d.ref.id(), Seq: d.ref.bursts.MaxFirst}}
	}
	return []Finding{f}
}

// checkBuffering reports a buffer's signature on a lane with nothing to
// compare it with. It cannot say whether the application or a proxy holds
// the events, so it names what the headers suggest and gives both fixes.
func checkBuffering(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		if l.role != RoleAlone || l.encoding() != "" {
			continue
		}
		s := l.bufferSign(nil)
		if !s.held() {
			continue
		}
		f := Finding{ID: "buffering", Severity: SeverityWarning, Confidence: 0.6, Lanes: []int{l.id()},
			Title:    "Events are held back on the way to " + l.name(),
			Evidence: l.bufferEvidence(s, nil)}
		title, ev := l.appCause()
		server := l.serverHeader()
		tapTitle, tapFix, tapEv, tapOK := d.tapCause(l)
		switch {
		case len(ev) > 0 || l.batches():
			f.Title = title
			f.Evidence = append(f.Evidence, ev...)
			f.Fix = appBufferingFix
			l.batchSeverity(&f)
		case tapOK:
			f.Title, f.Fix, f.Confidence = tapTitle, tapFix, 0.75
			f.Evidence = append(f.Evidence, tapEv...)
		case isNginx(server):
			f.Title = "Events are held back, by nginx or by the application behind it"
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: Server: %s", l.name(), server))
			f.Fix = nginxBufferingFix + "\nIf fetching the origin directly shows the same bursts, the application buffers:\n" + appBufferingFix
		default:
			f.Fix = "Compare with the stream fetched directly from the origin (sseinspector compare DIRECT PROXIED) to tell " +
				"the application from a proxy.\n" + appBufferingFix + "\n" + proxyBufferingFix
		}
		if l.bursts.MaxEvents > 1 {
			f.Events = []EventRef{{Lane: l.id(), Seq: l.bursts.MaxFirst}}
		}
		out = append(out, f)
	}
	return out
}

// batchHoldLimit is the longest hold of a batch still reported as a note:
// below it users hardly see the batching.
const batchHoldLimit = 500 * time.Millisecond

// batches reports whether the lane's reads carry whole events, several at
// a time: the application writes them in batches. A byte-counted buffer
// (a proxy's, or a write buffer without Flush) would cut events anywhere.
func (f *laneFacts) batches() bool {
	b := f.bursts
	return b.SplitReads == 0 && b.Bursts >= 2 && b.BurstEvents*2 >= len(f.events) && len(f.heldConns()) == 0
}

// heldConns returns the connections that delivered everything at their end.
func (f *laneFacts) heldConns() []ConnTiming {
	var out []ConnTiming
	for _, t := range f.bursts.Conns {
		if t.HeldToEnd {
			out = append(out, t)
		}
	}
	return out
}

// batchHold is how long a batch holds its events: the send stamps' p95
// when the events carry them, else the median time between two reads.
func (f *laneFacts) batchHold() (time.Duration, string) {
	if len(f.stamps)*2 >= len(f.events) && len(f.stamps) > 0 {
		st := SummarizeDelays(f.stamps)
		return st.P95.D(), fmt.Sprintf("%s: events waited up to %s in a batch (send stamps p95; p50 %s)", f.name(), fmtDur(st.P95), fmtDur(st.P50))
	}
	var gaps []time.Duration
	for i := 1; i < len(f.reads); i++ {
		if f.reads[i].Conn == f.reads[i-1].Conn {
			gaps = append(gaps, f.reads[i].At-f.reads[i-1].At)
		}
	}
	if len(gaps) == 0 {
		return 0, ""
	}
	slices.Sort(gaps)
	hold := gaps[len(gaps)/2]
	return hold, fmt.Sprintf("%s: batches about %s apart (median time between reads)", f.name(), fmtDur(hold))
}

// batchSeverity lowers a batching finding to a note when the batches hold
// events only briefly.
func (f *laneFacts) batchSeverity(fd *Finding) {
	if !f.batches() {
		return
	}
	hold, ev := f.batchHold()
	if ev != "" {
		fd.Evidence = append(fd.Evidence, ev)
	}
	if hold > 0 && hold < batchHoldLimit {
		fd.Severity = SeverityInfo
		fd.Title += fmt.Sprintf("; they wait at most %s, which is small", fmtDur(hold))
	}
	fd.Fix = "If the batching is deliberate and the wait is acceptable, nothing to fix. Otherwise write (and flush) " +
		"each event as it is ready instead of collecting several per write.\n" + appBufferingFix
}
