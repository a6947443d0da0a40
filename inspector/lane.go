package inspector

import (
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// readRecord is one stored read. A tapped lane keeps when each read was
// delivered to the browser in a log of its own beside it, so that the
// reads of other lanes do not pay for it.
type readRecord struct {
	at   int64
	conn uint32
	wire uint32
	size uint32
}

// readRecordSize is unsafe.Sizeof(readRecord{}), checked by a test.
const readRecordSize = 24

// Lane is one stream in a session: a subscription, or one SSE response seen
// by the tap. Its writer methods must be called from one goroutine at a
// time; Snapshot may be called from any goroutine.
type Lane struct {
	sess *Session
	tap  bool

	mu           sync.Mutex
	info         LaneInfo
	state        LaneState
	stateDetail  string
	conns        chunkLog[Conn]
	connBytes    []int64 // memory of each conns chunk, strings included
	segs         []*segment
	events       int64 // events appended, including dropped
	dropped      int64 // events dropped by the memory cap
	reads        chunkLog[readRecord]
	delivered    chunkLog[int64] // tapped lanes: when each read was delivered
	notes        noteLog
	connDetail   int        // conns before this index have had their details dropped (or were dropped)
	droppedConns ConnTotals // what the dropped connection records recorded
	memory       int64
}

// Info returns the lane's description.
func (l *Lane) Info() LaneInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.info
}

// ID is the lane's session-wide identifier.
func (l *Lane) ID() int { return l.Info().ID }

// Session returns the session the lane belongs to.
func (l *Lane) Session() *Session { return l.sess }

// SetState records the lane's live state with a human-readable detail
// (for instance the cause of a failure).
func (l *Lane) SetState(state LaneState, detail string) {
	l.mu.Lock()
	l.state, l.stateDetail = state, detail
	l.mu.Unlock()
	l.sess.notify()
}

// State returns the lane's live state and its detail.
func (l *Lane) State() (LaneState, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state, l.stateDetail
}

// AddRead records one body read: wire bytes as received and size after
// content decoding. delivered is 0 except on tapped lanes. It returns the
// lane-wide read index that the parser must be given for this read.
func (l *Lane) AddRead(conn int, at, delivered time.Duration, wire, size int) int64 {
	l.mu.Lock()
	if c := l.conn(conn); c != nil {
		if c.FirstByteAt == 0 && wire > 0 {
			c.FirstByteAt = at
		}
		c.WireBytes += int64(wire)
		c.Bytes += int64(size)
		c.Reads++
	}
	idx := l.appendRead(conn, at, delivered, wire, size)
	l.mu.Unlock()
	l.sess.notify()
	return idx
}

// appendRead stores a read and returns its lane-wide index; the caller
// holds the lock.
func (l *Lane) appendRead(conn int, at, delivered time.Duration, wire, size int) int64 {
	idx := l.reads.n
	grown := int64(l.reads.append(readRecord{at: int64(at), conn: uint32(conn), wire: uint32(wire), size: uint32(size)})) * readRecordSize
	if l.tap {
		grown += int64(l.delivered.append(int64(delivered))) * 8
	}
	if grown > 0 {
		l.memory += grown
		l.enforceCap()
	}
	return idx
}

// AddItem records a parser item (event, comment or retry) of a connection.
// arrival is the time of the read that completed it; delivered is the time
// the tap's write to the browser returned (0 elsewhere).
func (l *Lane) AddItem(conn int, it *sse.Item, arrival, delivered time.Duration) {
	switch it.Kind {
	case sse.ItemEvent:
		l.addEvent(conn, it, arrival, delivered)
	case sse.ItemComment, sse.ItemRetry:
		l.mu.Lock()
		l.appendNote(conn, arrival, it.Kind, it.Data, it.Retry, it.LastRead)
		l.mu.Unlock()
		l.sess.notify()
	}
}

// appendNote stores a comment (its text) or a retry field (its
// reconnection time) under the memory cap: a server padding its stream
// with comments must not grow the lane without bound. The caller holds
// the lock.
func (l *Lane) appendNote(conn int, at time.Duration, kind sse.ItemKind, text []byte, retry time.Duration, read int64) {
	l.memory += l.notes.append(at, conn, kind, text, retry, read)
	l.enforceCap()
}

