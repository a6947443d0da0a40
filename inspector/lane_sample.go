package inspector

// BodySampleSize is how many decoded bytes a connection keeps from each end
// of its body while it has delivered no event: enough to show what a
// stream that never delivers an event sent instead.
const BodySampleSize = 64

// sampleBody keeps the first and the last bytes of a connection's body
// while it has delivered no event, given each read after it was parsed.
// Once an event completes the samples are dropped and no longer kept, so
// the cost is paid only by streams that look dead, and counted against the
// lane's cap. The slices are replaced, never written in place, since
// snapshots share them.
func (l *Lane) sampleBody(conn int, b []byte) {
	if len(b) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.conn(conn)
	if c == nil {
		return
	}
	before := int64(cap(c.Head) + cap(c.Tail))
	defer func() { l.countConn(conn, int64(cap(c.Head)+cap(c.Tail))-before) }()
	if c.Events > 0 {
		c.Head, c.Tail = nil, nil
		return
	}
	if len(c.Head) < BodySampleSize {
		n := min(len(b), BodySampleSize-len(c.Head))
		head := make([]byte, 0, len(c.Head)+n)
		c.Head = append(append(head, c.Head...), b[:n]...)
	}
	keep := min(len(c.Tail), BodySampleSize-min(len(b), BodySampleSize))
	tail := make([]byte, 0, BodySampleSize)
	tail = append(tail, c.Tail[len(c.Tail)-keep:]...)
	c.Tail = append(tail, b[len(b)-min(len(b), BodySampleSize):]...)
}
