package diagnose

import (
	"slices"
	"time"
)

// DelayStats summarizes the per-event delays of one lane from one source.
type DelayStats struct {
	Source DelaySource `json:"source"`
	Count  int         `json:"count"`
	Min    Millis      `json:"minMs"`
	P50    Millis      `json:"p50Ms"`
	P95    Millis      `json:"p95Ms"`
	Max    Millis      `json:"maxMs"`
}

// SummarizeDelays computes the percentiles of a set of delays, all of one
// source. It returns the zero value (Count 0) for no delays.
func SummarizeDelays(ds []Delay) DelayStats {
	if len(ds) == 0 {
		return DelayStats{}
	}
	v := make([]time.Duration, len(ds))
	for i, d := range ds {
		v[i] = d.Delay
	}
	slices.Sort(v)
	return DelayStats{Source: ds[0].Source, Count: len(v), Min: Millis(v[0]),
		P50: Millis(percentile(v, 50)), P95: Millis(percentile(v, 95)), Max: Millis(v[len(v)-1])}
}

// percentile is the nearest-rank percentile of sorted values: an actual
// measured delay, never an interpolation between two.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}
