package probe

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// rotation asks the target to replace gen by a fresh recording after wait.
type rotation struct {
	gen  *generation
	wait time.Duration
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

	// current is the recording in progress, for tests and the memory check.
	current atomic.Pointer[generation]

	// Owned by run's goroutine.
	lastSeen map[findingKey]time.Time
}

func newTarget(cfg Target, c *Config, m *metrics) *target {
	return &target{cfg: cfg, m: m, window: c.Window, evaluate: c.Evaluate, recycle: c.Recycle,
		rotate: make(chan rotation, 1), lastSeen: map[findingKey]time.Time{}}
}

// requestRotation is called from a subscription's goroutine; it never blocks.
func (t *target) requestRotation(g *generation, wait time.Duration) {
	select {
	case t.rotate <- rotation{gen: g, wait: wait}:
	default:
	}
}

// run records and evaluates until ctx is cancelled.
func (t *target) run(ctx context.Context, evaluated func(name string)) error {
	g, err := t.startGeneration(ctx, t.cfg.LastEventID, t.cfg.LastEventID)
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
				if g, err = t.replace(ctx, g, 0); err != nil || g == nil {
					return err
				}
			}
		case r := <-t.rotate:
			if r.gen != g {
				continue // asked by a recording already replaced
			}
			if g, err = t.replace(ctx, g, r.wait); err != nil || g == nil {
				return err
			}
		}
	}
}

// replace evaluates and stops g, waits out the reconnection time, and
// starts the next recording where g's streams left off. It returns nil
// when ctx ended meanwhile.
func (t *target) replace(ctx context.Context, g *generation, wait time.Duration) (*generation, error) {
	t.evaluateGeneration(g, time.Now())
	probedID, refID := g.lastEventIDs()
	g.stop()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return nil, nil
	case <-timer.C:
	}
	return t.startGeneration(ctx, probedID, refID)
}

// evaluateGeneration analyses the recording: new delays go into the
// histogram, and every finding named now, or within the window, sets its
// gauge to 1; the others fall back to 0.
func (t *target) evaluateGeneration(g *generation, now time.Time) {
	snap := g.sess.Snapshot()
	opts := diagnose.Options{Reference: -1, Stamp: t.cfg.Stamp.spec()}
	probed := snap.Lane(g.probed.Lane().ID())
	var ref *inspector.LaneSnapshot
	if g.ref != nil {
		ref = snap.Lane(g.ref.Lane().ID())
		opts.Reference = ref.Info.ID
	}
	g.observeDelays(snap, probed, ref)
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
