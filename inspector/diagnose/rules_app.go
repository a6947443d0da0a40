package diagnose

import (
	"fmt"
	"strings"
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
	title, ev := d.ref.appCause()
	f := Finding{ID: "app-buffering", Severity: SeverityWarning, Confidence: 0.8, Title: title,
		Lanes: []int{d.ref.id()}, Fix: appBufferingFix}
	f.Evidence = append(d.ref.bufferEvidence(s, nil), ev...)
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
		switch {
		case len(ev) > 0:
			f.Title = title
			f.Evidence = append(f.Evidence, ev...)
			f.Fix = appBufferingFix
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
