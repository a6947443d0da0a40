package inspector

import (
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// DefaultMaxLaneBytes is the default memory cap of one lane's stored events.
const DefaultMaxLaneBytes = 256 << 20

// DefaultMaxLaneConns is how many connection records a lane holds by
// default: the most recent ones. A stream that reconnects every few
// seconds for a whole working day stays within it; beyond it a lane is in
// a reconnect storm, whose thousands of like connections say nothing the
// totals of the dropped ones (LaneSnapshot.DroppedConns) and the recent
// records do not.
const DefaultMaxLaneConns = 10000

// Limits bounds what a session keeps. The zero value means the defaults.
type Limits struct {
	// MaxEventSize caps one event's stored bytes; larger events are kept
	// truncated and flagged. 0 means DefaultMaxEventSize.
	MaxEventSize int
	// MaxLaneBytes caps the memory of one lane's events and reads; beyond
	// it the oldest are dropped and counted. 0 means DefaultMaxLaneBytes.
	MaxLaneBytes int64
	// MaxLaneConns caps how many connection records a lane holds, within
	// MaxLaneBytes: beyond it the oldest ended connections are dropped,
	// 1,024 at a time, and added to the lane's totals of dropped
	// connections. 0 means DefaultMaxLaneConns.
	MaxLaneConns int
}

func (l Limits) maxEventSize() int {
	if l.MaxEventSize <= 0 {
		return sse.DefaultMaxEventSize
	}
	return l.MaxEventSize
}

func (l Limits) maxLaneConns() int64 {
	if l.MaxLaneConns <= 0 {
		return DefaultMaxLaneConns
	}
	return int64(l.MaxLaneConns)
}

func (l Limits) maxLaneBytes() int64 {
	if l.MaxLaneBytes <= 0 {
		return DefaultMaxLaneBytes
	}
	return l.MaxLaneBytes
}

// Session is a recording: a set of lanes, each with its connections, reads
// and events. Each lane has one writer; any number of readers take
// snapshots. A Session must be made with NewSession.
type Session struct {
	start  time.Time
	limits Limits

	mu     sync.RWMutex
	lanes  []*Lane
	nextID int

	changed chan struct{}
}

// NewSession starts an empty session whose clock starts now.
func NewSession(limits Limits) *Session {
	return newSessionAt(time.Now(), limits)
}

func newSessionAt(start time.Time, limits Limits) *Session {
	return &Session{start: start, limits: limits, changed: make(chan struct{}, 1), nextID: 1}
}

// Start is the wall-clock time of the session's start (with a monotonic reading
// for live sessions).
func (s *Session) Start() time.Time { return s.start }

// Limits returns the session's limits.
func (s *Session) Limits() Limits { return s.limits }

// Since converts a time to the session clock.
func (s *Session) Since(t time.Time) time.Duration { return t.Sub(s.start) }

// Now is the current time on the session clock.
func (s *Session) Now() time.Duration { return time.Since(s.start) }

// Changed delivers a value after any change; several changes coalesce
// into one, so a UI can redraw at its own pace.
func (s *Session) Changed() <-chan struct{} { return s.changed }

// Touch signals readers to take a new snapshot although nothing was
// recorded, for instance after a view setting that changes the analysis.
func (s *Session) Touch() { s.notify() }

func (s *Session) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// AddLane adds a lane; info.ID is assigned by the session.
func (s *Session) AddLane(info LaneInfo) *Lane {
	s.mu.Lock()
	info.ID = s.nextID
	s.nextID++
	l := &Lane{sess: s, info: info, state: StateConnecting, tap: info.Kind == LaneTap}
	s.lanes = append(s.lanes, l)
	s.mu.Unlock()
	s.notify()
	return l
}

// RemoveLane drops a lane from the session; its writer may keep writing
// into the detached lane harmlessly.
func (s *Session) RemoveLane(id int) {
	s.mu.Lock()
	for i, l := range s.lanes {
		if l.info.ID == id {
			s.lanes = append(s.lanes[:i:i], s.lanes[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	s.notify()
}

// Holds reports whether l is one of the session's lanes (not removed).
func (s *Session) Holds(l *Lane) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, x := range s.lanes {
		if x == l {
			return true
		}
	}
	return false
}

// Lanes returns the session's lanes in the order they were added.
func (s *Session) Lanes() []*Lane {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*Lane(nil), s.lanes...)
}

// Lane returns the lane with the given ID, or nil.
func (s *Session) Lane(id int) *Lane {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, l := range s.lanes {
		if l.info.ID == id {
			return l
		}
	}
	return nil
}

// Snapshot is a consistent, immutable view of a session for readers.
type Snapshot struct {
	Start time.Time     // wall-clock start
	Taken time.Duration // session time when the snapshot was taken
	Lanes []*LaneSnapshot
}

// Snapshot takes a snapshot of every lane.
func (s *Session) Snapshot() *Snapshot {
	snap := &Snapshot{Start: s.start, Taken: s.Now()}
	for _, l := range s.Lanes() {
		snap.Lanes = append(snap.Lanes, l.Snapshot())
	}
	return snap
}

// Lane returns the snapshot of the lane with the given ID, or nil.
func (s *Snapshot) Lane(id int) *LaneSnapshot {
	for _, l := range s.Lanes {
		if l.Info.ID == id {
			return l
		}
	}
	return nil
}

// End is the latest time seen in the snapshot: events, reads and
// connection ends. A live session's snapshot may be taken later (Taken).
func (s *Snapshot) End() time.Duration {
	var end time.Duration
	for _, l := range s.Lanes {
		if e := l.End(); e > end {
			end = e
		}
	}
	return end
}
