package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

var (
	white = color.RGBA{255, 255, 255, 255}
	red   = color.RGBA{255, 0, 0, 255}
)

func newWhite(w, h int, scale float64) (*Raster, *image.RGBA) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := NewRaster(img, scale)
	r.Fill(color.White)
	return r, img
}

// painted returns the bounding box of non-white pixels.
func painted(img *image.RGBA) image.Rectangle {
	var box image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) != white {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

func TestFillRectSnapsAndClips(t *testing.T) {
	r, img := newWhite(40, 30, 1)
	r.SetColor(red)
	r.FillRect(R(2.4, 3.6, 10.2, 8))
	if got, want := painted(img), image.Rect(2, 4, 10, 8); got != want {
		t.Errorf("painted %v, want %v", got, want)
	}
	r.Fill(color.White)
	r.Push()
	r.Clip(R(5, 5, 15, 15))
	r.FillRect(R(0, 0, 40, 30))
	r.Pop()
	if got, want := painted(img), image.Rect(5, 5, 15, 15); got != want {
		t.Errorf("clipped fill painted %v, want %v", got, want)
	}
	r.FillRect(R(20, 0, 21, 1)) // clip restored by Pop
	if img.RGBAAt(20, 0) != red {
		t.Error("Pop did not restore the clip")
	}
}

func TestThinRectIsFaint(t *testing.T) {
	r, img := newWhite(10, 10, 1)
	r.SetColor(color.Black)
	r.FillRect(R(3.1, 0, 3.35, 10)) // a quarter pixel wide
	px := img.RGBAAt(3, 5)
	if px.R < 170 || px.R > 210 {
		t.Errorf("quarter-pixel rect drew %v, want about 75%% white", px)
	}
	if painted(img) != image.Rect(3, 0, 4, 10) {
		t.Errorf("thin rect painted %v, want one column", painted(img))
	}
}

func TestAxisLines(t *testing.T) {
	r, img := newWhite(20, 20, 1)
	r.SetColor(red)
	r.Line(5.5, 2, 5.5, 12)
	if got, want := painted(img), image.Rect(5, 2, 6, 12); got != want {
		t.Errorf("vertical line painted %v, want %v", got, want)
	}
	r.Fill(color.White)
	r.SetLineWidth(3)
	r.Line(1, 10, 15, 10)
	if got, want := painted(img), image.Rect(1, 9, 15, 12); got != want {
		t.Errorf("3-wide horizontal line painted %v, want %v", got, want)
	}
}

func TestDiagonalLine(t *testing.T) {
	r, img := newWhite(30, 30, 1)
	r.SetColor(color.Black)
	r.Line(2, 2, 22, 12)
	box := painted(img)
	if box.Min.X > 2 || box.Max.X < 22 || box.Min.Y > 2 || box.Max.Y < 12 || box.Max.Y > 14 {
		t.Errorf("diagonal painted %v, want about (2,2)-(22,12)", box)
	}
	// Along the line, each column carries about one pixel of ink.
	for x := 4; x < 20; x++ {
		ink := 0
		for y := 0; y < 30; y++ {
			ink += 255 - int(img.RGBAAt(x, y).R)
		}
		if ink < 200 || ink > 300 {
			t.Errorf("column %d carries %d of ink, want about 255", x, ink)
		}
	}
	r.Fill(color.White)
	r.Clip(R(0, 0, 10, 30))
	r.Line(2, 2, 28, 28)
	if box := painted(img); box.Max.X > 10 {
		t.Errorf("clipped diagonal painted %v beyond x=10", box)
	}
}

func TestTranslucentBlend(t *testing.T) {
	r, img := newWhite(4, 4, 1)
	r.SetColor(WithAlpha(color.Black, 0.5))
	r.FillRect(R(0, 0, 4, 4))
	if px := img.RGBAAt(1, 1); px.R < 126 || px.R > 129 || px.A != 255 {
		t.Errorf("50%% black on white = %v", px)
	}
}

func TestCircle(t *testing.T) {
	r, img := newWhite(20, 20, 1)
	r.SetColor(color.Black)
	r.FillCircle(10, 10, 3)
	if img.RGBAAt(10, 10) != (color.RGBA{0, 0, 0, 255}) {
		t.Error("centre not filled")
	}
	if box := painted(img); box != image.Rect(7, 7, 13, 13) {
		t.Errorf("disc painted %v, want (7,7)-(13,13)", box)
	}
}

func TestText(t *testing.T) {
	r, img := newWhite(200, 40, 1)
	r.SetColor(color.Black)
	f := Font{Size: 13}
	w, h := r.MeasureText("Hello, timeline", f)
	if w < 60 || w > 120 || h < 13 || h > 20 {
		t.Fatalf("MeasureText = %v x %v", w, h)
	}
	if w2, _ := r.MeasureText("Hello, timeline!", f); w2 <= w {
		t.Error("a longer string did not measure wider")
	}
	if wb, _ := r.MeasureText("Hello, timeline", Font{Size: 13, Bold: true}); wb <= w {
		t.Error("bold did not measure wider")
	}
	r.Text(190, 20, "Hello, timeline", f, Right)
	box := painted(img)
	if box.Empty() || box.Max.X > 191 || box.Min.X < 190-int(w)-2 || box.Min.Y < 20-10 || box.Max.Y > 20+10 {
		t.Errorf("right-anchored text painted %v, want ending at x=190 around y=20", box)
	}
}

func TestScale(t *testing.T) {
	r, img := newWhite(40, 40, 2)
	if w, h := r.Size(); w != 20 || h != 20 {
		t.Errorf("Size = %vx%v, want 20x20 logical", w, h)
	}
	r.SetColor(red)
	r.FillRect(R(1, 1, 6, 6))
	if got, want := painted(img), image.Rect(2, 2, 12, 12); got != want {
		t.Errorf("scaled rect painted %v, want %v", got, want)
	}
	w1, _ := NewImage(10, 10).MeasureText("abc", Font{Size: 12})
	w2, _ := r.MeasureText("abc", Font{Size: 12})
	if w2 < w1*0.9 || w2 > w1*1.1 {
		t.Errorf("text measures %v logical at scale 2, %v at scale 1", w2, w1)
	}
}

func TestWritePNG(t *testing.T) {
	r := NewImage(30, 20)
	r.SetColor(red)
	r.FillRect(R(0, 0, 10, 10))
	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v (wrote %d)", n, err, buf.Len())
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Size() != (image.Point{30, 20}) {
		t.Errorf("decoded size %v", img.Bounds().Size())
	}
	if c := color.RGBAModel.Convert(img.At(5, 5)); c != red {
		t.Errorf("pixel (5,5) = %v, want red", c)
	}
}
