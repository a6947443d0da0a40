package inspector

import (
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// Loading a session applies the session's limits exactly as live
// recording does: an event larger than MaxEventSize keeps its first bytes
// and is flagged truncated (its full size kept), and a lane over
// MaxLaneBytes drops its oldest events, reads, notes and connection
// details, counted in the lane's Dropped fields. A file recorded with
// larger limits therefore loads in the memory the limits allow.

// addEvent stores a loaded event under the per-event cap.
func (ld *loader) addEvent(l *Lane, conn int, it *sse.Item, arrival, delivered time.Duration) {
	ld.events++
	if limit := ld.sess.limits.maxEventSize(); len(it.Raw) > limit {
		it.Raw, it.Truncated = it.Raw[:limit], true
	}
	l.mu.Lock()
	l.appendEvent(conn, it, arrival, delivered)
	l.mu.Unlock()
}

// addLoadedConn appends a loaded connection record, counted against the
// lane's cap like a recorded one.
func (l *Lane) addLoadedConn(c Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var prevReq, prevResp map[string][]string
	if p := l.conn(int(l.conns.n) - 1); p != nil {
		prevReq, prevResp = p.RequestHeader, p.ResponseHeader
	}
	c.RequestHeader = l.shareHeader(prevReq, c.RequestHeader)
	c.ResponseHeader = l.shareHeader(prevResp, c.ResponseHeader)
	for _, r := range c.Redirects {
		l.memory += int64(len(r)) + 16
	}
	l.appendConn(c, int64(len(c.URL)+len(c.LastEventID)+len(c.Err)))
	l.enforceCap()
}
