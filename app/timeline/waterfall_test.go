package timeline

import (
	"image/color"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/app/plot"
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

func TestDrawWaterfall(t *testing.T) {
	steps := []WaterfallStep{
		{Label: "origin sent", At: it.Ms(100), Sent: true},
		{Label: "origin", At: it.Ms(101), Added: it.Ms(1)},
		{Label: "hop 1 nginx", At: it.Ms(600), Added: it.Ms(499)},
		{Label: "hop 2 cdn", Missing: true},
	}
	const w = 600
	r := plot.NewImage(w, int(WaterfallHeight(len(steps))))
	DrawWaterfall(r, steps)
	img := r.Image()
	// The nginx row's bar spans most of the axis; its middle is painted in
	// the third lane color.
	y := int(waterfallPad + 2*waterfallRow + waterfallRow/2)
	x := int((waterfallLabelW + w - waterfallTimeW) / 2)
	if got, want := img.At(x, y), laneColor(2); !sameRGB(got, want) {
		t.Errorf("bar pixel %v, want %v", got, want)
	}
	// The origin row has only a short bar at the left of the axis.
	y = int(waterfallPad + waterfallRow + waterfallRow/2)
	if got := img.At(x, y); !sameRGB(got, colBackground) {
		t.Errorf("origin row painted at the middle of the axis: %v", got)
	}
}

func sameRGB(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar>>8 == br>>8 && ag>>8 == bg>>8 && ab>>8 == bb>>8
}
