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
	idx := len(l.conns)
	c := Conn{Index: idx, Start: at, Method: method, URL: url, LastEventID: lastEventID}
	var prev http.Header
	if idx > 0 {
		prev = l.conns[idx-1].RequestHeader
	}
	c.RequestHeader = l.shareHeader(prev, header)
	l.conns = append(l.conns, c)
	l.memory += connRecordSize + int64(len(url)+len(lastEventID))
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

// Conn returns a copy of the i-th connection record, without copying the
// others.
func (l *Lane) Conn(i int) Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns[i]
}

// AddRedirect records that the connection was redirected to url.
func (l *Lane) AddRedirect(conn int, url string) {
	l.mu.Lock()
	c := &l.conns[conn]
	c.Redirects = append(c.Redirects, url)
	l.memory += int64(len(url)) + 16
	l.enforceCap()
	l.mu.Unlock()
}

// SetResponse records the response line and headers of a connection.
func (l *Lane) SetResponse(conn int, at time.Duration, status int, proto string, header http.Header) {
	l.mu.Lock()
	var prev http.Header
	if conn > 0 {
		prev = l.conns[conn-1].ResponseHeader
	}
	c := &l.conns[conn]
	c.Status, c.Proto, c.ResponseHeader, c.HeadersAt = status, proto, l.shareHeader(prev, header), at
	l.enforceCap()
	l.mu.Unlock()
	l.sess.notify()
}

// EndConn records how a connection ended. discarded is the size of an
// incomplete event thrown away at the end of the body.
func (l *Lane) EndConn(conn int, at time.Duration, cause CloseCause, err string, discarded int64) {
	l.mu.Lock()
	c := &l.conns[conn]
	c.End, c.Cause, c.Err, c.Discarded = at, cause, err, discarded
	if c.End == 0 {
		c.End = 1 // a zero End means "open"; keep an ended conn visibly ended
	}
	l.memory += int64(len(err))
	l.enforceCap()
	l.mu.Unlock()
	l.sess.notify()
}

// SetPeerEnd records, on a tapped connection, how the browser side ended.
func (l *Lane) SetPeerEnd(conn int, cause CloseCause) {
	l.mu.Lock()
	l.conns[conn].Peer = cause
	l.mu.Unlock()
	l.sess.notify()
}

// dropConnDetails drops the headers and redirects of the oldest
// connection that still has them, never the newest one's, and reports
// whether there was one. The caller holds the lock.
func (l *Lane) dropConnDetails() bool {
	if l.connDetail >= len(l.conns)-1 {
		return false
	}
	c := &l.conns[l.connDetail]
	next := &l.conns[l.connDetail+1]
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
