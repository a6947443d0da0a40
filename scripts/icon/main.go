// Command icon draws the application icon (assets/icon.png): a dark rounded
// tile with two event lanes, the lower one bunched into a late burst, which
// is the picture the inspector exists to show.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

func main() {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	bg := color.RGBA{0x1b, 0x25, 0x38, 0xff}
	const radius = 96.0
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if insideRounded(float64(x)+0.5, float64(y)+0.5, radius) {
				img.Set(x, y, bg)
			}
		}
	}
	teal := color.RGBA{0x2e, 0xd1, 0xb5, 0xff}
	amber := color.RGBA{0xff, 0xb0, 0x3b, 0xff}
	grey := color.RGBA{0x6b, 0x7a, 0x94, 0xff}
	// Baselines.
	fill(img, 72, 196, 440, 200, grey)
	fill(img, 72, 356, 440, 360, grey)
	// Direct lane: evenly spaced ticks.
	for i := 0; i < 7; i++ {
		x := 88 + i*54
		fill(img, x, 120, x+18, 196, teal)
	}
	// Proxied lane: nothing, then a burst.
	for i := 0; i < 7; i++ {
		x := 352 + i*12
		fill(img, x, 280, x+8, 356, amber)
	}
	// Fan-in lines from direct ticks to the burst.
	for i := 0; i < 7; i++ {
		line(img, float64(97+i*54), 204, float64(356+i*12), 276, color.RGBA{0xb3, 0x7c, 0x2e, 0xff})
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
}

func insideRounded(x, y, r float64) bool {
	cx := math.Max(r, math.Min(size-r, x))
	cy := math.Max(r, math.Min(size-r, y))
	return math.Hypot(x-cx, y-cy) <= r
}

func fill(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func line(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	steps := int(math.Hypot(x1-x0, y1-y0))
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				img.SetRGBA(int(x)+dx, int(y)+dy, c)
			}
		}
	}
}
