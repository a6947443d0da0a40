package plot

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/vector"
)

// Raster is the Canvas backend that draws into an *image.RGBA. The screen
// widget and PNG export both use it. Its scale maps logical pixels to image
// pixels (2 on a high-density display), so a drawing looks the same at any
// density. Vertical and horizontal lines and rectangles snap to whole
// pixels and take fast paths; other lines and discs are antialiased.
//
// A Raster keeps its glyph cache across Reset, so a widget redrawing every
// frame renders each glyph once. It is not safe for concurrent use.
type Raster struct {
	img   *image.RGBA
	scale float64
	st    rasterState
	stack []rasterState
	faces faceCache
	rz    *vector.Rasterizer
}

var _ Canvas = (*Raster)(nil)

type rasterState struct {
	src   color.RGBA // premultiplied
	width float64    // device pixels
	clip  image.Rectangle
}

// NewRaster returns a canvas drawing into img; scale is the number of image
// pixels per logical pixel (0 means 1). The color starts opaque black, the
// line width 1 and the clip is the whole image.
func NewRaster(img *image.RGBA, scale float64) *Raster {
	r := &Raster{}
	r.Reset(img, scale)
	return r
}

// NewImage returns a canvas over a new white image of w×h logical pixels at scale 1.
func NewImage(w, h int) *Raster {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := NewRaster(img, 1)
	r.Fill(color.White)
	return r
}

// Reset retargets the canvas to img at the given scale and resets its
// state, keeping cached glyphs when the scale is unchanged.
func (r *Raster) Reset(img *image.RGBA, scale float64) {
	if scale <= 0 {
		scale = 1
	}
	if scale != r.faces.scale {
		r.faces = faceCache{scale: scale}
	}
	r.img, r.scale = img, scale
	r.st = rasterState{src: color.RGBA{A: 255}, width: scale, clip: img.Bounds()}
	r.stack = r.stack[:0]
}

// Image returns the image drawn into.
func (r *Raster) Image() *image.RGBA { return r.img }

// Fill sets every pixel inside the clip to c, without blending.
func (r *Raster) Fill(c color.Color) {
	cr, cg, cb, ca := c.RGBA()
	px := [4]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
	r.fillOpaque(r.st.clip, px)
}

// WriteTo encodes the image as PNG.
func (r *Raster) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(cw, r.img)
	return cw.n, err
}

// Size is the drawable size in logical pixels.
func (r *Raster) Size() (w, h float64) {
	b := r.img.Bounds()
	return float64(b.Dx()) / r.scale, float64(b.Dy()) / r.scale
}

// SetColor sets the drawing color.
func (r *Raster) SetColor(c color.Color) {
	cr, cg, cb, ca := c.RGBA()
	r.st.src = color.RGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
}

// SetLineWidth sets the stroke width in logical pixels.
func (r *Raster) SetLineWidth(w float64) { r.st.width = math.Max(0, w) * r.scale }

// Push saves the state.
func (r *Raster) Push() { r.stack = append(r.stack, r.st) }

// Pop restores the last saved state; without one it does nothing.
func (r *Raster) Pop() {
	if n := len(r.stack); n > 0 {
		r.st = r.stack[n-1]
		r.stack = r.stack[:n-1]
	}
}

// Clip narrows the clip to rect.
func (r *Raster) Clip(rect Rect) {
	s := r.scale
	d := image.Rect(iround(rect.Min.X*s), iround(rect.Min.Y*s), iround(rect.Max.X*s), iround(rect.Max.Y*s))
	r.st.clip = r.st.clip.Intersect(d)
}

// FillRect fills rect. Edges are rounded to whole pixels; a rectangle
// thinner than a pixel is drawn one pixel wide with proportional opacity,
// so dense marks stay visible without smearing.
func (r *Raster) FillRect(rect Rect) {
	s := r.scale
	x0, x1, cx := snapSpan(rect.Min.X*s, rect.Max.X*s)
	y0, y1, cy := snapSpan(rect.Min.Y*s, rect.Max.Y*s)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	r.fillCov(image.Rect(x0, y0, x1, y1), uint32(math.Round(255*cx*cy)))
}

// snapSpan rounds [a, b) to whole pixels. A span narrower than a pixel
// becomes the pixel holding its centre, with coverage equal to its width.
func snapSpan(a, b float64) (lo, hi int, cov float64) {
	if !(b > a) {
		return 0, 0, 0
	}
	lo, hi = iround(a), iround(b)
	if hi > lo {
		return lo, hi, 1
	}
	lo = int(math.Floor((a + b) / 2))
	return lo, lo + 1, math.Min(1, b-a)
}

