package inspector

import (
	"net/http"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// CloseCause says how a connection attempt ended.
type CloseCause string

// Close causes. They are stable strings: session files and the CLI's JSON
// output carry them.
const (
	CauseNone              CloseCause = ""                   // still open
	CauseEOF               CloseCause = "eof"                // the server ended the body cleanly
	CauseReset             CloseCause = "reset"              // the connection was reset or broke mid-body
	CauseTimeout           CloseCause = "timeout"            // a read timeout fired
	CauseIncompleteChunked CloseCause = "incomplete-chunked" // a chunked body ended without its last chunk
	CauseHTTPStatus        CloseCause = "http-status"        // the status was not 200: the stream failed for good
	CauseContentType       CloseCause = "content-type"       // the Content-Type was not text/event-stream: failed for good
	CauseCancelled         CloseCause = "cancelled"          // the user stopped the subscription
	CauseConnect           CloseCause = "connect"            // the request could not be sent (DNS, refused, TLS)
	CauseClientGone        CloseCause = "client-gone"        // tap: the browser went away
	CauseUpstreamError     CloseCause = "upstream-error"     // tap: the upstream could not be reached (502 sent)
)

// Fatal reports whether the cause ends an EventSource for good (no reconnect).
func (c CloseCause) Fatal() bool {
	return c == CauseHTTPStatus || c == CauseContentType || c == CauseCancelled
}

// LaneKind says where a lane's data comes from.
type LaneKind string

// Lane kinds.
const (
	LaneSubscription LaneKind = "subscription" // the inspector's own EventSource
	LaneTap          LaneKind = "tap"          // one SSE response seen by the tap proxy
	LaneRequest      LaneKind = "request"      // a non-SSE request seen by the tap proxy (no body recorded)
	LaneCapture      LaneKind = "capture"      // one SSE response read from a packet capture
)

// LaneState is the live state of a lane.
type LaneState string

// Lane states.
const (
	StateConnecting   LaneState = "connecting"
	StateOpen         LaneState = "open"
	StateReconnecting LaneState = "reconnecting"
	StateFailed       LaneState = "failed"
	StateClosed       LaneState = "closed"
	StatePaused       LaneState = "paused"
)

// LaneInfo describes a lane: what it subscribes to or what it tapped.
type LaneInfo struct {
	ID     int
	Name   string
	Kind   LaneKind
	URL    string
	Method string
	// Client identifies the peer that opened a tapped connection
	// (its remote address), so concurrent streams from one browser can be counted.
	Client string
}

// Conn is one connection attempt of a lane: the request, the response and
// how it ended. Times are since the session's start.
type Conn struct {
	Index          int
	Start          time.Duration
	Method         string
	URL            string
	RequestHeader  http.Header
	LastEventID    string // the Last-Event-ID sent, if any
	Redirects      []string
	Status         int
	Proto          string
	ResponseHeader http.Header
	HeadersAt      time.Duration // when the response headers arrived; 0 if never
	FirstByteAt    time.Duration // when the first body byte arrived; 0 if never
	WireBytes      int64         // body bytes as received (before content decoding)
	Bytes          int64         // body bytes after content decoding
	Reads          int64
	Events         int64
	End            time.Duration // when the connection ended; 0 while open
	Cause          CloseCause
	Err            string
	// Discarded counts the bytes of an incomplete event thrown away at the end.
	Discarded int64
	// Peer is how the other end of a tapped connection ended (browser side).
	Peer CloseCause
	// Head and Tail are the first and the last BodySampleSize decoded body
	// bytes of a connection that has delivered no event; nil once one
	// completes.
	Head []byte
	Tail []byte
}

// Open reports whether the connection has not ended yet.
func (c *Conn) Open() bool { return c.Cause == CauseNone }

// ConnTotals adds up the connections whose records a lane dropped (to its
// MaxLaneConns or its memory cap), so that the lane's figures stay exact
// when it holds only its most recent connections.
type ConnTotals struct {
	Start     time.Duration // when the first of them started
	End       time.Duration // when the last of them ended
	Answered  int64         // how many got response headers
	WireBytes int64
	Bytes     int64
	Reads     int64
	Events    int64
	Discarded int64
	// Causes counts them by how they ended.
	Causes map[CloseCause]int64
}

// add counts one dropped connection.
func (t *ConnTotals) add(c *Conn) {
	if t.Causes == nil {
		t.Start = c.Start
		t.Causes = make(map[CloseCause]int64)
	}
	t.End = max(t.End, c.End)
	if c.Status != 0 {
		t.Answered++
	}
	t.WireBytes += c.WireBytes
	t.Bytes += c.Bytes
	t.Reads += c.Reads
	t.Events += c.Events
	t.Discarded += c.Discarded
	t.Causes[c.Cause]++
}

// Read is one network read of a connection's body: when it returned and
// how many bytes it carried. On tapped lanes Delivered is when the write of
// those bytes to the browser returned.
type Read struct {
	Index     int64
	Conn      int
	At        time.Duration
	Delivered time.Duration
	WireSize  int
	Size      int
}

// Event is one dispatched SSE event with its timing.
type Event struct {
	Seq  int64 // index within the lane, stable across drops
	Conn int
	Type string
	Data string
	// ID is the last event ID after this event, as EventSource.lastEventId.
	ID string
	// Raw is the event's block as received. It shares the session's
	// storage: read it, never modify it.
	Raw []byte
	// Offset is the stream offset of the event's first byte on its connection,
	// counted in decoded bytes; Size the block's full size.
	Offset int64
	Size   int64
	// FirstRead and LastRead are the lane-wide indices of the reads that
	// carried the first byte and completed the event.
	FirstRead int64
	LastRead  int64
	// Arrival is when the read completing the event returned.
	Arrival time.Duration
	// Delivered is, on tapped lanes, when the write to the browser returned.
	Delivered time.Duration
	Truncated bool
}

// Note is a comment line or a retry field seen on a connection.
type Note struct {
	Conn  int
	At    time.Duration
	Kind  sse.ItemKind
	Text  string
	Retry time.Duration
	Read  int64
}
