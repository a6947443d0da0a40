package inspector

import (
	"maps"
	"net/http"
	"reflect"
	"slices"
	"time"
)

// connRecordSize is the memory of one Conn record without its details
// (headers, redirects, strings), as counted against the lane's cap.
const connRecordSize = 272

// StartConn records a new connection attempt and returns its index. Its
// cost is independent of how many connections the lane already has.
func (l *Lane) StartConn(at time.Duration, method, url string, header http.Header, lastEventID string) int {
	l.mu.Lock()
	idx := int(l.conns.n)
	c := Conn{Index: idx, Start: at, Method: method, URL: url, LastEventID: lastEventID}
	var prev http.Header
	if p := l.conn(idx - 1); p != nil {
		prev = p.RequestHeader
	}
	c.RequestHeader = l.shareHeader(prev, header)
	l.appendConn(c, int64(len(url)+len(lastEventID)))
	l.enforceCap()
	l.mu.Unlock()
	l.sess.notify()
	return idx
}

// shareHeader returns a recorded copy of h: prev itself when equal (a
// reconnecting stream sends and receives the same headers every time, and
// recorded headers are never modified), else a clone counted against the
// cap.
func (l *Lane) shareHeader(prev, h http.Header) http.Header {
	if h == nil {
		return nil
	}
	if prev != nil && maps.EqualFunc(prev, h, slices.Equal) {
		return prev
	}
	l.memory += headerMemory(h)
	return h.Clone()
}

// headerMemory estimates what a cloned header holds.
func headerMemory(h http.Header) int64 {
	n := int64(48)
	for k, vs := range h {
		n += int64(len(k)) + 16 + 24
		for _, v := range vs {
			n += int64(len(v)) + 16
		}
	}
	return n
}

// appendConn stores a connection record whose strings take extra bytes,
// counting the record by the capacity it took. The caller holds the lock.
func (l *Lane) appendConn(c Conn, extra int64) {
	chunks := len(l.conns.chunks)
	grown := l.conns.append(c)
	if len(l.conns.chunks) != chunks {
		l.connBytes = append(l.connBytes, 0)
	}
	size := int64(grown)*connRecordSize + extra
	l.connBytes[len(l.connBytes)-1] += size
	l.memory += size
}

// conn returns the held connection record with index i, or nil when it
// was dropped by the memory cap or does not exist. The caller holds the
// lock.
func (l *Lane) conn(i int) *Conn {
	return l.conns.at(int64(i))
}

// Conn returns a copy of the i-th connection record, without copying the
// others; the zero Conn (with its Index) if the cap dropped it.
func (l *Lane) Conn(i int) Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.conn(i); c != nil {
		return *c
	}
	return Conn{Index: i}
}

// AddRedirect records that the connection was redirected to url.
func (l *Lane) AddRedirect(conn int, url string) {
	l.mu.Lock()
	if c := l.conn(conn); c != nil {
		c.Redirects = append(c.Redirects, url)
		l.memory += int64(len(url)) + 16
		l.enforceCap()
	}
	l.mu.Unlock()
}

// SetResponse records the response line and headers of a connection.
func (l *Lane) SetResponse(conn int, at time.Duration, status int, proto string, header http.Header) {
	l.mu.Lock()
	var prev http.Header
	if p := l.conn(conn - 1); p != nil {
		prev = p.ResponseHeader
	}
	if c := l.conn(conn); c != nil {
		c.Status, c.Proto, c.ResponseHeader, c.HeadersAt = status, proto, l.shareHeader(prev, header), at
		l.enforceCap()
	}
	l.mu.Unlock()
	l.sess.notify()
}

// EndConn records how a connection ended. discarded is the size of an
// incomplete event thrown away at the end of the body.
func (l *Lane) EndConn(conn int, at time.Duration, cause CloseCause, err string, discarded int64) {
	l.mu.Lock()
	if c := l.conn(conn); c != nil {
		c.End, c.Cause, c.Err, c.Discarded = at, cause, err, discarded
		if c.End == 0 {
			c.End = 1 // a zero End means "open"; keep an ended conn visibly ended
		}
		l.connBytes[(int64(conn)-l.conns.first)/logChunk] += int64(len(err))
		l.memory += int64(len(err))
		l.enforceCap()
	}
	l.mu.Unlock()
	l.sess.notify()
}

// SetPeerEnd records, on a tapped connection, how the browser side ended.
func (l *Lane) SetPeerEnd(conn int, cause CloseCause) {
	l.mu.Lock()
	if c := l.conn(conn); c != nil {
		c.Peer = cause
	}
	l.mu.Unlock()
	l.sess.notify()
}

// dropConnDetails drops the headers and redirects of the oldest
// connection that still has them, never the newest one's, and reports
// whether there was one. The caller holds the lock.
func (l *Lane) dropConnDetails() bool {
	if l.connDetail >= int(l.conns.n)-1 {
		return false
	}
	c := l.conn(l.connDetail)
	next := l.conn(l.connDetail + 1)
	// A header shared with the next connection is counted once, with the
	// first connection that recorded it; the next one now owns it.
	if !sameHeader(c.RequestHeader, next.RequestHeader) {
		l.memory -= headerMemory(c.RequestHeader)
	}
	if !sameHeader(c.ResponseHeader, next.ResponseHeader) {
		l.memory -= headerMemory(c.ResponseHeader)
	}
	for _, r := range c.Redirects {
		l.memory -= int64(len(r)) + 16
	}
	c.RequestHeader, c.ResponseHeader, c.Redirects = nil, nil, nil
	l.connDetail++
	return true
}

// sameHeader reports whether two recorded headers are the same map.
func sameHeader(a, b http.Header) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// dropConns drops the oldest chunk of connection records, never the
// newest chunk nor one holding an open connection, and reports whether it
// did. Their details go first, so the header sharing stays counted once.
// The caller holds the lock.
func (l *Lane) dropConns() bool {
	if len(l.conns.chunks) < 2 {
		return false
	}
	for i := range l.conns.chunks[0] {
		if l.conns.chunks[0][i].Open() {
			return false
		}
	}
	end := int(l.conns.first) + len(l.conns.chunks[0])
	for l.connDetail < end && l.dropConnDetails() {
	}
	l.memory -= l.connBytes[0]
	l.connBytes = l.connBytes[1:]
	l.conns.dropChunk()
	return true
}
