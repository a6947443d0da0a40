package diagnose

import (
	"fmt"
	"time"
)

// Evidence is written for people reading a terminal: durations rounded to
// what the measurement supports, event numbers counted from 1 as in the
// views, byte counts exact where a buffer size is the point.

// fmtDur formats a duration with three significant figures or so.
func fmtDur[D time.Duration | Millis](v D) string {
	d := time.Duration(v)
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d >= 100*time.Second:
		return fmt.Sprintf("%s%.0f s", neg, d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%s%.2f s", neg, d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%s%.0f ms", neg, float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%s%.1f ms", neg, float64(d)/float64(time.Millisecond))
	}
}

// fmtSecs formats a timeout-like duration in seconds.
func fmtSecs[D time.Duration | Millis](v D) string {
	d := time.Duration(v)
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// eventNo is how an event is named in evidence: #1 is the lane's first.
func eventNo(seq int64) string { return fmt.Sprintf("#%d", seq+1) }

// eventRange names a run of events.
func eventRange(first, last int64) string {
	if first == last {
		return "event " + eventNo(first)
	}
	return fmt.Sprintf("events %s–%s", eventNo(first), eventNo(last))
}

// plural picks a word's form for a count.
func plural(n int64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
