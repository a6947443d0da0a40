package timeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// WaterfallStep is one stage of an event's way along a chain: its send
// time at the origin (from a stamp), or its arrival at a hop.
type WaterfallStep struct {
	Label string
	// At is the session time of the stage; Added the time since the stage
	// before (0 for the first).
	At, Added time.Duration
	// Sent marks the origin's send time; Missing a hop the event never
	// reached.
	Sent, Missing bool
}

// Waterfall follows one event (by lane and seq, on any hop's lane) along
// the report's chain: the origin's send time when the event carries a
// stamp, then its arrival at every hop. It returns nil when the report
// has no chain or the event is not on it.
func Waterfall(r *diagnose.Report, lane int, seq int64) []WaterfallStep {
	if r == nil || r.Chain == nil {
		return nil
	}
	c := r.Chain
	hop := -1
	for k, id := range c.Lanes {
		if id == lane {
			hop = k
		}
	}
	if hop < 0 {
		return nil
	}
	for i := range c.Events {
		e := &c.Events[i]
		if e.Seqs[hop] == seq {
			return waterfallOf(r, e)
		}
	}
	return nil
}

func waterfallOf(r *diagnose.Report, e *diagnose.ChainEvent) []WaterfallStep {
	c := r.Chain
	var steps []WaterfallStep
	last := time.Duration(-1)
	if sent, ok := sendTime(r, c.Lanes[0], e.Seqs[0]); ok {
		steps = append(steps, WaterfallStep{Label: c.Labels[0] + " sent", At: sent, Sent: true})
		last = sent
	}
	for k, at := range e.Arrivals {
		label := c.Labels[k]
		if k > 0 {
			label = fmt.Sprintf("hop %d %s", k, c.Labels[k])
		}
		if at < 0 {
			steps = append(steps, WaterfallStep{Label: label, Missing: true})
			continue
		}
		s := WaterfallStep{Label: label, At: at}
		if last >= 0 {
			s.Added = at - last
		}
		steps = append(steps, s)
		last = at
	}
	return steps
}

// sendTime finds an origin event's send time from its stamp delay.
func sendTime(r *diagnose.Report, lane int, seq int64) (time.Duration, bool) {
	for _, d := range r.Delays[lane] {
		if d.Seq == seq && d.Source == diagnose.DelayStamp {
			return d.Arrival - d.Delay, true
		}
	}
	return 0, false
}

// waterfallBar is the width of the longest bar of a text waterfall.
const waterfallBar = 30

// FormatWaterfall writes a waterfall as monospace text: each stage, its
// time, the time it added and a bar proportional to that time.
func FormatWaterfall(steps []WaterfallStep) string {
	if len(steps) == 0 {
		return ""
	}
	var most time.Duration
	width := 0
	for _, s := range steps {
		most = max(most, s.Added)
		width = max(width, len(s.Label))
	}
	var b strings.Builder
	b.WriteString("Along the chain (origin first):\n")
	for _, s := range steps {
		if s.Missing {
			fmt.Fprintf(&b, "  %-*s  never arrived\n", width, s.Label)
			continue
		}
		bar := 0
		if most > 0 && s.Added > 0 {
			bar = int(float64(s.Added) / float64(most) * waterfallBar)
		}
		added := ""
		switch {
		case s.Added < 0: // clocks of independent subscriptions: a later hop read first
			added = "-" + fmtAdded(-s.Added)
		case s.Added > 0 || s != steps[0]:
			added = "+" + fmtAdded(s.Added)
		}
		fmt.Fprintf(&b, "  %-*s  %9.3f s  %10s  %s\n", width, s.Label, s.At.Seconds(), added, strings.Repeat("█", bar))
	}
	return b.String()
}

func fmtAdded(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}
