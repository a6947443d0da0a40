// Package golden compares test output with files under testdata/ and
// rewrites them on request (each test package defines its own -update
// flag and passes it in). Images are compared with a tolerance, so that a
// different rasterization of antialiased edges does not fail a test while
// a missing mark or label still does.
package golden

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Tolerance of Image: a pixel counts as different when a channel differs
// by more than ChannelTolerance, and an image as different when more than
// MaxDiffPixels pixels, or more than one in DiffRatio, differ.
const (
	ChannelTolerance = 48
	MaxDiffPixels    = 24
	DiffRatio        = 20000
)

// Text compares got with the file at path, or writes it when update is set.
func Text(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(want, got) {
		failed := failedPath(path)
		write(t, failed, got)
		t.Errorf("%s differs from the golden file; got written to %s (run with -update to accept)", path, failed)
	}
}

// Image compares got with the PNG at path within the tolerance, or writes
// it when update is set.
func Image(t testing.TB, path string, got image.Image, update bool) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, got); err != nil {
		t.Fatalf("encode %s: %v", path, err)
	}
	if update {
		write(t, path, buf.Bytes())
		return
	}
	want, err := ReadPNG(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if n, err := Differ(want, got); err != nil || n > 0 {
		failed := failedPath(path)
		write(t, failed, buf.Bytes())
		if err != nil {
			t.Errorf("%s: %v; got written to %s", path, err, failed)
		} else {
			t.Errorf("%s: %d pixels differ beyond the tolerance; got written to %s (run with -update to accept)", path, n, failed)
		}
	}
}

// Differ compares two images within the tolerance: it returns 0 when they
// match, else the number of differing pixels; an error when their sizes differ.
func Differ(want, got image.Image) (int, error) {
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Size() != gb.Size() {
		return 0, fmt.Errorf("size %v, want %v", gb.Size(), wb.Size())
	}
	n := 0
	for y := 0; y < wb.Dy(); y++ {
		for x := 0; x < wb.Dx(); x++ {
			r0, g0, b0, a0 := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			r1, g1, b1, a1 := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			if far(r0, r1) || far(g0, g1) || far(b0, b1) || far(a0, a1) {
				n++
			}
		}
	}
	if n <= MaxDiffPixels || n <= wb.Dx()*wb.Dy()/DiffRatio {
		return 0, nil
	}
	return n, nil
}

func far(a, b uint32) bool {
	a, b = a>>8, b>>8
	if a > b {
		return a-b > ChannelTolerance
	}
	return b-a > ChannelTolerance
}

// ReadPNG decodes the PNG file at path.
func ReadPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read golden image: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode golden image %s: %w", path, err)
	}
	return img, nil
}

// failedPath is where a mismatching output is written: testdata/failed/NAME.
func failedPath(path string) string {
	return filepath.Join(filepath.Dir(path), "failed", filepath.Base(path))
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
