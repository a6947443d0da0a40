package inspector

import "time"

// The event store keeps events compactly: a fixed-size record per event
// whose raw bytes live in a per-segment arena, and whose type and data are
// re-derived from the raw bytes on demand (DecodeBlock agrees with the
// parser by construction). Segments are append-only; readers copy slice
// headers under the lane lock and then read without it, because the writer
// never modifies an element a reader can see.

const (
	segmentRecords = 4096      // records per segment
	segmentArena   = 256 << 10 // arena bytes per segment (larger events get their own)
	recordSize     = 64        // unsafe.Sizeof(record{}); checked by a test
)

// record is one stored event.
type record struct {
	arrival  int64 // ns since session start
	offset   int64 // stream offset of the first byte on its connection
	lastRead int64 // lane-wide read index that completed the event
	rawOff   uint32
	rawLen   uint32
	backRead uint32 // lastRead - firstRead
	conn     uint32
	id       string // last event ID after the event; shared with the previous record when unchanged
	flags    uint8
}

const flagTruncated = 1

// segment holds up to segmentRecords events and their raw bytes.
type segment struct {
	base      int64 // seq of records[0]
	records   []record
	arena     []byte
	delivered []int64       // tap lanes only: parallel to records
	fullSize  map[int]int64 // index -> full size, for truncated events only
	arenaCap  int           // arena size this segment may grow to
}

func (s *segment) memory() int64 {
	return int64(cap(s.records))*recordSize + int64(cap(s.arena)) + int64(cap(s.delivered))*8
}

// fits reports whether an event of n raw bytes can be appended.
func (s *segment) fits(n int) bool {
	return len(s.records) < segmentRecords && len(s.arena)+n <= s.arenaCap
}

// segmentView is a reader's copy of a segment's slice headers.
type segmentView struct {
	base      int64
	records   []record
	arena     []byte
	delivered []int64
	fullSize  map[int]int64
}

func (v *segmentView) event(i int) Event {
	r := &v.records[i]
	raw := v.arena[r.rawOff : r.rawOff+r.rawLen : r.rawOff+r.rawLen]
	typ, data, _ := DecodeBlock(raw)
	ev := Event{
		Seq:       v.base + int64(i),
		Conn:      int(r.conn),
		Type:      typ,
		Data:      data,
		ID:        r.id,
		Raw:       raw,
		Offset:    r.offset,
		Size:      int64(r.rawLen),
		FirstRead: r.lastRead - int64(r.backRead),
		LastRead:  r.lastRead,
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

func (l *chunkLog[T]) append(v T) {
	k := len(l.chunks)
	if k == 0 || len(l.chunks[k-1]) == logChunk {
		l.chunks = append(l.chunks, make([]T, 0, 8))
		k++
	}
	l.chunks[k-1] = append(l.chunks[k-1], v)
	l.n++
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

func (l *chunkLog[T]) memory(elem int64) int64 {
	var m int64
	for _, c := range l.chunks {
		m += int64(cap(c)) * elem
	}
	return m
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
