package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// Lane names within a recording.
const (
	probedLane    = "probed"
	referenceLane = "direct"
)

// generation is one recording of a target: a session holding the probed
// stream (and its reference), bounded by the lane memory cap and by
// MaxConns. The target replaces it with a fresh one at a reconnection once
// it is older than the window or holds MaxConns connections, so that its
// memory and the findings it yields stay recent.
type generation struct {
	target  *target
	sess    *inspector.Session
	started time.Time
	cancel  context.CancelFunc
	probed  *stream
	ref     *stream // nil without a reference URL

	// lastDelay is, per delay source, the sequence number of the last event
	// whose delay went into the histogram; only the evaluation goroutine
	// touches it.
	lastDelay map[diagnose.DelaySource]int64
}

// resume says where a new recording's streams pick up: the Last-Event-ID
// each sends first, and how long each waits before connecting (the rest of
// its reconnection time, if it was reconnecting).
type resume struct {
	probedID, refID     string
	probedWait, refWait time.Duration
}

// laneHooks feeds the counters from one subscription's goroutine; its
// fields belong to that goroutine.
type laneHooks struct {
	gen       *generation
	counted   bool // the probed stream, whose figures are exported
	connStart time.Duration
	awaiting  bool // no event yet on the open connection
}

// startGeneration subscribes to the target's URLs in a new session.
func (t *target) startGeneration(ctx context.Context, from resume) (*generation, error) {
	sess := inspector.NewSession(inspector.Limits{MaxLaneBytes: t.cfg.LaneBytes})
	ctx, cancel := context.WithCancel(ctx)
	g := &generation{target: t, sess: sess, started: time.Now(), cancel: cancel,
		lastDelay: map[diagnose.DelaySource]int64{diagnose.DelayStamp: -1, diagnose.DelayReference: -1}}
	var err error
	if t.cfg.Reference != "" {
		req := t.cfg.request(t.cfg.Reference, referenceLane, from.refID)
		if g.ref, err = startStream(ctx, sess, req, (&laneHooks{gen: g}).hooks(), from.refWait); err != nil {
			cancel()
			return nil, fmt.Errorf("probe %s: reference: %w", t.cfg.Name, err)
		}
	}
	req := t.cfg.request(t.cfg.URL, probedLane, from.probedID)
	if g.probed, err = startStream(ctx, sess, req, (&laneHooks{gen: g, counted: true}).hooks(), from.probedWait); err != nil {
		cancel()
		return nil, fmt.Errorf("probe %s: %w", t.cfg.Name, err)
	}
	t.m.recordings.WithLabelValues(t.cfg.Name).Inc()
	return g, nil
}

// stop ends the generation's subscriptions and waits for them.
func (g *generation) stop() {
	g.cancel()
	g.probed.wait()
	g.ref.wait()
}

// failed reports whether a stream failed for good: a browser would give
// up, the probe tries again at its next evaluation.
func (g *generation) failed() bool {
	return g.probed.failed() || g.ref != nil && g.ref.failed()
}

// due reports whether the generation should be replaced at the next
// reconnection of the probed stream: it is older than the window or holds
// MaxConns connections.
func (g *generation) due(conns int) bool {
	return time.Since(g.started) >= g.target.window || conns >= g.target.cfg.MaxConns
}

func (h *laneHooks) hooks() inspector.Hooks {
	return inspector.Hooks{OnOpen: h.onOpen, OnItem: h.onItem, OnClose: h.onClose}
}

func (h *laneHooks) onOpen(_ *inspector.Lane, c inspector.Conn) {
	h.connStart, h.awaiting = c.Start, true
}

func (h *laneHooks) onItem(_ *inspector.Lane, it *sse.Item, at time.Duration) {
	if !h.counted {
		return
	}
	c := &h.gen.target.series
	c.bytes.Add(float64(len(it.Raw)))
	if it.Kind != sse.ItemEvent {
		return
	}
	c.events.Inc()
	if h.awaiting {
		h.awaiting = false
		c.firstEvent.Observe((at - h.connStart).Seconds())
	}
}

// onClose counts the disconnect and, when a reconnection is scheduled and
// the recording is due, asks the target to continue in a fresh one after
// the reconnection time, as the browser would.
func (h *laneHooks) onClose(_ *inspector.Lane, c inspector.Conn, reconnectIn time.Duration) {
	t := h.gen.target
	if h.counted && c.Cause != inspector.CauseCancelled {
		t.m.disconnects.WithLabelValues(t.cfg.Name, string(c.Cause)).Inc()
		if reconnectIn >= 0 {
			t.series.reconnects.Inc()
		}
	}
	// The probed stream restarts the recording when it is due; the
	// reference only when it holds too many connections, so that the
	// probed stream is rarely cut by the probe.
	if reconnectIn >= 0 && (h.counted && h.gen.due(c.Index+1) || !h.counted && c.Index+1 >= t.cfg.MaxConns) {
		t.requestRotation(rotation{gen: h.gen, wait: reconnectIn, reference: !h.counted})
	}
}

// observeDelays adds to the histogram the delays of the events that
// arrived since the last evaluation, from diagnose's own measures.
func (g *generation) observeDelays(snap *inspector.Snapshot, probed, ref *inspector.LaneSnapshot) {
	t := g.target
	if stamps, err := diagnose.StampDelays(snap.Start, probed, t.cfg.Stamp.spec()); err == nil {
		g.observe(t.m.delay.WithLabelValues(t.cfg.Name, string(diagnose.DelayStamp)), diagnose.DelayStamp, stamps)
	}
	if ref != nil {
		m := diagnose.MatchLanes(ref, probed)
		g.observe(t.m.delay.WithLabelValues(t.cfg.Name, string(diagnose.DelayReference)), diagnose.DelayReference, m.Delays)
	}
}

// observe adds the delays of events later than the last one observed from
// this source. An event whose reference arrival is only seen after later
// events were matched is left out rather than counted twice.
func (g *generation) observe(h prometheus.Observer, src diagnose.DelaySource, ds []diagnose.Delay) {
	last := g.lastDelay[src]
	for _, d := range ds {
		if d.Seq > last {
			h.Observe(max(d.Delay, 0).Seconds())
			g.lastDelay[src] = max(g.lastDelay[src], d.Seq)
		}
	}
}