// fillCov blends the current color over rect with coverage cov (0..255).
func (r *Raster) fillCov(rect image.Rectangle, cov uint32) {
	rect = rect.Intersect(r.st.clip)
	if rect.Empty() || cov == 0 {
		return
	}
	c := r.st.src
	if cov >= 255 && c.A == 255 {
		r.fillOpaque(rect, [4]uint8{c.R, c.G, c.B, 255})
		return
	}
	// dst = src·cov + dst·(1 − srcAlpha·cov), in 8-bit fixed point with a
	// 16-bit multiplier for the destination, so the loop has no division.
	sr, sg, sb, sa := uint32(c.R)*cov/255, uint32(c.G)*cov/255, uint32(c.B)*cov/255, uint32(c.A)*cov/255
	inv := (255 - sa) * 257 // (255 − a)/255 · 65536, near enough
	img := r.img
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		i := img.PixOffset(rect.Min.X, y)
		row := img.Pix[i : i+4*rect.Dx() : i+4*rect.Dx()]
		for j := 0; j+3 < len(row); j += 4 {
			p := row[j : j+4 : j+4]
			p[0] = uint8(sr + (uint32(p[0])*inv+32768)>>16)
			p[1] = uint8(sg + (uint32(p[1])*inv+32768)>>16)
			p[2] = uint8(sb + (uint32(p[2])*inv+32768)>>16)
			p[3] = uint8(sa + (uint32(p[3])*inv+32768)>>16)
		}
	}
}

// fillOpaque stores px into every pixel of rect (already clipped).
func (r *Raster) fillOpaque(rect image.Rectangle, px [4]uint8) {
	rect = rect.Intersect(r.img.Bounds())
	if rect.Empty() {
		return
	}
	img := r.img
	n := 4 * rect.Dx()
	first := img.Pix[img.PixOffset(rect.Min.X, rect.Min.Y):][:n]
	copy(first, px[:])
	for filled := 4; filled < n; filled *= 2 {
		copy(first[filled:], first[:filled])
	}
	for y := rect.Min.Y + 1; y < rect.Max.Y; y++ {
		copy(img.Pix[img.PixOffset(rect.Min.X, y):][:n], first)
	}
}

// blend blends the current color into the pixel at (x, y) with coverage
// cov (0..255); the caller has checked the clip.
func (r *Raster) blend(x, y int, cov uint32) {
	i := r.img.PixOffset(x, y)
	p := r.img.Pix[i : i+4 : i+4]
	if c := r.st.src; c.A == 255 && cov >= 255 {
		p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 255
		return
	}
	blendAt(p, r.st.src, cov)
}

// plotCov blends at (x, y) with float coverage, honouring the clip.
func (r *Raster) plotCov(x, y int, cov float64) {
	if cov <= 0 || !(image.Point{x, y}).In(r.st.clip) {
		return
	}
	if cov > 1 {
		cov = 1
	}
	r.blend(x, y, uint32(cov*255+0.5))
}

// FillCircle fills an antialiased disc.
func (r *Raster) FillCircle(x, y, radius float64) {
	s := r.scale
	cx, cy, rad := x*s, y*s, radius*s
	if rad <= 0 {
		return
	}
	box := image.Rect(int(math.Floor(cx-rad)), int(math.Floor(cy-rad)), int(math.Ceil(cx+rad)), int(math.Ceil(cy+rad))).Intersect(r.st.clip)
	for py := box.Min.Y; py < box.Max.Y; py++ {
		dy := float64(py) + 0.5 - cy
		for px := box.Min.X; px < box.Max.X; px++ {
			dx := float64(px) + 0.5 - cx
			cov := rad + 0.5 - math.Sqrt(dx*dx+dy*dy)
			if cov > 0 {
				r.blend(px, py, uint32(math.Min(cov, 1)*255+0.5))
			}
		}
	}
}

// MeasureText returns the width of s and the line height of f.
func (r *Raster) MeasureText(s string, f Font) (w, h float64) { return r.faces.measure(s, f) }

// Text draws s anchored at (x, y). Glyphs are placed on whole pixels.
func (r *Raster) Text(x, y float64, s string, f Font, a Anchor) {
	if s == "" {
		return
	}
	fc := r.faces.face(f)
	px := x * r.scale
	if h := a.horizontal(); h != 0 {
		px -= fc.measure(s) * h
	}
	base := iround(y*r.scale + a.baseline(fc.metrics))
	clip := r.st.clip
	src := r.st.src
	var pen float64
	prev := rune(-1)
	for _, ch := range s {
		if prev >= 0 {
			pen += fix(fc.kern(prev, ch))
		}
		prev = ch
		g := fc.glyph(ch)
		if g.mask != nil {
			ox, oy := iround(px+pen)+g.offset.X, base+g.offset.Y
			b := g.mask.Bounds().Add(image.Point{ox, oy}).Intersect(clip)
			for gy := b.Min.Y; gy < b.Max.Y; gy++ {
				row := g.mask.Pix[(gy-oy)*g.mask.Stride+b.Min.X-ox:][:b.Dx()]
				i := r.img.PixOffset(b.Min.X, gy)
				dst := r.img.Pix[i : i+4*len(row)]
				for k, m := range row {
					if m != 0 {
						blendAt(dst[4*k:4*k+4:4*k+4], src, uint32(m))
					}
				}
			}
		}
		pen += fix(g.advance)
	}
}

func iround(v float64) int { return int(math.Floor(v + 0.5)) }

// countingWriter counts the bytes written through it, for WriteTo.
type countingWriter struct {
	w io.Writer
	n int64
}

// Write writes p and counts it.
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
