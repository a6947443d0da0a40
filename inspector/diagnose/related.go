package diagnose

import (
	"fmt"
	"net/url"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Only lanes that carry the same stream as the reference are compared
// with it, event by event: the same events (shared ids or data) in
// overlapping time. A second origin added minutes later, or independent
// streams recorded side by side, matched by position would turn their
// unrelated timelines into absurd delays.

// maxPositionOffset is how far apart two lanes may start and still be
// paired by position when nothing else ties their events together.
const maxPositionOffset = 5 * time.Second

// laneSpan is when a lane's first connection started and when its last
// recorded moment was.
func laneSpan(l *inspector.LaneSnapshot) (start, end time.Duration) {
	if len(l.Conns) == 0 {
		return 0, 0
	}
	return l.Start(), l.End()
}

// pathOf is a URL's path, or "".
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

// notSameStream says why a lane does not carry the reference's stream, or
// returns "" when it does (or nothing says otherwise). m is the pairing of
// their events.
func notSameStream(ref, f *laneFacts, m *Matching) string {
	rs, re := laneSpan(ref.snap)
	fs, fe := laneSpan(f.snap)
	if fs > re || rs > fe {
		return fmt.Sprintf("no overlap in time (%s from %s to %s, %s from %s to %s)",
			ref.name(), fmtDur(rs), fmtDur(re), f.name(), fmtDur(fs), fmtDur(fe))
	}
	if m.Method != MatchByPosition || len(ref.events) == 0 || len(f.events) == 0 {
		return ""
	}
	// Paired by position: nothing in the events ties the lanes together.
	idKey := func(i int, ms []inspector.EventMeta) string { return ms[i].ID }
	if distinctive(ref.events, idKey) && distinctive(f.events, idKey) {
		return "no event id in common"
	}
	if rp, fp := pathOf(ref.snap.Info.URL), pathOf(f.snap.Info.URL); rp != fp {
		return fmt.Sprintf("a different path (%s, %s) and no event ids or data in common", fp, rp)
	}
	if off := (fs - rs).Abs(); off > maxPositionOffset {
		return fmt.Sprintf("started %s apart with no event ids or data in common", fmtSecs(off))
	}
	return ""
}
