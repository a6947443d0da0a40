package diagnose

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// Rules over response headers: what makes EventSource fail for good, and
// what invites caches and buffers to hold the stream.

// streamResponses calls fn for every connection of the stream lanes that
// got a 200 response and still has its headers.
func (d *diag) streamResponses(fn func(l *laneFacts, c *inspector.Conn)) {
	for _, l := range d.sseLanes() {
		for i := range l.snap.Conns {
			if c := &l.snap.Conns[i]; c.Status == http.StatusOK && l.snap.HasDetails(c) {
				fn(l, c)
			}
		}
	}
}

// laneEvidence collects evidence lines per lane, keeping the first few.
type laneEvidence struct {
	lanes    []int
	evidence []string
	seen     map[string]bool
}

func (e *laneEvidence) add(l *laneFacts, line string) {
	if e.seen == nil {
		e.seen = make(map[string]bool)
	}
	if e.seen[line] {
		return
	}
	e.seen[line] = true
	if len(e.lanes) == 0 || e.lanes[len(e.lanes)-1] != l.id() {
		e.lanes = append(e.lanes, l.id())
	}
	if len(e.evidence) < 6 {
		e.evidence = append(e.evidence, line)
	}
}

func checkHTTPStatus(d *diag) []Finding {
	var bad, stop laneEvidence
	for _, l := range d.sseLanes() {
		for _, c := range l.snap.Conns {
			switch {
			case c.Status == 0 || c.Status == http.StatusOK:
			case c.Status == http.StatusNoContent:
				stop.add(l, fmt.Sprintf("%s: connection %d got 204 No Content", l.name(), c.Index+1))
			default:
				bad.add(l, fmt.Sprintf("%s: connection %d got %d %s%s", l.name(), c.Index+1, c.Status,
					http.StatusText(c.Status), statusHint(c.Status)))
			}
		}
	}
	var out []Finding
	if len(bad.lanes) > 0 {
		out = append(out, Finding{ID: "http-status", Severity: SeverityError, Confidence: 1, Lanes: bad.lanes,
			Title:    "The stream was answered with a status other than 200: EventSource gives up for good",
			Evidence: bad.evidence,
			Fix: "Answer the stream request with 200 and Content-Type: text/event-stream. EventSource cannot send " +
				"custom headers, so authenticate with cookies or a query parameter; 502/504 come from a proxy that " +
				"could not reach or wait for the origin."})
	}
	if len(stop.lanes) > 0 {
		out = append(out, Finding{ID: "http-status", Severity: SeverityInfo, Confidence: 1, Lanes: stop.lanes,
			Title:    "The server answered 204 No Content: EventSource stops reconnecting, as the server asked",
			Evidence: stop.evidence,
			Fix:      "Nothing to fix if the server meant to end the stream; otherwise answer 200 with the stream."})
	}
	return out
}

// statusHint adds what a status usually means for a stream.
func statusHint(status int) string {
	switch status {
	case http.StatusBadGateway:
		return " (a proxy could not reach the origin)"
	case http.StatusGatewayTimeout:
		return " (a proxy gave up waiting for the origin's response)"
	case http.StatusUnauthorized, http.StatusForbidden:
		return " (EventSource cannot send an Authorization header)"
	case http.StatusServiceUnavailable:
		return " (an overloaded server, or a container's async timeout)"
	}
	return ""
}

// isEventStream reports whether a Content-Type is text/event-stream,
// parameters allowed.
func isEventStream(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/event-stream"
}

