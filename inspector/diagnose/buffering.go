package diagnose

import (
	"fmt"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// The signature of a buffer, shared by the rules that name who buffers.
// A server that flushes each event is read at event boundaries, one event
// per read. Something that holds bytes until a buffer fills releases them
// in reads of the buffer's size (4096 B, a memory page, for nginx and for
// Go without Flush), cutting events anywhere and delivering many at once;
// something that holds the whole body releases everything at the end.

// minStepBuffer is the smallest step taken for a buffer: page-sized and
// larger buffers are what servers use.
const minStepBuffer = 1024

// minEventsPerRead is how many events a read must carry on average before
// large reads mean buffering: a stream of events larger than a read buffer
// is cut into reads too, but then a read carries about one event or less.
const minEventsPerRead = 1.5

// bufferSign is what shows that something held a lane's events back.
type bufferSign struct {
	steps     bool         // reads in regular buffer-sized steps
	cut       bool         // reads that cut events and carry several
	heldToEnd []ConnTiming // connections that delivered everything at their end
	silent    []ConnTiming // connections that got nothing while the reference got events
}

// held reports whether any part of the signature is present.
func (s bufferSign) held() bool {
	return s.steps || s.cut || len(s.heldToEnd) > 0 || len(s.silent) > 0
}

// bufferSign measures a lane's buffer signature. Silent connections count
// only against a reference that received events meanwhile, since a stream
// may simply have nothing to say.
func (f *laneFacts) bufferSign(ref *laneFacts) bufferSign {
	var s bufferSign
	b := f.bursts
	perRead := 0.0
	if b.Reads > 0 {
		perRead = float64(len(f.events)) / float64(b.Reads)
	}
	s.steps = b.StepSize >= minStepBuffer && b.StepReads >= 2 && perRead >= minEventsPerRead
	s.cut = b.SplitReads >= 2 && b.SplitReads*2 >= b.InnerReads && b.BurstEvents*2 >= len(f.events) &&
		perRead >= minEventsPerRead
	for _, t := range b.Conns {
		if t.HeldToEnd {
			s.heldToEnd = append(s.heldToEnd, t)
		}
		if t.Silent && ref != nil {
			if c, ok := f.snap.ConnAt(t.Conn); ok && ref.eventsBetween(c.Start, c.Start+t.Life) >= 2 {
				s.silent = append(s.silent, t)
			}
		}
	}
	return s
}

// eventsBetween counts the lane's events that arrived in [from, to].
func (f *laneFacts) eventsBetween(from, to time.Duration) int {
	n := 0
	for i := range f.events {
		if a := f.events[i].Arrival; a >= from && a <= to {
			n++
		}
	}
	return n
}

// bufferEvidence describes a lane's buffer signature; ref, when given, is
// named in the comparisons.
func (f *laneFacts) bufferEvidence(s bufferSign, ref *laneFacts) []string {
	var ev []string
	b := f.bursts
	name := f.name()
	if t := f.firstTiming(); t != nil && t.HeadersWithBody && t.ToHeaders > 0 {
		line := fmt.Sprintf("%s: the response headers arrived %s after the request, together with the first body bytes",
			name, fmtDur(t.ToHeaders))
		if ref != nil {
			if rt := ref.firstTiming(); rt != nil && rt.ToHeaders >= 0 && t.ToHeaders > rt.ToHeaders+50*time.Millisecond {
				line += fmt.Sprintf(" (%s: %s): the headers were held back too", ref.name(), fmtDur(rt.ToHeaders))
			}
		}
		ev = append(ev, line)
	}
	if s.steps {
		ev = append(ev, fmt.Sprintf("%s: %d of %d reads were %d B or a multiple of it, the size of a buffer; "+
			"one read completed %s at %s",
			name, b.StepReads, b.InnerReads, b.StepSize, eventRange(b.MaxFirst, b.MaxLast), fmtDur(b.MaxAt)))
	} else if s.cut {
		ev = append(ev, fmt.Sprintf("%s: %d of %d reads ended in the middle of an event and %d of %d events "+
			"arrived several to a read (up to %d at once, %s at %s)",
			name, b.SplitReads, b.InnerReads, b.BurstEvents, len(f.events), b.MaxEvents,
			eventRange(b.MaxFirst, b.MaxLast), fmtDur(b.MaxAt)))
	}
	for _, t := range s.heldToEnd {
		c, ok := f.snap.ConnAt(t.Conn)
		if !ok {
			continue
		}
		ev = append(ev, fmt.Sprintf("%s: connection %d lasted %s but delivered all its %d events at its end "+
			"(the first %s after the request)", name, t.Conn+1, fmtDur(t.Life), c.Events, fmtDur(t.ToFirstEvent)))
	}
	for _, t := range s.silent {
		c, ok := f.snap.ConnAt(t.Conn)
		if !ok {
			continue
		}
		what := "no body byte"
		if c.HeadersAt == 0 {
			what = "nothing, not even the response headers,"
		}
		ev = append(ev, fmt.Sprintf("%s: connection %d received %s in %s while %s received %d events",
			name, t.Conn+1, what, fmtDur(t.Life), ref.name(), ref.eventsBetween(c.Start, c.Start+t.Life)))
	}
	return ev
}

// flowEvidence describes a lane that is not buffered, for contrast.
func (f *laneFacts) flowEvidence() string {
	b := f.bursts
	if len(f.events) == 0 {
		return fmt.Sprintf("%s: no event completed (%s in %s)", f.name(), inspector.FormatBytes(f.snap.Bytes()),
			plural(int64(len(f.reads)), "read", "reads"))
	}
	single := b.EventReads - b.Bursts
	return fmt.Sprintf("%s: %d of %d events arrived one to a read; %d of %d reads ended inside an event",
		f.name(), single, len(f.events), b.SplitReads, b.InnerReads)
}

// firstTiming is the timing of the lane's first connection that got a
// response.
func (f *laneFacts) firstTiming() *ConnTiming {
	for i := range f.bursts.Conns {
		if f.bursts.Conns[i].ToHeaders >= 0 {
			return &f.bursts.Conns[i]
		}
	}
	return nil
}

// delayEvidence describes a proxied lane's delay against the reference,
// or "" when it was not measured.
func (f *laneFacts) delayEvidence(ref *laneFacts) string {
	st := f.refDelays()
	if st.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%s compared with %s (%d events matched by %s): delay p50 %s, p95 %s, max %s",
		f.name(), ref.name(), st.Count, f.matching.Method, fmtDur(st.P50), fmtDur(st.P95), fmtDur(st.Max))
}

// encoding returns a lane's Content-Encoding other than identity, or "".
func (f *laneFacts) encoding() string {
	v, _ := f.header("Content-Encoding")
	if v == "identity" {
		return ""
	}
	return v
}
