package inspectortest

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// Session builds a synthetic session. Its lanes record through
// inspector.ConnRecorder and the real parser, so events, reads and
// connections mean exactly what they mean in a live session; only the
// times are chosen by the test.
type Session struct {
	*inspector.Session
}

// NewSession starts an empty synthetic session.
func NewSession() *Session {
	return &Session{inspector.NewSession(inspector.Limits{})}
}

// DefaultURL is the URL given to lanes made by Lane.
const DefaultURL = "http://origin.test/stream"

// Lane adds a subscription lane with the given name.
func (s *Session) Lane(name string) *Lane {
	return s.AddLaneInfo(inspector.LaneInfo{Name: name, Kind: inspector.LaneSubscription, URL: DefaultURL, Method: http.MethodGet})
}

// AddLaneInfo adds a lane described by info (a tap lane, say).
func (s *Session) AddLaneInfo(info inspector.LaneInfo) *Lane {
	l := s.AddLane(info)
	return &Lane{Lane: l, parser: &sse.Parser{}, conn: -1}
}

// Stamp is the data of a built-in-origin event sent at session time sent:
// {"seq":N,"sent":<unix ns>,"pad":"..."} with pad bytes of padding.
func (s *Session) Stamp(seq int, sent time.Duration, pad int) string {
	return fmt.Sprintf(`{"seq":%d,"sent":%d,"pad":"%s"}`, seq, s.Start().Add(sent).UnixNano(), strings.Repeat(".", pad))
}

// Lane builds one lane: connections, responses, reads and closes, in the
// order a recorder would see them.
type Lane struct {
	*inspector.Lane
	parser *sse.Parser
	rec    *inspector.ConnRecorder
	conn   int
}

// Connect starts a connection attempt at the given time, sending lastEventID
// as Last-Event-ID when not empty (and priming the parser with it, as the
// subscriber does).
func (l *Lane) Connect(at time.Duration, lastEventID string) *Lane {
	h := http.Header{"Accept": {"text/event-stream"}}
	if lastEventID != "" {
		h.Set("Last-Event-ID", lastEventID)
		l.parser.SetLastEventID(lastEventID)
	}
	info := l.Info()
	l.conn = l.StartConn(at, info.Method, info.URL, h, lastEventID)
	l.rec = &inspector.ConnRecorder{Lane: l.Lane, Conn: l.conn, Parser: l.parser}
	return l
}

// Respond records a 200 HTTP/1.1 response with SSEHeader and the extra
// "Name: value" headers.
func (l *Lane) Respond(at time.Duration, extra ...string) *Lane {
	return l.RespondWith(at, http.StatusOK, "HTTP/1.1", SSEHeader(extra...))
}

// RespondWith records a response with any status, protocol and headers.
func (l *Lane) RespondWith(at time.Duration, status int, proto string, h http.Header) *Lane {
	l.SetResponse(l.conn, at, status, proto, h)
	return l
}

// Read records one body read of the given bytes at the given time.
func (l *Lane) Read(at time.Duration, body string) *Lane {
	l.rec.Feed(at, 0, len(body), []byte(body))
	return l
}

// ReadWire records a read whose wire size differs from its decoded bytes,
// as on a compressed response.
func (l *Lane) ReadWire(at time.Duration, wire int, body string) *Lane {
	l.rec.Feed(at, 0, wire, []byte(body))
	return l
}

// ReadDelivered records a tapped read: read from upstream at at, written
// to the browser at delivered.
func (l *Lane) ReadDelivered(at, delivered time.Duration, body string) *Lane {
	l.rec.Feed(at, delivered, len(body), []byte(body))
	return l
}

// Chunks records body as reads of size bytes (the last one shorter), one
// at each of the given times; extra times are ignored, and the bytes left
// when the times run out go unread.
func (l *Lane) Chunks(body string, size int, at ...time.Duration) *Lane {
	for _, t := range at {
		if body == "" {
			break
		}
		n := min(size, len(body))
		l.Read(t, body[:n])
		body = body[n:]
	}
	return l
}

// Close ends the connection at the given time.
func (l *Lane) Close(at time.Duration, cause inspector.CloseCause) *Lane {
	l.rec.End(at, cause, nil)
	return l
}

