package diagnose

import (
	"strconv"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Closer says which side ended a connection.
type Closer string

// Closers.
const (
	ClosedByServer    Closer = "server"    // the server side: the origin or a proxy in between
	ClosedByInspector Closer = "inspector" // our read timeout, or the user stopped
	ClosedByNetwork   Closer = "network"   // the request never got through
	ClosedByBrowser   Closer = "browser"   // tap: the browser went away
	ClosedByUpstream  Closer = "upstream"  // tap: the upstream could not be reached
)

// closerOf says who ended a connection, from how it ended.
func closerOf(c *inspector.Conn) Closer {
	switch {
	case c.Cause == inspector.CauseClientGone || c.Peer == inspector.CauseClientGone && c.Cause == inspector.CauseCancelled:
		return ClosedByBrowser
	case c.Cause == inspector.CauseUpstreamError:
		return ClosedByUpstream
	case c.Cause == inspector.CauseConnect:
		return ClosedByNetwork
	case c.Cause == inspector.CauseTimeout || c.Cause == inspector.CauseCancelled:
		return ClosedByInspector
	default:
		return ClosedByServer
	}
}

// Disconnect is how one connection of a lane ended and what followed: the
// reconnect, the Last-Event-ID it sent, and whether the server resumed
// where it left off.
type Disconnect struct {
	Lane  int                  `json:"lane"`
	Conn  int                  `json:"conn"`
	Start Millis               `json:"startMs"`
	End   Millis               `json:"atMs"`
	Cause inspector.CloseCause `json:"cause"`
	Peer  inspector.CloseCause `json:"peer,omitempty"`
	Err   string               `json:"err,omitempty"`
	By    Closer               `json:"by"`
	// LastByte is when the last body byte arrived (0 if none did); Idle is
	// End minus the last sign of life: that byte, else the headers, else
	// the request.
	LastByte Millis `json:"lastByteMs,omitempty"`
	Idle     Millis `json:"idleMs"`
	// Lifetime is End minus the request's start.
	Lifetime Millis `json:"lifetimeMs"`
	// LongestGap is the longest silence before the last byte (from the
	// headers to the first byte, or between two reads). An idle timeout of
	// N cannot have let a silence longer than N pass.
	LongestGap Millis `json:"longestGapMs"`
	Events     int64  `json:"events"`
	Discarded  int64  `json:"discarded,omitempty"`
	// LastID is the last event ID after the connection's events.
	LastID string `json:"lastId,omitempty"`

	// Reconnected reports that another connection followed;
	// ReconnectDelay is the time from this close to its request.
	Reconnected    bool   `json:"reconnected"`
	ReconnectDelay Millis `json:"reconnectDelayMs,omitempty"`
	// LastEventIDSent is the Last-Event-ID header the reconnect sent.
	LastEventIDSent string `json:"lastEventIdSent,omitempty"`
	// FirstIDAfter is the first id the server set after the reconnect.
	FirstIDAfter string `json:"firstIdAfter,omitempty"`
	// Duplicated counts events after the reconnect whose id had been seen
	// before it (or, with numeric ids, was not above the one resumed from);
	// Skipped counts the numeric ids jumped over when the server resumed.
	Duplicated int `json:"duplicated,omitempty"`
	Skipped    int `json:"skipped,omitempty"`
}

// connEvents is what a disconnect analysis needs of one connection's events.
type connEvents struct {
	count  int64
	lastID string
	ownIDs []string // ids the connection's events set themselves, in order
}

// MeasureDisconnects describes how each ended connection of a lane ended.
func MeasureDisconnects(lane *inspector.LaneSnapshot) []Disconnect {
	return measureDisconnects(lane, lane.Reads(), scanAll(lane))
}

func measureDisconnects(lane *inspector.LaneSnapshot, reads []inspector.Read, events []inspector.EventMeta) []Disconnect {
	perConn := eventsPerConn(lane, events)
	longest, lastByte := silencesPerConn(lane, reads)
	var out []Disconnect
	seenIDs := make(map[string]struct{})
	lastID := ""
	if len(lane.Conns) > 0 && lane.FirstConn > 0 {
		// The cap dropped the earlier connections: the first one held
		// resumed from what they had left.
		lastID = lane.Conns[0].LastEventID
	}
	// perConn, longest and lastByte are indexed by position in
	// lane.Conns, not by connection number.
	for i := range lane.Conns {
		c := &lane.Conns[i]
		for _, id := range perConn[i].ownIDs {
			seenIDs[id] = struct{}{}
		}
		if perConn[i].lastID != "" {
			lastID = perConn[i].lastID
		}
		if c.Open() {
			continue
		}
		d := Disconnect{Lane: lane.Info.ID, Conn: c.Index, Start: Millis(c.Start), End: Millis(c.End), Cause: c.Cause, Peer: c.Peer,
			Err: c.Err, By: closerOf(c), LastByte: Millis(lastByte[i]), Lifetime: Millis(c.End - c.Start),
			LongestGap: Millis(longest[i]), Events: perConn[i].count, Discarded: c.Discarded, LastID: lastID}
		alive := lastByte[i]
		if alive == 0 {
			alive = c.HeadersAt
		}
		if alive == 0 {
			alive = c.Start
		}
		d.Idle = Millis(c.End - alive)
		if i+1 < len(lane.Conns) {
			next := &lane.Conns[i+1]
			d.Reconnected = true
			d.ReconnectDelay = Millis(next.Start - c.End)
			d.LastEventIDSent = next.LastEventID
			resumed := next.LastEventID
			if resumed == "" {
				resumed = lastID
			}
			after := perConn[i+1].ownIDs
			if len(after) > 0 {
				d.FirstIDAfter = after[0]
			}
			d.Duplicated, d.Skipped = resumeFaults(seenIDs, resumed, after, consecutive(perConn[i].ownIDs))
		}
		out = append(out, d)
	}
	return out
}

// eventsPerConn gathers each connection's event count and ids.
func eventsPerConn(lane *inspector.LaneSnapshot, events []inspector.EventMeta) []connEvents {
	perConn := make([]connEvents, len(lane.Conns))
	prevID := make([]string, len(lane.Conns))
	for i, c := range lane.Conns {
		prevID[i] = c.LastEventID
	}
	for i := range events {
		e := &events[i]
		k := e.Conn - lane.FirstConn
		if k < 0 || k >= len(perConn) {
			continue
		}
		ce := &perConn[k]
		ce.count++
		// An event that did not change the last event ID set none of its
		// own: it only inherits one, which says nothing about resuming.
		if e.ID != "" && e.ID != prevID[k] {
			ce.ownIDs = append(ce.ownIDs, e.ID)
		}
		prevID[k] = e.ID
		ce.lastID = e.ID
	}
	return perConn
}

// silencesPerConn returns, per connection, the longest silence before its
// last byte (from the headers, or the request, to the first byte, or
// between two reads) and when its last byte arrived (0 if none did).
func silencesPerConn(lane *inspector.LaneSnapshot, reads []inspector.Read) (longest, lastByte []time.Duration) {
	last := make([]time.Duration, len(lane.Conns))
	longest = make([]time.Duration, len(lane.Conns))
	lastByte = make([]time.Duration, len(lane.Conns))
	for i, c := range lane.Conns {
		last[i] = c.HeadersAt
		if last[i] == 0 {
			last[i] = c.Start
		}
	}
	for _, r := range reads {
		k := r.Conn - lane.FirstConn
		if r.WireSize == 0 || k < 0 || k >= len(last) {
			continue
		}
		longest[k] = max(longest[k], r.At-last[k])
		last[k] = r.At
		lastByte[k] = r.At
	}
	return longest, lastByte
}

// resumeFaults counts the events a reconnect replayed and the ids it
// skipped, given the ids seen before, the id resumed from and the ids set
// after the reconnect. Skips are only counted for ids that were counting up
// by one before, since ids such as timestamps jump by design.
func resumeFaults(seen map[string]struct{}, resumed string, after []string, counting bool) (duplicated, skipped int) {
	from, numeric := parseSeq(resumed)
	for _, id := range after {
		if _, dup := seen[id]; dup {
			duplicated++
			continue
		}
		if v, ok := parseSeq(id); ok && numeric && v <= from {
			duplicated++
		}
	}
	if len(after) > 0 && numeric && counting {
		if first, ok := parseSeq(after[0]); ok && first > from+1 {
			skipped = int(min(first-from-1, 1<<31-1))
		}
	}
	return duplicated, skipped
}

// parseSeq reads an id as a sequence number, when it is one.
func parseSeq(id string) (int64, bool) {
	v, err := strconv.ParseInt(id, 10, 64)
	return v, err == nil
}

// consecutive reports whether ids count up by one (at least two of them).
func consecutive(ids []string) bool {
	if len(ids) < 2 {
		return false
	}
	prev, ok := parseSeq(ids[0])
	if !ok {
		return false
	}
	for _, id := range ids[1:] {
		v, ok := parseSeq(id)
		if !ok || v != prev+1 {
			return false
		}
		prev = v
	}
	return true
}
