package plot

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// Strokes and polygons of the raster backend.

// Line strokes a segment. Vertical and horizontal segments are filled as
// pixel-aligned rectangles; others are antialiased.
func (r *Raster) Line(x0, y0, x1, y1 float64) {
	s := r.scale
	x0, y0, x1, y1 = x0*s, y0*s, x1*s, y1*s
	w := r.st.width
	if w <= 0 {
		return
	}
	switch {
	case x0 == x1:
		r.axisLine(x0, y0, y1, w, true)
	case y0 == y1:
		r.axisLine(y0, x0, x1, w, false)
	case w <= 1.5:
		r.wuLine(x0, y0, x1, y1, math.Min(w, 1))
	default:
		r.thickLine(x0, y0, x1, y1, w)
	}
}

// axisLine draws a vertical (or horizontal) line at across, from a to b.
func (r *Raster) axisLine(across, a, b, w float64, vertical bool) {
	if a > b {
		a, b = b, a
	}
	c0, c1, cov := snapSpan(across-w/2, across+w/2)
	l0, l1 := iround(a), iround(b)
	if l1 == l0 {
		l1++ // a zero-length segment still marks its pixel
	}
	rect := image.Rect(c0, l0, c1, l1)
	if !vertical {
		rect = image.Rect(l0, c0, l1, c1)
	}
	r.fillCov(rect, uint32(math.Round(255*cov)))
}

// wuLine draws an antialiased hairline (Xiaolin Wu's algorithm) with
// opacity scaled by alpha. Pixel centres sit at half-integers.
func (r *Raster) wuLine(x0, y0, x1, y1, alpha float64) {
	x0, y0, x1, y1 = x0-0.5, y0-0.5, x1-0.5, y1-0.5
	steep := math.Abs(y1-y0) > math.Abs(x1-x0)
	if steep {
		x0, y0, x1, y1 = y0, x0, y1, x1
	}
	if x0 > x1 {
		x0, x1, y0, y1 = x1, x0, y1, y0
	}
	// Walk the major axis inside the clip; check the minor axis per pixel.
	clip := r.st.clip
	lo, hi := clip.Min.X, clip.Max.X-1
	mlo, mhi := clip.Min.Y, clip.Max.Y-1
	if steep {
		lo, hi, mlo, mhi = clip.Min.Y, clip.Max.Y-1, clip.Min.X, clip.Max.X-1
	}
	gradient := (y1 - y0) / (x1 - x0)
	first, last := int(math.Round(x0)), int(math.Round(x1))
	start, end := max(first, lo), min(last, hi)
	img := r.img
	stride, base := img.Stride, img.PixOffset(0, 0)
	majorStep, minorStep := 4, stride
	if steep {
		majorStep, minorStep = stride, 4
	}
	c := r.st.src
	cr, cg, cb, ca := uint32(c.R), uint32(c.G), uint32(c.B), uint32(c.A)
	scale := alpha * 255
	pix := img.Pix
	// The minor coordinate steps in 16.16 fixed point.
	yfix := int64(math.Round((y0 + gradient*(float64(start)-x0)) * 65536))
	gfix := int64(math.Round(gradient * 65536))
	wfull := uint32(scale + 0.5)
	for x := start; x <= end; x, yfix = x+1, yfix+gfix {
		w := wfull
		if x == first || x == last {
			// End pixels are covered in proportion to the part spanned.
			span := 1.0
			if x == first {
				span = 1 - (x0 + 0.5 - float64(x))
			}
			if x == last {
				span = math.Min(span, x1+0.5-float64(x))
			}
			w = uint32(math.Max(0, scale*span) + 0.5)
		}
		iy := int(yfix >> 16)
		c1 := (uint32(yfix&0xffff)*w + 32768) >> 16
		cov := [2]uint32{w - c1, c1}
		i := base + x*majorStep + iy*minorStep
		for k := 0; k < 2; k, iy, i = k+1, iy+1, i+minorStep {
			if cov[k] == 0 || iy < mlo || iy > mhi {
				continue
			}
			// blendAt, inlined: this loop is the hot path of match lines.
			m := cov[k] * 257
			sa := (ca*m + 32768) >> 16
			inv := (255 - sa) * 257
			p := pix[i : i+4 : i+4]
			p[0] = uint8((cr*m+32768)>>16 + (uint32(p[0])*inv+32768)>>16)
			p[1] = uint8((cg*m+32768)>>16 + (uint32(p[1])*inv+32768)>>16)
			p[2] = uint8((cb*m+32768)>>16 + (uint32(p[2])*inv+32768)>>16)
			p[3] = uint8(sa + (uint32(p[3])*inv+32768)>>16)
		}
	}
}