func (l *Lane) addEvent(conn int, it *sse.Item, arrival, delivered time.Duration) {
	l.mu.Lock()
	l.appendEvent(conn, it, arrival, delivered)
	if c := l.conn(conn); c != nil {
		c.Events++
	}
	l.mu.Unlock()
	l.sess.notify()
}

// appendEvent stores an event; the caller holds the lock.
func (l *Lane) appendEvent(conn int, it *sse.Item, arrival, delivered time.Duration) {
	var seg *segment
	if n := len(l.segs); n > 0 && l.segs[n-1].fits(len(it.Raw), it.LastRead) {
		seg = l.segs[n-1]
	} else {
		seg = l.newSegment(len(it.Raw), it.LastRead)
	}
	before := seg.memory()
	rawOff, repeat := seg.rawRef(it.Raw)
	idOff, idLen, idFlags := seg.idRef(it.ID, it.Raw, rawOff)
	r := record{
		arrival:  int64(arrival),
		offset:   it.Offset,
		lastRead: uint32(it.LastRead - seg.readBase),
		rawOff:   rawOff,
		rawLen:   uint32(len(it.Raw)),
		backRead: uint32(min(it.LastRead-it.FirstRead, 1<<32-1)),
		conn:     uint32(conn),
		idOff:    idOff,
		idLen:    idLen,
		flags:    idFlags,
	}
	if it.Truncated {
		r.flags |= flagTruncated
		if seg.fullSize == nil {
			seg.fullSize = make(map[int]int64)
		}
		seg.fullSize[len(seg.records)] = it.Size
	}
	if !repeat {
		seg.arena = append(seg.arena, it.Raw...)
	}
	seg.records = append(seg.records, r)
	if l.tap {
		seg.delivered = append(seg.delivered, int64(delivered))
	}
	l.memory += seg.memory() - before
	l.events++
	l.enforceCap()
}

// newSegment starts a segment with room for an event of n raw bytes.
func (l *Lane) newSegment(n int, readBase int64) *segment {
	arenaCap := segmentArena
	if n > arenaCap {
		arenaCap = n
	}
	if n := len(l.segs); n > 0 {
		old := l.segs[n-1]
		before := old.memory()
		old.seal()
		l.memory += old.memory() - before
	}
	seg := &segment{base: l.events, readBase: readBase, arenaCap: arenaCap}
	if n > segmentArena {
		seg.arena = make([]byte, 0, n)
	}
	l.segs = append(l.segs, seg)
	l.memory += seg.memory()
	return seg
}

// enforceCap drops the oldest events, reads, notes or ended connections
// while the lane is over its memory cap — whichever oldest block is
// largest — always keeping the newest block of each.
func (l *Lane) enforceCap() {
	limit := l.sess.limits.maxLaneBytes()
	// Connection details (headers, redirects) go first: a reconnecting
	// stream must not grow the lane one connection at a time.
	for l.memory > limit && l.dropConnDetails() {
	}
	for l.memory > limit {
		var segMem, readMem, noteMem, connMem int64
		if len(l.segs) > 1 {
			segMem = l.segs[0].memory()
		}
		if len(l.reads.chunks) > 1 {
			readMem = int64(cap(l.reads.chunks[0])) * readRecordSize
			if len(l.delivered.chunks) > 1 {
				readMem += int64(cap(l.delivered.chunks[0])) * 8
			}
		}
		noteMem = l.notes.oldest()
		if len(l.conns.chunks) > 1 {
			connMem = l.connBytes[0]
		}
		switch {
		case connMem > 0 && connMem >= segMem && connMem >= readMem && connMem >= noteMem && l.dropConns():
		case segMem > 0 && segMem >= readMem && segMem >= noteMem:
			old := l.segs[0]
			l.memory -= segMem
			l.dropped += int64(len(old.records))
			l.segs[0] = nil
			l.segs = l.segs[1:]
		case readMem > 0 && readMem >= noteMem:
			l.memory -= readMem
			l.reads.dropChunk()
			l.delivered.dropChunk()
		case noteMem > 0:
			l.memory -= l.notes.dropChunk()
		default:
			return
		}
	}
}

