package widgets

import (
	"time"

	"github.com/sseinspector/sseinspector/app/timeline"
)

// The visible range obeys three rules, whatever the user does: it never
// starts before the session (no negative times), never reaches further
// past the data's end than a small margin (no empty range after a live
// stream's last event), and never spans more than the whole session (a
// zoom-out limit).

// dataEnd is the latest time recorded in the data shown, or the present
// of a live session.
func (t *Timeline) dataEnd() time.Duration {
	if t.data == nil || t.data.Snapshot == nil {
		return 0
	}
	return max(t.data.Snapshot.End(), t.data.Now)
}

// endMargin is the room left after the data's end in a view of the given
// span, so the last event is not drawn on the edge.
func endMargin(span time.Duration) time.Duration { return span / 40 }

// clampRange returns the range closest to from..to that obeys the rules,
// keeping its span when it can.
func (t *Timeline) clampRange(from, to time.Duration) (time.Duration, time.Duration) {
	_, maxTo := timeline.FitRange(t.data)
	span := to - from
	span = max(timeline.MinSpan, min(span, maxTo))
	limit := max(min(t.dataEnd()+endMargin(span), maxTo), span)
	if from+span > limit {
		from = limit - span
	}
	from = max(from, 0)
	return from, from + span
}

// reachesEnd reports whether a range shows the data's latest time: a view
// that does keeps following a live session.
func (t *Timeline) reachesEnd(to time.Duration) bool { return to >= t.dataEnd() }

// followRange is the range a following view shows: the whole session when
// it was fitted, else the same span ending just past the data's end.
func (t *Timeline) followRange() (time.Duration, time.Duration) {
	if t.fitted {
		return timeline.FitRange(t.data)
	}
	span := t.to - t.from
	to := t.dataEnd() + endMargin(span)
	return t.clampRange(to-span, to)
}
