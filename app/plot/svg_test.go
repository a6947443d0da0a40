package plot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image/color"
	"io"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/app/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// drawSample exercises every Canvas method.
func drawSample(c Canvas) {
	c.SetColor(color.White)
	c.FillRect(R(0, 0, 200, 120))
	c.SetColor(Hex("#2563eb"))
	c.Line(10, 10, 10, 60)
	c.SetLineWidth(2)
	c.Line(20, 10, 120, 60)
	c.Polyline([]Point{{20, 100}, {60, 100}, {60, 80}, {100, 80}})
	c.SetColor(WithAlpha(Hex("#dc2626"), 0.4))
	c.FillRect(R(130, 10, 190, 50))
	c.FillPolygon([]Point{{130, 60}, {190, 60}, {160, 90}})
	c.SetColor(Hex("#059669"))
	c.FillCircle(150, 100, 4)
	c.Push()
	c.Clip(R(0, 0, 100, 40))
	c.SetColor(Hex("#0f172a"))
	c.Text(15, 30, `a <b> & "c"`, Font{Size: 12}, BaselineLeft)
	c.Pop()
	c.Text(195, 115, "bold", Font{Size: 11, Bold: true}, BottomRight)
}

func TestSVGGolden(t *testing.T) {
	s := NewSVG(200, 120)
	drawSample(s)
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Text(t, "testdata/sample.svg", buf.Bytes(), *update)
}

func TestRasterGolden(t *testing.T) {
	r := NewImage(200, 120)
	drawSample(r)
	golden.Image(t, "testdata/sample.png", r.Image(), *update)
}

func TestSVGWellFormed(t *testing.T) {
	s := NewSVG(50, 50)
	s.Push()
	s.Clip(R(0, 0, 20, 20))
	s.Push()
	s.Clip(R(5, 5, 10, 10))
	s.Text(1, 1, "x\x00y <&>", Font{}, TopLeft) // NUL is not XML
	// Both states left pushed: WriteTo must close their groups.
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&buf)
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, buf.String())
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	if !strings.Contains(text.String(), "x\uFFFDy <&>") {
		t.Errorf("text content %q, want the escaped string back", text.String())
	}
}

func TestSVGPopClosesGroups(t *testing.T) {
	s := NewSVG(50, 50)
	s.Push()
	s.Clip(R(0, 0, 20, 20))
	s.Clip(R(0, 0, 10, 10))
	s.Pop()
	s.FillRect(R(0, 0, 5, 5))
	body := s.body.String()
	if strings.Count(body, "<g ") != 2 || strings.Count(body, "</g>") != 2 {
		t.Errorf("groups not closed by Pop:\n%s", body)
	}
	if i, j := strings.LastIndex(body, "</g>"), strings.Index(body, "<rect x=\"0\" y=\"0\" width=\"5\""); j < i {
		t.Errorf("rect drawn after Pop is inside a clip group:\n%s", body)
	}
}
