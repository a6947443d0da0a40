package diagnose_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func laneSnap(s *it.Session, l *it.Lane) *inspector.LaneSnapshot {
	return s.Snapshot().Lane(l.ID())
}

func TestMatchByIDReportsLostAndDelays(t *testing.T) {
	s := it.NewSession()
	ref := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	lane := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 5 {
		ref.Read(it.Ms(10*i+10), it.Numbered(i, 40))
		if i != 2 { // event 3 never reaches the proxied lane
			lane.Read(it.Ms(10*i+10+7), it.Numbered(i, 40))
		}
	}
	m := diagnose.MatchLanes(laneSnap(s, ref), laneSnap(s, lane))
	if m.Method != diagnose.MatchByID {
		t.Fatalf("method %s, want id", m.Method)
	}
	if len(m.Matches) != 4 || !slices.Equal(m.Lost, []int64{2}) || len(m.Extra) != 0 {
		t.Fatalf("matches %d lost %v extra %v, want 4, [2], []", len(m.Matches), m.Lost, m.Extra)
	}
	for _, d := range m.Delays {
		if d.Delay != it.Ms(7) || d.Source != diagnose.DelayReference {
			t.Fatalf("delay %v from %s, want 7ms from reference", d.Delay, d.Source)
		}
	}
	if got := m.Matches[2]; got.Seq != 2 || got.RefSeq != 3 {
		t.Fatalf("third match pairs lane #%d with ref #%d, want 2 with 3", got.Seq, got.RefSeq)
	}
}

func TestMatchByIDPairsRepeatsByOccurrence(t *testing.T) {
	s := it.NewSession()
	ref := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	lane := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 4 {
		ref.Read(it.Ms(10*i+10), it.Numbered(i, 0))
		lane.Read(it.Ms(10*i+10), it.Numbered(i, 0))
	}
	// A replay after a reconnect repeats ids 1 and 2 on the lane only.
	lane.Close(it.Ms(100), inspector.CauseReset).Connect(it.Ms(200), "4").Respond(it.Ms(201))
	lane.Read(it.Ms(210), it.Numbered(0, 0)).Read(it.Ms(220), it.Numbered(1, 0))
	m := diagnose.MatchLanes(laneSnap(s, ref), laneSnap(s, lane))
	if m.Method != diagnose.MatchByID || len(m.Matches) != 4 || !slices.Equal(m.Extra, []int64{4, 5}) {
		t.Fatalf("method %s, %d matches, extra %v; want id, 4, [4 5]", m.Method, len(m.Matches), m.Extra)
	}
}

func TestMatchByDataWithoutIDs(t *testing.T) {
	s := it.NewSession()
	ref := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	lane := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i, v := range []string{"a", "b", "c", "d"} {
		ref.Read(it.Ms(10*i+10), it.Event("", v))
	}
	// The lane misses "b" and sees the rest 5 ms later.
	for i, v := range []string{"a", "c", "d"} {
		lane.Read(it.Ms(10*i+15), it.Event("", v))
	}
	m := diagnose.MatchLanes(laneSnap(s, ref), laneSnap(s, lane))
	if m.Method != diagnose.MatchByData || !slices.Equal(m.Lost, []int64{1}) || len(m.Matches) != 3 {
		t.Fatalf("method %s lost %v matches %d; want data, [1], 3", m.Method, m.Lost, len(m.Matches))
	}
}

func TestMatchByPositionWhenDataDiffers(t *testing.T) {
	// Per-connection data (a send time, say) shares nothing between lanes.
	s := it.NewSession()
	ref := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	lane := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 3 {
		ref.Read(it.Ms(10*i+10), it.Event("", s.Stamp(i, it.Ms(10*i+9), 0)))
		lane.Read(it.Ms(10*i+12), it.Event("", s.Stamp(i, it.Ms(10*i+11), 1)))
	}
	lane.Read(it.Ms(50), it.Event("", "extra"))
	m := diagnose.MatchLanes(laneSnap(s, ref), laneSnap(s, lane))
	if m.Method != diagnose.MatchByPosition || len(m.Matches) != 3 || !slices.Equal(m.Extra, []int64{3}) {
		t.Fatalf("method %s matches %d extra %v; want position, 3, [3]", m.Method, len(m.Matches), m.Extra)
	}
}

func TestSummarizeDelaysNearestRank(t *testing.T) {
	var ds []diagnose.Delay
	for i := 1; i <= 20; i++ {
		ds = append(ds, diagnose.Delay{Delay: time.Duration(i) * time.Millisecond, Source: diagnose.DelayStamp})
	}
	st := diagnose.SummarizeDelays(ds)
	if st.P50.D() != it.Ms(10) || st.P95.D() != it.Ms(19) || st.Max.D() != it.Ms(20) || st.Min.D() != it.Ms(1) || st.Count != 20 {
		t.Fatalf("got %+v, want p50 10ms p95 19ms max 20ms min 1ms", st)
	}
	if z := diagnose.SummarizeDelays(nil); z.Count != 0 {
		t.Fatalf("empty: %+v", z)
	}
}
