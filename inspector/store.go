package inspector

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// The event store keeps events compactly: a fixed-size record per event
// whose raw bytes live in a per-segment arena, and whose type and data are
// re-derived from the raw bytes on demand (DecodeBlock agrees with the
// parser by construction). Segments are append-only; readers copy slice
// headers under the lane lock and then read without it, because the writer
// never modifies an element a reader can see.

const (
	segmentRecords = 4096      // records per segment
	segmentArena   = 256 << 10 // arena bytes per segment (larger events get their own)
	recordSize     = 48        // unsafe.Sizeof(record{}); checked by a test
)

// record is one stored event. The last event ID is not stored as a string:
// it almost always occurs verbatim in the event's own raw bytes (or equals
// the previous event's), so the record points into the arena; the rare
// other IDs go to the segment's side table.
type record struct {
	arrival  int64 // ns since session start
	offset   int64 // stream offset of the first byte on its connection
	rawOff   uint32
	rawLen   uint32
	lastRead uint32 // read index that completed the event, relative to the segment's readBase
	backRead uint32 // lastRead - firstRead
	conn     uint32
	idOff    uint32 // arena offset of the ID, or index into ids when flagIDTable
	idLen    uint32
	flags    uint8
}

const (
	flagTruncated = 1 << iota
	flagIDTable
)

// segment holds up to segmentRecords events and their raw bytes.
type segment struct {
	base      int64 // seq of records[0]
	readBase  int64 // lane-wide read index that record read indices count from
	records   []record
	ids       []string // IDs that are not in the arena
	arena     []byte
	delivered []int64       // tap lanes only: parallel to records
	fullSize  map[int]int64 // index -> full size, for truncated events only
	arenaCap  int           // arena size this segment may grow to
}

func (s *segment) memory() int64 {
	return int64(cap(s.records))*recordSize + int64(cap(s.arena)) + int64(cap(s.delivered))*8 + int64(cap(s.ids))*16
}

// fits reports whether an event of n raw bytes can be appended.
func (s *segment) fits(n int, lastRead int64) bool {
	return len(s.records) < segmentRecords && len(s.arena)+n <= s.arenaCap && lastRead-s.readBase < 1<<32
}

// rawRef is where an event's raw block goes in the arena: the previous
// record's bytes when they are the same (a reconnect storm or a heartbeat
// sends one block over and over; arena bytes are never modified, so
// records can share them), else the arena's end, where the caller appends
// it.
func (s *segment) rawRef(raw []byte) (off uint32, repeat bool) {
	if k := len(s.records); k > 0 && len(raw) > 0 {
		p := &s.records[k-1]
		if int(p.rawLen) == len(raw) && bytes.Equal(s.arena[p.rawOff:p.rawOff+p.rawLen], raw) {
			return p.rawOff, true
		}
	}
	return uint32(len(s.arena)), false
}

// idRef finds where id can be read back from: the previous record's
// reference, the event's own raw bytes, or else the side table.
func (s *segment) idRef(id string, raw []byte, rawOff uint32) (off, n uint32, flags uint8) {
	if id == "" {
		return 0, 0, 0
	}
	if k := len(s.records); k > 0 {
		p := &s.records[k-1]
		v := segmentView{arena: s.arena, ids: s.ids}
		if v.id(p) == id {
			return p.idOff, p.idLen, p.flags & flagIDTable
		}
	}
	if i := strings.Index(unsafe.String(unsafe.SliceData(raw), len(raw)), id); i >= 0 && len(raw) > 0 {
		return rawOff + uint32(i), uint32(len(id)), 0
	}
	s.ids = append(s.ids, id)
	return uint32(len(s.ids) - 1), 0, flagIDTable
}

// seal trims a full segment's slices to their length, so growth slack is
// not kept for the lane's lifetime. Readers holding the old slices keep
// valid, unchanged copies.
func (s *segment) seal() {
	s.records = slices.Clip(slices.Clone(s.records))
	s.arena = slices.Clip(slices.Clone(s.arena))
	if s.delivered != nil {
		s.delivered = slices.Clip(slices.Clone(s.delivered))
	}
}

// segmentView is a reader's copy of a segment's slice headers.
type segmentView struct {
	base      int64
	readBase  int64
	records   []record
	ids       []string
	arena     []byte
	delivered []int64
	fullSize  map[int]int64
}

