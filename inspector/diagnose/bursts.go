package diagnose

import (
	"math"
	"sort"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Step is one point of a lane's bytes-over-time staircase: a read (or, on
// long lanes, a run of consecutive reads) and the bytes received so far.
type Step struct {
	At     Millis `json:"tMs"`
	Conn   int    `json:"conn"`
	Size   int    `json:"size"`   // wire bytes of the read
	Total  int64  `json:"total"`  // wire bytes received on the lane up to and including it
	Events int    `json:"events"` // events the read completed
}

// ConnTiming is how long a connection took to show its headers, its first
// body byte and its first event, and whether it held everything back.
type ConnTiming struct {
	Conn int
	// ToHeaders, ToFirstByte and ToFirstEvent are counted from the request;
	// a negative value means it never happened.
	ToHeaders    time.Duration
	ToFirstByte  time.Duration
	ToFirstEvent time.Duration
	// HeadersWithBody reports that the headers came in with the first body
	// bytes, as when a buffer held both back.
	HeadersWithBody bool
	// HeldToEnd reports that a connection that lasted a while delivered
	// all its events at its very end.
	HeldToEnd bool
	// Silent reports that a connection that lasted a while received no
	// body byte at all (HeadersAt 0 means not even headers).
	Silent bool
	Life   time.Duration
}

// Bursts describes how a lane's bytes and events arrived: one event per
// read when the server flushes each event and nothing holds them back, or
// several events per read, in reads of a buffer's size, when something does.
type Bursts struct {
	Reads       int `json:"reads"`       // reads that carried body bytes
	EventReads  int `json:"eventReads"`  // reads that completed at least one event
	Bursts      int `json:"bursts"`      // reads that completed two events or more
	BurstEvents int `json:"burstEvents"` // events completed by such reads
	// MaxEvents is the most events one read completed, at MaxAt, the seqs
	// of the first and last of them in MaxFirst and MaxLast.
	MaxEvents int    `json:"maxEvents"`
	MaxAt     Millis `json:"maxAtMs"`
	MaxFirst  int64  `json:"maxFirst"`
	MaxLast   int64  `json:"maxLast"`
	// InnerReads counts reads that were not the last of their connection;
	// SplitReads those of them that ended inside an event. A server that
	// flushes per event is read at event boundaries; a buffer flushed at a
	// byte count cuts events anywhere.
	InnerReads int `json:"innerReads"`
	SplitReads int `json:"splitReads"`
	// StepSize is the regular size of the reads (a buffer's size, such as
	// 4096) when most inner reads are that size or a multiple of it and they
	// cut or group events; StepReads counts them. 0 when there is no step.
	StepSize  int     `json:"stepSize,omitempty"`
	StepReads int     `json:"stepReads,omitempty"`
	MeanRead  float64 `json:"meanRead"` // mean wire bytes per read
	// Conns holds the per-connection timings (not in the JSON form).
	Conns []ConnTiming `json:"-"`
	// Staircase is the bytes-over-time staircase, at most maxStaircase points.
	Staircase []Step `json:"staircase,omitempty"`
}

// maxStaircase bounds the staircase kept in reports: enough to draw it.
const maxStaircase = 512

// minStep is the smallest read size taken for a buffer's step: smaller
// regular reads are just regular events.
const minStep = 512

// settle is how long a connection must last before "nothing arrived" or
// "everything at the end" means something.
const settle = time.Second

// MeasureBursts measures how a lane's bytes and events arrived.
func MeasureBursts(lane *inspector.LaneSnapshot) *Bursts {
	reads := lane.Reads()
	events := scanAll(lane)
	return measureBursts(lane, reads, events)
}

func measureBursts(lane *inspector.LaneSnapshot, reads []inspector.Read, events []inspector.EventMeta) *Bursts {
	b := &Bursts{}
	var first int64
	if len(reads) > 0 {
		first = reads[0].Index
	}
	completed := make([]int, len(reads)) // events completed per held read
	split := make([]bool, len(reads))
	firstSeq := make([]int64, len(reads))
	for i := range events {
		e := &events[i]
		if k := e.LastRead - first; k >= 0 && k < int64(len(reads)) {
			if completed[k] == 0 {
				firstSeq[k] = e.Seq
			}
			completed[k]++
		}
		for r := max(e.FirstRead, first); r < e.LastRead && r-first < int64(len(reads)); r++ {
			split[r-first] = true
		}
	}
	lastOfConn := make(map[int]int) // conn -> held index of its last read with bytes
	for i, r := range reads {
		if r.WireSize > 0 {
			lastOfConn[r.Conn] = i
		}
	}
	sizes := make(map[int]int)
	var total int64
	var inner []int
	for i, r := range reads {
		if r.WireSize == 0 {
			continue
		}
		b.Reads++
		total += int64(r.WireSize)
		n := completed[i]
		if n > 0 {
			b.EventReads++
		}
		if n > 1 {
			b.Bursts++
			b.BurstEvents += n
		}
		if n > b.MaxEvents {
			b.MaxEvents, b.MaxAt = n, Millis(r.At)
			b.MaxFirst, b.MaxLast = firstSeq[i], firstSeq[i]+int64(n)-1
		}
		if c, ok := lane.ConnAt(r.Conn); ok && lastOfConn[r.Conn] == i && !c.Open() && c.Cause != inspector.CauseCancelled {
			continue // the last read of a closed connection flushes whatever was left
		}
		b.InnerReads++
		inner = append(inner, i)
		sizes[r.WireSize]++
		if split[i] {
			b.SplitReads++
		}
	}
	if b.Reads > 0 {
		b.MeanRead = math.Round(float64(total)/float64(b.Reads)*10) / 10 // to 0.1 B, as reported
	}
	b.findStep(reads, inner, sizes, completed, split, firstOfConn(reads))
	b.Staircase = staircase(reads, completed)
	b.Conns = connTimings(lane, events)
	return b
}

// findStep looks for a regular read size: a common inner read size, when
// at least three quarters of the inner reads are multiples of it (a reader
// that falls behind gets two buffers at once) and those reads cut events
// or carry several, as a byte-count flush does. Sizes are tried from the
// most common down, so that a loaded reader that got two buffers at once
// more often than one still shows the buffer's size. A connection's first
// read may fall short of the step without counting against it: a proxy
// that holds the headers back fills its first buffer with them too
// (nginx: 4096 B less the upstream's header block).
func (b *Bursts) findStep(reads []inspector.Read, inner []int, sizes map[int]int, completed []int, split, first []bool) {
	candidates := make([]int, 0, len(sizes))
	for size := range sizes {
		if size >= minStep {
			candidates = append(candidates, size)
		}
	}
	sort.Slice(candidates, func(i, j int) bool {
		a, c := candidates[i], candidates[j]
		return sizes[a] > sizes[c] || sizes[a] == sizes[c] && a > c
	})
	for _, step := range candidates[:min(len(candidates), maxStepCandidates)] {
		if multiples, ok := stepFits(step, reads, inner, completed, split, first); ok {
			b.StepSize, b.StepReads = step, multiples
			return
		}
	}
}

// maxStepCandidates bounds how many read sizes findStep tries.
const maxStepCandidates = 8

// stepFits reports whether step is the regular size of the inner reads,
// and how many of them are multiples of it. Reads of one connection that
// follow each other within samePage and together make a multiple of step
// count as one: a loaded reader can get one page in two reads.
func stepFits(step int, reads []inspector.Read, inner []int, completed []int, split, first []bool) (int, bool) {
	multiples, cutting, considered := 0, 0, 0
	for k := 0; k < len(inner); k++ {
		i := inner[k]
		size := reads[i].WireSize
		cut := split[i] || completed[i] > 1
		if size%step != 0 {
			if last, sum, c := joinPage(step, reads, inner, k, completed, split); last > k {
				k, size, cut = last, sum, cut || c
			}
		}
		if size%step == 0 {
			multiples++
			if cut {
				cutting++
			}
		} else if first[i] && size < step {
			continue
		}
		considered++
	}
	return multiples, multiples >= 2 && multiples*4 >= considered*3 && cutting*2 >= multiples
}

// samePage is how close together two reads of one connection must return
// to be taken for one write that reached the reader in pieces.
const samePage = time.Millisecond

// joinPage looks for the reads after inner[k] that complete a multiple of
// step, each within samePage of the one before on the same connection; it
// returns the position in inner of the last of them (k when there is none),
// the joined size, and whether any of them cut or completed events.
func joinPage(step int, reads []inspector.Read, inner []int, k int, completed []int, split []bool) (int, int, bool) {
	size, cut := reads[inner[k]].WireSize, false
	next := step * (size/step + 1)
	for m := k + 1; m < len(inner) && size < next; m++ {
		prev, r := reads[inner[m-1]], reads[inner[m]]
		if r.Conn != prev.Conn || r.At-prev.At > samePage {
			break
		}
		size += r.WireSize
		cut = cut || split[inner[m]] || completed[inner[m]] > 1
		if size == next {
			return m, size, cut
		}
	}
	return k, 0, false
}

// firstOfConn marks the first read with bytes of each connection.
func firstOfConn(reads []inspector.Read) []bool {
	out := make([]bool, len(reads))
	seen := make(map[int]bool)
	for i, r := range reads {
		if r.WireSize > 0 && !seen[r.Conn] {
			seen[r.Conn] = true
			out[i] = true
		}
	}
	return out
}

// staircase builds the bytes-over-time staircase, merging runs of reads on
// long lanes so that it stays small.
func staircase(reads []inspector.Read, completed []int) []Step {
	var with int
	for _, r := range reads {
		if r.WireSize > 0 {
			with++
		}
	}
	per := (with + maxStaircase - 1) / maxStaircase
	if per < 1 {
		per = 1
	}
	out := make([]Step, 0, min(with, maxStaircase))
	var total int64
	var cur Step
	run := 0
	for i, r := range reads {
		if r.WireSize == 0 {
			continue
		}
		total += int64(r.WireSize)
		if run > 0 && cur.Conn != r.Conn {
			out = append(out, cur)
			run = 0
		}
		if run == 0 {
			cur = Step{Conn: r.Conn}
		}
		cur.At, cur.Total = Millis(r.At), total
		cur.Size += r.WireSize
		cur.Events += completed[i]
		run++
		if run == per {
			out = append(out, cur)
			run = 0
		}
	}
	if run > 0 {
		out = append(out, cur)
	}
	return out
}

// connTimings measures each connection's time to headers, first byte and
// first event, and whether it held its events back.
func connTimings(lane *inspector.LaneSnapshot, events []inspector.EventMeta) []ConnTiming {
	firstEvent := make(map[int]time.Duration)
	count := make(map[int]int)
	for i := range events {
		e := &events[i]
		if _, ok := firstEvent[e.Conn]; !ok {
			firstEvent[e.Conn] = e.Arrival
		}
		count[e.Conn]++
	}
	out := make([]ConnTiming, 0, len(lane.Conns))
	for _, c := range lane.Conns {
		t := ConnTiming{Conn: c.Index, ToHeaders: -1, ToFirstByte: -1, ToFirstEvent: -1}
		if c.HeadersAt > 0 {
			t.ToHeaders = c.HeadersAt - c.Start
		}
		if c.FirstByteAt > 0 {
			t.ToFirstByte = c.FirstByteAt - c.Start
			t.HeadersWithBody = c.HeadersAt > 0 && c.FirstByteAt-c.HeadersAt < 5*time.Millisecond
		}
		if fe, ok := firstEvent[c.Index]; ok {
			t.ToFirstEvent = fe - c.Start
		}
		end := c.End
		if c.Open() {
			end = lane.End()
		}
		t.Life = end - c.Start
		if t.Life >= settle {
			t.Silent = c.FirstByteAt == 0 && c.Cause != inspector.CauseHTTPStatus && c.Cause != inspector.CauseContentType && c.Cause != inspector.CauseConnect
			// All events in the last tenth of a connection that ended on
			// its own: held back until the server finished.
			if !c.Open() && c.Cause != inspector.CauseCancelled && count[c.Index] >= 2 &&
				firstEvent[c.Index]-c.Start >= t.Life*9/10 {
				t.HeldToEnd = true
			}
		}
		out = append(out, t)
	}
	return out
}
