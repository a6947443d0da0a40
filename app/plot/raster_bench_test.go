package plot

import (
	"image"
	"testing"
)

// BenchmarkHairline draws translucent antialiased segments like the
// timeline's match lines (about 30 pixels, mostly vertical).
func BenchmarkHairline(b *testing.B) {
	r := NewRaster(image.NewRGBA(image.Rect(0, 0, 1600, 900)), 1)
	r.SetColor(WithAlpha(Hex("#64748b"), 0.35))
	for b.Loop() {
		for i := 0; i < 1000; i++ {
			x := float64(200 + i)
			r.Line(x, 400, x+12, 430)
		}
	}
}

// BenchmarkText draws a 40-character label.
func BenchmarkText(b *testing.B) {
	r := NewRaster(image.NewRGBA(image.Rect(0, 0, 1600, 900)), 1)
	r.SetColor(Hex("#0f172a"))
	for b.Loop() {
		r.Text(20, 100, "A proxy buffers the stream: events arrive", Font{Size: 13}, Left)
	}
}

// BenchmarkFillRect fills the whole 1600×900 image opaquely.
func BenchmarkFillRect(b *testing.B) {
	r := NewRaster(image.NewRGBA(image.Rect(0, 0, 1600, 900)), 1)
	r.SetColor(Hex("#f8fafc"))
	for b.Loop() {
		r.FillRect(R(0, 0, 1600, 900))
	}
}
