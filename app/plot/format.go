package plot

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Backend is a Canvas that can be written out as a file.
type Backend interface {
	Canvas
	// WriteTo writes the drawing in the backend's file format.
	WriteTo(w io.Writer) (int64, error)
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]func(w, h int) Backend{}
)

// RegisterFormat makes a backend available under a file extension
// ("png", without the dot, case-insensitive). It panics on a duplicate.
func RegisterFormat(ext string, make func(w, h int) Backend) {
	ext = strings.ToLower(strings.TrimPrefix(ext, "."))
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if _, dup := formats[ext]; dup {
		panic("plot: format registered twice: " + ext)
	}
	formats[ext] = make
}

// Formats lists the registered extensions, sorted.
func Formats() []string {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	out := make([]string, 0, len(formats))
	for ext := range formats {
		out = append(out, ext)
	}
	sort.Strings(out)
	return out
}

// NewFormat returns a w×h backend for the format named by path's extension.
func NewFormat(path string, w, h int) (Backend, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	formatsMu.RLock()
	make := formats[ext]
	formatsMu.RUnlock()
	if make == nil {
		return nil, fmt.Errorf("unknown image format %q (want one of: .%s)", filepath.Ext(path), strings.Join(Formats(), ", ."))
	}
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("image size %dx%d: both must be positive", w, h)
	}
	return make(w, h), nil
}

func init() {
	RegisterFormat("png", func(w, h int) Backend { return NewImage(w, h) })
	RegisterFormat("svg", func(w, h int) Backend { return NewSVG(float64(w), float64(h)) })
}