// blendAt blends premultiplied color c with coverage cov (0..255) into p,
// in fixed point: multiplying by n·257/65536 stands for dividing n by 255.
func blendAt(p []uint8, c color.RGBA, cov uint32) {
	k := cov * 257
	sa := (uint32(c.A)*k + 32768) >> 16
	inv := (255 - sa) * 257
	p[0] = uint8((uint32(c.R)*k+32768)>>16 + (uint32(p[0])*inv+32768)>>16)
	p[1] = uint8((uint32(c.G)*k+32768)>>16 + (uint32(p[1])*inv+32768)>>16)
	p[2] = uint8((uint32(c.B)*k+32768)>>16 + (uint32(p[2])*inv+32768)>>16)
	p[3] = uint8(sa + (uint32(p[3])*inv+32768)>>16)
}

// thickLine fills the quadrilateral of a wide segment.
func (r *Raster) thickLine(x0, y0, x1, y1, w float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	r.fillPolygon([]Point{{x0 + nx, y0 + ny}, {x1 + nx, y1 + ny}, {x1 - nx, y1 - ny}, {x0 - nx, y0 - ny}})
}

// fillPolygon fills a polygon given in device pixels, antialiased.
func (r *Raster) fillPolygon(pts []Point) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY))).Intersect(r.st.clip)
	if box.Empty() {
		return
	}
	if r.rz == nil {
		r.rz = vector.NewRasterizer(box.Dx(), box.Dy())
	} else {
		r.rz.Reset(box.Dx(), box.Dy())
	}
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for i, p := range pts {
		if i == 0 {
			r.rz.MoveTo(float32(p.X-ox), float32(p.Y-oy))
		} else {
			r.rz.LineTo(float32(p.X-ox), float32(p.Y-oy))
		}
	}
	r.rz.ClosePath()
	r.rz.Draw(r.img, box, image.NewUniform(r.st.src), image.Point{})
}

// FillPolygon fills a polygon, antialiased. Convex polygons (the
// timeline's wedges) are filled by scanlines, which costs a fraction of
// the general rasterizer used for the others.
func (r *Raster) FillPolygon(pts []Point) {
	if len(pts) < 3 {
		return
	}
	dev := make([]Point, len(pts))
	for i, p := range pts {
		dev[i] = Point{p.X * r.scale, p.Y * r.scale}
	}
	if convex(dev) {
		r.fillConvex(dev)
		return
	}
	r.fillPolygon(dev)
}

// convex reports whether the polygon turns the same way at every vertex.
func convex(pts []Point) bool {
	sign := 0.0
	for i := range pts {
		a, b, c := pts[i], pts[(i+1)%len(pts)], pts[(i+2)%len(pts)]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		if cross == 0 {
			continue
		}
		if sign != 0 && (cross > 0) != (sign > 0) {
			return false
		}
		sign = cross
	}
	return true
}

// fillConvex fills a convex polygon row by row: each pixel row's span is
// where the polygon crosses the row's centre line, its end pixels covered
// in proportion to the part of them inside.
func (r *Raster) fillConvex(pts []Point) {
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	clip := r.st.clip
	y0, y1 := max(int(math.Floor(minY)), clip.Min.Y), min(int(math.Ceil(maxY)), clip.Max.Y)
	for y := y0; y < y1; y++ {
		cy := float64(y) + 0.5
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a.Y <= cy) == (b.Y <= cy) {
				continue
			}
			x := a.X + (cy-a.Y)/(b.Y-a.Y)*(b.X-a.X)
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		if !(hi > lo) {
			continue
		}
		l, h := int(math.Floor(lo)), int(math.Floor(hi))
		if l == h {
			r.plotCov(l, y, hi-lo)
			continue
		}
		r.plotCov(l, y, float64(l+1)-lo)
		r.fillCov(image.Rect(l+1, y, h, y+1), 255)
		r.plotCov(h, y, hi-float64(h))
	}
}

// Polyline strokes connected segments.
func (r *Raster) Polyline(pts []Point) {
	for i := 1; i < len(pts); i++ {
		r.Line(pts[i-1].X, pts[i-1].Y, pts[i].X, pts[i].Y)
	}
}
