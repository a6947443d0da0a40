package gui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

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

// progress moves the bar to read of total bytes and says so in the
// status line; the loaders call it at most every progressInterval, off the
// UI goroutine.
func (l *loadingState) progress(path string, read, total int64) {
	text := loadingText(path, read, total)
	fyne.Do(func() {
		if l.path != path {
			return // a late report of a load already done
		}
		if total > 0 {
			l.bar.SetValue(float64(read) / float64(total))
		}
		l.ui.status.SetText(text)
	})
}
