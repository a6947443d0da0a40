package gui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// loadProgressInterval spaces the progress bar's updates while a file loads.
const loadProgressInterval = 100 * time.Millisecond

// loadingState is the progress bar shown while a session file loads, so a
// large file shows how far it got instead of an empty window.
type loadingState struct {
	ui   *Inspector
	bar  *widget.ProgressBar
	path string // the file loading; "" when none
}

func newLoadingState(ui *Inspector) *loadingState {
	l := &loadingState{ui: ui, bar: widget.NewProgressBar()}
	l.bar.Hide()
	return l
}

// start shows that path is loading.
func (l *loadingState) start(path string) {
	l.path = path
	l.bar.SetValue(0)
	l.bar.Show()
	l.ui.status.SetText("Loading " + path + "…")
	l.ui.findings.summary.SetText("Loading " + filepath.Base(path) + "…")
}

// done hides the progress bar.
func (l *loadingState) done() {
	l.path = ""
	l.bar.Hide()
}

// active reports whether a file is loading.
func (l *loadingState) active() bool { return l.path != "" }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// loadWithProgress loads a session file (keeping what precedes damage),
// moving the progress bar by the share of the file read. It runs off the
// UI goroutine.
func (ui *Inspector) loadWithProgress(path string) (*inspector.Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	defer f.Close()
	size := int64(0)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	cr := &countingReader{r: f}
	stop := make(chan struct{})
	defer close(stop)
	if size > 0 {
		go func() {
			tick := time.NewTicker(loadProgressInterval)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					v := float64(cr.n.Load()) / float64(size)
					fyne.Do(func() { ui.loading.bar.SetValue(v) })
				}
			}
		}()
	}
	s, err := inspector.ReadSession(cr, inspector.LoadOptions{Partial: true})
	if err != nil {
		return s, fmt.Errorf("load session %s: %w", path, err)
	}
	return s, nil
}
