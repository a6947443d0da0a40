package diagnose

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// The rule for a stream that delivered no event in the whole recording:
// a server that never answered, or bytes that never formed an event. A
// browser's EventSource shows nothing in either case, so this is never a
// clean result, whatever else the other rules see.

// deadKind is what a stream without events received instead.
type deadKind int

const (
	deadNoHeaders deadKind = iota // not even the response headers
	deadNoBody                    // headers, then not one body byte
	deadComments                  // only comment lines: heartbeats and nothing else
	deadUnframed                  // body bytes that never completed an event
)

// deadStream sums up what the connections of a lane without events got.
type deadStream struct {
	kind              deadKind
	bytes, discarded  int64
	reads             int64
	span              time.Duration
	head, tail        []byte
	headersAt         time.Duration
	status            int
	connects, answers int
}

// measureDead reads what a lane without events received, or returns false
// when another rule explains the silence better: a refused connection, a
// non-200 status or a wrong Content-Type fail the stream for good.
func measureDead(l *laneFacts, end time.Duration) (deadStream, bool) {
	var s deadStream
	if l.snap.TotalEvents() > 0 || len(l.snap.Conns) == 0 {
		return s, false
	}
	// The connections whose records were dropped count by their totals.
	dropped := &l.snap.DroppedConns
	s.connects, s.answers = l.snap.FirstConn, int(dropped.Answered)
	s.bytes, s.reads, s.discarded = dropped.Bytes, dropped.Reads, dropped.Discarded
	for i := range l.snap.Conns {
		c := &l.snap.Conns[i]
		s.connects++
		if c.Status != 0 {
			if c.Status != http.StatusOK || l.snap.HasDetails(c) && !isEventStream(c.ResponseHeader.Get("Content-Type")) {
				return s, false // the header rules name it
			}
			s.answers++
			if s.headersAt == 0 {
				s.headersAt, s.status = c.HeadersAt-c.Start, c.Status
			}
		} else if c.Cause == inspector.CauseConnect || c.Cause == inspector.CauseUpstreamError {
			return s, false // connect-failed names it
		}
		s.bytes += c.Bytes
		s.reads += c.Reads
		s.discarded += c.Discarded
		if len(s.head) == 0 {
			s.head = c.Head
		}
		if len(c.Tail) > 0 {
			s.tail = c.Tail
		}
	}
	s.span = end - l.snap.Start()
	switch {
	case s.answers == 0:
		s.kind = deadNoHeaders
	case s.bytes == 0:
		s.kind = deadNoBody
	case l.comments() > 0 && s.discarded == 0 && onlyComments(s.head):
		s.kind = deadComments
	default:
		s.kind = deadUnframed
	}
	return s, true
}

// onlyComments reports whether the sampled bytes hold comment lines only.
func onlyComments(sample []byte) bool {
	for _, line := range bytes.FieldsFunc(sample, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if line[0] != ':' {
			return false
		}
	}
	return true
}

// unframedCause names why bytes formed no event, from the sampled bytes.
func unframedCause(s deadStream) (title, fix string) {
	sample := append(append([]byte{}, s.head...), s.tail...)
	hasEOL := bytes.ContainsAny(sample, "\r\n")
	lines := bytes.FieldsFunc(sample, func(r rune) bool { return r == '\n' || r == '\r' })
	hasData := false
	for _, ln := range lines {
		if bytes.HasPrefix(ln, []byte("data:")) || bytes.Equal(ln, []byte("data")) {
			hasData = true
		}
	}
	switch {
	case !hasEOL:
		return fmt.Sprintf("a line of %s never ended: no line break arrived, so no field was ever read", inspector.FormatBytes(s.bytes)),
			"End every field line with \\n and every event with a blank line; a stream that writes one unending line " +
				"(a JSON array streamed without newlines, a response that is not SSE) never dispatches an event."
	case !hasData:
		return "lines arrived without the data: prefix (JSON lines?): EventSource ignores fields it does not know",
			"Prefix each line of the payload with \"data: \" and end each event with a blank line:\n" +
				"    data: {\"hello\":\"world\"}\n    (blank line)\nNewline-delimited JSON is not an event stream."
	default:
		return "data: lines arrived but no blank line ever ended an event (missing \\n\\n)",
			"End every event with a blank line: write \"data: ...\\n\\n\", not \"data: ...\\n\". EventSource dispatches " +
				"an event only at the empty line, and throws away an unfinished one when the connection ends."
	}
}

