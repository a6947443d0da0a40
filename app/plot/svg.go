package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"
)

// SVG is the Canvas backend that writes Scalable Vector Graphics. Text
// stays text (escaped), set in the Go font when the viewer has it and a
// sans-serif otherwise; measurements use the Go font's metrics.
type SVG struct {
	w, h   float64
	body   bytes.Buffer
	st     svgState
	stack  []svgState
	faces  faceCache
	clipID int
}

var _ Canvas = (*SVG)(nil)

type svgState struct {
	fill   string // "#rrggbb"
	alpha  float64
	width  float64
	groups int // clip groups opened since the state was pushed
}

// NewSVG returns an empty SVG canvas of w×h logical pixels.
func NewSVG(w, h float64) *SVG {
	return &SVG{w: w, h: h, st: svgState{fill: "#000000", alpha: 1, width: 1}, faces: faceCache{scale: 1}}
}

// Size is the canvas size.
func (s *SVG) Size() (w, h float64) { return s.w, s.h }

// SetColor sets the color of later strokes, fills and text.
func (s *SVG) SetColor(c color.Color) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	s.st.fill = fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
	s.st.alpha = float64(n.A) / 255
}

// SetLineWidth sets the stroke width.
func (s *SVG) SetLineWidth(w float64) { s.st.width = math.Max(0, w) }

// Push saves the state.
func (s *SVG) Push() {
	s.stack = append(s.stack, s.st)
	s.st.groups = 0
}

// Pop restores the last saved state, closing the clip groups opened since.
func (s *SVG) Pop() {
	n := len(s.stack)
	if n == 0 {
		return
	}
	for ; s.st.groups > 0; s.st.groups-- {
		s.body.WriteString("</g>\n")
	}
	s.st = s.stack[n-1]
	s.stack = s.stack[:n-1]
}

// Clip narrows later drawing to r; nested clip groups intersect.
func (s *SVG) Clip(r Rect) {
	s.clipID++
	fmt.Fprintf(&s.body, "<clipPath id=\"c%d\"><rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/></clipPath>\n<g clip-path=\"url(#c%d)\">\n",
		s.clipID, num(r.Min.X), num(r.Min.Y), num(r.Dx()), num(r.Dy()), s.clipID)
	s.st.groups++
}

func (s *SVG) stroke() string {
	out := fmt.Sprintf(` stroke="%s" stroke-width="%s"`, s.st.fill, num(s.st.width))
	if s.st.alpha < 1 {
		out += ` stroke-opacity="` + num3(s.st.alpha) + `"`
	}
	return out
}

func (s *SVG) fill() string {
	out := ` fill="` + s.st.fill + `"`
	if s.st.alpha < 1 {
		out += ` fill-opacity="` + num3(s.st.alpha) + `"`
	}
	return out
}

// Line strokes a segment.
func (s *SVG) Line(x0, y0, x1, y1 float64) {
	if s.st.width <= 0 || s.st.alpha == 0 {
		return
	}
	crisp := ""
	if x0 == x1 || y0 == y1 {
		crisp = ` shape-rendering="crispEdges"` // as the raster snaps them
	}
	fmt.Fprintf(&s.body, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"%s%s/>\n", num(x0), num(y0), num(x1), num(y1), s.stroke(), crisp)
}

// Polyline strokes connected segments.
func (s *SVG) Polyline(pts []Point) {
	if len(pts) < 2 || s.st.width <= 0 || s.st.alpha == 0 {
		return
	}
	s.body.WriteString(`<polyline fill="none" points="`)
	for i, p := range pts {
		if i > 0 {
			s.body.WriteByte(' ')
		}
		s.body.WriteString(num(p.X))
		s.body.WriteByte(',')
		s.body.WriteString(num(p.Y))
	}
	s.body.WriteString(`"` + s.stroke() + "/>\n")
}

// FillRect fills a rectangle.
func (s *SVG) FillRect(r Rect) {
	if r.Empty() || s.st.alpha == 0 {
		return
	}
	fmt.Fprintf(&s.body, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"%s shape-rendering=\"crispEdges\"/>\n", num(r.Min.X), num(r.Min.Y), num(r.Dx()), num(r.Dy()), s.fill())
}

// FillCircle fills a disc.
func (s *SVG) FillCircle(x, y, radius float64) {
	if radius <= 0 || s.st.alpha == 0 {
		return
	}
	fmt.Fprintf(&s.body, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\"%s/>\n", num(x), num(y), num(radius), s.fill())
}

// FillPolygon fills a polygon.
func (s *SVG) FillPolygon(pts []Point) {
	if len(pts) < 3 || s.st.alpha == 0 {
		return
	}
	s.body.WriteString(`<polygon points="`)
	for i, p := range pts {
		if i > 0 {
			s.body.WriteByte(' ')
		}
		s.body.WriteString(num(p.X) + "," + num(p.Y))
	}
	s.body.WriteString(`"` + s.fill() + "/>\n")
}

// MeasureText returns the width of s and the line height of f in the Go font.
func (s *SVG) MeasureText(str string, f Font) (w, h float64) { return s.faces.measure(str, f) }

// Text writes s as a text element anchored at (x, y).
func (s *SVG) Text(x, y float64, str string, f Font, a Anchor) {
	if str == "" {
		return
	}
	m := s.faces.metrics(f)
	anchor := "start"
	switch a & 3 {
	case AnchorCenter:
		anchor = "middle"
	case AnchorRight:
		anchor = "end"
	}
	size := f.Size
	if size <= 0 {
		size = 12
	}
	weight := ""
	if f.Bold {
		weight = ` font-weight="bold"`
	}
	fmt.Fprintf(&s.body, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" text-anchor=\"%s\"%s%s>%s</text>\n",
		num(x), num(y+a.baseline(m)), num(size), anchor, weight, s.fill(), escape(str))
}

// WriteTo writes the complete SVG document.
func (s *SVG) WriteTo(w io.Writer) (int64, error) {
	var doc bytes.Buffer
	fmt.Fprintf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"+
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" "+
		"font-family=\"Go, 'Helvetica Neue', Helvetica, Arial, sans-serif\" shape-rendering=\"geometricPrecision\">\n",
		num(s.w), num(s.h), num(s.w), num(s.h))
	doc.Write(s.body.Bytes())
	open := s.st.groups
	for _, st := range s.stack {
		open += st.groups
	}
	doc.WriteString(strings.Repeat("</g>\n", open))
	doc.WriteString("</svg>\n")
	return doc.WriteTo(w)
}

// num formats a coordinate with at most two decimals, so output is stable.
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func num3(v float64) string { return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64) }

// escape makes s safe as XML character data, dropping characters XML
// cannot carry.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF && !(r >= 0xD800 && r <= 0xDFFF)):
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}