// Snapshot returns an immutable view of the lane.
func (l *Lane) Snapshot() *LaneSnapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &LaneSnapshot{
		Info:               l.info,
		State:              l.state,
		StateDetail:        l.stateDetail,
		Conns:              make([]Conn, 0, l.conns.n-l.conns.first),
		FirstConn:          int(l.conns.first),
		DroppedEvents:      l.dropped,
		DroppedReads:       l.reads.first,
		DroppedNotes:       l.notes.recs.first,
		DroppedConnDetails: int64(l.connDetail),
		DroppedConns:       l.droppedConns,
		MemoryBytes:        l.memory,
		reads:              l.reads.view(),
		delivered:          l.delivered.view(),
		notes:              l.notes.view(),
		segs:               make([]segmentView, len(l.segs)),
		starts:             make([]int, len(l.segs)),
	}
	s.DroppedConns.Causes = maps.Clone(l.droppedConns.Causes)
	for _, c := range l.conns.chunks {
		s.Conns = append(s.Conns, c...)
	}
	n := 0
	for i, seg := range l.segs {
		s.segs[i] = segmentView{base: seg.base, readBase: seg.readBase, records: seg.records, ids: seg.ids, arena: seg.arena, delivered: seg.delivered}
		if seg.fullSize != nil {
			m := make(map[int]int64, len(seg.fullSize))
			for k, v := range seg.fullSize {
				m[k] = v
			}
			s.segs[i].fullSize = m
		}
		s.starts[i] = n
		n += len(seg.records)
	}
	s.n = n
	return s
}

// LaneSnapshot is an immutable view of a lane. Event indices run from 0
// (the oldest event still held) to Len()-1.
type LaneSnapshot struct {
	Info        LaneInfo
	State       LaneState
	StateDetail string
	// Conns are the connections held, oldest first: Conns[k] has index
	// FirstConn+k. The lane's MaxLaneConns and its memory cap drop whole
	// records of the oldest ended connections; FirstConn counts them, so
	// indices stay stable, and DroppedConns adds up what they recorded.
	// Use ConnAt to find a connection by index.
	Conns         []Conn
	FirstConn     int
	DroppedConns  ConnTotals
	DroppedEvents int64 // events dropped by the memory cap
	DroppedReads  int64 // reads dropped by the memory cap
	DroppedNotes  int64 // comments and retry notes dropped by the memory cap
	// DroppedConnDetails is how many of the oldest connections lost their
	// headers and redirects to the memory cap (their other fields stay
	// unless FirstConn counts them as dropped too).
	DroppedConnDetails int64
	MemoryBytes        int64 // memory held by stored events, reads, notes and connections

	segs      []segmentView
	starts    []int
	n         int
	reads     logView[readRecord]
	delivered logView[int64] // tapped lanes only
	notes     noteView
}

// Len is the number of events held.
func (s *LaneSnapshot) Len() int { return s.n }

func (s *LaneSnapshot) locate(i int) (*segmentView, int) {
	k := sort.Search(len(s.starts), func(k int) bool { return s.starts[k] > i }) - 1
	return &s.segs[k], i - s.starts[k]
}

// Event materializes the i-th event, decoding its type and data.
func (s *LaneSnapshot) Event(i int) Event {
	seg, j := s.locate(i)
	return seg.event(j)
}

// EventMeta is an event's timing and size without its decoded content:
// cheap to read for every event of a large lane.
type EventMeta struct {
	Seq       int64
	Conn      int
	Arrival   time.Duration
	Delivered time.Duration
	Size      int64
	FirstRead int64
	LastRead  int64
	ID        string
}

// Scan calls fn with the meta of events from..to-1 in order; fn returns
// false to stop.
func (s *LaneSnapshot) Scan(from, to int, fn func(i int, m *EventMeta) bool) {
	if from < 0 {
		from = 0
	}
	if to > s.n {
		to = s.n
	}
	if from >= to {
		return
	}
	var m EventMeta
	k := sort.Search(len(s.starts), func(k int) bool { return s.starts[k] > from }) - 1
	j := from - s.starts[k]
	for i := from; i < to; i++ {
		for j >= len(s.segs[k].records) {
			k++
			j = 0
		}
		v := &s.segs[k]
		r := &v.records[j]
		m = EventMeta{Seq: v.base + int64(j), Conn: int(r.conn), Arrival: time.Duration(r.arrival),
			Size: int64(r.rawLen), FirstRead: v.readBase + int64(r.lastRead) - int64(r.backRead), LastRead: v.readBase + int64(r.lastRead), ID: v.id(r)}
		if r.flags&flagTruncated != 0 {
			m.Size = v.fullSize[j]
		}
		if v.delivered != nil {
			m.Delivered = time.Duration(v.delivered[j])
		}
		if !fn(i, &m) {
			return
		}
		j++
	}
}

