package probe

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// rotation asks the target to replace gen by a fresh recording: one of its
// streams (the reference, or the probed one) is waiting wait to reconnect.
type rotation struct {
	gen       *generation
	wait      time.Duration
	reference bool
}

// findingKey is one series of the finding gauge.
type findingKey struct {
	id       string
	severity string
}

// target runs one probe: its current generation, the evaluations and the
// findings' sliding window.
type target struct {
	cfg      Target
	m        *metrics
	window   time.Duration
	evaluate time.Duration
	recycle  time.Duration

	rotate chan rotation // capacity 1: one pending rotation is enough

	// series are the target's per-event series, resolved once.
	series struct {
		events, bytes, reconnects prometheus.Counter
		firstEvent                prometheus.Observer
	}

	// current is the recording in progress, for tests and the memory check.
	current atomic.Pointer[generation]

	// Owned by run's goroutine.
	lastSeen map[findingKey]time.Time
}

func newTarget(cfg Target, c *Config, m *metrics) *target {
	t := &target{cfg: cfg, m: m, window: c.Window, evaluate: c.Evaluate, recycle: c.Recycle,
		rotate: make(chan rotation, 1), lastSeen: map[findingKey]time.Time{}}
	t.series.events = m.events.WithLabelValues(cfg.Name)
	t.series.bytes = m.bytes.WithLabelValues(cfg.Name)
	t.series.reconnects = m.reconnects.WithLabelValues(cfg.Name)
	t.series.firstEvent = m.firstEvent.WithLabelValues(cfg.Name)
	return t
}

// requestRotation is called from a subscription's goroutine; it never blocks.
func (t *target) requestRotation(r rotation) {
	select {
	case t.rotate <- r:
	default:
	}
}

// run records and evaluates until ctx is cancelled.
func (t *target) run(ctx context.Context, evaluated func(name string)) error {
	g, err := t.startGeneration(ctx, resume{probedID: t.cfg.LastEventID, refID: t.cfg.LastEventID})
	if err != nil {
		return err
	}
	tick := time.NewTicker(t.evaluate)
	defer tick.Stop()
	for {
		t.current.Store(g)
		select {
		case <-ctx.Done():
			g.stop()
			return nil
		case <-tick.C:
			t.evaluateGeneration(g, time.Now())
			evaluated(t.cfg.Name)
			if time.Since(g.started) >= t.recycle || g.failed() {
				if g, err = t.replace(ctx, g, rotation{}); err != nil {
					return err
				}
			}
		case r := <-t.rotate:
			if r.gen != g {
				continue // asked by a recording already replaced
			}
			if g, err = t.replace(ctx, g, r); err != nil {
				return err
			}
		}
	}
}

// replace evaluates and stops g and starts the next recording where g's
// streams left off; the stream that was reconnecting waits out its
// reconnection time, the other reconnects at once.
func (t *target) replace(ctx context.Context, g *generation, r rotation) (*generation, error) {
	t.evaluateGeneration(g, time.Now())
	from := resume{probedID: g.probed.nextLastEventID(), refID: g.ref.nextLastEventID()}
	if r.reference {
		from.refWait = r.wait
	} else {
		from.probedWait = r.wait
	}
	g.stop()
	return t.startGeneration(ctx, from)
}

// evaluateGeneration analyses the recording: new delays go into the
// histogram, and every finding named now, or within the window, sets its
// gauge to 1; the others fall back to 0.
func (t *target) evaluateGeneration(g *generation, now time.Time) {
	snap := g.sess.Snapshot()
	opts := diagnose.Options{Reference: -1, Stamp: t.cfg.Stamp.spec()}
	var probed, ref *inspector.LaneSnapshot
	if sub := g.probed.subscription(); sub != nil {
		probed = snap.Lane(sub.Lane().ID())
	}
	if sub := g.ref.subscription(); sub != nil {
		ref = snap.Lane(sub.Lane().ID())
		opts.Reference = ref.Info.ID
	}
	if probed != nil {
		g.observeDelays(snap, probed, ref)
	}
	for _, f := range diagnose.Diagnose(snap, opts) {
		t.lastSeen[findingKey{f.ID, f.Severity.String()}] = now
	}
	for k, seen := range t.lastSeen {
		v := 0.0
		if now.Sub(seen) <= t.window {
			v = 1
		}
		t.m.finding.WithLabelValues(t.cfg.Name, k.id, k.severity).Set(v)
	}
	t.m.evaluations.WithLabelValues(t.cfg.Name).Inc()
	t.m.recordingAge.WithLabelValues(t.cfg.Name).Set(now.Sub(g.started).Seconds())
}
