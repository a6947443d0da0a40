package inspector

import "time"

// NewSessionAt starts an empty session whose clock started at start: for
// recordings read from elsewhere, such as a packet capture, whose times are
// given rather than measured.
func NewSessionAt(start time.Time, limits Limits) *Session {
	return newSessionAt(start, limits)
}
