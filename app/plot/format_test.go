package plot

import (
	"slices"
	"testing"
)

func TestNewFormat(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
		svg  bool
	}{
		{"out.png", true, false},
		{"dir/Timeline.PNG", true, false},
		{"out.svg", true, true},
		{"out.pdf", false, false},
		{"noext", false, false},
	} {
		b, err := NewFormat(tc.path, 100, 50)
		if (err == nil) != tc.ok {
			t.Errorf("NewFormat(%q) error = %v, want ok=%v", tc.path, err, tc.ok)
			continue
		}
		if err != nil {
			continue
		}
		if _, isSVG := b.(*SVG); isSVG != tc.svg {
			t.Errorf("NewFormat(%q) = %T", tc.path, b)
		}
		if w, h := b.Size(); w != 100 || h != 50 {
			t.Errorf("NewFormat(%q) size %vx%v", tc.path, w, h)
		}
	}
	if _, err := NewFormat("x.png", 0, 10); err == nil {
		t.Error("zero width accepted")
	}
	if got := Formats(); !slices.Contains(got, "png") || !slices.Contains(got, "svg") {
		t.Errorf("Formats() = %v", got)
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering png twice did not panic")
		}
	}()
	RegisterFormat(".PNG", func(w, h int) Backend { return NewImage(w, h) })
}