// id returns the record's last event ID without copying: arena bytes are
// never modified once written.
func (v *segmentView) id(r *record) string {
	if r.flags&flagIDTable != 0 {
		return v.ids[r.idOff]
	}
	if r.idLen == 0 {
		return ""
	}
	return unsafe.String(&v.arena[r.idOff], r.idLen)
}

func (v *segmentView) event(i int) Event {
	r := &v.records[i]
	raw := v.arena[r.rawOff : r.rawOff+r.rawLen : r.rawOff+r.rawLen]
	typ, data, _ := sse.DecodeBlock(raw)
	ev := Event{
		Seq:       v.base + int64(i),
		Conn:      int(r.conn),
		Type:      typ,
		Data:      data,
		ID:        v.id(r),
		Raw:       raw,
		Offset:    r.offset,
		Size:      int64(r.rawLen),
		FirstRead: v.readBase + int64(r.lastRead) - int64(r.backRead),
		LastRead:  v.readBase + int64(r.lastRead),
		Arrival:   time.Duration(r.arrival),
		Truncated: r.flags&flagTruncated != 0,
	}
	if ev.Truncated {
		ev.Size = v.fullSize[i]
	}
	if v.delivered != nil {
		ev.Delivered = time.Duration(v.delivered[i])
	}
	return ev
}

// chunkLog is an append-only log kept in chunks, so that dropping the
// oldest entries frees memory and readers can hold a stable view.
type chunkLog[T any] struct {
	chunks [][]T
	first  int64 // index of chunks[0][0]
	n      int64 // total appended, including dropped
}

const logChunk = 1024

// append adds v and returns how many elements of capacity that took
// (0 when the last chunk had room), for memory accounting. A chunk's
// capacity doubles up to logChunk and no further (append's own growth
// would overshoot it by a quarter).
func (l *chunkLog[T]) append(v T) (grown int) {
	k := len(l.chunks)
	if k == 0 || len(l.chunks[k-1]) == logChunk {
		l.chunks = append(l.chunks, make([]T, 0, 8))
		k++
		grown = 8
	}
	c := l.chunks[k-1]
	if len(c) == cap(c) {
		bigger := make([]T, len(c), min(2*cap(c), logChunk))
		copy(bigger, c)
		grown += cap(bigger) - cap(c)
		c = bigger
	}
	l.chunks[k-1] = append(c, v)
	l.n++
	return grown
}

// dropChunk drops the oldest chunk and returns how many entries went.
func (l *chunkLog[T]) dropChunk() int64 {
	if len(l.chunks) < 2 {
		return 0
	}
	gone := int64(len(l.chunks[0]))
	l.chunks[0] = nil
	l.chunks = l.chunks[1:]
	l.first += gone
	return gone
}

// at returns a pointer to the held entry with index i, or nil when it was
// dropped or does not exist. Every chunk but the last is full.
func (l *chunkLog[T]) at(i int64) *T {
	if i < l.first || i >= l.n {
		return nil
	}
	off := i - l.first
	return &l.chunks[off/logChunk][off%logChunk]
}

// view copies the chunk headers for a reader.
func (l *chunkLog[T]) view() logView[T] {
	return logView[T]{chunks: append([][]T(nil), l.chunks...), first: l.first, n: l.n}
}

// logView is a reader's stable copy of a chunkLog.
type logView[T any] struct {
	chunks [][]T
	first  int64
	n      int64
}

// Len is the number of entries still held.
func (v logView[T]) Len() int { return int(v.n - v.first) }

// At returns the i-th held entry (0 is the oldest held).
func (v logView[T]) At(i int) T {
	if len(v.chunks) > 0 {
		// Every chunk but the first is full except possibly the last.
		c0 := len(v.chunks[0])
		if i < c0 {
			return v.chunks[0][i]
		}
		i -= c0
		return v.chunks[1+i/logChunk][i%logChunk]
	}
	panic("inspector: log index out of range")
}

// All copies every held entry into a new slice.
func (v logView[T]) All() []T {
	out := make([]T, 0, v.Len())
	for _, c := range v.chunks {
		out = append(out, c...)
	}
	return out
}