// Peer records how the browser side of a tapped connection ended.
func (l *Lane) Peer(cause inspector.CloseCause) *Lane {
	l.SetPeerEnd(l.conn, cause)
	return l
}

// Events records n events, one read each, the i-th at start + i*every,
// with body(i) as its bytes (see Event). It returns the time of the next
// event that would follow.
func (l *Lane) Events(start, every time.Duration, n int, body func(i int) string) time.Duration {
	for i := range n {
		l.Read(start+time.Duration(i)*every, body(i))
	}
	return start + time.Duration(n)*every
}

// SSEHeader is a well-formed event-stream response header plus the extra
// "Name: value" headers (an extra with an empty value removes the header).
func SSEHeader(extra ...string) http.Header {
	h := http.Header{
		"Content-Type":  {"text/event-stream"},
		"Cache-Control": {"no-cache"},
	}
	for _, e := range extra {
		name, value, err := inspector.ParseHeader(e)
		if err != nil {
			panic("inspectortest.SSEHeader: " + err.Error())
		}
		if value == "" {
			h.Del(name)
			continue
		}
		h.Add(name, value)
	}
	return h
}

// Event formats an event block with an id (none when empty) and data.
func Event(id, data string) string {
	if id == "" {
		return "data: " + data + "\n\n"
	}
	return "id: " + id + "\ndata: " + data + "\n\n"
}

// Numbered is an event with id i+1 and data "event i+1" padded to about
// size bytes in all, for streams whose events must be told apart.
func Numbered(i, size int) string {
	ev := Event(fmt.Sprint(i+1), fmt.Sprintf("event %d ", i+1))
	if pad := size - len(ev); pad > 0 {
		ev = Event(fmt.Sprint(i+1), fmt.Sprintf("event %d %s", i+1, strings.Repeat(".", pad)))
	}
	return ev
}

// Comment formats a comment line, as heartbeats are sent.
func Comment(text string) string { return ": " + text + "\n\n" }

// Ms is a shorthand for n milliseconds.
func Ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// Sec is a shorthand for n seconds, fractions allowed.
func Sec(n float64) time.Duration { return time.Duration(n * float64(time.Second)) }

// Paged records what a client sees behind a buffer of page bytes that
// holds a stream back, headers included: events[i] is written by the
// server at sent[i]; the buffer releases exactly page bytes (one read, lag
// after the write that filled it) each time it fills, and the rest at end,
// when the upstream closes. The response (200, SSEHeader with extra) is
// recorded with the first read. It returns the time of that read.
func (l *Lane) Paged(events []string, sent []time.Duration, page int, lag, end time.Duration, extra ...string) time.Duration {
	return l.PagedAfterHeaders(events, sent, page, 0, lag, end, extra...)
}

// PagedAfterHeaders is Paged behind a proxy whose first buffer also held
// headerBytes of the upstream's response headers, so that the first
// release carries that much less body (nginx with an HTTP/1.0 upstream).
func (l *Lane) PagedAfterHeaders(events []string, sent []time.Duration, page, headerBytes int, lag, end time.Duration, extra ...string) time.Duration {
	type read struct {
		at   time.Duration
		body string
	}
	var reads []read
	var held strings.Builder
	for i, ev := range events {
		held.WriteString(ev)
		for held.Len() >= page-headerBytes {
			b := held.String()
			n := page - headerBytes
			headerBytes = 0
			reads = append(reads, read{sent[i] + lag, b[:n]})
			held.Reset()
			held.WriteString(b[n:])
		}
	}
	if held.Len() > 0 {
		reads = append(reads, read{end, held.String()})
	}
	first := end
	if len(reads) > 0 {
		first = reads[0].at
	}
	l.Respond(first, extra...)
	for _, r := range reads {
		l.Read(r.at, r.body)
	}
	return first
}

// Stream returns n events made by body and their send times, start +
// i*every, for Paged and for direct lanes.
func Stream(n int, start, every time.Duration, body func(i int) string) (events []string, sent []time.Duration) {
	for i := range n {
		events = append(events, body(i))
		sent = append(sent, start+time.Duration(i)*every)
	}
	return events, sent
}

// Flowing records events as a flushing server sends them: one read each,
// lag after its send time.
func (l *Lane) Flowing(events []string, sent []time.Duration, lag time.Duration) *Lane {
	for i, ev := range events {
		l.Read(sent[i]+lag, ev)
	}
	return l
}
