package gui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

const prefLastSession = "lastSessionPath"

// pathField is a file path typed in full (absolute, or relative to the
// home directory) or chosen with a file dialog.
type pathField struct {
	entry  *keyEntry
	browse *widget.Button
	row    fyne.CanvasObject
}

// newPathField builds a path field; save says whether the file dialog
// asks where to save rather than what to open.
func (ui *Inspector) newPathField(initial string, save bool, exts []string) *pathField {
	f := &pathField{entry: newKeyEntry()}
	f.entry.SetText(initial)
	f.entry.SetPlaceHolder("/path/to/session.ndjson")
	f.browse = widget.NewButton("Browse…", func() {
		set := func(path string) { f.entry.SetText(path) }
		if save {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err == nil && w != nil {
					set(w.URI().Path())
					w.Close()
				}
			}, ui.win)
			d.SetFileName(filepath.Base(f.path()))
			d.SetFilter(storage.NewExtensionFileFilter(exts))
			d.Show()
			return
		}
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				set(r.URI().Path())
				r.Close()
			}
		}, ui.win)
		d.SetFilter(storage.NewExtensionFileFilter(exts))
		d.Show()
	})
	f.row = container.NewBorder(nil, nil, nil, f.browse, f.entry)
	return f
}

// path is the typed path, made absolute: "~/x" and relative paths are
// taken from the home directory, where the file dialogs start.
func (f *pathField) path() string {
	p := strings.TrimSpace(f.entry.Text)
	home, err := os.UserHomeDir()
	switch {
	case p == "" || err != nil:
		return p
	case p == "~":
		return home
	case strings.HasPrefix(p, "~/"):
		return filepath.Join(home, p[2:])
	case !filepath.IsAbs(p):
		return filepath.Join(home, p)
	}
	return filepath.Clean(p)
}

// ShowOpen asks for a session file or a packet capture and opens it,
// after asking before replacing unsaved data or a running tap.
func (ui *Inspector) ShowOpen() {
	f := ui.newPathField(ui.app.Preferences().String(prefLastSession), false, []string{".ndjson", ".jsonl", ".json", ".pcap", ".pcapng", ".cap"})
	items := []*widget.FormItem{widget.NewFormItem("Session file or capture", f.row)}
	fd := ui.showForm("Open session", "Open", items, fyne.NewSize(640, 180), func() error {
		path := f.path()
		st, err := os.Stat(path)
		switch {
		case err != nil:
			return &fieldError{field: f.entry, err: fmt.Errorf("open %s: %w", path, err)}
		case st.IsDir():
			return &fieldError{field: f.entry, err: fmt.Errorf("%s is a directory", path)}
		}
		ui.askToReplace(filepath.Base(path), func() { ui.OpenSessionFile(path) })
		return nil
	})
	ui.wireKeys(f.entry, fd)
}

// OpenSessionFile loads a session file and shows it. A damaged file is
// reported with the line at fault, and the user may load what precedes it.
// Large files load off the UI goroutine, with a progress bar, while the
// window stays responsive.
func (ui *Inspector) OpenSessionFile(path string) {
	ui.app.Preferences().SetString(prefLastSession, path)
	ui.loading.start(path)
	go func() {
		partial, chain, note, err := loadRecording(path, func(read, total int64) {
			ui.loading.progress(path, read, total)
		})
		fyne.Do(func() {
			ui.loading.done()
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

// ShowSave asks where to save the session: a path typed in full, or
// chosen with Browse. It says where it wrote.
func (ui *Inspector) ShowSave() {
	initial := ui.app.Preferences().String(prefLastSession)
	if initial == "" {
		initial = "~/session.ndjson"
	}
	f := ui.newPathField(initial, true, []string{".ndjson"})
	items := []*widget.FormItem{widget.NewFormItem("Save to", f.row)}
	fd := ui.showForm("Save session", "Save", items, fyne.NewSize(640, 180), func() error {
		path := f.path()
		if dir := filepath.Dir(path); dir != "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return &fieldError{field: f.entry, err: fmt.Errorf("no directory %s", dir)}
			}
		}
		snap := ui.sess.Snapshot()
		if err := inspector.SaveSession(path, snap, inspector.SaveOptions{KeepSecrets: ui.keepSecrets}); err != nil {
			return &fieldError{field: f.entry, err: err}
		}
		ui.markSaved(snap)
		ui.app.Preferences().SetString(prefLastSession, path)
		note := "Secret header values are redacted."
		if ui.keepSecrets {
			note = "Authorization and Cookie values are kept, as chosen for the tap."
		}
		ui.status.SetText("Saved " + path)
		dialog.ShowInformation("Session saved", fmt.Sprintf("Saved %s to\n%s\n\n%s", count(int(ui.savedEvents), "event", "events"), path, note), ui.win)
		return nil
	})
	ui.wireKeys(f.entry, fd)
}

// exportSizes are the image sizes offered.
var exportSizes = []string{"1600 × 900", "1280 × 800", "1920 × 1080", "2560 × 1440", "as on screen"}

// ShowExport asks for an image size and file, PNG or SVG by extension.
func (ui *Inspector) ShowExport() {
	size := widget.NewSelect(exportSizes, nil)
	size.SetSelectedIndex(0)
	dark := widget.NewCheck("Dark background, as on screen", nil)
	form := dialog.NewForm("Export timeline image", "Choose file…", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Size", size), widget.NewFormItem("", dark)}, func(ok bool) {
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
				if err := ui.exportImage(path, w, h, dark.Checked); err != nil {
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
// export refuses any other), on a light background.
func (ui *Inspector) ExportImage(path string, w, h int) error {
	return ui.exportImage(path, w, h, false)
}

// exportImage is ExportImage, on a dark background when dark is set.
func (ui *Inspector) exportImage(path string, w, h int, dark bool) error {
	v := ui.timeline.widget.View()
	v.Width, v.Height, v.Dark = float64(w), float64(h), dark
	return timeline.ExportView(path, ui.timeline.exportData(), v)
}
