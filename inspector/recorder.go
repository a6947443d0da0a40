package inspector

import (
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// ConnRecorder feeds one connection's body to the lane's parser and records
// its reads and items. The subscriber and the tap both record through it,
// so a lane's figures mean the same thing whoever filled it.
type ConnRecorder struct {
	Lane   *Lane
	Conn   int
	Parser *sse.Parser
	// OnItem, if set, is called after each item is recorded (for live output).
	// The item is only valid during the call.
	OnItem func(it *sse.Item, arrival time.Duration)

	arrival, delivered time.Duration
	emit               func(*sse.Item)
}

// Feed records one read that returned at the given time (and, on tapped
// lanes, was delivered to the browser at delivered): wire is its size as
// received, decoded its bytes after content decoding.
func (r *ConnRecorder) Feed(at, delivered time.Duration, wire int, decoded []byte) {
	idx := r.Lane.AddRead(r.Conn, at, delivered, wire, len(decoded))
	if len(decoded) == 0 {
		return
	}
	if r.emit == nil {
		r.emit = func(it *sse.Item) {
			r.Lane.AddItem(r.Conn, it, r.arrival, r.delivered)
			if r.OnItem != nil {
				r.OnItem(it, r.arrival)
			}
		}
	}
	r.arrival, r.delivered = at, delivered
	r.Parser.Feed(decoded, idx, r.emit)
	r.Lane.sampleBody(r.Conn, decoded)
}

// End records the end of the connection. The parser discards an
// incomplete event, as EventSource does, and the discarded size is kept.
func (r *ConnRecorder) End(at time.Duration, cause CloseCause, err error) {
	discarded := r.Parser.End()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	r.Lane.EndConn(r.Conn, at, cause, msg, discarded)
}
