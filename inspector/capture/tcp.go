package capture

import (
	"slices"
	"time"
)

// DefaultMaxPending is the default for Options.MaxPending.
const DefaultMaxPending = 4 << 20

// stream puts one direction of a TCP connection back in order. Bytes are
// handed on once every byte before them has been seen, at the time of the
// segment that completed them: that is when a reader on the receiving
// socket could have had them.
type stream struct {
	started bool
	next    uint32 // the sequence number of the next byte expected
	pending []pendingSeg
	held    int // bytes in pending
	// retransmitted counts bytes seen twice; delivered those handed on.
	retransmitted int64
	delivered     int64
}

// pendingSeg is a segment that arrived before the bytes that precede it.
type pendingSeg struct {
	seq  uint32
	data []byte
	gap  int // bytes the snap length cut off, held as a gap of that length
}

// streamSink receives a stream's bytes in order, and the gaps the capture
// left in it.
type streamSink interface {
	data(b []byte, at time.Time)
	gap(n int64, at time.Time)
}

// seqDiff is a − b in sequence space, which wraps around.
func seqDiff(a, b uint32) int64 { return int64(int32(a - b)) }

// syn starts the stream at a SYN's sequence number.
func (s *stream) syn(seq uint32) {
	if !s.started {
		s.started, s.next = true, seq+1
	}
}

// push takes one segment's payload; missing counts the bytes after it the
// capture cut off. maxPending bounds the bytes held out of order: beyond
// it the bytes still missing are given up as a gap.
func (s *stream) push(seq uint32, payload []byte, missing int, at time.Time, sink streamSink, maxPending int) {
	if len(payload)+missing == 0 {
		return
	}
	if !s.started {
		s.started, s.next = true, seq
	}
	if d := seqDiff(seq, s.next); d < 0 {
		if int64(len(payload)+missing) <= -d {
			s.retransmitted += int64(len(payload) + missing)
			return
		}
		s.retransmitted += -d
		cut := int(min(-d, int64(len(payload))))
		payload = payload[cut:]
		missing -= int(-d) - cut
		seq = s.next
	}
	if seq == s.next {
		s.deliver(payload, at, sink)
		if missing > 0 {
			s.next += uint32(missing)
			sink.gap(int64(missing), at)
		}
		s.drain(at, sink)
		return
	}
	s.hold(seq, payload, missing)
	if s.held > maxPending {
		s.flush(at, sink)
	}
}

// deliver hands bytes on in order.
func (s *stream) deliver(b []byte, at time.Time, sink streamSink) {
	if len(b) == 0 {
		return
	}
	s.next += uint32(len(b))
	s.delivered += int64(len(b))
	sink.data(b, at)
}

// hold keeps an early segment (a copy: packet buffers are reused). Bytes
// cut off by the snap length are held as a nil segment of their length.
func (s *stream) hold(seq uint32, payload []byte, missing int) {
	i, found := slices.BinarySearchFunc(s.pending, seq, func(p pendingSeg, seq uint32) int {
		return int(seqDiff(p.seq, seq))
	})
	if found && len(s.pending[i].data) >= len(payload) {
		s.retransmitted += int64(len(payload))
		return
	}
	seg := pendingSeg{seq: seq, data: append([]byte(nil), payload...)}
	if found {
		s.held -= len(s.pending[i].data)
		s.pending[i] = seg
	} else {
		s.pending = slices.Insert(s.pending, i, seg)
	}
	s.held += len(payload)
	if missing > 0 {
		gapSeq := seq + uint32(len(payload))
		j, _ := slices.BinarySearchFunc(s.pending, gapSeq, func(p pendingSeg, seq uint32) int {
			return int(seqDiff(p.seq, seq))
		})
		s.pending = slices.Insert(s.pending, j, pendingSeg{seq: gapSeq, gap: missing})
	}
}

// drain delivers the held segments that have become contiguous.
func (s *stream) drain(at time.Time, sink streamSink) {
	for len(s.pending) > 0 {
		p := s.pending[0]
		d := seqDiff(p.seq, s.next)
		if d > 0 {
			return
		}
		s.pending = s.pending[1:]
		s.held -= len(p.data)
		if p.gap > 0 {
			if n := int64(p.gap) + d; n > 0 {
				s.next += uint32(n)
				sink.gap(n, at)
			}
			continue
		}
		if int64(len(p.data)) <= -d {
			s.retransmitted += int64(len(p.data))
			continue
		}
		s.retransmitted += -d
		s.deliver(p.data[-d:], at, sink)
	}
	if len(s.pending) == 0 {
		s.pending = nil
	}
}

// flush gives up waiting: the bytes missing before each held segment are
// reported as a gap and the held segments delivered. It is called when
// too much is held, and when the direction ends.
func (s *stream) flush(at time.Time, sink streamSink) {
	for len(s.pending) > 0 {
		if d := seqDiff(s.pending[0].seq, s.next); d > 0 {
			s.next = s.pending[0].seq
			sink.gap(d, at)
		}
		s.drain(at, sink)
	}
}
