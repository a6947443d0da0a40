package timeline

import (
	"testing"

	"github.com/sseinspector/sseinspector/app/plot"
)

// TestDarkViewDrawsOnADarkBackground: a dark view (the window on a dark
// theme) draws dark; the default, used by exports, stays light.
func TestDarkViewDrawsOnADarkBackground(t *testing.T) {
	for _, dark := range []bool{false, true} {
		c := plot.NewImage(400, 300)
		Draw(c, &Data{}, View{From: 0, To: 1e9, Width: 400, Height: 300, Dark: dark})
		r, g, b, _ := c.Image().At(2, 2).RGBA()
		lum := (r + g + b) / 3 >> 8
		if dark && lum > 64 || !dark && lum < 192 {
			t.Errorf("dark=%v: background luminance %d", dark, lum)
		}
	}
	if colBackground != lightPalette.background {
		t.Error("a dark drawing left the dark palette in place for the next")
	}
}
