package plot

import (
	"image/color"
	"testing"
)

func TestRect(t *testing.T) {
	r := R(10, 20, 0, 5)
	if r.Min != (Point{0, 5}) || r.Max != (Point{10, 20}) {
		t.Fatalf("R did not normalize corners: %+v", r)
	}
	if r.Dx() != 10 || r.Dy() != 15 {
		t.Errorf("size %vx%v, want 10x15", r.Dx(), r.Dy())
	}
	if got := r.Intersect(R(5, 0, 30, 10)); got != R(5, 5, 10, 10) {
		t.Errorf("Intersect = %+v", got)
	}
	if got := r.Intersect(R(50, 50, 60, 60)); !got.Empty() {
		t.Errorf("disjoint Intersect = %+v, want empty", got)
	}
	if !r.Contains(Point{0, 5}) || r.Contains(Point{10, 20}) {
		t.Error("Contains must include Min and exclude Max")
	}
}

func TestHex(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want color.NRGBA
	}{
		{"#000000", color.NRGBA{0, 0, 0, 255}},
		{"#2563eb", color.NRGBA{0x25, 0x63, 0xeb, 255}},
		{"#FFFFFF80", color.NRGBA{255, 255, 255, 0x80}},
	} {
		if got := Hex(tc.in); got != tc.want {
			t.Errorf("Hex(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "123456", "#12345", "#12345g"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Hex(%q) did not panic", bad)
				}
			}()
			Hex(bad)
		}()
	}
}

func TestAlphaAndOver(t *testing.T) {
	if got := WithAlpha(color.White, 0.5); got.A != 128 || got.R != 255 {
		t.Errorf("WithAlpha = %v", got)
	}
	got := Over(WithAlpha(Hex("#000000"), 0.25), color.White)
	if got != (color.NRGBA{191, 191, 191, 255}) {
		t.Errorf("Over = %v, want 25%% black on white", got)
	}
}

func TestAnchor(t *testing.T) {
	m := Metrics{Ascent: 10, Descent: 3, Height: 15}
	for _, tc := range []struct {
		a           Anchor
		h, baseline float64
	}{
		{TopLeft, 0, 10},
		{Center, 0.5, 3.5},
		{BottomRight, 1, -3},
		{BaselineLeft, 0, 0},
	} {
		if h := tc.a.horizontal(); h != tc.h {
			t.Errorf("anchor %d: horizontal %v, want %v", tc.a, h, tc.h)
		}
		if b := tc.a.baseline(m); b != tc.baseline {
			t.Errorf("anchor %d: baseline %v, want %v", tc.a, b, tc.baseline)
		}
	}
}
