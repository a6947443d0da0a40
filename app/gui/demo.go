package gui

import (
	"fyne.io/fyne/v2/dialog"

	"github.com/sseinspector/sseinspector/app/demo"
	"github.com/sseinspector/sseinspector/inspector"
)

// StartDemo starts the built-in origin and the buffering proxy (once) and
// opens a new session with a direct lane (the reference) and a lane
// through the proxy, so the effect of buffering shows within seconds.
func (ui *Inspector) StartDemo() {
	if ui.demo == nil {
		d, err := demo.Start()
		if err != nil {
			dialog.ShowError(err, ui.win)
			return
		}
		ui.demo = d
	}
	ui.setSession(inspector.NewSession(inspector.Limits{}), "demo: direct vs a proxy that buffers like default nginx")
	ref, err := ui.AddStream(streamForm{URL: ui.demo.DirectURL}, "direct")
	if err != nil {
		dialog.ShowError(err, ui.win)
		return
	}
	if _, err := ui.AddStream(streamForm{URL: ui.demo.ProxiedURL}, "via buffering proxy"); err != nil {
		dialog.ShowError(err, ui.win)
		return
	}
	ui.setReference(ref)
}
