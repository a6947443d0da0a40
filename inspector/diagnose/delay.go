package diagnose

import "time"

// DelaySource says what a per-event delay was measured against.
type DelaySource string

// Delay sources.
const (
	DelayReference DelaySource = "reference" // the same event's arrival on the reference lane
	DelayStamp     DelaySource = "stamp"     // a send time embedded in the event's data
	DelayTap       DelaySource = "tap"       // upstream arrival vs write to the browser, on a tapped lane
)

// Delay is one event's measured latency.
type Delay struct {
	Lane    int
	Seq     int64
	Arrival time.Duration
	Delay   time.Duration
	Source  DelaySource
}

// Match pairs an event of a lane with the same event on the reference lane.
type Match struct {
	Lane    int
	Seq     int64
	RefLane int
	RefSeq  int64
}