func checkNoEvents(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		if l.role == RoleProxied && l.bufferSign(d.ref).held() {
			continue // the buffering rules name who holds the events
		}
		// A stream still open was watched until the snapshot; one that
		// ended, until its end (not while a side request ran after it).
		end := l.snap.End()
		if n := len(l.snap.Conns); n > 0 && l.snap.Conns[n-1].Open() {
			end = max(end, d.snap.End())
		}
		s, ok := measureDead(l, end)
		if !ok {
			continue
		}
		out = append(out, deadFinding(l, s))
	}
	return out
}

// deadFinding writes the finding for a lane that delivered no event.
func deadFinding(l *laneFacts, s deadStream) Finding {
	f := Finding{ID: "no-events", Severity: SeverityError, Confidence: 0.9, Lanes: []int{l.id()}}
	span := fmtSecs(s.span)
	arrived := fmt.Sprintf("%s: %s, %s in %s, no event in %s",
		l.name(), plural(int64(s.connects), "connection", "connections"), plural(s.bytes, "body byte", "body bytes"),
		plural(s.reads, "read", "reads"), span)
	f.Evidence = append(f.Evidence, arrived)
	if len(s.head) > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s: first bytes %q", l.name(), s.head))
	}
	if len(s.tail) > 0 && s.bytes > int64(len(s.head)) {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s: last bytes %q", l.name(), s.tail))
	}
	if s.discarded > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s: %s of an unfinished event were thrown away when the connection ended",
			l.name(), inspector.FormatBytes(s.discarded)))
	}
	switch s.kind {
	case deadNoHeaders:
		f.Title = fmt.Sprintf("%s: the server never sent its response headers in %s: no event arrived", l.name(), span)
		f.Fix = "The server accepted the connection but never answered. Make the handler send its headers at once " +
			"(write the status and flush before waiting for the first event: in Go, w.WriteHeader(200) then " +
			"http.NewResponseController(w).Flush()); a proxy that buffers the whole response (nginx with " +
			"proxy_buffering on and an HTTP/1.0 upstream) also holds the headers: compare with the origin fetched directly."
	case deadNoBody:
		f.Severity = SeverityWarning
		f.Confidence = 0.7
		f.Title = fmt.Sprintf("%s: the response headers came but not one byte of body in %s: no event arrived", l.name(), span)
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s: headers after %s (status %d)", l.name(), fmtDur(s.headersAt), s.status))
		f.Fix = "Either the stream had nothing to say (then send a heartbeat comment every 15 s so that silence is " +
			"visibly alive), or something holds the body: the application's write buffer, compression, or a proxy. " +
			"Compare with the origin fetched directly (sseinspector compare DIRECT PROXIED)."
	case deadComments:
		f.Severity = SeverityInfo
		f.Confidence = 0.8
		f.Title = fmt.Sprintf("%s: only comment lines (heartbeats) arrived in %s, no event", l.name(), span)
		f.Fix = "Nothing is broken on the wire: the stream is alive but sent no event. Check that the server has " +
			"something to publish to this client (subscription, topic, authentication)."
	default:
		title, fix := unframedCause(s)
		f.Title = fmt.Sprintf("%s: %s arrived but never formed an event: %s", l.name(), inspector.FormatBytes(s.bytes), title)
		f.Fix = fix
	}
	return f
}