func checkContentType(d *diag) []Finding {
	var e laneEvidence
	d.streamResponses(func(l *laneFacts, c *inspector.Conn) {
		ct := c.ResponseHeader.Get("Content-Type")
		switch {
		case ct == "":
			e.add(l, fmt.Sprintf("%s: the 200 response has no Content-Type", l.name()))
		case !isEventStream(ct):
			e.add(l, fmt.Sprintf("%s: Content-Type: %s", l.name(), ct))
		}
	})
	if len(e.lanes) == 0 {
		return nil
	}
	f := Finding{ID: "content-type", Severity: SeverityError, Confidence: 1, Lanes: e.lanes,
		Title:    "The response is not text/event-stream: EventSource fails the connection and never reconnects",
		Evidence: e.evidence,
		Fix:      "Send the stream with\n    Content-Type: text/event-stream\n(a charset=utf-8 parameter is fine)."}
	if d.ref != nil && !containsInt(e.lanes, d.ref.id()) {
		f.Evidence = append(f.Evidence, d.ref.name()+" has the right Content-Type: a proxy rewrote it")
		f.Fix += " A proxy on the path rewrites it: check its add_header / default_type / proxy_hide_header settings."
	}
	return []Finding{f}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func checkCacheControl(d *diag) []Finding {
	var e laneEvidence
	d.streamResponses(func(l *laneFacts, c *inspector.Conn) {
		if l.role == RoleProxied && d.ref != nil {
			return // the origin's headers are judged on the direct lane
		}
		cc := strings.ToLower(strings.Join(c.ResponseHeader.Values("Cache-Control"), ", "))
		if strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store") {
			return
		}
		if cc == "" {
			e.add(l, fmt.Sprintf("%s: no Cache-Control header", l.name()))
		} else {
			e.add(l, fmt.Sprintf("%s: Cache-Control: %s", l.name(), cc))
		}
	})
	if len(e.lanes) == 0 {
		return nil
	}
	return []Finding{{ID: "cache-control", Severity: SeverityInfo, Confidence: 0.9, Lanes: e.lanes,
		Title:    "The stream is not marked Cache-Control: no-cache",
		Evidence: e.evidence,
		Fix:      "Send\n    Cache-Control: no-cache\nwith the stream (add no-transform to keep proxies from compressing it)."}}
}

func checkCachedStream(d *diag) []Finding {
	var e laneEvidence
	d.streamResponses(func(l *laneFacts, c *inspector.Conn) {
		if age := c.ResponseHeader.Get("Age"); age != "" {
			e.add(l, fmt.Sprintf("%s: connection %d has Age: %s", l.name(), c.Index+1, age))
		}
		for _, h := range []string{"X-Cache", "X-Cache-Status", "CF-Cache-Status"} {
			if v := c.ResponseHeader.Get(h); strings.Contains(strings.ToUpper(v), "HIT") {
				e.add(l, fmt.Sprintf("%s: connection %d has %s: %s", l.name(), c.Index+1, h, v))
			}
		}
	})
	if len(e.lanes) == 0 {
		return nil
	}
	return []Finding{{ID: "cached-stream", Severity: SeverityWarning, Confidence: 0.8, Lanes: e.lanes,
		Title:    "A cache answered the stream: the events are a replay, not live",
		Evidence: e.evidence,
		Fix: "Keep caches off the stream: send Cache-Control: no-cache from the origin, and in nginx turn the cache " +
			"off in the stream's location:\n    proxy_cache off;"}}
}

func checkUnframedBody(d *diag) []Finding {
	var e laneEvidence
	d.streamResponses(func(l *laneFacts, c *inspector.Conn) {
		switch {
		case c.Proto == "HTTP/1.0":
			e.add(l, fmt.Sprintf("%s: the response is HTTP/1.0: no chunking, the body ends when the connection closes", l.name()))
		case strings.EqualFold(c.ResponseHeader.Get("Connection"), "close") && c.ResponseHeader.Get("Content-Length") == "" &&
			!strings.Contains(strings.ToLower(c.ResponseHeader.Get("Transfer-Encoding")), "chunked"):
			e.add(l, fmt.Sprintf("%s: %s response with Connection: close and no Content-Length", l.name(), c.Proto))
		}
	})
	if len(e.lanes) == 0 {
		return nil
	}
	return []Finding{{ID: "unframed-body", Severity: SeverityInfo, Confidence: 0.8, Lanes: e.lanes,
		Title: "The stream's body is not chunked: it ends only when the connection closes",
		Evidence: append(e.evidence, "a proxy that receives such a body cannot pass it on chunk by chunk, "+
			"and a truncated stream cannot be told from a finished one"),
		Fix: "Serve the stream over HTTP/1.1 with chunked transfer encoding (the default of most servers); in nginx " +
			"remove\n    chunked_transfer_encoding off;\nand towards upstreams use\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";"}}
}
