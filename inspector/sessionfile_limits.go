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
// lane's cap and its MaxLaneConns like a recorded one, sharing the values
// equal to the previous record's as recording does.
func (l *Lane) addLoadedConn(c Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var prev Conn
	if p := l.conn(int(l.conns.n) - 1); p != nil {
		prev = *p
	}
	if c.Index < l.connDetail {
		// The file says this connection's details were dropped.
		c.RequestHeader, c.ResponseHeader, c.Redirects = nil, nil, nil
	}
	c.RequestHeader = l.shareHeader(prev.RequestHeader, c.RequestHeader)
	c.ResponseHeader = l.shareHeader(prev.ResponseHeader, c.ResponseHeader)
	for _, r := range c.Redirects {
		l.memory += int64(len(r)) + 16
	}
	var n [5]int64
	c.Method, n[0] = reuse(prev.Method, c.Method)
	c.URL, n[1] = reuse(prev.URL, c.URL)
	c.LastEventID, n[2] = reuse(prev.LastEventID, c.LastEventID)
	c.Proto, n[3] = reuse(prev.Proto, c.Proto)
	c.Err, n[4] = reuse(prev.Err, c.Err)
	l.appendConn(c, n[0]+n[1]+n[2]+n[3]+n[4]+int64(cap(c.Head)+cap(c.Tail)))
	l.limitConns()
}
