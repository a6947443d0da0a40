package gui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// ShowOpen asks for a session file or a packet capture and opens it.
func (ui *Inspector) ShowOpen() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, ui.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		ui.OpenSessionFile(path)
	}, ui.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ndjson", ".jsonl", ".json", ".pcap", ".pcapng", ".cap"}))
	d.Show()
}

// OpenSessionFile loads a session file and shows it. A damaged file is
// reported with the line at fault, and the user may load what precedes it.
// Large files load off the UI goroutine, which stays responsive, with
// their progress in the status line.
func (ui *Inspector) OpenSessionFile(path string) {
	ui.status.SetText("Loading " + path + "…")
	go func() {
		partial, chain, note, err := loadRecording(path, func(read, total int64) {
			fyne.Do(func() { ui.status.SetText(loadingText(path, read, total)) })
		})
		fyne.Do(func() {
			ui.showLoaded(path, partial, err)
			ui.showCapture(partial, chain, note)
		})
	}()
}

// showLoaded shows the result of loading path: the session, or the error
// with the offer to keep the part before the damage.
func (ui *Inspector) showLoaded(path string, partial *inspector.Session, err error) {
	if err == nil {
		ui.setSession(partial, filepath.Base(path))
		return
	}
	if partial == nil {
		ui.status.SetText("")
		dialog.ShowError(err, ui.win)
		return
	}
	msg := widget.NewLabel(fmt.Sprintf("%v\n\nLoad the part of the file before the damage?", err))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Damaged session file", "Load what precedes", "Cancel", msg, func(ok bool) {
		if ok {
			ui.setSession(partial, filepath.Base(path)+" (partial)")
		}
	}, ui.win)
	c.Resize(fyne.NewSize(520, 240))
	c.Show()
}

// ShowSave asks where to save the session.
func (ui *Inspector) ShowSave() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, ui.win)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := inspector.SaveSession(path, ui.sess.Snapshot(), inspector.SaveOptions{KeepSecrets: ui.keepSecrets}); err != nil {
			dialog.ShowError(err, ui.win)
			return
		}
		if ui.keepSecrets {
			ui.status.SetText("Saved " + path + " (with Authorization and Cookie values, as chosen for the tap)")
		} else {
			ui.status.SetText("Saved " + path + " (secret header values redacted)")
		}
	}, ui.win)
	d.SetFileName("session.ndjson")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ndjson"}))
	d.Show()
}

// exportSizes are the image sizes offered.
var exportSizes = []string{"1600 × 900", "1280 × 800", "1920 × 1080", "2560 × 1440", "as on screen"}

// ShowExport asks for an image size and file, PNG or SVG by extension.
func (ui *Inspector) ShowExport() {
	size := widget.NewSelect(exportSizes, nil)
	size.SetSelectedIndex(0)
	form := dialog.NewForm("Export timeline image", "Choose file…", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Size", size)}, func(ok bool) {
			if !ok {
				return
			}
			w, h := ui.exportSize(size.Selected)
			d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
				if err != nil {
					dialog.ShowError(err, ui.win)
					return
				}
				if wc == nil {
					return
				}
				path := wc.URI().Path()
				wc.Close()
				if err := ui.ExportImage(path, w, h); err != nil {
					dialog.ShowError(err, ui.win)
					return
				}
				ui.status.SetText(fmt.Sprintf("Exported %s (%d × %d)", path, w, h))
			}, ui.win)
			d.SetFileName("timeline.png")
			d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".svg"}))
			d.Show()
		}, ui.win)
	form.Show()
}

func (ui *Inspector) exportSize(choice string) (int, int) {
	if choice == "as on screen" {
		s := ui.timeline.object().Size()
		return max(int(s.Width), 320), max(int(s.Height), 200)
	}
	var w, h int
	fmt.Sscanf(strings.ReplaceAll(choice, " ", ""), "%d×%d", &w, &h)
	if w == 0 || h == 0 {
		return 1600, 900
	}
	return w, h
}

// ExportImage writes the timeline as shown — same range, findings and
// highlights — at w×h pixels, as PNG or SVG by the file's extension (the
// export refuses any other).
func (ui *Inspector) ExportImage(path string, w, h int) error {
	v := ui.timeline.widget.View()
	v.Width, v.Height = float64(w), float64(h)
	return timeline.ExportView(path, ui.timeline.exportData(), v)
}
