package timeline

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestWaterfallFollowsAnEventAlongTheChain(t *testing.T) {
	s := it.NewSession()
	origin := s.Lane("origin").Connect(0, "").Respond(it.Ms(1))
	nginx := s.Lane("nginx").Connect(0, "").Respond(it.Ms(1))
	edge := s.Lane("edge").Connect(0, "").Respond(it.Ms(1))
	for i := range 3 {
		sent := it.Ms(100 * (i + 1))
		ev := "id: " + string(rune('1'+i)) + "\ndata: " + s.Stamp(i+1, sent, 10) + "\n\n"
		origin.Read(sent+it.Ms(1), ev)
		nginx.Read(sent+it.Ms(21), ev)
		if i < 2 {
			edge.Read(sent+it.Ms(22), ev)
		}
	}
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{Chain: []int{origin.ID(), nginx.ID(), edge.ID()}})
	steps := Waterfall(r, nginx.ID(), 0)
	if len(steps) != 4 || !steps[0].Sent || steps[0].At != it.Ms(100) {
		t.Fatalf("steps %+v: want the send time, then three hops", steps)
	}
	if steps[1].Added != it.Ms(1) || steps[2].Added != it.Ms(20) || steps[3].Added != it.Ms(1) {
		t.Errorf("added %v %v %v, want 1 ms, 20 ms, 1 ms", steps[1].Added, steps[2].Added, steps[3].Added)
	}
	text := FormatWaterfall(steps)
	for _, want := range []string{"origin sent", "hop 1 nginx", "+20 ms", "██████████████████████████████"} {
		if !strings.Contains(text, want) {
			t.Errorf("waterfall lacks %q:\n%s", want, text)
		}
	}
	if last := Waterfall(r, origin.ID(), 2); len(last) != 4 || !last[3].Missing {
		t.Errorf("event 3 never reached the edge: %+v", last)
	}
	neg := FormatWaterfall([]WaterfallStep{{Label: "a", At: it.Ms(5)}, {Label: "b", At: it.Ms(4), Added: -it.Ms(1)}})
	if !strings.Contains(neg, "-1.0 ms") {
		t.Errorf("a hop read before the one before it:\n%s", neg)
	}
	if Waterfall(r, 99, 0) != nil {
		t.Error("a lane off the chain has a waterfall")
	}
	if ds := r.TimelineDelays()[edge.ID()]; len(ds) != 2 || ds[0].Delay != it.Ms(1) {
		t.Errorf("edge dots %+v: want the 1 ms the edge added", ds)
	}
}
