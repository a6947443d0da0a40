package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// Options tune an analysis. The zero value compares every subscription
// lane with a lane named "direct", if there is one, and reads the built-in
// origin's send stamps.
type Options struct {
	// Reference is the ID of the lane the others are compared with: the
	// stream fetched directly from the origin. 0 picks the lane named
	// "direct" (any case), if any; -1 compares nothing.
	Reference int
	// Stamp says where events carry their send time.
	Stamp StampSpec
	// Rules, when not empty, restricts the diagnosis to these rule IDs.
	Rules []string
	// Chain, when it holds two lane IDs or more, is one stream fetched at
	// every hop of a path, the origin first and then each proxy outwards:
	// every hop is diagnosed against the hop before it, findings name the
	// hop where a pattern first appears, and the report gains its hops
	// section. The reference defaults to the chain's origin.
	Chain []int
}

// Role is how a lane takes part in a comparison.
type Role string

// Roles.
const (
	RoleDirect  Role = "direct"  // the reference: the stream fetched directly
	RoleProxied Role = "proxied" // compared with the reference
	RoleAlone   Role = "alone"   // nothing to compare with
)

// Rule is one diagnosis: a signature in a session and the cause it names.
// Each rule's check lives in a rules_*.go file; the table in rules.go
// lists them all.
type Rule struct {
	ID string
	// Cause says in a line what the rule recognises.
	Cause string
	check func(d *diag) []Finding
}

// Rules lists the diagnosis rules, sorted by ID.
func Rules() []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, Rule{ID: r.ID, Cause: r.Cause})
	}
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// laneFacts is everything the rules read about one lane, measured once.
type laneFacts struct {
	snap        *inspector.LaneSnapshot
	role        Role
	reads       []inspector.Read
	events      []inspector.EventMeta
	notes       []inspector.Note
	bursts      *Bursts
	disconnects []Disconnect
	matching    *Matching // proxied lanes: pairing with the reference
	notCompared string    // why a subscription lane was not compared with the reference
	stamps      []Delay
	stampErr    error
	taps        []Delay
}

// diag is the state shared by the rules of one diagnosis.
type diag struct {
	snap  *inspector.Snapshot
	opts  Options
	lanes []*laneFacts
	ref   *laneFacts // nil without a reference lane
}

// referenceLane resolves Options.Reference against a snapshot.
func referenceLane(snap *inspector.Snapshot, opts Options) *inspector.LaneSnapshot {
	switch {
	case opts.Reference < 0:
		return nil
	case opts.Reference > 0:
		return snap.Lane(opts.Reference)
	}
	for _, l := range snap.Lanes {
		if strings.EqualFold(l.Info.Name, "direct") {
			return l
		}
	}
	return nil
}

// newDiag measures every lane of a snapshot.
func newDiag(snap *inspector.Snapshot, opts Options) *diag {
	d := &diag{snap: snap, opts: opts}
	refSnap := referenceLane(snap, opts)
	for _, l := range snap.Lanes {
		f := &laneFacts{snap: l, role: RoleAlone, reads: l.Reads(), events: scanAll(l), notes: l.Notes()}
		f.bursts = measureBursts(l, f.reads, f.events)
		f.disconnects = measureDisconnects(l, f.reads, f.events)
		f.stamps, f.stampErr = StampDelays(snap.Start, l, opts.Stamp)
		if l.Info.Kind == inspector.LaneTap {
			f.taps = TapDelays(l)
		}
		if refSnap != nil && l == refSnap {
			f.role = RoleDirect
			d.ref = f
		}
		d.lanes = append(d.lanes, f)
	}
	if d.ref != nil {
		for _, f := range d.lanes {
			if f != d.ref && (f.snap.Info.Kind == inspector.LaneSubscription || f.snap.Info.Kind == inspector.LaneCapture) {
				m := matchLanes(d.ref.snap, f.snap, d.ref.events, f.events)
				if f.notCompared = notSameStream(d.ref, f, m); f.notCompared != "" {
					continue
				}
				f.role = RoleProxied
				f.matching = m
			}
		}
	}
	return d
}

// run applies the selected rules, most severe findings first, keeping rule
// order among equals.
func (d *diag) run() []Finding {
	var out []Finding
	for _, r := range rules {
		if len(d.opts.Rules) > 0 && !slices.Contains(d.opts.Rules, r.ID) {
			continue
		}
		out = append(out, r.check(d)...)
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	if out == nil {
		out = []Finding{}
	}
	return out
}

// Diagnose runs the diagnosis rules over a snapshot and returns the
// findings, most severe first. An empty result means no problem was found.
func Diagnose(snap *inspector.Snapshot, opts Options) []Finding {
	return newDiag(snap, opts.chained()).findings()
}

// proxied returns the lanes compared with the reference.
func (d *diag) proxied() []*laneFacts {
	var out []*laneFacts
	for _, f := range d.lanes {
		if f.role == RoleProxied {
			out = append(out, f)
		}
	}
	return out
}

// sseLanes returns the lanes that carry a stream (not plain tapped requests).
func (d *diag) sseLanes() []*laneFacts {
	var out []*laneFacts
	for _, f := range d.lanes {
		if f.snap.Info.Kind != inspector.LaneRequest {
			out = append(out, f)
		}
	}
	return out
}

// name is how evidence refers to a lane.
func (f *laneFacts) name() string {
	if f.snap.Info.Name != "" {
		return f.snap.Info.Name
	}
	return fmt.Sprintf("lane %d", f.snap.Info.ID)
}

// id is the lane's ID.
func (f *laneFacts) id() int { return f.snap.Info.ID }

// header returns a response header of the lane's first connection that
// got a response and still has its headers, and whether it was present.
func (f *laneFacts) header(name string) (string, bool) {
	for _, c := range f.snap.Conns {
		if c.ResponseHeader == nil && c.Status == 0 || !f.snap.HasDetails(&c) {
			continue
		}
		vs := c.ResponseHeader.Values(name)
		if len(vs) == 0 {
			return "", false
		}
		return strings.Join(vs, ", "), true
	}
	return "", false
}

// responded returns the lane's first connection that got a response,
// preferring one that still has its headers.
func (f *laneFacts) responded() *inspector.Conn {
	var first *inspector.Conn
	for i := range f.snap.Conns {
		if c := &f.snap.Conns[i]; c.Status != 0 {
			if f.snap.HasDetails(c) {
				return c
			}
			if first == nil {
				first = c
			}
		}
	}
	return first
}

// comments counts the comment lines seen: heartbeats, usually.
func (f *laneFacts) comments() int {
	n := 0
	for _, nt := range f.notes {
		if nt.Kind == sse.ItemComment {
			n++
		}
	}
	return n
}

// refDelays summarizes a proxied lane's delays against the reference.
func (f *laneFacts) refDelays() DelayStats {
	if f.matching == nil {
		return DelayStats{}
	}
	return SummarizeDelays(f.matching.Delays)
}
