package timeline

import (
	"fmt"
	"io"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/inspector"
)

// Export writes the timeline of the whole session to path, width×height
// pixels, as PNG or SVG according to path's extension.
func Export(path string, d *Data, width, height int) error {
	from, to := FitRange(d)
	return ExportView(path, d, View{From: from, To: to, Width: float64(width), Height: float64(height)})
}

// ExportView writes the timeline over v's range at v's size (whole pixels)
// to path, as PNG or SVG according to path's extension. The hover state
// of v is ignored.
func ExportView(path string, d *Data, v View) error {
	w, h := int(v.Width), int(v.Height)
	b, err := plot.NewFormat(path, w, h)
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	if v.To <= v.From {
		return fmt.Errorf("export %s: empty time range %v–%v", path, v.From, v.To)
	}
	v.Width, v.Height = float64(w), float64(h)
	v.Hovering = false
	Draw(b, d, v)
	// Written atomically: a failed export leaves no partial image, and an
	// existing one stays as it was.
	err = inspector.WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		_, err := b.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	return nil
}
