package plot

import (
	"image/color"
	"math"
)

// Canvas is a drawing surface. Its state (color, line width, clip) applies
// to every later call until changed or until Pop restores a saved state.
type Canvas interface {
	// Size is the drawable width and height in logical pixels.
	Size() (w, h float64)
	// SetColor sets the color of later strokes, fills and text. Colors
	// with alpha are blended over what is already drawn.
	SetColor(c color.Color)
	// SetLineWidth sets the width of later strokes in logical pixels.
	SetLineWidth(w float64)
	// Line strokes a straight segment.
	Line(x0, y0, x1, y1 float64)
	// Polyline strokes the segments joining consecutive points.
	Polyline(pts []Point)
	// FillRect fills a rectangle.
	FillRect(r Rect)
	// FillCircle fills a disc centred on (x, y).
	FillCircle(x, y, radius float64)
	// FillPolygon fills the polygon through the points (closed implicitly).
	FillPolygon(pts []Point)
	// Text draws s so that its anchor point lies at (x, y).
	Text(x, y float64, s string, f Font, a Anchor)
	// MeasureText returns the advance width of s and the line height of f.
	MeasureText(s string, f Font) (w, h float64)
	// Clip restricts later drawing to r, intersected with the current clip.
	Clip(r Rect)
	// Push saves the color, line width and clip; Pop restores the last saved.
	Push()
	// Pop restores the state saved by the matching Push.
	Pop()
}

// Point is a position in logical pixels.
type Point struct{ X, Y float64 }

// Rect is an axis-aligned rectangle from Min (top left) to Max (bottom right).
type Rect struct{ Min, Max Point }

// R makes a rectangle from its corners.
func R(x0, y0, x1, y1 float64) Rect {
	return Rect{Point{math.Min(x0, x1), math.Min(y0, y1)}, Point{math.Max(x0, x1), math.Max(y0, y1)}}
}

// Dx is the rectangle's width.
func (r Rect) Dx() float64 { return r.Max.X - r.Min.X }

// Dy is the rectangle's height.
func (r Rect) Dy() float64 { return r.Max.Y - r.Min.Y }

// Empty reports whether the rectangle contains no area.
func (r Rect) Empty() bool { return !(r.Min.X < r.Max.X && r.Min.Y < r.Max.Y) }

// Contains reports whether p lies inside the rectangle (edges at Min included).
func (r Rect) Contains(p Point) bool {
	return p.X >= r.Min.X && p.X < r.Max.X && p.Y >= r.Min.Y && p.Y < r.Max.Y
}

// Intersect is the largest rectangle contained in both r and s.
func (r Rect) Intersect(s Rect) Rect {
	out := Rect{
		Point{math.Max(r.Min.X, s.Min.X), math.Max(r.Min.Y, s.Min.Y)},
		Point{math.Min(r.Max.X, s.Max.X), math.Min(r.Max.Y, s.Max.Y)},
	}
	if out.Empty() {
		return Rect{}
	}
	return out
}

// Inset shrinks the rectangle by d on every side.
func (r Rect) Inset(d float64) Rect {
	return Rect{Point{r.Min.X + d, r.Min.Y + d}, Point{r.Max.X - d, r.Max.Y - d}}
}

// Font selects the text face: the Go font family at Size logical pixels.
type Font struct {
	Size float64
	Bold bool
}

// Anchor says which point of a text's box is placed at the given position:
// a horizontal part (left, centre, right) and a vertical part (top, middle,
// baseline, bottom of the line box).
type Anchor uint8

// Horizontal and vertical anchor parts; combine one of each with |.
const (
	AnchorLeft   Anchor = 0
	AnchorCenter Anchor = 1
	AnchorRight  Anchor = 2

	AnchorBaseline Anchor = 0 << 2
	AnchorTop      Anchor = 1 << 2
	AnchorMiddle   Anchor = 2 << 2
	AnchorBottom   Anchor = 3 << 2
)

// Common anchors.
const (
	TopLeft      = AnchorTop | AnchorLeft
	Top          = AnchorTop | AnchorCenter
	TopRight     = AnchorTop | AnchorRight
	Left         = AnchorMiddle | AnchorLeft
	Center       = AnchorMiddle | AnchorCenter
	Right        = AnchorMiddle | AnchorRight
	BottomLeft   = AnchorBottom | AnchorLeft
	Bottom       = AnchorBottom | AnchorCenter
	BottomRight  = AnchorBottom | AnchorRight
	BaselineLeft = AnchorBaseline | AnchorLeft
)

// horizontal returns the fraction of the text's width left of the anchor.
func (a Anchor) horizontal() float64 {
	switch a & 3 {
	case AnchorCenter:
		return 0.5
	case AnchorRight:
		return 1
	}
	return 0
}

// baseline returns the offset from the anchor's y to the text's baseline.
func (a Anchor) baseline(m Metrics) float64 {
	switch a &^ 3 {
	case AnchorTop:
		return m.Ascent
	case AnchorMiddle:
		return (m.Ascent - m.Descent) / 2
	case AnchorBottom:
		return -m.Descent
	}
	return 0
}

// Hex parses "#rrggbb" or "#rrggbbaa" into a color; it panics on a
// malformed string, so use it for constants only.
func Hex(s string) color.NRGBA {
	if len(s) != 7 && len(s) != 9 || s[0] != '#' {
		panic("plot: bad color " + s)
	}
	v := func(i int) uint8 {
		var n uint8
		for _, c := range s[i : i+2] {
			n <<= 4
			switch {
			case c >= '0' && c <= '9':
				n |= uint8(c - '0')
			case c >= 'a' && c <= 'f':
				n |= uint8(c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				n |= uint8(c - 'A' + 10)
			default:
				panic("plot: bad color " + s)
			}
		}
		return n
	}
	c := color.NRGBA{v(1), v(3), v(5), 255}
	if len(s) == 9 {
		c.A = v(7)
	}
	return c
}

// WithAlpha returns c with its opacity multiplied by a (0..1).
func WithAlpha(c color.Color, a float64) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(math.Round(float64(n.A) * math.Max(0, math.Min(1, a))))
	return n
}

// Over composites top over an opaque bottom color and returns the opaque
// result: what a translucent fill looks like on that background, usable as
// an opaque color that is cheaper to draw.
func Over(top, bottom color.Color) color.NRGBA {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	b := color.NRGBAModel.Convert(bottom).(color.NRGBA)
	a := float64(t.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{mix(t.R, b.R), mix(t.G, b.G), mix(t.B, b.B), 255}
}
