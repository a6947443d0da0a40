package plot

import (
	"fmt"
	"image"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Metrics are a font's vertical measures in logical pixels: Ascent above
// the baseline, Descent below it, and Height from one baseline to the next.
type Metrics struct {
	Ascent, Descent, Height float64
}

var (
	parseOnce            sync.Once
	regularFont, boldFnt *opentype.Font
	parseErr             error
)

// goFonts parses the embedded Go fonts once; the parsed fonts are
// read-only and shared, while faces (which hold scratch buffers) are not.
func goFonts() (regular, bold *opentype.Font) {
	parseOnce.Do(func() {
		regularFont, parseErr = opentype.Parse(goregular.TTF)
		if parseErr == nil {
			boldFnt, parseErr = opentype.Parse(gobold.TTF)
		}
	})
	if parseErr != nil {
		panic(fmt.Sprintf("plot: parse embedded Go font: %v", parseErr))
	}
	return regularFont, boldFnt
}

// faceKey names a face at a size in device pixels.
type faceKey struct {
	px   float64
	bold bool
}

// glyph is a rendered glyph mask: its pixels relative to the pen position.
type glyph struct {
	mask    *image.Alpha // nil for blank glyphs (spaces)
	offset  image.Point  // mask's top left relative to the pen on the baseline
	advance fixed.Int26_6
}

// face is one font face with its cached glyphs. Not safe for concurrent use.
type face struct {
	font.Face
	metrics Metrics // device pixels
	glyphs  map[rune]*glyph
	kerns   map[[2]rune]fixed.Int26_6
	widths  map[string]float64 // measured strings: labels repeat every frame
}

// maxWidths bounds the measured-strings cache of a face.
const maxWidths = 4096

// kern is the face's kerning of the pair, cached: looking it up in the
// font is far slower than drawing the glyph.
func (fc *face) kern(a, b rune) fixed.Int26_6 {
	k, ok := fc.kerns[[2]rune{a, b}]
	if !ok {
		k = fc.Kern(a, b)
		fc.kerns[[2]rune{a, b}] = k
	}
	return k
}

// faceCache holds the faces one canvas uses. scale converts logical to
// device pixels.
type faceCache struct {
	scale float64
	faces map[faceKey]*face
}

func (c *faceCache) face(f Font) *face {
	if f.Size <= 0 {
		f.Size = 12
	}
	scale := c.scale
	if scale <= 0 {
		scale = 1
	}
	k := faceKey{px: f.Size * scale, bold: f.Bold}
	if fc := c.faces[k]; fc != nil {
		return fc
	}
	regular, bold := goFonts()
	src := regular
	if f.Bold {
		src = bold
	}
	// DPI 72 makes the point size equal to the pixel size.
	ff, err := opentype.NewFace(src, &opentype.FaceOptions{Size: k.px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(fmt.Sprintf("plot: make face of size %v: %v", k.px, err))
	}
	m := ff.Metrics()
	fc := &face{Face: ff, glyphs: make(map[rune]*glyph), kerns: make(map[[2]rune]fixed.Int26_6), widths: make(map[string]float64),
		metrics: Metrics{Ascent: fix(m.Ascent), Descent: fix(m.Descent), Height: fix(m.Height)}}
	if c.faces == nil {
		c.faces = make(map[faceKey]*face)
	}
	c.faces[k] = fc
	return fc
}

// glyph returns the cached mask of r, rendering it on first use.
func (fc *face) glyph(r rune) *glyph {
	if g := fc.glyphs[r]; g != nil {
		return g
	}
	dr, mask, mp, adv, ok := fc.Glyph(fixed.Point26_6{}, r)
	if !ok {
		dr, mask, mp, adv, _ = fc.Glyph(fixed.Point26_6{}, utf8.RuneError)
	}
	g := &glyph{advance: adv, offset: dr.Min}
	if !dr.Empty() && mask != nil {
		// The face reuses its mask buffer: keep a copy.
		a := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				_, _, _, al := mask.At(mp.X+x, mp.Y+y).RGBA()
				a.Pix[y*a.Stride+x] = uint8(al >> 8)
			}
		}
		g.mask = a
	}
	fc.glyphs[r] = g
	return g
}

// measure returns the advance width of s in device pixels, kerning included.
func (fc *face) measure(s string) float64 {
	if w, ok := fc.widths[s]; ok {
		return w
	}
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += fc.kern(prev, r)
		}
		w += fc.glyph(r).advance
		prev = r
	}
	if len(fc.widths) >= maxWidths {
		clear(fc.widths)
	}
	fc.widths[s] = fix(w)
	return fix(w)
}

// measure is MeasureText for a canvas at the cache's scale.
func (c *faceCache) measure(s string, f Font) (w, h float64) {
	fc := c.face(f)
	scale := c.scale
	if scale <= 0 {
		scale = 1
	}
	return fc.measure(s) / scale, fc.metrics.Height / scale
}

// metrics returns a font's metrics in logical pixels.
func (c *faceCache) metrics(f Font) Metrics {
	m := c.face(f).metrics
	scale := c.scale
	if scale <= 0 {
		scale = 1
	}
	return Metrics{Ascent: m.Ascent / scale, Descent: m.Descent / scale, Height: m.Height / scale}
}

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }
