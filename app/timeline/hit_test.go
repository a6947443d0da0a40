package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
)

func fixtureData(f *fixture.Fixture) *Data {
	return &Data{Title: f.Name, Snapshot: f.Session.Snapshot(), Delays: f.DelaysByLane(),
		Matches: f.Matches, Findings: f.Findings, RefLane: f.RefLane}
}

func TestEventAtTick(t *testing.T) {
	d := fixtureData(fixture.Clean())
	v := FitView(d, 1200, 700)
	L := layoutOf(d, v)
	for bi, b := range L.bands {
		y := (b.ticks.Min.Y + b.ticks.Max.Y) / 2
		for _, i := range []int{0, 17, 49} {
			x := v.X(b.lane.Arrival(i)) + 2 // a little off the tick still hits it
			lane, idx, ok := EventAt(d, v, x, y)
			if !ok || lane != b.lane.Info.ID || idx != i {
				t.Errorf("band %d event %d: EventAt = %d, %d, %v", bi, i, lane, idx, ok)
			}
		}
	}
	// Far from any event: a miss.
	b := L.bands[0]
	x := (v.X(b.lane.Arrival(3)) + v.X(b.lane.Arrival(4))) / 2
	if _, _, ok := EventAt(d, v, x, (b.ticks.Min.Y+b.ticks.Max.Y)/2); ok {
		t.Error("hit between two events 200 ms apart")
	}
	if _, _, ok := EventAt(d, v, 600, 5); ok {
		t.Error("hit in the title")
	}
}

func TestEventAtDelayDot(t *testing.T) {
	d := fixtureData(fixture.Buffered())
	v := FitView(d, 1200, 700)
	L := layoutOf(d, v)
	b := L.bands[1]
	di := d.index().delaysOf(b.lane.Info.ID, d.Delays[b.lane.Info.ID])
	scale := delayScale(di, v)
	// The events of a burst share a column; the dot picks one.
	for _, k := range []int{0, 10, 33} {
		e := di.delays[k]
		lane, idx, ok := EventAt(d, v, v.X(e.Arrival), delayY(&b, e.Delay, scale))
		if !ok || lane != b.lane.Info.ID || int64(idx) != e.Seq {
			t.Errorf("dot of seq %d: EventAt = %d, %d, %v", e.Seq, lane, idx, ok)
		}
	}
}

func TestReadout(t *testing.T) {
	d := fixtureData(fixture.Buffered())
	lines := Readout(d, 2, 5)
	text := strings.Join(lines, "\n")
	for _, want := range []string{"via nginx · event #6", "id 6", "delay ", "(reference)", "completed 34 events"} {
		if !strings.Contains(text, want) {
			t.Errorf("readout lacks %q:\n%s", want, text)
		}
	}
	if Readout(d, 99, 0) != nil || Readout(d, 2, 1000) != nil {
		t.Error("readout of a missing event")
	}
}

func TestFitViewCoversSession(t *testing.T) {
	d := fixtureData(fixture.Reconnect())
	v := FitView(d, 800, 600)
	if v.From != 0 || v.To < 24*time.Second {
		t.Errorf("FitView = %v..%v, want the whole 24 s session", v.From, v.To)
	}
}
