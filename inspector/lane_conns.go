package inspector

import (
	"maps"
	"net/http"
	"reflect"
	"slices"
	"time"
	"unsafe"
)

// connRecordSize is unsafe.Sizeof(Conn{}), checked by a test: the memory
// of one Conn record without its details (headers, redirects, strings),
// as counted against the lane's cap.
const connRecordSize = 288

// A reconnecting stream records the same method, URL, Last-Event-ID,
// protocol, error text and headers on connection after connection. Each
// record shares them with the previous record when they are equal, and a
// shared value is counted once, with the oldest record that holds it;
// when that record goes, the next one takes the count over.

// StartConn records a new connection attempt and returns its index. Its
// cost is independent of how many connections the lane already has.
func (l *Lane) StartConn(at time.Duration, method, url string, header http.Header, lastEventID string) int {
	l.mu.Lock()
	idx := int(l.conns.n)
	c := Conn{Index: idx, Start: at}
	var prev Conn
	if p := l.conn(idx - 1); p != nil {
		prev = *p
	}
	var n1, n2, n3 int64
	c.Method, n1 = reuse(prev.Method, method)
	c.URL, n2 = reuse(prev.URL, url)
	c.LastEventID, n3 = reuse(prev.LastEventID, lastEventID)
	c.RequestHeader = l.shareHeader(prev.RequestHeader, header)
	l.appendConn(c, n1+n2+n3)
	l.limitConns()
	l.mu.Unlock()
	l.sess.notify()
	return idx
}

// reuse returns prev when s equals it, so that the value is held once,
// and how many bytes s adds to the lane: none when shared.
func reuse(prev, s string) (string, int64) {
	if s == prev {
		return prev, 0
	}
	return s, int64(len(s))
}

// sameString reports whether two non-empty strings share their bytes.
func sameString(a, b string) bool {
	return len(a) > 0 && len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
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

// headerMemory estimates what a cloned header holds; a nil header holds
// nothing.
func headerMemory(h http.Header) int64 {
	if h == nil {
		return 0
	}
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

// countConn adds n bytes (negative to release them) to the memory of the
// held connection record with index conn. The caller holds the lock.
func (l *Lane) countConn(conn int, n int64) {
	l.connBytes[(int64(conn)-l.conns.first)/logChunk] += n
	l.memory += n
}

// limitConns drops the oldest ended connection records while the lane
// holds more than its MaxLaneConns. The caller holds the lock.
func (l *Lane) limitConns() {
	for l.conns.n-l.conns.first > l.sess.limits.maxLaneConns() && l.dropConns() {
	}
	l.enforceCap()
}

// conn returns the held connection record with index i, or nil when it
// was dropped or does not exist. The caller holds the lock.
func (l *Lane) conn(i int) *Conn {
	return l.conns.at(int64(i))
}

// Conn returns a copy of the i-th connection record, without copying the
// others; the zero Conn (with its Index) if it was dropped.
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
	var prev Conn
	if p := l.conn(conn - 1); p != nil {
		prev = *p
	}
	if c := l.conn(conn); c != nil {
		var n int64
		c.Status, c.HeadersAt = status, at
		c.Proto, n = reuse(prev.Proto, proto)
		c.ResponseHeader = l.shareHeader(prev.ResponseHeader, header)
		l.countConn(conn, n)
		l.enforceCap()
	}
	l.mu.Unlock()
	l.sess.notify()
}

// EndConn records how a connection ended. discarded is the size of an
// incomplete event thrown away at the end of the body.
func (l *Lane) EndConn(conn int, at time.Duration, cause CloseCause, err string, discarded int64) {
	l.mu.Lock()
	var prevErr string
	if p := l.conn(conn - 1); p != nil {
		prevErr = p.Err
	}
	if c := l.conn(conn); c != nil {
		var n int64
		c.End, c.Cause, c.Discarded = at, cause, discarded
		c.Err, n = reuse(prevErr, err)
		if c.End == 0 {
			c.End = 1 // a zero End means "open"; keep an ended conn visibly ended
		}
		l.countConn(conn, n)
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
// did. Their details go first, so the header sharing stays counted once;
// their figures go to the lane's totals of dropped connections. The
// caller holds the lock.
func (l *Lane) dropConns() bool {
	if len(l.conns.chunks) < 2 {
		return false
	}
	old := l.conns.chunks[0]
	for i := range old {
		if old[i].Open() {
			return false
		}
	}
	end := int(l.conns.first) + len(old)
	for l.connDetail < end && l.dropConnDetails() {
	}
	for i := range old {
		l.droppedConns.add(&old[i])
	}
	// Strings the next chunk's first record shares with this chunk's last
	// are counted here; the next chunk takes the count over.
	last, next := &old[len(old)-1], &l.conns.chunks[1][0]
	var shared int64
	for _, s := range [...][2]string{{last.Method, next.Method}, {last.URL, next.URL},
		{last.LastEventID, next.LastEventID}, {last.Proto, next.Proto}, {last.Err, next.Err}} {
		if sameString(s[0], s[1]) {
			shared += int64(len(s[0]))
		}
	}
	l.connBytes[1] += shared
	l.memory -= l.connBytes[0] - shared
	l.connBytes = l.connBytes[1:]
	l.conns.dropChunk()
	return true
}