// Arrival is the arrival time of the i-th event.
func (s *LaneSnapshot) Arrival(i int) time.Duration {
	seg, j := s.locate(i)
	return time.Duration(seg.records[j].arrival)
}

// Events materializes all held events (use Scan for large lanes).
func (s *LaneSnapshot) Events() []Event {
	out := make([]Event, 0, s.n)
	for k := range s.segs {
		for j := range s.segs[k].records {
			out = append(out, s.segs[k].event(j))
		}
	}
	return out
}

// ReadCount is the number of reads held.
func (s *LaneSnapshot) ReadCount() int { return s.reads.Len() }

// Read returns the i-th held read.
func (s *LaneSnapshot) Read(i int) Read {
	r := s.reads.At(i)
	rd := Read{Index: s.reads.first + int64(i), Conn: int(r.conn), At: time.Duration(r.at), WireSize: int(r.wire), Size: int(r.size)}
	if s.delivered.Len() > 0 {
		rd.Delivered = time.Duration(s.delivered.At(i))
	}
	return rd
}

// ReadByIndex returns the read with the given lane-wide index, if held.
func (s *LaneSnapshot) ReadByIndex(idx int64) (Read, bool) {
	i := idx - s.reads.first
	if i < 0 || i >= int64(s.reads.Len()) {
		return Read{}, false
	}
	return s.Read(int(i)), true
}

// Reads returns all held reads.
func (s *LaneSnapshot) Reads() []Read {
	out := make([]Read, s.reads.Len())
	for i := range out {
		out[i] = s.Read(i)
	}
	return out
}

// Notes returns the comments and retry fields seen, in order.
func (s *LaneSnapshot) Notes() []Note { return s.notes.All() }

// End is the latest time recorded on the lane.
func (s *LaneSnapshot) End() time.Duration {
	var end time.Duration
	for _, c := range s.Conns {
		for _, t := range []time.Duration{c.Start, c.HeadersAt, c.End} {
			if t > end {
				end = t
			}
		}
	}
	if n := s.reads.Len(); n > 0 {
		if r := s.reads.At(n - 1); time.Duration(r.at) > end {
			end = time.Duration(r.at)
		}
	}
	return end
}

// Bytes is the total decoded body bytes over all connections, dropped
// ones included.
func (s *LaneSnapshot) Bytes() int64 {
	b := s.DroppedConns.Bytes
	for _, c := range s.Conns {
		b += c.Bytes
	}
	return b
}

// WireBytes is the total body bytes as received over all connections,
// dropped ones included.
func (s *LaneSnapshot) WireBytes() int64 {
	b := s.DroppedConns.WireBytes
	for _, c := range s.Conns {
		b += c.WireBytes
	}
	return b
}

// Start is when the lane's first connection started, dropped or not; 0
// when it has none.
func (s *LaneSnapshot) Start() time.Duration {
	switch {
	case s.FirstConn > 0 && s.DroppedConns.Causes != nil:
		return s.DroppedConns.Start
	case len(s.Conns) > 0:
		return s.Conns[0].Start
	}
	return 0
}

// TotalEvents counts events received, including dropped ones.
func (s *LaneSnapshot) TotalEvents() int64 { return s.DroppedEvents + int64(s.n) }

// ConnAt returns the lane's connection with the given index, or false when
// the snapshot holds none with that index.
func (s *LaneSnapshot) ConnAt(i int) (*Conn, bool) {
	k := i - s.FirstConn
	if k < 0 || k >= len(s.Conns) {
		return nil, false
	}
	return &s.Conns[k], true
}

// HasDetails reports whether a held connection still has its headers and
// redirects: the memory cap drops them from the oldest connections first
// (DroppedConnDetails counts those), so a nil header there says nothing
// about what the response carried.
func (s *LaneSnapshot) HasDetails(c *Conn) bool { return int64(c.Index) >= s.DroppedConnDetails }

// ConnCount is the number of connections recorded, dropped ones included.
func (s *LaneSnapshot) ConnCount() int { return s.FirstConn + len(s.Conns) }
