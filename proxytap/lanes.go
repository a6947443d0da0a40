package proxytap

import (
	"sync"

	"github.com/sseinspector/sseinspector/inspector"
)

// laneKey identifies one EventSource across its reconnects: the same
// browser host asking for the same URL again once its previous connection
// ended. The port is left out because every reconnect uses a new one.
type laneKey struct {
	client, method, url string
}

// tapLane is a stream lane and whether a connection is writing to it. A
// lane has one writer at a time, so a second concurrent stream to the same
// URL (another tab) gets a lane of its own.
type tapLane struct {
	lane   *inspector.Lane
	busy   bool
	events int64 // events recorded, for Hooks.Item's seq
}

// laneIndex finds the lane a new stream continues. Its lock is held only
// to look up and mark, never during I/O.
type laneIndex struct {
	mu sync.Mutex
	m  map[laneKey]*tapLane
}

// maxIndexedLanes bounds the index; forgetting a lane only means the next
// reconnect to it opens a new lane.
const maxIndexedLanes = 10000

func (x *laneIndex) acquire(rec Recorder, key laneKey, info inspector.LaneInfo) *tapLane {
	x.mu.Lock()
	defer x.mu.Unlock()
	if tl := x.m[key]; tl != nil && !tl.busy {
		if h, ok := rec.(LaneHolder); !ok || h.Holds(tl.lane) {
			tl.busy = true
			return tl
		}
	}
	if x.m == nil || len(x.m) >= maxIndexedLanes {
		x.m = make(map[laneKey]*tapLane)
	}
	tl := &tapLane{lane: rec.AddLane(info), busy: true}
	x.m[key] = tl
	return tl
}

func (x *laneIndex) release(tl *tapLane) {
	x.mu.Lock()
	tl.busy = false
	x.mu.Unlock()
}
