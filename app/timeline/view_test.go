package timeline

import (
	"math"
	"testing"
	"time"
)

func TestViewConversions(t *testing.T) {
	v := View{From: 2 * time.Second, To: 12 * time.Second, Width: 1600, Height: 900}
	x0, x1 := v.plotX()
	if !(x0 > 0 && x1 < 1600 && x1-x0 > 1000) {
		t.Fatalf("plot spans %v..%v", x0, x1)
	}
	if got := v.X(v.From); got != x0 {
		t.Errorf("X(From) = %v, want %v", got, x0)
	}
	if got := v.X(v.To); math.Abs(got-x1) > 1e-9 {
		t.Errorf("X(To) = %v, want %v", got, x1)
	}
	for _, d := range []time.Duration{0, 3 * time.Second, 7*time.Second + 123*time.Millisecond, 20 * time.Second} {
		if got := v.TimeAt(v.X(d)); (got - d).Abs() > time.Microsecond {
			t.Errorf("TimeAt(X(%v)) = %v", d, got)
		}
	}
}

func TestZoomKeepsTimeUnderPointer(t *testing.T) {
	v := View{From: 0, To: 10 * time.Second, Width: 1000, Height: 600}
	x := v.X(7 * time.Second)
	z := v.Zoom(x, 0.5)
	if got := z.To - z.From; got != 5*time.Second {
		t.Errorf("span after zooming in by 2 = %v, want 5s", got)
	}
	if got := z.TimeAt(x); (got - 7*time.Second).Abs() > time.Millisecond {
		t.Errorf("time under the pointer moved to %v", got)
	}
	out := z.Zoom(x, 4)
	if got := out.To - out.From; got != 20*time.Second {
		t.Errorf("span after zooming out = %v", got)
	}
	tiny := v.Zoom(x, 1e-12)
	if tiny.To-tiny.From != MinSpan {
		t.Errorf("zoom went below MinSpan: %v", tiny.To-tiny.From)
	}
}

func TestPan(t *testing.T) {
	v := View{From: 10 * time.Second, To: 20 * time.Second, Width: 1000, Height: 600}
	x0, x1 := v.plotX()
	p := v.Pan((x1 - x0) / 10) // content moves right: earlier times come into view
	if p.From != 9*time.Second || p.To != 19*time.Second {
		t.Errorf("Pan = %v..%v, want 9s..19s", p.From, p.To)
	}
}

func TestFitRange(t *testing.T) {
	from, to := FitRange(&Data{})
	if from != 0 || to != time.Second {
		t.Errorf("empty data fits %v..%v, want 0..1s", from, to)
	}
}
